//! Logging a contact made by hand on the learner record: an email, SMS or
//! letter sent, a word in person or on social media, or the learner getting
//! in touch, with its outcome (seed 001's roll-call and results day). Calls
//! from the queue are recorded by the call page; this is everything else.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use onward_domain::contact::{
    ContactChannel, ContactDirection, ContactOutcome, LOGGED_BY_HAND, outcome_fits,
};
use onward_storage::LearnerId;
use onward_storage::repo::contacts::{ContactLogged, NewContactAttempt, log_contact};
use onward_storage::repo::learners::Learner;
use serde::Deserialize;

use crate::ui::chrome::{Chrome, FieldError};
use crate::ui::form_errors::FormErrors;
use crate::ui::forms::parse_date_input;
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    ContactLogForm => chrome.tr;
}

/// The longest note kept with a contact.
const MAX_NOTES: usize = 2000;
/// How far back a contact may be dated.
const OLDEST_YEAR: i32 = 2000;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/contact-log/new", get(new_contact))
        .route("/learners/{id}/contact-log", post(save_contact))
}

/// Who got in touch, as the form asks it.
struct DirectionChoice {
    direction: ContactDirection,
    label: &'static str,
}

impl DirectionChoice {
    fn code(&self) -> &'static str {
        self.direction.code()
    }

    fn label_key(&self) -> &'static str {
        self.label
    }
}

const DIRECTIONS: &[DirectionChoice] = &[
    DirectionChoice {
        direction: ContactDirection::Outbound,
        label: "contact-log-outbound",
    },
    DirectionChoice {
        direction: ContactDirection::Inbound,
        label: "contact-log-inbound",
    },
];

/// The outcomes offered, the likeliest first.
const OUTCOMES: &[ContactOutcome] = &[
    ContactOutcome::Sent,
    ContactOutcome::Reached,
    ContactOutcome::Replied,
    ContactOutcome::NoAnswer,
    ContactOutcome::Voicemail,
    ContactOutcome::Bounced,
    ContactOutcome::WrongNumber,
    ContactOutcome::Refused,
];

#[derive(Deserialize, Default, Clone)]
struct ContactFields {
    #[serde(default)]
    key: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "learners/contact_log_form.html")]
struct ContactLogForm {
    chrome: Chrome,
    learner: Learner,
    fields: ContactFields,
    channels: &'static [ContactChannel],
    directions: &'static [DirectionChoice],
    outcomes: &'static [ContactOutcome],
    errors: FormErrors,
}

impl ContactLogForm {}

/// What the form says, checked: the attempt to record (without learner and user).
#[derive(Debug)]
struct ParsedContact {
    channel: ContactChannel,
    direction: ContactDirection,
    outcome: ContactOutcome,
    attempted_at: DateTime<Utc>,
    notes: Option<String>,
}

fn parse_contact(fields: &ContactFields, now: DateTime<Utc>) -> Result<ParsedContact, FormErrors> {
    let mut errors = FormErrors::new();
    let channel = ContactChannel::from_code(fields.channel.trim()).filter(|c| LOGGED_BY_HAND.contains(c));
    if channel.is_none() {
        errors.push("channel", "validation-contact-log-channel");
    }
    let direction = ContactDirection::from_code(fields.direction.trim());
    if direction.is_none() {
        errors.push("direction", "validation-contact-log-direction");
    }
    let outcome = ContactOutcome::from_code(fields.outcome.trim()).filter(|o| OUTCOMES.contains(o));
    match (direction, outcome) {
        (_, None) => errors.push("outcome", "validation-contact-log-outcome"),
        (Some(direction), Some(outcome)) if !outcome_fits(direction, outcome) => {
            errors.push("outcome", "validation-contact-log-inbound-outcome");
        }
        _ => {}
    }
    let today = now.date_naive();
    let date = match parse_date_input("day", "label-date", &fields.day, &fields.month, &fields.year) {
        Ok(Some(date)) if date > today => {
            errors.push("day", "validation-date-not-future");
            None
        }
        Ok(Some(date)) if date.year() < OLDEST_YEAR => {
            errors.push("day", "validation-contact-log-date-old");
            None
        }
        Ok(Some(date)) => Some(date),
        Ok(None) => {
            errors.push("day", "validation-contact-log-date");
            None
        }
        Err(err) => {
            errors.add(err);
            None
        }
    };
    let notes = fields.notes.trim();
    if notes.chars().count() > MAX_NOTES {
        errors.add(FieldError::keyed(
            "notes",
            crate::i18n::Message::new("validation-too-long")
                .with_key("label", "label-notes")
                .with("max", MAX_NOTES.to_string()),
        ));
    }
    errors.order_by(&["channel", "direction", "outcome", "day", "notes"]);
    match (channel, direction, outcome, date, errors.is_empty()) {
        (Some(channel), Some(direction), Some(outcome), Some(date), true) => Ok(ParsedContact {
            channel,
            direction,
            outcome,
            attempted_at: attempted_at(date, now),
            notes: (!notes.is_empty()).then(|| notes.to_owned()),
        }),
        _ => Err(errors),
    }
}

/// Today's contact is stamped now; an earlier day's at midday, so it sorts
/// on its day whatever the time zone.
fn attempted_at(date: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    if date == now.date_naive() {
        now
    } else {
        date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default())
            .and_utc()
    }
}

async fn form(
    staff: &Staff,
    learner: Learner,
    fields: ContactFields,
    errors: FormErrors,
) -> Result<ContactLogForm, WebError> {
    Ok(ContactLogForm {
        chrome: staff.chrome("learners").await?,
        learner,
        fields,
        channels: LOGGED_BY_HAND,
        directions: DIRECTIONS,
        outcomes: OUTCOMES,
        errors,
    })
}

async fn new_contact(staff: Staff, Path(id): Path<i64>) -> Result<ContactLogForm, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let today = onward_storage::repo::now().date_naive();
    let fields = ContactFields {
        // A fresh one-time key for each form shown: a double submission records once.
        key: crate::tokens::new_token(),
        direction: ContactDirection::Outbound.code().to_owned(),
        day: today.day().to_string(),
        month: today.month().to_string(),
        year: today.year().to_string(),
        ..ContactFields::default()
    };
    form(&staff, learner, fields, FormErrors::new()).await
}

async fn save_contact(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ContactFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let key = fields.key.trim().to_owned();
    if key.is_empty() || key.len() > 64 {
        return Err(WebError::BadRequest("bad-request-contact-log-again"));
    }
    let now = onward_storage::repo::now();
    let parsed = match parse_contact(&fields, now) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = form(&staff, learner, fields, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let attempt = NewContactAttempt {
        learner: learner.id,
        task: None,
        channel: parsed.channel,
        direction: parsed.direction,
        outcome: parsed.outcome,
        notes: parsed.notes,
        user: Some(staff.user.id),
        attempted_at: parsed.attempted_at,
    };
    let write = staff.write().await?;
    if let ContactLogged::Recorded(_) = log_contact(&write, &key, &attempt).await? {
        write
            .audit_detail(
                "learner.contact_logged",
                "learner",
                learner.id.0,
                format!(
                    "{} {} {}",
                    attempt.channel.code(),
                    attempt.direction.code(),
                    attempt.outcome.code()
                ),
            )
            .await?;
        write.commit().await?;
    }
    Ok(Redirect::to(&format!("/learners/{}#timeline", learner.id)).into_response())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn fields(channel: &str, direction: &str, outcome: &str, day: &str) -> ContactFields {
        ContactFields {
            key: "k".to_owned(),
            channel: channel.to_owned(),
            direction: direction.to_owned(),
            outcome: outcome.to_owned(),
            day: day.to_owned(),
            month: "12".to_owned(),
            year: "2026".to_owned(),
            notes: String::new(),
        }
    }

    #[test]
    fn a_letter_sent_on_an_earlier_day_is_stamped_at_its_midday() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 2, 9, 30, 0)
            .single()
            .expect("time");
        let parsed = parse_contact(&fields("letter", "outbound", "sent", "1"), now).expect("valid");
        assert_eq!(parsed.channel, ContactChannel::Letter);
        assert_eq!(
            parsed.attempted_at,
            Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
                .single()
                .expect("time")
        );
        let today = parse_contact(&fields("in_person", "inbound", "reached", "2"), now).expect("valid");
        assert_eq!(today.attempted_at, now);
    }

    #[test]
    fn bad_choices_future_dates_and_impossible_inbound_outcomes_are_refused() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 2, 9, 30, 0)
            .single()
            .expect("time");
        let errors = parse_contact(&fields("partner_data", "sideways", "", "3"), now).expect_err("invalid");
        for field in ["channel", "direction", "outcome", "day"] {
            assert!(errors.for_field(field).is_some(), "{field}");
        }
        let errors = parse_contact(&fields("sms", "inbound", "no_answer", "1"), now).expect_err("invalid");
        assert_eq!(
            errors.for_field("outcome"),
            Some("validation-contact-log-inbound-outcome")
        );
    }
}
