### quick-check v1: Estonian (et). Same keys, same order, in all six languages.

title = Millega sa praegu tegeled?
quick-intro = Tere, { $given_name }! Üks kiire küsimus: millega sa praegu tegeled? Selleks kulub alla minuti.
quick-consent = Kasutame sinu vastust, et näha, kuidas meie õpe aitab inimestel tööd leida ja edasi õppida. Hoiame seda koos sinu õppijaandmetega ja jagame seda ainult aruannetes, kus sinu nime ei ole. Võid igal ajal paluda, et me sinuga enam ühendust ei võtaks.
activity-title = Millega sa praegu tegeled?
activity-text = Millega sa praegu peamiselt tegeled?
activity-hint = Vali see, mis võtab suurema osa sinu nädalast.
activity-employed-full-time = Töötan täiskohaga (30 tundi nädalas või rohkem)
activity-employed-part-time = Töötan osalise tööajaga (alla 30 tunni nädalas)
activity-self-employed = Töötan iseendale või mul on oma ettevõte
activity-apprenticeship = Töökohapõhine õpe (õpipoisiõpe)
activity-further-education = Õpin kutsekoolis või gümnaasiumis
activity-higher-education = Õpin kõrgkoolis
activity-volunteering = Teen vabatahtlikku tööd
activity-looking = Otsin tööd või koolitust
activity-not-looking = Ma ei tööta ega õpi ning praegu ei otsi ka
activity-other = Midagi muud
