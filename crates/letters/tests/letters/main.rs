//! The letters as printed: the PDF is rendered to PNG by poppler's pdftoppm
//! (Debian's poppler-utils; `scripts/test` installs it), and the QR code on
//! each page is decoded from the pixels and must be that learner's link.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use onward_letters::{LetterPrinter, LetterTo, Letterhead};
use onward_notify::Language;
use onward_notify::templates::PersonalLink;

fn letterhead() -> Letterhead {
    Letterhead {
        organisation_name: "Coleg Glan Môr".to_owned(),
        address_lines: vec![
            "Heol y Coleg".to_owned(),
            "Abertawe".to_owned(),
            "SA1 1AA".to_owned(),
        ],
    }
}

fn learner(given: &str, family: &str, language: Language, token: &str) -> LetterTo {
    LetterTo {
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        address_lines: vec![
            "1 Ffordd y Môr".to_owned(),
            "Abertawe".to_owned(),
            "SA2 2BB".to_owned(),
        ],
        language,
        link: PersonalLink::parse(&format!("https://onward.glanmor.example/s/{token}")).expect("link"),
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("onward-letters-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Each page of `pdf` as a greyscale PNG file, through pdftoppm.
fn render_pages(pdf: &[u8], dir: &Path) -> Vec<PathBuf> {
    let file = dir.join("letters.pdf");
    std::fs::write(&file, pdf).expect("write the PDF");
    let status = Command::new("pdftoppm")
        .args(["-r", "150", "-gray", "-png"])
        .arg(&file)
        .arg(dir.join("page"))
        .status()
        .expect("pdftoppm runs (apt-get install poppler-utils)");
    assert!(status.success(), "pdftoppm failed on the PDF");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
        .collect();
    pages.sort();
    pages
}

/// The texts of the QR codes found in a greyscale PNG.
fn qr_codes(png_file: &Path) -> Vec<String> {
    let reader = std::io::BufReader::new(std::fs::File::open(png_file).expect("open png"));
    let mut reader = png::Decoder::new(reader).read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("a frame");
    let (width, height) = (info.width as usize, info.height as usize);
    let channels = info.line_size / width;
    assert!(
        matches!(info.bit_depth, png::BitDepth::Eight),
        "{:?}",
        info.bit_depth
    );
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        buffer[y * info.line_size + x * channels]
    });
    image
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("a readable QR code").1)
        .collect()
}

fn page_text(pdf_file: &Path, page: usize) -> String {
    let output = Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-layout"])
        .arg(pdf_file)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(output.status.success());
    String::from_utf8(output.stdout).expect("UTF-8 text")
}

#[test]
fn a_batch_prints_a_page_per_learner_in_their_language_with_a_qr_code_of_their_link() {
    let printer = LetterPrinter::new();
    let letters = [
        learner(
            "Sam",
            "Patel",
            Language::EnglishGb,
            "Qm7xW2rK9vT4pLs8aB3cD5eF6gH7jK8mN9pQ2rS3tU4",
        ),
        learner(
            "Siân",
            "Hughes",
            Language::Welsh,
            "Zx9yW8vU7tS6rQ5pN4mK3jH2gF1eD0cB9aZ8yX7wV6",
        ),
    ];
    let date = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
    let pdf = printer.batch(&letterhead(), &letters, date).expect("typeset");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");

    let dir = scratch_dir("batch");
    let pages = render_pages(&pdf, &dir);
    assert_eq!(pages.len(), 2, "one page per learner: {pages:?}");
    for (page, letter) in pages.iter().zip(&letters) {
        assert_eq!(qr_codes(page), [letter.link.as_str().to_owned()], "{page:?}");
    }

    let english = page_text(&dir.join("letters.pdf"), 1);
    for expected in [
        "Coleg Glan Môr",
        "SA1 1AA",
        "2 December 2026",
        "Dear Sam,",
        "Sam Patel",
        "Tell us what you are doing now",
    ] {
        assert!(
            english.contains(expected),
            "{expected:?} missing from page 1:\n{english}"
        );
    }
    assert!(
        english.contains(letters[0].link.as_str()),
        "the link is printed:\n{english}"
    );
    let welsh = page_text(&dir.join("letters.pdf"), 2);
    for expected in [
        "Annwyl Siân,",
        "2 Rhagfyr 2026",
        "Dywedwch wrthym beth rydych chi'n ei wneud nawr",
        "Yn gywir,",
    ] {
        assert!(
            welsh.contains(expected),
            "{expected:?} missing from page 2:\n{welsh}"
        );
    }
    assert!(!welsh.contains("Dear "), "English on the Welsh page:\n{welsh}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_learners_letter_is_one_page_and_markup_in_a_name_is_printed_as_text() {
    let printer = LetterPrinter::new();
    let mut letter = learner("#emph[Bo]", "O'Neill $x$", Language::EnglishGb, "abc123");
    letter.address_lines = vec!["#pagebreak()".to_owned()];
    let pdf = printer
        .letter(
            &letterhead(),
            &letter,
            NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
        )
        .expect("typeset");
    let dir = scratch_dir("single");
    let pages = render_pages(&pdf, &dir);
    assert_eq!(pages.len(), 1);
    let text = page_text(&dir.join("letters.pdf"), 1);
    assert!(text.contains("Dear #emph[Bo],"), "{text}");
    assert!(text.contains("#pagebreak()"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_empty_batch_is_refused() {
    let err = LetterPrinter::new()
        .batch(
            &letterhead(),
            &[],
            NaiveDate::from_ymd_opt(2026, 1, 5).expect("date"),
        )
        .expect_err("empty");
    assert!(err.to_string().contains("at least one"), "{err}");
}
