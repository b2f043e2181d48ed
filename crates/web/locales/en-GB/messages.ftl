# Text the Rust code builds for pages: error pages, the learner timeline, the
# support log, at-risk reasons, month names.

## Page layout
nav-service-information = Service information

## Error pages
error-not-found-title = Page not found
error-not-found-message = If you typed the web address, check it is correct.
error-forbidden-title = You cannot see this page
error-forbidden-message = Your role does not give access to this page. Ask an administrator if you need it.
error-bad-request-title = There is a problem with that request
error-form-expired-title = This form has expired
error-form-expired-message = Nothing was changed. Go back, reload the page and submit the form again.
error-internal-title = Sorry, there is a problem with the service
error-internal-message = Try again later. Nothing you submitted has been lost if you saw no confirmation; check before submitting again.
bad-request-call-again = Go back to the call queue, reload the page and record the call again.
bad-request-choose-category = Go back and choose what the learner is doing.
bad-request-choose-source = Go back and choose how you know.
bad-request-note-too-long = Go back and shorten the note to 1,000 characters or fewer.
bad-request-choose-role = Go back and choose a role from the list.
bad-request-use-activate-buttons = Go back and use the Deactivate or Reactivate button.
bad-request-use-archive-buttons = Go back and use the Archive or Restore button.
bad-request-choose-referral = Go back and choose the referral to close.
bad-request-choose-offer = Go back and choose an offer to update.
bad-request-choose-offer-status = Go back and choose where the offer stands.
bad-request-choose-flag = Go back and choose the flag to clear.
bad-request-choose-file = Choose the file to import.
bad-request-confirm-finished-check = Only a finished check of a file can be confirmed; upload the file again.
bad-request-client-address = The client address is unknown.
bad-request-form-unreadable = The form could not be read. Go back and try again.

## The learner record's timeline
timeline-started = Started { $programme }
timeline-left = Left { $programme }
timeline-cohort = Cohort: { $cohort }
timeline-source = Source: { $source }
timeline-verification = Verification: { $verification }
timeline-institution = Institution: { $value }
timeline-employer = Employer: { $value }
timeline-job-role = Job role: { $value }
timeline-course = Course: { $value }
timeline-verified = Verified: { $category } ({ $from } to { $to })
timeline-tag-verification = Verification
timeline-incomplete = Incomplete: no employer recorded
timeline-tag-enrolment = Enrolment
timeline-tag-intended = Intended destination
timeline-tag-destination = Destination
timeline-tag-contact-attempt = Contact attempt

## The support log and at-risk reasons
support-log-staff = staff
support-log-flagged = Flagged at risk
support-log-flag-cleared = Flag cleared
support-log-no-owner = none
support-log-referred = Referred: { $type }
support-log-referral-detail = Owner: { $owner }. Follow up by { $date }.
support-log-referral-closed = Referral closed ({ $type }): { $outcome }
atrisk-reason-not-known = Destination not known after the last checkpoint ({ $date })
atrisk-reason-flagged = Flagged by staff: { $reasons }

## Month names, for dates written out
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
