//! One learner typed in by hand (small providers without an MIS export). The
//! form's values go through the import's own row checks ([`RowValidator`]) as
//! a one-row file with a header per field, so a learner added by hand meets
//! exactly the rules an imported one does; only the issues are handed back by
//! field instead of by column.

use chrono::NaiveDate;
use onward_domain::organisation::CountryCode;

use crate::mapping::{ColumnMapping, Field, column_letter};
use crate::reader::RawRow;
use crate::row::{ImportRow, RowValidator, Severity};

/// A problem with one value of the form (or with the whole learner, `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: Option<Field>,
    pub reason: String,
    pub severity: Severity,
}

/// Checks one learner given as `(field, value)` pairs: the row, when it has
/// no errors, and every issue found (warnings alongside a valid row).
pub fn check_learner(
    values: &[(Field, String)],
    country: CountryCode,
    today: NaiveDate,
) -> (Option<ImportRow>, Vec<FieldIssue>) {
    let headers: Vec<String> = values
        .iter()
        .map(|(field, _)| field.header().to_owned())
        .collect();
    let mapping = ColumnMapping::detect(&headers);
    // The column description an issue names ("C (Surname)") back to its field.
    let described: Vec<(String, Field)> = values
        .iter()
        .enumerate()
        .map(|(index, (field, _))| (format!("{} ({})", column_letter(index), headers[index]), *field))
        .collect();
    let row = RawRow {
        number: 1,
        cells: values.iter().map(|(_, value)| value.clone()).collect(),
    };
    let (row, issues) = RowValidator::new(mapping, country, today).validate(&row);
    let issues = issues
        .into_iter()
        .map(|issue| FieldIssue {
            field: described
                .iter()
                .find(|(column, _)| *column == issue.column)
                .map(|(_, field)| *field),
            reason: issue.reason,
            severity: issue.severity,
        })
        .collect();
    (row, issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(Field, &str)]) -> Vec<(Field, String)> {
        pairs.iter().map(|(f, v)| (*f, (*v).to_owned())).collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
    }

    #[test]
    fn a_learner_by_hand_meets_the_import_rules_and_issues_name_their_field() {
        let (row, issues) = check_learner(
            &values(&[
                (Field::GivenName, "Amelia"),
                (Field::FamilyName, "Smith"),
                (Field::Uln, "9276308686"),
                (Field::DateOfBirth, "28/02/2010"),
                (Field::Email, "amelia@example.com"),
            ]),
            CountryCode::gb(),
            today(),
        );
        let row = row.expect("valid");
        assert_eq!(row.learner.family_name.as_str(), "Smith");
        assert!(
            issues.iter().all(|i| i.severity == Severity::Warning),
            "{issues:?}"
        );

        let (row, issues) = check_learner(
            &values(&[
                (Field::GivenName, "Amelia"),
                (Field::FamilyName, ""),
                (Field::Uln, "9999999999"),
                (Field::DateOfBirth, "31/02/2010"),
            ]),
            CountryCode::gb(),
            today(),
        );
        assert!(row.is_none());
        let errors: Vec<Option<Field>> = issues
            .iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| i.field)
            .collect();
        assert_eq!(
            errors,
            [
                Some(Field::FamilyName),
                Some(Field::Uln),
                Some(Field::DateOfBirth)
            ]
        );
    }
}
