//! Reading single cell values the ways MIS exports write them: dates in several
//! formats and Excel serial numbers, yes/no flags, and code-list values given
//! as codes or labels. Each reader returns the reason a value was refused.

use chrono::{Datelike, NaiveDate};
use onward_domain::code_enum::fold;
use onward_domain::enrolment::CompletionStatus;
use onward_domain::learner::{Ethnicity, Lldd, Sex};
use onward_domain::programme::{QualificationLevel, SectorSubjectArea, StudyMode};

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Reads a date written dd/mm/yyyy (also with `-` or `.`), yyyy-mm-dd (an ISO
/// time part is ignored), d-Mon-yy or d Mon yyyy, or an Excel serial number.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let text = text.trim();
    let unreadable = || format!("`{text}` is not a date; write it as dd/mm/yyyy, yyyy-mm-dd or d-Mon-yy");
    if text.chars().all(|c| c.is_ascii_digit() || c == '.') && text.matches('.').count() <= 1 {
        return excel_serial(text).ok_or_else(unreadable);
    }
    // An ISO date with a time part ("2025-09-03T00:00:00"): the time is ignored.
    let date_part = match text.as_bytes().get(10) {
        Some(b'T' | b' ') if text.as_bytes()[..4].iter().all(u8::is_ascii_digit) => &text[..10],
        _ => text,
    };
    let parts: Vec<&str> = if date_part.contains(['/', '-', '.']) {
        date_part.split(['/', '-', '.']).map(str::trim).collect()
    } else {
        date_part.split(' ').filter(|p| !p.is_empty()).collect()
    };
    if parts.len() != 3 {
        return Err(unreadable());
    }
    let number = |part: &str| part.parse::<u32>().ok();
    let (year, month, day) = if parts[0].len() == 4 {
        (number(parts[0]), number(parts[1]), number(parts[2]))
    } else {
        let month = number(parts[1]).or_else(|| month_name(parts[1]));
        (
            number(parts[2]).map(|y| full_year(y, parts[2].len())),
            month,
            number(parts[0]),
        )
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(unreadable());
    };
    NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| format!("`{text}` is not a real date (no day {day} in month {month} of {year})"))
}

fn month_name(text: &str) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    let prefix = lower.get(..3)?;
    MONTHS.iter().position(|m| *m == prefix).map(|i| i as u32 + 1)
}

/// Two-digit years: 00–69 are 2000s, 70–99 are 1900s (as spreadsheets read them).
fn full_year(year: u32, digits: usize) -> u32 {
    match (digits, year) {
        (2, 0..=69) => 2000 + year,
        (2, _) => 1900 + year,
        _ => year,
    }
}

/// Excel's day count from 1899-12-30 (allowing for its 1900 leap-year bug);
/// a fraction is a time of day and is ignored. Only 1900–2199 is believable.
pub fn excel_serial(text: &str) -> Option<NaiveDate> {
    let serial: f64 = text.parse().ok()?;
    // Up to 2199-12-31 (serial 109574), with any time of day on it.
    if !(1.0..109_575.0).contains(&serial) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    epoch.checked_add_days(chrono::Days::new(serial.trunc() as u64))
}

/// Yes/no flags: Y/N, Yes/No, True/False, 1/0.
pub fn flag(text: &str) -> Result<bool, String> {
    match fold(text).as_str() {
        "y" | "yes" | "true" | "1" | "t" => Ok(true),
        "n" | "no" | "false" | "0" | "f" => Ok(false),
        _ => Err(format!("`{}` is not yes or no; write Y or N", text.trim())),
    }
}

pub fn sex(text: &str) -> Result<Sex, String> {
    let folded = fold(text);
    let found = match folded.as_str() {
        "girl" | "woman" => Some(Sex::Female),
        "boy" | "man" => Some(Sex::Male),
        "u" | "unknown" | "notknown" | "prefernottosay" => Some(Sex::NotKnown),
        "x" | "o" | "nonbinary" => Some(Sex::Other),
        _ => Sex::from_code_or_label(text),
    };
    found.ok_or_else(|| format!("`{}` is not a known sex; use F, M, X or U", text.trim()))
}

pub fn ethnicity(text: &str) -> Result<Ethnicity, String> {
    let folded = fold(text);
    let found = match folded.as_str() {
        "whitebritish" | "wbri" | "british" => Some(Ethnicity::WhiteBritish),
        "whiteirish" | "wiri" => Some(Ethnicity::WhiteIrish),
        "whiteother" | "woth" => Some(Ethnicity::WhiteOther),
        "notknown" | "notprovided" | "refused" | "nobt" | "refu" => Some(Ethnicity::NotKnown),
        _ => Ethnicity::from_code_or_label(text),
    };
    found.ok_or_else(|| {
        format!(
            "`{}` is not an ILR ethnicity code or label (31-47, 98, 99)",
            text.trim()
        )
    })
}

pub fn lldd(text: &str) -> Result<Lldd, String> {
    let folded = fold(text);
    let found = match folded.as_str() {
        "y" | "yes" | "true" | "1" | "send" | "ehcp" | "k" | "e" => Some(Lldd::Yes),
        "n" | "no" | "false" | "2" | "none" => Some(Lldd::No),
        "9" | "unknown" | "noinformation" | "notknown" => Some(Lldd::NoInformation),
        _ => Lldd::from_code_or_label(text),
    };
    found.ok_or_else(|| {
        format!(
            "`{}` is not a learning difficulty answer; use Y, N or 9",
            text.trim()
        )
    })
}

pub fn level(text: &str) -> Result<QualificationLevel, String> {
    let folded = fold(text);
    let stripped = folded
        .strip_prefix("level")
        .or_else(|| folded.strip_prefix("l"))
        .unwrap_or(&folded);
    let found = match stripped {
        "entry" | "e" => Some(QualificationLevel::Entry),
        "e1" | "entry1" => Some(QualificationLevel::Entry1),
        "e2" | "entry2" => Some(QualificationLevel::Entry2),
        "e3" | "entry3" => Some(QualificationLevel::Entry3),
        "12" => Some(QualificationLevel::Level1_2),
        other => QualificationLevel::from_code_or_label(other),
    };
    found.ok_or_else(|| {
        format!(
            "`{}` is not a qualification level; use Entry, E1-E3 or 1-8",
            text.trim()
        )
    })
}

/// SSA tier 1 by code or label; a tier 2 code such as `6.1` is read as its tier 1.
pub fn sector_subject_area(text: &str) -> Result<SectorSubjectArea, String> {
    let trimmed = text.trim();
    let tier_one = trimmed.split('.').next().unwrap_or(trimmed);
    SectorSubjectArea::from_code(tier_one)
        .or_else(|| SectorSubjectArea::from_code_or_label(trimmed))
        .ok_or_else(|| {
            format!("`{trimmed}` is not a sector subject area; use a tier 1 code 1-15 or its name")
        })
}

pub fn mode(text: &str) -> Result<StudyMode, String> {
    match fold(text).as_str() {
        "ft" | "f" | "fulltime" | "full" => Ok(StudyMode::FullTime),
        "pt" | "p" | "parttime" | "part" => Ok(StudyMode::PartTime),
        _ => Err(format!("`{}` is not a mode of study; use FT or PT", text.trim())),
    }
}

/// Completion status by name or ILR CompStatus code (1 continuing, 2 completed,
/// 3 withdrawn, 6 break); a Withdrawn column's Y/N is read too.
pub fn completion_status(text: &str) -> Result<CompletionStatus, String> {
    let found = match fold(text).as_str() {
        "1" | "continuing" | "current" | "active" | "n" | "no" => Some(CompletionStatus::Continuing),
        "2" | "completed" | "complete" | "achieved" | "finished" => Some(CompletionStatus::Completed),
        "3" | "withdrawn" | "withdrew" | "left" | "y" | "yes" | "earlyleaver" => {
            Some(CompletionStatus::WithdrewEarly)
        }
        "6" | "break" | "breakinlearning" | "onbreak" => Some(CompletionStatus::BreakInLearning),
        _ => CompletionStatus::from_code_or_label(text),
    };
    found.ok_or_else(|| {
        format!(
            "`{}` is not a completion status; use Continuing, Completed, Withdrawn or Break",
            text.trim()
        )
    })
}

/// Whether a date of birth is believable for a learner on `today`.
pub fn plausible_birth_date(born: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if born > today {
        return Err(format!("{born} is in the future"));
    }
    if today.year() - born.year() > 120 {
        return Err(format!("{born} is more than 120 years ago"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn dates_in_every_supported_format() {
        assert_eq!(date("03/09/2025"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("3/9/2025"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("03-09-2025"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("03.09.2025"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("2025-09-03"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("2025-09-03T00:00:00"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("2025-09-03 00:00:00"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("3-Sep-25"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("03-SEP-1998"), Ok(ymd(1998, 9, 3)));
        assert_eq!(date("03-OCT-2025"), Ok(ymd(2025, 10, 3)));
        assert_eq!(date("3 September 2025"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("14-Feb-89"), Ok(ymd(1989, 2, 14)));
        assert_eq!(date("45903"), Ok(ymd(2025, 9, 3)));
        assert_eq!(date("45903.5"), Ok(ymd(2025, 9, 3)));
    }

    #[test]
    fn impossible_and_unreadable_dates_say_why() {
        assert_eq!(
            date("31/02/2025"),
            Err("`31/02/2025` is not a real date (no day 31 in month 2 of 2025)".to_owned())
        );
        assert!(
            date("2025-13-01")
                .expect_err("month 13")
                .contains("not a real date")
        );
        assert!(date("next tuesday").expect_err("words").contains("is not a date"));
        assert!(
            date("3-Foo-25")
                .expect_err("month name")
                .contains("is not a date")
        );
        assert!(date("0").is_err());
        assert!(date("9999999").is_err());
    }

    #[test]
    fn code_values_accept_codes_and_common_labels() {
        assert_eq!(sex("Female"), Ok(Sex::Female));
        assert_eq!(sex("m"), Ok(Sex::Male));
        assert!(sex("Q").is_err());
        assert_eq!(ethnicity("31"), Ok(Ethnicity::WhiteBritish));
        assert_eq!(ethnicity("White British"), Ok(Ethnicity::WhiteBritish));
        assert_eq!(ethnicity("Indian"), Ok(Ethnicity::Indian));
        assert!(ethnicity("30").is_err());
        assert_eq!(lldd("Y"), Ok(Lldd::Yes));
        assert_eq!(lldd("9"), Ok(Lldd::NoInformation));
        assert_eq!(level("Level 3"), Ok(QualificationLevel::Level3));
        assert_eq!(level("L2"), Ok(QualificationLevel::Level2));
        assert_eq!(level("3"), Ok(QualificationLevel::Level3));
        assert_eq!(level("E3"), Ok(QualificationLevel::Entry3));
        assert_eq!(level("Entry"), Ok(QualificationLevel::Entry));
        assert!(level("9").is_err());
        assert_eq!(
            sector_subject_area("6.1"),
            Ok(SectorSubjectArea::DigitalTechnology)
        );
        assert_eq!(
            sector_subject_area("15"),
            Ok(SectorSubjectArea::BusinessAdministrationLaw)
        );
        assert_eq!(
            sector_subject_area("Digital Technology"),
            Ok(SectorSubjectArea::DigitalTechnology)
        );
        assert!(sector_subject_area("16").is_err());
        assert_eq!(mode("PT"), Ok(StudyMode::PartTime));
        assert_eq!(completion_status("3"), Ok(CompletionStatus::WithdrewEarly));
        assert_eq!(completion_status("Completed"), Ok(CompletionStatus::Completed));
        assert!(completion_status("maybe").is_err());
        assert_eq!(flag("Yes"), Ok(true));
        assert_eq!(flag("0"), Ok(false));
        assert!(flag("sometimes").is_err());
    }
}
