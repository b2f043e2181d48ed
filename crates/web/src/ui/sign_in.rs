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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(show_sign_in).post(submit_sign_in))
        .route("/logout", post(submit_sign_out))
}

#[derive(Template, WebTemplate)]
#[template(path = "sign_in.html")]
struct SignInPage {
    csrf: String,
    email: String,
    error: Option<&'static str>,
}

async fn show_sign_in(session: Session) -> Result<SignInPage, WebError> {
    Ok(SignInPage {
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
    match user {
        Some(user) if password_ok && user.active => {
            sign_in(&session, &user).await?;
            record_audit_event(
                state.database.conn(),
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
        _ => Ok((
            axum::http::StatusCode::UNAUTHORIZED,
            SignInPage {
                csrf: csrf_token(&session).await?,
                email: form.email,
                error: Some("Enter a correct email address and password"),
            },
        )
            .into_response()),
    }
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
