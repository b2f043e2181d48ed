//! The template CSV offered for download: Onward's own header for every field
//! and two example rows (a school leaver and an adult learner who left early).

use crate::mapping::Field;

const EXAMPLES: [&[(Field, &str)]; 2] = [
    &[
        (Field::Uln, "1000000043"),
        (Field::Upn, "A123456789012"),
        (Field::MisId, "NA-2019-0042"),
        (Field::GivenName, "Amira"),
        (Field::FamilyName, "Khan"),
        (Field::DateOfBirth, "14/03/2010"),
        (Field::Sex, "F"),
        (Field::Ethnicity, "34"),
        (Field::Lldd, "N"),
        (Field::FreeSchoolMeals, "Y"),
        (Field::TutorGroup, "11A"),
        (Field::AddressLine1, "12 Mill Lane"),
        (Field::Town, "Leeds"),
        (Field::Postcode, "LS6 2AB"),
        (Field::Email, "amira.khan@example.org"),
        (Field::Mobile, "07700 900123"),
        (Field::Programme, "GCSEs"),
        (Field::Level, "2"),
        (Field::Mode, "FT"),
        (Field::StartDate, "01/09/2021"),
        (Field::PlannedEndDate, "30/06/2026"),
        (Field::CompletionStatus, "Continuing"),
        (Field::Cohort, "Year 11 leavers 2026"),
    ],
    &[
        (Field::MisId, "ST-88121"),
        (Field::GivenName, "Tomasz"),
        (Field::FamilyName, "Nowak"),
        (Field::DateOfBirth, "1988-07-02"),
        (Field::Phone, "0113 496 0000"),
        (Field::Programme, "Skills Bootcamp in Data"),
        (Field::Level, "3"),
        (Field::SectorSubjectArea, "6"),
        (Field::Mode, "PT"),
        (Field::StartDate, "06/01/2026"),
        (Field::PlannedEndDate, "27/03/2026"),
        (Field::ActualEndDate, "13/02/2026"),
        (Field::CompletionStatus, "Withdrawn"),
        (Field::Cohort, "Bootcamp Spring 2026"),
    ],
];

/// The template as CSV text (UTF-8, comma-separated, CRLF line ends as Excel writes).
pub fn template_csv() -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let headers: Vec<&str> = Field::ALL.iter().map(|field| field.header()).collect();
    let _ = writer.write_record(&headers);
    for example in EXAMPLES {
        let row: Vec<&str> = Field::ALL
            .iter()
            .map(|field| {
                example
                    .iter()
                    .find(|(f, _)| f == field)
                    .map_or("", |(_, value)| *value)
            })
            .collect();
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The template's documentation: each column with what it accepts.
pub fn template_fields() -> Vec<(&'static str, &'static str)> {
    Field::ALL
        .iter()
        .map(|field| (field.header(), field.description()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use chrono::NaiveDate;
    use onward_domain::organisation::CountryCode;

    use super::*;
    use crate::mapping::ColumnMapping;
    use crate::reader;
    use crate::row::{RowValidator, Severity};

    #[test]
    fn the_template_maps_every_field_and_its_examples_are_valid() {
        let table =
            reader::open(Cursor::new(template_csv().into_bytes()), "template.csv", None).expect("opens");
        let mapping = ColumnMapping::detect(&table.headers);
        assert!(mapping.unrecognised().is_empty(), "{:?}", mapping.unrecognised());
        assert_eq!(mapping.fields.iter().flatten().count(), Field::ALL.len());
        mapping.check().expect("usable");
        let validator = RowValidator::new(
            mapping,
            CountryCode::gb(),
            NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        );
        for row in table.rows() {
            let row = row.expect("row");
            let (valid, issues) = validator.validate(&row);
            assert!(valid.is_some(), "row {}: {issues:?}", row.number);
            assert!(
                issues.iter().all(|i| i.severity == Severity::Warning),
                "{issues:?}"
            );
            assert!(valid.expect("valid").enrolment.is_some());
        }
    }
}
