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
    CampaignStatus, CampaignWording, DEFAULT_SCHEDULE_DAYS, MAX_BODY_CHARS, MAX_SUBJECT_CHARS, QuietHours,
    Wording, WordingError, is_automatic, missing_languages, weekday_code,
};
use onward_domain::contact::ContactChannel;
use onward_domain::permissions::{Action, allows};
use onward_storage::repo::campaigns::{self, Audience, Campaign, Exclusion, NewCampaign};
use onward_storage::repo::cohorts::{cohort_details, list_cohorts};
use onward_storage::repo::plans::plan_checkpoints;
use onward_storage::{CampaignId, CheckpointId, CohortId, OrganisationId, Write};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::form_errors::FormErrors;
use super::staff::{CsrfForm, Staff};
use crate::i18n::Message;
use crate::{AppState, WebError};

localised! {
    CampaignsPage => chrome.tr;
    NewCampaignPage => chrome.tr;
    CampaignPage => chrome.tr;
}

/// The most steps a schedule may have.
pub const MAX_STEPS: usize = 10;
/// The latest day a step may be sent on.
pub const MAX_DAY: u32 = 365;
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
    Ok(list_cohorts(staff.conn(), staff.organisation())
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

#[derive(Deserialize, Default, Clone)]
struct CampaignFields {
    #[serde(default)]
    cohort: String,
    #[serde(default)]
    checkpoint: String,
    #[serde(default)]
    schedule: String,
    #[serde(default)]
    quiet_from: String,
    #[serde(default)]
    quiet_until: String,
    #[serde(default)]
    quiet_mon: Option<String>,
    #[serde(default)]
    quiet_tue: Option<String>,
    #[serde(default)]
    quiet_wed: Option<String>,
    #[serde(default)]
    quiet_thu: Option<String>,
    #[serde(default)]
    quiet_fri: Option<String>,
    #[serde(default)]
    quiet_sat: Option<String>,
    #[serde(default)]
    quiet_sun: Option<String>,
    #[serde(default)]
    wording_en_subject: String,
    #[serde(default)]
    wording_en_body: String,
    #[serde(default)]
    wording_cy_subject: String,
    #[serde(default)]
    wording_cy_body: String,
}

impl CampaignFields {
    fn defaults(cohort: String, checkpoint: String) -> Self {
        let quiet = QuietHours::default_for_learners();
        let mut fields = Self {
            cohort,
            checkpoint,
            schedule: schedule_text(DEFAULT_SCHEDULE_DAYS),
            quiet_from: quiet.from_hour.map(|h| h.to_string()).unwrap_or_default(),
            quiet_until: quiet.until_hour.map(|h| h.to_string()).unwrap_or_default(),
            ..Self::default()
        };
        for day in quiet.days {
            *fields.day_mut(day) = Some("yes".to_owned());
        }
        fields
    }

    fn day_mut(&mut self, day: Weekday) -> &mut Option<String> {
        match day {
            Weekday::Mon => &mut self.quiet_mon,
            Weekday::Tue => &mut self.quiet_tue,
            Weekday::Wed => &mut self.quiet_wed,
            Weekday::Thu => &mut self.quiet_thu,
            Weekday::Fri => &mut self.quiet_fri,
            Weekday::Sat => &mut self.quiet_sat,
            Weekday::Sun => &mut self.quiet_sun,
        }
    }

    fn day(&self, day: Weekday) -> bool {
        let value = match day {
            Weekday::Mon => &self.quiet_mon,
            Weekday::Tue => &self.quiet_tue,
            Weekday::Wed => &self.quiet_wed,
            Weekday::Thu => &self.quiet_thu,
            Weekday::Fri => &self.quiet_fri,
            Weekday::Sat => &self.quiet_sat,
            Weekday::Sun => &self.quiet_sun,
        };
        value.as_deref().is_some_and(|value| !value.is_empty())
    }
}

/// Reads a schedule as typed, e.g. `0, 7, 14, 28, 42`: whole days from 0 to
/// [`MAX_DAY`], the first 0 (the invitation), each later than the one before,
/// at most [`MAX_STEPS`].
pub fn parse_schedule_field(text: &str) -> Result<Vec<u32>, Message> {
    let mut days: Vec<u32> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
        let Ok(day) = part.parse::<u32>() else {
            return Err(Message::new("validation-campaign-schedule-number").with("value", part));
        };
        if day > MAX_DAY {
            return Err(Message::new("validation-campaign-schedule-range").with("max", MAX_DAY.to_string()));
        }
        if days.last().is_some_and(|last| *last >= day) {
            return Err(Message::new("validation-campaign-schedule-ascending"));
        }
        days.push(day);
    }
    match days.first() {
        None => Err(Message::new("validation-campaign-schedule-empty")),
        Some(first) if *first != 0 => Err(Message::new("validation-campaign-schedule-first")),
        _ if days.len() > MAX_STEPS => {
            Err(Message::new("validation-campaign-schedule-steps").with("max", MAX_STEPS.to_string()))
        }
        _ => Ok(days),
    }
}

fn parse_hour(text: &str) -> Result<Option<u8>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u8>() {
        Ok(hour) if hour <= 23 => Ok(Some(hour)),
        _ => Err(()),
    }
}

/// The schedule and quiet hours of a submitted form, or its errors.
fn parse_settings(fields: &CampaignFields) -> Result<(Vec<u32>, QuietHours), FormErrors> {
    let mut errors = FormErrors::new();
    let schedule = match parse_schedule_field(&fields.schedule) {
        Ok(days) => Some(days),
        Err(message) => {
            errors.push("schedule", message);
            None
        }
    };
    let from = parse_hour(&fields.quiet_from);
    let until = parse_hour(&fields.quiet_until);
    if from.is_err() {
        errors.push("quiet_from", "validation-campaign-quiet-hour");
    }
    if until.is_err() {
        errors.push("quiet_until", "validation-campaign-quiet-hour");
    }
    let quiet = match (from, until) {
        (Ok(from), Ok(until)) if from.is_some() != until.is_some() => {
            errors.push("quiet_from", "validation-campaign-quiet-both");
            None
        }
        (Ok(from_hour), Ok(until_hour)) => Some(QuietHours {
            from_hour,
            until_hour,
            days: WEEK.iter().copied().filter(|day| fields.day(*day)).collect(),
        }),
        _ => None,
    };
    match (schedule, quiet) {
        (Some(schedule), Some(quiet)) if errors.is_empty() => Ok((schedule, quiet)),
        _ => Err(errors),
    }
}

/// The wording fields of each language: code, subject field, message field.
const WORDING_FIELDS: [(&str, &str, &str); 2] = [
    ("en-GB", "wording_en_subject", "wording_en_body"),
    ("cy", "wording_cy_subject", "wording_cy_body"),
];

impl CampaignFields {
    fn wording_fields(&self, code: &str) -> (&str, &str) {
        if code == "cy" {
            (&self.wording_cy_subject, &self.wording_cy_body)
        } else {
            (&self.wording_en_subject, &self.wording_en_body)
        }
    }
}

/// The campaign's own wording as typed, or its errors: each language's
/// subject and message both given or both empty, within their limits.
fn parse_wording(fields: &CampaignFields) -> Result<CampaignWording, FormErrors> {
    let mut errors = FormErrors::new();
    let mut wording = CampaignWording::new();
    for (code, subject_field, body_field) in WORDING_FIELDS {
        let (subject, body) = fields.wording_fields(code);
        match Wording::parse(subject, body) {
            Ok(Some(words)) => {
                wording.insert(code.to_owned(), words);
            }
            Ok(None) => {}
            Err(error) => {
                let (field, key) = match error {
                    WordingError::SubjectMissing => (subject_field, "validation-campaign-wording-subject"),
                    WordingError::BodyMissing => (body_field, "validation-campaign-wording-body"),
                    WordingError::SubjectTooLong => {
                        (subject_field, "validation-campaign-wording-subject-long")
                    }
                    WordingError::BodyTooLong => (body_field, "validation-campaign-wording-body-long"),
                    WordingError::ControlCharacters => {
                        (subject_field, "validation-campaign-wording-characters")
                    }
                };
                errors.push(
                    field,
                    Message::new(key)
                        .with("subject_max", MAX_SUBJECT_CHARS.to_string())
                        .with("body_max", MAX_BODY_CHARS.to_string()),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(wording)
    } else {
        Err(errors)
    }
}

/// The languages the cohort's learners are written to in (codes), with how
/// many learners get each: a learner's preferred language where Onward sends
/// in it, else the organisation's.
async fn cohort_message_languages(
    staff: &Staff,
    cohort: CohortId,
) -> Result<Vec<(&'static str, u64)>, WebError> {
    let org = staff.organisation();
    let organisation = onward_storage::repo::organisations::organisation(staff.conn(), org).await?;
    let mut counts: BTreeMap<&'static str, u64> = BTreeMap::new();
    for (preferred, learners) in campaigns::cohort_languages(staff.conn(), org, cohort).await? {
        let language =
            onward_notify::Language::for_learner(preferred.as_deref(), &organisation.default_locale);
        *counts.entry(language.code()).or_default() += learners;
    }
    // English first, as the form lists the languages.
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by_key(|(code, _)| english_first(code));
    Ok(counts)
}

/// The order languages are listed in: English, then the rest by code.
fn english_first(code: &str) -> (bool, &str) {
    (code != "en-GB", code)
}

/// A language's name, from its code, in the page's language.
fn language_name(chrome: &Chrome, code: &str) -> String {
    chrome.tr.t(&format!("campaign-wording-language-{code}"))
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

/// Refuses wording that leaves out a language the cohort's learners need.
fn check_translations(wording: &CampaignWording, languages: &[(&'static str, u64)], errors: &mut FormErrors) {
    let needed: Vec<&str> = languages.iter().map(|(code, _)| *code).collect();
    for code in missing_languages(wording, &needed) {
        let learners = languages
            .iter()
            .find(|(needed, _)| *needed == code)
            .map_or(0, |(_, n)| *n);
        let (field, key) = if code == "cy" {
            ("wording_cy_subject", "validation-campaign-wording-missing-cy")
        } else {
            ("wording_en_subject", "validation-campaign-wording-missing-en")
        };
        errors.push(field, Message::new(key).with("count", learners.to_string()));
    }
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
    /// The wording section starts open when something is typed in it or wrong.
    fn wording_open(&self) -> bool {
        WORDING_FIELDS.iter().any(|(code, subject, body)| {
            let (typed_subject, typed_body) = self.fields.wording_fields(code);
            !typed_subject.trim().is_empty()
                || !typed_body.trim().is_empty()
                || self.errors.for_field(subject).is_some()
                || self.errors.for_field(body).is_some()
        })
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
    for cohort in list_cohorts(staff.conn(), org).await? {
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
    let wording_needed = (!languages.is_empty()).then(|| {
        let list = languages
            .iter()
            .map(|(code, n)| {
                chrome.tr.t_with(
                    "campaign-wording-language-count",
                    &[
                        ("language", &language_name(&chrome, code)),
                        ("count", &chrome.count(*n)),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        chrome
            .tr
            .t_with("campaign-wording-needed", &[("languages", &list)])
    });
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
    let days = WEEK
        .iter()
        .map(|day| {
            (
                weekday_code(*day),
                format!("campaign-day-{}", weekday_code(*day)),
                fields.day(*day),
            )
        })
        .collect();
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
    let settings = match parse_settings(&fields) {
        Ok(settings) => Some(settings),
        Err(more) => {
            errors.extend(more);
            None
        }
    };
    let wording = match parse_wording(&fields) {
        Ok(wording) => {
            if let Some((cohort, _)) = &chosen.cohort {
                let languages = cohort_message_languages(&staff, *cohort).await?;
                check_translations(&wording, &languages, &mut errors);
            }
            Some(wording)
        }
        Err(more) => {
            errors.extend(more);
            None
        }
    };
    let (Some((cohort, _)), Some((checkpoint, _)), Some((schedule_days, quiet)), Some(wording), true) = (
        chosen.cohort,
        chosen.checkpoint,
        settings,
        wording,
        errors.is_empty(),
    ) else {
        errors.order_by(&[
            "cohort",
            "checkpoint",
            "schedule",
            "quiet_from",
            "quiet_until",
            "wording_en_subject",
            "wording_en_body",
            "wording_cy_subject",
            "wording_cy_body",
        ]);
        let page = new_page(&staff, fields, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
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
                "cohort {cohort}, checkpoint {checkpoint}, days {}, wording {}",
                schedule_text(&schedule_days),
                if wording.is_empty() {
                    "standard".to_owned()
                } else {
                    wording.keys().cloned().collect::<Vec<_>>().join("+")
                }
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

    fn key(result: Result<Vec<u32>, Message>) -> String {
        result.expect_err("invalid").encode()
    }

    #[test]
    fn schedules_must_start_at_0_increase_stay_within_a_year_and_ten_steps() {
        assert_eq!(
            parse_schedule_field("0, 7, 14, 28, 42"),
            Ok(vec![0, 7, 14, 28, 42])
        );
        assert_eq!(parse_schedule_field("0,365"), Ok(vec![0, 365]));
        assert!(key(parse_schedule_field("")).contains("validation-campaign-schedule-empty"));
        assert!(key(parse_schedule_field("0, seven")).contains("validation-campaign-schedule-number"));
        assert!(key(parse_schedule_field("0, -7")).contains("validation-campaign-schedule-number"));
        assert!(key(parse_schedule_field("0, 366")).contains("validation-campaign-schedule-range"));
        assert!(key(parse_schedule_field("0, 14, 7")).contains("validation-campaign-schedule-ascending"));
        assert!(key(parse_schedule_field("0, 7, 7")).contains("validation-campaign-schedule-ascending"));
        assert!(key(parse_schedule_field("3, 7")).contains("validation-campaign-schedule-first"));
        assert!(
            key(parse_schedule_field("0,1,2,3,4,5,6,7,8,9,10"))
                .contains("validation-campaign-schedule-steps")
        );
    }

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

    #[test]
    fn quiet_hours_come_in_pairs_of_hours_of_the_day() {
        let mut fields = CampaignFields::defaults(String::new(), String::new());
        let (_, quiet) = parse_settings(&fields).expect("defaults are valid");
        assert_eq!(quiet, QuietHours::default_for_learners());
        fields.quiet_until = String::new();
        let errors = parse_settings(&fields).expect_err("one hour alone");
        assert_eq!(
            errors.for_field("quiet_from"),
            Some("validation-campaign-quiet-both")
        );
        fields.quiet_until = "24".to_owned();
        let errors = parse_settings(&fields).expect_err("no 24th hour");
        assert_eq!(
            errors.for_field("quiet_until"),
            Some("validation-campaign-quiet-hour")
        );
    }
}
