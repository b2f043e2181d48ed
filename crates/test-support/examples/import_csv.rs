//! Writes a deterministic MIS-style import file for benchmarks and load tests:
//! one row per enrolment with the learner's fields repeated (23 columns), one
//! learner in ten on two rows (two programmes).
//!
//!     cargo run --release -p onward-test-support --example import_csv -- ROWS > learners.csv

use std::io::{BufWriter, Write};

use onward_test_support::generate;

const PROGRAMMES: &[(&str, &str, &str)] = &[
    ("A levels", "3", "13"),
    ("GCSEs", "2", "13"),
    ("T Level in Digital Production", "3", "6"),
    ("Skills Bootcamp in Data", "3", "6"),
    ("ESOL Entry 3", "E3", "14"),
    ("Level 2 Diploma in Health and Social Care", "2", "1"),
    ("Level 3 Extended Diploma in Engineering", "3", "4"),
    ("Multiply numeracy", "1", "14"),
    ("Level 2 Certificate in Construction", "2", "5"),
    ("Level 3 Business Administration Apprenticeship", "3", "15"),
    ("Level 1 Hairdressing", "1", "7"),
    ("Access to HE Diploma", "3", "14"),
];
const COHORTS: &[&str] = &[
    "Year 11 leavers 2026",
    "Year 13 leavers 2026",
    "Adult learners 2025-26",
    "Bootcamp Spring 2026",
    "Apprentices 2026",
];
const TOWNS: &[&str] = &[
    "Leeds",
    "Bradford",
    "Halifax",
    "Wakefield",
    "Huddersfield",
    "York",
];
const ETHNICITIES: &[&str] = &["31", "32", "33", "34", "35", "36", "39", "42", "43", "47", "98"];

fn main() -> std::io::Result<()> {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let learners_needed = rows - rows / 10;
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    writeln!(
        out,
        "ULN,Learner Ref,Forename,Surname,Date of birth,Sex,Ethnicity,LLDD,FSM,Address line 1,Town,Postcode,Email,Mobile,Course title,Level,SSA,Mode,Start date,Planned end date,Actual end date,Completion status,Cohort"
    )?;
    let mut written = 0u64;
    let chunk = 50_000;
    let mut first = 0;
    while written < rows && first < learners_needed {
        let count = chunk.min(learners_needed - first);
        for (offset, learner) in generate::learners(7, first, count).into_iter().enumerate() {
            let number = first + offset as u64;
            let repeats = if number % 9 == 8 { 2 } else { 1 };
            for enrolment in 0..repeats {
                if written == rows {
                    break;
                }
                written += 1;
                let (title, level, ssa) =
                    PROGRAMMES[((number + enrolment * 5) % PROGRAMMES.len() as u64) as usize];
                let cohort = COHORTS[(number % COHORTS.len() as u64) as usize];
                let left_early = number % 11 == 3;
                let born = learner
                    .date_of_birth
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{},{},{},\"{}\",{},{},{},{},{},{} Mill Lane,{},{},{}.{}{}@example.org,07700 9{:05},{},{},{},{},{},{},{},{},{}",
                    learner.uln.as_ref().map(|u| u.as_str()).unwrap_or_default(),
                    learner.mis_id.as_deref().unwrap_or_default(),
                    learner.given_name,
                    learner.family_name,
                    born,
                    if number % 2 == 0 { "F" } else { "M" },
                    ETHNICITIES[(number % ETHNICITIES.len() as u64) as usize],
                    if number % 7 == 0 { "Y" } else { "N" },
                    if number % 5 == 0 { "Y" } else { "N" },
                    1 + number % 200,
                    TOWNS[(number % TOWNS.len() as u64) as usize],
                    learner.postcode.as_deref().unwrap_or_default(),
                    learner.given_name.as_str().to_lowercase(),
                    learner.family_name.as_str().to_lowercase().replace('\'', ""),
                    number,
                    number % 100_000,
                    title,
                    level,
                    ssa,
                    if enrolment == 0 { "FT" } else { "PT" },
                    if enrolment == 0 {
                        "01/09/2024"
                    } else {
                        "2025-01-06"
                    },
                    "30/06/2026",
                    if left_early { "14/02/2025" } else { "" },
                    if left_early { "Withdrawn" } else { "Continuing" },
                    cohort,
                )?;
            }
        }
        first += count;
    }
    out.flush()
}
