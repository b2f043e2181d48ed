//! Destinations by hand: the "record or correct a destination" form on the
//! learner record (every field of a destination record, with the sources the
//! seed 001 tips name), and the "verify" action that upgrades a record's
//! verification with an evidence note. A correction is a new record naming
//! the one it corrects: the history keeps both.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_domain::programme::{QualificationLevel, SectorSubjectArea};
use onward_storage::repo::destinations::{
    StoredDestination, VerifyError, record_destination, stored_destination, verify_destination,
};
use onward_storage::repo::learners::Learner;
use onward_storage::{DestinationRecordId, LearnerId};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::form_errors::FormErrors;
use super::forms::parse_date_input;
use super::staff::{CsrfForm, Staff};
use crate::i18n::Translator;
use crate::{AppState, WebError};

localised! {
    DestinationForm => chrome.tr;
    VerifyForm => chrome.tr;
}

/// The longest note or evidence text a form takes.
const MAX_NOTE: usize = 1000;
/// The longest place, job role or course name.
const MAX_TEXT: usize = 200;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/destinations/new", get(new_destination))
        .route("/learners/{id}/destinations", post(create_destination))
        .route(
            "/learners/{id}/destinations/{record}/verify",
            get(verify_page).post(verify),
        )
}

#[derive(Deserialize, Default, Clone, Debug)]
struct DestinationFields {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
    #[serde(default)]
    institution: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    job_role: String,
    #[serde(default)]
    hours_per_week: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    verification: String,
    #[serde(default)]
    notes: String,
    /// The record this one corrects, when it is a correction.
    #[serde(default)]
    corrects: String,
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

impl DestinationFields {
    /// The form filled in from a record, to correct it.
    fn from_stored(stored: &StoredDestination) -> Self {
        let record = &stored.record;
        Self {
            kind: record.kind.code().to_owned(),
            category: record.category.code().to_owned(),
            day: record.as_of.day().to_string(),
            month: record.as_of.month().to_string(),
            year: record.as_of.year().to_string(),
            start_date: date_text(record.start_date),
            end_date: date_text(record.end_date),
            institution: record.institution.clone().unwrap_or_default(),
            employer: record.employer.clone().unwrap_or_default(),
            job_role: record.job_role.clone().unwrap_or_default(),
            hours_per_week: record.hours_per_week.map(|h| h.to_string()).unwrap_or_default(),
            sector: record.sector.map(|s| s.code().to_owned()).unwrap_or_default(),
            course: record.course.clone().unwrap_or_default(),
            level: record.level.map(|l| l.code().to_owned()).unwrap_or_default(),
            source: record.source.code().to_owned(),
            verification: record.verification.code().to_owned(),
            notes: String::new(),
            corrects: stored.id.to_string(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "destinations/destination_form.html")]
struct DestinationForm {
    chrome: Chrome,
    learner: Learner,
    fields: DestinationFields,
    day: String,
    month: String,
    year: String,
    /// The record being corrected, if any.
    correcting: Option<StoredDestination>,
    kinds: &'static [DestinationKind],
    categories: &'static [DestinationCategory],
    sources: &'static [DestinationSource],
    verifications: &'static [Verification],
    sectors: &'static [SectorSubjectArea],
    levels: &'static [QualificationLevel],
    errors: FormErrors,
}

impl DestinationForm {
    /// The optional one-line text fields: (input name, label key, value, hint key).
    fn text_fields(&self) -> Vec<(&'static str, &'static str, &str, &'static str)> {
        vec![
            (
                "institution",
                "destination-institution",
                &self.fields.institution,
                "",
            ),
            ("employer", "destination-employer", &self.fields.employer, ""),
            ("job_role", "destination-job-role", &self.fields.job_role, ""),
            ("course", "destination-course", &self.fields.course, ""),
        ]
    }
}

fn destination_form(
    chrome: Chrome,
    learner: Learner,
    fields: DestinationFields,
    correcting: Option<StoredDestination>,
    errors: FormErrors,
) -> DestinationForm {
    DestinationForm {
        chrome,
        learner,
        day: fields.day.clone(),
        month: fields.month.clone(),
        year: fields.year.clone(),
        fields,
        correcting,
        kinds: DestinationKind::ALL,
        categories: DestinationCategory::ALL,
        sources: DestinationSource::ALL,
        verifications: Verification::ALL,
        sectors: SectorSubjectArea::ALL,
        levels: QualificationLevel::ALL,
        errors,
    }
}

/// An optional trimmed text of at most `max` characters.
fn optional(
    errors: &mut FormErrors,
    tr: &Translator,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    let value = value.trim();
    if value.chars().count() > max {
        errors.push(
            field,
            tr.t_with("destination-error-too-long", &[("max", &max.to_string())]),
        );
        return None;
    }
    (!value.is_empty()).then(|| value.to_owned())
}

/// An optional code-list choice; an unknown code is refused.
fn optional_code<T>(
    errors: &mut FormErrors,
    tr: &Translator,
    field: &'static str,
    value: &str,
    from_code: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = from_code(value);
    if parsed.is_none() {
        errors.push(field, tr.t("destination-error-choice"));
    }
    parsed
}

/// An optional date typed as text, read like the import reads dates.
fn optional_date(
    errors: &mut FormErrors,
    tr: &Translator,
    field: &'static str,
    value: &str,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match onward_import::values::date(value) {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(field, tr.t("destination-error-date"));
            None
        }
    }
}

/// The form's record (and the record it corrects), or the problems to show.
fn parse_destination(
    fields: &DestinationFields,
    today: NaiveDate,
    tr: &Translator,
) -> Result<(DestinationRecord, Option<DestinationRecordId>), FormErrors> {
    let mut errors = FormErrors::new();
    let kind = DestinationKind::from_code(fields.kind.trim());
    if kind.is_none() {
        errors.push("kind", tr.t("destination-error-kind"));
    }
    let category = DestinationCategory::from_code(fields.category.trim());
    if category.is_none() {
        errors.push("category", tr.t("destination-error-category"));
    }
    let as_of = match parse_date_input(
        "day",
        "destination-as-of",
        &fields.day,
        &fields.month,
        &fields.year,
    ) {
        Ok(Some(date)) if date <= today => Some(date),
        Ok(Some(_)) => {
            errors.push("day", tr.t("destination-error-as-of-future"));
            None
        }
        Ok(None) => {
            errors.push("day", tr.t("destination-error-as-of"));
            None
        }
        Err(err) => {
            errors.add(err);
            None
        }
    };
    let start_date = optional_date(&mut errors, tr, "start_date", &fields.start_date);
    let end_date = optional_date(&mut errors, tr, "end_date", &fields.end_date);
    let institution = optional(&mut errors, tr, "institution", &fields.institution, MAX_TEXT);
    let employer = optional(&mut errors, tr, "employer", &fields.employer, MAX_TEXT);
    let job_role = optional(&mut errors, tr, "job_role", &fields.job_role, MAX_TEXT);
    let hours_per_week = match fields.hours_per_week.trim() {
        "" => None,
        text => match text.parse::<u16>() {
            Ok(hours) if hours <= 168 => Some(hours),
            _ => {
                errors.push("hours_per_week", tr.t("destination-error-hours"));
                None
            }
        },
    };
    let sector = optional_code(
        &mut errors,
        tr,
        "sector",
        &fields.sector,
        SectorSubjectArea::from_code,
    );
    let course = optional(&mut errors, tr, "course", &fields.course, MAX_TEXT);
    let level = optional_code(
        &mut errors,
        tr,
        "level",
        &fields.level,
        QualificationLevel::from_code,
    );
    let source = DestinationSource::from_code(fields.source.trim());
    if source.is_none() {
        errors.push("source", tr.t("destination-error-source"));
    }
    let verification = Verification::from_code(fields.verification.trim());
    if verification.is_none() {
        errors.push("verification", tr.t("destination-error-verification"));
    }
    let notes = optional(&mut errors, tr, "notes", &fields.notes, MAX_NOTE);
    let corrects = match fields.corrects.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(id) => Some(DestinationRecordId(id)),
            Err(_) => {
                errors.push("kind", tr.t("destination-error-choice"));
                None
            }
        },
    };
    if let (Some(start), Some(end)) = (start_date, end_date)
        && end < start
    {
        errors.push("end_date", tr.t("destination-error-end-before-start"));
    }
    match (kind, category, as_of, source, verification) {
        (Some(kind), Some(category), Some(as_of), Some(source), Some(verification)) if errors.is_empty() => {
            Ok((
                DestinationRecord {
                    kind,
                    category,
                    as_of,
                    start_date,
                    end_date,
                    institution,
                    employer,
                    job_role,
                    hours_per_week,
                    sector,
                    course,
                    level,
                    source,
                    verification,
                    notes,
                },
                corrects,
            ))
        }
        _ => Err(errors),
    }
}

#[derive(Deserialize, Default)]
struct NewParams {
    /// The record to correct.
    #[serde(default)]
    corrects: String,
}

async fn new_destination(
    staff: Staff,
    Path(id): Path<i64>,
    Query(params): Query<NewParams>,
) -> Result<DestinationForm, WebError> {
    let conn = staff.conn();
    let learner = staff.learner(LearnerId(id)).await?;
    let correcting = match params.corrects.trim().parse::<i64>() {
        Ok(record) => Some(
            stored_destination(
                conn,
                staff.organisation(),
                learner.id,
                DestinationRecordId(record),
            )
            .await?,
        ),
        Err(_) => None,
    };
    let fields = match &correcting {
        Some(stored) => DestinationFields::from_stored(stored),
        None => {
            let today = chrono::Utc::now().date_naive();
            DestinationFields {
                kind: DestinationKind::Actual.code().to_owned(),
                day: today.day().to_string(),
                month: today.month().to_string(),
                year: today.year().to_string(),
                verification: Verification::Unverified.code().to_owned(),
                ..Default::default()
            }
        }
    };
    Ok(destination_form(
        staff.chrome("learners").await?,
        learner,
        fields,
        correcting,
        FormErrors::new(),
    ))
}

async fn create_destination(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<DestinationFields>,
) -> Result<Response, WebError> {
    let conn = staff.conn();
    let learner = staff.learner(LearnerId(id)).await?;
    let chrome = staff.chrome("learners").await?;
    match parse_destination(&fields, chrono::Utc::now().date_naive(), &chrome.tr) {
        Ok((record, corrects)) => {
            let write = staff.write().await?;
            let recorded = record_destination(
                &write,
                staff.organisation(),
                learner.id,
                &record,
                Some(staff.user.id),
                corrects,
            )
            .await?;
            let action = if corrects.is_some() {
                "learner.destination_corrected"
            } else {
                "learner.destination_recorded"
            };
            write
                .audit_detail(
                    action,
                    "learner",
                    learner.id.0,
                    format!(
                        "record {}{}; tasks answered: {}",
                        recorded.id,
                        corrects.map(|c| format!(", corrects {c}")).unwrap_or_default(),
                        recorded.answered.len()
                    ),
                )
                .await?;
            write.commit().await?;
            Ok(Redirect::to(&format!("/learners/{}#timeline", learner.id)).into_response())
        }
        Err(errors) => {
            let correcting = match fields.corrects.trim().parse::<i64>() {
                Ok(record) => stored_destination(
                    conn,
                    staff.organisation(),
                    learner.id,
                    DestinationRecordId(record),
                )
                .await
                .ok(),
                Err(_) => None,
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                destination_form(chrome, learner, fields, correcting, errors),
            )
                .into_response())
        }
    }
}

#[derive(Deserialize, Default, Clone)]
struct VerifyFields {
    #[serde(default)]
    verification: String,
    #[serde(default)]
    evidence: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "destinations/verify_form.html")]
struct VerifyForm {
    chrome: Chrome,
    learner: Learner,
    stored: StoredDestination,
    upgrades: Vec<Verification>,
    fields: VerifyFields,
    errors: FormErrors,
}

async fn verify_form(
    staff: &Staff,
    learner_id: i64,
    record: i64,
    fields: VerifyFields,
    errors: FormErrors,
) -> Result<VerifyForm, WebError> {
    let conn = staff.conn();
    let learner = staff.learner(LearnerId(learner_id)).await?;
    let stored = stored_destination(
        conn,
        staff.organisation(),
        learner.id,
        DestinationRecordId(record),
    )
    .await?;
    Ok(VerifyForm {
        chrome: staff.chrome("learners").await?,
        upgrades: stored.record.verification.upgrades().collect(),
        learner,
        stored,
        fields,
        errors,
    })
}

async fn verify_page(staff: Staff, Path((id, record)): Path<(i64, i64)>) -> Result<VerifyForm, WebError> {
    verify_form(&staff, id, record, VerifyFields::default(), FormErrors::new()).await
}

async fn verify(
    staff: Staff,
    Path((id, record)): Path<(i64, i64)>,
    CsrfForm(fields): CsrfForm<VerifyFields>,
) -> Result<Response, WebError> {
    let page = verify_form(&staff, id, record, fields.clone(), FormErrors::new()).await?;
    let tr = &page.chrome.tr;
    let mut errors = FormErrors::new();
    let to = Verification::from_code(fields.verification.trim()).filter(|to| page.upgrades.contains(to));
    if to.is_none() {
        errors.push("verification", tr.t("verify-error-choice"));
    }
    let evidence = fields.evidence.trim();
    if evidence.is_empty() {
        errors.push("evidence", tr.t("verify-error-evidence"));
    } else if evidence.chars().count() > MAX_NOTE {
        errors.push(
            "evidence",
            tr.t_with("destination-error-too-long", &[("max", &MAX_NOTE.to_string())]),
        );
    }
    if let (Some(to), true) = (to, errors.is_empty()) {
        let write = staff.write().await?;
        match verify_destination(
            &write,
            staff.organisation(),
            page.learner.id,
            page.stored.id,
            to,
            evidence,
            Some(staff.user.id),
        )
        .await
        {
            Ok(upgrade) => {
                write
                    .audit_detail(
                        "learner.destination_verified",
                        "learner",
                        page.learner.id.0,
                        format!(
                            "record {}: {} to {}",
                            upgrade.record,
                            upgrade.from.code(),
                            upgrade.to.code()
                        ),
                    )
                    .await?;
                write.commit().await?;
                return Ok(Redirect::to(&format!("/learners/{}#timeline", page.learner.id)).into_response());
            }
            // Upgraded by someone else meanwhile: show the form again as it now stands.
            Err(VerifyError::NotStronger { .. }) => {
                drop(write);
                let mut again = verify_form(&staff, id, record, fields, FormErrors::new()).await?;
                again
                    .errors
                    .push("verification", again.chrome.tr.t("verify-error-choice"));
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, again).into_response());
            }
            Err(VerifyError::Storage(err)) => return Err(err.into()),
        }
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, VerifyForm { errors, ..page }).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> DestinationFields {
        DestinationFields {
            kind: "actual".to_owned(),
            category: "apprenticeship".to_owned(),
            day: "20".to_owned(),
            month: "9".to_owned(),
            year: "2026".to_owned(),
            start_date: "1/9/2026".to_owned(),
            employer: " Aire Logistics ".to_owned(),
            hours_per_week: "37".to_owned(),
            sector: "4".to_owned(),
            level: "3".to_owned(),
            course: "Engineering technician".to_owned(),
            source: "results_day".to_owned(),
            verification: "unverified".to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn a_destination_by_hand_takes_every_field_and_names_each_problem() {
        let tr = Translator::new("en-GB");
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        let (record, corrects) = parse_destination(&valid(), today, &tr).expect("valid");
        assert_eq!(record.employer.as_deref(), Some("Aire Logistics"));
        assert_eq!(record.level, Some(QualificationLevel::Level3));
        assert_eq!(record.sector.map(|s| s.code()), Some("4"));
        assert_eq!(record.source, DestinationSource::ResultsDay);
        assert_eq!(corrects, None);
        let bad = DestinationFields {
            year: "2027".to_owned(),
            start_date: "2/9/2026".to_owned(),
            end_date: "1/9/2026".to_owned(),
            hours_per_week: "200".to_owned(),
            level: "99".to_owned(),
            course: "x".repeat(201),
            source: String::new(),
            ..valid()
        };
        let errors = parse_destination(&bad, today, &tr).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["day", "hours_per_week", "course", "level", "source", "end_date"]
        );
        assert!(
            errors.iter().all(|e| !e.message.contains("destination-error")),
            "{errors:?}"
        );
    }
}
