## The text of the messages sent to learners. Every locale has the same keys
## in the same order (a test checks it). Arguments: $given_name, $organisation,
## $link (the learner's personal link).

## Email: an invitation to answer a survey through the personal link.
email-invitation-subject = { $organisation }: dywedwch wrthym beth rydych chi'n ei wneud nawr
email-greeting = Helo { $given_name },
email-invitation-body = Hoffai { $organisation } wybod beth rydych chi'n ei wneud nawr ar ôl gadael. Mae'n cymryd tua dau funud.
## Reminders (the campaign's later steps) and the last one: their own subject
## and opening line, the rest of the email as the invitation.
email-reminder-subject = { $organisation }: nodyn atgoffa i ddweud wrthym beth rydych chi'n ei wneud nawr
email-reminder-body = Nodyn atgoffa: hoffai { $organisation } wybod o hyd beth rydych chi'n ei wneud nawr ar ôl gadael. Mae'n cymryd tua dau funud.
email-last-reminder-subject = { $organisation }: cyfle olaf i ddweud wrthym beth rydych chi'n ei wneud nawr
email-last-reminder-body = Cyfle olaf: dyma'r tro olaf y byddwn yn gofyn. Hoffai { $organisation } wybod beth rydych chi'n ei wneud nawr ar ôl gadael. Mae'n cymryd tua dau funud.
## A campaign's own subject on a reminder starts with these words.
email-reminder-prefix = Nodyn atgoffa:
email-last-reminder-prefix = Cyfle olaf:
email-invitation-action = Atebwch y cwestiynau
email-link-intro = Neu copïwch y ddolen hon i'ch porwr:
email-sign-off = Diolch,
email-unsubscribe-intro = Os nad ydych am glywed gennym drwy e-bost, gallwch ddad-danysgrifio:
email-unsubscribe = Dad-danysgrifio

## SMS: kept short, one segment where the language allows.
sms-invitation = { $organisation }: dywedwch wrthym beth rydych chi'n ei wneud nawr, mae'n cymryd 2 funud: { $link } Atebwch STOP i optio allan.
sms-reminder = { $organisation }: nodyn atgoffa i ddweud wrthym beth rydych chi'n ei wneud nawr, mae'n cymryd 2 funud: { $link } Atebwch STOP i optio allan.
sms-last-reminder = { $organisation }: cyfle olaf i ddweud wrthym beth rydych chi'n ei wneud nawr: { $link } Atebwch STOP i optio allan.

## Letter: printed, with a QR code of the personal link.
letter-title = Dywedwch wrthym beth rydych chi'n ei wneud nawr
letter-salutation = Annwyl { $given_name },
letter-body = Hoffai { $organisation } wybod beth rydych chi'n ei wneud nawr ar ôl ein gadael. Mae eich atebion yn ein helpu i gefnogi dysgwyr fel chi a gwella ein cyrsiau. Mae'n cymryd tua dau funud.
letter-scan = Sganiwch y cod QR gyda chamera eich ffôn, neu teipiwch y cyfeiriad hwn mewn porwr gwe:
letter-sign-off = Yn gywir,
letter-date = { $day } { $month } { $year }
month-1 = Ionawr
month-2 = Chwefror
month-3 = Mawrth
month-4 = Ebrill
month-5 = Mai
month-6 = Mehefin
month-7 = Gorffennaf
month-8 = Awst
month-9 = Medi
month-10 = Hydref
month-11 = Tachwedd
month-12 = Rhagfyr
month-year = { $month } { $year }

## Staff accounts: an administrator's invitation to Onward ($name, $organisation,
## $role, $days: how long the link works), and what an address that already has
## an account gets instead (it can belong to one organisation only).
staff-invitation-subject = Fe'ch gwahoddir i Onward yn { $organisation }
staff-invitation-body = Mae { $organisation } wedi eich gwahodd i ddefnyddio Onward, ei system cyrchfannau dysgwyr, fel { $role }.
staff-invitation-action = Dewiswch eich cyfrinair
staff-invitation-expiry = Mae'r ddolen yn gweithio unwaith, am { $days } diwrnod. Os nad oeddech yn disgwyl yr e-bost hwn, gallwch ei anwybyddu.
staff-account-exists-subject = Gwahoddiad i Onward yn { $organisation }
staff-account-exists-body = Ceisiodd rhywun yn { $organisation } eich gwahodd i Onward, ond mae gan y cyfeiriad e-bost hwn gyfrif Onward eisoes, a dim ond i un sefydliad y mae cyfrif yn perthyn.
staff-account-exists-advice = Os oes angen i chi weithio i { $organisation } hefyd, gofynnwch iddynt wahodd un arall o'ch cyfeiriadau e-bost. Os ydych wedi anghofio eich cyfrinair, gofynnwch i weinyddwr eich sefydliad eich hun am ddolen ailosod.
staff-account-exists-action = Mewngofnodi

## Employer confirmation (seed 000): asking the employer named on a learner's
## job or apprenticeship record whether it is right ($organisation, $learner,
## $employer, $role, $since: a month and year, $days: how long the link works).
employer-check-subject = Ydy { $learner } yn gweithio i { $employer }?
employer-check-greeting = Helo,
employer-check-intro = Mae { $organisation } yn cadw mewn cysylltiad â'i gyn-ddysgwyr i weld sut mae ei gyrsiau'n helpu pobl i gael gwaith.
employer-check-recorded = Rydym wedi cofnodi bod { $learner } yn gweithio i { $employer } fel { $role } ers { $since }.
employer-check-recorded-no-role = Rydym wedi cofnodi bod { $learner } yn gweithio i { $employer } ers { $since }.
employer-check-ask = A allech ddweud wrthym a yw hyn yn gywir? Un cwestiwn ydyw, ac nid oes angen cyfrif arnoch. Rydym yn gofyn gyda chaniatâd { $learner }.
employer-check-action = Atebwch y cwestiwn
employer-check-expiry = Mae'r ddolen yn gweithio unwaith, am { $days } diwrnod. Os nad oeddech yn disgwyl yr e-bost hwn, gallwch ei anwybyddu.
