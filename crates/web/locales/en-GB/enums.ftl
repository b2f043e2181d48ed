# Labels of the domain's code lists (onward_domain enums), keyed by `label_key()`:
# enum-<Type>-<code>. The English text is each enum's `label()`; a test keeps them equal.

## ContactPointKind (contact.rs)
enum-ContactPointKind-email = Email
enum-ContactPointKind-phone = Phone
enum-ContactPointKind-address = Postal address

## ContactChannel (contact.rs)
enum-ContactChannel-phone = Phone call
enum-ContactChannel-email = Email
enum-ContactChannel-sms = SMS
enum-ContactChannel-letter = Letter
enum-ContactChannel-in_person = In person
enum-ContactChannel-social_media = Social media
enum-ContactChannel-partner_data = Partner data

## ContactDirection (contact.rs)
enum-ContactDirection-outbound = Outbound
enum-ContactDirection-inbound = Inbound

## ContactOutcome (contact.rs)
enum-ContactOutcome-reached = Reached
enum-ContactOutcome-no_answer = No answer
enum-ContactOutcome-voicemail = Left voicemail
enum-ContactOutcome-wrong_number = Wrong number
enum-ContactOutcome-bounced = Bounced
enum-ContactOutcome-refused = Refused
enum-ContactOutcome-replied = Replied
enum-ContactOutcome-sent = Sent, no reply yet

## Standard (crosswalk.rs)
enum-Standard-ilr_dp = ILR Destination and Progression
enum-Standard-nccis = NCCIS activity
enum-Standard-dfe = DfE destination measures
enum-Standard-hesa_go = HESA Graduate Outcomes
enum-Standard-vet = VET graduate survey

## DestinationKind (destination.rs)
enum-DestinationKind-intended = Intended
enum-DestinationKind-actual = Actual

## DestinationCategory (destination.rs)
enum-DestinationCategory-edu_school_sixth_form = Education: school sixth form
enum-DestinationCategory-edu_sixth_form_college = Education: sixth form college
enum-DestinationCategory-edu_fe_full_time = Education: further education, full-time
enum-DestinationCategory-edu_fe_part_time = Education: further education, part-time
enum-DestinationCategory-edu_higher = Education: higher education
enum-DestinationCategory-edu_other = Education: other
enum-DestinationCategory-apprenticeship = Apprenticeship
enum-DestinationCategory-traineeship = Traineeship
enum-DestinationCategory-supported_internship = Supported internship
enum-DestinationCategory-emp_full_time = Employment: full-time
enum-DestinationCategory-emp_part_time = Employment: part-time
enum-DestinationCategory-self_employed = Self-employed
enum-DestinationCategory-volunteering = Volunteering
enum-DestinationCategory-gap_year = Gap year
enum-DestinationCategory-neet_seeking = NEET: seeking work or learning
enum-DestinationCategory-neet_not_seeking = NEET: not seeking
enum-DestinationCategory-neet_illness = NEET: not available (illness)
enum-DestinationCategory-neet_caring = NEET: not available (caring)
enum-DestinationCategory-neet_pregnancy = NEET: not available (pregnancy)
enum-DestinationCategory-custody = Custody
enum-DestinationCategory-moved_away = Moved away
enum-DestinationCategory-deceased = Deceased
enum-DestinationCategory-not_known = Not known

## DestinationGroup (destination.rs)
enum-DestinationGroup-education = Education
enum-DestinationGroup-apprenticeship = Apprenticeship
enum-DestinationGroup-training = Training
enum-DestinationGroup-employment = Employment
enum-DestinationGroup-volunteering = Volunteering
enum-DestinationGroup-gap_year = Gap year
enum-DestinationGroup-neet = NEET
enum-DestinationGroup-other = Other
enum-DestinationGroup-not_known = Not known

## DestinationSource (destination.rs)
enum-DestinationSource-survey = Learner survey
enum-DestinationSource-phone = Phone call
enum-DestinationSource-email = Email
enum-DestinationSource-sms_reply = SMS reply
enum-DestinationSource-letter = Letter
enum-DestinationSource-employer = Employer
enum-DestinationSource-partner_data = Partner data
enum-DestinationSource-ucas = UCAS
enum-DestinationSource-social_media = Social media
enum-DestinationSource-staff = Staff knowledge
enum-DestinationSource-sibling_peer = Sibling or peer
enum-DestinationSource-results_day = Results day
enum-DestinationSource-roll_call = September roll-call

## Verification (destination.rs)
enum-Verification-unverified = Unverified
enum-Verification-learner_confirmed = Confirmed by the learner
enum-Verification-third_party_confirmed = Confirmed by a third party
enum-Verification-evidence_attached = Evidence attached

## CompletionStatus (enrolment.rs)
enum-CompletionStatus-continuing = Continuing
enum-CompletionStatus-completed = Completed
enum-CompletionStatus-withdrew_early = Withdrew early
enum-CompletionStatus-break = Break in learning

## OnError (import.rs)
enum-OnError-skip = Skip rows with errors
enum-OnError-abort = Refuse the whole file

## RunStatus (import.rs)
enum-RunStatus-queued = Waiting to start
enum-RunStatus-running = Running
enum-RunStatus-finished = Finished
enum-RunStatus-refused = Refused
enum-RunStatus-interrupted = Interrupted

## Sex (learner.rs)
enum-Sex-f = Female
enum-Sex-m = Male
enum-Sex-x = Other
enum-Sex-u = Not known

## Ethnicity (learner.rs)
enum-Ethnicity-31 = English / Welsh / Scottish / Northern Irish / British
enum-Ethnicity-32 = Irish
enum-Ethnicity-33 = Gypsy or Irish Traveller
enum-Ethnicity-34 = Any other White background
enum-Ethnicity-35 = White and Black Caribbean
enum-Ethnicity-36 = White and Black African
enum-Ethnicity-37 = White and Asian
enum-Ethnicity-38 = Any other Mixed / multiple ethnic background
enum-Ethnicity-39 = Indian
enum-Ethnicity-40 = Pakistani
enum-Ethnicity-41 = Bangladeshi
enum-Ethnicity-42 = Chinese
enum-Ethnicity-43 = Any other Asian background
enum-Ethnicity-44 = African
enum-Ethnicity-45 = Caribbean
enum-Ethnicity-46 = Any other Black / African / Caribbean background
enum-Ethnicity-47 = Arab
enum-Ethnicity-98 = Any other ethnic group
enum-Ethnicity-99 = Not known / not provided

## Lldd (learner.rs)
enum-Lldd-1 = Has a learning difficulty, disability or health problem
enum-Lldd-2 = Does not have a learning difficulty, disability or health problem
enum-Lldd-9 = No information

## OrganisationKind (organisation.rs)
enum-OrganisationKind-school = School
enum-OrganisationKind-college = College
enum-OrganisationKind-provider = Training provider
enum-OrganisationKind-la = Local authority
enum-OrganisationKind-vet = VET school

## Action (permissions.rs)
enum-Action-view_cohorts = View cohorts and counts
enum-Action-view_learners = Search learners
enum-Action-view_learner_record = Open a learner record
enum-Action-edit_learner_details = Edit learner details
enum-Action-record_destination = Record a destination
enum-Action-edit_learner_contacts = Edit contact details
enum-Action-manage_cohorts = Manage cohorts and programmes
enum-Action-manage_users = Manage users
enum-Action-manage_settings = Manage organisation settings
enum-Action-import_learners = Import learners from the MIS
enum-Action-change_own_password = Change own password
enum-Action-record_intention = Record intentions
enum-Action-record_offer = Record September Guarantee offers
enum-Action-flag_learner = Flag a learner at risk
enum-Action-manage_referrals = Manage referrals
enum-Action-work_call_queue = Work the call queue
enum-Action-log_contact = Log a contact
enum-Action-manage_plans = Manage tracking plans
enum-Action-verify_destination = Verify a destination
enum-Action-manage_alumni = Alumni and success stories
enum-Action-view_campaigns = View campaigns
enum-Action-manage_campaigns = Manage campaigns

## ProgrammeType (programme.rs)
enum-ProgrammeType-a_level = A level
enum-ProgrammeType-gcse = GCSE
enum-ProgrammeType-vocational = Vocational qualification
enum-ProgrammeType-t_level = T Level
enum-ProgrammeType-apprenticeship = Apprenticeship
enum-ProgrammeType-skills_bootcamp = Skills Bootcamp
enum-ProgrammeType-esol = ESOL
enum-ProgrammeType-multiply = Multiply
enum-ProgrammeType-short_vocational = Short vocational course
enum-ProgrammeType-employer_led = Employer-led provision
enum-ProgrammeType-access_to_he = Access to HE
enum-ProgrammeType-higher_education = Higher education
enum-ProgrammeType-other = Other

## QualificationLevel (programme.rs)
enum-QualificationLevel-e1 = Entry 1
enum-QualificationLevel-e2 = Entry 2
enum-QualificationLevel-e3 = Entry 3
enum-QualificationLevel-entry = Entry level
enum-QualificationLevel-1 = Level 1
enum-QualificationLevel-1_2 = Level 1/2
enum-QualificationLevel-2 = Level 2
enum-QualificationLevel-3 = Level 3
enum-QualificationLevel-4 = Level 4
enum-QualificationLevel-5 = Level 5
enum-QualificationLevel-6 = Level 6
enum-QualificationLevel-7 = Level 7
enum-QualificationLevel-8 = Level 8

## SectorSubjectArea (programme.rs)
enum-SectorSubjectArea-1 = Health, Public Services and Care
enum-SectorSubjectArea-2 = Science and Mathematics
enum-SectorSubjectArea-3 = Agriculture, Horticulture and Animal Care
enum-SectorSubjectArea-4 = Engineering and Manufacturing Technologies
enum-SectorSubjectArea-5 = Construction, Planning and the Built Environment
enum-SectorSubjectArea-6 = Digital Technology
enum-SectorSubjectArea-7 = Retail and Commercial Enterprise
enum-SectorSubjectArea-8 = Leisure, Travel and Tourism
enum-SectorSubjectArea-9 = Arts, Media and Publishing
enum-SectorSubjectArea-10 = History, Philosophy and Theology
enum-SectorSubjectArea-11 = Social Sciences
enum-SectorSubjectArea-12 = Languages, Literature and Culture
enum-SectorSubjectArea-13 = Education and Training
enum-SectorSubjectArea-14 = Preparation for Life and Work
enum-SectorSubjectArea-15 = Business, Administration and Law

## StudyMode (programme.rs)
enum-StudyMode-full_time = Full-time
enum-StudyMode-part_time = Part-time

## Role (role.rs)
enum-Role-admin = Administrator
enum-Role-progression_lead = Progression lead
enum-Role-iag_adviser = IAG adviser
enum-Role-tutor = Tutor
enum-Role-quality_viewer = Quality viewer
enum-Role-partner = Partner

## IntentionStage (support.rs)
enum-IntentionStage-induction = Induction
enum-IntentionStage-ilp_review = Mid-programme (ILP) review
enum-IntentionStage-exit = Exit

## OfferStatus (support.rs)
enum-OfferStatus-applied = Applied
enum-OfferStatus-offered = Offered
enum-OfferStatus-accepted = Accepted
enum-OfferStatus-declined = Declined
enum-OfferStatus-none = No offer

## ReferralType (support.rs)
enum-ReferralType-employability_coaching = Employability coaching
enum-ReferralType-further_training = Further training
enum-ReferralType-mental_health_support = Mental health support
enum-ReferralType-careers_guidance = Careers guidance
enum-ReferralType-other = Other

## ReferralOutcome (support.rs)
enum-ReferralOutcome-engaged = Engaged or progressed
enum-ReferralOutcome-declined = Declined
enum-ReferralOutcome-no_response = No response
enum-ReferralOutcome-other = Other

## IntentionMatch (support.rs)
enum-IntentionMatch-matches = Matches
enum-IntentionMatch-same_group = Same kind
enum-IntentionMatch-differs = Different
enum-IntentionMatch-not_yet_known = Not known yet
enum-IntentionMatch-undecided = Undecided

## Anchor (tracking.rs)
enum-Anchor-start = Start date
enum-Anchor-planned_end = Planned end date
enum-Anchor-leaving = Leaving date
enum-Anchor-results_day = Results day
enum-Anchor-fixed_date = Fixed calendar date

## TaskStatus (tracking.rs)
enum-TaskStatus-due = Due
enum-TaskStatus-in_progress = In progress
enum-TaskStatus-done = Done
enum-TaskStatus-unreachable = Unreachable
enum-TaskStatus-opted_out = Opted out
enum-TaskStatus-not_applicable = Not applicable

## CampaignStatus (campaign.rs)
enum-CampaignStatus-draft = Draft
enum-CampaignStatus-running = Running
enum-CampaignStatus-paused = Paused
enum-CampaignStatus-finished = Finished
enum-MessageStatus-queued = Queued
enum-MessageStatus-sending = Sending
enum-MessageStatus-sent = Sent
enum-MessageStatus-failed = Failed
enum-MessageStatus-cancelled = Cancelled
enum-MessageStatus-skipped = Skipped
