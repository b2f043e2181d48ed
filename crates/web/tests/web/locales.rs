//! Every non-English locale file is really translated: no `# untranslated`
//! marker, no value left identical to the English one, no English words left in
//! a translation. Reads every file under `locales/<code>/`, so the files other
//! areas add are covered as soon as they exist.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

const REFERENCE: &str = "en-GB";

/// Words that may stand unchanged in a translation: the product's name, names of
/// systems and schemes, acronyms, file formats, and words Welsh shares with
/// English ("staff", "Partner"), and the names of SMS encodings (GSM, Unicode).
const SAME_IN_EVERY_LANGUAGE: &[&str] = &[
    "Onward", "ULN", "UKPRN", "URN", "UPN", "MIS", "NEET", "SMS", "CSV", "XLSX", "XLS", "ODS", "PDF", "UCAS",
    "GCSE", "ESOL", "SIMS", "Arbor", "Bromcom", "ebs", "PICS", "HESA", "ILR", "NCCIS", "DfE", "VET", "IAG",
    "ILP", "HE", "MB", "ID", "LS6", "Smith", "Amelia", "Bootcamp", "Multiply", "T", "A", "staff", "Partner",
    "GSM", "Unicode",
];

/// Commands people type, which stay as they are in every language.
const COMMANDS: &[&str] = &["onward import learners"];

/// The text with commands and `code` spans taken out.
fn without_commands(text: &str) -> String {
    let mut kept = String::new();
    for (index, part) in text.split('`').enumerate() {
        if index % 2 == 0 {
            kept.push_str(part);
        }
    }
    for command in COMMANDS {
        kept = kept.replace(command, " ");
    }
    kept
}

/// Whole words that are English and not Welsh: one of them in a translation means
/// a sentence, or part of one, was left in English.
const ENGLISH_WORDS: &[&str] = &[
    "the",
    "and",
    "your",
    "you",
    "with",
    "this",
    "that",
    "have",
    "has",
    "been",
    "not",
    "for",
    "from",
    "which",
    "there",
    "will",
    "are",
    "is",
    "of",
    "to",
    "by",
    "or",
    "no",
    "yes",
    "save",
    "add",
    "edit",
    "learner",
    "learners",
    "cohort",
    "cohorts",
    "destination",
    "page",
    "status",
    "name",
];

fn locales_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")
}

fn ftl_files(locale: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(locale)
        .unwrap_or_else(|error| panic!("{}: {error}", locale.display()))
        .map(|entry| entry.expect("readable locale entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
        .collect();
    files.sort();
    files
}

/// The text of a pattern with each placeable replaced by `{}`: what a reader sees
/// apart from the values filled in.
fn visible_text(pattern: &Pattern<&str>) -> String {
    let mut text = String::new();
    for element in &pattern.elements {
        match element {
            PatternElement::TextElement { value } => text.push_str(value),
            PatternElement::Placeable { expression } => match expression {
                Expression::Inline(InlineExpression::StringLiteral { value }) => text.push_str(value),
                Expression::Select { variants, .. } => {
                    for variant in variants {
                        text.push(' ');
                        text.push_str(&visible_text(&variant.value));
                    }
                }
                Expression::Inline(_) => text.push_str("{}"),
            },
        }
    }
    text
}

/// Key → visible text of every message (and `key.attribute` of every attribute).
fn messages(path: &Path) -> BTreeMap<String, String> {
    let source = fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let resource = fluent_syntax::parser::parse(source.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", path.display()));
    let mut found = BTreeMap::new();
    for entry in resource.body {
        if let Entry::Message(message) = entry {
            if let Some(value) = &message.value {
                found.insert(message.id.name.to_owned(), visible_text(value));
            }
            for attribute in &message.attributes {
                found.insert(
                    format!("{}.{}", message.id.name, attribute.id.name),
                    visible_text(&attribute.value),
                );
            }
        }
    }
    found
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|word| !word.is_empty())
}

/// Whether a value needs no translation: nothing left once placeables, digits,
/// punctuation and the names and acronyms above are taken away.
fn needs_no_translation(text: &str) -> bool {
    words(text).all(|word| word.chars().all(|c| c.is_ascii_digit()) || SAME_IN_EVERY_LANGUAGE.contains(&word))
}

/// What is wrong with one translated file compared with its English namesake.
fn problems_in(file: &Path, reference: &BTreeMap<String, String>) -> Vec<String> {
    let name = file.display().to_string();
    let mut problems = Vec::new();
    let source = fs::read_to_string(file).unwrap_or_default();
    for (number, line) in source.lines().enumerate() {
        let comment = line.trim_start().trim_start_matches('#').trim().to_lowercase();
        if line.trim_start().starts_with('#')
            && (comment.starts_with("untranslated") || comment.starts_with("status: partial"))
        {
            problems.push(format!("{name}:{}: marker `{}`", number + 1, line.trim()));
        }
    }
    for (key, translated) in messages(file) {
        let Some(english) = reference.get(&key) else {
            problems.push(format!(
                "{name}: `{key}` is not in the {REFERENCE} file of the same name"
            ));
            continue;
        };
        if translated.trim() == english.trim() && !needs_no_translation(english) {
            problems.push(format!("{name}: `{key}` is the English text `{english}`"));
            continue;
        }
        let checked = without_commands(&translated);
        let left_in_english: Vec<&str> = words(&checked)
            .filter(|word| ENGLISH_WORDS.contains(&word.to_lowercase().as_str()))
            .filter(|word| words(english).any(|w| w == *word))
            .collect();
        if !left_in_english.is_empty() {
            problems.push(format!(
                "{name}: `{key}` = `{translated}` still has the English word(s) {left_in_english:?}"
            ));
        }
    }
    problems
}

#[test]
fn every_translated_locale_file_is_translated_with_no_markers_and_no_english_left() {
    let root = locales_dir();
    let reference_dir = root.join(REFERENCE);
    let mut checked = 0;
    let mut problems = Vec::new();
    for locale in fs::read_dir(&root).expect("locales directory") {
        let locale = locale.expect("readable locales entry").path();
        if !locale.is_dir() || locale.file_name().is_some_and(|name| name == REFERENCE) {
            continue;
        }
        for file in ftl_files(&locale) {
            let english = reference_dir.join(file.file_name().expect("a file name"));
            if !english.exists() {
                problems.push(format!(
                    "{}: no {REFERENCE} file of the same name",
                    file.display()
                ));
                continue;
            }
            problems.extend(problems_in(&file, &messages(&english)));
            checked += 1;
        }
    }
    assert!(
        checked >= 1,
        "no translated locale file found under {}",
        root.display()
    );
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_check_catches_markers_identical_values_and_english_left_in_a_translation() {
    let dir = std::env::temp_dir().join(format!("onward-locale-check-{}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    let english = dir.join("en.ftl");
    let welsh = dir.join("cy.ftl");
    fs::write(
        &english,
        "a = Save the cohort\nb = Cohorts\nc = ULN\nd = { $count } learners\ne = Not known\nf = Run onward import learners\n",
    )
    .expect("write");
    fs::write(
        &welsh,
        "# untranslated\na = Save the cohort\nb = Carfannau\nc = ULN\nd = { $count } learners yn y garfan\ne = Ddim yn hysbys\nf = Rhedwch onward import learners\n",
    )
    .expect("write");
    let problems = problems_in(&welsh, &messages(&english));
    fs::remove_dir_all(&dir).ok();
    let joined = problems.join("\n");
    assert!(joined.contains("marker `# untranslated`"), "{joined}");
    assert!(joined.contains("`a` is the English text"), "{joined}");
    assert!(
        joined.contains("`d` = `{} learners yn y garfan` still has the English word(s)"),
        "{joined}"
    );
    for fine in ["`b`", "`c`", "`e`", "`f`"] {
        assert!(!joined.contains(fine), "{joined}");
    }
    assert_eq!(problems.len(), 3, "{joined}");
}

/// Every label of every code list has its key in every locale, and the English
/// text is the domain's own `label()` (so import matching and pages agree).
#[test]
fn every_enum_label_has_a_key_in_every_locale_and_english_matches_the_domain() {
    use onward_domain::campaign::CampaignStatus;
    use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
    use onward_domain::crosswalk::Standard;
    use onward_domain::destination::{
        DestinationCategory, DestinationGroup, DestinationKind, DestinationSource, Verification,
    };
    use onward_domain::enrolment::CompletionStatus;
    use onward_domain::import::{OnError, RunStatus};
    use onward_domain::learner::{Ethnicity, Lldd, Sex};
    use onward_domain::organisation::OrganisationKind;
    use onward_domain::permissions::Action;
    use onward_domain::programme::{ProgrammeType, QualificationLevel, SectorSubjectArea, StudyMode};
    use onward_domain::role::Role;
    use onward_domain::support::{
        IntentionMatch, IntentionStage, OfferStatus, ReferralOutcome, ReferralType,
    };
    use onward_domain::tracking::{Anchor, TaskStatus};
    use onward_web::i18n::{LOCALES, defines, text};

    let mut missing = Vec::new();
    macro_rules! check {
        ($($name:ty),+ $(,)?) => {$(
            for value in <$name>::ALL {
                let key = value.label_key();
                for (locale, _) in LOCALES {
                    if !defines(locale, key) {
                        missing.push(format!("{locale}: {key}"));
                    }
                }
                assert_eq!(text("en-GB", key, None), value.label(), "{key}");
            }
        )+};
    }
    check!(
        ContactPointKind,
        ContactChannel,
        ContactDirection,
        ContactOutcome,
        Standard,
        DestinationKind,
        DestinationCategory,
        DestinationGroup,
        DestinationSource,
        Verification,
        CompletionStatus,
        OnError,
        RunStatus,
        Sex,
        Ethnicity,
        Lldd,
        OrganisationKind,
        Action,
        ProgrammeType,
        QualificationLevel,
        SectorSubjectArea,
        StudyMode,
        Role,
        IntentionStage,
        OfferStatus,
        ReferralType,
        ReferralOutcome,
        IntentionMatch,
        Anchor,
        TaskStatus,
        CampaignStatus,
    );
    assert!(missing.is_empty(), "labels with no key:\n{}", missing.join("\n"));
}

/// What each import template column accepts is shown in every locale, and the
/// English is the import crate's own description.
#[test]
fn every_import_column_description_has_a_key_in_every_locale() {
    use onward_import::mapping::Field;
    use onward_web::i18n::{LOCALES, defines, text};
    for field in Field::ALL {
        let key = onward_web::import_field_key(*field);
        for (locale, _) in LOCALES {
            assert!(defines(locale, &key), "{locale}: {key}");
        }
        assert_eq!(text("en-GB", &key, None), field.description(), "{key}");
    }
}

/// The learner site speaks six languages: every `survey-site-*` key is in each
/// of them, in the same order, and none is left in English.
#[test]
fn every_learner_site_key_is_in_all_six_languages_and_none_is_english() {
    use onward_web::survey::text::{SITE_LOCALES, keys_of, site_keys, text};
    let keys = site_keys();
    assert!(keys.len() > 30, "{keys:?}");
    assert_eq!(SITE_LOCALES.len(), 6);
    let args = [
        ("organisation", "Coleg"),
        ("date", "01/12/2026"),
        ("min", "1"),
        ("max", "9"),
        ("none", "X"),
    ];
    for (code, source) in SITE_LOCALES {
        assert_eq!(
            keys_of(source),
            keys,
            "{code}: the learner-site keys differ from en-GB's"
        );
    }
    for (code, _) in &SITE_LOCALES[1..] {
        for key in &keys {
            assert!(onward_web::survey::text::defines(code, key), "{code} lacks {key}");
            let english = text("en-GB", key, &args);
            let here = text(code, key, &args);
            assert!(
                here != english || english.chars().count() < 4,
                "{code}: {key} is left in English: {here}"
            );
        }
    }
}
