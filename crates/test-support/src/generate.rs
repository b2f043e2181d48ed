//! Deterministic learner generators for benchmarks and load tests.

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
