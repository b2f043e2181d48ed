//! Checks at the HTTP edge, before any handler runs: text with control
//! characters is refused (PostgreSQL cannot store NUL in `text`, and none of
//! Onward's fields has a use for the others), and every request has a deadline.

use std::borrow::Cow;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower_sessions::Session;

use crate::i18n::{DEFAULT_LOCALE, Translator};
use crate::startup::ServerLimits;

/// The largest URL-encoded form body read here; the same limit as every other
/// body extractor (`DefaultBodyLimit` in `startup::router`).
const FORM_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// Whether `c` may appear in submitted text. Tab, line feed and carriage return
/// are kept (multi-line fields: notes, addresses); NUL, the other C0 controls,
/// DEL and the C1 controls are not.
pub fn is_allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || !c.is_control()
}

/// The first control character in `text`, if any.
fn first_control(text: &str) -> Option<char> {
    text.chars().find(|c| !is_allowed_char(*c))
}

/// Where a refused control character was found.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// In the path of the web address.
    Path { character: char },
    /// In a query-string parameter or a form field, by name.
    Field { name: String, character: char },
}

/// The first control character in a URL-encoded string (query or form body).
fn refusal_in_urlencoded(encoded: &[u8]) -> Option<Refusal> {
    form_urlencoded::parse(encoded).find_map(|(name, value)| {
        let character = first_control(&name).or_else(|| first_control(&value))?;
        Some(Refusal::Field {
            name: first_control(&name).map_or_else(|| name.clone().into_owned(), |_| "?".to_owned()),
            character,
        })
    })
}

fn refusal_in_path(path: &str) -> Option<Refusal> {
    let decoded: Cow<'_, str> = percent_decode_str(path).decode_utf8_lossy();
    first_control(&decoded).map(|character| Refusal::Path { character })
}

fn is_urlencoded_form(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Middleware: answers 400, naming the field, when the path, a query parameter
/// or a URL-encoded form field holds a control character, so the same input
/// gets the same answer on SQLite and PostgreSQL and never reaches storage.
/// Multipart uploads (imports) are checked by the import itself.
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let mut refusal = refusal_in_path(uri.path()).or_else(|| {
        uri.query()
            .and_then(|query| refusal_in_urlencoded(query.as_bytes()))
    });
    let request = if refusal.is_none() && is_urlencoded_form(&request) {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, FORM_BODY_LIMIT).await else {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "The form is larger than 2 MB, the most Onward accepts.",
            )
                .into_response();
        };
        refusal = refusal_in_urlencoded(&bytes);
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };
    match refusal {
        None => next.run(request).await,
        Some(refusal) => {
            let tr = match request.extensions().get::<Session>() {
                Some(session) => crate::ui::chrome::page_translator(session, DEFAULT_LOCALE)
                    .await
                    .unwrap_or_else(|_| Translator::new(DEFAULT_LOCALE)),
                None => Translator::new(DEFAULT_LOCALE),
            };
            tracing::info!(?refusal, "refused a request with a control character");
            let code = |character: char| format!("U+{:04X}", u32::from(character));
            let message = match &refusal {
                Refusal::Path { character } => {
                    tr.t_with("edge-control-character-in-path", &[("code", &code(*character))])
                }
                Refusal::Field { name, character } => tr.t_with(
                    "edge-control-character-in-field",
                    &[("field", name), ("code", &code(*character))],
                ),
            };
            let page = EdgeErrorPage {
                title: tr.t("edge-control-character-title"),
                message,
                tr,
            };
            (StatusCode::BAD_REQUEST, page).into_response()
        }
    }
}

/// Middleware: a request not answered within its deadline
/// ([`ServerLimits::request_timeout`], or `upload_timeout` for the import
/// upload) gets a 503 and its handler is dropped, which rolls back any
/// unfinished unit of work. `tower_http::timeout` has one duration per layer;
/// the upload needs its own.
pub async fn request_deadline(State(limits): State<ServerLimits>, request: Request, next: Next) -> Response {
    let deadline = if request.method() == Method::POST && request.uri().path() == "/imports" {
        limits.upload_timeout
    } else {
        limits.request_timeout
    };
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(deadline, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%method, path, ?deadline, "request timed out");
            let tr = Translator::new(DEFAULT_LOCALE);
            let page = EdgeErrorPage {
                title: tr.t("edge-timeout-title"),
                message: tr.t_with(
                    "edge-timeout-message",
                    &[("seconds", &deadline.as_secs().to_string())],
                ),
                tr,
            };
            (StatusCode::SERVICE_UNAVAILABLE, page).into_response()
        }
    }
}

/// The error page (layout/error.html) with translated text.
#[derive(Template, WebTemplate)]
#[template(path = "layout/error.html")]
struct EdgeErrorPage {
    tr: Translator,
    title: String,
    message: String,
}

crate::ui::chrome::localised! {
    EdgeErrorPage => tr;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_in_fields_and_paths_but_line_breaks_are_kept() {
        assert_eq!(
            refusal_in_urlencoded(b"q=a%00b"),
            Some(Refusal::Field {
                name: "q".to_owned(),
                character: '\0'
            })
        );
        assert_eq!(
            refusal_in_urlencoded(b"csrf=x&note=one%1Btwo"),
            Some(Refusal::Field {
                name: "note".to_owned(),
                character: '\u{1b}'
            })
        );
        assert_eq!(
            refusal_in_urlencoded("v=a\u{85}b".as_bytes()),
            Some(Refusal::Field {
                name: "v".to_owned(),
                character: '\u{85}'
            })
        );
        assert_eq!(
            refusal_in_urlencoded(b"note=line%0D%0Aline%09tab&q=Si%C3%A2n+O%27Neill"),
            None
        );
        assert_eq!(
            refusal_in_path("/learners/%7F"),
            Some(Refusal::Path { character: '\u{7f}' })
        );
        assert_eq!(refusal_in_path("/learners/12"), None);
    }
}
