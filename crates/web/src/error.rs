//! One error type for every handler. Users get a clear page; the cause chain
//! goes to the log only, so no internal detail or secret reaches a browser.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use onward_storage::StorageError;
use tower_sessions::Session;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not signed in: send the person to the sign-in page.
    #[error("sign-in required")]
    SignInRequired,
    /// Missing, or belonging to another organisation: the same answer for both,
    /// so ids of other organisations' records cannot be probed.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// A form that cannot be acted on, with what to do instead: a Fluent key
    /// (English text is shown as it is).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The form's CSRF token was missing, forged or from an expired session.
    #[error("the form has expired")]
    FormExpired,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("session store: {0}")]
    Session(#[from] tower_sessions::session::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

#[derive(Template, WebTemplate)]
#[template(path = "layout/error.html")]
struct ErrorPage {
    tr: crate::i18n::Translator,
    title: String,
    message: String,
}

crate::ui::chrome::localised! {
    ErrorPage => tr;
}

/// The Fluent keys of an error page's title and message, left on the response so
/// that [`localise_error_pages`], which knows the visitor's language, can render
/// it again in that language.
#[derive(Clone, Copy, Debug)]
pub struct ErrorPageText {
    pub title: &'static str,
    pub message: &'static str,
}

impl ErrorPageText {
    /// The page in `locale`. A message that is not a key (a `BadRequest` written
    /// as English text) is shown as it is.
    fn render(self, status: StatusCode, locale: &str) -> Response {
        let tr = crate::i18n::Translator::new(locale);
        let page = ErrorPage {
            title: tr.t(self.title),
            message: tr.message(self.message),
            tr,
        };
        let mut response = (status, page).into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The language the signed-in person's pages use by default (their
/// organisation's), left on a response by the access middleware for
/// [`localise_error_pages`].
#[derive(Clone, Debug)]
pub struct PageLocale(pub String);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            Self::SignInRequired => return Redirect::to("/login").into_response(),
            Self::NotFound | Self::Storage(StorageError::NotFound { .. }) => (
                StatusCode::NOT_FOUND,
                "error-not-found-title",
                "error-not-found-message",
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "error-forbidden-title",
                "error-forbidden-message",
            ),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, "error-bad-request-title", *message),
            Self::FormExpired => (
                StatusCode::FORBIDDEN,
                "error-form-expired-title",
                "error-form-expired-message",
            ),
            Self::Storage(_) | Self::Session(_) | Self::Internal(_) => {
                tracing::error!(error = ?self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal-title",
                    "error-internal-message",
                )
            }
        };
        ErrorPageText { title, message }.render(status, crate::i18n::DEFAULT_LOCALE)
    }
}

/// Renders error pages again in the visitor's language: the one they chose in
/// this session, else their organisation's. `WebError` cannot know it (it has
/// no request), so it leaves [`ErrorPageText`] on the response for this layer,
/// which sits inside the session layer.
pub async fn localise_error_pages(request: Request, next: Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let mut response = next.run(request).await;
    let Some(text) = response.extensions_mut().remove::<ErrorPageText>() else {
        return response;
    };
    let chosen = match &session {
        Some(session) => crate::ui::chrome::chosen_locale(session).await,
        None => None,
    };
    let locale = chosen
        .or_else(|| {
            response
                .extensions()
                .get::<PageLocale>()
                .map(|page| page.0.clone())
        })
        .unwrap_or_else(|| crate::i18n::DEFAULT_LOCALE.to_owned());
    if crate::i18n::supported_locale(&locale) == crate::i18n::DEFAULT_LOCALE {
        return response;
    }
    text.render(response.status(), &locale)
}
