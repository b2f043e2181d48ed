# Sign-in, passwords and account links (issue 13).
auth-warning = Warning
sign-in-error-credentials = Enter a correct email address and password. After 5 wrong attempts in a row an account is locked for 15 minutes.
sign-in-error-too-many = Too many attempts to sign in. Wait a minute, then try again.
account-password-current-wrong = Your current password is incorrect. After 5 wrong attempts in a row your account is locked for 15 minutes.
account-password-locked = Too many wrong passwords: your account is locked for 15 minutes. Wait, then try again.
users-email-already-ours = This email address belongs to one of your users already: they are in the list above.
users-no-mail-server = Onward cannot send invitations because no mail server is set up. Ask whoever runs Onward to set smtp.url and smtp.from (ONWARD_SMTP__URL, ONWARD_SMTP__FROM; see the operations guide). Nothing was created.
users-invitation-not-sent = The invitation was saved but the mail server did not take the email. Withdraw it and invite the person again in a few minutes; if it keeps failing, tell whoever runs Onward.
users-no-public-url = Onward cannot make invitation or reset links because its public web address is not set. Ask whoever runs Onward to set public_url (ONWARD_PUBLIC_URL), for example https://onward.your-school.example. Nothing was created.
