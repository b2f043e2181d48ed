//! The call queue of a checkpoint: the next learner to ring, their numbers and
//! earlier attempts, a short scripted form with the checkpoint's destination
//! questions, and one-click outcomes. Saving records the attempt, any
//! destination, the task's escalation and the audit event in one transaction,
//! then moves on to the next learner.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{TimeZone, Utc};
use onward_domain::contact::ContactOutcome;
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification, split_place,
};
use onward_storage::repo::calls::{
    CallCandidate, CallSaved, QueueCheckpoint, QueueCounts, QueueFilter, RecordedCall, call_for_task,
    next_call, queue_checkpoint, queue_counts, record_call,
};
use onward_storage::repo::cohorts::{CohortSummary, cohort};
use onward_storage::{CheckpointId, CohortId, ContactPointId, LearnerId, StorageError, TaskId};
use serde::Deserialize;

use super::chrome::Chrome;
use super::forms::parse_date_input;
use super::staff::{CsrfForm, Staff};
use crate::ui::form_errors::FormErrors;
use crate::{AppState, WebError};

super::chrome::localised! {
    CallPage => chrome.tr;
}

/// The outcomes offered as buttons, the first being the form's default.
const OUTCOMES: &[ContactOutcome] = &[
    ContactOutcome::Reached,
    ContactOutcome::NoAnswer,
    ContactOutcome::Voicemail,
    ContactOutcome::WrongNumber,
    ContactOutcome::Refused,
];

pub fn router() -> Router<AppState> {
    Router::new().route("/calls/{id}", get(show).post(save))
}

#[derive(Deserialize, Default)]
struct QueueParams {
    #[serde(default)]
    cohort: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    saved: String,
}

/// What the caller typed, kept to show again on an error.
#[derive(Deserialize, Default, Clone)]
struct CallFields {
    #[serde(default)]
    key: String,
    #[serde(default)]
    task: String,
    #[serde(default)]
    cohort: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    job_role: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    opt_out: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "calls/call.html")]
struct CallPage {
    chrome: Chrome,
    checkpoint: QueueCheckpoint,
    cohort: Option<CohortSummary>,
    counts: QueueCounts,
    candidate: Option<CallCandidate>,
    /// The learner whose call was just saved: (id, name).
    saved: Option<(LearnerId, String)>,
    categories: &'static [DestinationCategory],
    outcomes: &'static [ContactOutcome],
    fields: CallFields,
    errors: FormErrors,
}

impl CallPage {
    /// The queue's address with the cohort kept, for links and the form.
    fn queue_url(&self) -> String {
        match &self.cohort {
            Some(cohort) => format!("/calls/{}?cohort={}", self.checkpoint.id, cohort.id),
            None => format!("/calls/{}", self.checkpoint.id),
        }
    }

    fn skip_url(&self, task: &TaskId) -> String {
        let separator = if self.cohort.is_some() { '&' } else { '?' };
        format!("{}{separator}after={task}", self.queue_url())
    }

    fn intended(&self) -> bool {
        self.candidate
            .as_ref()
            .is_some_and(|c| c.kind == DestinationKind::Intended)
    }

    fn outcome_key(&self, outcome: &ContactOutcome) -> String {
        format!("call-outcome-{}", outcome.code().replace('_', "-"))
    }

    fn number_checked(&self, id: &ContactPointId, first: &bool) -> bool {
        if self.fields.number.is_empty() {
            *first
        } else {
            self.fields.number == id.to_string()
        }
    }
}

fn start_of_today() -> chrono::DateTime<Utc> {
    let today = Utc::now().date_naive();
    Utc.from_utc_datetime(&today.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

async fn queue_cohort(staff: &Staff, text: &str) -> Result<Option<CohortSummary>, WebError> {
    match parse_id(text) {
        Some(id) => Ok(Some(
            cohort(staff.conn(), staff.organisation(), CohortId(id)).await?,
        )),
        None => Ok(None),
    }
}

/// Which learner the page shows.
enum Shown {
    /// The next in the queue, optionally after a skipped task.
    NextAfter(Option<TaskId>),
    /// This call again (the form had an error).
    Task(Box<CallCandidate>),
}

/// Builds the page for the next learner and audits the view of their record.
async fn call_page(
    staff: &Staff,
    checkpoint: QueueCheckpoint,
    cohort: Option<CohortSummary>,
    shown: Shown,
    saved: Option<LearnerId>,
    fields: CallFields,
    errors: FormErrors,
) -> Result<CallPage, WebError> {
    let conn = staff.conn();
    let org = staff.organisation();
    let user = &staff.user;
    let filter = QueueFilter {
        cohort: cohort.as_ref().map(|c| c.id),
        after: match shown {
            Shown::NextAfter(after) => after,
            Shown::Task(_) => None,
        },
        today: Utc::now().date_naive(),
        tried_since: start_of_today(),
        claim_for: Some((user.id, Utc::now())),
    };
    let candidate = match shown {
        Shown::Task(candidate) => Some(*candidate),
        Shown::NextAfter(_) if checkpoint.uses_phone() => {
            next_call(conn, org, &staff.scope, &checkpoint, &filter).await?
        }
        Shown::NextAfter(_) => None,
    };
    let counts = queue_counts(conn, org, &staff.scope, &checkpoint, &filter).await?;
    if let Some(candidate) = &candidate {
        staff
            .audit_view("learner.view", "learner", candidate.learner.id.0)
            .await?;
    }
    let saved = match saved {
        Some(id) => match staff.learner(id).await {
            Ok(found) => Some((found.id, format!("{} {}", found.given_name, found.family_name))),
            Err(WebError::Storage(StorageError::NotFound { .. })) => None,
            Err(err) => return Err(err),
        },
        None => None,
    };
    // A fresh one-time key for each form shown, unless re-showing a form with errors.
    let fields = CallFields {
        key: if fields.key.is_empty() {
            crate::tokens::new_token()
        } else {
            fields.key
        },
        ..fields
    };
    Ok(CallPage {
        chrome: staff.chrome("work").await?,
        checkpoint,
        cohort,
        counts,
        candidate,
        saved,
        categories: DestinationCategory::ALL,
        outcomes: OUTCOMES,
        fields,
        errors,
    })
}

async fn show(
    staff: Staff,
    Path(id): Path<i64>,
    Query(params): Query<QueueParams>,
) -> Result<CallPage, WebError> {
    let checkpoint = queue_checkpoint(staff.conn(), staff.organisation(), CheckpointId(id)).await?;
    let cohort = queue_cohort(&staff, &params.cohort).await?;
    call_page(
        &staff,
        checkpoint,
        cohort,
        Shown::NextAfter(parse_id(&params.after).map(TaskId)),
        parse_id(&params.saved).map(LearnerId),
        CallFields::default(),
        FormErrors::new(),
    )
    .await
}

/// Reads the scripted form: the outcome, and the destination when one was given.
fn parse_call(
    fields: &CallFields,
    kind: DestinationKind,
) -> Result<(ContactOutcome, Option<DestinationRecord>), FormErrors> {
    let mut errors = FormErrors::new();
    let outcome = ContactOutcome::from_code(fields.outcome.trim()).filter(|o| OUTCOMES.contains(o));
    if outcome.is_none() {
        errors.push("outcome", "validation-call-outcome".to_owned());
    }
    let category = match fields.category.trim() {
        "" => None,
        code => match DestinationCategory::from_code(code) {
            Some(category) => Some(category),
            None => {
                errors.push("category", "validation-call-category-from-list".to_owned());
                None
            }
        },
    };
    let start = errors
        .check(parse_date_input(
            "day",
            "label-start-date",
            &fields.day,
            &fields.month,
            &fields.year,
        ))
        .flatten();
    let mut text = |field: &'static str, label: &'static str, value: &str, max: usize| {
        let value = value.trim();
        if value.chars().count() > max {
            errors.push(
                field,
                crate::i18n::Message::new("validation-too-long")
                    .with_key("label", label)
                    .with("max", max.to_string()),
            );
        }
        (!value.is_empty()).then(|| value.to_owned())
    };
    let place = text("place", "label-place", &fields.place, 200);
    let job_role = text("job_role", "label-job-role", &fields.job_role, 200);
    let notes = text("notes", "label-notes-plain", &fields.notes, 1000);
    let gave_details = category.is_some() || place.is_some() || job_role.is_some() || start.is_some();
    if let Some(outcome) = outcome
        && outcome != ContactOutcome::Reached
        && gave_details
    {
        errors.push("category", "validation-call-details-only-when-reached");
    }
    if category.is_none()
        && (place.is_some() || job_role.is_some() || start.is_some())
        && outcome == Some(ContactOutcome::Reached)
    {
        errors.push("category", "validation-call-category".to_owned());
    }
    let (Some(outcome), true) = (outcome, errors.is_empty()) else {
        return Err(errors);
    };
    let destination = category.map(|category| {
        let (institution, employer) = split_place(category, place.clone());
        DestinationRecord {
            kind,
            category,
            as_of: Utc::now().date_naive(),
            start_date: start,
            end_date: None,
            institution,
            employer,
            job_role,
            hours_per_week: None,
            sector: None,
            course: None,
            level: None,
            source: DestinationSource::Phone,
            verification: Verification::LearnerConfirmed,
            notes: notes.clone(),
        }
    });
    Ok((outcome, destination))
}

async fn save(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<CallFields>,
) -> Result<Response, WebError> {
    let org = staff.organisation();
    let checkpoint = queue_checkpoint(staff.conn(), org, CheckpointId(id)).await?;
    let cohort = queue_cohort(&staff, &fields.cohort).await?;
    let key = fields.key.trim().to_owned();
    let task = parse_id(&fields.task).map(TaskId);
    let (Some(task), false) = (task, key.is_empty() || key.len() > 64) else {
        return Err(WebError::BadRequest("bad-request-call-again"));
    };
    // The call's learner and the kind of answer (intended or actual) come from
    // the task, never from the form.
    let shown = call_for_task(staff.conn(), org, &staff.scope, &checkpoint, task).await?;
    let (outcome, destination) = match parse_call(&fields, shown.kind) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let page = call_page(
                &staff,
                checkpoint,
                cohort,
                Shown::Task(Box::new(shown)),
                None,
                fields,
                errors,
            )
            .await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let call = RecordedCall {
        task,
        idempotency_key: key,
        outcome,
        number: parse_id(&fields.number).map(ContactPointId),
        notes: {
            let notes = fields.notes.trim();
            (!notes.is_empty()).then(|| notes.to_owned())
        },
        destination,
        opt_out: fields.opt_out == "yes",
        user: staff.user.id,
        at: onward_storage::repo::now(),
    };
    // The form's key is claimed first, so a double submission (or two callers
    // saving one form) records the call once; the repeat finds its learner.
    let write = staff.write().await?;
    let learner = match record_call(&write, &call).await? {
        CallSaved::Recorded { learner, .. } => {
            write
                .audit_detail(
                    "learner.call_recorded",
                    "learner",
                    learner.0,
                    format!("{} (task {})", outcome.code(), task),
                )
                .await?;
            write.commit().await?;
            learner
        }
        CallSaved::AlreadyRecorded { learner } => learner,
    };
    let base = match &cohort {
        Some(cohort) => format!("/calls/{}?cohort={}&saved={learner}", checkpoint.id, cohort.id),
        None => format!("/calls/{}?saved={learner}", checkpoint.id),
    };
    Ok(Redirect::to(&base).into_response())
}
