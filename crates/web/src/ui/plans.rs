//! Tracking plans (administrators): list, create, copy, rename, and add, edit
//! or remove checkpoints. Every save is checked by the domain
//! (`TrackingPlan::validate`), and its message shown in the error summary.
//! Tasks already generated keep their due dates and statuses.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use onward_domain::DomainError;
use onward_domain::contact::ContactChannel;
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TrackingPlan};
use onward_storage::repo::plans::{
    PlanEditError, PlanSummary, StoredPlan, checkpoint_place, copy_plan, install_plan, new_checkpoint_key,
    plan_summaries, remove_checkpoint, save_checkpoint, stored_plan, update_plan_details,
};
use onward_storage::{CheckpointId, TrackingPlanId};
use serde::Deserialize;

use super::chrome::{Chrome, FieldError};
use super::forms::required_text;
use super::staff::{CsrfForm, Staff};
use crate::ui::form_errors::FormErrors;
use crate::{AppState, WebError};

super::chrome::localised! {
    PlansPage => chrome.tr;
    PlanPage => chrome.tr;
    PlanForm => chrome.tr;
    CheckpointForm => chrome.tr;
}

/// Roles that can be responsible for a checkpoint: those who work with named learners.
const RESPONSIBLE: &[Role] = &[Role::ProgressionLead, Role::IagAdviser, Role::Tutor, Role::Admin];
/// Channel choices per checkpoint, in order.
const CHANNEL_SLOTS: usize = 4;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plans", get(list).post(create))
        .route("/plans/new", get(new_plan))
        .route("/plans/{id}", get(show).post(update_details))
        .route("/plans/{id}/edit", get(edit_details))
        .route("/plans/{id}/copy", post(copy))
        .route("/plans/{id}/checkpoints/new", get(new_checkpoint))
        .route("/plans/{id}/checkpoints", post(add_checkpoint))
        .route("/checkpoints/{id}/edit", get(edit_checkpoint))
        .route("/checkpoints/{id}", post(update_checkpoint))
        .route("/checkpoints/{id}/remove", post(remove))
}

/// A form whose only field is its CSRF token.
#[derive(Deserialize, Default)]
struct CsrfOnly {}

/// "90 days after leaving date", "1 November, the first after leaving", …
fn describe_when(tr: &crate::i18n::Translator, point: &Checkpoint) -> String {
    if let (Anchor::FixedDate, Some((month, day))) = (point.anchor, point.fixed_month_day) {
        let date = NaiveDate::from_ymd_opt(2024, month, day)
            .map(|_| format!("{day} {}", tr.t(&format!("month-{month}"))))
            .unwrap_or_default();
        return tr.t_with("plan-when-fixed", &[("date", &date)]);
    }
    let anchor = tr.t(point.anchor.label_key()).to_lowercase();
    let days = point.offset_days.unsigned_abs().to_string();
    match point.offset_days {
        0 => tr.t_with("plan-when-on", &[("anchor", &anchor)]),
        n if n > 0 => tr.t_with("plan-when-after", &[("days", &days), ("anchor", &anchor)]),
        _ => tr.t_with("plan-when-before", &[("days", &days), ("anchor", &anchor)]),
    }
}

fn channel_list(tr: &crate::i18n::Translator, point: &Checkpoint) -> String {
    point
        .channels
        .iter()
        .map(|c| tr.t(c.label_key()))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- list ----

#[derive(Template, WebTemplate)]
#[template(path = "plans/plans.html")]
struct PlansPage {
    chrome: Chrome,
    plans: Vec<PlanSummary>,
}

async fn list(staff: Staff) -> Result<PlansPage, WebError> {
    Ok(PlansPage {
        plans: plan_summaries(staff.conn(), staff.organisation()).await?,
        chrome: staff.chrome("plans").await?,
    })
}

// ---- one plan ----

#[derive(Template, WebTemplate)]
#[template(path = "plans/plan.html")]
struct PlanPage {
    chrome: Chrome,
    plan: StoredPlan,
    errors: FormErrors,
}

impl PlanPage {
    fn when(&self, point: &Checkpoint) -> String {
        describe_when(&self.chrome.tr, point)
    }

    fn channels(&self, point: &Checkpoint) -> String {
        channel_list(&self.chrome.tr, point)
    }
}

async fn plan_page(staff: &Staff, id: TrackingPlanId, errors: FormErrors) -> Result<PlanPage, WebError> {
    Ok(PlanPage {
        plan: stored_plan(staff.conn(), staff.organisation(), id).await?,
        chrome: staff.chrome("plans").await?,
        errors,
    })
}

async fn show(staff: Staff, Path(id): Path<i64>) -> Result<PlanPage, WebError> {
    plan_page(&staff, TrackingPlanId(id), FormErrors::new()).await
}

async fn copy(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Redirect, WebError> {
    let original = stored_plan(staff.conn(), staff.organisation(), TrackingPlanId(id)).await?;
    let write = staff.write().await?;
    let copied = copy_plan(
        &write,
        staff.organisation(),
        original.id,
        &format!("Copy of {}", original.name),
    )
    .await?;
    write.audit("plan.copy", "tracking_plan", copied.0).await?;
    write.commit().await?;
    Ok(Redirect::to(&format!("/plans/{copied}")))
}

// ---- checkpoint fields, shared by the new-plan and checkpoint forms ----

#[derive(Deserialize, Default, Clone)]
struct CheckpointFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    anchor: String,
    #[serde(default)]
    fixed_day: String,
    #[serde(default)]
    fixed_month: String,
    #[serde(default)]
    offset_days: String,
    #[serde(default)]
    channel_1: String,
    #[serde(default)]
    channel_2: String,
    #[serde(default)]
    channel_3: String,
    #[serde(default)]
    channel_4: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    max_attempts: String,
    /// The survey the checkpoint sends (a shipped survey's name), or empty.
    #[serde(default)]
    survey: String,
    /// 1-based place in the plan.
    #[serde(default)]
    position: String,
}

impl CheckpointFields {
    fn from_checkpoint(point: &Checkpoint, position: usize) -> Self {
        let channel = |n: usize| {
            point
                .channels
                .get(n)
                .map(|c| c.code().to_owned())
                .unwrap_or_default()
        };
        Self {
            name: point.name.clone(),
            anchor: point.anchor.code().to_owned(),
            fixed_day: point
                .fixed_month_day
                .map(|(_, d)| d.to_string())
                .unwrap_or_default(),
            fixed_month: point
                .fixed_month_day
                .map(|(m, _)| m.to_string())
                .unwrap_or_default(),
            offset_days: point.offset_days.to_string(),
            channel_1: channel(0),
            channel_2: channel(1),
            channel_3: channel(2),
            channel_4: channel(3),
            responsible: point.responsible.code().to_owned(),
            max_attempts: point.max_attempts.to_string(),
            survey: point.survey.clone().unwrap_or_default(),
            position: (position + 1).to_string(),
        }
    }

    fn blank(position: usize) -> Self {
        Self {
            anchor: Anchor::Leaving.code().to_owned(),
            offset_days: "0".to_owned(),
            channel_1: ContactChannel::Phone.code().to_owned(),
            responsible: Role::ProgressionLead.code().to_owned(),
            max_attempts: "3".to_owned(),
            position: (position + 1).to_string(),
            ..Self::default()
        }
    }

    fn channel(&self, slot: usize) -> &str {
        match slot {
            1 => &self.channel_1,
            2 => &self.channel_2,
            3 => &self.channel_3,
            _ => &self.channel_4,
        }
    }

    /// The checkpoint and its 0-based position, or the fields' errors.
    fn parse(&self, places: usize) -> Result<(Checkpoint, usize), FormErrors> {
        let mut errors = FormErrors::new();
        let mut error = |field: &'static str, message: &str| errors.push(field, message.to_owned());
        let name = required_text("name", "label-checkpoint-name", &self.name, 200)
            .map_err(|e| error(e.field, &e.message))
            .ok();
        let anchor = Anchor::from_code(self.anchor.trim());
        if anchor.is_none() {
            error("anchor", "validation-plan-anchor");
        }
        let fixed_month_day = if anchor == Some(Anchor::FixedDate) {
            match (
                self.fixed_day.trim().parse::<u32>(),
                self.fixed_month.trim().parse::<u32>(),
            ) {
                (Ok(day), Ok(month)) if NaiveDate::from_ymd_opt(2024, month, day).is_some() => {
                    Some((month, day))
                }
                _ => {
                    error("fixed_day", "validation-plan-fixed-date");
                    None
                }
            }
        } else {
            None
        };
        let offset_days = match self.offset_days.trim() {
            "" => Some(0),
            text => match text.parse::<i32>() {
                Ok(days) if (-3650..=3650).contains(&days) => Some(days),
                _ => {
                    error("offset_days", "validation-plan-offset");
                    None
                }
            },
        };
        let mut channels = Vec::new();
        for slot in 1..=CHANNEL_SLOTS {
            match self.channel(slot).trim() {
                "" => {}
                code => match ContactChannel::from_code(code) {
                    Some(channel) if !channels.contains(&channel) => channels.push(channel),
                    Some(_) => error("channel_1", "validation-plan-channel-once"),
                    None => error("channel_1", "validation-plan-channel-from-list"),
                },
            }
        }
        if channels.is_empty() {
            error("channel_1", "validation-plan-channel-needed");
        }
        let responsible = Role::from_code(self.responsible.trim()).filter(|role| RESPONSIBLE.contains(role));
        if responsible.is_none() {
            error("responsible", "validation-plan-responsible");
        }
        let max_attempts = match self.max_attempts.trim().parse::<u8>() {
            Ok(n) if (1..=10).contains(&n) => Some(n),
            _ => {
                error("max_attempts", "validation-plan-attempts");
                None
            }
        };
        let position = match self.position.trim().parse::<usize>() {
            Ok(n) if (1..=places).contains(&n) => Some(n - 1),
            _ => {
                error("position", "validation-plan-position");
                None
            }
        };
        let survey = match self.survey.trim() {
            "" => None,
            name if onward_survey::shipped().is_ok_and(|surveys| surveys.newest(name).is_some()) => {
                Some(name.to_owned())
            }
            _ => {
                error("survey", "validation-plan-survey");
                None
            }
        };
        match (name, anchor, offset_days, responsible, max_attempts, position) {
            (
                Some(name),
                Some(anchor),
                Some(offset_days),
                Some(responsible),
                Some(max_attempts),
                Some(position),
            ) if errors.is_empty() => Ok((
                Checkpoint {
                    key: String::new(),
                    name,
                    anchor,
                    fixed_month_day,
                    offset_days,
                    channels,
                    responsible,
                    max_attempts,
                    survey,
                },
                position,
            )),
            _ => Err(errors),
        }
    }
}

/// A domain verdict on the whole plan, placed beside the field it is about.
fn plan_error(err: &DomainError) -> FieldError {
    let message = &err.message;
    let field = if message.contains("date order") {
        "position"
    } else if message.contains("before the learner's start date") {
        "offset_days"
    } else if message.contains("calendar date") || message.contains("impossible date") {
        "fixed_day"
    } else if message.contains("needs a name") {
        "plan_name"
    } else if message.contains("no computable date") {
        "anchor"
    } else if message.contains("channel") {
        "channel_1"
    } else {
        "name"
    };
    let mut text = message.clone();
    if let Some(first) = text.get(..1) {
        text = format!("{}{}", first.to_uppercase(), &text[1..]);
    }
    FieldError { field, message: text }
}

/// What the checkpoint form templates need besides the fields.
struct Choices {
    anchors: &'static [Anchor],
    channels: &'static [ContactChannel],
    roles: &'static [Role],
    /// 1..=places, for the position list.
    places: Vec<usize>,
    /// The shipped surveys' names, for the survey list.
    surveys: Vec<String>,
}

impl Choices {
    fn new(places: usize) -> Self {
        Self {
            anchors: Anchor::ALL,
            channels: ContactChannel::ALL,
            roles: RESPONSIBLE,
            places: (1..=places).collect(),
            surveys: onward_survey::shipped()
                .map(|catalogue| {
                    catalogue
                        .latest()
                        .into_iter()
                        .map(|survey| survey.name.clone())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

// ---- create a plan, rename a plan ----

#[derive(Template, WebTemplate)]
#[template(path = "plans/plan_form.html")]
struct PlanForm {
    chrome: Chrome,
    /// `None` when creating (then the first checkpoint is part of the form).
    id: Option<TrackingPlanId>,
    plan_name: String,
    description: String,
    cp: CheckpointFields,
    choices: Choices,
    errors: FormErrors,
}

impl PlanForm {
    fn action(&self) -> String {
        self.id
            .map_or_else(|| "/plans".to_owned(), |id| format!("/plans/{id}"))
    }

    fn slots(&self) -> Vec<(usize, String)> {
        (1..=CHANNEL_SLOTS)
            .map(|n| (n, self.cp.channel(n).to_owned()))
            .collect()
    }
}

#[derive(Deserialize, Default)]
struct PlanFields {
    #[serde(default)]
    plan_name: String,
    #[serde(default)]
    description: String,
    #[serde(flatten)]
    cp: CheckpointFields,
}

async fn new_plan(staff: Staff) -> Result<PlanForm, WebError> {
    Ok(PlanForm {
        chrome: staff.chrome("plans").await?,
        id: None,
        plan_name: String::new(),
        description: String::new(),
        cp: CheckpointFields::blank(0),
        choices: Choices::new(1),
        errors: FormErrors::new(),
    })
}

async fn edit_details(staff: Staff, Path(id): Path<i64>) -> Result<PlanForm, WebError> {
    let plan = stored_plan(staff.conn(), staff.organisation(), TrackingPlanId(id)).await?;
    Ok(PlanForm {
        chrome: staff.chrome("plans").await?,
        id: Some(plan.id),
        plan_name: plan.name,
        description: plan.description,
        cp: CheckpointFields::default(),
        choices: Choices::new(1),
        errors: FormErrors::new(),
    })
}

fn plan_text(fields: &PlanFields, errors: &mut FormErrors) -> (String, String) {
    let name = required_text("plan_name", "label-plan-name", &fields.plan_name, 200)
        .map_err(|e| errors.add(e))
        .unwrap_or_default();
    let description = fields.description.trim().to_owned();
    if description.chars().count() > 2000 {
        errors.push("description", "validation-plan-description-too-long".to_owned());
    }
    (name, description)
}

async fn create(staff: Staff, CsrfForm(fields): CsrfForm<PlanFields>) -> Result<Response, WebError> {
    let mut errors = FormErrors::new();
    let (name, description) = plan_text(&fields, &mut errors);
    let point = fields.cp.parse(1).map_err(|e| errors.extend(e)).ok();
    if let (Some((mut point, _)), true) = (point, errors.is_empty()) {
        point.key = new_checkpoint_key(&point.name, &[]);
        let plan = TrackingPlan {
            name,
            description,
            checkpoints: vec![point],
        };
        match plan.validate() {
            Ok(()) => {
                let write = staff.write().await?;
                let id = install_plan(&write, staff.organisation(), &plan).await?;
                write.audit("plan.create", "tracking_plan", id.0).await?;
                write.commit().await?;
                return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
            }
            Err(err) => errors.add(plan_error(&err)),
        }
    }
    let form = PlanForm {
        chrome: staff.chrome("plans").await?,
        id: None,
        plan_name: fields.plan_name,
        description: fields.description,
        cp: fields.cp,
        choices: Choices::new(1),
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
}

async fn update_details(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<PlanFields>,
) -> Result<Response, WebError> {
    let plan = stored_plan(staff.conn(), staff.organisation(), TrackingPlanId(id)).await?;
    let mut errors = FormErrors::new();
    let (name, description) = plan_text(&fields, &mut errors);
    if errors.is_empty() {
        let write = staff.write().await?;
        match update_plan_details(&write, staff.organisation(), plan.id, &name, &description).await {
            Ok(()) => {
                write.audit("plan.update", "tracking_plan", plan.id.0).await?;
                write.commit().await?;
                return Ok(Redirect::to(&format!("/plans/{}", plan.id)).into_response());
            }
            Err(PlanEditError::Invalid(err)) => errors.add(plan_error(&err)),
            Err(PlanEditError::Storage(err)) => return Err(err.into()),
            Err(PlanEditError::HasTasks(_)) => return Err(WebError::NotFound),
        }
    }
    let form = PlanForm {
        chrome: staff.chrome("plans").await?,
        id: Some(plan.id),
        plan_name: fields.plan_name,
        description: fields.description,
        cp: CheckpointFields::default(),
        choices: Choices::new(1),
        errors,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
}

// ---- add or edit a checkpoint ----

#[derive(Template, WebTemplate)]
#[template(path = "plans/checkpoint_form.html")]
struct CheckpointForm {
    chrome: Chrome,
    plan_id: TrackingPlanId,
    plan_name: String,
    /// `None` when adding.
    id: Option<CheckpointId>,
    /// Tasks the checkpoint already has (what an edit does to them is explained).
    tasks: u64,
    cp: CheckpointFields,
    choices: Choices,
    errors: FormErrors,
}

impl CheckpointForm {
    fn action(&self) -> String {
        self.id.map_or_else(
            || format!("/plans/{}/checkpoints", self.plan_id),
            |id| format!("/checkpoints/{id}"),
        )
    }

    fn slots(&self) -> Vec<(usize, String)> {
        (1..=CHANNEL_SLOTS)
            .map(|n| (n, self.cp.channel(n).to_owned()))
            .collect()
    }
}

#[derive(Deserialize, Default)]
struct CheckpointSubmit {
    #[serde(flatten)]
    cp: CheckpointFields,
}

fn checkpoint_form(
    chrome: Chrome,
    plan: &StoredPlan,
    id: Option<CheckpointId>,
    cp: CheckpointFields,
    errors: FormErrors,
) -> CheckpointForm {
    let places = plan.checkpoints.len() + usize::from(id.is_none());
    CheckpointForm {
        chrome,
        plan_id: plan.id,
        plan_name: plan.name.clone(),
        tasks: id
            .and_then(|id| plan.checkpoints.iter().find(|c| c.id == id))
            .map_or(0, |c| c.tasks),
        id,
        cp,
        choices: Choices::new(places),
        errors,
    }
}

async fn new_checkpoint(staff: Staff, Path(id): Path<i64>) -> Result<CheckpointForm, WebError> {
    let plan = stored_plan(staff.conn(), staff.organisation(), TrackingPlanId(id)).await?;
    let blank = CheckpointFields::blank(plan.checkpoints.len());
    Ok(checkpoint_form(
        staff.chrome("plans").await?,
        &plan,
        None,
        blank,
        FormErrors::new(),
    ))
}

async fn edit_checkpoint(staff: Staff, Path(id): Path<i64>) -> Result<CheckpointForm, WebError> {
    let conn = staff.conn();
    let (plan_id, index) = checkpoint_place(conn, staff.organisation(), CheckpointId(id)).await?;
    let plan = stored_plan(conn, staff.organisation(), plan_id).await?;
    let fields = CheckpointFields::from_checkpoint(&plan.checkpoints[index].checkpoint, index);
    Ok(checkpoint_form(
        staff.chrome("plans").await?,
        &plan,
        Some(CheckpointId(id)),
        fields,
        FormErrors::new(),
    ))
}

async fn save_checkpoint_form(
    staff: Staff,
    plan: StoredPlan,
    id: Option<CheckpointId>,
    fields: CheckpointSubmit,
) -> Result<Response, WebError> {
    let places = plan.checkpoints.len() + usize::from(id.is_none());
    let errors = match fields.cp.parse(places) {
        Ok((point, position)) => {
            let write = staff.write().await?;
            match save_checkpoint(&write, staff.organisation(), plan.id, id, position, point).await {
                Ok(saved) => {
                    let action = if id.is_some() {
                        "checkpoint.update"
                    } else {
                        "checkpoint.create"
                    };
                    write.audit(action, "checkpoint", saved.0).await?;
                    write.commit().await?;
                    return Ok(Redirect::to(&format!("/plans/{}", plan.id)).into_response());
                }
                Err(PlanEditError::Invalid(err)) => FormErrors::from(plan_error(&err)),
                Err(PlanEditError::Storage(err)) => return Err(err.into()),
                Err(PlanEditError::HasTasks(_)) => return Err(WebError::NotFound),
            }
        }
        Err(errors) => errors,
    };
    let form = checkpoint_form(staff.chrome("plans").await?, &plan, id, fields.cp, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
}

async fn add_checkpoint(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<CheckpointSubmit>,
) -> Result<Response, WebError> {
    let plan = stored_plan(staff.conn(), staff.organisation(), TrackingPlanId(id)).await?;
    save_checkpoint_form(staff, plan, None, fields).await
}

async fn update_checkpoint(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<CheckpointSubmit>,
) -> Result<Response, WebError> {
    let conn = staff.conn();
    let (plan_id, _) = checkpoint_place(conn, staff.organisation(), CheckpointId(id)).await?;
    let plan = stored_plan(conn, staff.organisation(), plan_id).await?;
    save_checkpoint_form(staff, plan, Some(CheckpointId(id)), fields).await
}

async fn remove(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, WebError> {
    let (plan_id, _) = checkpoint_place(staff.conn(), staff.organisation(), CheckpointId(id)).await?;
    let write = staff.write().await?;
    let message = match remove_checkpoint(&write, staff.organisation(), CheckpointId(id)).await {
        Ok(plan) => {
            write.audit("checkpoint.remove", "tracking_plan", plan.0).await?;
            write.commit().await?;
            return Ok(Redirect::to(&format!("/plans/{plan}")).into_response());
        }
        Err(PlanEditError::HasTasks(tasks)) => {
            crate::i18n::Message::new("validation-plan-checkpoint-has-tasks")
                .with("count", tasks.to_string())
                .encode()
        }
        Err(PlanEditError::Invalid(err)) => plan_error(&err).message,
        Err(PlanEditError::Storage(err)) => return Err(err.into()),
    };
    drop(write);
    let page = plan_page(
        &staff,
        plan_id,
        FormErrors::from(FieldError {
            field: "checkpoints",
            message,
        }),
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
