# Sign-in, passwords and account links (issue 13).
auth-warning = Warning
sign-in-error-credentials = Enter a correct email address and password. After 5 wrong attempts in a row an account is locked for 15 minutes.
sign-in-error-too-many = Too many attempts to sign in. Wait a minute, then try again.
account-password-current-wrong = Your current password is incorrect. After 5 wrong attempts in a row your account is locked for 15 minutes.
account-password-locked = Too many wrong passwords: your account is locked for 15 minutes. Wait, then try again.
users-email-unavailable = This email address cannot be used for a new account. If the person already has one here, it is in the list of users; otherwise use another of their work email addresses.
users-no-public-url = Onward cannot make invitation or reset links because its public web address is not set. Ask whoever runs Onward to set public_url (ONWARD_PUBLIC_URL), for example https://onward.your-school.example. Nothing was created.
