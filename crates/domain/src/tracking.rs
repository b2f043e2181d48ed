//! Tracking plans: ordered checkpoints, each due at an offset from an anchor
//! date of the learner's enrolment (or a fixed calendar date), with the
//! channels to try in order and who is responsible.

use chrono::{Datelike, Duration, NaiveDate};

use crate::DomainError;
use crate::contact::ContactChannel;
use crate::enrolment::EnrolmentDates;
use crate::organisation::OrganisationKind;
use crate::role::Role;

code_enum! {
    pub enum Anchor as "anchor" {
        Start = "start", "Start date";
        PlannedEnd = "planned_end", "Planned end date";
        /// The actual end date when known (early leavers), else the planned end.
        Leaving = "leaving", "Leaving date";
        ResultsDay = "results_day", "Results day";
        /// A calendar date such as 1 November: its first occurrence on or after leaving.
        FixedDate = "fixed_date", "Fixed calendar date";
    }
}

code_enum! {
    pub enum TaskStatus as "status" {
        Due = "due", "Due";
        InProgress = "in_progress", "In progress";
        Done = "done", "Done";
        Unreachable = "unreachable", "Unreachable";
        OptedOut = "opted_out", "Opted out";
        NotApplicable = "not_applicable", "Not applicable";
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Stable identifier within the plan, e.g. `november_activity`.
    pub key: String,
    pub name: String,
    pub anchor: Anchor,
    /// (month, day) for [`Anchor::FixedDate`] only.
    pub fixed_month_day: Option<(u32, u32)>,
    /// Days after (or, negative, before) the anchor.
    pub offset_days: i32,
    /// Channels to try, cheapest first.
    pub channels: Vec<ContactChannel>,
    pub responsible: Role,
    /// Attempts on one channel before moving to the next.
    pub max_attempts: u8,
    /// The survey this checkpoint sends learners (a survey name, e.g.
    /// `follow-up-3-6-month`; see surveys/FORMAT.md), if any.
    pub survey: Option<String>,
}

/// The first `month`/`day` on or after `from`; 29 February falls back to the
/// 28th in years without it.
fn next_occurrence(from: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let in_year = |year: i32| {
        NaiveDate::from_ymd_opt(year, month, day)
            .or_else(|| NaiveDate::from_ymd_opt(year, month, day.saturating_sub(1)))
    };
    let this_year = in_year(from.year())?;
    if this_year >= from {
        Some(this_year)
    } else {
        in_year(from.year() + 1)
    }
}

impl Checkpoint {
    /// When this checkpoint falls due for an enrolment. `None` when its anchor
    /// is missing (no results day for the cohort) or the date is out of range.
    pub fn due_date(&self, dates: &EnrolmentDates, results_day: Option<NaiveDate>) -> Option<NaiveDate> {
        let anchor = match self.anchor {
            Anchor::Start => dates.start,
            Anchor::PlannedEnd => dates.planned_end,
            Anchor::Leaving => dates.leaving_date(),
            Anchor::ResultsDay => results_day?,
            Anchor::FixedDate => {
                let (month, day) = self.fixed_month_day?;
                next_occurrence(dates.leaving_date(), month, day)?
            }
        };
        anchor.checked_add_signed(Duration::days(i64::from(self.offset_days)))
    }

    fn validate_shape(&self) -> Result<(), DomainError> {
        let named = |message: &str| DomainError::new("checkpoint", format!("\"{}\" {message}", self.name));
        if self.key.trim().is_empty() || self.name.trim().is_empty() {
            return Err(DomainError::new(
                "checkpoint",
                "every checkpoint needs a key and a name",
            ));
        }
        match (self.anchor, self.fixed_month_day) {
            (Anchor::FixedDate, None) => return Err(named("needs a calendar date (month and day)")),
            (Anchor::FixedDate, Some((month, day))) => {
                if NaiveDate::from_ymd_opt(2024, month, day).is_none() {
                    return Err(named(&format!(
                        "has an impossible date: day {day} of month {month}"
                    )));
                }
            }
            (_, Some(_)) => return Err(named("has a calendar date but is not anchored on a fixed date")),
            (_, None) => {}
        }
        if self.channels.is_empty() {
            return Err(named("needs at least one channel"));
        }
        if self.max_attempts == 0 {
            return Err(named("needs at least one attempt per channel"));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackingPlan {
    pub name: String,
    pub description: String,
    pub checkpoints: Vec<Checkpoint>,
}

impl TrackingPlan {
    /// The enrolment plans are checked against: a September-to-July course with
    /// an August results day.
    fn reference_enrolment() -> Option<(EnrolmentDates, NaiveDate)> {
        Some((
            EnrolmentDates {
                start: NaiveDate::from_ymd_opt(2025, 9, 1)?,
                planned_end: NaiveDate::from_ymd_opt(2026, 7, 15)?,
                actual_end: None,
            },
            NaiveDate::from_ymd_opt(2026, 8, 13)?,
        ))
    }

    /// Checks keys are unique, each checkpoint is well formed, none falls before
    /// the start date, and they are in date order for a reference enrolment.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.name.trim().is_empty() {
            return Err(DomainError::new("plan", "the plan needs a name"));
        }
        if self.checkpoints.is_empty() {
            return Err(DomainError::new(
                "plan",
                format!("\"{}\" has no checkpoints", self.name),
            ));
        }
        let (dates, results_day) =
            Self::reference_enrolment().ok_or_else(|| DomainError::new("plan", "reference dates"))?;
        let mut previous: Option<(&Checkpoint, NaiveDate)> = None;
        for (index, checkpoint) in self.checkpoints.iter().enumerate() {
            checkpoint.validate_shape()?;
            if self.checkpoints[..index]
                .iter()
                .any(|earlier| earlier.key == checkpoint.key)
            {
                return Err(DomainError::new(
                    "checkpoint",
                    format!("the key `{}` is used twice", checkpoint.key),
                ));
            }
            let due = checkpoint.due_date(&dates, Some(results_day)).ok_or_else(|| {
                DomainError::new(
                    "checkpoint",
                    format!("\"{}\" has no computable date", checkpoint.name),
                )
            })?;
            if due < dates.start {
                return Err(DomainError::new(
                    "checkpoint",
                    format!("\"{}\" falls before the learner's start date", checkpoint.name),
                ));
            }
            if let Some((before, before_due)) = previous
                && due < before_due
            {
                return Err(DomainError::new(
                    "checkpoint",
                    format!(
                        "\"{}\" ({due}) comes before \"{}\" ({before_due}); put checkpoints in date order",
                        checkpoint.name, before.name
                    ),
                ));
            }
            previous = Some((checkpoint, due));
        }
        Ok(())
    }
}

fn checkpoint(
    key: &str,
    name: &str,
    anchor: Anchor,
    offset_days: i32,
    channels: &[ContactChannel],
    responsible: Role,
) -> Checkpoint {
    Checkpoint {
        key: key.to_owned(),
        name: name.to_owned(),
        anchor,
        fixed_month_day: None,
        offset_days,
        channels: channels.to_vec(),
        responsible,
        max_attempts: 3,
        survey: None,
    }
}

fn on_date(
    key: &str,
    name: &str,
    month: u32,
    day: u32,
    channels: &[ContactChannel],
    responsible: Role,
) -> Checkpoint {
    Checkpoint {
        fixed_month_day: Some((month, day)),
        ..checkpoint(key, name, Anchor::FixedDate, 0, channels, responsible)
    }
}

/// The four plans Onward ships (PRODUCT.md §2); organisations copy and edit them.
/// The shipped plans a new organisation of `kind` starts with (PRODUCT.md §2):
/// schools and local authorities follow school leavers; colleges both school
/// leavers and adults; training providers adults; VET schools their graduates
/// and the long-term follow-ups.
pub fn shipped_plans_for(kind: OrganisationKind) -> Vec<TrackingPlan> {
    let wanted: &[&str] = match kind {
        OrganisationKind::School | OrganisationKind::LocalAuthority => &["School leavers"],
        OrganisationKind::College => &["School leavers", "Adult provider"],
        OrganisationKind::Provider => &["Adult provider"],
        OrganisationKind::Vet => &["VET graduate", "Long-term"],
    };
    shipped_plans()
        .into_iter()
        .filter(|plan| wanted.iter().any(|prefix| plan.name.starts_with(prefix)))
        .collect()
}

/// The survey each shipped checkpoint sends, by checkpoint key (surveys/<name>).
pub const SHIPPED_CHECKPOINT_SURVEYS: &[(&str, &str)] = &[
    ("induction", "induction-baseline"),
    ("exit", "exit"),
    ("follow_up", "follow-up-3-6-month"),
    ("sustained", "follow-up-12-month"),
    ("roll_call", "quick-check"),
    ("november_activity", "school-leaver-check"),
    ("neet_follow_up", "quick-check"),
    ("graduation", "vet-pre-graduation"),
    ("six_months", "vet-post-graduation-6-month"),
    ("one_year", "follow-up-12-month"),
    ("five_years", "follow-up-12-month"),
];

pub fn shipped_plans() -> Vec<TrackingPlan> {
    let mut plans = shipped_plans_without_surveys();
    for point in plans.iter_mut().flat_map(|plan| plan.checkpoints.iter_mut()) {
        point.survey = SHIPPED_CHECKPOINT_SURVEYS
            .iter()
            .find(|(key, _)| *key == point.key)
            .map(|(_, survey)| (*survey).to_owned());
    }
    plans
}

fn shipped_plans_without_surveys() -> Vec<TrackingPlan> {
    use ContactChannel::{Email, InPerson, Letter, Phone, Sms};
    let remote = [Email, Sms, Phone];
    vec![
        TrackingPlan {
            name: "Adult provider 5-stage".to_owned(),
            description: "Induction baseline, mid-programme ILP review, exit, 3–6 month follow-up and \
                          12-month sustained progression check (seed 002)."
                .to_owned(),
            checkpoints: vec![
                checkpoint(
                    "induction",
                    "Induction baseline",
                    Anchor::Start,
                    0,
                    &[InPerson],
                    Role::Tutor,
                ),
                checkpoint(
                    "ilp_review",
                    "Mid-programme ILP review",
                    Anchor::Start,
                    42,
                    &[InPerson],
                    Role::Tutor,
                ),
                checkpoint(
                    "exit",
                    "End-of-programme exit",
                    Anchor::Leaving,
                    0,
                    &[InPerson, Email],
                    Role::Tutor,
                ),
                checkpoint(
                    "follow_up",
                    "3–6 month follow-up",
                    Anchor::Leaving,
                    90,
                    &remote,
                    Role::ProgressionLead,
                ),
                checkpoint(
                    "sustained",
                    "12-month sustained check",
                    Anchor::Leaving,
                    365,
                    &remote,
                    Role::ProgressionLead,
                ),
            ],
        },
        TrackingPlan {
            name: "School leavers (Year 11/13)".to_owned(),
            description: "Spring intended destinations, results day, September roll-call and Guarantee, \
                          November activity check, then NEET / not-known follow-up (seed 001)."
                .to_owned(),
            checkpoints: vec![
                checkpoint(
                    "intentions",
                    "Intended destination (spring)",
                    Anchor::PlannedEnd,
                    -100,
                    &[InPerson],
                    Role::IagAdviser,
                ),
                checkpoint(
                    "results_day",
                    "Results day update",
                    Anchor::ResultsDay,
                    0,
                    &[InPerson, Phone],
                    Role::IagAdviser,
                ),
                on_date(
                    "roll_call",
                    "September roll-call",
                    9,
                    15,
                    &[Phone, Email, Sms],
                    Role::ProgressionLead,
                ),
                on_date(
                    "september_guarantee",
                    "September Guarantee offer",
                    9,
                    30,
                    &[Phone, Email],
                    Role::IagAdviser,
                ),
                on_date(
                    "november_activity",
                    "November activity check",
                    11,
                    1,
                    &[Email, Sms, Phone, Letter],
                    Role::ProgressionLead,
                ),
                on_date(
                    "neet_follow_up",
                    "NEET and not-known follow-up",
                    2,
                    1,
                    &[Phone, Sms, Letter],
                    Role::IagAdviser,
                ),
            ],
        },
        TrackingPlan {
            name: "VET graduate (graduation + 6 months)".to_owned(),
            description: "Survey at graduation and 6 months after, for the crossed analysis (seed 004)."
                .to_owned(),
            checkpoints: vec![
                checkpoint(
                    "graduation",
                    "Survey at graduation",
                    Anchor::Leaving,
                    0,
                    &[Email, InPerson],
                    Role::ProgressionLead,
                ),
                checkpoint(
                    "six_months",
                    "Survey at 6 months",
                    Anchor::Leaving,
                    182,
                    &remote,
                    Role::ProgressionLead,
                ),
            ],
        },
        TrackingPlan {
            name: "Long-term (1 and 5 years)".to_owned(),
            description: "Follow-ups one and five years after leaving (seed 003).".to_owned(),
            checkpoints: vec![
                checkpoint(
                    "one_year",
                    "1-year follow-up",
                    Anchor::Leaving,
                    365,
                    &remote,
                    Role::ProgressionLead,
                ),
                checkpoint(
                    "five_years",
                    "5-year follow-up",
                    Anchor::Leaving,
                    1826,
                    &[Email, Sms, Letter],
                    Role::ProgressionLead,
                ),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn every_shipped_plan_validates() {
        let plans = shipped_plans();
        assert_eq!(plans.len(), 4);
        for plan in &plans {
            assert_eq!(plan.validate(), Ok(()), "{}", plan.name);
        }
    }

    #[test]
    fn early_leavers_follow_their_leaving_date() {
        let follow_up = checkpoint(
            "f",
            "Follow-up",
            Anchor::Leaving,
            90,
            &[ContactChannel::Phone],
            Role::Tutor,
        );
        let dates = EnrolmentDates {
            start: d(2025, 9, 1),
            planned_end: d(2026, 7, 1),
            actual_end: Some(d(2026, 1, 10)),
        };
        assert_eq!(follow_up.due_date(&dates, None), Some(d(2026, 4, 10)));
    }

    #[test]
    fn a_fixed_date_crosses_the_year_boundary() {
        let february = on_date("n", "NEET follow-up", 2, 1, &[ContactChannel::Phone], Role::Tutor);
        let dates = EnrolmentDates {
            start: d(2024, 9, 1),
            planned_end: d(2026, 6, 26),
            actual_end: None,
        };
        assert_eq!(february.due_date(&dates, None), Some(d(2027, 2, 1)));
        let november = on_date("n", "November", 11, 1, &[ContactChannel::Phone], Role::Tutor);
        assert_eq!(november.due_date(&dates, None), Some(d(2026, 11, 1)));
        let leap = on_date("l", "Leap", 2, 29, &[ContactChannel::Phone], Role::Tutor);
        assert_eq!(leap.due_date(&dates, None), Some(d(2027, 2, 28)));
    }

    #[test]
    fn results_day_anchor_needs_a_results_day() {
        let results = checkpoint(
            "r",
            "Results",
            Anchor::ResultsDay,
            1,
            &[ContactChannel::Phone],
            Role::Tutor,
        );
        let dates = EnrolmentDates {
            start: d(2024, 9, 1),
            planned_end: d(2026, 6, 26),
            actual_end: None,
        };
        assert_eq!(results.due_date(&dates, None), None);
        assert_eq!(
            results.due_date(&dates, Some(d(2026, 8, 20))),
            Some(d(2026, 8, 21))
        );
    }

    #[test]
    fn out_of_order_and_too_early_checkpoints_are_refused() {
        let mut plan = shipped_plans().remove(0);
        plan.checkpoints.swap(3, 4);
        let err = plan.validate().expect_err("out of order");
        assert!(err.message.contains("put checkpoints in date order"), "{err}");

        let mut plan = shipped_plans().remove(0);
        plan.checkpoints[0].offset_days = -30;
        let err = plan.validate().expect_err("before start");
        assert!(err.message.contains("before the learner's start date"), "{err}");

        let mut plan = shipped_plans().remove(0);
        plan.checkpoints[1].key = plan.checkpoints[0].key.clone();
        assert!(
            plan.validate()
                .expect_err("duplicate key")
                .message
                .contains("used twice")
        );
    }

    #[test]
    fn shipped_plans_fall_due_on_the_expected_dates() {
        let (dates, results_day) = TrackingPlan::reference_enrolment().expect("reference dates");
        let due = |plan: &TrackingPlan| -> Vec<NaiveDate> {
            plan.checkpoints
                .iter()
                .map(|c| c.due_date(&dates, Some(results_day)).expect("due"))
                .collect()
        };
        let plans = shipped_plans();
        assert_eq!(
            due(&plans[0]),
            [
                d(2025, 9, 1),
                d(2025, 10, 13),
                d(2026, 7, 15),
                d(2026, 10, 13),
                d(2027, 7, 15)
            ]
        );
        assert_eq!(
            due(&plans[1]),
            [
                d(2026, 4, 6),
                d(2026, 8, 13),
                d(2026, 9, 15),
                d(2026, 9, 30),
                d(2026, 11, 1),
                d(2027, 2, 1)
            ]
        );
    }

    #[test]
    fn every_kind_of_organisation_starts_with_a_shipped_plan() {
        for kind in OrganisationKind::ALL {
            let plans = shipped_plans_for(*kind);
            assert!(!plans.is_empty(), "{kind:?}");
            assert!(plans.iter().all(|plan| plan.validate().is_ok()));
        }
        let names = |kind| -> Vec<String> { shipped_plans_for(kind).into_iter().map(|p| p.name).collect() };
        assert_eq!(names(OrganisationKind::School), ["School leavers (Year 11/13)"]);
        assert_eq!(names(OrganisationKind::Provider), ["Adult provider 5-stage"]);
        assert_eq!(names(OrganisationKind::College).len(), 2);
        assert_eq!(names(OrganisationKind::Vet).len(), 2);
    }

    #[test]
    fn malformed_checkpoints_are_named() {
        let mut plan = shipped_plans().remove(1);
        plan.checkpoints[2].fixed_month_day = None;
        let err = plan.validate().expect_err("no calendar date");
        assert!(
            err.to_string()
                .contains("\"September roll-call\" needs a calendar date"),
            "{err}"
        );

        let mut plan = shipped_plans().remove(1);
        plan.checkpoints[2].fixed_month_day = Some((2, 30));
        let err = plan.validate().expect_err("impossible date");
        assert!(err.to_string().contains("day 30 of month 2"), "{err}");

        let mut plan = shipped_plans().remove(1);
        plan.checkpoints[0].fixed_month_day = Some((3, 1));
        assert!(plan.validate().is_err(), "calendar date on a relative anchor");

        let mut plan = shipped_plans().remove(1);
        plan.checkpoints[0].channels.clear();
        let err = plan.validate().expect_err("no channels");
        assert!(err.to_string().contains("needs at least one channel"), "{err}");
    }
}
