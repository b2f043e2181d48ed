//! Parsing helpers shared by forms: GOV.UK date inputs and optional choices.

use chrono::NaiveDate;

use super::chrome::FieldError;
use crate::i18n::Message;

/// Reads a GOV.UK date input (day, month, year boxes). All empty means no date;
/// anything else must be a real date, or the message says what is missing.
///
/// `label` is the Fluent key of the field's label (e.g. `label-results-day`).
pub fn parse_date_input(
    field: &'static str,
    label: &'static str,
    day: &str,
    month: &str,
    year: &str,
) -> Result<Option<NaiveDate>, FieldError> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    let error = |key: &'static str| FieldError::keyed(field, Message::new(key).with_key("label", label));
    if day.is_empty() || month.is_empty() || year.is_empty() {
        return Err(error("validation-date-incomplete"));
    }
    let (Ok(d), Ok(m), Ok(y)) = (day.parse::<u32>(), month.parse::<u32>(), year.parse::<i32>()) else {
        return Err(error("validation-date-not-numbers"));
    };
    if !(1900..=2200).contains(&y) {
        return Err(error("validation-date-year"));
    }
    NaiveDate::from_ymd_opt(y, m, d)
        .map(Some)
        .ok_or_else(|| error("validation-date-not-real"))
}

/// Why a ULN was refused, in words the page translates.
pub fn uln_problem(error: &onward_domain::uln::UlnError) -> Message {
    use onward_domain::uln::UlnError;
    match error {
        UlnError::WrongLength(found) => {
            Message::new("validation-uln-length").with("found", found.to_string())
        }
        UlnError::NotDigits => Message::new("validation-uln-digits"),
        UlnError::LeadingZero => Message::new("validation-uln-leading-zero"),
        UlnError::CheckDigit { expected, found } => Message::new("validation-uln-check-digit")
            .with("expected", expected.to_string())
            .with("found", found.to_string()),
        UlnError::NoValidCheckDigit => Message::new("validation-uln-no-check-digit"),
    }
}

/// A required, trimmed text of at most `max` characters; `label` is the key of
/// the field's label as it reads after "Enter" (e.g. `label-plan-name`).
pub fn required_text(
    field: &'static str,
    label: &'static str,
    value: &str,
    max: usize,
) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::keyed(
            field,
            Message::new("validation-required").with_key("label", label),
        ));
    }
    if value.chars().count() > max {
        return Err(FieldError::keyed(
            field,
            Message::new("validation-required-too-long")
                .with_key("label", label)
                .with("max", max.to_string()),
        ));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let label = "label-results-day";
        assert_eq!(parse_date_input("d", label, "", "", ""), Ok(None));
        assert_eq!(
            parse_date_input("d", label, "20", "8", "2026"),
            Ok(NaiveDate::from_ymd_opt(2026, 8, 20))
        );
        let err = parse_date_input("d", label, "31", "2", "2025").expect_err("impossible");
        let shown = |locale: &str| crate::i18n::Translator::new(locale).message(&err.message);
        assert_eq!(shown("en-GB"), "Results day must be a real date");
        assert_eq!(shown("cy"), "Diwrnod canlyniadau: rhowch ddyddiad go iawn");
        assert!(parse_date_input("d", label, "1", "", "2026").is_err());
        assert!(parse_date_input("d", label, "1", "1", "26").is_err());
        assert!(parse_date_input("d", label, "x", "1", "2026").is_err());
    }

    #[test]
    fn uln_problems_read_like_the_domain_in_english_and_are_translated() {
        for bad in ["123", "12345678x0", "0123456789", "9276308687"] {
            let error = onward_domain::uln::Uln::parse(bad).expect_err("invalid");
            let stored = uln_problem(&error).encode();
            let shown = |locale: &str| crate::i18n::Translator::new(locale).message(&stored);
            assert_eq!(shown("en-GB"), error.to_string());
            assert!(
                shown("cy").starts_with("Rhaid") || shown("cy").contains("ULN"),
                "{}",
                shown("cy")
            );
            assert_ne!(shown("cy"), shown("en-GB"));
        }
    }

    #[test]
    fn text() {
        assert_eq!(
            required_text("n", "label-cohort-name", "  Year 11 ", 10),
            Ok("Year 11".to_owned())
        );
        let empty = required_text("n", "label-cohort-name", "   ", 10).expect_err("empty");
        let shown = |locale: &str| crate::i18n::Translator::new(locale).message(&empty.message);
        assert_eq!(shown("en-GB"), "Enter a name for the cohort");
        assert_eq!(shown("cy"), "Mae angen enw ar gyfer y garfan");
        assert!(required_text("n", "label-cohort-name", "12345678901", 10).is_err());
    }
}
