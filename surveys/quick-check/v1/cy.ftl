### quick-check v1: Welsh (cy). Same keys, same order, in all six languages.

title = Beth ydych chi’n ei wneud nawr?
quick-intro = Helo { $given_name }. Un cwestiwn cyflym: beth ydych chi’n ei wneud nawr? Mae’n cymryd llai na munud.
quick-consent = Rydym yn defnyddio eich ateb i weld sut mae ein cyrsiau’n helpu pobl i gael gwaith a dysgu. Rydym yn ei gadw gyda’ch cofnod dysgwr ac yn ei rannu dim ond mewn adroddiadau nad ydynt yn eich enwi. Gallwch ofyn i ni roi’r gorau i gysylltu â chi ar unrhyw adeg.
activity-title = Beth ydych chi’n ei wneud nawr?
activity-text = Beth ydych chi’n ei wneud yn bennaf nawr?
activity-hint = Dewiswch yr un sy’n cymryd y rhan fwyaf o’ch wythnos.
activity-employed-full-time = Gweithio’n llawn amser (30 awr yr wythnos neu fwy)
activity-employed-part-time = Gweithio’n rhan amser (llai na 30 awr yr wythnos)
activity-self-employed = Hunangyflogedig neu’n rhedeg fy musnes fy hun
activity-apprenticeship = Prentisiaeth
activity-further-education = Astudio mewn coleg neu chweched dosbarth
activity-higher-education = Astudio yn y brifysgol
activity-volunteering = Gwirfoddoli
activity-looking = Chwilio am waith neu gwrs
activity-not-looking = Ddim yn gweithio nac yn astudio, a ddim yn chwilio ar hyn o bryd
activity-other = Rhywbeth arall
