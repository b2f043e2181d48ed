//! Deterministic learner generators for benchmarks and load tests.

use std::io::{BufWriter, Write};

use onward_domain::learner::NewLearner;
use onward_domain::person::PersonName;
use onward_domain::uln::Uln;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const GIVEN: &[&str] = &[
    "Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Arthur", "Ivy", "Leo", "Grace", "Harry",
    "Aisha", "Mohammed", "Zara", "Yusuf", "Priya", "Arjun", "Chloe", "Jack", "Niamh", "Rhys", "Oliwia",
    "Jakub",
];
const FAMILY: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
    "Khan", "Hussain", "Ali", "Ahmed", "Begum", "Singh", "Kaur", "Okafor", "Mensah", "Nowak", "Kowalski",
    "O'Brien", "Murphy", "Kelly", "Hughes", "Edwards", "Lewis", "Harris", "Martin", "Cooper", "King", "Lee",
];
const AREAS: &[&str] = &["LS", "BD", "HX", "WF", "HD", "YO", "S", "M", "B", "L"];

/// `count` distinct learners numbered from `first`, the same for the same seed.
pub fn learners(seed: u64, first: u64, count: u64) -> Vec<NewLearner> {
    let mut rng = StdRng::seed_from_u64(seed ^ first);
    (first..first + count)
        .map(|number| {
            let given = GIVEN[rng.random_range(0..GIVEN.len())];
            let family = FAMILY[rng.random_range(0..FAMILY.len())];
            // Distinct 9-digit prefixes; skip those without a valid check digit.
            let uln = Uln::from_first_nine(
                u32::try_from(100_000_000 + number * 7 % 899_999_999).unwrap_or(100_000_000),
            );
            NewLearner {
                uln,
                upn: None,
                mis_id: Some(format!("G{number:08}")),
                given_name: PersonName::parse(given).expect("static name"),
                family_name: PersonName::parse(family).expect("static name"),
                date_of_birth: chrono::NaiveDate::from_yo_opt(
                    1990 + rng.random_range(0..20),
                    rng.random_range(1..=365),
                ),
                sex: None,
                ethnicity: None,
                lldd: None,
                free_school_meals: None,
                care_leaver: None,
                send: None,
                postcode: Some(format!(
                    "{}{} {}{}{}",
                    AREAS[rng.random_range(0..AREAS.len())],
                    rng.random_range(1..30),
                    rng.random_range(1..10),
                    char::from(b'A' + rng.random_range(0..26)),
                    char::from(b'A' + rng.random_range(0..26)),
                )),
                ..NewLearner::named(
                    PersonName::parse(given).expect("static name"),
                    PersonName::parse(family).expect("static name"),
                )
            }
        })
        .collect()
}

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

/// Writes a deterministic MIS-style import file of `rows` rows to `out`: one
/// row per enrolment with the learner's fields repeated (23 columns), one
/// learner in nine on two rows (two programmes), one in eleven left early.
pub fn import_csv(rows: u64, out: impl Write) -> std::io::Result<()> {
    let learners_needed = rows - rows / 10;
    let mut out = BufWriter::with_capacity(1 << 20, out);
    writeln!(
        out,
        "ULN,Learner Ref,Forename,Surname,Date of birth,Sex,Ethnicity,LLDD,FSM,Address line 1,Town,Postcode,Email,Mobile,Course title,Level,SSA,Mode,Start date,Planned end date,Actual end date,Completion status,Cohort"
    )?;
    let mut written = 0u64;
    let chunk = 50_000;
    let mut first = 0;
    while written < rows && first < learners_needed {
        let count = chunk.min(learners_needed - first);
        for (offset, learner) in learners(7, first, count).into_iter().enumerate() {
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
                    "{},{},{},\"{}\",{},{},{},{},{},{} Mill Lane,{},{},{}.{}{}@example.org,07700 9{:05},{},{},{},{},{},30/06/2026,{},{},{}",
                    learner.uln.as_ref().map(|u| u.as_str()).unwrap_or_default(),
                    learner.mis_id.as_deref().unwrap_or_default(),
                    learner.given_name,
                    learner.family_name,
                    born,
                    if number.is_multiple_of(2) { "F" } else { "M" },
                    ETHNICITIES[(number % ETHNICITIES.len() as u64) as usize],
                    if number.is_multiple_of(7) { "Y" } else { "N" },
                    if number.is_multiple_of(5) { "Y" } else { "N" },
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
