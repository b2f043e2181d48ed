//! Who is signed in, and the CSRF token that protects every state-changing form.
//!
//! A signed-in session keeps its CSRF token in the session. A visitor who is
//! not signed in (the sign-in form, invitation and reset links) gets no session
//! at all, so anonymous requests never write to the database: their forms are
//! protected by a double-submit cookie instead, a random token set as an
//! HttpOnly, `SameSite=Strict` cookie (`__Host-` prefixed when cookies are
//! Secure) and repeated in the form. A cross-site form post arrives without
//! the cookie (Strict), and another site cannot read or set it, so it cannot
//! match. The session is created only when there is something to keep in it:
//! at sign-in, or when the visitor picks a language.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::AppendHeaders;
use chrono::{DateTime, Utc};
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
    /// The user's session generation at sign-in: a password change or reset
    /// moves the user on, which ends this session.
    #[serde(default)]
    generation: i32,
    /// When the person signed in: the session ends a fixed time after,
    /// however active it is. A session without it (from an older version) has ended.
    #[serde(default)]
    signed_in_at: Option<DateTime<Utc>>,
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
    let lifetime = chrono::Duration::from_std(state.config.session_lifetime).unwrap_or(chrono::Duration::MAX);
    let within_lifetime = remembered.signed_in_at.is_some_and(|at| {
        Utc::now()
            < at.checked_add_signed(lifetime)
                .unwrap_or(DateTime::<Utc>::MAX_UTC)
    });
    let Some(user) = user.filter(|user| {
        user.active
            && user.organisation_id == remembered.organisation_id
            && user.session_generation == remembered.generation
            && within_lifetime
    }) else {
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
                generation: user.session_generation,
                signed_in_at: Some(Utc::now()),
            },
        )
        .await?;
    session.remove_value(SESSION_CSRF).await?;
    Ok(())
}

/// Keeps the session that changed the password signed in under the user's new
/// session generation (every other session of the user has ended), with a new
/// session id. Its sign-in time, and so its absolute lifetime, is unchanged.
pub async fn keep_session_after_password_change(session: &Session, generation: i32) -> Result<(), WebError> {
    let Some(mut remembered) = session.get::<SessionUser>(SESSION_USER).await? else {
        return Ok(());
    };
    remembered.generation = generation;
    session.cycle_id().await?;
    session.insert(SESSION_USER, remembered).await?;
    Ok(())
}

pub async fn sign_out(session: &Session) -> Result<(), WebError> {
    session.flush().await?;
    Ok(())
}

fn random_token() -> String {
    let mut bytes = [0_u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The session's CSRF token, created on first use (128 bits, hex). For pages
/// of signed-in staff; pages anyone may open use [`FormToken`].
pub async fn csrf_token(session: &Session) -> Result<String, WebError> {
    if let Some(token) = session.get::<String>(SESSION_CSRF).await? {
        return Ok(token);
    }
    let token = random_token();
    session.insert(SESSION_CSRF, &token).await?;
    Ok(token)
}

/// The name of the double-submit cookie; `__Host-` (Secure, host-only, path /)
/// when cookies are Secure, so no subdomain can plant one.
fn form_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-onward_form"
    } else {
        "onward_form"
    }
}

/// The value of the double-submit cookie in a request, if well formed.
fn form_cookie(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = form_cookie_name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| value.len() == 32 && value.bytes().all(|byte| byte.is_ascii_hexdigit()))
}

/// The CSRF token for a form that anyone may fill in (sign-in, invitation and
/// reset links): the session's token when the visitor has one, otherwise the
/// double-submit cookie's, set by the response when it is new. Creates no session.
pub struct FormToken {
    pub value: String,
    set_cookie: Option<HeaderValue>,
}

impl FormToken {
    /// The `Set-Cookie` header for a new token; put it in the page's response.
    pub fn cookie(&self) -> AppendHeaders<Option<(HeaderName, HeaderValue)>> {
        AppendHeaders(self.set_cookie.clone().map(|value| (header::SET_COOKIE, value)))
    }
}

impl FromRequestParts<AppState> for FormToken {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::FormExpired)?;
        if let Some(value) = session.get::<String>(SESSION_CSRF).await? {
            return Ok(Self {
                value,
                set_cookie: None,
            });
        }
        let secure = state.config.secure_cookies;
        if let Some(value) = form_cookie(&parts.headers, secure) {
            return Ok(Self {
                value,
                set_cookie: None,
            });
        }
        let value = random_token();
        let cookie = tower_sessions::cookie::Cookie::build((form_cookie_name(secure), value.clone()))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(tower_sessions::cookie::SameSite::Strict)
            .build();
        let set_cookie = HeaderValue::from_str(&cookie.to_string())
            .map_err(|err| WebError::Internal(anyhow::anyhow!("form cookie: {err}")))?;
        Ok(Self {
            value,
            set_cookie: Some(set_cookie),
        })
    }
}

/// Checks a submitted CSRF token against the session's, in constant time (the
/// forms of signed-in staff, such as the import upload).
pub async fn verify_csrf(session: &Session, submitted: &str) -> Result<(), WebError> {
    let expected = session.get::<String>(SESSION_CSRF).await?.unwrap_or_default();
    tokens_match(&expected, submitted)
}

/// Checks a submitted CSRF token: against the session's token, or, for a
/// visitor who is not signed in and has none, against the double-submit
/// cookie. A signed-in session never accepts the cookie.
pub async fn verify_form_csrf(
    session: &Session,
    headers: &HeaderMap,
    secure_cookies: bool,
    submitted: &str,
) -> Result<(), WebError> {
    let expected = match session.get::<String>(SESSION_CSRF).await? {
        Some(token) => token,
        None if session.get::<SessionUser>(SESSION_USER).await?.is_none() => {
            form_cookie(headers, secure_cookies).unwrap_or_default()
        }
        None => String::new(),
    };
    tokens_match(&expected, submitted)
}

/// Compares in constant time; an empty expected token matches nothing.
fn tokens_match(expected: &str, submitted: &str) -> Result<(), WebError> {
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
