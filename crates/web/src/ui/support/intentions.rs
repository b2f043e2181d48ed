//! Recording a learner's intended destination.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use onward_domain::destination::DestinationCategory;
use onward_domain::support::IntentionStage;
use onward_storage::LearnerId;
use onward_storage::repo::intentions::{NewIntention, record_intention};
use onward_storage::repo::learners::Learner;
use serde::Deserialize;

use super::{back_to, optional_text, required_date};
use crate::ui::chrome::Chrome;
use crate::ui::form_errors::FormErrors;
use crate::ui::forms::parse_date_input;
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    IntentionForm => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/intentions/new", get(new_intention))
        .route("/learners/{id}/intentions", post(create_intention))
}

#[derive(Deserialize, Default, Clone)]
struct IntentionFields {
    #[serde(default)]
    stage: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    aspiration: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "support/intention_form.html")]
struct IntentionForm {
    chrome: Chrome,
    learner: Learner,
    fields: IntentionFields,
    day: String,
    month: String,
    year: String,
    stages: &'static [IntentionStage],
    categories: &'static [DestinationCategory],
    errors: FormErrors,
}

impl IntentionForm {}

fn intention_form(
    chrome: Chrome,
    learner: Learner,
    fields: IntentionFields,
    errors: FormErrors,
) -> IntentionForm {
    IntentionForm {
        chrome,
        learner,
        day: fields.day.clone(),
        month: fields.month.clone(),
        year: fields.year.clone(),
        fields,
        stages: IntentionStage::ALL,
        categories: DestinationCategory::ALL,
        errors,
    }
}

fn parse_intention(fields: &IntentionFields, today: NaiveDate) -> Result<NewIntention, FormErrors> {
    let mut errors = FormErrors::new();
    let stage = IntentionStage::from_code(fields.stage.trim());
    if stage.is_none() {
        errors.push("stage", "validation-intention-stage");
    }
    let category = DestinationCategory::from_code(fields.category.trim());
    if category.is_none() {
        errors.push("category", "validation-intention-category");
    }
    let as_of = required_date(
        &mut errors,
        parse_date_input("day", "label-date", &fields.day, &fields.month, &fields.year),
        "validation-intention-date",
        |date| date <= today,
        "validation-date-not-future",
    );
    let place = errors
        .check(optional_text(
            "place",
            "label-provider-or-employer",
            &fields.place,
            200,
        ))
        .flatten();
    let aspiration = errors
        .check(optional_text(
            "aspiration",
            "label-aspiration",
            &fields.aspiration,
            1000,
        ))
        .flatten();
    let notes = errors
        .check(optional_text("notes", "label-notes", &fields.notes, 1000))
        .flatten();
    match (stage, category, as_of) {
        (Some(stage), Some(category), Some(as_of)) if errors.is_empty() => Ok(NewIntention {
            stage,
            category,
            as_of,
            place,
            aspiration,
            notes,
        }),
        _ => Err(errors),
    }
}

async fn new_intention(staff: Staff, Path(id): Path<i64>) -> Result<IntentionForm, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let today = chrono::Utc::now().date_naive();
    let fields = IntentionFields {
        day: today.day().to_string(),
        month: today.month().to_string(),
        year: today.year().to_string(),
        ..Default::default()
    };
    Ok(intention_form(
        staff.chrome("learners").await?,
        learner,
        fields,
        FormErrors::new(),
    ))
}

async fn create_intention(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<IntentionFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    match parse_intention(&fields, chrono::Utc::now().date_naive()) {
        Ok(new) => {
            let write = staff.write().await?;
            record_intention(
                &write,
                staff.organisation(),
                learner.id,
                &new,
                Some(staff.user.id),
            )
            .await?;
            write
                .audit("learner.intention_recorded", "learner", learner.id.0)
                .await?;
            write.commit().await?;
            Ok(back_to(learner.id))
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            intention_form(staff.chrome("learners").await?, learner, fields, errors),
        )
            .into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn intentions_need_a_stage_a_destination_and_a_past_date() {
        let today = day(2026, 11, 26);
        let fields = IntentionFields {
            stage: "ilp_review".to_owned(),
            category: "apprenticeship".to_owned(),
            day: "2".to_owned(),
            month: "3".to_owned(),
            year: "2026".to_owned(),
            aspiration: "  Electrician ".to_owned(),
            ..Default::default()
        };
        let parsed = parse_intention(&fields, today).expect("valid");
        assert_eq!(parsed.stage, IntentionStage::IlpReview);
        assert_eq!(parsed.aspiration.as_deref(), Some("Electrician"));
        let future = IntentionFields {
            year: "2027".to_owned(),
            ..fields.clone()
        };
        assert_eq!(
            parse_intention(&future, today).expect_err("future")[0].field,
            "day"
        );
        let empty = parse_intention(&IntentionFields::default(), today).expect_err("empty");
        let fields: Vec<&str> = empty.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["stage", "category", "day"]);
    }
}
