//! Loads and checks survey files: `<name>/v<N>.toml` plus `<name>/v<N>/<lang>.ftl`
//! for every language of [`LANGUAGES`]. Any broken rule refuses the whole set,
//! naming the file and the item (surveys/FORMAT.md, "The loader refuses").

use std::collections::{BTreeMap, HashMap, HashSet};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentResource, FluentValue};
use onward_domain::destination::DestinationCategory;
use onward_domain::programme::{QualificationLevel, SectorSubjectArea};
use serde::Deserialize;

use crate::model::{
    Choice, Condition, END, LANGUAGES, OptionKey, Page, Purpose, Question, QuestionKind, Records, Rule,
    Suggest, Survey, Target,
};

/// A refused survey file: which file, which item in it, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("surveys/{file}: {item}: {reason}")]
pub struct LoadError {
    pub file: String,
    pub item: String,
    pub reason: String,
}

fn refuse(file: &str, item: impl Into<String>, reason: impl Into<String>) -> LoadError {
    LoadError {
        file: file.to_owned(),
        item: item.into(),
        reason: reason.into(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSurvey {
    name: String,
    version: u32,
    purpose: String,
    title: String,
    intro: String,
    consent: String,
    records: String,
    #[serde(default)]
    untranslated: Vec<String>,
    #[serde(default)]
    pages: Vec<RawPage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    id: String,
    title: String,
    #[serde(default)]
    questions: Vec<RawQuestion>,
    #[serde(default)]
    next: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    text: String,
    hint: Option<String>,
    #[serde(default)]
    required: bool,
    maps_to: Option<String>,
    #[serde(default)]
    options: Vec<RawOption>,
    exclusive: Option<String>,
    max_length: Option<usize>,
    multiline: Option<bool>,
    past_only: Option<bool>,
    month_only: Option<bool>,
    min: Option<i64>,
    max: Option<i64>,
    low_label: Option<String>,
    high_label: Option<String>,
    suggest: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    value: String,
    text: String,
    hint: Option<String>,
    category: Option<String>,
    sector: Option<String>,
    level: Option<String>,
    flag: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    when: Option<RawCondition>,
    page: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    question: String,
    any_of: Vec<String>,
}

fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 80
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The most characters a text answer may be allowed.
pub const MAX_TEXT_LENGTH: usize = 5000;
const DEFAULT_TEXT_LENGTH: usize = 500;
const DEFAULT_PLACE_LENGTH: usize = 200;

/// Loads every survey in `files` (path under `surveys/`, contents). Files
/// other than `*.toml` and `*.ftl` (FORMAT.md) are ignored.
pub fn load(files: &[(&str, &str)]) -> Result<Vec<Survey>, LoadError> {
    let mut tomls = Vec::new();
    let mut ftls: HashMap<String, Vec<(String, &str, &str)>> = HashMap::new();
    for (path, text) in files {
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            [_, file] if file.ends_with(".toml") => tomls.push((*path, *text)),
            [name, version, file] if file.ends_with(".ftl") => {
                let language = file.trim_end_matches(".ftl");
                ftls.entry(format!("{name}/{version}")).or_default().push((
                    language.to_owned(),
                    *path,
                    *text,
                ));
            }
            _ if path.ends_with(".toml") || path.ends_with(".ftl") => {
                return Err(refuse(
                    path,
                    "file",
                    "is not where a survey file belongs: use <name>/v<N>.toml or <name>/v<N>/<lang>.ftl",
                ));
            }
            _ => {}
        }
    }
    tomls.sort();
    let mut surveys = Vec::new();
    let mut seen = HashSet::new();
    for (path, text) in tomls {
        let stem = path.trim_end_matches(".toml");
        let languages = ftls.remove(stem).unwrap_or_default();
        let survey = load_one(path, text, languages)?;
        if !seen.insert((survey.name.clone(), survey.version)) {
            return Err(refuse(path, "version", "is defined twice"));
        }
        surveys.push(survey);
    }
    if let Some((stem, files)) = ftls.into_iter().next() {
        let file = files.first().map(|(_, path, _)| *path).unwrap_or_default();
        return Err(refuse(file, "file", format!("has no survey file {stem}.toml")));
    }
    Ok(surveys)
}

fn load_one(path: &str, text: &str, languages: Vec<(String, &str, &str)>) -> Result<Survey, LoadError> {
    let raw: RawSurvey = toml::from_str(text).map_err(|error| {
        refuse(
            path,
            "TOML",
            error.to_string().lines().collect::<Vec<_>>().join(" "),
        )
    })?;
    let (folder, file) = path.split_once('/').unwrap_or_default();
    if raw.name != folder {
        return Err(refuse(
            path,
            "name",
            format!("is \"{}\" but the folder is \"{folder}\"", raw.name),
        ));
    }
    if !is_id(&raw.name) {
        return Err(refuse(path, "name", "may use only a-z, 0-9 and -"));
    }
    if file != format!("v{}.toml", raw.version) {
        return Err(refuse(
            path,
            "version",
            format!("is {} but the file is {file}", raw.version),
        ));
    }
    let purpose = match raw.purpose.as_str() {
        "baseline" => Purpose::Baseline,
        "exit" => Purpose::Exit,
        "follow-up" => Purpose::FollowUp,
        "leaver-check" => Purpose::LeaverCheck,
        "vet-pre" => Purpose::VetPre,
        "vet-post" => Purpose::VetPost,
        "quick" => Purpose::Quick,
        other => return Err(refuse(path, "purpose", format!("\"{other}\" is not a purpose"))),
    };
    let records = match raw.records.as_str() {
        "destination" => Records::Destination,
        "intention" => Records::Intention,
        "none" => Records::None,
        other => {
            return Err(refuse(
                path,
                "records",
                format!("\"{other}\" is not destination, intention or none"),
            ));
        }
    };
    let mut ids = TextIds::default();
    for (item, id) in [
        ("title", &raw.title),
        ("intro", &raw.intro),
        ("consent", &raw.consent),
    ] {
        ids.add(path, item, id)?;
    }
    let mut pages = Vec::new();
    let mut page_ids = HashSet::new();
    let mut question_ids = HashSet::new();
    if raw.pages.is_empty() {
        return Err(refuse(path, "pages", "a survey needs at least one page"));
    }
    for raw_page in &raw.pages {
        let item = format!("page \"{}\"", raw_page.id);
        if !is_id(&raw_page.id) || raw_page.id == END {
            return Err(refuse(
                path,
                &item,
                "a page id uses only a-z, 0-9, - and _, and is not \"end\"",
            ));
        }
        if !page_ids.insert(raw_page.id.clone()) {
            return Err(refuse(path, &item, "duplicate page id"));
        }
        ids.add(path, &format!("{item} title"), &raw_page.title)?;
        if raw_page.questions.is_empty() {
            return Err(refuse(path, &item, "a page needs at least one question"));
        }
        let mut questions = Vec::new();
        for raw_question in &raw_page.questions {
            let question = question(path, raw_question, &mut ids)?;
            if !question_ids.insert(question.id.clone()) {
                return Err(refuse(
                    path,
                    format!("question \"{}\"", question.id),
                    "duplicate question id",
                ));
            }
            questions.push(question);
        }
        pages.push(Page {
            id: raw_page.id.clone(),
            title: raw_page.title.clone(),
            questions,
            next: Vec::new(),
        });
    }
    // Routes, now that every page and question is known.
    for (index, raw_page) in raw.pages.iter().enumerate() {
        let item = format!("page \"{}\"", raw_page.id);
        let mut rules = Vec::new();
        for raw_rule in &raw_page.next {
            let target = raw_rule.page.as_str();
            if target != END {
                match pages.iter().position(|page| page.id == target) {
                    None => {
                        return Err(refuse(
                            path,
                            &item,
                            format!("routes to a missing page \"{target}\""),
                        ));
                    }
                    Some(to) if to <= index => {
                        return Err(refuse(
                            path,
                            &item,
                            format!("routes back to \"{target}\": routes only go forward"),
                        ));
                    }
                    Some(_) => {}
                }
            }
            let when = match &raw_rule.when {
                None => None,
                Some(condition) => {
                    let asked = pages[..=index]
                        .iter()
                        .flat_map(|page| page.questions.iter())
                        .find(|question| question.id == condition.question)
                        .ok_or_else(|| {
                            refuse(
                                path,
                                &item,
                                format!(
                                    "a route asks about \"{}\", which is not a question on this or an earlier page",
                                    condition.question
                                ),
                            )
                        })?;
                    if !asked.kind.is_choice() {
                        return Err(refuse(
                            path,
                            &item,
                            format!(
                                "a route asks about \"{}\", which is not a choice question",
                                asked.id
                            ),
                        ));
                    }
                    if condition.any_of.is_empty() {
                        return Err(refuse(path, &item, "a route's any_of is empty"));
                    }
                    for value in &condition.any_of {
                        if asked.option(value).is_none() {
                            return Err(refuse(
                                path,
                                &item,
                                format!(
                                    "a route names \"{value}\", which is not an option of \"{}\"",
                                    asked.id
                                ),
                            ));
                        }
                    }
                    Some(Condition {
                        question: condition.question.clone(),
                        any_of: condition.any_of.clone(),
                    })
                }
            };
            rules.push(Rule {
                when,
                page: target.to_owned(),
            });
        }
        pages[index].next = rules;
    }
    check_reachable(path, &pages)?;
    check_mappings(path, purpose, records, &pages)?;
    for id in &raw.untranslated {
        if !ids.order.contains(id) {
            return Err(refuse(
                path,
                format!("untranslated \"{id}\""),
                "is not a message id of this survey",
            ));
        }
    }
    let texts = texts(path, &ids, &raw.untranslated, languages)?;
    let fixed = crate::model::fixed_texts(&texts, &ids.order);
    Ok(Survey {
        name: raw.name,
        version: raw.version,
        purpose,
        title: raw.title,
        intro: raw.intro,
        consent: raw.consent,
        records,
        pages,
        texts,
        fixed,
    })
}

/// Message ids the TOML names, in first-use order.
#[derive(Default)]
struct TextIds {
    order: Vec<String>,
}

impl TextIds {
    fn add(&mut self, path: &str, item: &str, id: &str) -> Result<(), LoadError> {
        if !is_id(id) {
            return Err(refuse(
                path,
                item,
                format!("\"{id}\" is not a message id (a-z, 0-9, - and _)"),
            ));
        }
        if !self.order.iter().any(|known| known == id) {
            self.order.push(id.to_owned());
        }
        Ok(())
    }
}

fn question(path: &str, raw: &RawQuestion, ids: &mut TextIds) -> Result<Question, LoadError> {
    let item = format!("question \"{}\"", raw.id);
    if !is_id(&raw.id) {
        return Err(refuse(path, &item, "a question id uses only a-z, 0-9, - and _"));
    }
    ids.add(path, &item, &raw.text)?;
    if let Some(hint) = &raw.hint {
        ids.add(path, &item, hint)?;
    }
    let type_name = raw.kind.as_str();
    let unexpected = |key: &str, present: bool| -> Result<(), LoadError> {
        if present {
            Err(refuse(
                path,
                &item,
                format!("`{key}` does not apply to a {type_name} question"),
            ))
        } else {
            Ok(())
        }
    };
    let (is_text, is_number) = (
        matches!(type_name, "text" | "place"),
        matches!(type_name, "number" | "scale"),
    );
    unexpected("exclusive", raw.exclusive.is_some() && type_name != "multiple")?;
    unexpected("max_length", raw.max_length.is_some() && !is_text)?;
    unexpected("multiline", raw.multiline.is_some() && type_name != "text")?;
    unexpected("past_only", raw.past_only.is_some() && type_name != "date")?;
    unexpected("month_only", raw.month_only.is_some() && type_name != "date")?;
    unexpected("min", raw.min.is_some() && !is_number)?;
    unexpected("max", raw.max.is_some() && !is_number)?;
    unexpected("low_label", raw.low_label.is_some() && type_name != "scale")?;
    unexpected("high_label", raw.high_label.is_some() && type_name != "scale")?;
    unexpected("suggest", raw.suggest.is_some() && type_name != "place")?;
    let max_length = |default: usize| -> Result<usize, LoadError> {
        let max = raw.max_length.unwrap_or(default);
        if max == 0 || max > MAX_TEXT_LENGTH {
            return Err(refuse(
                path,
                &item,
                format!("max_length must be from 1 to {MAX_TEXT_LENGTH}"),
            ));
        }
        Ok(max)
    };
    let kind = match type_name {
        "single" => QuestionKind::Single,
        "multiple" => QuestionKind::Multiple {
            exclusive: raw.exclusive.clone(),
        },
        "text" => QuestionKind::Text {
            max_length: max_length(DEFAULT_TEXT_LENGTH)?,
            multiline: raw.multiline.unwrap_or(false),
        },
        "date" => QuestionKind::Date {
            past_only: raw.past_only.unwrap_or(false),
            month_only: raw.month_only.unwrap_or(false),
        },
        "number" | "scale" => {
            let (min, max) = if type_name == "number" {
                (raw.min.unwrap_or(0), raw.max.unwrap_or(1_000_000))
            } else {
                (raw.min.unwrap_or(1), raw.max.unwrap_or(5))
            };
            if min >= max {
                return Err(refuse(path, &item, "min must be less than max"));
            }
            if type_name == "scale" {
                if max - min > 10 {
                    return Err(refuse(path, &item, "a scale has at most 11 points"));
                }
                for label in [&raw.low_label, &raw.high_label].into_iter().flatten() {
                    ids.add(path, &item, label)?;
                }
                QuestionKind::Scale {
                    min,
                    max,
                    low_label: raw.low_label.clone(),
                    high_label: raw.high_label.clone(),
                }
            } else {
                QuestionKind::Number { min, max }
            }
        }
        "place" => QuestionKind::Place {
            suggest: match raw.suggest.as_deref() {
                None => None,
                Some("employer") => Some(Suggest::Employer),
                Some("institution") => Some(Suggest::Institution),
                Some("course") => Some(Suggest::Course),
                Some(other) => {
                    return Err(refuse(
                        path,
                        &item,
                        format!("suggest \"{other}\" is not employer, institution or course"),
                    ));
                }
            },
            max_length: max_length(DEFAULT_PLACE_LENGTH)?,
        },
        other => {
            return Err(refuse(
                path,
                &item,
                format!("type \"{other}\" is not single, multiple, text, date, number, scale or place"),
            ));
        }
    };
    let maps_to = match &raw.maps_to {
        None => None,
        Some(name) => {
            let target = Target::from_name(name)
                .ok_or_else(|| refuse(path, &item, format!("maps_to \"{name}\" is not a known target")))?;
            if !target.allowed_types().contains(&type_name) {
                return Err(refuse(
                    path,
                    &item,
                    format!(
                        "maps_to \"{name}\" needs a {} question, not {type_name}",
                        target.allowed_types().join(" or ")
                    ),
                ));
            }
            Some(target)
        }
    };
    if !kind.is_choice() && !raw.options.is_empty() {
        return Err(refuse(
            path,
            &item,
            format!("a {type_name} question has no options"),
        ));
    }
    if kind.is_choice() && raw.options.len() < 2 {
        return Err(refuse(path, &item, "a choice question needs at least 2 options"));
    }
    let needed = maps_to.and_then(Target::option_key);
    let mut options: Vec<Choice> = Vec::new();
    for raw_option in &raw.options {
        let option_item = format!("{item} option \"{}\"", raw_option.value);
        if !is_id(&raw_option.value) {
            return Err(refuse(
                path,
                &option_item,
                "an option value uses only a-z, 0-9, - and _",
            ));
        }
        if options.iter().any(|option| option.value == raw_option.value) {
            return Err(refuse(path, &option_item, "duplicate option value"));
        }
        ids.add(path, &option_item, &raw_option.text)?;
        if let Some(hint) = &raw_option.hint {
            ids.add(path, &option_item, hint)?;
        }
        let present = [
            (OptionKey::Category, raw_option.category.is_some()),
            (OptionKey::Sector, raw_option.sector.is_some()),
            (OptionKey::Level, raw_option.level.is_some()),
            (OptionKey::Flag, raw_option.flag.is_some()),
        ];
        for (key, is_present) in present {
            if is_present && needed != Some(key) {
                return Err(refuse(
                    path,
                    &option_item,
                    format!(
                        "`{}` does not apply: the question maps to {}",
                        key.name(),
                        maps_to.map_or("nothing", Target::name)
                    ),
                ));
            }
            if !is_present && needed == Some(key) {
                return Err(refuse(
                    path,
                    &option_item,
                    format!(
                        "needs `{}`, because the question maps to {}",
                        key.name(),
                        maps_to.map_or("nothing", Target::name)
                    ),
                ));
            }
        }
        let category = match &raw_option.category {
            None => None,
            Some(code) => Some(DestinationCategory::from_code(code).ok_or_else(|| {
                refuse(
                    path,
                    &option_item,
                    format!("category \"{code}\" is not a destination category code"),
                )
            })?),
        };
        let sector = match raw_option.sector.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(code) => Some(Some(SectorSubjectArea::from_code(code).ok_or_else(|| {
                refuse(
                    path,
                    &option_item,
                    format!("sector \"{code}\" is not a tier-1 sector subject area code (1 to 15)"),
                )
            })?)),
        };
        let level = match raw_option.level.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(code) => Some(Some(QualificationLevel::from_code(code).ok_or_else(|| {
                refuse(
                    path,
                    &option_item,
                    format!("level \"{code}\" is not a qualification level code"),
                )
            })?)),
        };
        options.push(Choice {
            value: raw_option.value.clone(),
            text: raw_option.text.clone(),
            hint: raw_option.hint.clone(),
            category,
            sector,
            level,
            flag: raw_option.flag,
        });
    }
    if let QuestionKind::Multiple {
        exclusive: Some(value),
    } = &kind
        && !options.iter().any(|option| &option.value == value)
    {
        return Err(refuse(
            path,
            &item,
            format!("exclusive \"{value}\" is not one of its options"),
        ));
    }
    Ok(Question {
        id: raw.id.clone(),
        kind,
        text: raw.text.clone(),
        hint: raw.hint.clone(),
        required: raw.required,
        maps_to,
        options,
    })
}

/// Every page can be reached from the first (routes only go forward, so the
/// graph has no loops and one pass in page order finds them all).
fn check_reachable(path: &str, pages: &[Page]) -> Result<(), LoadError> {
    let mut reachable = vec![false; pages.len()];
    reachable[0] = true;
    for index in 0..pages.len() {
        if !reachable[index] {
            return Err(refuse(
                path,
                format!("page \"{}\"", pages[index].id),
                "no route leads to this page",
            ));
        }
        let page = &pages[index];
        let has_default = page.next.iter().any(|rule| rule.when.is_none());
        for rule in &page.next {
            if let Some(to) = pages.iter().position(|other| other.id == rule.page) {
                reachable[to] = true;
            }
        }
        if !has_default && index + 1 < pages.len() {
            reachable[index + 1] = true;
        }
    }
    Ok(())
}

fn check_mappings(path: &str, purpose: Purpose, records: Records, pages: &[Page]) -> Result<(), LoadError> {
    let targets: HashSet<Target> = pages
        .iter()
        .flat_map(|page| page.questions.iter())
        .filter_map(|question| question.maps_to)
        .collect();
    let need = |target: Target, why: &str| -> Result<(), LoadError> {
        if targets.contains(&target) {
            Ok(())
        } else {
            Err(refuse(
                path,
                "maps_to",
                format!("no question maps to {} ({why})", target.name()),
            ))
        }
    };
    match records {
        Records::Destination => need(Target::DestinationCategory, "records = \"destination\"")?,
        Records::Intention => need(Target::IntentionCategory, "records = \"intention\"")?,
        Records::None => {}
    }
    if purpose != Purpose::Quick {
        for target in [
            Target::OptOut,
            Target::ContactEmail,
            Target::ContactMobile,
            Target::ContactAddress,
            Target::AlumniOptIn,
            Target::AlumniStory,
            Target::AlumniPublish,
        ] {
            need(target, "every survey but a quick one has it")?;
        }
    }
    Ok(())
}

/// The Fluent files of a survey: one per language, each holding exactly the
/// TOML's message ids in the same order as English, none left in English.
fn texts(
    path: &str,
    ids: &TextIds,
    untranslated: &[String],
    files: Vec<(String, &str, &str)>,
) -> Result<Vec<(&'static str, FluentBundle<FluentResource>)>, LoadError> {
    let stem = path.trim_end_matches(".toml");
    let mut by_language: BTreeMap<&str, (String, &str)> = BTreeMap::new();
    for (language, file, text) in &files {
        let Some(code) = LANGUAGES.iter().copied().find(|code| code == language) else {
            return Err(refuse(
                file,
                "file",
                format!(
                    "\"{language}\" is not one of the languages {}",
                    LANGUAGES.join(", ")
                ),
            ));
        };
        by_language.insert(code, ((*file).to_owned(), text));
    }
    let mut english: HashMap<String, String> = HashMap::new();
    let mut english_order: Vec<String> = Vec::new();
    let mut bundles = Vec::new();
    for code in LANGUAGES {
        let Some((file, text)) = by_language.get(code) else {
            return Err(refuse(
                &format!("{stem}/{code}.ftl"),
                "file",
                "is missing: every survey needs all six languages",
            ));
        };
        let resource = FluentResource::try_new((*text).to_owned()).map_err(|(_, errors)| {
            refuse(
                file,
                "Fluent",
                errors.first().map(ToString::to_string).unwrap_or_default(),
            )
        })?;
        let mut order = Vec::new();
        let mut values: HashMap<String, String> = HashMap::new();
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(message) = entry {
                let id = message.id.name.to_owned();
                if values.contains_key(&id) {
                    return Err(refuse(file, format!("message \"{id}\""), "is defined twice"));
                }
                let value = message
                    .value
                    .as_ref()
                    .map(|pattern| {
                        pattern
                            .elements
                            .iter()
                            .map(|element| match element {
                                fluent_syntax::ast::PatternElement::TextElement { value } => {
                                    (*value).to_owned()
                                }
                                fluent_syntax::ast::PatternElement::Placeable { .. } => "{}".to_owned(),
                            })
                            .collect::<String>()
                    })
                    .unwrap_or_default();
                if value.trim().is_empty() {
                    return Err(refuse(file, format!("message \"{id}\""), "has no text"));
                }
                order.push(id.clone());
                values.insert(id, value);
            } else if let fluent_syntax::ast::Entry::Term(term) = entry {
                return Err(refuse(
                    file,
                    format!("term \"-{}\"", term.id.name),
                    "survey files hold plain messages only",
                ));
            }
        }
        for id in &ids.order {
            if !values.contains_key(id) {
                return Err(refuse(file, format!("message \"{id}\""), "is missing"));
            }
        }
        for id in &order {
            if !ids.order.contains(id) {
                return Err(refuse(
                    file,
                    format!("message \"{id}\""),
                    "is not used by the survey",
                ));
            }
        }
        if *code == LANGUAGES[0] {
            english = values.clone();
            english_order = order.clone();
        } else {
            if order != english_order {
                let at = order
                    .iter()
                    .zip(&english_order)
                    .find(|(a, b)| a != b)
                    .map(|(a, _)| a.clone())
                    .unwrap_or_default();
                return Err(refuse(
                    file,
                    format!("message \"{at}\""),
                    "is out of order: keep the keys in the same order as en-GB.ftl",
                ));
            }
            for id in &order {
                let same = english
                    .get(id)
                    .is_some_and(|english| english.trim() == values[id].trim());
                let short = values[id].trim().chars().count() < 4;
                if same && !short && !untranslated.contains(id) {
                    return Err(refuse(
                        file,
                        format!("message \"{id}\""),
                        "is the same as in English: translate it (or list it in `untranslated` if it is a name)",
                    ));
                }
            }
        }
        let language = code.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![language]);
        bundle.set_use_isolating(false);
        bundle
            .add_resource(resource)
            .map_err(|_| refuse(file, "Fluent", "defines a message twice"))?;
        // Check every message formats (a variable other than $given_name is a mistake).
        for id in &order {
            let mut errors = Vec::new();
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("given_name", FluentValue::from("Sam"));
            if let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) {
                let _ = bundle.format_pattern(pattern, Some(&args), &mut errors);
            }
            if !errors.is_empty() {
                return Err(refuse(
                    file,
                    format!("message \"{id}\""),
                    "does not format: only { $given_name } may be used",
                ));
            }
        }
        bundles.push((*code, bundle));
    }
    Ok(bundles)
}
