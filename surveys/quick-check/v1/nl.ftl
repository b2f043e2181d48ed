### quick-check v1: Dutch (nl). Same keys, same order, in all six languages.

title = Wat doe je nu?
quick-intro = Hallo { $given_name }. Eén korte vraag: wat doe je nu? Het duurt minder dan een minuut.
quick-consent = We gebruiken je antwoord om te zien hoe onze opleidingen mensen helpen aan werk en verder leren. We bewaren het bij je leerlinggegevens en delen het alleen in rapporten waarin je naam niet staat. Je kunt ons altijd vragen om geen contact meer met je op te nemen.
activity-title = Wat doe je nu?
activity-text = Wat doe je nu vooral?
activity-hint = Kies wat de meeste tijd van je week kost.
activity-employed-full-time = Ik werk voltijd (30 uur per week of meer)
activity-employed-part-time = Ik werk deeltijd (minder dan 30 uur per week)
activity-self-employed = Ik ben zelfstandige of heb een eigen bedrijf
activity-apprenticeship = Een leerwerktraject (bijvoorbeeld BBL)
activity-further-education = Ik volg een mbo-opleiding of zit op de middelbare school
activity-higher-education = Ik studeer aan een hogeschool of universiteit
activity-volunteering = Ik doe vrijwilligerswerk
activity-looking = Ik zoek werk of een opleiding
activity-not-looking = Ik werk en studeer niet, en zoek op dit moment ook niets
activity-other = Iets anders
