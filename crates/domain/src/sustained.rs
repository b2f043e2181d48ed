//! Sustained progression: whether a learner stayed in the same positive
//! destination throughout a window (DfE-style: 6 months, and 12 months),
//! computed from the append-only destination history.

use chrono::{Months, NaiveDate};

use crate::destination::{DestinationCategory, DestinationKind, DestinationRecord};

/// The outcome for one learner and one window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sustained {
    /// In this positive destination from the window's first day to its last.
    Yes(DestinationCategory),
    /// Known, but not positive throughout or changed category within the window.
    No,
    /// Nothing known at the window's start.
    NotKnown,
}

/// When a record took effect: its start date when given, else the date it was true as of.
fn effective_from(record: &DestinationRecord) -> NaiveDate {
    record.start_date.unwrap_or(record.as_of)
}

/// Whether the learner was in one positive destination category throughout
/// `[from, from + months]`. Later records confirming the same category keep it
/// sustained; a different category or an end date inside the window breaks it.
pub fn sustained(records: &[DestinationRecord], from: NaiveDate, months: u32) -> Sustained {
    let Some(to) = from.checked_add_months(Months::new(months)) else {
        return Sustained::NotKnown;
    };
    let mut actual: Vec<&DestinationRecord> = records
        .iter()
        .filter(|record| record.kind == DestinationKind::Actual)
        .collect();
    // Stable: among records taking effect the same day, the later-recorded wins.
    actual.sort_by_key(|record| effective_from(record));
    let Some(in_force) = actual.iter().rev().find(|record| effective_from(record) <= from) else {
        return Sustained::NotKnown;
    };
    let category = in_force.category;
    if !category.is_positive() {
        return Sustained::No;
    }
    let changed = actual
        .iter()
        .filter(|record| {
            let starts = effective_from(record);
            starts > from && starts <= to
        })
        .any(|record| record.category != category);
    let ended = actual
        .iter()
        .filter(|record| record.category == category && effective_from(record) <= to)
        .filter_map(|record| record.end_date)
        .any(|end| end < to)
        && !actual.iter().any(|record| {
            record.category == category
                && effective_from(record) <= to
                && record.end_date.is_none_or(|end| end >= to)
        });
    if changed || ended {
        Sustained::No
    } else {
        Sustained::Yes(category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::destination::{DestinationSource, Verification};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn actual(category: DestinationCategory, from: NaiveDate, end: Option<NaiveDate>) -> DestinationRecord {
        DestinationRecord {
            kind: DestinationKind::Actual,
            category,
            as_of: from,
            start_date: Some(from),
            end_date: end,
            institution: None,
            employer: None,
            job_role: None,
            hours_per_week: None,
            sector: None,
            course: None,
            level: None,
            source: DestinationSource::Survey,
            verification: Verification::LearnerConfirmed,
            notes: None,
        }
    }

    use DestinationCategory as C;

    #[test]
    fn six_months_in_one_apprenticeship_is_sustained() {
        let history = [
            actual(C::Apprenticeship, d(2026, 9, 1), None),
            // A later survey confirming the same destination keeps it sustained.
            actual(C::Apprenticeship, d(2026, 12, 1), None),
        ];
        assert_eq!(
            sustained(&history, d(2026, 10, 1), 6),
            Sustained::Yes(C::Apprenticeship)
        );
        assert_eq!(
            sustained(&history, d(2026, 10, 1), 12),
            Sustained::Yes(C::Apprenticeship)
        );
    }

    #[test]
    fn a_change_or_an_end_inside_the_window_breaks_it() {
        let dropped_out = [
            actual(C::EducationFurtherFullTime, d(2026, 9, 1), None),
            actual(C::NeetSeeking, d(2027, 1, 15), None),
        ];
        assert_eq!(sustained(&dropped_out, d(2026, 10, 1), 6), Sustained::No);
        // Sustained over the first three months, though.
        assert_eq!(
            sustained(&dropped_out, d(2026, 10, 1), 3),
            Sustained::Yes(C::EducationFurtherFullTime)
        );
        let ended = [actual(
            C::EmploymentFullTime,
            d(2026, 9, 1),
            Some(d(2026, 12, 31)),
        )];
        assert_eq!(sustained(&ended, d(2026, 10, 1), 6), Sustained::No);
        let switched = [
            actual(C::EmploymentFullTime, d(2026, 9, 1), None),
            actual(C::EducationHigher, d(2026, 11, 1), None),
        ];
        assert_eq!(
            sustained(&switched, d(2026, 10, 1), 6),
            Sustained::No,
            "same category throughout"
        );
    }

    #[test]
    fn not_positive_or_unknown_at_the_start() {
        let neet = [actual(C::NeetSeeking, d(2026, 9, 1), None)];
        assert_eq!(sustained(&neet, d(2026, 10, 1), 6), Sustained::No);
        let late = [actual(C::Apprenticeship, d(2026, 11, 1), None)];
        assert_eq!(sustained(&late, d(2026, 10, 1), 6), Sustained::NotKnown);
        let intended_only = [DestinationRecord {
            kind: DestinationKind::Intended,
            ..actual(C::Apprenticeship, d(2026, 9, 1), None)
        }];
        assert_eq!(sustained(&intended_only, d(2026, 10, 1), 6), Sustained::NotKnown);
    }
}
