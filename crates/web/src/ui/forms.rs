//! Parsing helpers shared by forms: GOV.UK date inputs and optional choices.

use chrono::NaiveDate;

use super::chrome::FieldError;

/// Reads a GOV.UK date input (day, month, year boxes). All empty means no date;
/// anything else must be a real date, or the message says what is missing.
pub fn parse_date_input(
    field: &'static str,
    label: &str,
    day: &str,
    month: &str,
    year: &str,
) -> Result<Option<NaiveDate>, FieldError> {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Ok(None);
    }
    let error = |message: String| FieldError { field, message };
    if day.is_empty() || month.is_empty() || year.is_empty() {
        return Err(error(format!("{label} must include a day, month and year")));
    }
    let (Ok(d), Ok(m), Ok(y)) = (day.parse::<u32>(), month.parse::<u32>(), year.parse::<i32>()) else {
        return Err(error(format!("{label} must be a real date, in numbers")));
    };
    if !(1900..=2200).contains(&y) {
        return Err(error(format!("{label} must have a 4-digit year, like 2026")));
    }
    NaiveDate::from_ymd_opt(y, m, d)
        .map(Some)
        .ok_or_else(|| error(format!("{label} must be a real date")))
}

/// A required, trimmed text of at most `max` characters.
pub fn required_text(
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError {
            field,
            message: format!("Enter {label}"),
        });
    }
    if value.chars().count() > max {
        return Err(FieldError {
            field,
            message: format!("{label} must be {max} characters or fewer"),
        });
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date_input("d", "Results day", "", "", ""), Ok(None));
        assert_eq!(
            parse_date_input("d", "Results day", "20", "8", "2026"),
            Ok(NaiveDate::from_ymd_opt(2026, 8, 20))
        );
        let err = parse_date_input("d", "Results day", "31", "2", "2025").expect_err("impossible");
        assert_eq!(err.message, "Results day must be a real date");
        assert!(parse_date_input("d", "Results day", "1", "", "2026").is_err());
        assert!(parse_date_input("d", "Results day", "1", "1", "26").is_err());
        assert!(parse_date_input("d", "Results day", "x", "1", "2026").is_err());
    }

    #[test]
    fn text() {
        assert_eq!(
            required_text("n", "a name", "  Year 11 ", 10),
            Ok("Year 11".to_owned())
        );
        assert!(required_text("n", "a name", "   ", 10).is_err());
        assert!(required_text("n", "a name", "12345678901", 10).is_err());
    }
}
