//! The settings form a campaign is made and changed with: its schedule,
//! quiet hours and own wording, read and checked as typed, each error naming
//! its field. The New campaign page and the Change settings page share it
//! (template `campaigns/settings_fields.html`).

use std::collections::BTreeMap;

use chrono::Weekday;
use onward_domain::campaign::{
    CampaignWording, DEFAULT_SCHEDULE_DAYS, MAX_BODY_CHARS, MAX_SUBJECT_CHARS, QuietHours, Wording,
    WordingError, missing_languages, weekday_code,
};
use onward_storage::CohortId;
use onward_storage::repo::campaigns::{self, Campaign};
use serde::Deserialize;

use super::{WEEK, schedule_text};
use crate::WebError;
use crate::i18n::Message;
use crate::ui::chrome::Chrome;
use crate::ui::form_errors::FormErrors;
use crate::ui::staff::Staff;

/// The most steps a schedule may have.
pub const MAX_STEPS: usize = 10;
/// The latest day a step may be sent on.
pub const MAX_DAY: u32 = 365;

/// The settings' fields in the order the page shows them (and its error summary lists them).
pub(super) const SETTINGS_FIELDS: [&str; 7] = [
    "schedule",
    "quiet_from",
    "quiet_until",
    "wording_en_subject",
    "wording_en_body",
    "wording_cy_subject",
    "wording_cy_body",
];

#[derive(Deserialize, Default, Clone)]
pub(super) struct CampaignFields {
    #[serde(default)]
    pub(super) cohort: String,
    #[serde(default)]
    pub(super) checkpoint: String,
    #[serde(default)]
    pub(super) schedule: String,
    #[serde(default)]
    pub(super) quiet_from: String,
    #[serde(default)]
    pub(super) quiet_until: String,
    #[serde(default)]
    pub(super) quiet_mon: Option<String>,
    #[serde(default)]
    pub(super) quiet_tue: Option<String>,
    #[serde(default)]
    pub(super) quiet_wed: Option<String>,
    #[serde(default)]
    pub(super) quiet_thu: Option<String>,
    #[serde(default)]
    pub(super) quiet_fri: Option<String>,
    #[serde(default)]
    pub(super) quiet_sat: Option<String>,
    #[serde(default)]
    pub(super) quiet_sun: Option<String>,
    #[serde(default)]
    pub(super) wording_en_subject: String,
    #[serde(default)]
    pub(super) wording_en_body: String,
    #[serde(default)]
    pub(super) wording_cy_subject: String,
    #[serde(default)]
    pub(super) wording_cy_body: String,
}

impl CampaignFields {
    pub(super) fn defaults(cohort: String, checkpoint: String) -> Self {
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

    pub(super) fn day(&self, day: Weekday) -> bool {
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
pub(super) fn parse_settings(fields: &CampaignFields) -> Result<(Vec<u32>, QuietHours), FormErrors> {
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
pub(super) const WORDING_FIELDS: [(&str, &str, &str); 2] = [
    ("en-GB", "wording_en_subject", "wording_en_body"),
    ("cy", "wording_cy_subject", "wording_cy_body"),
];

impl CampaignFields {
    pub(super) fn wording_fields(&self, code: &str) -> (&str, &str) {
        if code == "cy" {
            (&self.wording_cy_subject, &self.wording_cy_body)
        } else {
            (&self.wording_en_subject, &self.wording_en_body)
        }
    }
}

/// The campaign's own wording as typed, or its errors: each language's
/// subject and message both given or both empty, within their limits.
pub(super) fn parse_wording(fields: &CampaignFields) -> Result<CampaignWording, FormErrors> {
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
pub(super) async fn cohort_message_languages(
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
pub(super) fn english_first(code: &str) -> (bool, &str) {
    (code != "en-GB", code)
}

/// A language's name, from its code, in the page's language.
pub(super) fn language_name(chrome: &Chrome, code: &str) -> String {
    chrome.tr.t(&format!("campaign-wording-language-{code}"))
}

/// Refuses wording that leaves out a language the cohort's learners need.
pub(super) fn check_translations(
    wording: &CampaignWording,
    languages: &[(&'static str, u64)],
    errors: &mut FormErrors,
) {
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

impl CampaignFields {
    /// A saved campaign's settings as the form shows them.
    pub(super) fn from_campaign(campaign: &Campaign) -> Self {
        let mut fields = Self {
            cohort: campaign.cohort.to_string(),
            checkpoint: campaign.checkpoint.to_string(),
            schedule: schedule_text(&campaign.schedule_days),
            quiet_from: campaign
                .quiet
                .from_hour
                .map(|h| h.to_string())
                .unwrap_or_default(),
            quiet_until: campaign
                .quiet
                .until_hour
                .map(|h| h.to_string())
                .unwrap_or_default(),
            ..Self::default()
        };
        for day in &campaign.quiet.days {
            *fields.day_mut(*day) = Some("yes".to_owned());
        }
        for (code, words) in &campaign.wording {
            let (subject, body) = if code == "cy" {
                (&mut fields.wording_cy_subject, &mut fields.wording_cy_body)
            } else {
                (&mut fields.wording_en_subject, &mut fields.wording_en_body)
            };
            subject.clone_from(&words.subject);
            body.clone_from(&words.body);
        }
        fields
    }

    /// The quiet days as the form's checkboxes: code, label key, checked.
    pub(super) fn day_choices(&self) -> Vec<(&'static str, String, bool)> {
        WEEK.iter()
            .map(|day| {
                (
                    weekday_code(*day),
                    format!("campaign-day-{}", weekday_code(*day)),
                    self.day(*day),
                )
            })
            .collect()
    }

    /// The wording section starts open when something is typed in it or wrong.
    pub(super) fn wording_open(&self, errors: &FormErrors) -> bool {
        WORDING_FIELDS.iter().any(|(code, subject, body)| {
            let (typed_subject, typed_body) = self.wording_fields(code);
            !typed_subject.trim().is_empty()
                || !typed_body.trim().is_empty()
                || errors.for_field(subject).is_some()
                || errors.for_field(body).is_some()
        })
    }
}

/// Schedule, quiet hours and wording as typed, checked against the languages
/// the cohort's learners are written to in; or every error, in page order.
pub(super) fn parse_all(
    fields: &CampaignFields,
    languages: &[(&'static str, u64)],
    errors: &mut FormErrors,
) -> Option<campaigns::CampaignSettings> {
    let settings = parse_settings(fields).map_err(|more| errors.extend(more)).ok();
    let wording = parse_wording(fields).map_err(|more| errors.extend(more)).ok();
    if let Some(wording) = &wording {
        check_translations(wording, languages, errors);
    }
    let (Some((schedule_days, quiet)), Some(wording), true) = (settings, wording, errors.is_empty()) else {
        return None;
    };
    Some(campaigns::CampaignSettings {
        schedule_days,
        quiet,
        wording,
    })
}

/// "Learners of this cohort are written to in English (40) and Welsh (12)":
/// the wording section's note of which languages it needs.
pub(super) fn wording_needed(chrome: &Chrome, languages: &[(&'static str, u64)]) -> Option<String> {
    if languages.is_empty() {
        return None;
    }
    let list = languages
        .iter()
        .map(|(code, n)| {
            chrome.tr.t_with(
                "campaign-wording-language-count",
                &[
                    ("language", &language_name(chrome, code)),
                    ("count", &chrome.count(*n)),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(
        chrome
            .tr
            .t_with("campaign-wording-needed", &[("languages", &list)]),
    )
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

    #[test]
    fn a_saved_campaigns_settings_read_back_as_they_were_saved() {
        let mut wording = CampaignWording::new();
        wording.insert(
            "cy".to_owned(),
            Wording::parse("Pwnc", "Neges").expect("valid").expect("some"),
        );
        let settings = campaigns::CampaignSettings {
            schedule_days: vec![0, 5, 30],
            quiet: QuietHours::default_for_learners(),
            wording,
        };
        let stamp = chrono::Utc::now();
        let saved = Campaign {
            id: onward_storage::CampaignId(1),
            organisation: onward_storage::OrganisationId(1),
            cohort: CohortId(2),
            checkpoint: onward_storage::CheckpointId(3),
            survey_name: None,
            channels: Vec::new(),
            schedule_days: settings.schedule_days.clone(),
            quiet: settings.quiet.clone(),
            status: onward_domain::campaign::CampaignStatus::Paused,
            created_by: None,
            created_at: stamp,
            updated_at: stamp,
            started_at: None,
            finished_at: None,
            wording: settings.wording.clone(),
        };
        let fields = CampaignFields::from_campaign(&saved);
        let mut errors = FormErrors::new();
        let read = parse_all(&fields, &[("cy", 3)], &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(read, Some(settings));
        assert!(fields.wording_open(&errors));
    }
}
