# Onward staff app: English (United Kingdom). The reference locale: every key
# used in the templates is defined here.

service-name = Onward
skip-to-content = Skip to main content
footer-text = Onward — learner destinations and progression. Data stays with your organisation.
language-switch = Cymraeg

nav-menu = Menu
nav-cohorts = Cohorts
nav-programmes = Programmes
nav-learners = Learners
nav-users = Users
nav-settings = Settings
nav-password = Password
nav-sign-out = Sign out

sign-in-title = Sign in
sign-in-heading = Sign in to Onward
sign-in-email = Email address
sign-in-password = Password
sign-in-button = Sign in
error-summary-title = There is a problem
error-prefix = Error:

home-title = Cohorts
home-signed-in-as = Signed in as { $name } ({ $role }).
home-add-cohort = Add a cohort
home-no-cohorts = There are no cohorts yet. Import learners from your MIS to create them.
home-table-caption = Cohorts and learner numbers
home-column-cohort = Cohort
home-column-learners = Learners
home-archived = Archived
home-nothing-shared = Nothing has been shared with you yet. Organisations that share returns or matching lists with you will appear here.
