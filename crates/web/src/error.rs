//! One error type for every handler. Users get a clear page; the cause chain
//! goes to the log only, so no internal detail or secret reaches a browser.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use onward_storage::StorageError;

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
    /// A form that cannot be acted on, with what to do instead.
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
    title: &'static str,
    message: &'static str,
}

crate::ui::chrome::localised! {
    ErrorPage => tr;
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, message) = match &self {
            Self::SignInRequired => return Redirect::to("/login").into_response(),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct.",
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "You cannot see this page",
                "Your role does not give access to this page. Ask an administrator if you need it.",
            ),
            Self::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                "There is a problem with that request",
                *message,
            ),
            Self::FormExpired => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "Nothing was changed. Go back, reload the page and submit the form again.",
            ),
            Self::Storage(StorageError::NotFound { .. }) => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "If you typed the web address, check it is correct.",
            ),
            Self::Storage(_) | Self::Session(_) | Self::Internal(_) => {
                tracing::error!(error = ?self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem with the service",
                    "Try again later. Nothing you submitted has been lost if you saw no confirmation; check before submitting again.",
                )
            }
        };
        let tr = crate::i18n::Translator::new(crate::i18n::DEFAULT_LOCALE);
        (status, ErrorPage { tr, title, message }).into_response()
    }
}
