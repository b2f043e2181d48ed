# What each column of the import template accepts (onward_import Field::description),
# keyed import-field-<field key>. The English is the import crate's own text; a test keeps them equal.

import-field-uln = Unique Learner Number: 10 digits with a valid check digit. ULN or MIS id is required.
import-field-upn = Unique Pupil Number (schools).
import-field-mis_id = The learner's reference in your MIS. ULN or MIS id is required.
import-field-given_name = Required.
import-field-family_name = Required.
import-field-date_of_birth = dd/mm/yyyy, yyyy-mm-dd, d-Mon-yy or an Excel date. Missing: a warning.
import-field-sex = F, M, X (other) or U (not known); Female/Male are accepted.
import-field-ethnicity = ILR ethnicity code (31-47, 98, 99) or its label.
import-field-lldd = Learning difficulty, disability or health problem: Y/N, 1/2/9 or a label.
import-field-free_school_meals = Eligible for free school meals or disadvantaged: Y/N.
import-field-tutor_group = The learner's tutor group or class (e.g. '11A'), up to 50 characters. Tutors see only their groups' learners.
import-field-address_line_1 = Address lines.
import-field-address_line_2 = Address lines.
import-field-address_line_3 = Address lines.
import-field-town = Town or city.
import-field-county = County.
import-field-postcode = UK postcode for GB organisations (checked); other countries as given.
import-field-email = Email address. Missing contact details: a warning.
import-field-mobile = Mobile number; stored in international form (+44…).
import-field-phone = Other phone number; stored in international form.
import-field-programme = Programme or course title. Leave the enrolment columns out for a learners-only file.
import-field-level = Entry, E1-E3, 1-8 or 'Level 3'.
import-field-sector_subject_area = SSA tier 1 code (1-15), a tier 2 code such as 6.1, or its label.
import-field-mode = FT or PT (full-time, part-time). Default: full-time.
import-field-start_date = Enrolment start date; needed with a programme.
import-field-planned_end_date = Planned end date; needed with a programme.
import-field-actual_end_date = The day the learner left, if they have.
import-field-completion_status = Continuing, Completed, Withdrawn or Break (ILR CompStatus 1, 2, 3, 6 accepted).
import-field-cohort = Cohort name (e.g. 'Year 11 leavers 2026'). Default: 'Leavers' and the planned end year.
