//! The loader refuses broken survey files, naming the file and the item.

use onward_survey::{Catalogue, LANGUAGES, LoadError, shipped};

/// A small valid quick survey; tests break one thing in it at a time.
pub const TOML: &str = r#"
name = "tiny"
version = 1
purpose = "quick"
title = "title"
intro = "intro"
consent = "consent"
records = "destination"

[[pages]]
id = "now"
title = "now-title"
  [[pages.questions]]
  id = "now"
  type = "single"
  text = "now-text"
  required = true
  maps_to = "destination.category"
    [[pages.questions.options]]
    value = "working"
    text = "now-working"
    category = "emp_full_time"
    [[pages.questions.options]]
    value = "studying"
    text = "now-studying"
    category = "edu_other"
  [[pages.next]]
  when = { question = "now", any_of = ["working"] }
  page = "job"
  [[pages.next]]
  page = "end"

[[pages]]
id = "job"
title = "job-title"
  [[pages.questions]]
  id = "employer"
  type = "place"
  text = "employer-text"
  maps_to = "destination.employer"
"#;

pub const KEYS: &[(&str, &str)] = &[
    ("title", "A tiny survey"),
    ("intro", "Hello { $given_name }"),
    ("consent", "We use your answers"),
    ("now-title", "Now"),
    ("now-text", "What are you doing now?"),
    ("now-working", "Working"),
    ("now-studying", "Studying"),
    ("job-title", "Your job"),
    ("employer-text", "Who do you work for?"),
];

/// The Fluent file of `language`: English as given, other languages marked
/// so that nothing is left the same as English.
pub fn ftl(language: &str, keys: &[(&str, &str)]) -> String {
    keys.iter()
        .map(|(key, text)| {
            if language == "en-GB" {
                format!("{key} = {text}\n")
            } else {
                format!("{key} = [{language}] {text}\n")
            }
        })
        .collect()
}

pub fn files(toml: &str, keys: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut files = vec![("tiny/v1.toml".to_owned(), toml.to_owned())];
    for language in LANGUAGES {
        files.push((format!("tiny/v1/{language}.ftl"), ftl(language, keys)));
    }
    files
}

pub fn load_files(files: &[(String, String)]) -> Result<Catalogue, LoadError> {
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    Catalogue::from_files(&borrowed)
}

fn refused(files: &[(String, String)]) -> LoadError {
    match load_files(files) {
        Ok(_) => panic!("the loader accepted a broken survey"),
        Err(error) => error,
    }
}

/// Loads the tiny survey with `from` replaced by `to` in its TOML.
fn refused_toml(from: &str, to: &str) -> LoadError {
    assert!(TOML.contains(from), "test set-up: {from:?} is not in the TOML");
    refused(&files(&TOML.replacen(from, to, 1), KEYS))
}

fn assert_names(error: &LoadError, file: &str, item: &str, reason: &str) {
    assert_eq!(error.file, file, "{error}");
    assert!(error.item.contains(item), "item {item:?} not in: {error}");
    assert!(error.reason.contains(reason), "reason {reason:?} not in: {error}");
    let shown = error.to_string();
    assert!(shown.contains(file) && shown.contains(item), "{shown}");
}

#[test]
fn every_shipped_survey_loads_in_all_six_languages() {
    let catalogue = shipped().unwrap_or_else(|error| panic!("{error}"));
    let six = catalogue
        .get("follow-up-3-6-month", 1)
        .expect("the 6-month follow-up ships");
    for language in LANGUAGES {
        let title = six.text(language, &six.title);
        assert!(!title.is_empty() && title != six.title, "{language}: {title}");
    }
    assert_ne!(six.text("cy", &six.title), six.text("en-GB", &six.title));
    assert!(
        six.intro_for("cy", "Siân").contains("Siân"),
        "the intro greets the learner by name"
    );
}

/// Every message without arguments is formatted once when a survey loads;
/// what a page is given is what Fluent gives, in every language.
#[test]
fn texts_formatted_once_are_the_same_as_formatted_each_time() {
    let catalogue = shipped().unwrap_or_else(|error| panic!("{error}"));
    for survey in catalogue.all() {
        let mut ids = vec![survey.title.clone(), survey.consent.clone()];
        for page in &survey.pages {
            ids.push(page.title.clone());
            for question in &page.questions {
                ids.push(question.text.clone());
                ids.extend(question.hint.clone());
                for option in &question.options {
                    ids.push(option.text.clone());
                    ids.extend(option.hint.clone());
                }
            }
        }
        for language in LANGUAGES.iter().copied().chain(["cy-GB", "xx"]) {
            for id in &ids {
                let once = survey.message(language, id);
                assert!(
                    matches!(once, std::borrow::Cow::Borrowed(_)),
                    "{} {language} {id} is formatted once",
                    survey.label()
                );
                assert_eq!(
                    once,
                    survey.text_with(language, id, None),
                    "{} {language} {id}",
                    survey.label()
                );
            }
        }
    }
    let six = catalogue.get("follow-up-3-6-month", 1).expect("ships");
    assert_eq!(
        six.message("cy", "activity-text"),
        "Beth ydych chi’n ei wneud yn bennaf nawr?"
    );
    assert_eq!(
        six.message("en-GB", "activity-text"),
        "What are you mainly doing now?"
    );
    assert_eq!(
        six.message("xx", "activity-text"),
        "What are you mainly doing now?"
    );
    // The introduction takes the learner's name, so it is formatted each time.
    assert_eq!(
        six.message("cy", &six.intro),
        six.text_with("cy", &six.intro, None)
    );
    assert!(six.intro_for("en-GB", "Siân").contains("Siân"));
}

#[test]
fn the_tiny_survey_loads() {
    let catalogue = load_files(&files(TOML, KEYS)).unwrap_or_else(|error| panic!("{error}"));
    let tiny = catalogue.newest("tiny").expect("tiny");
    assert_eq!(tiny.pages.len(), 2);
    assert_eq!(tiny.text("es", "now-text"), "[es] What are you doing now?");
    assert_eq!(
        tiny.text("xx", "now-text"),
        "What are you doing now?",
        "unknown → English"
    );
}

#[test]
fn a_route_to_a_missing_page_is_refused() {
    let error = refused_toml("page = \"job\"", "page = \"jobs\"");
    assert_names(&error, "tiny/v1.toml", "page \"now\"", "missing page \"jobs\"");
}

#[test]
fn a_backward_route_is_refused() {
    let toml = format!("{TOML}\n  [[pages.next]]\n  page = \"now\"\n");
    let error = refused(&files(&toml, KEYS));
    assert_names(&error, "tiny/v1.toml", "page \"job\"", "routes only go forward");
}

#[test]
fn an_unreachable_page_is_refused() {
    let error = refused_toml(
        "  [[pages.next]]\n  when = { question = \"now\", any_of = [\"working\"] }\n  page = \"job\"\n",
        "",
    );
    assert_names(&error, "tiny/v1.toml", "page \"job\"", "no route leads");
}

#[test]
fn duplicate_page_and_question_ids_are_refused() {
    let error = refused_toml("id = \"job\"", "id = \"now\"");
    assert_names(&error, "tiny/v1.toml", "page \"now\"", "duplicate page id");
    let error = refused_toml("id = \"employer\"", "id = \"now\"");
    assert_names(
        &error,
        "tiny/v1.toml",
        "question \"now\"",
        "duplicate question id",
    );
    let error = refused_toml("value = \"studying\"", "value = \"working\"");
    assert_names(
        &error,
        "tiny/v1.toml",
        "option \"working\"",
        "duplicate option value",
    );
}

#[test]
fn a_route_on_an_unknown_question_or_value_is_refused() {
    let error = refused_toml("question = \"now\"", "question = \"then\"");
    assert_names(&error, "tiny/v1.toml", "page \"now\"", "\"then\"");
    let error = refused_toml("any_of = [\"working\"]", "any_of = [\"sleeping\"]");
    assert_names(&error, "tiny/v1.toml", "page \"now\"", "\"sleeping\"");
}

#[test]
fn a_text_id_missing_from_a_language_file_is_refused() {
    let mut files = files(TOML, KEYS);
    let welsh = files
        .iter_mut()
        .find(|(path, _)| path == "tiny/v1/cy.ftl")
        .expect("cy");
    welsh.1 = welsh.1.replace("employer-text = [cy] Who do you work for?\n", "");
    let error = refused(&files);
    assert_names(
        &error,
        "tiny/v1/cy.ftl",
        "message \"employer-text\"",
        "is missing",
    );
}

#[test]
fn a_text_id_no_file_defines_is_refused() {
    let error = refused_toml("text = \"employer-text\"", "text = \"employer-question\"");
    assert_names(&error, "tiny/v1/en-GB.ftl", "\"employer-question\"", "is missing");
}

#[test]
fn an_extra_message_is_refused() {
    let mut keys = KEYS.to_vec();
    keys.push(("stray", "Not used"));
    let error = refused(&files(TOML, &keys));
    assert_names(&error, "tiny/v1/en-GB.ftl", "message \"stray\"", "not used");
}

#[test]
fn a_missing_language_file_is_refused() {
    let files: Vec<_> = files(TOML, KEYS)
        .into_iter()
        .filter(|(path, _)| path != "tiny/v1/et.ftl")
        .collect();
    let error = refused(&files);
    assert_names(&error, "tiny/v1/et.ftl", "file", "all six languages");
}

#[test]
fn an_unknown_language_file_is_refused() {
    let mut files = files(TOML, KEYS);
    files.push(("tiny/v1/fr.ftl".to_owned(), ftl("fr", KEYS)));
    let error = refused(&files);
    assert_names(&error, "tiny/v1/fr.ftl", "file", "not one of the languages");
}

#[test]
fn a_message_left_in_english_is_refused() {
    let mut files = files(TOML, KEYS);
    let dutch = files
        .iter_mut()
        .find(|(path, _)| path == "tiny/v1/nl.ftl")
        .expect("nl");
    dutch.1 = dutch
        .1
        .replace("[nl] Who do you work for?", "Who do you work for?");
    let error = refused(&files);
    assert_names(
        &error,
        "tiny/v1/nl.ftl",
        "message \"employer-text\"",
        "same as in English",
    );
    // … unless the survey lists it as a name.
    let toml = TOML.replace(
        "records = \"destination\"",
        "records = \"destination\"\nuntranslated = [\"employer-text\"]",
    );
    let mut files = files.clone();
    files[0].1 = toml;
    load_files(&files).unwrap_or_else(|error| panic!("{error}"));
}

#[test]
fn keys_out_of_order_are_refused() {
    let mut files = files(TOML, KEYS);
    let mut swapped = KEYS.to_vec();
    swapped.swap(0, 1);
    let italian = files
        .iter_mut()
        .find(|(path, _)| path == "tiny/v1/it.ftl")
        .expect("it");
    italian.1 = ftl("it", &swapped);
    let error = refused(&files);
    assert_names(&error, "tiny/v1/it.ftl", "message", "out of order");
}

#[test]
fn a_fluent_syntax_error_or_unknown_variable_is_refused() {
    let mut files = files(TOML, KEYS);
    files[1].1.push_str("broken = { \n");
    let error = refused(&files);
    assert_names(&error, "tiny/v1/en-GB.ftl", "Fluent", "");
    let mut keys = KEYS.to_vec();
    keys[1] = ("intro", "Hello { $name }");
    let error = refused(&files_with(&keys));
    assert_names(&error, "tiny/v1/en-GB.ftl", "message \"intro\"", "$given_name");
}

fn files_with(keys: &[(&str, &str)]) -> Vec<(String, String)> {
    files(TOML, keys)
}

#[test]
fn an_unknown_maps_to_or_code_is_refused() {
    let error = refused_toml(
        "maps_to = \"destination.employer\"",
        "maps_to = \"destination.boss\"",
    );
    assert_names(
        &error,
        "tiny/v1.toml",
        "question \"employer\"",
        "not a known target",
    );
    let error = refused_toml("category = \"edu_other\"", "category = \"studying\"");
    assert_names(
        &error,
        "tiny/v1.toml",
        "option \"studying\"",
        "not a destination category code",
    );
}

#[test]
fn a_maps_to_on_the_wrong_question_type_is_refused() {
    let error = refused_toml(
        "maps_to = \"destination.employer\"",
        "maps_to = \"destination.start_date\"",
    );
    assert_names(
        &error,
        "tiny/v1.toml",
        "question \"employer\"",
        "needs a date question",
    );
}

#[test]
fn options_on_a_non_choice_question_are_refused() {
    let toml =
        format!("{TOML}    [[pages.questions.options]]\n    value = \"a\"\n    text = \"now-working\"\n");
    let error = refused(&files(&toml, KEYS));
    assert_names(&error, "tiny/v1.toml", "question \"employer\"", "has no options");
}

#[test]
fn a_choice_question_needs_options_with_the_keys_its_target_needs() {
    let error = refused_toml("    category = \"edu_other\"\n", "");
    assert_names(&error, "tiny/v1.toml", "option \"studying\"", "needs `category`");
    let error = refused_toml(
        "category = \"edu_other\"",
        "category = \"edu_other\"\n    flag = true",
    );
    assert_names(
        &error,
        "tiny/v1.toml",
        "option \"studying\"",
        "`flag` does not apply",
    );
}

#[test]
fn a_survey_that_records_a_destination_must_ask_for_one() {
    let error = refused_toml("maps_to = \"destination.category\"", "");
    // With no target, the option's category key is refused first.
    assert_names(&error, "tiny/v1.toml", "option", "`category` does not apply");
    let error = refused_toml("records = \"destination\"", "records = \"intention\"");
    assert_names(&error, "tiny/v1.toml", "maps_to", "intention.category");
}

#[test]
fn a_full_survey_must_have_opt_out_contact_and_alumni_questions() {
    let error = refused_toml("purpose = \"quick\"", "purpose = \"follow-up\"");
    assert_names(&error, "tiny/v1.toml", "maps_to", "optout");
}

#[test]
fn a_name_or_version_that_does_not_match_the_path_is_refused() {
    let error = refused_toml("name = \"tiny\"", "name = \"small\"");
    assert_names(&error, "tiny/v1.toml", "name", "folder");
    let error = refused_toml("version = 1", "version = 2");
    assert_names(&error, "tiny/v1.toml", "version", "v1.toml");
}

#[test]
fn toml_errors_and_unknown_keys_are_refused() {
    let error = refused_toml("required = true", "required = yes");
    assert_names(&error, "tiny/v1.toml", "TOML", "");
    let error = refused_toml("required = true", "requried = true");
    assert_names(&error, "tiny/v1.toml", "TOML", "requried");
    let error = refused_toml("type = \"place\"", "type = \"essay\"");
    assert_names(&error, "tiny/v1.toml", "question \"employer\"", "essay");
    let error = refused_toml("type = \"place\"", "type = \"text\"\n  past_only = true");
    assert_names(&error, "tiny/v1.toml", "question \"employer\"", "past_only");
}

#[test]
fn a_language_file_without_its_survey_is_refused() {
    let mut files = files(TOML, KEYS);
    files.push(("other/v1/en-GB.ftl".to_owned(), ftl("en-GB", KEYS)));
    let error = refused(&files);
    assert_names(&error, "other/v1/en-GB.ftl", "file", "no survey file");
}

#[test]
fn every_survey_a_shipped_plan_sends_exists() {
    let catalogue = shipped().unwrap_or_else(|error| panic!("{error}"));
    let plans = onward_domain::tracking::shipped_plans();
    let named: Vec<&str> = plans
        .iter()
        .flat_map(|plan| plan.checkpoints.iter())
        .filter_map(|point| point.survey.as_deref())
        .collect();
    assert!(named.len() >= 8, "the shipped plans name their surveys");
    for name in named {
        assert!(
            catalogue.newest(name).is_some(),
            "a shipped plan sends \"{name}\", which does not ship"
        );
    }
    for name in [
        "induction-baseline",
        "exit",
        "follow-up-3-6-month",
        "follow-up-12-month",
        "school-leaver-check",
        "vet-pre-graduation",
        "vet-post-graduation-6-month",
        "vet-post-graduation-18-month",
        "quick-check",
    ] {
        assert!(catalogue.newest(name).is_some(), "{name} ships");
    }
}
