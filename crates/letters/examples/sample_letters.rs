//! Writes a sample batch (one English and one Welsh letter) to the PDF file
//! named on the command line, to look at the layout:
//!
//!   cargo run -p onward-letters --example sample_letters -- /tmp/letters.pdf

use onward_letters::{LetterPrinter, LetterTo, Letterhead};
use onward_notify::Language;
use onward_notify::templates::PersonalLink;

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "letters.pdf".to_owned());
    let letterhead = Letterhead {
        organisation_name: "Coleg Glan Môr".to_owned(),
        address_lines: vec![
            "Heol y Coleg".to_owned(),
            "Abertawe".to_owned(),
            "SA1 1AA".to_owned(),
        ],
    };
    let to = |given: &str, family: &str, language, token: &str| LetterTo {
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        address_lines: vec![
            "1 Ffordd y Môr".to_owned(),
            "Abertawe".to_owned(),
            "SA2 2BB".to_owned(),
        ],
        language,
        link: PersonalLink::parse(&format!("https://onward.glanmor.example/s/{token}")).expect("link"),
    };
    let letters = [
        to(
            "Sam",
            "Patel",
            Language::EnglishGb,
            "Qm7xW2rK9vT4pLs8aB3cD5eF6gH7jK8mN9pQ2rS3tU4",
        ),
        to(
            "Siân",
            "Hughes",
            Language::Welsh,
            "Zx9yW8vU7tS6rQ5pN4mK3jH2gF1eD0cB9aZ8yX7wV6",
        ),
    ];
    let today = chrono::Utc::now().date_naive();
    let pdf = LetterPrinter::new()
        .batch(&letterhead, &letters, today)
        .expect("typeset");
    std::fs::write(&out, pdf).expect("write the PDF");
    println!("{out}");
}
