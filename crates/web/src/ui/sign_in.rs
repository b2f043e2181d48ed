//! Sign-in and sign-out.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onward_domain::email::EmailAddress;
use onward_storage::Actor;
use onward_storage::repo::users;
use serde::Deserialize;
use tower_sessions::Session;

use super::staff::CsrfForm;
use crate::auth::{csrf_token, sign_in, sign_out};
use crate::passwords::{decoy_hash, verify_password};
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
    error: Option<&'static str>,
}

async fn show_sign_in(session: Session) -> Result<SignInPage, WebError> {
    Ok(SignInPage {
        tr: super::chrome::page_translator(&session, crate::i18n::DEFAULT_LOCALE).await?,
        csrf: csrf_token(&session).await?,
        email: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn submit_sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    session: Session,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Result<Response, WebError> {
    if state.sign_in_limiter.check_key(&peer.ip()).is_err() {
        return refuse(&session, form.email, TOO_MANY).await;
    }
    let user = match EmailAddress::parse(&form.email) {
        Ok(email) => users::user_by_email(state.database.conn(), &email).await?,
        Err(_) => None,
    };
    let password_ok = match &user {
        Some(user) => verify_password(&form.password, &user.password_hash),
        None => {
            // Same work whether or not the account exists.
            verify_password(&form.password, decoy_hash());
            false
        }
    };
    if let Some(user) = &user
        && user.locked_until.is_some_and(|until| until > chrono::Utc::now())
    {
        return refuse(&session, form.email, TOO_MANY).await;
    }
    // A sign-in attempt is an event of the account's organisation; the
    // failure counter and its audit event commit together.
    let actor =
        |user: &users::User| Actor::person(user.organisation_id, user.id, Some(peer.ip().to_string()));
    match user {
        Some(user) if password_ok && user.active => {
            let write = state.database.write(actor(&user)).await?;
            users::record_successful_sign_in(&write, user.id).await?;
            write.audit("user.sign_in", "user", user.id.0).await?;
            write.commit().await?;
            sign_in(&session, &user).await?;
            Ok(Redirect::to("/").into_response())
        }
        Some(user) => {
            let write = state.database.write(actor(&user)).await?;
            let locked = users::record_failed_sign_in(&write, user.id, MAX_FAILED_SIGN_INS, LOCKOUT).await?;
            if locked {
                write.audit("user.locked_out", "user", user.id.0).await?;
            }
            write.commit().await?;
            if locked {
                return refuse(&session, form.email, TOO_MANY).await;
            }
            refuse(&session, form.email, WRONG_CREDENTIALS).await
        }
        None => refuse(&session, form.email, WRONG_CREDENTIALS).await,
    }
}

/// Failed sign-ins in a row that lock an account for [`LOCKOUT`].
const MAX_FAILED_SIGN_INS: i32 = 5;
const LOCKOUT: chrono::Duration = chrono::Duration::minutes(15);
/// Keys of the sign-in page's messages (locales/*/messages.ftl).
const WRONG_CREDENTIALS: &str = "sign-in-wrong-credentials";
const TOO_MANY: &str = "sign-in-too-many";

async fn refuse(session: &Session, email: String, error: &'static str) -> Result<Response, WebError> {
    let status = if error == TOO_MANY {
        axum::http::StatusCode::TOO_MANY_REQUESTS
    } else {
        axum::http::StatusCode::UNAUTHORIZED
    };
    let page = SignInPage {
        tr: super::chrome::page_translator(session, crate::i18n::DEFAULT_LOCALE).await?,
        csrf: csrf_token(session).await?,
        email,
        error: Some(error),
    };
    Ok((status, page).into_response())
}

/// The sign-out form carries only its CSRF token.
#[derive(Deserialize)]
struct SignOutForm {}

async fn submit_sign_out(session: Session, CsrfForm(_): CsrfForm<SignOutForm>) -> Result<Redirect, WebError> {
    sign_out(&session).await?;

    Ok(Redirect::to("/login"))
}
