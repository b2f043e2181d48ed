//! Changing one's own password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use onward_storage::repo::tokens::revoke_user_tokens;
use onward_storage::repo::users::{self, FailedSignIn};
use serde::Deserialize;

use super::chrome::{Chrome, FieldError};
use super::sign_in::{LOCKOUT, MAX_FAILED_SIGN_INS};
use super::staff::{CsrfForm, Staff};
use super::users::check_new_password;
use crate::auth::keep_session_after_password_change;
use crate::passwords::{hash_password, verify_password_off_thread};
use crate::ui::form_errors::FormErrors;
use crate::{AppState, WebError};

super::chrome::localised! {
    PasswordPage => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new().route("/account/password", get(show).post(change))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/account_password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FormErrors,
    changed: bool,
}

impl PasswordPage {}

async fn show(staff: Staff) -> Result<PasswordPage, WebError> {
    Ok(PasswordPage {
        chrome: staff.chrome("account").await?,
        errors: FormErrors::new(),
        changed: false,
    })
}

#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Changes the signed-in person's password. A wrong current password counts
/// as a failed sign-in (5 in a row lock the account, here and at sign-in), so
/// someone at an unattended signed-in browser cannot guess it. The change ends
/// every other session of the user and revokes their unused reset links;
/// this session stays signed in.
async fn change(staff: Staff, CsrfForm(fields): CsrfForm<Fields>) -> Result<Response, WebError> {
    let stored = users::user_in_organisation(staff.conn(), staff.organisation(), staff.user.id).await?;
    let chrome = staff.chrome("account").await?;
    let current_ok = verify_password_off_thread(fields.current, Some(stored.password_hash)).await;
    let mut errors = FormErrors::new();
    if !current_ok {
        let write = staff.write().await?;
        let counted =
            users::record_failed_sign_in(&write, staff.user.id, MAX_FAILED_SIGN_INS, LOCKOUT).await?;
        if counted == FailedSignIn::LockedNow {
            write.audit("user.locked_out", "user", staff.user.id.0).await?;
        }
        write.commit().await?;
        let message = if counted == FailedSignIn::Counted {
            "account-password-current-wrong"
        } else {
            "account-password-locked"
        };
        errors.push("current", chrome.tr.t(message));
    }
    errors.extend(check_new_password(&fields.password, &fields.confirm));
    if !errors.is_empty() {
        let page = PasswordPage {
            chrome,
            errors,
            changed: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password(&fields.password).map_err(|err| WebError::Internal(err.into()))?;
    let write = staff.write().await?;
    // The right current password still waits out a lock (checked in this write).
    if !users::record_successful_sign_in(&write, staff.user.id).await? {
        drop(write);
        let page = PasswordPage {
            errors: FormErrors::from(FieldError {
                field: "current",
                message: chrome.tr.t("account-password-locked"),
            }),
            chrome,
            changed: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let generation = users::set_password_hash(&write, staff.organisation(), staff.user.id, &hash).await?;
    revoke_user_tokens(&write, staff.organisation(), staff.user.id, "reset").await?;
    write
        .audit("user.change_password", "user", staff.user.id.0)
        .await?;
    write.commit().await?;
    keep_session_after_password_change(&staff.session, generation).await?;

    Ok(PasswordPage {
        chrome: staff.chrome("account").await?,
        errors: FormErrors::new(),
        changed: true,
    }
    .into_response())
}
