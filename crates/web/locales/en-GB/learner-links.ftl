# The opt-out page (/o/{token}) on the learner site.
survey-site-opt-out-title = Stop messages from { $organisation }
survey-site-opt-out-body = { $organisation } keeps in touch with former learners by email, text message, letter and phone to ask what they are doing now. If you opt out, they will not contact you about this again.
survey-site-opt-out-button = Opt out of messages
survey-site-opt-out-done-title = You have opted out
survey-site-opt-out-done-body = { $organisation } will not contact you again to ask what you are doing now. If you change your mind, get in touch with them.
