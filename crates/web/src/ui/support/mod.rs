//! Intentions, the September Guarantee and support for non-progressors on the
//! learner record, and the cohort lists that go with them: learners with no
//! offer (printable, CSV) and learners at risk. Referrals appear in their
//! owner's My work (`ui::work`).

use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use onward_storage::LearnerId;

use super::chrome::FieldError;
use crate::AppState;
use crate::ui::form_errors::FormErrors;

mod cohort_lists;
mod flags;
mod intentions;
mod offers;
mod record;
mod referrals;

pub use record::{LearnerSupport, describe_at_risk, learner_support};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(intentions::router())
        .merge(offers::router())
        .merge(flags::router())
        .merge(referrals::router())
        .merge(cohort_lists::router())
}

/// An optional, trimmed text of at most `max` characters.
/// `label` is the key of the field's label as it starts a sentence (`label-notes`).
fn optional_text(
    field: &'static str,
    label: &'static str,
    value: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(FieldError::keyed(
            field,
            crate::i18n::Message::new("validation-too-long")
                .with_key("label", label)
                .with("max", max.to_string()),
        ));
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

/// A date the form's `day` input must hold, within the range `allowed` accepts;
/// any problem goes to `errors`.
fn required_date(
    errors: &mut FormErrors,
    parsed: Result<Option<NaiveDate>, FieldError>,
    missing: &str,
    allowed: impl Fn(NaiveDate) -> bool,
    out_of_range: &str,
) -> Option<NaiveDate> {
    match parsed {
        Ok(Some(date)) if allowed(date) => Some(date),
        Ok(Some(_)) => {
            errors.push("day", out_of_range);
            None
        }
        Ok(None) => {
            errors.push("day", missing);
            None
        }
        Err(err) => {
            errors.add(err);
            None
        }
    }
}

fn back_to(learner: LearnerId) -> Response {
    Redirect::to(&format!("/learners/{learner}#support")).into_response()
}
