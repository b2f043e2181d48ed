//! Escalation of a follow-up task (the NIACE mixed method): each checkpoint
//! lists its channels cheapest first; after the checkpoint's maximum attempts
//! on one channel the task moves to the next, and after the last it is
//! unreachable (still reported as "not known").

use chrono::NaiveDate;

use crate::contact::{ContactChannel, ContactOutcome};
use crate::destination::{DestinationCategory, DestinationKind, DestinationRecord};
use crate::enrolment::EnrolmentDates;
use crate::tracking::{Checkpoint, TaskStatus};

/// Where a task stands: its status, the channel it is on (an index into the
/// checkpoint's channels) and the attempts made on that channel so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskProgress {
    pub status: TaskStatus,
    pub channel_index: usize,
    pub attempts: u8,
}

impl TaskProgress {
    /// A newly generated task: due, on its first channel, not yet tried.
    pub const NEW: Self = Self {
        status: TaskStatus::Due,
        channel_index: 0,
        attempts: 0,
    };

    /// Whether the task still needs work (due or in progress).
    pub fn is_open(self) -> bool {
        matches!(self.status, TaskStatus::Due | TaskStatus::InProgress)
    }
}

/// One contact attempt made for a task, as far as escalation cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    pub channel: ContactChannel,
    pub outcome: ContactOutcome,
    /// A destination was recorded with this attempt.
    pub destination_recorded: bool,
    /// The learner asked not to be contacted again.
    pub opted_out: bool,
    /// After this attempt the learner still has a usable contact point (valid,
    /// with consent) for the attempt's channel. A wrong number that was the
    /// learner's only number ends the channel at once.
    pub channel_still_usable: bool,
}

impl Checkpoint {
    /// The channel a task at `progress` should use now, if any.
    pub fn current_channel(&self, progress: TaskProgress) -> Option<ContactChannel> {
        self.channels.get(self.clamp(progress).channel_index).copied()
    }

    /// A task whose channel is past the end of the list (the plan was edited to
    /// fewer channels) is on the last channel.
    pub fn clamp(&self, progress: TaskProgress) -> TaskProgress {
        let last = self.channels.len().saturating_sub(1);
        if progress.channel_index > last {
            TaskProgress {
                channel_index: last,
                ..progress
            }
        } else {
            progress
        }
    }

    /// The task's progress after one attempt. Pure: the caller stores it.
    ///
    /// - A recorded destination finishes the task (`done`).
    /// - A learner who asks not to be contacted again, or refuses, is `opted out`
    ///   of this checkpoint.
    /// - An attempt on the task's current channel counts towards that channel's
    ///   `max_attempts`; reaching it (or the channel becoming unusable) moves the
    ///   task to the next channel with a fresh count, and past the last channel
    ///   the task is `unreachable`.
    /// - An attempt on another channel (say, an email reply while the task is on
    ///   the phone) does not use up the current channel.
    /// - A closed task stays as it is.
    pub fn after_attempt(&self, progress: TaskProgress, attempt: Attempt) -> TaskProgress {
        if !progress.is_open() {
            return progress;
        }
        let progress = self.clamp(progress);
        if attempt.destination_recorded {
            return TaskProgress {
                status: TaskStatus::Done,
                ..progress
            };
        }
        if attempt.opted_out || attempt.outcome == ContactOutcome::Refused {
            return TaskProgress {
                status: TaskStatus::OptedOut,
                ..progress
            };
        }
        if self.current_channel(progress) != Some(attempt.channel) {
            return TaskProgress {
                status: TaskStatus::InProgress,
                ..progress
            };
        }
        let attempts = progress.attempts.saturating_add(1);
        if attempts < self.max_attempts && attempt.channel_still_usable {
            return TaskProgress {
                status: TaskStatus::InProgress,
                attempts,
                ..progress
            };
        }
        let next = progress.channel_index + 1;
        if next < self.channels.len() {
            TaskProgress {
                status: TaskStatus::InProgress,
                channel_index: next,
                attempts: 0,
            }
        } else {
            TaskProgress {
                status: TaskStatus::Unreachable,
                channel_index: progress.channel_index,
                attempts,
            }
        }
    }
}

/// Whether a follow-up due on `due_on` asks what the learner *intends* (it
/// falls before they leave, like the spring intentions check) or what they
/// are *actually* doing (on or after leaving).
pub fn implied_kind(due_on: NaiveDate, dates: &EnrolmentDates) -> DestinationKind {
    if due_on < dates.leaving_date() {
        DestinationKind::Intended
    } else {
        DestinationKind::Actual
    }
}

/// How many days before a checkpoint falls due a destination recorded for it
/// still answers it: staff often meet a learner a little early (an ILP review
/// held on day 40 of a day-42 checkpoint), and a call queue should not ring
/// them again a week later.
pub const ANSWERED_EARLY_DAYS: i64 = 14;

/// Whether a destination record answers a learner's task that falls due on
/// `due_on`: it is the kind the task asks for ([`implied_kind`]), it is as of
/// the due date or later (or at most [`ANSWERED_EARLY_DAYS`] before it), and
/// an *actual* record says something ("not known" answers nothing; an
/// undecided intention is still an answer to "what do you intend to do?").
/// The one rule for every route a destination arrives by.
pub fn answers_task(record: &DestinationRecord, due_on: NaiveDate, dates: &EnrolmentDates) -> bool {
    record.kind == implied_kind(due_on, dates)
        && record.as_of + chrono::Duration::days(ANSWERED_EARLY_DAYS) >= due_on
        && !(record.kind == DestinationKind::Actual && record.category == DestinationCategory::NotKnown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::role::Role;
    use crate::tracking::Anchor;
    use ContactChannel::{Email, Phone, Sms};
    use ContactOutcome::{NoAnswer, Reached, Refused, Voicemail, WrongNumber};

    fn checkpoint(channels: &[ContactChannel], max_attempts: u8) -> Checkpoint {
        Checkpoint {
            key: "follow_up".to_owned(),
            name: "Follow-up".to_owned(),
            anchor: Anchor::Leaving,
            fixed_month_day: None,
            offset_days: 90,
            channels: channels.to_vec(),
            responsible: Role::ProgressionLead,
            max_attempts,
            survey: None,
        }
    }

    fn attempt(channel: ContactChannel, outcome: ContactOutcome) -> Attempt {
        Attempt {
            channel,
            outcome,
            destination_recorded: false,
            opted_out: false,
            channel_still_usable: true,
        }
    }

    #[test]
    fn max_attempts_on_each_channel_then_unreachable() {
        let plan = checkpoint(&[Phone, Email], 2);
        let mut progress = TaskProgress::NEW;
        let mut seen = Vec::new();
        for channel in [Phone, Phone, Email, Email] {
            progress = plan.after_attempt(progress, attempt(channel, NoAnswer));
            seen.push((progress.status, progress.channel_index, progress.attempts));
        }
        assert_eq!(
            seen,
            [
                (TaskStatus::InProgress, 0, 1),
                (TaskStatus::InProgress, 1, 0),
                (TaskStatus::InProgress, 1, 1),
                (TaskStatus::Unreachable, 1, 2),
            ]
        );
        assert_eq!(plan.current_channel(progress), Some(Email));
        assert!(!progress.is_open());
        // A closed task is not reopened by a late attempt.
        assert_eq!(plan.after_attempt(progress, attempt(Email, NoAnswer)), progress);
    }

    #[test]
    fn a_recorded_destination_finishes_and_a_refusal_opts_out() {
        let plan = checkpoint(&[Phone], 3);
        let reached = Attempt {
            destination_recorded: true,
            ..attempt(Phone, Reached)
        };
        assert_eq!(
            plan.after_attempt(TaskProgress::NEW, reached).status,
            TaskStatus::Done
        );
        // Reached but nothing learned yet (call back later): still in progress.
        let later = plan.after_attempt(TaskProgress::NEW, attempt(Phone, Reached));
        assert_eq!((later.status, later.attempts), (TaskStatus::InProgress, 1));
        assert_eq!(
            plan.after_attempt(TaskProgress::NEW, attempt(Phone, Refused))
                .status,
            TaskStatus::OptedOut
        );
        let asked = Attempt {
            opted_out: true,
            ..attempt(Phone, Reached)
        };
        assert_eq!(
            plan.after_attempt(TaskProgress::NEW, asked).status,
            TaskStatus::OptedOut
        );
    }

    #[test]
    fn a_wrong_only_number_moves_on_at_once_and_other_channels_do_not_count() {
        let plan = checkpoint(&[Phone, Sms, Email], 3);
        let wrong = Attempt {
            channel_still_usable: false,
            ..attempt(Phone, WrongNumber)
        };
        let after = plan.after_attempt(TaskProgress::NEW, wrong);
        assert_eq!(
            (after.status, after.channel_index, after.attempts),
            (TaskStatus::InProgress, 1, 0)
        );
        // A voicemail by phone while the task is on SMS does not use up SMS.
        let after = plan.after_attempt(after, attempt(Phone, Voicemail));
        assert_eq!((after.channel_index, after.attempts), (1, 0));
        // The last channel becoming unusable ends the task.
        let last = TaskProgress {
            status: TaskStatus::InProgress,
            channel_index: 2,
            attempts: 0,
        };
        let bounced = Attempt {
            channel_still_usable: false,
            ..attempt(Email, ContactOutcome::Bounced)
        };
        assert_eq!(plan.after_attempt(last, bounced).status, TaskStatus::Unreachable);
    }

    #[test]
    fn a_task_left_past_the_channels_by_a_plan_edit_is_on_the_last_one() {
        let plan = checkpoint(&[Email, Phone], 1);
        let beyond = TaskProgress {
            status: TaskStatus::InProgress,
            channel_index: 3,
            attempts: 0,
        };
        assert_eq!(plan.current_channel(beyond), Some(Phone));
        assert_eq!(
            plan.after_attempt(beyond, attempt(Phone, NoAnswer)).status,
            TaskStatus::Unreachable
        );
    }

    #[test]
    fn checks_before_leaving_ask_for_intentions() {
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        let dates = EnrolmentDates {
            start: NaiveDate::from_ymd_opt(2025, 9, 1).expect("date"),
            planned_end: date(7, 15),
            actual_end: None,
        };
        assert_eq!(implied_kind(date(4, 6), &dates), DestinationKind::Intended);
        assert_eq!(implied_kind(date(7, 15), &dates), DestinationKind::Actual);
        let left_early = EnrolmentDates {
            actual_end: Some(date(1, 10)),
            ..dates
        };
        assert_eq!(implied_kind(date(4, 6), &left_early), DestinationKind::Actual);
    }

    #[test]
    fn a_destination_answers_the_due_task_of_its_kind_from_two_weeks_before() {
        use crate::destination::{DestinationSource, Verification};
        let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        let dates = EnrolmentDates {
            start: NaiveDate::from_ymd_opt(2025, 9, 1).expect("date"),
            planned_end: date(7, 15),
            actual_end: None,
        };
        let record = |kind, category, as_of| DestinationRecord {
            kind,
            category,
            as_of,
            start_date: None,
            end_date: None,
            institution: None,
            employer: None,
            job_role: None,
            hours_per_week: None,
            sector: None,
            course: None,
            level: None,
            source: DestinationSource::Staff,
            verification: Verification::Unverified,
            notes: None,
        };
        let college = record(
            DestinationKind::Actual,
            DestinationCategory::EducationFurtherFullTime,
            date(9, 20),
        );
        // The roll-call (15 September) and the November check ask what they do.
        assert!(answers_task(&college, date(9, 15), &dates));
        assert!(answers_task(&college, date(10, 4), &dates), "14 days early");
        assert!(!answers_task(&college, date(10, 5), &dates), "15 days early");
        assert!(!answers_task(&college, date(11, 1), &dates));
        // The spring check asks what they intend.
        assert!(!answers_task(&college, date(4, 6), &dates));
        let intends = record(
            DestinationKind::Intended,
            DestinationCategory::NotKnown,
            date(4, 1),
        );
        assert!(
            answers_task(&intends, date(4, 6), &dates),
            "undecided is an answer"
        );
        let unknown = record(
            DestinationKind::Actual,
            DestinationCategory::NotKnown,
            date(9, 20),
        );
        assert!(
            !answers_task(&unknown, date(9, 15), &dates),
            "not known answers nothing"
        );
    }
}
