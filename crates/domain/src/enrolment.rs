//! Enrolments: dates and completion status. Early leavers are tracked from the
//! day they actually left.

use chrono::NaiveDate;

use crate::DomainError;

code_enum! {
    pub enum CompletionStatus as "completion status" {
        Continuing = "continuing", "Continuing";
        Completed = "completed", "Completed";
        WithdrewEarly = "withdrew_early", "Withdrew early";
        BreakInLearning = "break", "Break in learning";
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentDates {
    pub start: NaiveDate,
    pub planned_end: NaiveDate,
    pub actual_end: Option<NaiveDate>,
}

impl EnrolmentDates {
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.planned_end < self.start {
            return Err(DomainError::new(
                "planned end date",
                format!("{} is before the start date {}", self.planned_end, self.start),
            ));
        }
        if let Some(actual_end) = self.actual_end
            && actual_end < self.start
        {
            return Err(DomainError::new(
                "actual end date",
                format!("{actual_end} is before the start date {}", self.start),
            ));
        }
        Ok(())
    }

    /// The day the learner left: the actual end when known, else the planned end.
    pub fn leaving_date(&self) -> NaiveDate {
        self.actual_end.unwrap_or(self.planned_end)
    }

    /// Left without completing, so follow-up runs from the actual leaving date:
    /// withdrew early, or still marked continuing although an actual end before
    /// the planned end has been recorded (the status not yet updated).
    /// Finishing ahead of plan is a completion, not early leaving, and a break
    /// in learning is a pause the learner is expected to return from.
    pub fn is_early_leaver(&self, status: CompletionStatus) -> bool {
        match status {
            CompletionStatus::WithdrewEarly => true,
            CompletionStatus::Continuing => self.actual_end.is_some_and(|end| end < self.planned_end),
            CompletionStatus::Completed | CompletionStatus::BreakInLearning => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn dates_must_not_run_backwards() {
        let ok = EnrolmentDates {
            start: d(2025, 9, 1),
            planned_end: d(2026, 7, 1),
            actual_end: None,
        };
        assert!(ok.validate().is_ok());
        assert_eq!(ok.leaving_date(), d(2026, 7, 1));
        let bad = EnrolmentDates {
            planned_end: d(2025, 8, 1),
            ..ok.clone()
        };
        assert_eq!(bad.validate().map_err(|e| e.field), Err("planned end date"));
        let bad = EnrolmentDates {
            actual_end: Some(d(2025, 1, 1)),
            ..ok.clone()
        };
        assert_eq!(bad.validate().map_err(|e| e.field), Err("actual end date"));
    }

    #[test]
    fn early_leavers_leave_on_their_actual_end() {
        let dates = EnrolmentDates {
            start: d(2025, 9, 1),
            planned_end: d(2026, 7, 1),
            actual_end: Some(d(2026, 1, 15)),
        };
        assert_eq!(dates.leaving_date(), d(2026, 1, 15));
        assert!(dates.is_early_leaver(CompletionStatus::WithdrewEarly));
        assert!(
            dates.is_early_leaver(CompletionStatus::Continuing),
            "status not yet updated"
        );
        assert!(
            !dates.is_early_leaver(CompletionStatus::Completed),
            "finished ahead of plan"
        );
        assert!(!dates.is_early_leaver(CompletionStatus::BreakInLearning));
        let on_plan = EnrolmentDates {
            actual_end: Some(d(2026, 7, 1)),
            ..dates.clone()
        };
        assert!(!on_plan.is_early_leaver(CompletionStatus::Continuing));
        assert!(on_plan.is_early_leaver(CompletionStatus::WithdrewEarly));
    }
}
