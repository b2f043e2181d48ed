//! Learners met earlier in the same file. A row with the ULN or MIS id of an
//! earlier row is the same learner on another row (one row per enrolment),
//! and takes its details from the first row: a warning names the columns
//! that differ. Unless it disagrees on the other identifier: two people
//! cannot share a ULN, nor an MIS id, so a row whose ULN is on an earlier row
//! with a different MIS id (or the other way round) is someone else, and an
//! error names the earlier row. It is never merged into the earlier learner.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use onward_domain::import::ImportRow;

use crate::mapping::{ColumnMapping, Field};
use crate::reader::RawRow;
use crate::row::{Issue, Severity, column_label};

/// What the file's earlier rows say about a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The first row of this learner in the file.
    First,
    /// The learner is on `first_row` already; `differing` names the learner
    /// columns (not the enrolment's) whose cells differ from that row's.
    Repeat { first_row: u64, differing: Vec<String> },
    /// The row's identifiers belong to different people earlier in the file.
    Conflict(Issue),
}

/// One learner of the file, by their first row.
struct Learner {
    row: u64,
    uln: Option<u64>,
    mis_id: Option<u64>,
}

/// The learners of the file so far, by ULN and by MIS id, with a hash of each
/// learner cell of their first row (to name the columns a later row changes).
/// About 40 bytes and 4 bytes a learner column for each learner: 90 MB for
/// 900,000 learners with 14 learner columns.
pub(crate) struct SeenLearners {
    by_uln: HashMap<u64, u32>,
    by_mis: HashMap<u64, u32>,
    learners: Vec<Learner>,
    /// The mapping's learner columns (not the enrolment's).
    columns: Vec<usize>,
    /// `columns.len()` cell hashes per learner, in the order of `learners`.
    cells: Vec<u32>,
}

fn hashed(value: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// A ULN is ten digits: its number is exact where a hash could collide.
fn uln_key(uln: &str) -> u64 {
    uln.parse().unwrap_or_else(|_| hashed(uln))
}

impl SeenLearners {
    pub(crate) fn new(mapping: &ColumnMapping) -> Self {
        let columns = mapping
            .fields
            .iter()
            .enumerate()
            .filter_map(|(index, field)| match field {
                Some(field) if !field.is_enrolment() => Some(index),
                _ => None,
            })
            .collect();
        Self {
            by_uln: HashMap::new(),
            by_mis: HashMap::new(),
            learners: Vec::new(),
            columns,
            cells: Vec::new(),
        }
    }

    fn cell_hashes<'a>(&'a self, raw: &'a RawRow) -> impl Iterator<Item = u32> + 'a {
        self.columns.iter().map(|&index| {
            let text = raw.cells.get(index).map(|c| c.trim()).unwrap_or_default();
            // The low 32 bits: a change goes unnamed with odds of 1 in 4 billion.
            hashed(text) as u32
        })
    }

    /// Checks `row` (read from `raw`) against the rows before it, and
    /// remembers it when it is a learner's first row.
    pub(crate) fn check(&mut self, row: &ImportRow, raw: &RawRow, mapping: &ColumnMapping) -> Verdict {
        let uln_text = row.learner.uln.as_ref().map(|u| u.as_str());
        let mis_text = row.learner.mis_id.as_deref();
        let uln = uln_text.map(uln_key);
        let mis_id = mis_text.map(hashed);
        let by_uln = uln.and_then(|key| self.by_uln.get(&key).copied());
        let by_mis = mis_id.and_then(|key| self.by_mis.get(&key).copied());
        let conflict = |field: Field, value: &str, reason: String| {
            Verdict::Conflict(Issue {
                row: raw.number,
                column: column_label(mapping, field),
                value: value.to_owned(),
                reason,
                severity: Severity::Error,
            })
        };
        if let Some(index) = by_uln {
            let earlier = &self.learners[index as usize];
            if earlier.mis_id.is_some() && mis_id.is_some() && earlier.mis_id != mis_id {
                return conflict(
                    Field::Uln,
                    uln_text.unwrap_or_default(),
                    format!(
                        "ULN {} is on row {} with a different MIS id: one ULN cannot belong to two learners, so this row was not imported; correct the ULN or the MIS id on one of the two rows",
                        uln_text.unwrap_or_default(),
                        earlier.row
                    ),
                );
            }
        }
        if let Some(index) = by_mis {
            let earlier = &self.learners[index as usize];
            if earlier.uln.is_some() && uln.is_some() && earlier.uln != uln {
                return conflict(
                    Field::MisId,
                    mis_text.unwrap_or_default(),
                    format!(
                        "MIS id {} is on row {} with a different ULN: one MIS id cannot belong to two learners, so this row was not imported; correct the ULN or the MIS id on one of the two rows",
                        mis_text.unwrap_or_default(),
                        earlier.row
                    ),
                );
            }
        }
        match (by_uln, by_mis) {
            (Some(a), Some(b)) if a != b => conflict(
                Field::Uln,
                uln_text.unwrap_or_default(),
                format!(
                    "ULN {} is on row {} and MIS id {} on row {}, which are two different learners, so this row was not imported; correct the ULN or the MIS id",
                    uln_text.unwrap_or_default(),
                    self.learners[a as usize].row,
                    mis_text.unwrap_or_default(),
                    self.learners[b as usize].row
                ),
            ),
            (Some(index), _) | (None, Some(index)) => {
                let width = self.columns.len();
                let start = index as usize * width;
                let earlier = &self.cells[start..start + width];
                let differing = self
                    .cell_hashes(raw)
                    .zip(earlier)
                    .zip(&self.columns)
                    .filter(|((now, before), _)| now != *before)
                    .map(|(_, &column)| mapping.headers[column].clone())
                    .collect();
                Verdict::Repeat {
                    first_row: self.learners[index as usize].row,
                    differing,
                }
            }
            (None, None) => {
                let Ok(index) = u32::try_from(self.learners.len()) else {
                    // Past four billion learners nothing is remembered; the
                    // writer still matches them by their identifiers.
                    return Verdict::First;
                };
                let hashes: Vec<u32> = self.cell_hashes(raw).collect();
                self.cells.extend(hashes);
                self.learners.push(Learner {
                    row: raw.number,
                    uln,
                    mis_id,
                });
                if let Some(key) = uln {
                    self.by_uln.insert(key, index);
                }
                if let Some(key) = mis_id {
                    self.by_mis.insert(key, index);
                }
                Verdict::First
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use onward_domain::organisation::CountryCode;

    use super::*;
    use crate::row::RowValidator;

    const HEADER: &str =
        "ULN,Learner Ref,Forename,Surname,DOB,Email,Course,Start date,Planned end date,Cohort";

    fn check_all(lines: &[&str]) -> Vec<Verdict> {
        let headers: Vec<String> = HEADER.split(',').map(str::to_owned).collect();
        let mapping = ColumnMapping::detect(&headers);
        let validator = RowValidator::new(
            mapping.clone(),
            CountryCode::gb(),
            NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        );
        let mut seen = SeenLearners::new(&mapping);
        lines
            .iter()
            .zip(2..)
            .map(|(line, number)| {
                let raw = RawRow {
                    number,
                    cells: line.split(',').map(str::to_owned).collect(),
                };
                let (row, issues) = validator.validate(&raw);
                let row = row.unwrap_or_else(|| panic!("row {number} is valid: {issues:?}"));
                seen.check(&row, &raw, &mapping)
            })
            .collect()
    }

    #[test]
    fn a_ulns_second_row_with_another_mis_id_is_an_error_naming_the_first_row() {
        let verdicts = check_all(&[
            "1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,A levels,01/09/2024,30/06/2026,Y13",
            "1000000043,Z9,Zed,Other,01/01/2008,zed@example.org,BTEC,01/09/2024,30/06/2026,Y13",
        ]);
        assert_eq!(verdicts[0], Verdict::First);
        let Verdict::Conflict(issue) = &verdicts[1] else {
            panic!("{verdicts:?}")
        };
        assert_eq!(issue.row, 3);
        assert_eq!(issue.column, "A (ULN)");
        assert!(
            issue.reason.contains("is on row 2 with a different MIS id"),
            "{issue:?}"
        );
    }

    #[test]
    fn an_mis_ids_second_row_with_another_uln_is_an_error_naming_the_first_row() {
        let verdicts = check_all(&[
            "1000000043,A1,Ada,Lovelace,10/12/2009,,A levels,01/09/2024,30/06/2026,Y13",
            "1000000078,A1,Ada,Lovelace,10/12/2009,,EPQ,01/09/2025,30/06/2026,Y13",
        ]);
        let Verdict::Conflict(issue) = &verdicts[1] else {
            panic!("{verdicts:?}")
        };
        assert_eq!(issue.column, "B (Learner Ref)");
        assert!(
            issue
                .reason
                .contains("MIS id A1 is on row 2 with a different ULN"),
            "{issue:?}"
        );
    }

    #[test]
    fn identifiers_of_two_earlier_learners_on_one_row_are_an_error() {
        let verdicts = check_all(&[
            "1000000043,,Ada,Lovelace,10/12/2009,,A levels,01/09/2024,30/06/2026,Y13",
            ",B2,Ben,Brown,01/03/2009,,A levels,01/09/2024,30/06/2026,Y13",
            "1000000043,B2,Ada,Lovelace,10/12/2009,,EPQ,01/09/2025,30/06/2026,Y13",
        ]);
        let Verdict::Conflict(issue) = &verdicts[2] else {
            panic!("{verdicts:?}")
        };
        assert!(
            issue.reason.contains("on row 2 and MIS id B2 on row 3"),
            "{issue:?}"
        );
    }

    #[test]
    fn a_repeat_names_only_the_columns_that_differ() {
        let verdicts = check_all(&[
            "1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,A levels,01/09/2024,30/06/2026,Y13",
            "1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,EPQ,01/09/2025,30/06/2026,Y13",
            "1000000043,A1,Ada,Byron,10/12/2009,ada.byron@example.org,Maths,01/09/2025,30/06/2026,Y13",
            ",A1,Ada,Lovelace,10/12/2009,ada@example.org,Art,01/09/2025,30/06/2026,Y13",
        ]);
        assert_eq!(
            verdicts[1..],
            [
                Verdict::Repeat {
                    first_row: 2,
                    differing: vec![]
                },
                Verdict::Repeat {
                    first_row: 2,
                    differing: vec!["Surname".to_owned(), "Email".to_owned()]
                },
                Verdict::Repeat {
                    first_row: 2,
                    differing: vec!["ULN".to_owned()]
                },
            ]
        );
    }
}
