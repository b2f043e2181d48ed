# Onward staff app: Welsh (Cymraeg).
# status: partial. Strings marked "# untranslated" repeat the English text until
# a Welsh translation is supplied; tools can list them by that marker.

service-name = Onward
skip-to-content = Neidio i'r prif gynnwys
footer-text = Onward — cyrchfannau a dilyniant dysgwyr. Mae'r data'n aros gyda'ch sefydliad.
language-switch = English

nav-menu = Dewislen
nav-cohorts = Carfannau
nav-programmes = Rhaglenni
nav-learners = Dysgwyr
nav-users = Defnyddwyr
nav-settings = Gosodiadau
nav-password = Cyfrinair
nav-sign-out = Allgofnodi

sign-in-title = Mewngofnodi
sign-in-heading = Mewngofnodi i Onward
sign-in-email = Cyfeiriad e-bost
sign-in-password = Cyfrinair
sign-in-button = Mewngofnodi
error-summary-title = Mae problem wedi codi
error-prefix = Gwall:

home-title = Carfannau
# untranslated
home-signed-in-as = Signed in as { $name } ({ $role }).
# untranslated
home-add-cohort = Add a cohort
# untranslated
home-no-cohorts = There are no cohorts yet. Import learners from your MIS to create them.
# untranslated
home-table-caption = Cohorts and learner numbers
home-column-cohort = Carfan
home-column-learners = Dysgwyr
# untranslated
home-archived = Archived
# untranslated
home-nothing-shared = Nothing has been shared with you yet. Organisations that share returns or matching lists with you will appear here.

# untranslated
learners-title = Learners
# untranslated
learners-search-label = Name, ULN, MIS id or postcode
# untranslated
learners-search-hint = For example, Smith, Amelia Smith, 9276308686 or LS6
# untranslated
learners-filter-cohort = Cohort
# untranslated
learners-all-cohorts = All cohorts
# untranslated
learners-filter-status = Enrolment status
# untranslated
learners-any-status = Any status
# untranslated
learners-search-button = Search
# untranslated
learners-none = No learners match your search.
# untranslated
learners-caption = Matching learners, by family name
# untranslated
learners-caption-more = More matching learners, by family name
# untranslated
column-name = Name
# untranslated
column-uln = ULN
# untranslated
column-mis-id = MIS id
# untranslated
column-date-of-birth = Date of birth
# untranslated
column-postcode = Postcode
# untranslated
pagination-label = Pages of results
# untranslated
pagination-first = First page
# untranslated
pagination-next = Next page
# untranslated
learner-caption = Learner
# untranslated
learner-current-destination = Current destination:
# untranslated
not-known = Not known
# untranslated
learner-details = Details
# untranslated
not-recorded = Not recorded
# untranslated
learner-contact-details = Contact details
# untranslated
learner-no-contacts = No contact details recorded.
# untranslated
learner-consent-given = Consent given
# untranslated
learner-no-consent = No consent
# untranslated
contact-add = Add a contact detail
# untranslated
learner-enrolments = Enrolments
# untranslated
learner-no-enrolments = No enrolments.
# untranslated
column-programme = Programme
# untranslated
column-dates = Dates
# untranslated
column-status = Status
# untranslated
date-range-to = to
# untranslated
date-planned = (planned)
# untranslated
learner-timeline = Timeline
# untranslated
learner-timeline-empty = Nothing recorded yet.
# untranslated
cohort-edit = Edit cohort
# untranslated
cohort-archive = Archive cohort
# untranslated
cohort-restore = Restore cohort
# untranslated
cohort-learner-count = { $count } learners.
# untranslated
cohort-list-learners = List the learners in this cohort
# untranslated
cohort-current-destinations = Current destinations
# untranslated
column-destination = Destination
# untranslated
cohort-destination-note = A learner's current destination is their latest actual destination; learners with none are counted as not known.
# untranslated
error-start-page = Go to the start page
# untranslated
date-day = Day
# untranslated
date-month = Month
# untranslated
date-year = Year
# untranslated
cancel = Cancel

# untranslated
contact-type = Type
# untranslated
contact-email-address-phone-number-or-postal-add = Email address, phone number or postal address
# untranslated
contact-the-learner-agreed-to-be-contacted-this = The learner agreed to be contacted this way
# untranslated
contact-save-contact-detail = Save contact detail
# untranslated
cohort-form-for-example-year-11-leavers-2026-or-boot = For example, Year 11 leavers 2026 or Bootcamp Spring 2026
# untranslated
cohort-form-tracking-plan = Tracking plan
# untranslated
cohort-form-no-plan-yet = No plan yet
# untranslated
cohort-form-results-day-optional = Results day (optional)
# untranslated
cohort-form-for-school-cohorts-checkpoints-can-fall = For school cohorts: checkpoints can fall on results day. For example, 20 8 2026
# untranslated
cohort-form-save-cohort = Save cohort
# untranslated
programmes-add-a-programme = Add a programme
# untranslated
programmes-there-are-no-programmes-yet = There are no programmes yet.
# untranslated
programmes-title = Title
# untranslated
programmes-level = Level
# untranslated
programmes-sector-subject-area = Sector subject area
# untranslated
programmes-mode = Mode
# untranslated
programmes-actions = Actions
# untranslated
programmes-edit = Edit
# untranslated
programme-form-choose-a-type = Choose a type
# untranslated
programme-form-not-set = Not set
# untranslated
programme-form-funding-stream-optional = Funding stream (optional)
# untranslated
programme-form-save-programme = Save programme
# untranslated
users-invitation-created = Invitation created
# untranslated
users-send-this-link-to-them-it-works-once-for = Send this link to them. It works once, for 24 hours:
# untranslated
users-email = Email
# untranslated
users-role = Role
# untranslated
users-change-role = Change role
# untranslated
users-active = Active
# untranslated
users-deactivated = Deactivated
# untranslated
users-reset-password = Reset password
# untranslated
users-invite-a-user = Invite a user
# untranslated
users-choose-a-role = Choose a role
# untranslated
users-create-invitation-link = Create invitation link
# untranslated
invite-choose-your-password = Choose your password
# untranslated
invite-new-password = New password
# untranslated
invite-at-least-10-characters-a-few-random-word = At least 10 characters. A few random words work well.
# untranslated
invite-confirm-the-password = Confirm the password
# untranslated
invite-save-password = Save password
# untranslated
invite-this-link-has-expired-or-has-already-bee = This link has expired or has already been used
# untranslated
invite-ask-your-onward-administrator-for-a-new = Ask your Onward administrator for a new link.
# untranslated
password-success = Success
# untranslated
password-your-password-has-been-changed = Your password has been changed.
# untranslated
password-change-your-password = Change your password
# untranslated
password-current-password = Current password
# untranslated
password-at-least-10-characters = At least 10 characters.
# untranslated
password-confirm-the-new-password = Confirm the new password
# untranslated
password-change-password = Change password
# untranslated
settings-the-settings-have-been-saved = The settings have been saved.
# untranslated
settings-organisation-settings = Organisation settings
# untranslated
settings-identifier = Identifier
# untranslated
settings-kind = Kind
# untranslated
settings-country = Country
# untranslated
settings-default-language-of-the-staff-pages = Default language of the staff pages
# untranslated
settings-save-settings = Save settings

# untranslated
action-archive = Archive
# untranslated
action-restore = Restore
# untranslated
programme-edit = Edit programme
# untranslated
users-invite-send = Send this link to the person. It works once, for 7 days:
# untranslated
users-reset-title = Password reset link for { $name }
# untranslated
users-caption = Staff with access to { $organisation }
# untranslated
users-you = (you)
# untranslated
users-role-of = Role of { $name }
# untranslated
users-deactivate = Deactivate
# untranslated
users-reactivate = Reactivate

# untranslated
learner-edit = Edit learner details
learner-given-name = Enw cyntaf
learner-family-name = Cyfenw
learner-sex = Rhyw
learner-ethnicity = Ethnigrwydd
# untranslated
learner-save = Save details

# untranslated
learners-all-programmes = All programmes

nav-work = Fy ngwaith
work-title = Fy ngwaith
# untranslated
work-nothing-due = Nothing is due for your role today.
# untranslated
work-total = { $count } tasks due, oldest first.
# untranslated
work-group-count = { $count } due
# untranslated
work-due = Due

# untranslated
unknowns-title = Destination not known
# untranslated
unknowns-intro = { $count } learners in this cohort have no known destination. Print this page or download the list and ask all staff: do you know where they are?
# untranslated
unknowns-download = Download the list (CSV)
# untranslated
unknowns-none = Every learner in this cohort has a known destination.
# untranslated
unknowns-what = What are they doing?
# untranslated
unknowns-how = How do you know?
# untranslated
unknowns-notes = Note (optional)
# untranslated
unknowns-save = I know where they are
# untranslated
cohort-unknowns-link = Learners whose destination is not known

# Import page
# untranslated
import-title = Import learners
# untranslated
import-intro = Upload the learners file your MIS exports (SIMS, Arbor, Bromcom, ebs, PICS or a spreadsheet): one row per enrolment, or one row per learner. You will see its first rows and the columns Onward recognised before anything is imported, and you can check the whole file first.
# untranslated
import-choose-file = Choose the file
# untranslated
import-file-hint = CSV (comma, semicolon, tab or pipe), XLSX, XLS or ODS, up to { $limit } MB. Larger files: use onward import learners on the server.
# untranslated
import-upload = Upload and preview
# untranslated
import-template = Download the template CSV
# untranslated
import-columns = Columns Onward recognises
# untranslated
import-recent = Recent imports
# untranslated
import-no-runs = No imports yet.
# untranslated
import-started = Started
# untranslated
import-file = File
# untranslated
import-status = Status
# untranslated
import-rows = Rows
# untranslated
import-errors = Errors
# untranslated
import-warnings = Warnings
# untranslated
import-dry-run = check only
# untranslated
import-status-queued = Waiting to start
# untranslated
import-status-running = Running
# untranslated
import-status-finished = Finished
# untranslated
import-status-refused = Refused
# untranslated
import-status-interrupted = Interrupted
# untranslated
import-preview-title = Check the columns
# untranslated
import-another = Upload another file
# untranslated
import-read-as = Read as
# untranslated
import-sheet = Sheet
# untranslated
import-use-saved = Start from a saved mapping
# untranslated
import-detected = Recognised by Onward
# untranslated
import-apply = Show
# untranslated
import-mapping = Columns and their first rows
# untranslated
import-mapping-hint = Each column shows the learner field it fills. Change any that are wrong; columns marked Not imported are left out and reported.
# untranslated
import-not-imported = Not imported
# untranslated
import-on-error = Rows with errors
# untranslated
import-on-error-skip = Import the other rows and report the rows with errors
# untranslated
import-on-error-abort = Import nothing if any row has an error
# untranslated
import-save-mapping = Save these columns as (optional)
# untranslated
import-save-mapping-hint = For example the name of your MIS, to use the same columns next time.
# untranslated
import-check = Check the whole file
# untranslated
import-now = Import now
# untranslated
import-run-title = Import
# untranslated
import-run-check-title = Check of the file
# untranslated
import-rows-read = Rows read
# untranslated
import-refreshes = This page refreshes itself until the import is over.
# untranslated
import-refused = The file was not imported
# untranslated
import-checked = The file was checked. Nothing has been imported yet.
# untranslated
import-done = The file was imported.
# untranslated
import-rows-imported = Rows imported
# untranslated
import-rows-imported-check = Rows that would be imported
# untranslated
import-rows-skipped = Rows skipped
# untranslated
import-learners = Learners
# untranslated
import-enrolments = Enrolments
# untranslated
import-created = created
# untranslated
import-updated = updated
# untranslated
import-unchanged = unchanged
# untranslated
import-other-records = Also added
# untranslated
import-other-records-check = Would also add
# untranslated
import-contacts = contact details
# untranslated
import-programmes = programmes
# untranslated
import-cohorts = cohorts
# untranslated
import-duplicates = Probable duplicates flagged
# untranslated
import-confirm = Import this file
# untranslated
import-issues = Errors and warnings
# untranslated
import-issues-shown = Showing { $shown } of { $count }.
# untranslated
import-issues-download = Download them all (CSV)
# untranslated
import-row = Row
# untranslated
import-column = Column
# untranslated
import-value = Value
# untranslated
import-reason = What is wrong
# untranslated
import-error = Error
# untranslated
import-warning = Warning
# untranslated
import-back = Back to imports
nav-import = Mewnforio
# untranslated
support-date-hint = For example, 27 3 2026
# untranslated
support-choose = Choose one
# untranslated
support-notes = Notes
# untranslated
support-notes-optional = Notes (optional)
# untranslated
support-warning = Warning
# untranslated
support-at-risk = This learner is at risk of not progressing:
# untranslated
support-see-support = See support
# untranslated
support-intended-vs-actual = Intended and actual destinations
# untranslated
support-intended = Intended
# untranslated
support-actual = Actual now
# untranslated
support-comparison = Compared
# untranslated
support-aspirations = Aspirations and intentions
# untranslated
support-aspiration = Aspiration
# untranslated
support-recorded-by = recorded by
# untranslated
support-heading = Support
# untranslated
support-nothing-open = No open flags or referrals.
# untranslated
support-open-flag = Flagged at risk
# untranslated
support-open-referral = Open referral
# untranslated
support-log = Support log
# untranslated
support-log-empty = Nothing recorded yet.
# untranslated
intention-title = Record an intention
# untranslated
intention-stage = When was it recorded?
# untranslated
intention-stage-short = Stage
# untranslated
intention-date = Date of the conversation
# untranslated
intention-category = What does the learner intend to do?
# untranslated
intention-category-hint = Choose "Not known" if they have not decided yet: they may need careers guidance.
# untranslated
intention-place = Provider, university or employer (optional)
# untranslated
intention-aspiration = Aspiration (optional)
# untranslated
intention-aspiration-hint = Their career goal in their own words, for example "to work as a veterinary nurse".
# untranslated
intention-save = Save intention
# untranslated
offer-title = Record a September Guarantee offer
# untranslated
offer-provider = Provider
# untranslated
offer-course = Course
# untranslated
offer-status = Status
# untranslated
offer-save = Save offer
# untranslated
offer-update = Update
# untranslated
flag-title = Flag as at risk
# untranslated
flag-reason = Why is the learner at risk?
# untranslated
flag-reason-hint = What you have noticed, for example "not attending since results day".
# untranslated
flag-save = Flag as at risk
# untranslated
flag-clear = Clear flag
# untranslated
flag-clear-note = Why the concern is resolved (optional)
# untranslated
referral-title = Make a referral
# untranslated
referral-type = Referred to
# untranslated
referral-owner = Owner
# untranslated
referral-owner-hint = Who follows it up. It appears in their My work.
# untranslated
referral-follow-up = Follow up by
# untranslated
referral-save = Save referral
# untranslated
referral-close-title = Record the outcome
# untranslated
referral-outcome = Outcome
# untranslated
referral-outcome-note = Note (required for "Other")
# untranslated
referral-close-save = Close referral
# untranslated
guarantee-title = September Guarantee: learners with no offer
# untranslated
guarantee-heading = September Guarantee
# untranslated
guarantee-intro = Every Year 11 and Year 12 learner should have an offer of a suitable place in education or training by the end of September. Learners listed here have no offer recorded, or only offers they declined. Print this page or download the list for the careers adviser and the local authority.
# untranslated
guarantee-counts = Offers in this cohort
# untranslated
guarantee-accepted = Accepted an offer
# untranslated
guarantee-offered = Offered a place
# untranslated
guarantee-applied = Applied, waiting
# untranslated
guarantee-no-offer = No offer
# untranslated
guarantee-download = Download the list (CSV)
# untranslated
guarantee-none = Every learner in this cohort has an offer or an application in progress.
# untranslated
guarantee-list-caption = { $count } learners with no offer
# untranslated
guarantee-recorded = Recorded
# untranslated
guarantee-nothing-recorded = Nothing recorded
# untranslated
guarantee-learner-none = No offers recorded.
# untranslated
atrisk-title = Learners at risk
# untranslated
atrisk-intro = { $count } learners in this cohort are NEET, still not known after the last checkpoint of their plan, or flagged by staff.
# untranslated
atrisk-none = No learner in this cohort is at risk.
# untranslated
atrisk-reasons = Why
# untranslated
atrisk-referrals = Referrals
# untranslated
atrisk-not-referred = No open referral
# untranslated
atrisk-open-referrals = { $count } open
# untranslated
cohort-at-risk-link = Learners at risk
# untranslated
cohort-guarantee-link = September Guarantee: learners with no offer
# untranslated
work-referrals = Referrals to follow up
# untranslated
work-referrals-count = { $count } open, { $due } due
# untranslated
work-referral-action = Action
# untranslated
work-overdue = Overdue
# untranslated
work-record-outcome = Record the outcome
# untranslated
call-title = Call queue
# untranslated
call-heading = Call { $name }
# untranslated
call-counts = { $waiting } learners to call now; { $tried } already tried today (call them again another day).
# untranslated
call-due = Due
# untranslated
call-attempt-number = Attempt by phone
# untranslated
call-numbers = Phone numbers
# untranslated
call-no-numbers = No phone number they agreed to be called on. Add one on their record, or choose Wrong number to move them to the next channel.
# untranslated
call-numbers-without-consent = Not shown: { $count } held without consent to call.
# untranslated
call-open-record = Open their record
# untranslated
call-previous = Previous contact
# untranslated
call-previous-none = No contact attempts yet.
# untranslated
call-number-called = Number called
# untranslated
call-script-intended = Ask: what do you plan to do when you finish your course?
# untranslated
call-script-actual = Ask: what are you doing now?
# untranslated
call-script-hint = Fill this in only if you spoke to the learner. Leave it empty if you did not reach them.
# untranslated
call-category = What they are doing
# untranslated
call-category-none = Not answered
# untranslated
call-place = Employer or place of learning
# untranslated
call-job-role = Job role (optional)
# untranslated
call-start-date = Start date (optional)
# untranslated
call-start-date-hint = For example, 1 9 2026
# untranslated
call-notes = Notes (optional)
# untranslated
call-opt-out = They asked not to be contacted again
# untranslated
call-outcome = Outcome of the call
# untranslated
call-outcome-reached = Reached: save
# untranslated
call-outcome-no-answer = No answer
# untranslated
call-outcome-voicemail = Left voicemail
# untranslated
call-outcome-wrong-number = Wrong number
# untranslated
call-outcome-refused = Refused
# untranslated
call-skip = Skip to the next learner
# untranslated
call-saved-title = Saved
# untranslated
call-saved = Call to { $name } saved.
# untranslated
call-empty-heading = No one left to call
# untranslated
call-empty = Everyone due for this checkpoint has been called or has answered. { $tried } learners tried today will be back in the queue tomorrow.
# untranslated
call-not-by-phone = This checkpoint is not followed up by phone.
# untranslated
call-back-to-work = Back to My work
# untranslated
work-call-queue = Call these learners
# untranslated
cohort-call-queues = Call queues
# untranslated
cohort-call-queue-for = Call queue: { $name }
# untranslated
nav-plans = Plans
# untranslated
plans-title = Tracking plans
# untranslated
plans-intro = A tracking plan lists the checkpoints at which learners are followed up, counted from their dates, with the channels to try in order and who is responsible. Each cohort follows one plan.
# untranslated
plans-create = Create a plan
# untranslated
plans-none = There are no plans yet.
# untranslated
plans-checkpoints = Checkpoints
# untranslated
plans-cohorts = Cohorts
# untranslated
plans-copy = Copy
# untranslated
plans-caption = Tracking plan
# untranslated
plans-back = All tracking plans
# untranslated
plan-edit-details = Edit name and description
# untranslated
plan-when = When
# untranslated
plan-channels = Channels, in order
# untranslated
plan-responsible = Responsible
# untranslated
plan-max-attempts = Attempts per channel
# untranslated
plan-tasks = Tasks
# untranslated
plan-remove = Remove
# untranslated
plan-add-checkpoint = Add a checkpoint
# untranslated
plan-changes-note = Changes apply to tasks not yet done: they appear under the new name, for the new role, with the new channels and attempts. Tasks already created keep their due dates; a new checkpoint gets tasks at the next hourly run. Done, unreachable and opted-out tasks are never changed.
# untranslated
plan-when-fixed = { $date } each year, the first after leaving
# untranslated
plan-when-on = On the { $anchor }
# untranslated
plan-when-after = { $days } days after the { $anchor }
# untranslated
plan-when-before = { $days } days before the { $anchor }
# untranslated
plan-name = Plan name
# untranslated
plan-description = Description (optional)
# untranslated
plan-first-checkpoint = First checkpoint
# untranslated
plan-save = Save plan
# untranslated
checkpoint-name = Checkpoint name
# untranslated
checkpoint-name-hint = For example, 3–6 month follow-up
# untranslated
checkpoint-anchor = Counted from
# untranslated
checkpoint-offset = Days after it
# untranslated
checkpoint-offset-hint = Use a minus sign for days before, for example -100 for intentions in the spring before leaving
# untranslated
checkpoint-fixed-date = Calendar date (only when counted from a fixed calendar date)
# untranslated
checkpoint-fixed-date-hint = For example, 1 11 for the 1 November activity check
# untranslated
checkpoint-channels = Channels to try, cheapest first
# untranslated
checkpoint-channels-hint = The task moves to the next channel after the attempts per channel, and is unreachable after the last.
# untranslated
checkpoint-channel-n = Channel { $n }
# untranslated
checkpoint-channel-none = None
# untranslated
checkpoint-max-attempts-hint = From 1 to 10
# untranslated
checkpoint-position = Place in the plan
# untranslated
checkpoint-position-hint = Checkpoints must be in date order. Onward checks the order for a course from 1 September 2025 to 15 July 2026 with results day on 13 August 2026.
# untranslated
checkpoint-edit = Edit checkpoint
# untranslated
checkpoint-save = Save checkpoint
# untranslated
checkpoint-has-tasks = This checkpoint already has { $count } tasks. They keep their due dates; a new name, role, channels or attempts apply to those not yet done.
# untranslated
learner-warning = Warning
# untranslated
learner-opted-out = Asked not to be contacted again on { $date }: they are left out of call queues.
# untranslated
learner-contact-wrong = Marked wrong
