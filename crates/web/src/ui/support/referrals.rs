//! Referrals for support: opening and closing them.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use onward_domain::permissions::{Action, allows};
use onward_domain::role::Role;
use onward_domain::support::{ReferralOutcome, ReferralType};
use onward_storage::repo::learners::Learner;
use onward_storage::repo::support::{NewReferral, Referral, close_referral, open_referral, referral};
use onward_storage::repo::users::list_users;
use onward_storage::{LearnerId, ReferralId, StorageError, UserId};
use serde::Deserialize;

use super::{back_to, optional_text, required_date};
use crate::ui::chrome::Chrome;
use crate::ui::form_errors::FormErrors;
use crate::ui::forms::parse_date_input;
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    ReferralForm => chrome.tr;
    CloseReferralForm => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/referrals/new", get(new_referral))
        .route("/learners/{id}/referrals", post(create_referral))
        .route("/learners/{id}/referrals/close", get(close_form).post(close))
}

#[derive(Deserialize, Default, Clone)]
struct ReferralFields {
    #[serde(default)]
    referral_type: String,
    #[serde(default)]
    owner: String,
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
#[template(path = "support/referral_form.html")]
struct ReferralForm {
    chrome: Chrome,
    learner: Learner,
    fields: ReferralFields,
    day: String,
    month: String,
    year: String,
    types: &'static [ReferralType],
    /// Staff who can follow a referral up: (id, name, role).
    owners: Vec<(UserId, String, Role)>,
    errors: FormErrors,
}

impl ReferralForm {}

/// Active staff whose role may follow up referrals.
async fn possible_owners(staff: &Staff) -> Result<Vec<(UserId, String, Role)>, WebError> {
    Ok(list_users(staff.conn(), staff.organisation())
        .await?
        .into_iter()
        .filter(|u| u.active && allows(u.role, Action::ManageReferrals))
        .map(|u| (u.id, u.display_name, u.role))
        .collect())
}

async fn referral_form(
    staff: &Staff,
    learner: Learner,
    fields: ReferralFields,
    errors: FormErrors,
) -> Result<ReferralForm, WebError> {
    let owners = possible_owners(staff).await?;
    Ok(ReferralForm {
        chrome: staff.chrome("learners").await?,
        learner,
        day: fields.day.clone(),
        month: fields.month.clone(),
        year: fields.year.clone(),
        fields,
        types: ReferralType::ALL,
        owners,
        errors,
    })
}

fn parse_referral(
    fields: &ReferralFields,
    owners: &[(UserId, String, Role)],
    today: NaiveDate,
) -> Result<NewReferral, FormErrors> {
    let mut errors = FormErrors::new();
    let referral_type = ReferralType::from_code(fields.referral_type.trim());
    if referral_type.is_none() {
        errors.push("referral_type", "validation-referral-type");
    }
    let owner = fields
        .owner
        .trim()
        .parse::<i64>()
        .ok()
        .map(UserId)
        .filter(|id| owners.iter().any(|(owner, _, _)| owner == id));
    if owner.is_none() {
        errors.push("owner", "validation-referral-owner");
    }
    let follow_up_on = required_date(
        &mut errors,
        parse_date_input(
            "day",
            "label-follow-up-date",
            &fields.day,
            &fields.month,
            &fields.year,
        ),
        "validation-referral-follow-up",
        |date| date >= today,
        "validation-referral-follow-up-past",
    );
    let notes = errors
        .check(optional_text("notes", "label-notes", &fields.notes, 2000))
        .flatten();
    match (referral_type, owner, follow_up_on) {
        (Some(referral_type), Some(owner), Some(follow_up_on)) if errors.is_empty() => Ok(NewReferral {
            referral_type,
            owner,
            follow_up_on,
            notes,
        }),
        _ => Err(errors),
    }
}

async fn new_referral(staff: Staff, Path(id): Path<i64>) -> Result<ReferralForm, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    // A fortnight is a usual first follow-up.
    let follow_up = chrono::Utc::now().date_naive() + chrono::Duration::days(14);
    let fields = ReferralFields {
        owner: staff.user.id.to_string(),
        day: follow_up.day().to_string(),
        month: follow_up.month().to_string(),
        year: follow_up.year().to_string(),
        ..Default::default()
    };
    referral_form(&staff, learner, fields, FormErrors::new()).await
}

async fn create_referral(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ReferralFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let owners = possible_owners(&staff).await?;
    match parse_referral(&fields, &owners, chrono::Utc::now().date_naive()) {
        Ok(new) => {
            let write = staff.write().await?;
            open_referral(
                &write,
                staff.organisation(),
                learner.id,
                &new,
                Some(staff.user.id),
            )
            .await?;
            write
                .audit("learner.referral_opened", "learner", learner.id.0)
                .await?;
            write.commit().await?;
            Ok(back_to(learner.id))
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            referral_form(&staff, learner, fields, errors).await?,
        )
            .into_response()),
    }
}

#[derive(Deserialize, Default, Clone)]
struct CloseFields {
    #[serde(default)]
    referral: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "support/referral_close.html")]
struct CloseReferralForm {
    chrome: Chrome,
    learner: Learner,
    referral: Referral,
    fields: CloseFields,
    outcomes: &'static [ReferralOutcome],
    errors: FormErrors,
}

impl CloseReferralForm {}

fn referral_id(value: &str) -> Result<ReferralId, WebError> {
    value
        .trim()
        .parse::<i64>()
        .map(ReferralId)
        .map_err(|_| WebError::BadRequest("bad-request-choose-referral"))
}

#[derive(Deserialize)]
struct CloseQuery {
    #[serde(default)]
    referral: String,
}

async fn close_form(
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<CloseQuery>,
) -> Result<Response, WebError> {
    let conn = staff.conn();
    let learner = staff.learner(LearnerId(id)).await?;
    let referral = referral(
        conn,
        staff.organisation(),
        learner.id,
        referral_id(&query.referral)?,
    )
    .await?;
    if !referral.is_open() {
        return Ok(back_to(learner.id));
    }
    Ok(CloseReferralForm {
        chrome: staff.chrome("learners").await?,
        learner,
        fields: CloseFields {
            referral: referral.id.to_string(),
            ..Default::default()
        },
        referral,
        outcomes: ReferralOutcome::ALL,
        errors: FormErrors::new(),
    }
    .into_response())
}

async fn close(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<CloseFields>,
) -> Result<Response, WebError> {
    let conn = staff.conn();
    let learner = staff.learner(LearnerId(id)).await?;
    let referral = referral(
        conn,
        staff.organisation(),
        learner.id,
        referral_id(&fields.referral)?,
    )
    .await?;
    if !referral.is_open() {
        // Closed already (a double submission): the first outcome stands.
        return Ok(back_to(learner.id));
    }
    let mut errors = FormErrors::new();
    let outcome = ReferralOutcome::from_code(fields.outcome.trim());
    if outcome.is_none() {
        errors.push("outcome", "validation-referral-outcome");
    }
    let note = errors
        .check(optional_text("note", "label-note", &fields.note, 2000))
        .flatten();
    if outcome == Some(ReferralOutcome::Other) && note.is_none() && errors.is_empty() {
        errors.push("note", "validation-referral-outcome-note");
    }
    match outcome {
        Some(outcome) if errors.is_empty() => {
            let write = staff.write().await?;
            let closed = close_referral(
                &write,
                staff.organisation(),
                learner.id,
                referral.id,
                outcome,
                note.as_deref(),
                Some(staff.user.id),
            )
            .await;
            match closed {
                Ok(()) => {}
                // Closed meanwhile by another submission: the first outcome
                // stands, nothing changed and nothing is audited.
                Err(StorageError::NotFound { .. }) => return Ok(back_to(learner.id)),
                Err(err) => return Err(err.into()),
            }
            write
                .audit("learner.referral_closed", "learner", learner.id.0)
                .await?;

            write.commit().await?;
            Ok(back_to(learner.id))
        }
        _ => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            CloseReferralForm {
                chrome: staff.chrome("learners").await?,
                learner,
                referral,
                fields,
                outcomes: ReferralOutcome::ALL,
                errors,
            },
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
    fn referrals_need_an_eligible_owner_and_a_future_follow_up() {
        let today = day(2026, 11, 26);
        let owners = vec![(UserId(7), "Sam".to_owned(), Role::IagAdviser)];
        let fields = ReferralFields {
            referral_type: "careers_guidance".to_owned(),
            owner: "7".to_owned(),
            day: "1".to_owned(),
            month: "12".to_owned(),
            year: "2026".to_owned(),
            ..Default::default()
        };
        assert_eq!(
            parse_referral(&fields, &owners, today).expect("valid").owner,
            UserId(7)
        );
        let stranger = ReferralFields {
            owner: "8".to_owned(),
            ..fields.clone()
        };
        assert_eq!(
            parse_referral(&stranger, &owners, today).expect_err("owner")[0].field,
            "owner"
        );
        let past = ReferralFields {
            month: "11".to_owned(),
            day: "1".to_owned(),
            ..fields
        };
        assert_eq!(
            parse_referral(&past, &owners, today).expect_err("past")[0].field,
            "day"
        );
    }
}
