//! Turning one raw row into a learner (and its enrolment and contacts), with an
//! issue for every value that is wrong, naming the row, column, value and reason.
//! Errors stop the row; warnings do not.

use chrono::{Datelike, NaiveDate};
use onward_domain::contact::ContactPointKind;
use onward_domain::email::EmailAddress;
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
pub use onward_domain::import::{EnrolmentRow, ImportRow, ProgrammeSpec};
use onward_domain::learner::NewLearner;
use onward_domain::organisation::CountryCode;
use onward_domain::person::PersonName;
use onward_domain::phone::PhoneNumber;
use onward_domain::postcode::Postcode;
use onward_domain::programme::StudyMode;
use onward_domain::tutor_group::TutorGroup;
use onward_domain::uln::{self, Uln};
use serde::Serialize;

use crate::mapping::{ColumnMapping, Field, column_letter};
use crate::reader::RawRow;
use crate::values;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// The line (CSV) or sheet row; 0 for the file as a whole.
    pub row: u64,
    /// "C (Surname)", or empty when the issue is about the whole row.
    pub column: String,
    pub value: String,
    pub reason: String,
    pub severity: Severity,
}

/// How an issue names the column of `field`: "C (Surname)", or nothing when
/// the file has no such column.
pub fn column_label(mapping: &ColumnMapping, field: Field) -> String {
    mapping
        .column_of(field)
        .map(|c| format!("{} ({})", column_letter(c), mapping.headers[c]))
        .unwrap_or_default()
}

/// Reads rows by a checked mapping for an organisation in `country`.
pub struct RowValidator {
    mapping: ColumnMapping,
    country: CountryCode,
    today: NaiveDate,
}

struct Cells<'a> {
    row: &'a RawRow,
    mapping: &'a ColumnMapping,
    issues: Vec<Issue>,
}

impl Cells<'_> {
    /// The trimmed text of the field's column, `None` when absent or blank.
    fn get(&self, field: Field) -> Option<&str> {
        let column = self.mapping.column_of(field)?;
        let text = self.row.cells.get(column)?.trim();
        (!text.is_empty()).then_some(text)
    }

    fn issue(&mut self, field: Option<Field>, value: &str, reason: impl Into<String>, severity: Severity) {
        let column = field
            .map(|field| column_label(self.mapping, field))
            .unwrap_or_default();
        self.issues.push(Issue {
            row: self.row.number,
            column,
            value: value.to_owned(),
            reason: reason.into(),
            severity,
        });
    }

    fn error(&mut self, field: Field, value: &str, reason: impl Into<String>) {
        self.issue(Some(field), value, reason, Severity::Error);
    }

    fn warning(&mut self, field: Field, value: &str, reason: impl Into<String>) {
        self.issue(Some(field), value, reason, Severity::Warning);
    }

    /// Reads an optional field with `parse`; a value that does not parse is an error.
    fn parsed<T>(&mut self, field: Field, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let text = self.get(field)?.to_owned();
        match parse(&text) {
            Ok(value) => Some(value),
            Err(reason) => {
                self.error(field, &text, reason);
                None
            }
        }
    }

    fn text(&self, field: Field) -> Option<String> {
        self.get(field).map(str::to_owned)
    }

    fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }
}

/// A control character that has no place in a value (tab and line breaks do).
/// PostgreSQL refuses NUL in text, so a value with one would stop the import.
fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The row with stray control characters removed, and the columns that had
/// them; `None` when the row has none (the usual case, at no cost).
fn without_control_characters(row: &RawRow) -> Option<(RawRow, Vec<usize>)> {
    if !row.cells.iter().any(|cell| cell.chars().any(is_stray_control)) {
        return None;
    }
    let mut columns = Vec::new();
    let cells = row
        .cells
        .iter()
        .enumerate()
        .map(|(index, cell)| {
            if cell.chars().any(is_stray_control) {
                columns.push(index);
                cell.chars().filter(|&c| !is_stray_control(c)).collect()
            } else {
                cell.clone()
            }
        })
        .collect();
    Some((
        RawRow {
            number: row.number,
            cells,
        },
        columns,
    ))
}

impl RowValidator {
    pub fn new(mapping: ColumnMapping, country: CountryCode, today: NaiveDate) -> Self {
        Self {
            mapping,
            country,
            today,
        }
    }

    pub fn mapping(&self) -> &ColumnMapping {
        &self.mapping
    }

    /// Validates a row: the row when it has no errors (warnings alongside), and
    /// every issue found.
    pub fn validate(&self, row: &RawRow) -> (Option<ImportRow>, Vec<Issue>) {
        let cleaned = without_control_characters(row);
        let row = cleaned.as_ref().map_or(row, |(cleaned, _)| cleaned);
        let mut cells = Cells {
            row,
            mapping: &self.mapping,
            issues: Vec::new(),
        };
        for &column in cleaned.iter().flat_map(|(_, columns)| columns) {
            if let Some(field) = self.mapping.fields.get(column).copied().flatten() {
                let value = row.cells[column].clone();
                cells.warning(
                    field,
                    &value,
                    "the value held control characters (such as NUL), which were removed; check it in your MIS",
                );
            }
        }
        self.check_shape(&mut cells);
        let learner = self.learner(&mut cells);
        let contacts = self.contacts(&mut cells);
        let enrolment = self.enrolment(&mut cells);
        let valid = !cells.has_errors();
        let issues = cells.issues;
        match (valid, learner) {
            (true, Some(learner)) => (
                Some(ImportRow {
                    number: row.number,
                    learner,
                    contacts,
                    enrolment,
                    repeat_of: None,
                }),
                issues,
            ),
            _ => (None, issues),
        }
    }

    fn check_shape(&self, cells: &mut Cells<'_>) {
        let expected = self.mapping.headers.len();
        let found = cells.row.cells.len();
        if found > expected && cells.row.cells[expected..].iter().any(|c| !c.trim().is_empty()) {
            cells.issue(
                None,
                &cells.row.cells[expected..].join(", "),
                format!("the row has {found} cells but the header has {expected}; check for a stray delimiter or quote"),
                Severity::Error,
            );
        } else if found < expected {
            cells.issue(
                None,
                "",
                format!("the row has {found} cells but the header has {expected}; the missing cells were read as empty"),
                Severity::Warning,
            );
        }
    }

    fn learner(&self, cells: &mut Cells<'_>) -> Option<NewLearner> {
        let given_name = self.name(cells, Field::GivenName, "forename");
        let family_name = self.name(cells, Field::FamilyName, "surname");
        let uln = cells.parsed(Field::Uln, |text| {
            if text == uln::PLACEHOLDER {
                return Err(
                    "is the placeholder ULN 9999999999; leave the cell empty until the real ULN is known"
                        .to_owned(),
                );
            }
            Uln::parse(text).map_err(|err| err.to_string())
        });
        let upn = cells.text(Field::Upn).map(|upn| upn.to_uppercase());
        if let Some(upn) = &upn
            && (upn.len() != 13 || !upn.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            cells.error(Field::Upn, upn, "a UPN is 13 letters and digits");
        }
        let mis_id = cells.text(Field::MisId);
        if let Some(id) = &mis_id
            && id.chars().count() > 50
        {
            cells.error(Field::MisId, id, "an MIS id must be 50 characters or fewer");
        }
        if uln.is_none() && mis_id.is_none() && cells.get(Field::Uln).is_none() {
            cells.issue(
                None,
                "",
                "the row has neither a ULN nor an MIS id",
                Severity::Error,
            );
        }
        let date_of_birth = cells.parsed(Field::DateOfBirth, values::date);
        if let Some(born) = date_of_birth
            && let Err(reason) = values::plausible_birth_date(born, self.today)
        {
            cells.error(Field::DateOfBirth, &born.to_string(), reason);
        }
        if self.mapping.has(Field::DateOfBirth) && cells.get(Field::DateOfBirth).is_none() {
            cells.warning(
                Field::DateOfBirth,
                "",
                "no date of birth: duplicates cannot be spotted by name and date of birth",
            );
        }
        let postcode = cells.get(Field::Postcode).map(str::to_owned);
        let postcode = postcode.and_then(|text| match Postcode::parse(&text, &self.country) {
            Ok(code) => Some(code.as_str().to_owned()),
            Err(err) => {
                cells.warning(
                    Field::Postcode,
                    &text,
                    format!("{}; imported without a postcode", err.message),
                );
                None
            }
        });
        let tutor_group = cells.text(Field::TutorGroup);
        let tutor_group = tutor_group.and_then(|text| match TutorGroup::parse(&text) {
            Ok(group) => Some(group),
            Err(err) => {
                cells.warning(
                    Field::TutorGroup,
                    &text,
                    format!("the tutor group {}; imported without a group", err.message),
                );
                None
            }
        });
        let learner = NewLearner {
            uln,
            upn: upn.filter(|u| u.len() == 13),
            mis_id,
            date_of_birth,
            sex: cells.parsed(Field::Sex, values::sex),
            ethnicity: cells.parsed(Field::Ethnicity, values::ethnicity),
            lldd: cells.parsed(Field::Lldd, values::lldd),
            free_school_meals: cells.parsed(Field::FreeSchoolMeals, values::flag),
            postcode,
            tutor_group,
            ..NewLearner::named(given_name?, family_name?)
        };
        Some(learner)
    }

    fn name(&self, cells: &mut Cells<'_>, field: Field, what: &str) -> Option<PersonName> {
        let Some(text) = cells.text(field) else {
            cells.issue(
                self.mapping.has(field).then_some(field),
                "",
                format!("the {what} is missing"),
                Severity::Error,
            );
            return None;
        };
        match PersonName::parse(&text) {
            Ok(name) => Some(name),
            Err(err) => {
                cells.error(field, &text, format!("the {what} {}", err.message));
                None
            }
        }
    }

    fn contacts(&self, cells: &mut Cells<'_>) -> Vec<(ContactPointKind, String)> {
        let mut contacts = Vec::new();
        if let Some(text) = cells.text(Field::Email) {
            match EmailAddress::parse(&text) {
                Ok(email) => contacts.push((ContactPointKind::Email, email.as_str().to_owned())),
                Err(err) => cells.warning(
                    Field::Email,
                    &text,
                    format!("{}; imported without it", err.message),
                ),
            }
        }
        for field in [Field::Mobile, Field::Phone] {
            if let Some(text) = cells.text(field) {
                match PhoneNumber::parse(&text, &self.country) {
                    Ok(phone) => {
                        let value = phone.as_str().to_owned();
                        if !contacts.iter().any(|(_, v)| *v == value) {
                            contacts.push((ContactPointKind::Phone, value));
                        }
                    }
                    Err(err) => cells.warning(field, &text, format!("{}; imported without it", err.message)),
                }
            }
        }
        let lines: Vec<String> = [
            Field::AddressLine1,
            Field::AddressLine2,
            Field::AddressLine3,
            Field::Town,
            Field::County,
        ]
        .into_iter()
        .filter_map(|field| cells.text(field))
        .collect();
        if !lines.is_empty() {
            let address = lines.join("\n");
            if address.chars().count() > 500 {
                cells.warning(
                    Field::AddressLine1,
                    &address,
                    "the address is longer than 500 characters; imported without it",
                );
            } else {
                contacts.push((ContactPointKind::Address, address));
            }
        }
        let has_contact_columns = [Field::Email, Field::Mobile, Field::Phone]
            .iter()
            .any(|field| self.mapping.has(*field));
        if has_contact_columns
            && !contacts
                .iter()
                .any(|(kind, _)| matches!(kind, ContactPointKind::Email | ContactPointKind::Phone))
        {
            cells.issue(
                None,
                "",
                "no email or phone number: the learner can only be reached by letter or in person",
                Severity::Warning,
            );
        }
        contacts
    }

    fn enrolment(&self, cells: &mut Cells<'_>) -> Option<EnrolmentRow> {
        let title = cells.text(Field::Programme)?;
        if title.chars().count() > 200 {
            cells.error(
                Field::Programme,
                &title,
                "a programme title must be 200 characters or fewer",
            );
        }
        let level = cells.parsed(Field::Level, values::level);
        let sector_subject_area = cells.parsed(Field::SectorSubjectArea, values::sector_subject_area);
        let mode = cells
            .parsed(Field::Mode, values::mode)
            .unwrap_or(StudyMode::FullTime);
        let mut required_date = |field: Field, what: &str| {
            if cells.get(field).is_none() {
                cells.issue(
                    cells.mapping.has(field).then_some(field),
                    "",
                    format!("the {what} is needed for an enrolment on {title}"),
                    Severity::Error,
                );
                return None;
            }
            cells.parsed(field, values::date)
        };
        let start = required_date(Field::StartDate, "start date");
        let planned_end = required_date(Field::PlannedEndDate, "planned end date");
        let actual_end = cells.parsed(Field::ActualEndDate, values::date);
        let status = cells.parsed(Field::CompletionStatus, values::completion_status);
        let (Some(start), Some(planned_end)) = (start, planned_end) else {
            return None;
        };
        let dates = EnrolmentDates {
            start,
            planned_end,
            actual_end,
        };
        if let Err(err) = dates.validate() {
            let field = if err.field == "planned end date" {
                Field::PlannedEndDate
            } else {
                Field::ActualEndDate
            };
            let value = cells.get(field).unwrap_or_default().to_owned();
            cells.error(field, &value, err.message);
            return None;
        }
        let status = status.unwrap_or(match actual_end {
            Some(end) if end >= planned_end => CompletionStatus::Completed,
            _ => CompletionStatus::Continuing,
        });
        let cohort = cells
            .text(Field::Cohort)
            .unwrap_or_else(|| format!("Leavers {}", planned_end.year()));
        if cohort.chars().count() > 200 {
            cells.error(
                Field::Cohort,
                &cohort,
                "a cohort name must be 200 characters or fewer",
            );
        }
        Some(EnrolmentRow {
            programme: ProgrammeSpec {
                title,
                level,
                sector_subject_area,
                mode,
            },
            dates,
            status,
            cohort,
        })
    }
}

#[cfg(test)]
mod tests {
    use onward_domain::programme::QualificationLevel;

    use super::*;

    fn validator(headers: &[&str]) -> RowValidator {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let mapping = ColumnMapping::detect(&headers);
        mapping.check().expect("usable mapping");
        RowValidator::new(
            mapping,
            CountryCode::gb(),
            NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        )
    }

    fn row(cells: &[&str]) -> RawRow {
        RawRow {
            number: 7,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        }
    }

    const HEADERS: &[&str] = &[
        "ULN",
        "MIS id",
        "Forename",
        "Surname",
        "DOB",
        "Postcode",
        "Email",
        "Mobile",
        "Course",
        "Level",
        "SSA",
        "Start date",
        "Planned end date",
        "Actual end date",
        "Status",
    ];

    #[test]
    fn a_class_column_gives_the_tutor_group_and_a_bad_group_is_only_a_warning() {
        let v = validator(&["MIS id", "Forename", "Surname", "Class"]);
        let (valid, issues) = v.validate(&row(&["A1", "Ada", "Lovelace", " 11A "]));
        assert_eq!(issues, vec![]);
        let group = valid.expect("valid").learner.tutor_group;
        assert_eq!(group.as_ref().map(TutorGroup::as_str), Some("11A"));
        let long = "G".repeat(51);
        let (valid, issues) = v.validate(&row(&["A2", "Bo", "Lovelace", &long]));
        assert_eq!(valid.expect("imported without a group").learner.tutor_group, None);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].severity, Severity::Warning);
        assert!(issues[0].reason.contains("50 characters"), "{issues:?}");
    }

    #[test]
    fn a_full_row_becomes_a_learner_with_contacts_and_an_enrolment() {
        let v = validator(HEADERS);
        let (row, issues) = v.validate(&row(&[
            "1000000043",
            "A1",
            "Ada",
            "Lovelace",
            "10/12/2009",
            "ls6 2ab",
            "Ada@Example.com",
            "07700 900123",
            "Digital T Level",
            "L3",
            "6.1",
            "01/09/2024",
            "2026-06-30",
            "",
            "",
        ]));
        assert_eq!(issues, vec![]);
        let row = row.expect("valid");
        assert_eq!(row.learner.uln.as_ref().map(|u| u.as_str()), Some("1000000043"));
        assert_eq!(row.learner.postcode.as_deref(), Some("LS6 2AB"));
        assert_eq!(
            row.contacts,
            vec![
                (ContactPointKind::Email, "ada@example.com".to_owned()),
                (ContactPointKind::Phone, "+447700900123".to_owned())
            ]
        );
        let enrolment = row.enrolment.expect("enrolment");
        assert_eq!(enrolment.programme.level, Some(QualificationLevel::Level3));
        assert_eq!(enrolment.status, CompletionStatus::Continuing);
        assert_eq!(enrolment.cohort, "Leavers 2026");
    }

    #[test]
    fn bad_values_are_errors_naming_row_column_value_and_reason() {
        let v = validator(HEADERS);
        let (row, issues) = v.validate(&row(&[
            "1234567890",
            "A1",
            "Ada",
            "Lovelace",
            "31/02/2025",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]));
        assert!(row.is_none());
        assert_eq!(issues[0].row, 7);
        assert_eq!(issues[0].column, "A (ULN)");
        assert_eq!(issues[0].value, "1234567890");
        assert!(issues[0].reason.contains("check digit"), "{}", issues[0].reason);
        assert_eq!(issues[1].column, "E (DOB)");
        assert!(issues[1].reason.contains("not a real date"));
    }

    #[test]
    fn contact_problems_and_missing_details_are_warnings() {
        let v = validator(HEADERS);
        let (row, issues) = v.validate(&row(&[
            "",
            "A1",
            "Ada",
            "Lovelace",
            "",
            "NOT A POSTCODE",
            "not-an-email",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]));
        assert!(row.is_some(), "{issues:?}");
        assert!(issues.iter().all(|i| i.severity == Severity::Warning));
        let columns: Vec<&str> = issues.iter().map(|i| i.column.as_str()).collect();
        assert_eq!(columns, vec!["E (DOB)", "F (Postcode)", "G (Email)", ""]);
    }

    #[test]
    fn html_and_formula_looking_names_are_kept_as_text() {
        let v = validator(HEADERS);
        let (row, _) = v.validate(&row(&[
            "",
            "A1",
            "<b>Ada</b>",
            "=HYPERLINK(\"http://x\")",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]));
        let learner = row.expect("valid").learner;
        assert_eq!(learner.given_name.as_str(), "<b>Ada</b>");
        assert_eq!(learner.family_name.as_str(), "=HYPERLINK(\"http://x\")");
    }

    #[test]
    fn an_enrolment_needs_its_dates_in_order() {
        let v = validator(HEADERS);
        let (valid, issues) = v.validate(&row(&[
            "",
            "A1",
            "Ada",
            "Lovelace",
            "",
            "",
            "",
            "",
            "ESOL",
            "",
            "",
            "01/09/2025",
            "01/07/2025",
            "",
            "",
        ]));
        assert!(valid.is_none());
        let error = issues
            .iter()
            .find(|i| i.severity == Severity::Error)
            .expect("error");
        assert_eq!(error.column, "M (Planned end date)");
        assert!(error.reason.contains("before the start date"));
        let (_, issues) = v.validate(&row(&[
            "",
            "A1",
            "Ada",
            "Lovelace",
            "",
            "",
            "",
            "",
            "ESOL",
            "",
            "",
            "",
            "01/07/2025",
            "",
            "",
        ]));
        assert!(
            issues
                .iter()
                .any(|i| i.reason == "the start date is needed for an enrolment on ESOL")
        );
    }

    #[test]
    fn a_row_without_identifier_or_with_extra_cells_is_an_error() {
        let v = validator(HEADERS);
        let mut cells = vec![""; HEADERS.len()];
        cells[2] = "Ada";
        cells[3] = "Lovelace";
        let (row_result, issues) = v.validate(&row(&cells));
        assert!(row_result.is_none());
        assert!(
            issues
                .iter()
                .any(|i| i.reason == "the row has neither a ULN nor an MIS id")
        );
        cells[1] = "A1";
        cells.push("surprise");
        let (row_result, issues) = v.validate(&row(&cells));
        assert!(row_result.is_none());
        assert!(
            issues[0]
                .reason
                .starts_with("the row has 16 cells but the header has 15")
        );
    }
}
