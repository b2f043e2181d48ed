//! Creating, editing and archiving cohorts.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use onward_storage::repo::cohorts::{
    NewCohort, cohort_details, create_cohort, set_cohort_archived, update_cohort,
};
use onward_storage::repo::plans::list_plans;
use onward_storage::{CohortId, StorageError, TrackingPlanId};
use serde::Deserialize;

use super::{ArchiveFields, archived_flag};
use crate::auth::CurrentUser;
use crate::ui::chrome::{Chrome, FieldError};
use crate::ui::form_errors::FormErrors;
use crate::ui::forms::{parse_date_input, required_text};
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    CohortForm => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cohorts/new", get(new_cohort))
        .route("/cohorts", post(create_cohort_submit))
        .route("/cohorts/{id}/edit", get(edit_cohort))
        .route("/cohorts/{id}", post(update_cohort_submit))
        .route("/cohorts/{id}/archive", post(archive_cohort))
}

#[derive(Template, WebTemplate)]
#[template(path = "cohorts/cohort_form.html")]
struct CohortForm {
    chrome: Chrome,
    /// `None` when creating.
    id: Option<CohortId>,
    plans: Vec<(TrackingPlanId, String)>,
    name: String,
    plan: String,
    day: String,
    month: String,
    year: String,
    errors: FormErrors,
}

impl CohortForm {
    fn action(&self) -> String {
        self.id
            .map_or_else(|| "/cohorts".to_owned(), |id| format!("/cohorts/{id}"))
    }
}

#[derive(Deserialize, Default)]
struct CohortFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    plan: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
}

async fn cohort_form(
    staff: &Staff,
    id: Option<CohortId>,
    fields: CohortFields,
    errors: FormErrors,
) -> Result<CohortForm, WebError> {
    Ok(CohortForm {
        plans: list_plans(staff.conn(), staff.organisation()).await?,
        chrome: staff.chrome("cohorts").await?,
        id,
        name: fields.name,
        plan: fields.plan,
        day: fields.day,
        month: fields.month,
        year: fields.year,
        errors,
    })
}

async fn new_cohort(staff: Staff) -> Result<CohortForm, WebError> {
    cohort_form(&staff, None, CohortFields::default(), FormErrors::new()).await
}

async fn edit_cohort(staff: Staff, Path(id): Path<i64>) -> Result<CohortForm, WebError> {
    let details = cohort_details(staff.conn(), staff.organisation(), CohortId(id)).await?;
    let day = details.results_day;
    let fields = CohortFields {
        name: details.name,
        plan: details
            .tracking_plan
            .map(|plan| plan.to_string())
            .unwrap_or_default(),
        day: day.map(|d| d.day().to_string()).unwrap_or_default(),
        month: day.map(|d| d.month().to_string()).unwrap_or_default(),
        year: day.map(|d| d.year().to_string()).unwrap_or_default(),
    };
    cohort_form(&staff, Some(CohortId(id)), fields, FormErrors::new()).await
}

async fn parse_cohort(
    state: &AppState,
    user: &CurrentUser,
    fields: &CohortFields,
) -> Result<Result<NewCohort, FormErrors>, WebError> {
    let mut errors = FormErrors::new();
    let name = errors.check(required_text("name", "label-cohort-name", &fields.name, 200));
    let plans = list_plans(state.database.conn(), user.organisation_id).await?;
    let plan = match fields.plan.trim() {
        "" => None,
        text => match text
            .parse::<i64>()
            .ok()
            .filter(|id| plans.iter().any(|(plan, _)| plan.0 == *id))
        {
            Some(id) => Some(TrackingPlanId(id)),
            None => {
                errors.push("plan", "validation-cohort-plan".to_owned());
                None
            }
        },
    };
    let results_day = errors
        .check(parse_date_input(
            "day",
            "label-results-day",
            &fields.day,
            &fields.month,
            &fields.year,
        ))
        .flatten();
    Ok(match name {
        Some(name) if errors.is_empty() => Ok(NewCohort {
            name,
            tracking_plan: plan,
            results_day,
        }),
        _ => Err(errors),
    })
}

async fn save_cohort(staff: Staff, id: Option<CohortId>, fields: CohortFields) -> Result<Response, WebError> {
    let org = staff.organisation();
    let errors = match parse_cohort(&staff.state, &staff.user, &fields).await? {
        Ok(cohort) => {
            let write = staff.write().await?;
            let saved = match id {
                Some(id) => update_cohort(&write, org, id, &cohort).await.map(|()| id),
                None => create_cohort(&write, org, &cohort).await,
            };
            match saved {
                Ok(saved_id) => {
                    let action = if id.is_some() {
                        "cohort.update"
                    } else {
                        "cohort.create"
                    };
                    write.audit(action, "cohort", saved_id.0).await?;
                    write.commit().await?;
                    return Ok(Redirect::to(&format!("/cohorts/{saved_id}")).into_response());
                }
                Err(StorageError::Duplicate { .. }) => FormErrors::from(FieldError {
                    field: "name",
                    message: "validation-cohort-duplicate".to_owned(),
                }),
                Err(err) => return Err(err.into()),
            }
        }
        Err(errors) => errors,
    };
    let form = cohort_form(&staff, id, fields, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
}

async fn create_cohort_submit(
    staff: Staff,
    CsrfForm(fields): CsrfForm<CohortFields>,
) -> Result<Response, WebError> {
    save_cohort(staff, None, fields).await
}

async fn update_cohort_submit(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<CohortFields>,
) -> Result<Response, WebError> {
    cohort_details(staff.conn(), staff.organisation(), CohortId(id)).await?;
    save_cohort(staff, Some(CohortId(id)), fields).await
}

async fn archive_cohort(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ArchiveFields>,
) -> Result<Redirect, WebError> {
    // Another organisation's cohort is "not found" before anything else is checked.
    cohort_details(staff.conn(), staff.organisation(), CohortId(id)).await?;
    let write = staff.write().await?;
    set_cohort_archived(
        &write,
        staff.organisation(),
        CohortId(id),
        archived_flag(&fields)?,
    )
    .await?;
    write.audit("cohort.archive", "cohort", id).await?;
    write.commit().await?;
    Ok(Redirect::to(&format!("/cohorts/{id}")))
}
