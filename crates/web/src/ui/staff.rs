//! The ceremony every staff page shares, carried by extractors so that a
//! handler reads like the journey it serves: [`Staff`] is the signed-in person
//! with their session, client address and the application, and [`CsrfForm`]
//! is a form whose CSRF token was checked before the handler runs.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawForm, Request};
use axum::http::request::Parts;
use onward_storage::repo::learners::{Learner, learner_in_scope};
use onward_storage::repo::scope::LearnerScope;
use onward_storage::{Actor, DatabaseConnection, LearnerId, OrganisationId, Write};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::chrome::Chrome;
use crate::auth::{CurrentUser, verify_form_csrf};
use crate::{AppState, WebError};

/// The signed-in staff member making this request.
pub struct Staff {
    pub user: CurrentUser,
    pub session: Session,
    /// The client's address: the connecting peer, or the address a trusted
    /// proxy forwarded for (see `client`).
    pub client: std::net::IpAddr,
    pub state: AppState,
    /// The learners this person may see (a tutor: their tutor groups), built
    /// once per request and handed to every repository that lists or opens
    /// named learners.
    pub scope: LearnerScope,
}

impl Staff {
    pub fn organisation(&self) -> OrganisationId {
        self.user.organisation_id
    }

    /// A learner this person may see; one outside their scope (another tutor
    /// group, another organisation) is "not found" (404).
    pub async fn learner(&self, id: LearnerId) -> Result<Learner, WebError> {
        Ok(learner_in_scope(self.conn(), self.organisation(), &self.scope, id).await?)
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
            Some(self.client.to_string()),
        )
    }

    /// Opens a unit of work in which a change and its audit event commit together.
    pub async fn write(&self) -> Result<Write, WebError> {
        Ok(self.state.database.write(self.actor()).await?)
    }

    /// Records a view of a list of named learners (a search page, the
    /// not-known list) with what was asked and how many were shown.
    pub async fn audit_list_view(
        &self,
        action: &'static str,
        subject_type: &'static str,
        subject_id: i64,
        detail: String,
    ) -> Result<(), WebError> {
        self.state
            .database
            .audit(self.actor(), action, subject_type, Some(subject_id), Some(detail))
            .await?;
        Ok(())
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
        let client = crate::client::client_ip(peer.ip(), &parts.headers, &state.config.trusted_proxies);
        let scope =
            LearnerScope::for_user(state.database.conn(), user.organisation_id, user.id, user.role).await?;
        Ok(Self {
            user,
            session,
            client,
            state: state.clone(),
            scope,
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
        let headers = parts.headers.clone();
        let RawForm(bytes) = RawForm::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| WebError::BadRequest("bad-request-form-unreadable"))?;
        let token: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| WebError::FormExpired)?;
        verify_form_csrf(&session, &headers, state.config.secure_cookies, &token.csrf).await?;
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| WebError::BadRequest("bad-request-form-unreadable"))?;
        Ok(Self(form))
    }
}
