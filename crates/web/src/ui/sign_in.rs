//! Sign-in and sign-out.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use onward_domain::email::EmailAddress;
use onward_storage::repo::audit::{AuditEvent, record_audit_event};
use onward_storage::repo::users;
use serde::Deserialize;
use tower_sessions::Session;

use crate::auth::{csrf_token, sign_in, sign_out, verify_csrf};
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
    #[serde(default)]
    csrf: String,
}

async fn submit_sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &form.csrf).await?;
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
    let conn = state.database.conn();
    if let Some(user) = &user
        && user.locked_until.is_some_and(|until| until > chrono::Utc::now())
    {
        return refuse(&session, form.email, TOO_MANY).await;
    }
    match user {
        Some(user) if password_ok && user.active => {
            users::record_successful_sign_in(conn, user.id).await?;
            sign_in(&session, &user).await?;
            record_audit_event(
                conn,
                user.organisation_id,
                &AuditEvent {
                    user: Some(user.id),
                    action: "user.sign_in",
                    subject_type: "user",
                    subject_id: Some(user.id.0),
                    detail: None,
                    remote_addr: Some(peer.ip().to_string()),
                },
            )
            .await?;
            Ok(Redirect::to("/").into_response())
        }
        Some(user) => {
            let locked = users::record_failed_sign_in(conn, user.id, MAX_FAILED_SIGN_INS, LOCKOUT).await?;
            if locked {
                record_audit_event(
                    conn,
                    user.organisation_id,
                    &AuditEvent {
                        user: Some(user.id),
                        action: "user.locked_out",
                        subject_type: "user",
                        subject_id: Some(user.id.0),
                        detail: None,
                        remote_addr: Some(peer.ip().to_string()),
                    },
                )
                .await?;
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
const WRONG_CREDENTIALS: &str = "Enter a correct email address and password";
const TOO_MANY: &str = "Too many failed attempts to sign in. Wait 15 minutes, then try again";

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

#[derive(Deserialize)]
struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

async fn submit_sign_out(session: Session, Form(form): Form<SignOutForm>) -> Result<Redirect, WebError> {
    verify_csrf(&session, &form.csrf).await?;
    sign_out(&session).await?;
    Ok(Redirect::to("/login"))
}
