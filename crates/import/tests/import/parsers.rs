//! Property tests for the readers of single cell values and the domain parsers
//! they call: no input string makes them panic, every value written in an
//! accepted form reads back as itself, and near misses are refused.

use chrono::{Datelike, NaiveDate};
use onward_domain::enrolment::CompletionStatus;
use onward_domain::learner::{Ethnicity, Lldd, Sex};
use onward_domain::organisation::CountryCode;
use onward_domain::phone::PhoneNumber;
use onward_domain::postcode::Postcode;
use onward_domain::programme::{QualificationLevel, SectorSubjectArea, StudyMode};
use onward_domain::uln::{Uln, UlnError};
use onward_import::mapping::ColumnMapping;
use onward_import::reader::RawRow;
use onward_import::row::RowValidator;
use onward_import::values;
use proptest::prelude::*;

/// Enough cases to cover the formats, few enough to run in well under a second each.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Any text a cell may hold: arbitrary Unicode (control characters included),
/// text made of the characters the parsers look at, and very long text.
fn any_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9A-Za-z ./:+()\u{0}-\u{1f}\u{a0}\u{e9}\u{1F600}-]{0,24}",
        proptest::collection::vec(any::<char>(), 0..20_000).prop_map(String::from_iter),
        "[0-9]{0,400}",
    ]
}

fn dates() -> impl Strategy<Value = NaiveDate> {
    (1000_i32..=9999, 1_u32..=12, 1_u32..=31)
        .prop_filter_map("a real date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

/// A date whose year two digits can stand for (1970–2069, as spreadsheets read them).
fn two_digit_year_dates() -> impl Strategy<Value = NaiveDate> {
    dates().prop_map(|date| {
        let year = 1970 + date.year().rem_euclid(100);
        date.with_year(year)
            .or_else(|| date.with_day(28).and_then(|d| d.with_year(year)))
            .expect("28th exists in every year")
    })
}

/// Some surrounding blanks and a random upper/lower case of `text`.
fn as_typed(text: &str, upper: &[bool], pad: (usize, usize)) -> String {
    let cased: String = text
        .chars()
        .zip(upper.iter().cycle())
        .map(|(c, up)| {
            if *up {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    format!("{}{cased}{}", " ".repeat(pad.0), " ".repeat(pad.1))
}

/// A row reader for a file with the usual MIS columns.
fn validator() -> RowValidator {
    let headers: Vec<String> = [
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
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let mapping = ColumnMapping::detect(&headers);
    mapping.check().expect("usable mapping");
    RowValidator::new(
        mapping,
        CountryCode::gb(),
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
    )
}

/// A UK postcode's parts: outward code (area letters, district digit, optional
/// letter or digit) and inward code (digit and two letters).
fn uk_postcode() -> impl Strategy<Value = (String, String)> {
    ("[A-Z]{1,2}[0-9][A-Z0-9]?", "[0-9][A-Z]{2}")
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_cell_value_makes_a_reader_panic(text in any_cell()) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
        if let Ok(date) = values::date(&text) {
            let _ = values::plausible_birth_date(date, today);
        }
        let _ = values::excel_serial(&text);
        let _ = values::flag(&text);
        let _ = values::sex(&text);
        let _ = values::ethnicity(&text);
        let _ = values::lldd(&text);
        let _ = values::level(&text);
        let _ = values::sector_subject_area(&text);
        let _ = values::mode(&text);
        let _ = values::completion_status(&text);
    }

    #[test]
    fn no_text_makes_a_domain_parser_panic(text in any_cell()) {
        for country in [CountryCode::gb(), CountryCode::parse("FR").expect("country")] {
            let _ = Postcode::parse(&text, &country);
            let _ = PhoneNumber::parse(&text, &country);
        }
        let _ = Uln::parse(&text);
        let _ = onward_domain::person::PersonName::parse(&text);
        let _ = onward_domain::email::EmailAddress::parse(&text);
    }

    /// A whole row of hostile cells under every column the import knows is
    /// refused or read, never a panic.
    #[test]
    fn no_row_makes_the_validator_panic(cells in proptest::collection::vec(any_cell(), 0..20)) {
        let _ = validator().validate(&RawRow { number: 2, cells });
    }

    /// At the row level too: a ULN whose check digit is wrong is an error on
    /// the ULN column, and the row is not imported.
    #[test]
    fn a_row_with_a_wrong_uln_check_digit_is_refused(
        first_nine in 100_000_000_u32..=999_999_999,
        wrong in 0_u8..10,
    ) {
        let Some(uln) = Uln::from_first_nine(first_nine) else { return Ok(()) };
        prop_assume!(uln.as_str().as_bytes()[9] - b'0' != wrong);
        let changed = format!("{first_nine}{wrong}");
        prop_assume!(changed != onward_domain::uln::PLACEHOLDER);
        let mut cells: Vec<String> = [changed.as_str(), "A1", "Ada", "Lovelace", "10/12/2008"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        cells.resize(15, String::new());
        let (row, issues) = validator().validate(&RawRow { number: 2, cells });
        prop_assert!(row.is_none());
        prop_assert_eq!(&issues[0].column, "A (ULN)");
        prop_assert!(issues[0].reason.contains("check digit"), "{}", issues[0].reason);
    }

    #[test]
    fn dates_read_back_in_every_four_digit_year_format(
        date in dates(),
        separator in prop_oneof![Just('/'), Just('-'), Just('.')],
        padded in any::<bool>(),
        pad in (0_usize..3, 0_usize..3),
    ) {
        let day_month = if padded { "%d{s}%m{s}%Y" } else { "%-d{s}%-m{s}%Y" };
        let written = [
            date.format(&day_month.replace("{s}", &separator.to_string())).to_string(),
            date.format("%Y-%m-%d").to_string(),
            format!("{}T13:45:00", date.format("%Y-%m-%d")),
            format!("{} 08:30", date.format("%Y-%m-%d")),
            date.format("%-d %b %Y").to_string(),
            date.format("%-d %B %Y").to_string(),
            date.format("%d-%b-%Y").to_string().to_uppercase(),
        ];
        for text in written {
            let typed = format!("{}{text}{}", " ".repeat(pad.0), " ".repeat(pad.1));
            prop_assert_eq!(values::date(&typed), Ok(date), "{:?}", typed);
        }
    }

    #[test]
    fn dates_read_back_with_two_digit_years(date in two_digit_year_dates()) {
        for text in [
            date.format("%-d-%b-%y").to_string(),
            date.format("%d %b %y").to_string(),
            date.format("%d/%m/%y").to_string(),
        ] {
            prop_assert_eq!(values::date(&text), Ok(date), "{:?}", text);
        }
    }

    /// Excel's serial numbers count days from 1899-12-30; a time of day is a fraction.
    #[test]
    fn excel_serial_numbers_read_back(days in 61_u64..=109_574, fraction in 0_u32..100) {
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
        let date = epoch.checked_add_days(chrono::Days::new(days)).expect("in range");
        prop_assert_eq!(values::date(&days.to_string()), Ok(date));
        prop_assert_eq!(values::date(&format!("{days}.{fraction:02}")), Ok(date));
        prop_assert_eq!(values::excel_serial(&days.to_string()), Some(date));
    }

    #[test]
    fn impossible_days_are_refused(date in dates()) {
        // The day after the last of the month never exists.
        let last = date.with_day(1).expect("first")
            .checked_add_months(chrono::Months::new(1)).expect("next month")
            .pred_opt().expect("last day");
        let text = format!("{}/{:02}/{}", last.day() + 1, last.month(), last.year());
        prop_assert!(values::date(&text).is_err(), "{} accepted", text);
    }

    #[test]
    fn flags_read_back_however_they_are_cased(
        value in any::<bool>(),
        choice in 0_usize..5,
        upper in proptest::collection::vec(any::<bool>(), 1..6),
        pad in (0_usize..3, 0_usize..3),
    ) {
        let words = if value {
            ["y", "yes", "true", "1", "t"]
        } else {
            ["n", "no", "false", "0", "f"]
        };
        let typed = as_typed(words[choice], &upper, pad);
        prop_assert_eq!(values::flag(&typed), Ok(value), "{:?}", typed);
    }

    /// Every code list reads each of its values back from its code and from its
    /// label, in any case and with surrounding blanks.
    #[test]
    fn code_lists_read_back_from_code_and_label(
        index in any::<prop::sample::Index>(),
        upper in proptest::collection::vec(any::<bool>(), 1..6),
        pad in (0_usize..3, 0_usize..3),
    ) {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            index: &prop::sample::Index,
            code: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
            read: fn(&str) -> Result<T, String>,
            upper: &[bool],
            pad: (usize, usize),
        ) -> Result<(), TestCaseError> {
            let value = *index.get(all);
            for text in [code(value), label(value)] {
                let typed = as_typed(text, upper, pad);
                prop_assert_eq!(read(&typed), Ok(value), "{:?}", typed);
            }
            Ok(())
        }
        check(Sex::ALL, &index, Sex::code, Sex::label, values::sex, &upper, pad)?;
        check(Ethnicity::ALL, &index, Ethnicity::code, Ethnicity::label, values::ethnicity, &upper, pad)?;
        check(Lldd::ALL, &index, Lldd::code, Lldd::label, values::lldd, &upper, pad)?;
        check(QualificationLevel::ALL, &index, QualificationLevel::code, QualificationLevel::label, values::level, &upper, pad)?;
        check(SectorSubjectArea::ALL, &index, SectorSubjectArea::code, SectorSubjectArea::label, values::sector_subject_area, &upper, pad)?;
        check(StudyMode::ALL, &index, StudyMode::code, StudyMode::label, values::mode, &upper, pad)?;
        check(CompletionStatus::ALL, &index, CompletionStatus::code, CompletionStatus::label, values::completion_status, &upper, pad)?;
    }

    #[test]
    fn uk_postcodes_read_back_in_their_formatted_form(
        (outward, inward) in uk_postcode(),
        spaces in 0_usize..3,
        lower in any::<bool>(),
    ) {
        let formatted = format!("{outward} {inward}");
        let typed = format!("{outward}{}{inward}", " ".repeat(spaces));
        let typed = if lower { typed.to_lowercase() } else { typed };
        let gb = CountryCode::gb();
        let parsed = Postcode::parse(&typed, &gb).map(|p| p.as_str().to_owned());
        prop_assert_eq!(parsed, Ok(formatted.clone()));
        let again = Postcode::parse(&formatted, &gb).map(|p| p.as_str().to_owned());
        prop_assert_eq!(again, Ok(formatted));
    }

    /// A UK mobile reads to the same E.164 number however it is written, and
    /// the E.164 form reads back as itself.
    #[test]
    fn uk_mobiles_read_back_in_every_written_form(subscriber in "7[0-9]{9}") {
        let e164 = format!("+44{subscriber}");
        let gb = CountryCode::gb();
        let (a, b) = subscriber.split_at(4);
        for written in [
            format!("0{subscriber}"),
            format!("0{a} {b}"),
            format!("+44 ({a}) {b}"),
            format!("+44 0{a}-{b}"),
            format!("0044{subscriber}"),
            format!("0{a}.{b}"),
            e164.clone(),
        ] {
            let parsed = PhoneNumber::parse(&written, &gb);
            prop_assert_eq!(parsed.as_ref().map(PhoneNumber::as_str), Ok(e164.as_str()), "{:?}", written);
            prop_assert!(parsed.is_ok_and(|p| p.is_uk_mobile()));
        }
    }

    #[test]
    fn valid_ulns_read_back_and_a_wrong_check_digit_is_refused(
        first_nine in 100_000_000_u32..=999_999_999,
        wrong in 0_u8..10,
    ) {
        let Some(uln) = Uln::from_first_nine(first_nine) else {
            // No check digit fits these nine digits: every completion is refused.
            for last in 0..10 {
                let text = format!("{first_nine}{last}");
                prop_assert!(Uln::parse(&text).is_err(), "{} accepted", text);
            }
            return Ok(());
        };
        prop_assert_eq!(Uln::parse(&format!(" {uln} ")), Ok(uln.clone()));
        let right = uln.as_str().as_bytes()[9] - b'0';
        prop_assume!(wrong != right);
        let changed = format!("{first_nine}{wrong}");
        prop_assume!(changed != onward_domain::uln::PLACEHOLDER);
        prop_assert_eq!(
            Uln::parse(&changed),
            Err(UlnError::CheckDigit { expected: right, found: wrong })
        );
    }
}

/// Found by `no_text_makes_a_domain_parser_panic`: a UK postcode of the right
/// length in bytes whose last three bytes split a character made
/// `Postcode::parse` panic at its byte-counting split.
#[test]
fn postcodes_with_wide_characters_are_refused_not_a_panic() {
    for text in ["A1\u{1F600}", "AB1\u{1F600}", "\u{e9}1 2AB", "A\u{20AC}1AB"] {
        assert!(Postcode::parse(text, &CountryCode::gb()).is_err(), "{text:?}");
    }
}
