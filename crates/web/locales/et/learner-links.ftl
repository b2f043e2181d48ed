# Sõnumitest loobumise leht (/o/{token}).
survey-site-opt-out-title = Loobu sõnumitest: { $organisation }
survey-site-opt-out-body = { $organisation } hoiab endiste õppijatega ühendust e-posti, tekstisõnumi, kirja ja telefoni teel, et küsida, mida nad praegu teevad. Kui loobud, ei võeta sinuga selles asjus enam ühendust.
survey-site-opt-out-button = Loobu sõnumitest
survey-site-opt-out-done-title = Oled sõnumitest loobunud
survey-site-opt-out-done-body = { $organisation } ei võta sinuga enam ühendust, et küsida, mida sa praegu teed. Kui mõtled ümber, võta nendega ühendust.
