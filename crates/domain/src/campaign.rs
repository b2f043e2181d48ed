//! Campaigns (issue 15): a checkpoint's outreach to a cohort, sent in steps
//! (an invitation, then reminders) on the channel each learner's task is on,
//! outside quiet hours. Pure rules; storage and `onward-outreach` apply them.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};

use crate::contact::ContactChannel;

code_enum! {
    pub enum CampaignStatus as "campaign status" {
        Draft = "draft", "Draft";
        Running = "running", "Running";
        Paused = "paused", "Paused";
        Finished = "finished", "Finished";
    }
}

impl CampaignStatus {
    /// Whether a campaign in this status may be moved to `next`: started from a
    /// draft or a pause, paused while running, finished from any status but
    /// finished; nothing goes back to draft.
    pub fn can_become(self, next: CampaignStatus) -> bool {
        use CampaignStatus::*;
        match next {
            Running => matches!(self, Draft | Paused),
            Paused => self == Running,
            Finished => self != Finished,
            Draft => false,
        }
    }
}

code_enum! {
    pub enum MessageStatus as "message status" {
        Queued = "queued", "Queued";
        Sending = "sending", "Sending";
        Sent = "sent", "Sent";
        Failed = "failed", "Failed";
        Cancelled = "cancelled", "Cancelled";
        Skipped = "skipped", "Skipped";
    }
}

/// Days after the start each step is sent: the invitation, then reminders at
/// weeks 1, 2, 4 and 6 (after HESA Graduate Outcomes).
pub const DEFAULT_SCHEDULE_DAYS: &[u32] = &[0, 7, 14, 28, 42];

/// Days after the last step before the learners still on an email or SMS stage
/// are moved on to the next channel: that channel has run out.
pub const RUN_OUT_DAYS: u32 = 7;

/// The channels a campaign sends through itself; a task on any other stage
/// (a letter, the phone) is worked by staff (`onward letters`, the call queue).
pub fn is_automatic(channel: ContactChannel) -> bool {
    matches!(channel, ContactChannel::Email | ContactChannel::Sms)
}

/// Reads a schedule such as `0, 7, 14`: whole days, strictly increasing,
/// starting at 0, at most 20 steps and a year long.
pub fn parse_schedule(text: &str) -> Result<Vec<u32>, String> {
    let mut days = Vec::new();
    for part in text.split(',').map(str::trim).filter(|part| !part.is_empty()) {
        let day: u32 = part
            .parse()
            .map_err(|_| format!("\"{part}\" is not a number of days"))?;
        if day > 366 {
            return Err(format!("{day} days is more than a year"));
        }
        if days.last().is_some_and(|last| *last >= day) {
            return Err("the days must increase, e.g. 0, 7, 14".to_owned());
        }
        days.push(day);
    }
    match days.first() {
        None => Err("give at least one day (0 sends the invitation at the start)".to_owned()),
        Some(first) if *first != 0 => Err("the first step is the invitation, on day 0".to_owned()),
        _ if days.len() > 20 => Err("at most 20 steps".to_owned()),
        _ => Ok(days),
    }
}

/// The step due at `now` for a campaign started at `started`: the last one
/// whose day has come (a step missed while nothing ran is not sent late
/// beside the next one).
pub fn due_step(schedule: &[u32], started: DateTime<Utc>, now: DateTime<Utc>) -> Option<usize> {
    schedule
        .iter()
        .rposition(|day| started + Duration::days(i64::from(*day)) <= now)
}

/// Whether every step has been due for [`RUN_OUT_DAYS`].
pub fn has_run_out(schedule: &[u32], started: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    schedule
        .last()
        .is_some_and(|last| started + Duration::days(i64::from(*last + RUN_OUT_DAYS)) <= now)
}

/// What a draft or paused campaign's settings may be changed to: its status
/// (a running campaign is paused first, a finished one stays as it was), and
/// a new schedule that keeps the days of the steps already planned for some
/// learner (each message says which step it was, so those steps keep their
/// meaning); later steps may change, be added or be removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SettingsChange {
    /// The change may be saved.
    Allowed,
    /// Only a draft or paused campaign's settings change.
    NotNow(CampaignStatus),
    /// The schedule must start with these days: steps already planned.
    KeepPlannedDays(Vec<u32>),
}

/// Whether a campaign in `status` with schedule `old`, whose first `planned`
/// steps have messages, may take the schedule `new`.
pub fn settings_change(status: CampaignStatus, old: &[u32], new: &[u32], planned: usize) -> SettingsChange {
    if !matches!(status, CampaignStatus::Draft | CampaignStatus::Paused) {
        return SettingsChange::NotNow(status);
    }
    let kept = &old[..planned.min(old.len())];
    if new.len() < kept.len() || new[..kept.len()] != *kept {
        return SettingsChange::KeepPlannedDays(kept.to_vec());
    }
    SettingsChange::Allowed
}

/// When nothing is sent, in UK local time: hours `from..until` (wrapping past
/// midnight when `from > until`) and whole weekdays.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuietHours {
    pub from_hour: Option<u8>,
    pub until_hour: Option<u8>,
    pub days: Vec<Weekday>,
}

impl QuietHours {
    /// Evenings, nights and Sundays: nothing from 20:00 to 09:00 or on a Sunday.
    pub fn default_for_learners() -> Self {
        Self {
            from_hour: Some(20),
            until_hour: Some(9),
            days: vec![Weekday::Sun],
        }
    }

    pub fn none() -> Self {
        Self::default()
    }

    pub fn is_quiet(&self, at: DateTime<Utc>) -> bool {
        let local = uk_local(at);
        if self.days.contains(&local.weekday()) {
            return true;
        }
        let hour = u8::try_from(local.hour()).unwrap_or(0);
        match (self.from_hour, self.until_hour) {
            (Some(from), Some(until)) if from < until => (from..until).contains(&hour),
            (Some(from), Some(until)) if from > until => hour >= from || hour < until,
            _ => false,
        }
    }

    /// The days as stored, e.g. `sat,sun`.
    pub fn days_code(&self) -> String {
        self.days
            .iter()
            .map(|day| weekday_code(*day))
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn parse_days(text: &str) -> Result<Vec<Weekday>, String> {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<Weekday>()
                    .map_err(|_| format!("\"{part}\" is not a day of the week"))
            })
            .collect()
    }
}

/// A day's code as stored and as the pages' keys name it (`mon` … `sun`).
pub fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// UK local time: GMT, or BST (UTC+1) from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October. Written here because the
/// rule is two lines and a time-zone database would be a large dependency for
/// one zone.
pub fn uk_local(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    let year = at.year();
    let start = last_sunday_at_one(year, 3);
    let end = last_sunday_at_one(year, 10);
    let offset = if start.is_some_and(|s| at >= s) && end.is_some_and(|e| at < e) {
        Duration::hours(1)
    } else {
        Duration::zero()
    };
    (at + offset).naive_utc()
}

fn last_sunday_at_one(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let first_of_next = NaiveDate::from_ymd_opt(year, month + 1, 1)?;
    let last = first_of_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    let sunday = last - Duration::days(i64::from(back));
    Utc.from_local_datetime(&sunday.and_hms_opt(1, 0, 0)?).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaigns_start_from_draft_or_pause_pause_while_running_and_finish_once() {
        use CampaignStatus::*;
        let allowed: Vec<(CampaignStatus, CampaignStatus)> = CampaignStatus::ALL
            .iter()
            .flat_map(|from| CampaignStatus::ALL.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| from.can_become(*to))
            .collect();
        assert_eq!(
            allowed,
            [
                (Draft, Running),
                (Draft, Finished),
                (Running, Paused),
                (Running, Finished),
                (Paused, Running),
                (Paused, Finished),
            ]
        );
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("time")
    }

    #[test]
    fn schedules_parse_and_refuse() {
        assert_eq!(parse_schedule("0, 7,14,28 ,42"), Ok(vec![0, 7, 14, 28, 42]));
        assert!(parse_schedule("").is_err());
        assert!(parse_schedule("1,7").is_err());
        assert!(parse_schedule("0,7,7").is_err());
        assert!(parse_schedule("0,x").is_err());
    }

    #[test]
    fn the_due_step_is_the_last_whose_day_has_come() {
        let start = at(2026, 6, 1, 10);
        assert_eq!(due_step(&[0, 7, 14], start, start - Duration::hours(1)), None);
        assert_eq!(due_step(&[0, 7, 14], start, start), Some(0));
        assert_eq!(due_step(&[0, 7, 14], start, start + Duration::days(8)), Some(1));
        assert_eq!(due_step(&[0, 7, 14], start, start + Duration::days(90)), Some(2));
        assert!(!has_run_out(&[0, 7, 14], start, start + Duration::days(20)));
        assert!(has_run_out(&[0, 7, 14], start, start + Duration::days(21)));
    }

    #[test]
    fn settings_change_while_draft_or_paused_keeping_the_planned_steps_days() {
        use CampaignStatus::*;
        let old = [0, 7, 14, 28];
        assert_eq!(settings_change(Draft, &old, &[0, 3], 0), SettingsChange::Allowed);
        assert_eq!(
            settings_change(Running, &old, &old, 0),
            SettingsChange::NotNow(Running)
        );
        assert_eq!(
            settings_change(Finished, &old, &old, 0),
            SettingsChange::NotNow(Finished)
        );
        // Steps 1 and 2 were planned: days 0 and 7 stay, the rest may change.
        assert_eq!(
            settings_change(Paused, &old, &[0, 7, 21, 35, 60], 2),
            SettingsChange::Allowed
        );
        assert_eq!(settings_change(Paused, &old, &[0, 7], 2), SettingsChange::Allowed);
        assert_eq!(
            settings_change(Paused, &old, &[0, 10, 14], 2),
            SettingsChange::KeepPlannedDays(vec![0, 7])
        );
        assert_eq!(
            settings_change(Paused, &old, &[0], 2),
            SettingsChange::KeepPlannedDays(vec![0, 7])
        );
        // More planned steps than days (cannot happen): every day is kept.
        assert_eq!(settings_change(Paused, &old, &old, 9), SettingsChange::Allowed);
    }

    #[test]
    fn quiet_hours_are_in_uk_time() {
        let quiet = QuietHours::default_for_learners();
        // Monday 1 June 2026 (BST): 08:30 UTC is 09:30 in London.
        assert!(!quiet.is_quiet(at(2026, 6, 1, 8)));
        assert!(quiet.is_quiet(at(2026, 6, 1, 7)));
        assert!(quiet.is_quiet(at(2026, 6, 1, 19)));
        // Monday 7 December 2026 (GMT): 08:00 UTC is 08:00 in London.
        assert!(quiet.is_quiet(at(2026, 12, 7, 8)));
        assert!(!quiet.is_quiet(at(2026, 12, 7, 9)));
        // Sundays are quiet all day.
        assert!(quiet.is_quiet(at(2026, 12, 6, 12)));
        assert!(!QuietHours::none().is_quiet(at(2026, 12, 6, 3)));
        assert_eq!(
            QuietHours::parse_days("sat, sun"),
            Ok(vec![Weekday::Sat, Weekday::Sun])
        );
        assert_eq!(quiet.days_code(), "sun");
    }
}

/// The longest subject a campaign's own wording may have.
pub const MAX_SUBJECT_CHARS: usize = 150;
/// The longest message a campaign's own wording may have.
pub const MAX_BODY_CHARS: usize = 3000;

/// A campaign's own email wording in one language: the subject and the
/// message (paragraphs separated by blank lines). The greeting, the personal
/// link, the sign-off and the unsubscribe footer stay Onward's, and a
/// reminder's subject starts with the reminder's own words.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Wording {
    pub subject: String,
    pub body: String,
}

/// What is wrong with one language's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WordingError {
    /// A message without a subject.
    SubjectMissing,
    /// A subject without a message.
    BodyMissing,
    SubjectTooLong,
    BodyTooLong,
    /// A line break or control character in the subject, or a control
    /// character other than a line break or tab in the message.
    ControlCharacters,
}

impl Wording {
    /// Reads one language's wording as typed: both parts (trimmed, within
    /// [`MAX_SUBJECT_CHARS`] and [`MAX_BODY_CHARS`]), or neither (`None`).
    pub fn parse(subject: &str, body: &str) -> Result<Option<Self>, WordingError> {
        let subject = subject.trim();
        let body = body.replace("\r\n", "\n").replace('\r', "\n");
        let body = body.trim();
        match (subject.is_empty(), body.is_empty()) {
            (true, true) => return Ok(None),
            (true, false) => return Err(WordingError::SubjectMissing),
            (false, true) => return Err(WordingError::BodyMissing),
            (false, false) => {}
        }
        if subject.chars().any(char::is_control)
            || body.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(WordingError::ControlCharacters);
        }
        if subject.chars().count() > MAX_SUBJECT_CHARS {
            return Err(WordingError::SubjectTooLong);
        }
        if body.chars().count() > MAX_BODY_CHARS {
            return Err(WordingError::BodyTooLong);
        }
        Ok(Some(Self {
            subject: subject.to_owned(),
            body: body.to_owned(),
        }))
    }

    /// The message's paragraphs (split at blank lines).
    pub fn paragraphs(&self) -> Vec<&str> {
        self.body
            .split("\n\n")
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .collect()
    }
}

/// A campaign's own wording by language code (`en-GB`, `cy`); empty when the
/// campaign sends Onward's standard wording.
pub type CampaignWording = std::collections::BTreeMap<String, Wording>;

/// The languages in `needed` (codes) that `wording` leaves without words.
/// Standard wording (none given) misses nothing: Onward's own is in every
/// language it sends.
pub fn missing_languages<'a>(wording: &CampaignWording, needed: &[&'a str]) -> Vec<&'a str> {
    if wording.is_empty() {
        return Vec::new();
    }
    needed
        .iter()
        .copied()
        .filter(|code| !wording.contains_key(*code))
        .collect()
}

#[cfg(test)]
mod wording_tests {
    use super::*;

    #[test]
    fn wording_is_both_parts_or_neither_within_limits() {
        assert_eq!(Wording::parse("  ", "\r\n"), Ok(None));
        assert_eq!(Wording::parse("Hi", ""), Err(WordingError::BodyMissing));
        assert_eq!(Wording::parse("", "Body"), Err(WordingError::SubjectMissing));
        assert_eq!(
            Wording::parse("Line\nbreak", "Body"),
            Err(WordingError::ControlCharacters)
        );
        assert_eq!(
            Wording::parse("Bell", "a\u{7}b"),
            Err(WordingError::ControlCharacters)
        );
        assert_eq!(
            Wording::parse(&"s".repeat(MAX_SUBJECT_CHARS + 1), "Body"),
            Err(WordingError::SubjectTooLong)
        );
        assert_eq!(
            Wording::parse("Subject", &"b".repeat(MAX_BODY_CHARS + 1)),
            Err(WordingError::BodyTooLong)
        );
        let wording = Wording::parse(" Tell us ", "First.\r\n\r\nSecond\r\nline.\n\n\n")
            .expect("valid")
            .expect("given");
        assert_eq!(wording.subject, "Tell us");
        assert_eq!(wording.paragraphs(), vec!["First.", "Second\nline."]);
    }

    #[test]
    fn a_language_the_learners_need_without_wording_is_missing() {
        let mut wording = CampaignWording::new();
        assert!(missing_languages(&wording, &["en-GB", "cy"]).is_empty());
        wording.insert(
            "en-GB".to_owned(),
            Wording {
                subject: "S".to_owned(),
                body: "B".to_owned(),
            },
        );
        assert_eq!(missing_languages(&wording, &["en-GB", "cy"]), vec!["cy"]);
        assert!(missing_languages(&wording, &["en-GB"]).is_empty());
    }
}
