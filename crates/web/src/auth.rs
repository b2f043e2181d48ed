//! Who is signed in, and the CSRF token that protects every state-changing form.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use onward_domain::role::Role;
use onward_storage::repo::{organisations, users};
use onward_storage::{OrganisationId, UserId};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{AppState, WebError};

const SESSION_USER: &str = "user";
const SESSION_CSRF: &str = "csrf";

/// What the session remembers about the signed-in person.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct SessionUser {
    user_id: UserId,
    organisation_id: OrganisationId,
}

/// The signed-in staff member, loaded fresh on every request so a deactivated
/// account or a changed role takes effect at once.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: UserId,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The organisation's default language for pages.
    pub locale: String,
}

/// The signed-in user, put in the request by the access middleware.
impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(WebError::SignInRequired)
    }
}

/// Loads the session's user, if any, checking the account is still active.
pub async fn load_current_user(state: &AppState, session: &Session) -> Result<Option<CurrentUser>, WebError> {
    let Some(remembered) = session.get::<SessionUser>(SESSION_USER).await? else {
        return Ok(None);
    };
    let conn = state.database.conn();
    let user = users::user_by_id(conn, remembered.user_id).await?;
    let Some(user) = user.filter(|user| user.active && user.organisation_id == remembered.organisation_id)
    else {
        session.flush().await?;
        return Ok(None);
    };
    let organisation = organisations::organisation(conn, user.organisation_id).await?;
    Ok(Some(CurrentUser {
        id: user.id,
        organisation_id: user.organisation_id,
        organisation_name: organisation.name.clone(),
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        locale: organisation.default_locale,
    }))
}

/// Starts a signed-in session under a new id (so a session id planted before
/// sign-in is worthless afterwards).
pub async fn sign_in(session: &Session, user: &users::User) -> Result<(), WebError> {
    session.cycle_id().await?;
    session
        .insert(
            SESSION_USER,
            SessionUser {
                user_id: user.id,
                organisation_id: user.organisation_id,
            },
        )
        .await?;
    session.remove_value(SESSION_CSRF).await?;
    Ok(())
}

pub async fn sign_out(session: &Session) -> Result<(), WebError> {
    session.flush().await?;
    Ok(())
}

/// The session's CSRF token, created on first use (128 bits, hex).
pub async fn csrf_token(session: &Session) -> Result<String, WebError> {
    if let Some(token) = session.get::<String>(SESSION_CSRF).await? {
        return Ok(token);
    }
    let mut bytes = [0_u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    session.insert(SESSION_CSRF, &token).await?;
    Ok(token)
}

/// Checks a submitted CSRF token against the session's, in constant time.
pub async fn verify_csrf(session: &Session, submitted: &str) -> Result<(), WebError> {
    let expected = session.get::<String>(SESSION_CSRF).await?.unwrap_or_default();
    let matches = !expected.is_empty()
        && expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0_u8, |diff, (a, b)| diff | (a ^ b))
            == 0;
    if matches {
        Ok(())
    } else {
        Err(WebError::FormExpired)
    }
}
