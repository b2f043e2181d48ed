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
        .filter(|path| is_same_site_path(path))
        .unwrap_or("/");
    Ok(Redirect::to(back))
}

/// A path on this site, safe to redirect to: it starts with one `/`, and holds
/// no backslash (browsers read `/\evil.example` as `//evil.example`) and no
/// control character (a tab or line break inside `//` is dropped by browsers too).
fn is_same_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::is_same_site_path;

    #[test]
    fn only_plain_paths_on_this_site_are_return_targets() {
        assert!(is_same_site_path("/learners?q=smith"));
        for path in [
            "//evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "/\t/evil.example",
            "https://evil.example",
            "",
        ] {
            assert!(!is_same_site_path(path), "{path:?}");
        }
    }
}
