//! Opting out without signing in: `/o/{token}`, a personal link from an
//! email's footer or its `List-Unsubscribe` header. GET shows a confirm page in
//! the learner's language (the learner site's layout); POST from that page, or
//! a mail client's RFC 8058 one-click POST (`List-Unsubscribe=One-Click`, no
//! cookie, no form token: the link's token is the authority, as on the rest of
//! the learner site), records the opt-out. Unknown and revoked links get the
//! survey site's one "link does not work" page, rate-limited the same way.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use onward_storage::repo::opt_outs::{OptOutLink, OptOutRoute, opt_out_by_link, opt_out_link_by_token};
use onward_survey::{LANGUAGES, supported_language};

use super::views::{Chrome, MessagePage};
use super::{LangQuery, Refused, learner_write, query_lang, text};
use crate::AppState;
use crate::client::ClientAddress;

/// The most an opt-out POST may carry: a one-click body is 26 bytes and the
/// page's form a few more.
const MAX_BODY_BYTES: usize = 4 * 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/o/{token}", get(confirm).post(opt_out))
}

/// A working link with the learner's language and organisation.
struct OpenLink {
    link: OptOutLink,
    lang: &'static str,
    organisation_name: String,
    opted_out: bool,
}

async fn open(
    state: &AppState,
    client: std::net::IpAddr,
    token: &str,
    query: &LangQuery,
) -> Result<OpenLink, Refused> {
    let asked = query_lang(query).unwrap_or(LANGUAGES[0]);
    let conn = state.database.conn();
    let Some(link) = opt_out_link_by_token(conn, token).await? else {
        tracing::info!(client = %client, "opt-out link does not work");
        return Err(if state.survey_link_limits.miss(client) {
            Refused::NoLink(asked)
        } else {
            Refused::TooMany(asked)
        });
    };
    let learner = onward_storage::repo::learners::learner(conn, link.organisation, link.learner).await?;
    let organisation = onward_storage::repo::organisations::organisation(conn, link.organisation).await?;
    let opted_out =
        onward_storage::repo::opt_outs::is_opted_out(conn, link.organisation, link.learner).await?;
    let lang = query_lang(query)
        .or_else(|| learner.preferred_language.as_deref().and_then(supported_language))
        .or_else(|| supported_language(&organisation.default_locale))
        .unwrap_or(LANGUAGES[0]);
    Ok(OpenLink {
        link,
        lang,
        organisation_name: organisation.name,
        opted_out,
    })
}

fn done_page(open: &OpenLink) -> Response {
    let org = [("organisation", open.organisation_name.as_str())];
    let title = text::text(open.lang, "survey-site-opt-out-done-title", &[]);
    MessagePage {
        chrome: Chrome::new(open.lang, title.clone(), &open.organisation_name, "", ""),
        heading: title,
        body: text::text(open.lang, "survey-site-opt-out-done-body", &org),
    }
    .into_response()
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "survey/opt_out.html")]
struct ConfirmPage {
    chrome: Chrome,
    heading: String,
    body: String,
    button: String,
    action: String,
}

fn confirm_page(open: &OpenLink, token: &str) -> Response {
    if open.opted_out {
        return done_page(open);
    }
    let org = [("organisation", open.organisation_name.as_str())];
    let title = text::text(open.lang, "survey-site-opt-out-title", &org);
    ConfirmPage {
        chrome: Chrome::new(open.lang, title.clone(), &open.organisation_name, "", ""),
        heading: title,
        body: text::text(open.lang, "survey-site-opt-out-body", &org),
        button: text::text(open.lang, "survey-site-opt-out-button", &[]),
        action: format!("/o/{token}?lang={}", open.lang),
    }
    .into_response()
}

async fn confirm(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, Refused> {
    let open = open(&state, client, &token, &query).await?;
    Ok(confirm_page(&open, &token))
}

/// How the POST asked to opt out.
fn route_of(headers: &HeaderMap, body: &[u8]) -> Option<OptOutRoute> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        // RFC 8058 allows the one-click body as multipart; its one field is enough.
        let text = String::from_utf8_lossy(body);
        return (text.contains("name=\"List-Unsubscribe\"") && text.contains("One-Click"))
            .then_some(OptOutRoute::OneClick);
    }
    let mut route = None;
    for (name, value) in form_urlencoded::parse(body) {
        match (name.as_ref(), value.as_ref()) {
            ("List-Unsubscribe", "One-Click") => return Some(OptOutRoute::OneClick),
            ("confirm", "opt-out") => route = Some(OptOutRoute::LinkPage),
            _ => {}
        }
    }
    route
}

async fn opt_out(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refused> {
    if body.len() > MAX_BODY_BYTES {
        return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    }
    let open = open(&state, client, &token, &query).await?;
    let Some(route) = route_of(&headers, &body) else {
        // Not the page's form and not a one-click request: show the page again.
        return Ok((StatusCode::BAD_REQUEST, confirm_page(&open, &token)).into_response());
    };
    if !open.opted_out {
        let write = learner_write(&state, open.link.organisation, client).await?;
        if opt_out_by_link(&write, &token, route).await?.is_none() {
            return Err(Refused::NoLink(open.lang));
        }
        write.commit().await?;
    }
    Ok(done_page(&open))
}
