## The text of the messages sent to learners. Every locale has the same keys
## in the same order (a test checks it). Arguments: $given_name, $organisation,
## $link (the learner's personal link).

## Email: an invitation to answer a survey through the personal link.
email-invitation-subject = { $organisation }: tell us what you are doing now
email-greeting = Hello { $given_name },
email-invitation-body = { $organisation } would like to know what you are doing now that you have left. It takes about two minutes.
## Reminders (the campaign's later steps) and the last one: their own subject
## and opening line, the rest of the email as the invitation.
email-reminder-subject = { $organisation }: a reminder to tell us what you are doing now
email-reminder-body = A reminder: { $organisation } would still like to know what you are doing now that you have left. It takes about two minutes.
email-last-reminder-subject = { $organisation }: last chance to tell us what you are doing now
email-last-reminder-body = Last chance: this is the last time we will ask. { $organisation } would like to know what you are doing now that you have left. It takes about two minutes.
## A campaign's own subject on a reminder starts with these words.
email-reminder-prefix = A reminder:
email-last-reminder-prefix = Last chance:
email-invitation-action = Answer the questions
email-link-intro = Or copy this link into your browser:
email-sign-off = Thank you,
email-unsubscribe-intro = If you would rather not hear from us by email, you can unsubscribe:
email-unsubscribe = Unsubscribe

## SMS: kept short, one segment where the language allows.
sms-invitation = { $organisation }: tell us what you are doing now, it takes 2 minutes: { $link } Reply STOP to opt out.
sms-reminder = { $organisation }: a reminder to tell us what you are doing now, it takes 2 minutes: { $link } Reply STOP to opt out.
sms-last-reminder = { $organisation }: last chance to tell us what you are doing now: { $link } Reply STOP to opt out.

## Letter: printed, with a QR code of the personal link.
letter-title = Tell us what you are doing now
letter-salutation = Dear { $given_name },
letter-body = { $organisation } would like to know what you are doing now that you have left us. Your answers help us support learners like you and improve our courses. It takes about two minutes.
letter-scan = Scan the QR code with your phone's camera, or type this address into a web browser:
letter-sign-off = Yours sincerely,
letter-date = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
month-year = { $month } { $year }

## Staff accounts: an administrator's invitation to Onward ($name, $organisation,
## $role, $days: how long the link works), and what an address that already has
## an account gets instead (it can belong to one organisation only).
staff-invitation-subject = You are invited to Onward at { $organisation }
staff-invitation-body = { $organisation } has invited you to use Onward, its learner destinations system, as { $role }.
staff-invitation-action = Choose your password
staff-invitation-expiry = The link works once, for { $days } days. If you were not expecting this email, you can ignore it.
staff-account-exists-subject = An invitation to Onward at { $organisation }
staff-account-exists-body = Someone at { $organisation } tried to invite you to Onward, but this email address already has an Onward account, and an account belongs to one organisation only.
staff-account-exists-advice = If you need to work for { $organisation } too, ask them to invite another of your email addresses. If you have forgotten your password, ask your own organisation's administrator for a reset link.
staff-account-exists-action = Sign in

## Employer confirmation (seed 000): asking the employer named on a learner's
## job or apprenticeship record whether it is right ($organisation, $learner,
## $employer, $role, $since: a month and year, $days: how long the link works).
employer-check-subject = Does { $learner } work for { $employer }?
employer-check-greeting = Hello,
employer-check-intro = { $organisation } keeps in touch with its former learners to see how its courses help people into work.
employer-check-recorded = We have recorded that { $learner } works for { $employer } as { $role } since { $since }.
employer-check-recorded-no-role = We have recorded that { $learner } works for { $employer } since { $since }.
employer-check-ask = Could you tell us whether this is right? It is one question, and you do not need an account. We ask with { $learner }'s consent.
employer-check-action = Answer the question
employer-check-expiry = The link works once, for { $days } days. If you were not expecting this email, you can ignore it.
