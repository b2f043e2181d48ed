//! Changing one's own password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use onward_storage::repo::users;
use serde::Deserialize;

use super::chrome::Chrome;
use super::staff::{CsrfForm, Staff};
use super::users::check_new_password;
use crate::passwords::{hash_password, verify_password};
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

async fn change(staff: Staff, CsrfForm(fields): CsrfForm<Fields>) -> Result<Response, WebError> {
    let stored = users::user_in_organisation(staff.conn(), staff.organisation(), staff.user.id).await?;
    let mut errors = FormErrors::new();
    if !verify_password(&fields.current, &stored.password_hash) {
        errors.push("current", "validation-current-password-wrong".to_owned());
    }
    errors.extend(check_new_password(&fields.password, &fields.confirm));
    if !errors.is_empty() {
        let page = PasswordPage {
            chrome: staff.chrome("account").await?,
            errors,
            changed: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password(&fields.password).map_err(|err| WebError::Internal(err.into()))?;
    let write = staff.write().await?;
    users::set_password_hash(&write, staff.organisation(), staff.user.id, &hash).await?;
    write
        .audit("user.change_password", "user", staff.user.id.0)
        .await?;
    write.commit().await?;

    Ok(PasswordPage {
        chrome: staff.chrome("account").await?,
        errors: FormErrors::new(),
        changed: true,
    }
    .into_response())
}
