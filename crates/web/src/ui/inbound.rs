//! The staff side of outreach's inbound messages (issue 15): the SMS inbox
//! (replies the webhook could not read, or from numbers no learner has; list,
//! link to the learner, mark handled) and the manual import of a bounce list
//! (an administrator uploads the addresses a mail service reported; each is
//! marked invalid as the bounce webhook would, and each row's problem named).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use onward_storage::repo::bounces::{BounceSource, record_bounce};
use onward_storage::repo::sms_replies::{InboxMessage, mark_inbox_handled, sms_inbox};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::staff::{CsrfForm, Staff};
use crate::auth::verify_csrf;
use crate::{AppState, WebError};

localised! {
    SmsInboxPage => chrome.tr;
    BouncesPage => chrome.tr;
}

/// The largest bounce list taken: 1 MB.
pub const BOUNCE_UPLOAD_BYTES: usize = 1024 * 1024;
/// The most rows one bounce list may have.
pub const BOUNCE_ROWS: usize = 10_000;
/// Inbox messages shown at once.
const INBOX_SHOWN: u64 = 200;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/sms-inbox", get(inbox))
        .route("/sms-inbox/handled", post(handled))
        .route(
            "/bounces",
            get(bounces_form)
                .post(import_bounces)
                .layer(DefaultBodyLimit::max(BOUNCE_UPLOAD_BYTES + 64 * 1024)),
        )
}

#[derive(Template, WebTemplate)]
#[template(path = "outreach/sms_inbox.html")]
struct SmsInboxPage {
    chrome: Chrome,
    waiting: Vec<InboxMessage>,
    handled: Vec<InboxMessage>,
}

impl SmsInboxPage {
    fn reason_key(&self, message: &InboxMessage) -> String {
        format!("sms-inbox-reason-{}", message.reason.code().replace('_', "-"))
    }

    fn when(&self, message: &InboxMessage) -> String {
        message.received_at.format("%d/%m/%Y %H:%M").to_string()
    }
}

async fn inbox(staff: Staff) -> Result<SmsInboxPage, WebError> {
    let org = staff.organisation();
    let waiting = sms_inbox(staff.conn(), org, false, INBOX_SHOWN).await?;
    let handled = sms_inbox(staff.conn(), org, true, 20).await?;
    staff
        .audit_view("sms_inbox.viewed", "organisation", org.0)
        .await?;
    Ok(SmsInboxPage {
        chrome: staff.chrome("work").await?,
        waiting,
        handled,
    })
}

/// "Mark as handled": the message's id. Another organisation's id changes nothing.
#[derive(Debug, Default, Deserialize)]
struct HandledForm {
    message: i64,
}

async fn handled(staff: Staff, CsrfForm(form): CsrfForm<HandledForm>) -> Result<Response, WebError> {
    let write = staff.write().await?;
    if mark_inbox_handled(&write, form.message).await? {
        write.commit().await?;
    }
    Ok(Redirect::to("/sms-inbox").into_response())
}

/// One row of a bounce list and what became of it.
struct BounceRow {
    row: usize,
    address: String,
    /// The Fluent key of what happened or what is wrong.
    outcome: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "outreach/bounces.html")]
struct BouncesPage {
    chrome: Chrome,
    /// The refusal of the whole file, as a Fluent key with its arguments.
    problem: Option<String>,
    rows: Vec<BounceRow>,
    marked: usize,
}

impl BouncesPage {
    fn limits(&self) -> String {
        self.t_with(
            "bounces-limits",
            &[("rows", &BOUNCE_ROWS.to_string()), ("megabytes", "1")],
        )
    }
}

async fn bounces_form(staff: Staff) -> Result<BouncesPage, WebError> {
    Ok(BouncesPage {
        chrome: staff.chrome("imports").await?,
        problem: None,
        rows: Vec::new(),
        marked: 0,
    })
}

/// A row of a bounce list as read: its number, the address as shown, and
/// the Fluent key of its problem if it has one.
type ReadRow = (usize, String, Option<&'static str>);

/// Reads a bounce list: one address a row, in the first column, with or
/// without a header row. Each row's problem is named; nothing is guessed.
fn read_bounce_list(bytes: &[u8]) -> Result<Vec<ReadRow>, &'static str> {
    let text = std::str::from_utf8(bytes).map_err(|_| "bounces-not-utf8")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        if rows.len() >= BOUNCE_ROWS {
            return Err("bounces-too-many-rows");
        }
        let Ok(record) = record else {
            rows.push((row, String::new(), Some("bounces-row-unreadable")));
            continue;
        };
        let cell = record.get(0).unwrap_or("").trim();
        let shown: String = cell.chars().filter(|c| !c.is_control()).take(254).collect();
        if cell.is_empty() {
            continue;
        }
        if row == 1
            && matches!(
                cell.to_lowercase().as_str(),
                "email" | "address" | "email address" | "recipient"
            )
        {
            continue;
        }
        let problem = if cell.chars().any(char::is_control) {
            Some("bounces-row-control")
        } else if !onward_notify::inbound::plausible_address(cell) {
            Some("bounces-row-not-address")
        } else {
            None
        };
        rows.push((row, shown, problem));
    }
    Ok(rows)
}

async fn import_bounces(staff: Staff, mut multipart: Multipart) -> Result<Response, WebError> {
    let mut csrf = String::new();
    let mut file: Vec<u8> = Vec::new();
    let mut problem: Option<&'static str> = None;
    'fields: loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                problem = Some("bounces-too-large");
                break;
            }
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => loop {
                match field.chunk().await {
                    Ok(Some(bytes)) => {
                        if problem.is_none() && file.len() + bytes.len() > BOUNCE_UPLOAD_BYTES {
                            problem = Some("bounces-too-large");
                            file = Vec::new();
                        }
                        // Past the limit the rest is read and dropped (the body
                        // limit bounds it), so the client is not cut off
                        // mid-upload before it reads the answer.
                        if problem.is_none() {
                            file.extend_from_slice(&bytes);
                        }
                    }
                    Ok(None) => break,
                    Err(_) => {
                        problem = Some("bounces-too-large");
                        break 'fields;
                    }
                }
            },
            _ => {}
        }
    }
    if problem.is_none() {
        verify_csrf(&staff.session, &csrf).await?;
        if file.is_empty() {
            problem = Some("bounces-empty");
        }
    }
    let parsed = match problem {
        Some(problem) => Err(problem),
        None => tokio::task::spawn_blocking(move || read_bounce_list(&file))
            .await
            .map_err(|err| WebError::Internal(err.into()))?,
    };
    let rows = match parsed {
        Ok(rows) => rows,
        Err(problem) => {
            let page = BouncesPage {
                chrome: staff.chrome("imports").await?,
                problem: Some(problem.to_owned()),
                rows: Vec::new(),
                marked: 0,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let write = staff.write().await?;
    let now = Utc::now();
    let mut shown = Vec::new();
    let mut marked = 0;
    for (row, address, problem) in rows {
        let outcome = match problem {
            Some(problem) => problem,
            None => {
                let result = record_bounce(&write, &address, BounceSource::Import, now).await?;
                if result.invalidated > 0 {
                    marked += result.invalidated;
                    "bounces-row-marked"
                } else if result.is_unknown() {
                    "bounces-row-unknown"
                } else {
                    "bounces-row-already"
                }
            }
        };
        shown.push(BounceRow {
            row,
            address,
            outcome,
        });
    }
    write
        .audit_detail(
            "contact_point.bounces_imported",
            "organisation",
            staff.organisation().0,
            format!("{} rows, {marked} marked invalid", shown.len()),
        )
        .await?;
    write.commit().await?;
    Ok(BouncesPage {
        chrome: staff.chrome("imports").await?,
        problem: None,
        rows: shown,
        marked,
    }
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounce_list_names_each_rows_problem() {
        let rows = read_bounce_list(b"email\nsam@example.org\nnot an address\n=cmd|' /C calc'!A0\n\n")
            .expect("rows");
        assert_eq!(
            rows,
            [
                (2, "sam@example.org".to_owned(), None),
                (3, "not an address".to_owned(), Some("bounces-row-not-address")),
                (
                    4,
                    "=cmd|' /C calc'!A0".to_owned(),
                    Some("bounces-row-not-address")
                ),
            ]
        );
        let many = "a@b.example\n".repeat(BOUNCE_ROWS + 1);
        assert_eq!(read_bounce_list(many.as_bytes()), Err("bounces-too-many-rows"));
        assert_eq!(read_bounce_list(&[0xff, 0xfe]), Err("bounces-not-utf8"));
    }
}
