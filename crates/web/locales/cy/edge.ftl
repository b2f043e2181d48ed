# Gwrthodiadau wrth ymyl HTTP (crates/web/src/edge.rs).
edge-control-character-title = Mae problem gyda'r cais hwnnw
edge-control-character-in-field = Mae'r maes “{ $field }” yn cynnwys nod rheoli ({ $code }), nad yw Onward yn ei dderbyn. Tynnwch ef (mae'n aml yn anweledig: teipiwch y testun eto yn hytrach na'i ludo) a rhowch gynnig arall arni. Ni chafodd dim ei gadw.
edge-control-character-in-path = Mae'r cyfeiriad gwe yn cynnwys nod rheoli ({ $code }). Gwiriwch y cyfeiriad a rhowch gynnig arall arni.
edge-timeout-title = Mae'n ddrwg gennym, cymerodd hynny ormod o amser
edge-timeout-message = Rhoddodd Onward y gorau i weithio ar eich cais ar ôl { $seconds } eiliad. Ni chafodd dim ei gadw oni bai i chi weld cadarnhad; gwiriwch cyn rhoi cynnig arall arni.
