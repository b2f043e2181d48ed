//! The ceremony every staff page shares, carried by extractors so that a
//! handler reads like the journey it serves: [`Staff`] is the signed-in person
//! with their session, client address and the application, and [`CsrfForm`]
//! is a form whose CSRF token was checked before the handler runs.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawForm, Request};
use axum::http::request::Parts;
use onward_storage::{Actor, DatabaseConnection, OrganisationId, Write};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::chrome::Chrome;
use crate::auth::{CurrentUser, verify_csrf};
use crate::{AppState, WebError};

/// The signed-in staff member making this request.
pub struct Staff {
    pub user: CurrentUser,
    pub session: Session,
    pub peer: SocketAddr,
    pub state: AppState,
}

impl Staff {
    pub fn organisation(&self) -> OrganisationId {
        self.user.organisation_id
    }

    /// The pooled connection, for reads.
    pub fn conn(&self) -> &DatabaseConnection {
        self.state.database.conn()
    }

    /// Who this person is on an audit event.
    pub fn actor(&self) -> Actor {
        Actor::person(
            self.user.organisation_id,
            self.user.id,
            Some(self.peer.ip().to_string()),
        )
    }

    /// Opens a unit of work in which a change and its audit event commit together.
    pub async fn write(&self) -> Result<Write, WebError> {
        Ok(self.state.database.write(self.actor()).await?)
    }

    /// Records a view of a named record (e.g. `learner.view`).
    pub async fn audit_view(
        &self,
        action: &'static str,
        subject_type: &'static str,
        subject_id: i64,
    ) -> Result<(), WebError> {
        self.state
            .database
            .audit(self.actor(), action, subject_type, Some(subject_id), None)
            .await?;
        Ok(())
    }

    /// What the page shows around its content, with `section` marked in the menu.
    pub async fn chrome(&self, section: &'static str) -> Result<Chrome, WebError> {
        Chrome::new(self.user.clone(), &self.session, section).await
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::SignInRequired)?;
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::BadRequest("bad-request-client-address"))?;
        Ok(Self {
            user,
            session,
            peer,
            state: state.clone(),
        })
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A URL-encoded form whose `csrf` field matched the session's token; a form
/// without it, or with a forged or expired one, is refused before the handler runs.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| WebError::FormExpired)?;
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::BadRequest("bad-request-form-unreadable"))?;
        let token: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::FormExpired)?;
        verify_csrf(&session, &token.csrf).await?;
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("bad-request-form-unreadable"))?;
        Ok(Self(form))
    }
}
