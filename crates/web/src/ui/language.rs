//! The language switch: remembers the visitor's choice for the session.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, header};
use axum::response::Redirect;
use axum::routing::get;
use tower_sessions::Session;

use super::chrome::choose_locale;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/language/{code}", get(switch_language))
}

/// Switches language and returns to the page the visitor was on (same site only).
async fn switch_language(
    session: Session,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Redirect, WebError> {
    choose_locale(&session, &code).await?;
    let host = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(|referer| referer.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.strip_prefix(host))
        .filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .unwrap_or("/");
    Ok(Redirect::to(back))
}
