//! "Ask the employer to confirm" (seed 000): on a job or apprenticeship record
//! with an employer, a member of staff who may verify destinations enters the
//! employer contact's email address, and Onward emails them a single-use link
//! to a one-question page (`survey::employer`). Refused without the learner's
//! consent (`repo::employer_checks::employer_contact_allowed`), without a
//! mail server, and without a public address to make the link from.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use onward_domain::email::EmailAddress;
use onward_notify::Language;
use onward_notify::email::{Email, EmailChannel, Sender};
use onward_notify::templates::{EmployerCheck, PersonalLink, employer_check_email, month_year};
use onward_storage::repo::destinations::{StoredDestination, stored_destination};
use onward_storage::repo::employer_checks::{
    EMPLOYER_CHECK_DAYS, EmployerCheckError, employer_contact_allowed, remove_unsent_employer_check,
    request_employer_check,
};
use onward_storage::repo::learners::Learner;
use onward_storage::{DestinationRecordId, LearnerId};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::form_errors::FormErrors;
use super::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

localised! {
    EmployerCheckForm => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/learners/{id}/destinations/{record}/employer-check",
        get(employer_check_page).post(ask_employer),
    )
}

#[derive(Deserialize, Default, Clone)]
struct EmployerCheckFields {
    #[serde(default)]
    employer_email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "destinations/employer_check_form.html")]
struct EmployerCheckForm {
    chrome: Chrome,
    learner: Learner,
    stored: StoredDestination,
    employer: String,
    /// Why the employer cannot be asked (no consent, no mail server…); the
    /// form is not shown.
    refusal: Option<String>,
    fields: EmployerCheckFields,
    errors: FormErrors,
}

async fn employer_check_form(
    staff: &Staff,
    learner_id: i64,
    record: i64,
    fields: EmployerCheckFields,
) -> Result<EmployerCheckForm, WebError> {
    let conn = staff.conn();
    let learner = staff.learner(LearnerId(learner_id)).await?;
    let stored = stored_destination(
        conn,
        staff.organisation(),
        learner.id,
        DestinationRecordId(record),
    )
    .await?;
    let chrome = staff.chrome("learners").await?;
    let employer = match (&stored.record.employer, stored.record.category.is_employment()) {
        (Some(employer), true) => employer.clone(),
        // Not a record an employer can confirm.
        _ => return Err(WebError::NotFound),
    };
    let refusal = if !employer_contact_allowed(conn, staff.organisation(), learner.id).await? {
        Some(chrome.tr.t("employer-check-no-consent"))
    } else if staff.state.mailer.is_none() {
        Some(chrome.tr.t("employer-check-no-mail-server"))
    } else if staff.state.config.public_url.is_none() {
        Some(chrome.tr.t("employer-check-no-public-url"))
    } else {
        None
    };
    Ok(EmployerCheckForm {
        chrome,
        learner,
        stored,
        employer,
        refusal,
        fields,
        errors: FormErrors::new(),
    })
}

async fn employer_check_page(
    staff: Staff,
    Path((id, record)): Path<(i64, i64)>,
) -> Result<EmployerCheckForm, WebError> {
    employer_check_form(&staff, id, record, EmployerCheckFields::default()).await
}

async fn ask_employer(
    staff: Staff,
    Path((id, record)): Path<(i64, i64)>,
    CsrfForm(fields): CsrfForm<EmployerCheckFields>,
) -> Result<Response, WebError> {
    let mut page = employer_check_form(&staff, id, record, fields.clone()).await?;
    if page.refusal.is_some() {
        // 503 when the server cannot send; 422 when the learner's consent is missing.
        let status = if staff.state.mailer.is_none() || staff.state.config.public_url.is_none() {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok((status, page).into_response());
    }
    let (Some(mailer), Some(public_url)) =
        (staff.state.mailer.clone(), staff.state.config.public_url.clone())
    else {
        return Ok((StatusCode::SERVICE_UNAVAILABLE, page).into_response());
    };
    let email = match EmailAddress::parse(&fields.employer_email) {
        Ok(email) => email,
        Err(_) => {
            page.errors
                .push("employer_email", page.chrome.tr.t("validation-email"));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let write = staff.write().await?;
    let issued = match request_employer_check(
        &write,
        page.learner.id,
        page.stored.id,
        &email,
        Some(staff.user.id),
    )
    .await
    {
        Ok(issued) => issued,
        Err(EmployerCheckError::NoConsent) => {
            page.refusal = Some(page.chrome.tr.t("employer-check-no-consent"));
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(EmployerCheckError::NoEmployer) => return Err(WebError::NotFound),
        Err(EmployerCheckError::Storage(err)) => return Err(err.into()),
    };
    write.commit().await?;

    let organisation =
        onward_storage::repo::organisations::organisation(staff.conn(), staff.organisation()).await?;
    let language = Language::from_code(&organisation.default_locale).unwrap_or(Language::EnglishGb);
    let link = PersonalLink::parse(&public_url.join(&issued.path()))
        .map_err(|err| WebError::Internal(anyhow::anyhow!(err)))?;
    let learner_name = format!("{} {}", page.learner.given_name, page.learner.family_name);
    let since = month_year(
        language,
        page.stored.record.start_date.unwrap_or(page.stored.record.as_of),
    );
    let content = employer_check_email(
        language,
        &EmployerCheck {
            organisation: &organisation.name,
            learner_name: &learner_name,
            employer: &page.employer,
            role: page.stored.record.job_role.as_deref(),
            since: &since,
            link: &link,
            valid_days: EMPLOYER_CHECK_DAYS.unsigned_abs() as u32,
        },
    );
    let message = Email {
        to_address: email.as_str().to_owned(),
        to_name: None,
        sender: Sender {
            organisation_name: organisation.name.clone(),
            reply_to: None,
        },
        content,
        unsubscribe: None,
        key: Some(format!("employer-check-{}", issued.id)),
    };
    if let Err(err) = mailer.send(&message).await {
        tracing::warn!(check = issued.id, error = %err, "an employer confirmation email was not sent");
        let write = staff.write().await?;
        remove_unsent_employer_check(&write, page.learner.id, issued.id).await?;
        write.commit().await?;
        page.errors
            .push("employer_email", page.chrome.tr.t("employer-check-not-sent"));
        return Ok((StatusCode::BAD_GATEWAY, page).into_response());
    }
    Ok(Redirect::to(&format!("/learners/{}#timeline", page.learner.id)).into_response())
}
