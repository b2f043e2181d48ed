//! Sign-in and sign-out.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onward_domain::email::EmailAddress;
use onward_storage::Actor;
use onward_storage::repo::users::{self, FailedSignIn};
use serde::Deserialize;
use tower_sessions::Session;

use super::staff::CsrfForm;
use crate::auth::{FormToken, sign_in, sign_out};
use crate::client::ClientAddress;
use crate::passwords::verify_password_off_thread;
use crate::{AppState, WebError};

super::chrome::localised! {
    SignInPage => tr;
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(show_sign_in).post(submit_sign_in))
        .route("/logout", post(submit_sign_out))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    tr: crate::i18n::Translator,
    csrf: String,
    email: String,
    /// The Fluent key of the error message, if any.
    error: Option<&'static str>,
}

/// Shows the sign-in form. A visitor who is not signed in gets no session
/// (nothing is stored for them): the form's CSRF token is a cookie.
async fn show_sign_in(session: Session, form_token: FormToken) -> Result<Response, WebError> {
    let page = SignInPage {
        tr: super::chrome::page_translator(&session, crate::i18n::DEFAULT_LOCALE).await?,
        csrf: form_token.value.clone(),
        email: String::new(),
        error: None,
    };
    Ok((form_token.cookie(), page).into_response())
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Signs in. Every way of failing that depends on the account (unknown,
/// invited without a password yet, deactivated, wrong password, locked) gets
/// the same answer after the same work, so the answers do not tell which
/// accounts exist. Only the rate limits answer differently (429), and they are
/// keyed on the email as typed, whether or not it has an account.
async fn submit_sign_in(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    session: Session,
    form_token: FormToken,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, WebError> {
    if !state.sign_in_limits.allow(&form.email, client) {
        return refuse(&session, &form_token, form.email, TOO_MANY_ATTEMPTS).await;
    }
    let user = match EmailAddress::parse(&form.email) {
        Ok(email) => users::user_by_email(state.database.conn(), &email).await?,
        Err(_) => None,
    };
    let stored_hash = user.as_ref().map(|user| user.password_hash.clone());
    let password_ok = verify_password_off_thread(form.password, stored_hash).await;
    let Some(user) = user else {
        return refuse(&session, &form_token, form.email, WRONG_CREDENTIALS).await;
    };
    // A sign-in attempt is an event of the account's organisation; the
    // failure counter and its audit event commit together. Whether the
    // account is locked is decided in that write, after the password was
    // checked, so failures counted meanwhile by parallel attempts hold.
    let actor = Actor::person(user.organisation_id, user.id, Some(client.to_string()));
    let write = state.database.write(actor).await?;
    if password_ok && user.active {
        if users::record_successful_sign_in(&write, user.id).await? {
            write.audit("user.sign_in", "user", user.id.0).await?;
            write.commit().await?;
            sign_in(&session, &user).await?;
            return Ok(Redirect::to("/").into_response());
        }
        // Locked: the right password waits out the lock, answered like a wrong one.
        return refuse(&session, &form_token, form.email, WRONG_CREDENTIALS).await;
    }
    let counted = users::record_failed_sign_in(&write, user.id, MAX_FAILED_SIGN_INS, LOCKOUT).await?;
    if counted == FailedSignIn::LockedNow {
        write.audit("user.locked_out", "user", user.id.0).await?;
    }
    write.commit().await?;
    refuse(&session, &form_token, form.email, WRONG_CREDENTIALS).await
}

/// Failed sign-ins in a row that lock an account for [`LOCKOUT`].
pub(crate) const MAX_FAILED_SIGN_INS: i32 = 5;
pub(crate) const LOCKOUT: chrono::Duration = chrono::Duration::minutes(15);
const WRONG_CREDENTIALS: &str = "sign-in-error-credentials";
const TOO_MANY_ATTEMPTS: &str = "sign-in-error-too-many";

async fn refuse(
    session: &Session,
    form_token: &FormToken,
    email: String,
    error: &'static str,
) -> Result<Response, WebError> {
    let status = if error == TOO_MANY_ATTEMPTS {
        axum::http::StatusCode::TOO_MANY_REQUESTS
    } else {
        axum::http::StatusCode::UNAUTHORIZED
    };
    let page = SignInPage {
        tr: super::chrome::page_translator(session, crate::i18n::DEFAULT_LOCALE).await?,
        csrf: form_token.value.clone(),
        email,
        error: Some(error),
    };
    Ok((status, form_token.cookie(), page).into_response())
}

/// The sign-out form carries only its CSRF token.
#[derive(Deserialize)]
struct SignOutForm {}

async fn submit_sign_out(session: Session, CsrfForm(_): CsrfForm<SignOutForm>) -> Result<Redirect, WebError> {
    sign_out(&session).await?;

    Ok(Redirect::to("/login"))
}
