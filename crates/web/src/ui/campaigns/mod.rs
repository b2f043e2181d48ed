//! Campaigns, staff side (issue 15): the organisation's campaigns with their
//! progress, a new campaign with its audience preview (who gets what by which
//! channel, who is left out and why, and the lawful basis), and a campaign's
//! page with its steps, responses by day, and start / pause / finish / run now.
//! The storage calls are `onward campaign list|run --dry-run`'s own.
//!
//! Counts go through `Chrome::count` (aggregate-only roles see "fewer than 6");
//! learners' names appear only to those who may manage campaigns.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Weekday;
use onward_domain::campaign::{
    CampaignStatus, CampaignWording, DEFAULT_SCHEDULE_DAYS, QuietHours, is_automatic, weekday_code,
};
use onward_domain::contact::ContactChannel;
use onward_domain::permissions::{Action, allows};
use onward_storage::repo::campaigns::{self, Audience, Campaign, Exclusion, NewCampaign};
use onward_storage::repo::cohorts::{cohort_details, cohort_names as names_of_cohorts};
use onward_storage::repo::plans::plan_checkpoints;
use onward_storage::{CampaignId, CheckpointId, CohortId, OrganisationId, Write};
use serde::Deserialize;

use self::form::{
    CampaignFields, SETTINGS_FIELDS, cohort_message_languages, english_first, language_name, parse_all,
    parse_schedule_field, wording_needed,
};
use super::chrome::{Chrome, localised};
use super::form_errors::FormErrors;
use super::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

mod form;
mod settings;

localised! {
    CampaignsPage => chrome.tr;
    NewCampaignPage => chrome.tr;
    CampaignPage => chrome.tr;
}

/// Excluded learners named on a preview at most (the counts cover everyone).
const NAMED_SHOWN: usize = 500;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/campaigns", get(list).post(create))
        .route("/campaigns/new", get(new_campaign))
        .route("/campaigns/{id}", get(show))
        .route("/campaigns/{id}/start", post(start))
        .route("/campaigns/{id}/pause", post(pause))
        .route("/campaigns/{id}/finish", post(finish))
        .route("/campaigns/{id}/run", post(run_now))
        .merge(settings::router())
}

// ------------------------------------------------------------------ shared

fn channels_text(chrome: &Chrome, channels: &[ContactChannel]) -> String {
    channels
        .iter()
        .map(|channel| chrome.tr.t(channel.label_key()))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn schedule_text(days: &[u32]) -> String {
    days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

/// The schedule and wording as the audit log records them (no message text).
fn settings_audit_text(schedule_days: &[u32], wording: &CampaignWording) -> String {
    let wording = if wording.is_empty() {
        "standard".to_owned()
    } else {
        wording.keys().cloned().collect::<Vec<_>>().join("+")
    };
    format!("days {}, wording {wording}", schedule_text(schedule_days))
}

pub(super) fn quiet_text(chrome: &Chrome, quiet: &QuietHours) -> String {
    let hours = match (quiet.from_hour, quiet.until_hour) {
        (Some(from), Some(until)) => Some(chrome.tr.t_with(
            "campaign-quiet-hours-between",
            &[
                ("from", &format!("{from:02}:00")),
                ("until", &format!("{until:02}:00")),
            ],
        )),
        _ => None,
    };
    let days: Vec<String> = quiet
        .days
        .iter()
        .map(|day| chrome.tr.t(&format!("campaign-day-{}", weekday_code(*day))))
        .collect();
    match (hours, days.is_empty()) {
        (None, true) => chrome.tr.t("campaign-quiet-none"),
        (Some(hours), true) => hours,
        (None, false) => days.join(", "),
        (Some(hours), false) => format!("{hours}; {}", days.join(", ")),
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn status_key(status: CampaignStatus) -> &'static str {
    status.label_key()
}

/// Why a learner is left out, in the page's language.
pub(super) fn exclusion_text(chrome: &Chrome, reason: Exclusion) -> String {
    let tr = &chrome.tr;
    match reason {
        Exclusion::OptedOut => tr.t("campaign-excluded-opted-out"),
        Exclusion::Erased => tr.t("campaign-excluded-erased"),
        Exclusion::Completed => tr.t("campaign-excluded-completed"),
        Exclusion::TaskClosed(status) => tr.t_with(
            "campaign-excluded-task-closed",
            &[("status", &tr.t(status.label_key()))],
        ),
        Exclusion::NoTask => tr.t("campaign-excluded-no-task"),
        Exclusion::NoConsent(channel) => tr.t_with(
            "campaign-excluded-no-consent",
            &[("channel", &tr.t(channel.label_key()))],
        ),
        Exclusion::NoContactPoint(channel) => tr.t_with(
            "campaign-excluded-no-contact-point",
            &[("channel", &tr.t(channel.label_key()))],
        ),
    }
}

/// A cohort's and a checkpoint's names, for headings and lists.
pub(super) async fn names(
    staff: &Staff,
    cohorts: &HashMap<CohortId, String>,
    campaign: &Campaign,
) -> Result<(String, String), WebError> {
    let cohort = cohorts
        .get(&campaign.cohort)
        .cloned()
        .unwrap_or_else(|| campaign.cohort.to_string());
    let checkpoint = onward_storage::repo::calls::queue_checkpoint(
        staff.conn(),
        staff.organisation(),
        campaign.checkpoint,
    )
    .await?
    .checkpoint
    .name;
    Ok((cohort, checkpoint))
}

pub(super) async fn cohort_names(staff: &Staff) -> Result<HashMap<CohortId, String>, WebError> {
    Ok(names_of_cohorts(staff.conn(), staff.organisation())
        .await?
        .into_iter()
        .map(|cohort| (cohort.id, cohort.name))
        .collect())
}

/// The progress counts as shown, label key first.
fn progress_rows(chrome: &Chrome, progress: &campaigns::Progress) -> Vec<(&'static str, String)> {
    vec![
        ("campaign-progress-queued", chrome.count(progress.queued)),
        ("campaign-progress-sent", chrome.count(progress.sent)),
        ("campaign-progress-delivered", chrome.count(progress.delivered)),
        ("campaign-progress-bounced", chrome.count(progress.bounced)),
        ("campaign-progress-started", chrome.count(progress.started)),
        ("campaign-progress-completed", chrome.count(progress.completed)),
        ("campaign-progress-opted-out", chrome.count(progress.opted_out)),
    ]
}

// ------------------------------------------------------------------ list

struct CampaignRow {
    id: CampaignId,
    cohort: String,
    checkpoint: String,
    status: &'static str,
    channels: String,
    schedule: String,
    counts: Vec<(&'static str, String)>,
    knowledge_rate: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/list.html")]
struct CampaignsPage {
    chrome: Chrome,
    rows: Vec<CampaignRow>,
    can_manage: bool,
}

async fn list(staff: Staff) -> Result<CampaignsPage, WebError> {
    let org = staff.organisation();
    let chrome = staff.chrome("campaigns").await?;
    let cohorts = cohort_names(&staff).await?;
    let mut rows = Vec::new();
    for found in campaigns::campaigns(staff.conn(), org).await? {
        let progress = campaigns::progress(staff.conn(), org, found.id).await?;
        let (cohort, checkpoint) = names(&staff, &cohorts, &found).await?;
        rows.push(CampaignRow {
            id: found.id,
            cohort,
            checkpoint,
            status: status_key(found.status),
            channels: channels_text(&chrome, &found.channels),
            schedule: schedule_text(&found.schedule_days),
            counts: progress_rows(&chrome, &progress),
            knowledge_rate: format!("{}%", progress.knowledge_rate),
        });
    }
    Ok(CampaignsPage {
        can_manage: chrome.can(Action::ManageCampaigns.code()),
        chrome,
        rows,
    })
}

// ------------------------------------------------------------------ preview

/// An audience as a page shows it.
struct PreviewView {
    reached: String,
    /// Channel, learners, and whether the campaign sends on it itself.
    by_channel: Vec<(String, String, bool)>,
    /// Reason and learners.
    reasons: Vec<(String, String)>,
    excluded: String,
    /// Name and reason, for those who may manage campaigns.
    named: Vec<(String, String)>,
    /// More were excluded than are named.
    more_named: bool,
    empty: bool,
    steps: String,
}

fn preview_view(chrome: &Chrome, audience: &Audience, steps: usize, named: bool) -> PreviewView {
    let mut by_channel: BTreeMap<usize, (ContactChannel, u64)> = BTreeMap::new();
    for member in &audience.members {
        by_channel.entry(member.stage).or_insert((member.channel, 0)).1 += 1;
    }
    let mut reasons: Vec<(String, u64)> = Vec::new();
    for excluded in &audience.excluded {
        let text = exclusion_text(chrome, excluded.reason);
        match reasons.iter_mut().find(|(seen, _)| *seen == text) {
            Some((_, n)) => *n += 1,
            None => reasons.push((text, 1)),
        }
    }
    reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    PreviewView {
        reached: chrome.count(audience.members.len() as u64),
        by_channel: by_channel
            .into_values()
            .map(|(channel, n)| {
                (
                    chrome.tr.t(channel.label_key()),
                    chrome.count(n),
                    is_automatic(channel),
                )
            })
            .collect(),
        reasons: reasons
            .into_iter()
            .map(|(text, n)| (text, chrome.count(n)))
            .collect(),
        excluded: chrome.count(audience.excluded.len() as u64),
        named: if named {
            audience
                .excluded
                .iter()
                .take(NAMED_SHOWN)
                .map(|excluded| {
                    (
                        format!("{} {}", excluded.given_name, excluded.family_name),
                        exclusion_text(chrome, excluded.reason),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        more_named: named && audience.excluded.len() > NAMED_SHOWN,
        empty: audience.members.is_empty(),
        steps: steps.to_string(),
    }
}

/// A campaign not yet stored, for [`campaigns::audience`], which reads only
/// the cohort and the checkpoint.
fn unsaved(org: OrganisationId, cohort: CohortId, checkpoint: CheckpointId) -> Campaign {
    let stamp = onward_storage::repo::now();
    Campaign {
        id: CampaignId(0),
        organisation: org,
        cohort,
        checkpoint,
        survey_name: None,
        channels: Vec::new(),
        schedule_days: DEFAULT_SCHEDULE_DAYS.to_vec(),
        quiet: QuietHours::default_for_learners(),
        status: CampaignStatus::Draft,
        created_by: None,
        created_at: stamp,
        updated_at: stamp,
        started_at: None,
        finished_at: None,
        wording: Default::default(),
    }
}

// ------------------------------------------------------------------ new

#[derive(Deserialize, Default)]
struct NewQuery {
    #[serde(default)]
    cohort: Option<String>,
    #[serde(default)]
    checkpoint: Option<String>,
}

/// One text message as a learner would get it, and what it costs.
pub(super) struct SmsLine {
    language: String,
    kind: &'static str,
    text: String,
    characters: String,
    segments: String,
}

/// The campaign's text messages in each language its cohort is written to in:
/// the invitation, a reminder and the last reminder, with the organisation's
/// name and a personal link as long as a real one (this server's address,
/// `/s/` and a 64-character token), counted as the network counts them.
async fn sms_preview(
    staff: &Staff,
    chrome: &Chrome,
    languages: &[(&'static str, u64)],
) -> Result<Vec<SmsLine>, WebError> {
    use onward_notify::templates::{Invitation, Nudge, PersonalLink, campaign_sms};
    let organisation =
        onward_storage::repo::organisations::organisation(staff.conn(), staff.organisation()).await?;
    let base = staff
        .state
        .config
        .public_url
        .as_ref()
        .map_or("https://onward.example.org", |url| url.as_str())
        .to_owned();
    let shown_link = format!("{base}/s/…");
    let Ok(link) = PersonalLink::parse(&format!("{base}/s/{}", "0".repeat(64))) else {
        return Ok(Vec::new());
    };
    let invitation = Invitation {
        given_name: "",
        organisation: &organisation.name,
        link: &link,
    };
    let mut lines = Vec::new();
    for (code, _) in languages {
        let Some(language) = onward_notify::Language::from_code(code) else {
            continue;
        };
        for (nudge, kind) in [
            (Nudge::Invitation, "campaign-sms-invitation"),
            (Nudge::Reminder, "campaign-sms-reminder"),
            (Nudge::LastReminder, "campaign-sms-last"),
        ] {
            let text = campaign_sms(language, nudge, &invitation);
            let count = onward_notify::sms::segments(&text);
            let encoding = match count.encoding {
                onward_notify::sms::SmsEncoding::Gsm7 => "campaign-sms-gsm",
                onward_notify::sms::SmsEncoding::Ucs2 => "campaign-sms-unicode",
            };
            lines.push(SmsLine {
                language: language_name(chrome, code),
                kind,
                text: text.replace(link.as_str(), &shown_link),
                characters: count.units.to_string(),
                segments: chrome.tr.t_with(
                    "campaign-sms-segments",
                    &[
                        ("count", &count.segments.to_string()),
                        ("encoding", &chrome.tr.t(encoding)),
                    ],
                ),
            });
        }
    }
    Ok(lines)
}

/// The campaign's wording as its page names it.
fn wording_text(chrome: &Chrome, wording: &CampaignWording) -> String {
    if wording.is_empty() {
        return chrome.tr.t("campaign-wording-standard");
    }
    let mut codes: Vec<&str> = wording.keys().map(String::as_str).collect();
    codes.sort_by_key(|code| english_first(code));
    let languages = codes
        .iter()
        .map(|code| language_name(chrome, code))
        .collect::<Vec<_>>()
        .join(", ");
    chrome
        .tr
        .t_with("campaign-wording-own", &[("languages", &languages)])
}

/// A choice in a select: value, label, selected.
type Choice = (String, String, bool);

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/new.html")]
struct NewCampaignPage {
    chrome: Chrome,
    cohorts: Vec<Choice>,
    checkpoints: Vec<Choice>,
    /// A cohort is chosen (its checkpoints are offered).
    cohort_chosen: bool,
    /// Cohort and checkpoint chosen and valid: the settings form is shown.
    ready: bool,
    fields: CampaignFields,
    /// Code, label key, checked.
    days: Vec<(&'static str, String, bool)>,
    preview: Option<PreviewView>,
    channels: String,
    /// Which languages the cohort's learners are written to in, and how many each.
    wording_needed: Option<String>,
    /// The text messages and their segments, when the plan sends by SMS.
    sms: Vec<SmsLine>,
    errors: FormErrors,
}

impl NewCampaignPage {
    fn wording_open(&self) -> bool {
        self.fields.wording_open(&self.errors)
    }
}

/// The cohort and checkpoint as chosen, checked: a cohort with a plan, a
/// checkpoint of that plan with a survey.
struct Chosen {
    cohort: Option<(CohortId, Vec<(CheckpointId, onward_domain::tracking::Checkpoint)>)>,
    checkpoint: Option<(CheckpointId, onward_domain::tracking::Checkpoint)>,
}

async fn choose(staff: &Staff, cohort: &str, checkpoint: &str) -> Result<Chosen, WebError> {
    let org = staff.organisation();
    let mut chosen = Chosen {
        cohort: None,
        checkpoint: None,
    };
    let Ok(cohort_id) = cohort.trim().parse::<i64>().map(CohortId) else {
        return Ok(chosen);
    };
    let plan = match cohort_details(staff.conn(), org, cohort_id).await {
        Ok(details) => details.tracking_plan,
        Err(onward_storage::StorageError::NotFound { .. }) => None,
        Err(err) => return Err(err.into()),
    };
    let Some(plan) = plan else {
        return Ok(chosen);
    };
    let points: Vec<_> = plan_checkpoints(staff.conn(), org, plan)
        .await?
        .into_iter()
        .filter(|(_, point)| point.survey.is_some())
        .collect();
    if let Ok(id) = checkpoint.trim().parse::<i64>().map(CheckpointId) {
        chosen.checkpoint = points.iter().find(|(point, _)| *point == id).cloned();
    }
    chosen.cohort = Some((cohort_id, points));
    Ok(chosen)
}

async fn new_page(
    staff: &Staff,
    fields: CampaignFields,
    errors: FormErrors,
) -> Result<NewCampaignPage, WebError> {
    let org = staff.organisation();
    let chrome = staff.chrome("campaigns").await?;
    let chosen = choose(staff, &fields.cohort, &fields.checkpoint).await?;
    let mut cohorts = Vec::new();
    for cohort in names_of_cohorts(staff.conn(), org).await? {
        if cohort.archived {
            continue;
        }
        let details = cohort_details(staff.conn(), org, cohort.id).await?;
        if details.tracking_plan.is_some() {
            let selected = chosen.cohort.as_ref().is_some_and(|(id, _)| *id == cohort.id);
            cohorts.push((cohort.id.to_string(), cohort.name, selected));
        }
    }
    let checkpoints = chosen
        .cohort
        .as_ref()
        .map(|(_, points)| {
            points
                .iter()
                .map(|(id, point)| {
                    let selected = chosen.checkpoint.as_ref().is_some_and(|(chosen, _)| chosen == id);
                    (id.to_string(), point.name.clone(), selected)
                })
                .collect()
        })
        .unwrap_or_default();
    // The languages the cohort is written to in: for the wording form and the texts.
    let languages = match &chosen.cohort {
        Some((cohort, _)) => cohort_message_languages(staff, *cohort).await?,
        None => Vec::new(),
    };
    let wording_needed = wording_needed(&chrome, &languages);
    let sms = match &chosen.checkpoint {
        Some((_, point)) if point.channels.contains(&ContactChannel::Sms) => {
            sms_preview(staff, &chrome, &languages).await?
        }
        _ => Vec::new(),
    };
    let (preview, channels) = match (&chosen.cohort, &chosen.checkpoint) {
        (Some((cohort, _)), Some((checkpoint, point))) => {
            let audience =
                campaigns::audience(staff.conn(), org, &unsaved(org, *cohort, *checkpoint)).await?;
            let steps =
                parse_schedule_field(&fields.schedule).map_or(DEFAULT_SCHEDULE_DAYS.len(), |d| d.len());
            let named = allows(staff.user.role, Action::ManageCampaigns);
            (
                Some(preview_view(&chrome, &audience, steps, named)),
                channels_text(&chrome, &point.channels),
            )
        }
        _ => (None, String::new()),
    };
    let days = fields.day_choices();
    Ok(NewCampaignPage {
        cohort_chosen: chosen.cohort.is_some(),
        ready: preview.is_some(),
        chrome,
        cohorts,
        checkpoints,
        fields,
        days,
        preview,
        channels,
        wording_needed,
        sms,
        errors,
    })
}

async fn new_campaign(staff: Staff, Query(query): Query<NewQuery>) -> Result<NewCampaignPage, WebError> {
    let fields = CampaignFields::defaults(
        query.cohort.unwrap_or_default(),
        query.checkpoint.unwrap_or_default(),
    );
    new_page(&staff, fields, FormErrors::new()).await
}

async fn create(staff: Staff, CsrfForm(fields): CsrfForm<CampaignFields>) -> Result<Response, WebError> {
    let org = staff.organisation();
    let chosen = choose(&staff, &fields.cohort, &fields.checkpoint).await?;
    let mut errors = FormErrors::new();
    if chosen.cohort.is_none() {
        errors.push("cohort", "validation-campaign-cohort");
    } else if chosen.checkpoint.is_none() {
        errors.push("checkpoint", "validation-campaign-checkpoint");
    }
    let languages = match &chosen.cohort {
        Some((cohort, _)) => cohort_message_languages(&staff, *cohort).await?,
        None => Vec::new(),
    };
    let settings = parse_all(&fields, &languages, &mut errors);
    let (Some((cohort, _)), Some((checkpoint, _)), Some(settings)) =
        (chosen.cohort, chosen.checkpoint, settings)
    else {
        let mut order = vec!["cohort", "checkpoint"];
        order.extend(SETTINGS_FIELDS);
        errors.order_by(&order);
        let page = new_page(&staff, fields, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let onward_storage::repo::campaigns::CampaignSettings {
        schedule_days,
        quiet,
        wording,
    } = settings;
    let write = staff.write().await?;
    let id = campaigns::create_campaign(
        &write,
        org,
        &NewCampaign {
            cohort,
            checkpoint,
            schedule_days: schedule_days.clone(),
            quiet,
            created_by: Some(staff.user.id),
            wording: wording.clone(),
        },
    )
    .await?;
    write
        .audit_detail(
            "campaign.created",
            "campaign",
            id.0,
            format!(
                "cohort {cohort}, checkpoint {checkpoint}, {}",
                settings_audit_text(&schedule_days, &wording)
            ),
        )
        .await?;
    write.commit().await?;
    Ok(Redirect::to(&format!("/campaigns/{id}")).into_response())
}

// ------------------------------------------------------------------ one campaign

#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    refused: Option<String>,
}

struct StepRow {
    number: String,
    day: String,
    queued: String,
    sent: String,
    failed: String,
    cancelled: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "campaigns/show.html")]
struct CampaignPage {
    chrome: Chrome,
    id: CampaignId,
    cohort: String,
    checkpoint: String,
    status: CampaignStatus,
    channels: String,
    schedule: String,
    quiet: String,
    survey: String,
    /// "Onward's standard wording", or the languages of the campaign's own.
    wording: String,
    /// The text messages and their segments, when the campaign sends by SMS.
    sms: Vec<SmsLine>,
    started: String,
    finished: String,
    counts: Vec<(&'static str, String)>,
    knowledge_rate: String,
    cohort_size: String,
    steps: Vec<StepRow>,
    completions: Vec<(String, String)>,
    /// The completions as an inline SVG bar chart (numbers and dates only),
    /// when every figure may be shown exactly to the signed-in user.
    completions_chart: Option<String>,
    preview: Option<PreviewView>,
    can_manage: bool,
    /// A Fluent key for what was just done.
    done: Option<&'static str>,
    /// A Fluent key for what was refused.
    refused: Option<&'static str>,
}

impl CampaignPage {
    fn status_key(&self) -> &'static str {
        status_key(self.status)
    }

    fn can_start(&self) -> bool {
        matches!(self.status, CampaignStatus::Draft | CampaignStatus::Paused)
            && self.preview.as_ref().is_some_and(|preview| !preview.empty)
    }

    fn can_pause(&self) -> bool {
        self.status == CampaignStatus::Running
    }

    fn can_finish(&self) -> bool {
        self.status != CampaignStatus::Finished
    }

    fn is_paused(&self) -> bool {
        self.status == CampaignStatus::Paused
    }

    fn can_change_settings(&self) -> bool {
        matches!(self.status, CampaignStatus::Draft | CampaignStatus::Paused)
    }
}

async fn show(
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<ShowQuery>,
) -> Result<CampaignPage, WebError> {
    let org = staff.organisation();
    let found = campaigns::campaign(staff.conn(), org, CampaignId(id)).await?;
    let chrome = staff.chrome("campaigns").await?;
    let cohorts = cohort_names(&staff).await?;
    let (cohort, checkpoint) = names(&staff, &cohorts, &found).await?;
    let progress = campaigns::progress(staff.conn(), org, found.id).await?;
    let steps = campaigns::step_counts(staff.conn(), org, found.id)
        .await?
        .into_iter()
        .map(|step| StepRow {
            number: (step.step + 1).to_string(),
            day: found
                .schedule_days
                .get(step.step)
                .map(u32::to_string)
                .unwrap_or_default(),
            queued: chrome.count(step.queued),
            sent: chrome.count(step.sent),
            failed: chrome.count(step.failed),
            cancelled: chrome.count(step.cancelled + step.skipped),
        })
        .collect();
    let by_day = campaigns::completions_by_day(staff.conn(), org, found.id).await?;
    // Bar heights would give away counts an aggregate-only role sees as
    // "fewer than 6": such roles get the table alone.
    let completions_chart = (!by_day.is_empty() && staff.user.role.sees_named_records())
        .then(|| completions_svg(&by_day, &chrome.tr.t("campaign-completions-chart")));
    let completions = by_day
        .into_iter()
        .map(|(day, n)| (chrome.tr.long_date(day), chrome.count(n)))
        .collect();
    let can_manage = allows(staff.user.role, Action::ManageCampaigns);
    let preview = if matches!(found.status, CampaignStatus::Draft | CampaignStatus::Paused) {
        let audience = campaigns::audience(staff.conn(), org, &found).await?;
        Some(preview_view(
            &chrome,
            &audience,
            found.schedule_days.len(),
            can_manage,
        ))
    } else {
        None
    };
    staff
        .audit_view("campaign.viewed", "campaign", found.id.0)
        .await?;
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|at| at.format("%d/%m/%Y %H:%M").to_string())
            .unwrap_or_else(|| "–".to_owned())
    };
    let sms = if found.channels.contains(&ContactChannel::Sms) {
        sms_preview(
            &staff,
            &chrome,
            &cohort_message_languages(&staff, found.cohort).await?,
        )
        .await?
    } else {
        Vec::new()
    };
    Ok(CampaignPage {
        id: found.id,
        cohort,
        checkpoint,
        status: found.status,
        channels: channels_text(&chrome, &found.channels),
        schedule: schedule_text(&found.schedule_days),
        quiet: quiet_text(&chrome, &found.quiet),
        survey: found.survey_name.clone().unwrap_or_else(|| "–".to_owned()),
        wording: wording_text(&chrome, &found.wording),
        sms,
        started: when(found.started_at),
        finished: when(found.finished_at),
        counts: progress_rows(&chrome, &progress),
        knowledge_rate: format!("{}%", progress.knowledge_rate),
        cohort_size: chrome.count(progress.cohort_size),
        steps,
        completions,
        completions_chart,
        preview,
        can_manage,
        done: match query.done.as_deref() {
            Some("started") => Some("campaign-done-started"),
            Some("paused") => Some("campaign-done-paused"),
            Some("finished") => Some("campaign-done-finished"),
            Some("run") => Some("campaign-done-run"),
            Some("changed") => Some("campaign-done-changed"),
            _ => None,
        },
        refused: match query.refused.as_deref() {
            Some("empty") => Some("campaign-refused-empty"),
            Some("status") => Some("campaign-refused-status"),
            _ => None,
        },
        chrome,
    })
}

/// Completions per day as a bar chart in SVG, one bar a day with its date
/// and count in its `<title>`, the tallest bar's count on the axis. Written
/// by hand rather than with `plotters`: about forty lines, no dependency,
/// and markup that the page's table-beside-chart pattern and CSP (no inline
/// styles) control. `label` names the chart for screen readers.
pub fn completions_svg(days: &[(chrono::NaiveDate, u64)], label: &str) -> String {
    const WIDTH: u64 = 600;
    const HEIGHT: u64 = 200;
    const LEFT: u64 = 40;
    const BOTTOM: u64 = 30;
    let most = days.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let count = u64::try_from(days.len()).unwrap_or(1).max(1);
    let slot = (WIDTH - LEFT) / count;
    let bar = (slot * 3 / 4).max(1);
    let plot = HEIGHT - BOTTOM - 10;
    let mut svg = format!(
        concat!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"completions-chart\" role=\"img\" ",
            "aria-labelledby=\"completions-chart-title\" viewBox=\"0 0 {w} {h}\" width=\"100%\" height=\"{h}\">",
            "<title id=\"completions-chart-title\">{label}</title>",
            "<line x1=\"{left}\" y1=\"{base}\" x2=\"{w}\" y2=\"{base}\" stroke=\"#0b0c0c\"/>",
            "<text x=\"{tx}\" y=\"14\" text-anchor=\"end\" font-size=\"12\" fill=\"#0b0c0c\">{most}</text>",
        ),
        w = WIDTH,
        h = HEIGHT,
        label = onward_notify::templates::escape_html(label),
        left = LEFT,
        base = HEIGHT - BOTTOM,
        tx = LEFT - 4,
        most = most,
    );
    for (index, (day, n)) in (0_u64..).zip(days) {
        let height = n * plot / most;
        let x = LEFT + index * slot + (slot - bar) / 2;
        let y = HEIGHT - BOTTOM - height;
        let date = day.format("%d/%m/%Y");
        svg.push_str(&format!(
            concat!(
                "<rect class=\"bar\" x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{height}\" fill=\"#1d70b8\">",
                "<title>{date}: {n}</title></rect>",
                "<text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#0b0c0c\">{short}</text>",
            ),
            x = x,
            y = y,
            bar = bar,
            height = height,
            date = date,
            n = n,
            cx = x + bar / 2,
            ly = HEIGHT - BOTTOM + 16,
            short = day.format("%d/%m"),
        ));
    }
    svg.push_str("</svg>");
    svg
}

fn back(id: CampaignId, query: &str) -> Response {
    Redirect::to(&format!("/campaigns/{id}?{query}")).into_response()
}

/// The form the campaign page's buttons send: only the CSRF token.
#[derive(Deserialize, Default)]
struct ButtonForm {}

async fn start(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<ButtonForm>,
) -> Result<Response, WebError> {
    let org = staff.organisation();
    let write = staff.write().await?;
    let found = campaigns::campaign(&write, org, CampaignId(id)).await?;
    if !found.status.can_become(CampaignStatus::Running) {
        return Ok(back(found.id, "refused=status"));
    }
    let audience = campaigns::audience(&write, org, &found).await?;
    if audience.members.is_empty() {
        return Ok(back(found.id, "refused=empty"));
    }
    campaigns::set_status(&write, org, found.id, CampaignStatus::Running).await?;
    write
        .audit_detail(
            "campaign.started",
            "campaign",
            found.id.0,
            format!(
                "{} learners reached, {} excluded",
                audience.members.len(),
                audience.excluded.len()
            ),
        )
        .await?;
    // The invitation goes out at once rather than at the planner's next pass.
    plan_now(&write, org, found.id).await?;
    write.commit().await?;
    Ok(back(found.id, "done=started"))
}

/// Queues the planner for this one campaign now, in the caller's unit of work.
async fn plan_now(write: &Write, org: OrganisationId, campaign: CampaignId) -> Result<(), WebError> {
    onward_jobs::enqueue(
        write,
        &onward_outreach::PlanOneCampaign {
            organisation: org,
            campaign,
        },
    )
    .await
    .map(|_queued| ())
    .map_err(|err| WebError::Internal(anyhow::anyhow!("{err}")))
}

/// Moves a campaign to `next` if its status allows (else back to its page
/// with the refusal), with the audit event `action`.
async fn move_to(
    staff: Staff,
    id: i64,
    next: CampaignStatus,
    action: &'static str,
    done: &str,
) -> Result<Response, WebError> {
    let org = staff.organisation();
    let write = staff.write().await?;
    let found = campaigns::campaign(&write, org, CampaignId(id)).await?;
    if !found.status.can_become(next) {
        return Ok(back(found.id, "refused=status"));
    }
    campaigns::set_status(&write, org, found.id, next).await?;
    write.audit(action, "campaign", found.id.0).await?;
    write.commit().await?;
    Ok(back(found.id, done))
}

async fn pause(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<ButtonForm>,
) -> Result<Response, WebError> {
    move_to(
        staff,
        id,
        CampaignStatus::Paused,
        "campaign.paused",
        "done=paused",
    )
    .await
}

async fn finish(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<ButtonForm>,
) -> Result<Response, WebError> {
    move_to(
        staff,
        id,
        CampaignStatus::Finished,
        "campaign.finished",
        "done=finished",
    )
    .await
}

async fn run_now(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<ButtonForm>,
) -> Result<Response, WebError> {
    let org = staff.organisation();
    let write = staff.write().await?;
    let found = campaigns::campaign(&write, org, CampaignId(id)).await?;
    if found.status != CampaignStatus::Running {
        return Ok(back(found.id, "refused=status"));
    }
    plan_now(&write, org, found.id).await?;
    write
        .audit("campaign.run_requested", "campaign", found.id.0)
        .await?;
    write.commit().await?;
    Ok(back(found.id, "done=run"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_has_a_bar_a_day_as_tall_as_its_count_and_a_name() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
        let svg = completions_svg(&[(day(1), 4), (day(3), 2)], "Chart <of> completions");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\" aria-labelledby=\"completions-chart-title\""));
        assert!(svg.contains("<title id=\"completions-chart-title\">Chart &lt;of&gt; completions</title>"));
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 2);
        assert!(
            svg.contains("height=\"160\" fill=\"#1d70b8\"><title>01/12/2026: 4</title>"),
            "{svg}"
        );
        assert!(
            svg.contains("height=\"80\" fill=\"#1d70b8\"><title>03/12/2026: 2</title>"),
            "{svg}"
        );
        assert!(!svg.contains("style="), "no inline styles (CSP)");
    }
}
