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
