//! Static assets compiled into the binary (see `assets/README.md` for how they
//! are built): nothing is fetched from the network at run time.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// (file name, content type, bytes) of every shipped asset.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "onward.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/onward.css"),
    ),
    (
        "survey.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/survey.css"),
    ),
    (
        "onward.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/onward.js"),
    ),
    (
        "govuk-frontend.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/govuk-frontend.min.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/htmx.min.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

pub fn router() -> Router<AppState> {
    Router::new().route("/static/{file}", get(asset)).route(
        "/favicon.ico",
        get(|headers: HeaderMap| asset(Path("favicon.svg".to_owned()), headers)),
    )
}

/// Assets also shipped gzipped (by `assets/build.sh`), served compressed to
/// browsers that accept it: the learner site's stylesheet, for its page weight.
const GZIPPED: &[(&str, &[u8])] = &[("survey.css", include_bytes!("../static/survey.css.gz"))];

async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let accepts_gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.split(',').any(|coding| coding.trim().starts_with("gzip")));
    if accepts_gzip
        && let Some((_, bytes)) = GZIPPED.iter().find(|(name, _)| *name == file)
        && let Some((_, content_type, _)) = ASSETS.iter().find(|(name, _, _)| *name == file)
    {
        return (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
                (header::VARY, HeaderValue::from_static("Accept-Encoding")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            *bytes,
        )
            .into_response();
    }
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ),
            ],
            *bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
