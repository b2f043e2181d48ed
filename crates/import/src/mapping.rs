//! Column mapping: which column of an MIS export holds which learner field.
//! Headers are recognised by their common names and synonyms, ignoring case,
//! spaces and punctuation; a column nobody recognises is reported, never dropped
//! silently, and a mapping can be adjusted and saved per source.

use std::fmt;

use onward_domain::code_enum::fold;
use onward_storage::StorageError;
use serde::{Deserialize, Serialize};

/// A learner, enrolment or contact field an import can fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Uln,
    Upn,
    MisId,
    GivenName,
    FamilyName,
    DateOfBirth,
    Sex,
    Ethnicity,
    Lldd,
    FreeSchoolMeals,
    TutorGroup,
    AddressLine1,
    AddressLine2,
    AddressLine3,
    Town,
    County,
    Postcode,
    Email,
    Mobile,
    Phone,
    Programme,
    Level,
    SectorSubjectArea,
    Mode,
    StartDate,
    PlannedEndDate,
    ActualEndDate,
    CompletionStatus,
    Cohort,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Uln,
        Field::Upn,
        Field::MisId,
        Field::GivenName,
        Field::FamilyName,
        Field::DateOfBirth,
        Field::Sex,
        Field::Ethnicity,
        Field::Lldd,
        Field::FreeSchoolMeals,
        Field::TutorGroup,
        Field::AddressLine1,
        Field::AddressLine2,
        Field::AddressLine3,
        Field::Town,
        Field::County,
        Field::Postcode,
        Field::Email,
        Field::Mobile,
        Field::Phone,
        Field::Programme,
        Field::Level,
        Field::SectorSubjectArea,
        Field::Mode,
        Field::StartDate,
        Field::PlannedEndDate,
        Field::ActualEndDate,
        Field::CompletionStatus,
        Field::Cohort,
    ];

    /// The header Onward's template uses for the field.
    pub fn header(self) -> &'static str {
        self.synonyms()[0]
    }

    /// Headers recognised for the field; the first is the template's own.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Uln => &["ULN", "Unique Learner Number", "Unique Learner No", "Learner ULN"],
            Field::Upn => &["UPN", "Unique Pupil Number"],
            Field::MisId => &[
                "MIS id",
                "Learner Ref",
                "Learner Reference",
                "Learner Ref Number",
                "LearnRefNumber",
                "Admission No",
                "Admission Number",
                "Adno",
                "Student ID",
                "Student Number",
                "Learner ID",
                "Pupil ID",
                "MIS Reference",
            ],
            Field::GivenName => &[
                "Forename",
                "First name",
                "Given name",
                "Given names",
                "Legal forename",
                "Preferred forename",
            ],
            Field::FamilyName => &["Surname", "Last name", "Family name", "Legal surname"],
            Field::DateOfBirth => &["Date of birth", "DOB", "Birth date", "DateOfBirth", "Birthdate"],
            Field::Sex => &["Sex", "Gender", "Legal sex"],
            Field::Ethnicity => &["Ethnicity", "Ethnic group", "Ethnic origin", "Ethnicity code"],
            Field::Lldd => &[
                "LLDD",
                "LLDD health problem",
                "LLDDHealthProb",
                "SEND",
                "SEN",
                "SEN status",
                "Disability",
                "Learning difficulty or disability",
            ],
            Field::FreeSchoolMeals => &[
                "FSM",
                "Free school meals",
                "FSM eligible",
                "Disadvantaged",
                "Pupil premium",
                "FSM6",
            ],
            Field::TutorGroup => &[
                "Tutor group",
                "Class",
                "Form",
                "Form group",
                "Form class",
                "Tutor class",
                "Tutorial group",
                "Registration group",
                "Reg group",
                "Class group",
            ],
            Field::AddressLine1 => &["Address line 1", "Address 1", "Address", "Street", "House"],
            Field::AddressLine2 => &["Address line 2", "Address 2", "Locality", "Suburb"],
            Field::AddressLine3 => &["Address line 3", "Address 3"],
            Field::Town => &["Town", "City", "Town or city", "Post town"],
            Field::County => &["County", "Region", "State"],
            Field::Postcode => &["Postcode", "Post code", "Postal code", "Zip", "Zip code"],
            Field::Email => &["Email", "Email address", "E-mail", "Personal email", "Home email"],
            Field::Mobile => &[
                "Mobile",
                "Mobile number",
                "Mobile phone",
                "Mobile tel",
                "Cell phone",
            ],
            Field::Phone => &[
                "Phone",
                "Telephone",
                "Telephone number",
                "Home phone",
                "Home telephone",
                "Tel",
                "Landline",
            ],
            Field::Programme => &[
                "Programme",
                "Course",
                "Course title",
                "Course name",
                "Programme title",
                "Aim title",
                "Learning aim title",
                "Qualification",
            ],
            Field::Level => &[
                "Level",
                "Course level",
                "Qualification level",
                "Programme level",
                "NVQ level",
            ],
            Field::SectorSubjectArea => &[
                "Sector subject area",
                "SSA",
                "SSA tier 1",
                "Sector",
                "Subject area",
            ],
            Field::Mode => &["Mode", "Mode of study", "Attendance mode", "FT/PT"],
            Field::StartDate => &[
                "Start date",
                "Learning start date",
                "LearnStartDate",
                "Enrolment date",
                "Start",
            ],
            Field::PlannedEndDate => &[
                "Planned end date",
                "Expected end date",
                "LearnPlanEndDate",
                "Planned end",
                "Expected end",
            ],
            Field::ActualEndDate => &[
                "Actual end date",
                "LearnActEndDate",
                "Leaving date",
                "Date left",
                "Leave date",
                "End date",
            ],
            Field::CompletionStatus => &[
                "Completion status",
                "CompStatus",
                "Status",
                "Withdrawn",
                "Outcome status",
            ],
            Field::Cohort => &["Cohort", "Year group", "Year", "Leaver cohort", "Intake"],
        }
    }

    /// Finds the field a header names, ignoring case, spaces and punctuation.
    pub fn recognise(header: &str) -> Option<Field> {
        let wanted = fold(header);
        if wanted.is_empty() {
            return None;
        }
        Field::ALL
            .iter()
            .copied()
            .find(|field| field.synonyms().iter().any(|synonym| fold(synonym) == wanted))
    }

    /// The field's stable name in saved mappings and the form (`given_name`).
    pub fn key(self) -> &'static str {
        match self {
            Field::Uln => "uln",
            Field::Upn => "upn",
            Field::MisId => "mis_id",
            Field::GivenName => "given_name",
            Field::FamilyName => "family_name",
            Field::DateOfBirth => "date_of_birth",
            Field::Sex => "sex",
            Field::Ethnicity => "ethnicity",
            Field::Lldd => "lldd",
            Field::FreeSchoolMeals => "free_school_meals",
            Field::TutorGroup => "tutor_group",
            Field::AddressLine1 => "address_line_1",
            Field::AddressLine2 => "address_line_2",
            Field::AddressLine3 => "address_line_3",
            Field::Town => "town",
            Field::County => "county",
            Field::Postcode => "postcode",
            Field::Email => "email",
            Field::Mobile => "mobile",
            Field::Phone => "phone",
            Field::Programme => "programme",
            Field::Level => "level",
            Field::SectorSubjectArea => "sector_subject_area",
            Field::Mode => "mode",
            Field::StartDate => "start_date",
            Field::PlannedEndDate => "planned_end_date",
            Field::ActualEndDate => "actual_end_date",
            Field::CompletionStatus => "completion_status",
            Field::Cohort => "cohort",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|field| field.key() == key)
    }

    /// What the template's documentation says about the field.
    pub fn description(self) -> &'static str {
        match self {
            Field::Uln => {
                "Unique Learner Number: 10 digits with a valid check digit. ULN or MIS id is required."
            }
            Field::Upn => "Unique Pupil Number (schools).",
            Field::MisId => "The learner's reference in your MIS. ULN or MIS id is required.",
            Field::GivenName => "Required.",
            Field::FamilyName => "Required.",
            Field::DateOfBirth => "dd/mm/yyyy, yyyy-mm-dd, d-Mon-yy or an Excel date. Missing: a warning.",
            Field::Sex => "F, M, X (other) or U (not known); Female/Male are accepted.",
            Field::Ethnicity => "ILR ethnicity code (31-47, 98, 99) or its label.",
            Field::Lldd => "Learning difficulty, disability or health problem: Y/N, 1/2/9 or a label.",
            Field::FreeSchoolMeals => "Eligible for free school meals or disadvantaged: Y/N.",
            Field::TutorGroup => {
                "The learner's tutor group or class (e.g. '11A'), up to 50 characters. Tutors see only their groups' learners."
            }
            Field::AddressLine1 | Field::AddressLine2 | Field::AddressLine3 => "Address lines.",
            Field::Town => "Town or city.",
            Field::County => "County.",
            Field::Postcode => "UK postcode for GB organisations (checked); other countries as given.",
            Field::Email => "Email address. Missing contact details: a warning.",
            Field::Mobile => "Mobile number; stored in international form (+44…).",
            Field::Phone => "Other phone number; stored in international form.",
            Field::Programme => {
                "Programme or course title. Leave the enrolment columns out for a learners-only file."
            }
            Field::Level => "Entry, E1-E3, 1-8 or 'Level 3'.",
            Field::SectorSubjectArea => "SSA tier 1 code (1-15), a tier 2 code such as 6.1, or its label.",
            Field::Mode => "FT or PT (full-time, part-time). Default: full-time.",
            Field::StartDate => "Enrolment start date; needed with a programme.",
            Field::PlannedEndDate => "Planned end date; needed with a programme.",
            Field::ActualEndDate => "The day the learner left, if they have.",
            Field::CompletionStatus => {
                "Continuing, Completed, Withdrawn or Break (ILR CompStatus 1, 2, 3, 6 accepted)."
            }
            Field::Cohort => {
                "Cohort name (e.g. 'Year 11 leavers 2026'). Default: 'Leavers' and the planned end year."
            }
        }
    }

    /// Whether the field belongs to an enrolment rather than the learner.
    pub fn is_enrolment(self) -> bool {
        matches!(
            self,
            Field::Programme
                | Field::Level
                | Field::SectorSubjectArea
                | Field::Mode
                | Field::StartDate
                | Field::PlannedEndDate
                | Field::ActualEndDate
                | Field::CompletionStatus
                | Field::Cohort
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header())
    }
}

/// For each column of the file, the field it fills (or none).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub headers: Vec<String>,
    pub fields: Vec<Option<Field>>,
}

/// A mapping that cannot be used, with the reason naming the columns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("no column is recognised; the header row was: {0}")]
    NothingRecognised(String),
    #[error("columns {first} and {second} both hold {field}; keep one (or map the other to 'ignore')")]
    Duplicated {
        field: Field,
        first: String,
        second: String,
    },
    #[error("a column for the learner's {0} is needed")]
    Missing(&'static str),
}

impl ColumnMapping {
    /// Recognises each header by its name.
    pub fn detect(headers: &[String]) -> Self {
        let fields = headers.iter().map(|header| Field::recognise(header)).collect();
        Self {
            headers: headers.to_vec(),
            fields,
        }
    }

    /// Applies a saved mapping (header → field key): headers it names take its
    /// field, the others keep what was detected.
    pub fn with_saved(mut self, saved: &SavedMapping) -> Self {
        for (header, field) in self.headers.iter().zip(self.fields.iter_mut()) {
            if let Some(choice) = saved.columns.iter().find(|(name, _)| fold(name) == fold(header)) {
                *field = choice.1;
            }
        }
        self
    }

    /// The columns nobody recognised, by header.
    pub fn unrecognised(&self) -> Vec<&str> {
        self.headers
            .iter()
            .zip(&self.fields)
            .filter(|(_, field)| field.is_none())
            .map(|(header, _)| header.as_str())
            .collect()
    }

    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|f| *f == Some(field))
    }

    pub fn has(&self, field: Field) -> bool {
        self.column_of(field).is_some()
    }

    /// Whether the file carries enrolments (a programme column).
    pub fn has_enrolments(&self) -> bool {
        self.has(Field::Programme)
    }

    /// Checks the mapping can import learners: names, one identifier, no field twice.
    pub fn check(&self) -> Result<(), MappingError> {
        if self.fields.iter().all(Option::is_none) {
            return Err(MappingError::NothingRecognised(self.headers.join(", ")));
        }
        for (index, field) in self.fields.iter().enumerate() {
            let Some(field) = field else { continue };
            if let Some(later) = self.fields[index + 1..].iter().position(|f| f == &Some(*field)) {
                return Err(MappingError::Duplicated {
                    field: *field,
                    first: describe_column(index, &self.headers[index]),
                    second: describe_column(index + 1 + later, &self.headers[index + 1 + later]),
                });
            }
        }
        if !self.has(Field::GivenName) {
            return Err(MappingError::Missing("forename"));
        }
        if !self.has(Field::FamilyName) {
            return Err(MappingError::Missing("surname"));
        }
        if !self.has(Field::Uln) && !self.has(Field::MisId) {
            return Err(MappingError::Missing("ULN or MIS id"));
        }
        Ok(())
    }

    /// The mapping as it would be saved for reuse.
    pub fn to_saved(&self) -> SavedMapping {
        SavedMapping {
            columns: self
                .headers
                .iter()
                .cloned()
                .zip(self.fields.iter().copied())
                .collect(),
        }
    }
}

/// A mapping kept under a name (one per MIS or source) and reused next time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedMapping {
    #[serde(default)]
    pub columns: Vec<(String, Option<Field>)>,
}

impl SavedMapping {
    /// Decodes a mapping stored as JSON in `table.column`. One that does not
    /// decode is an error naming where it is stored, never silently dropped;
    /// an empty one (`{}`, a run without choices) is `None`.
    pub fn from_stored(
        table: &'static str,
        column: &'static str,
        json: &str,
    ) -> Result<Option<Self>, StorageError> {
        let mapping: Self = serde_json::from_str(json).map_err(|err| StorageError::InvalidStoredValue {
            table,
            column,
            value: json.chars().take(200).collect(),
            reason: err.to_string(),
        })?;
        Ok((!mapping.columns.is_empty()).then_some(mapping))
    }
}

/// "column 3 (Surname)": how reports name a column.
pub fn describe_column(index: usize, header: &str) -> String {
    format!("{} ({header})", column_letter(index))
}

/// Spreadsheet-style column letters (A, B, …, Z, AA) so users can find the column.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn synonyms_are_recognised_ignoring_case_and_punctuation() {
        assert_eq!(Field::recognise("Unique Learner Number"), Some(Field::Uln));
        assert_eq!(Field::recognise("learner_ref"), Some(Field::MisId));
        assert_eq!(Field::recognise("ADMISSION NO."), Some(Field::MisId));
        assert_eq!(Field::recognise("first-name"), Some(Field::GivenName));
        assert_eq!(Field::recognise(" Family Name "), Some(Field::FamilyName));
        assert_eq!(Field::recognise("D.O.B."), Some(Field::DateOfBirth));
        assert_eq!(Field::recognise("Gender"), Some(Field::Sex));
        assert_eq!(Field::recognise("SEND"), Some(Field::Lldd));
        assert_eq!(Field::recognise("Disadvantaged"), Some(Field::FreeSchoolMeals));
        assert_eq!(Field::recognise("Suburb"), Some(Field::AddressLine2));
        assert_eq!(Field::recognise("Aim Title"), Some(Field::Programme));
        assert_eq!(Field::recognise("SSA"), Some(Field::SectorSubjectArea));
        assert_eq!(Field::recognise("Year Group"), Some(Field::Cohort));
        assert_eq!(Field::recognise("Tutor Group"), Some(Field::TutorGroup));
        assert_eq!(Field::recognise("Class"), Some(Field::TutorGroup));
        assert_eq!(Field::recognise("Reg. group"), Some(Field::TutorGroup));
        assert_eq!(Field::recognise("Withdrawn"), Some(Field::CompletionStatus));
        assert_eq!(Field::recognise("Favourite colour"), None);
        assert_eq!(Field::recognise(""), None);
    }

    #[test]
    fn no_synonym_is_claimed_by_two_fields() {
        let mut seen = std::collections::HashMap::new();
        for field in Field::ALL {
            assert_eq!(Field::from_key(field.key()), Some(*field));
            for synonym in field.synonyms() {
                if let Some(other) = seen.insert(fold(synonym), *field)
                    && other != *field
                {
                    panic!("`{synonym}` is claimed by {other:?} and {field:?}");
                }
            }
        }
    }

    #[test]
    fn unrecognised_columns_are_reported() {
        let mapping = ColumnMapping::detect(&headers(&["ULN", "Forename", "Surname", "Shoe size"]));
        assert_eq!(mapping.unrecognised(), vec!["Shoe size"]);
        assert_eq!(mapping.check(), Ok(()));
    }

    #[test]
    fn duplicated_and_missing_columns_are_refused_by_name() {
        let twice = ColumnMapping::detect(&headers(&["ULN", "Forename", "Surname", "Last name"]));
        let err = twice.check().expect_err("duplicated surname");
        assert_eq!(
            err.to_string(),
            "columns C (Surname) and D (Last name) both hold Surname; keep one (or map the other to 'ignore')"
        );
        let nothing = ColumnMapping::detect(&headers(&["a", "b"]));
        assert!(matches!(nothing.check(), Err(MappingError::NothingRecognised(_))));
        let no_id = ColumnMapping::detect(&headers(&["Forename", "Surname"]));
        assert_eq!(no_id.check(), Err(MappingError::Missing("ULN or MIS id")));
    }

    #[test]
    fn a_saved_mapping_overrides_detection() {
        let detected = ColumnMapping::detect(&headers(&["Ref", "Forename", "Surname", "Year"]));
        assert_eq!(detected.fields[0], None);
        let saved = SavedMapping {
            columns: vec![("ref".into(), Some(Field::MisId)), ("Year".into(), None)],
        };
        let mapping = detected.with_saved(&saved);
        assert_eq!(mapping.fields[0], Some(Field::MisId));
        assert_eq!(mapping.fields[3], None);
        assert_eq!(mapping.check(), Ok(()));
    }

    #[test]
    fn column_letters_run_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
