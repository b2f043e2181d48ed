//! Letters to learners as PDF, for the ones email and SMS do not reach: the
//! organisation's letterhead (name and address), the mail-merged text of
//! the learner's language (`onward_notify::templates`, Fluent), a QR code of
//! the personal link and the link printed under it. One PDF per learner, or
//! one PDF per batch with a page per learner, to print and post.
//!
//! Typeset with Typst (`typst-as-lib`, `typst-pdf`) from `letter.typ`. The
//! fonts are compiled in (`typst-assets`: Libertinus Serif, which has the
//! Welsh ŵ and ŷ, and DejaVu Sans Mono for the link): nothing is read from
//! the system or the network when a letter is made. This crate is apart from
//! `onward-notify` so that only what prints letters builds the typesetter.

use chrono::NaiveDate;
use onward_notify::Language;
use onward_notify::templates::{PersonalLink, long_date, text};
use qrcode::QrCode;
use qrcode::render::svg;
use typst::foundations::{Array, Bytes, Dict, IntoValue, Value};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("letter.typ");
/// The most letters one batch PDF holds (a print run is split above it).
pub const MAX_BATCH: usize = 5_000;
/// The most address lines printed.
pub const MAX_ADDRESS_LINES: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("the letter cannot be made: {0}")]
    Invalid(String),
    #[error("the letter could not be typeset: {0}")]
    Typeset(String),
}

/// The organisation at the top of every letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letterhead {
    pub organisation_name: String,
    pub address_lines: Vec<String>,
}

/// One learner's letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterTo {
    pub given_name: String,
    pub family_name: String,
    /// The postal address, one line each.
    pub address_lines: Vec<String>,
    pub language: Language,
    pub link: PersonalLink,
}

/// Makes letters; built once (the fonts are parsed then) and used for any number.
pub struct LetterPrinter {
    engine: TypstEngine<typst_as_lib::TypstTemplateMainFile>,
}

impl Default for LetterPrinter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for LetterPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LetterPrinter").finish_non_exhaustive()
    }
}

impl LetterPrinter {
    pub fn new() -> Self {
        let engine = TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(typst_assets::fonts())
            .build();
        Self { engine }
    }

    /// One learner's letter as a PDF.
    pub fn letter(
        &self,
        letterhead: &Letterhead,
        to: &LetterTo,
        date: NaiveDate,
    ) -> Result<Vec<u8>, LetterError> {
        self.batch(letterhead, std::slice::from_ref(to), date)
    }

    /// A batch's letters in one PDF, a page each, in the order given.
    pub fn batch(
        &self,
        letterhead: &Letterhead,
        letters: &[LetterTo],
        date: NaiveDate,
    ) -> Result<Vec<u8>, LetterError> {
        if letters.is_empty() {
            return Err(LetterError::Invalid("a batch has at least one letter".to_owned()));
        }
        if letters.len() > MAX_BATCH {
            return Err(LetterError::Invalid(format!(
                "a batch has at most {MAX_BATCH} letters; split it"
            )));
        }
        let mut inputs = Dict::new();
        inputs.insert(
            "organisation".into(),
            clean(&letterhead.organisation_name).into_value(),
        );
        inputs.insert("address".into(), lines(&letterhead.address_lines)?.into_value());
        inputs.insert(
            "title".into(),
            format!(
                "{}: {}",
                clean(&letterhead.organisation_name),
                text(letters[0].language, "letter-title", &[])
            )
            .into_value(),
        );
        let mut array = Array::new();
        for to in letters {
            array.push(letter_value(letterhead, to, date)?);
        }
        inputs.insert("letters".into(), array.into_value());
        let document: PagedDocument = self
            .engine
            .compile_with_input(inputs)
            .output
            .map_err(|err| LetterError::Typeset(err.to_string()))?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| LetterError::Typeset(format!("{errors:?}")))
    }
}

/// One line of text as printed: control characters (a stray tab or line
/// break from an import) become spaces, and it is trimmed.
fn clean(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn lines(address: &[String]) -> Result<Vec<String>, LetterError> {
    let lines: Vec<String> = address
        .iter()
        .map(|line| clean(line))
        .filter(|line| !line.is_empty())
        .collect();
    if lines.len() > MAX_ADDRESS_LINES {
        return Err(LetterError::Invalid(format!(
            "an address has at most {MAX_ADDRESS_LINES} lines"
        )));
    }
    Ok(lines)
}

fn letter_value(letterhead: &Letterhead, to: &LetterTo, date: NaiveDate) -> Result<Value, LetterError> {
    let language = to.language;
    let given_name = clean(&to.given_name);
    let organisation = clean(&letterhead.organisation_name);
    let args = [
        ("given_name", given_name.as_str()),
        ("organisation", organisation.as_str()),
    ];
    let t = |key: &str| text(language, key, &args);
    let mut recipient = vec![clean(&format!("{} {}", to.given_name, to.family_name))];
    recipient.extend(lines(&to.address_lines)?);
    let mut letter = Dict::new();
    letter.insert(
        "lang".into(),
        language
            .code()
            .split('-')
            .next()
            .unwrap_or("en")
            .to_lowercase()
            .into_value(),
    );
    letter.insert("date".into(), long_date(language, date).into_value());
    letter.insert("recipient".into(), recipient.into_value());
    letter.insert("title".into(), t("letter-title").into_value());
    letter.insert("salutation".into(), t("letter-salutation").into_value());
    letter.insert("body".into(), t("letter-body").into_value());
    letter.insert("scan".into(), t("letter-scan").into_value());
    letter.insert("sign_off".into(), t("letter-sign-off").into_value());
    letter.insert("link".into(), to.link.as_str().into_value());
    letter.insert(
        "qr".into(),
        Bytes::new(qr_svg(&to.link)?.into_bytes()).into_value(),
    );
    Ok(letter.into_value())
}

/// The personal link as a QR code in SVG, with its quiet zone, error
/// correction M (a crease or a smudge still scans).
pub fn qr_svg(link: &PersonalLink) -> Result<String, LetterError> {
    let code = QrCode::with_error_correction_level(link.as_str().as_bytes(), qrcode::EcLevel::M)
        .map_err(|err| LetterError::Invalid(format!("the link does not fit a QR code ({err})")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_cleaned_and_bounded() {
        assert_eq!(clean("  12 High St\t\n"), "12 High St");
        assert!(lines(&vec!["x".to_owned(); MAX_ADDRESS_LINES + 1]).is_err());
        assert_eq!(lines(&["".to_owned(), " a ".to_owned()]).expect("valid"), ["a"]);
    }
}
