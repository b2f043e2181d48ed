//! Changing one's own password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use onward_storage::repo::users;
use serde::Deserialize;
use tower_sessions::Session;

use super::chrome::Chrome;
use super::users::check_new_password;
use crate::auth::{CurrentUser, verify_csrf};
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

async fn show(user: CurrentUser, session: Session) -> Result<PasswordPage, WebError> {
    Ok(PasswordPage {
        chrome: Chrome::new(user, &session, "account").await?,
        errors: FormErrors::new(),
        changed: false,
    })
}

#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let stored = users::user_in_organisation(conn, user.organisation_id, user.id).await?;
    let mut errors = FormErrors::new();
    if !verify_password(&fields.current, &stored.password_hash) {
        errors.push("current", "Your current password is incorrect".to_owned());
    }
    errors.extend(check_new_password(&fields.password, &fields.confirm));
    if !errors.is_empty() {
        let page = PasswordPage {
            chrome: Chrome::new(user, &session, "account").await?,
            errors,
            changed: false,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password(&fields.password).map_err(|err| WebError::Internal(err.into()))?;
    users::set_password_hash(conn, user.organisation_id, user.id, &hash).await?;
    Ok(PasswordPage {
        chrome: Chrome::new(user, &session, "account").await?,
        errors: FormErrors::new(),
        changed: true,
    }
    .into_response())
}
