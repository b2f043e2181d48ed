//! September Guarantee offers on the learner record.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use onward_domain::support::OfferStatus;
use onward_storage::repo::guarantee::{self, NewOffer, record_offer};
use onward_storage::repo::learners::Learner;
use onward_storage::{LearnerId, OfferId};
use serde::Deserialize;

use super::{back_to, optional_text};
use crate::ui::chrome::Chrome;
use crate::ui::form_errors::FormErrors;
use crate::ui::forms::required_text;
use crate::ui::staff::{CsrfForm, Staff};

use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    OfferForm => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/offers/new", get(new_offer))
        .route("/learners/{id}/offers", post(create_offer))
        .route("/learners/{id}/offers/status", post(change_offer_status))
}

#[derive(Deserialize, Default, Clone)]
struct OfferFields {
    #[serde(default)]
    provider: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    offer: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "support/offer_form.html")]
struct OfferForm {
    chrome: Chrome,
    learner: Learner,
    fields: OfferFields,
    statuses: &'static [OfferStatus],
    errors: FormErrors,
}

impl OfferForm {}

fn parse_offer(fields: &OfferFields) -> Result<NewOffer, FormErrors> {
    let mut errors = FormErrors::new();
    let provider = errors.check(required_text("provider", "label-provider", &fields.provider, 200));
    let course = errors
        .check(optional_text("course", "label-course", &fields.course, 200))
        .flatten();
    let status = OfferStatus::from_code(fields.status.trim());
    if status.is_none() {
        errors.push("status", "validation-offer-status");
    }
    match (provider, status) {
        (Some(provider), Some(status)) if errors.is_empty() => Ok(NewOffer {
            provider,
            course,
            status,
        }),
        _ => Err(errors),
    }
}

async fn new_offer(staff: Staff, Path(id): Path<i64>) -> Result<OfferForm, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    Ok(OfferForm {
        chrome: staff.chrome("learners").await?,
        learner,
        fields: OfferFields::default(),
        statuses: OfferStatus::ALL,
        errors: FormErrors::new(),
    })
}

async fn create_offer(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<OfferFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    match parse_offer(&fields) {
        Ok(new) => {
            let write = staff.write().await?;
            record_offer(
                &write,
                staff.organisation(),
                learner.id,
                &new,
                Some(staff.user.id),
            )
            .await?;
            write
                .audit("learner.offer_recorded", "learner", learner.id.0)
                .await?;
            write.commit().await?;
            Ok(back_to(learner.id))
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            OfferForm {
                chrome: staff.chrome("learners").await?,
                learner,
                fields,
                statuses: OfferStatus::ALL,
                errors,
            },
        )
            .into_response()),
    }
}

async fn change_offer_status(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<OfferFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let offer = fields
        .offer
        .trim()
        .parse::<i64>()
        .map(OfferId)
        .map_err(|_| WebError::BadRequest("bad-request-choose-offer"))?;
    let status = OfferStatus::from_code(fields.status.trim())
        .ok_or(WebError::BadRequest("bad-request-choose-offer-status"))?;
    let write = staff.write().await?;
    // The same status again changes nothing: neither audited nor committed.
    if guarantee::change_offer_status(
        &write,
        staff.organisation(),
        learner.id,
        offer,
        status,
        Some(staff.user.id),
    )
    .await?
    {
        write
            .audit_detail(
                "learner.offer_updated",
                "learner",
                learner.id.0,
                format!("offer {offer}: {}", status.code()),
            )
            .await?;
        write.commit().await?;
    }
    Ok(back_to(learner.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_need_a_provider_and_status() {
        let errors = parse_offer(&OfferFields::default()).expect_err("empty");
        assert_eq!(
            errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            vec!["provider", "status"]
        );
        let offer = parse_offer(&OfferFields {
            provider: "Leeds City College".to_owned(),
            status: "offered".to_owned(),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(offer.course, None);
    }
}
