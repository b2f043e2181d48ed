# Refusals at the HTTP edge (crates/web/src/edge.rs).
edge-control-character-title = There is a problem with that request
edge-control-character-in-field = The field “{ $field }” contains a control character ({ $code }), which Onward does not accept. Remove it (it is often invisible: retype the text rather than pasting it) and try again. Nothing was saved.
edge-control-character-in-path = The web address contains a control character ({ $code }). Check the address and try again.
edge-timeout-title = Sorry, that took too long
edge-timeout-message = Onward stopped working on your request after { $seconds } seconds. Nothing was saved unless you saw a confirmation; check before trying again.
