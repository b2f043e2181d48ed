# Labelau rhestrau cod y parth (enums onward_domain), yn ôl `label_key()`:
# enum-<Math>-<cod>. Yr un allweddi, yn yr un drefn, ag en-GB/enums.ftl.

## ContactPointKind (contact.rs)
enum-ContactPointKind-email = E-bost
enum-ContactPointKind-phone = Ffôn
enum-ContactPointKind-address = Cyfeiriad post

## ContactChannel (contact.rs)
enum-ContactChannel-phone = Galwad ffôn
enum-ContactChannel-email = E-bost
enum-ContactChannel-sms = Neges SMS
enum-ContactChannel-letter = Llythyr
enum-ContactChannel-in_person = Wyneb yn wyneb
enum-ContactChannel-social_media = Cyfryngau cymdeithasol
enum-ContactChannel-partner_data = Data partneriaid

## ContactDirection (contact.rs)
enum-ContactDirection-outbound = Allan
enum-ContactDirection-inbound = I mewn

## ContactOutcome (contact.rs)
enum-ContactOutcome-reached = Wedi cael gafael
enum-ContactOutcome-no_answer = Dim ateb
enum-ContactOutcome-voicemail = Wedi gadael neges llais
enum-ContactOutcome-wrong_number = Rhif anghywir
enum-ContactOutcome-bounced = Wedi'i wrthod yn ôl
enum-ContactOutcome-refused = Wedi gwrthod
enum-ContactOutcome-replied = Wedi ateb
enum-ContactOutcome-sent = Wedi anfon, dim ateb eto

## Standard (crosswalk.rs)
enum-Standard-ilr_dp = Cyrchfan a Dilyniant yr ILR
enum-Standard-nccis = Gweithgarwch NCCIS
enum-Standard-dfe = Mesurau cyrchfan yr Adran Addysg (DfE)
enum-Standard-hesa_go = Canlyniadau Graddedigion HESA
enum-Standard-vet = Arolwg graddedigion VET

## DestinationKind (destination.rs)
enum-DestinationKind-intended = Bwriedig
enum-DestinationKind-actual = Gwirioneddol

## DestinationCategory (destination.rs)
enum-DestinationCategory-edu_school_sixth_form = Addysg: chweched dosbarth ysgol
enum-DestinationCategory-edu_sixth_form_college = Addysg: coleg chweched dosbarth
enum-DestinationCategory-edu_fe_full_time = Addysg: addysg bellach, amser llawn
enum-DestinationCategory-edu_fe_part_time = Addysg: addysg bellach, rhan-amser
enum-DestinationCategory-edu_higher = Addysg: addysg uwch
enum-DestinationCategory-edu_other = Addysg: arall
enum-DestinationCategory-apprenticeship = Prentisiaeth
enum-DestinationCategory-traineeship = Hyfforddeiaeth
enum-DestinationCategory-supported_internship = Interniaeth â chymorth
enum-DestinationCategory-emp_full_time = Cyflogaeth: amser llawn
enum-DestinationCategory-emp_part_time = Cyflogaeth: rhan-amser
enum-DestinationCategory-self_employed = Hunangyflogedig
enum-DestinationCategory-volunteering = Gwirfoddoli
enum-DestinationCategory-gap_year = Blwyddyn allan
enum-DestinationCategory-neet_seeking = NEET: yn chwilio am waith neu ddysgu
enum-DestinationCategory-neet_not_seeking = NEET: ddim yn chwilio
enum-DestinationCategory-neet_illness = NEET: ddim ar gael (salwch)
enum-DestinationCategory-neet_caring = NEET: ddim ar gael (gofalu)
enum-DestinationCategory-neet_pregnancy = NEET: ddim ar gael (beichiogrwydd)
enum-DestinationCategory-custody = Yn y ddalfa
enum-DestinationCategory-moved_away = Wedi symud i ffwrdd
enum-DestinationCategory-deceased = Wedi marw
enum-DestinationCategory-not_known = Ddim yn hysbys

## DestinationGroup (destination.rs)
enum-DestinationGroup-education = Addysg
enum-DestinationGroup-apprenticeship = Prentisiaeth
enum-DestinationGroup-training = Hyfforddiant
enum-DestinationGroup-employment = Cyflogaeth
enum-DestinationGroup-volunteering = Gwirfoddoli
enum-DestinationGroup-gap_year = Blwyddyn allan
enum-DestinationGroup-neet = NEET (ddim mewn addysg, cyflogaeth na hyfforddiant)
enum-DestinationGroup-other = Arall
enum-DestinationGroup-not_known = Ddim yn hysbys

## DestinationSource (destination.rs)
enum-DestinationSource-survey = Arolwg dysgwyr
enum-DestinationSource-phone = Galwad ffôn
enum-DestinationSource-email = E-bost
enum-DestinationSource-sms_reply = Ateb SMS
enum-DestinationSource-letter = Llythyr
enum-DestinationSource-employer = Cyflogwr
enum-DestinationSource-partner_data = Data partneriaid
enum-DestinationSource-ucas = Data UCAS
enum-DestinationSource-social_media = Cyfryngau cymdeithasol
enum-DestinationSource-staff = Gwybodaeth staff
enum-DestinationSource-sibling_peer = Brawd, chwaer neu gyfoed
enum-DestinationSource-results_day = Diwrnod canlyniadau
enum-DestinationSource-roll_call = Galw'r gofrestr ym mis Medi

## Verification (destination.rs)
enum-Verification-unverified = Heb ei wirio
enum-Verification-learner_confirmed = Wedi'i gadarnhau gan y dysgwr
enum-Verification-third_party_confirmed = Wedi'i gadarnhau gan drydydd parti
enum-Verification-evidence_attached = Tystiolaeth wedi'i hatodi

## CompletionStatus (enrolment.rs)
enum-CompletionStatus-continuing = Yn parhau
enum-CompletionStatus-completed = Wedi cwblhau
enum-CompletionStatus-withdrew_early = Wedi tynnu'n ôl yn gynnar
enum-CompletionStatus-break = Seibiant o ddysgu

## OnError (import.rs)
enum-OnError-skip = Hepgor rhesi â gwallau
enum-OnError-abort = Gwrthod y ffeil gyfan

## RunStatus (import.rs)
enum-RunStatus-queued = Yn aros i ddechrau
enum-RunStatus-running = Yn rhedeg
enum-RunStatus-finished = Wedi gorffen
enum-RunStatus-refused = Wedi'i wrthod
enum-RunStatus-interrupted = Wedi'i dorri ar draws

## Sex (learner.rs)
enum-Sex-f = Benyw
enum-Sex-m = Gwryw
enum-Sex-x = Arall
enum-Sex-u = Ddim yn hysbys

## Ethnicity (learner.rs)
enum-Ethnicity-31 = Cymreig / Seisnig / Albanaidd / Gwyddelig Gogledd Iwerddon / Prydeinig
enum-Ethnicity-32 = Gwyddelig
enum-Ethnicity-33 = Sipsi neu Deithiwr Gwyddelig
enum-Ethnicity-34 = Unrhyw gefndir Gwyn arall
enum-Ethnicity-35 = Gwyn a Du Caribïaidd
enum-Ethnicity-36 = Gwyn a Du Affricanaidd
enum-Ethnicity-37 = Gwyn ac Asiaidd
enum-Ethnicity-38 = Unrhyw gefndir Cymysg / aml-ethnig arall
enum-Ethnicity-39 = Indiaidd
enum-Ethnicity-40 = Pacistanaidd
enum-Ethnicity-41 = Bangladeshaidd
enum-Ethnicity-42 = Tsieineaidd
enum-Ethnicity-43 = Unrhyw gefndir Asiaidd arall
enum-Ethnicity-44 = Affricanaidd
enum-Ethnicity-45 = Caribïaidd
enum-Ethnicity-46 = Unrhyw gefndir Du / Affricanaidd / Caribïaidd arall
enum-Ethnicity-47 = Arabaidd
enum-Ethnicity-98 = Unrhyw grŵp ethnig arall
enum-Ethnicity-99 = Ddim yn hysbys / heb ei ddarparu

## Lldd (learner.rs)
enum-Lldd-1 = Mae ganddo anhawster dysgu, anabledd neu broblem iechyd
enum-Lldd-2 = Does ganddo ddim anhawster dysgu, anabledd na phroblem iechyd
enum-Lldd-9 = Dim gwybodaeth

## OrganisationKind (organisation.rs)
enum-OrganisationKind-school = Ysgol
enum-OrganisationKind-college = Coleg
enum-OrganisationKind-provider = Darparwr hyfforddiant
enum-OrganisationKind-la = Awdurdod lleol
enum-OrganisationKind-vet = Ysgol VET

## Action (permissions.rs)
enum-Action-view_cohorts = Gweld carfannau a chyfrifon
enum-Action-view_learners = Chwilio am ddysgwyr
enum-Action-view_learner_record = Agor cofnod dysgwr
enum-Action-edit_learner_details = Golygu manylion dysgwyr
enum-Action-record_destination = Cofnodi cyrchfan
enum-Action-edit_learner_contacts = Golygu manylion cyswllt
enum-Action-manage_cohorts = Rheoli carfannau a rhaglenni
enum-Action-manage_users = Rheoli defnyddwyr
enum-Action-manage_settings = Rheoli gosodiadau'r sefydliad
enum-Action-import_learners = Mewnforio dysgwyr o'r MIS
enum-Action-change_own_password = Newid eich cyfrinair eich hun
enum-Action-record_intention = Cofnodi bwriadau
enum-Action-record_offer = Cofnodi cynigion Gwarant Medi
enum-Action-flag_learner = Nodi bod dysgwr mewn perygl
enum-Action-manage_referrals = Rheoli atgyfeiriadau
enum-Action-work_call_queue = Gweithio drwy'r ciw galwadau
enum-Action-log_contact = Cofnodi cyswllt
enum-Action-manage_plans = Rheoli cynlluniau olrhain
enum-Action-verify_destination = Dilysu cyrchfan
enum-Action-manage_alumni = Cyn-fyfyrwyr a straeon llwyddiant
enum-Action-view_campaigns = Gweld ymgyrchoedd
enum-Action-manage_campaigns = Rheoli ymgyrchoedd

## ProgrammeType (programme.rs)
enum-ProgrammeType-a_level = Safon Uwch
enum-ProgrammeType-gcse = TGAU
enum-ProgrammeType-vocational = Cymhwyster galwedigaethol
enum-ProgrammeType-t_level = Lefel T
enum-ProgrammeType-apprenticeship = Prentisiaeth
enum-ProgrammeType-skills_bootcamp = Bŵtcamp Sgiliau
enum-ProgrammeType-esol = ESOL (Saesneg i Siaradwyr Ieithoedd Eraill)
enum-ProgrammeType-multiply = Lluosi (Multiply)
enum-ProgrammeType-short_vocational = Cwrs galwedigaethol byr
enum-ProgrammeType-employer_led = Darpariaeth dan arweiniad cyflogwyr
enum-ProgrammeType-access_to_he = Mynediad i Addysg Uwch
enum-ProgrammeType-higher_education = Addysg uwch
enum-ProgrammeType-other = Arall

## QualificationLevel (programme.rs)
enum-QualificationLevel-e1 = Mynediad 1
enum-QualificationLevel-e2 = Mynediad 2
enum-QualificationLevel-e3 = Mynediad 3
enum-QualificationLevel-entry = Lefel mynediad
enum-QualificationLevel-1 = Lefel 1
enum-QualificationLevel-1_2 = Lefel 1/2
enum-QualificationLevel-2 = Lefel 2
enum-QualificationLevel-3 = Lefel 3
enum-QualificationLevel-4 = Lefel 4
enum-QualificationLevel-5 = Lefel 5
enum-QualificationLevel-6 = Lefel 6
enum-QualificationLevel-7 = Lefel 7
enum-QualificationLevel-8 = Lefel 8

## SectorSubjectArea (programme.rs)
enum-SectorSubjectArea-1 = Iechyd, Gwasanaethau Cyhoeddus a Gofal
enum-SectorSubjectArea-2 = Gwyddoniaeth a Mathemateg
enum-SectorSubjectArea-3 = Amaethyddiaeth, Garddwriaeth a Gofal Anifeiliaid
enum-SectorSubjectArea-4 = Technolegau Peirianneg a Gweithgynhyrchu
enum-SectorSubjectArea-5 = Adeiladu, Cynllunio a'r Amgylchedd Adeiledig
enum-SectorSubjectArea-6 = Technoleg Ddigidol
enum-SectorSubjectArea-7 = Manwerthu a Menter Fasnachol
enum-SectorSubjectArea-8 = Hamdden, Teithio a Thwristiaeth
enum-SectorSubjectArea-9 = Y Celfyddydau, y Cyfryngau a Chyhoeddi
enum-SectorSubjectArea-10 = Hanes, Athroniaeth a Diwinyddiaeth
enum-SectorSubjectArea-11 = Gwyddorau Cymdeithasol
enum-SectorSubjectArea-12 = Ieithoedd, Llenyddiaeth a Diwylliant
enum-SectorSubjectArea-13 = Addysg a Hyfforddiant
enum-SectorSubjectArea-14 = Paratoi ar gyfer Bywyd a Gwaith
enum-SectorSubjectArea-15 = Busnes, Gweinyddiaeth a'r Gyfraith

## StudyMode (programme.rs)
enum-StudyMode-full_time = Amser llawn
enum-StudyMode-part_time = Rhan-amser

## Role (role.rs)
enum-Role-admin = Gweinyddwr
enum-Role-progression_lead = Arweinydd dilyniant
enum-Role-iag_adviser = Cynghorydd IAG (gwybodaeth, cyngor a chyfarwyddyd)
enum-Role-tutor = Tiwtor
enum-Role-quality_viewer = Gwyliwr ansawdd
enum-Role-partner = Partner

## IntentionStage (support.rs)
enum-IntentionStage-induction = Cyfnod sefydlu
enum-IntentionStage-ilp_review = Adolygiad canol rhaglen (ILP)
enum-IntentionStage-exit = Gadael

## OfferStatus (support.rs)
enum-OfferStatus-applied = Wedi gwneud cais
enum-OfferStatus-offered = Wedi cael cynnig
enum-OfferStatus-accepted = Wedi derbyn
enum-OfferStatus-declined = Wedi gwrthod
enum-OfferStatus-none = Dim cynnig

## ReferralType (support.rs)
enum-ReferralType-employability_coaching = Hyfforddiant cyflogadwyedd
enum-ReferralType-further_training = Hyfforddiant pellach
enum-ReferralType-mental_health_support = Cymorth iechyd meddwl
enum-ReferralType-careers_guidance = Cyfarwyddyd gyrfaoedd
enum-ReferralType-other = Arall

## ReferralOutcome (support.rs)
enum-ReferralOutcome-engaged = Wedi ymgysylltu neu symud ymlaen
enum-ReferralOutcome-declined = Wedi gwrthod
enum-ReferralOutcome-no_response = Dim ymateb
enum-ReferralOutcome-other = Arall

## IntentionMatch (support.rs)
enum-IntentionMatch-matches = Yn cyfateb
enum-IntentionMatch-same_group = Yr un math
enum-IntentionMatch-differs = Gwahanol
enum-IntentionMatch-not_yet_known = Ddim yn hysbys eto
enum-IntentionMatch-undecided = Heb benderfynu

## Anchor (tracking.rs)
enum-Anchor-start = Dyddiad dechrau
enum-Anchor-planned_end = Dyddiad gorffen arfaethedig
enum-Anchor-leaving = Dyddiad gadael
enum-Anchor-results_day = Diwrnod canlyniadau
enum-Anchor-fixed_date = Dyddiad calendr penodol

## TaskStatus (tracking.rs)
enum-TaskStatus-due = I'w wneud
enum-TaskStatus-in_progress = Ar y gweill
enum-TaskStatus-done = Wedi'i wneud
enum-TaskStatus-unreachable = Dim modd cysylltu
enum-TaskStatus-opted_out = Wedi optio allan
enum-TaskStatus-not_applicable = Amherthnasol

## CampaignStatus (campaign.rs)
enum-CampaignStatus-draft = Drafft
enum-CampaignStatus-running = Yn rhedeg
enum-CampaignStatus-paused = Wedi'i oedi
enum-CampaignStatus-finished = Wedi gorffen
enum-MessageStatus-queued = Yn y ciw
enum-MessageStatus-sending = Yn anfon
enum-MessageStatus-sent = Wedi'i anfon
enum-MessageStatus-failed = Wedi methu
enum-MessageStatus-cancelled = Wedi'i ganslo
enum-MessageStatus-skipped = Wedi'i hepgor
