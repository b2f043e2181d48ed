//! Changing a saved campaign's settings (issue 15): its schedule, quiet hours
//! and own wording, while it is a draft or paused. A paused campaign keeps the
//! days of the steps it has already planned for some learner (their messages
//! name the step), so reminders can be added, moved or dropped after them but
//! what was sent keeps its meaning; `onward_domain::campaign::settings_change`
//! is the rule, and the save itself is refused if the campaign was started or
//! finished meanwhile.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use onward_domain::campaign::{CampaignStatus, SettingsChange, settings_change};
use onward_storage::CampaignId;
use onward_storage::repo::campaigns::{self, Campaign};

use super::form::{CampaignFields, SETTINGS_FIELDS, cohort_message_languages, parse_all, wording_needed};
use super::{cohort_names, names, schedule_text, settings_audit_text, status_key};
use crate::i18n::Message;
use crate::ui::chrome::{Chrome, localised};
use crate::ui::form_errors::FormErrors;
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

localised! {
    SettingsPage => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/campaigns/{id}/settings", get(settings_form).post(save))
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    id: CampaignId,
    cohort: String,
    checkpoint: String,
    /// The campaign's status, as a Fluent key.
    status: &'static str,
    /// Whether the settings may be changed now (a draft or paused campaign).
    changeable: bool,
    /// The days of the steps already planned, which a new schedule keeps ("0, 7").
    planned: Option<String>,
    fields: CampaignFields,
    /// Code, label key, checked.
    days: Vec<(&'static str, String, bool)>,
    wording_needed: Option<String>,
    errors: FormErrors,
}

impl SettingsPage {
    fn wording_open(&self) -> bool {
        self.fields.wording_open(&self.errors)
    }
}

/// The days a new schedule must start with: those of the steps already planned.
fn planned_days(campaign: &Campaign, planned: usize) -> Option<String> {
    (planned > 0).then(|| schedule_text(&campaign.schedule_days[..planned.min(campaign.schedule_days.len())]))
}

/// The page for `found`, whose first `planned` steps have messages and whose
/// cohort's learners are written to in `languages`.
async fn page(
    staff: &Staff,
    found: &Campaign,
    (planned, languages): (usize, &[(&'static str, u64)]),
    fields: CampaignFields,
    errors: FormErrors,
) -> Result<SettingsPage, WebError> {
    let chrome = staff.chrome("campaigns").await?;
    let cohorts = cohort_names(staff).await?;
    let (cohort, checkpoint) = names(staff, &cohorts, found).await?;
    Ok(SettingsPage {
        id: found.id,
        cohort,
        checkpoint,
        status: status_key(found.status),
        changeable: matches!(found.status, CampaignStatus::Draft | CampaignStatus::Paused),
        planned: planned_days(found, planned),
        days: fields.day_choices(),
        wording_needed: wording_needed(&chrome, languages),
        fields,
        errors,
        chrome,
    })
}

async fn settings_form(staff: Staff, Path(id): Path<i64>) -> Result<SettingsPage, WebError> {
    let org = staff.organisation();
    let found = campaigns::campaign(staff.conn(), org, CampaignId(id)).await?;
    let planned = campaigns::planned_steps(staff.conn(), org, found.id).await?;
    let languages = cohort_message_languages(&staff, found.cohort).await?;
    page(
        &staff,
        &found,
        (planned, &languages),
        CampaignFields::from_campaign(&found),
        FormErrors::new(),
    )
    .await
}

async fn save(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<CampaignFields>,
) -> Result<Response, WebError> {
    let org = staff.organisation();
    let write = staff.write().await?;
    let found = campaigns::campaign(&write, org, CampaignId(id)).await?;
    let planned = campaigns::planned_steps(&write, org, found.id).await?;
    let languages = cohort_message_languages(&staff, found.cohort).await?;
    let mut errors = FormErrors::new();
    let settings = parse_all(&fields, &languages, &mut errors);
    if let Some(settings) = &settings {
        match settings_change(
            found.status,
            &found.schedule_days,
            &settings.schedule_days,
            planned,
        ) {
            SettingsChange::Allowed => {}
            SettingsChange::NotNow(_) => errors.push("schedule", "validation-campaign-settings-status"),
            SettingsChange::KeepPlannedDays(days) => errors.push(
                "schedule",
                Message::new("validation-campaign-schedule-planned").with("days", schedule_text(&days)),
            ),
        }
    }
    let settings = match settings {
        Some(settings) if errors.is_empty() => settings,
        _ => {
            drop(write);
            errors.order_by(&SETTINGS_FIELDS);
            let page = page(&staff, &found, (planned, &languages), fields, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if !campaigns::change_settings(&write, org, found.id, &settings).await? {
        // Started or finished since it was read: nothing written.
        return Ok(Redirect::to(&format!("/campaigns/{}?refused=status", found.id)).into_response());
    }
    write
        .audit_detail(
            "campaign.settings_changed",
            "campaign",
            found.id.0,
            settings_audit_text(&settings.schedule_days, &settings.wording),
        )
        .await?;
    write.commit().await?;
    Ok(Redirect::to(&format!("/campaigns/{}?done=changed", found.id)).into_response())
}
