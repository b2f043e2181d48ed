//! Answers: parsing one page's form, routing by answer, and what a completed
//! survey's answers say (the domain values a completion writes).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use onward_domain::contact::ContactPointKind;
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_domain::email::EmailAddress;
use onward_domain::organisation::CountryCode;
use onward_domain::phone::PhoneNumber;
use onward_domain::programme::{QualificationLevel, SectorSubjectArea};
use serde::{Deserialize, Serialize};

use onward_domain::support::IntentionStage;

use crate::model::{END, Page, Purpose, Question, QuestionKind, Records, Survey, Target};

/// One question's answer, as stored (JSON) and checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Choice(String),
    Choices(Vec<String>),
    Text(String),
    Date(NaiveDate),
    Number(i64),
}

/// Answers by question id.
pub type Answers = BTreeMap<String, Answer>;

/// Why an answer was refused; each has a message in the learner site's
/// `survey-site.ftl` ([`Problem::message_key`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    Required,
    Choose,
    NotAnOption,
    Exclusive { none: String },
    NotANumber,
    OutOfRange { min: i64, max: i64 },
    TooLong { max: usize },
    InvalidDate,
    FutureDate,
    InvalidEmail,
    InvalidPhone,
}

impl Problem {
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Required => "survey-site-error-required",
            Self::Choose | Self::NotAnOption => "survey-site-error-choose",
            Self::Exclusive { .. } => "survey-site-error-exclusive",
            Self::NotANumber => "survey-site-error-number",
            Self::OutOfRange { .. } => "survey-site-error-number-range",
            Self::TooLong { .. } => "survey-site-error-too-long",
            Self::InvalidDate => "survey-site-error-date",
            Self::FutureDate => "survey-site-error-date-future",
            Self::InvalidEmail => "survey-site-error-email",
            Self::InvalidPhone => "survey-site-error-phone",
        }
    }
}

/// A refused answer: the question and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldProblem {
    pub question: String,
    pub problem: Problem,
}

/// A page's submission, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageSubmission {
    /// The answers given on the page (questions left empty are absent).
    pub answers: Answers,
    pub problems: Vec<FieldProblem>,
    /// Form fields that are no question of this page: ignored (and logged by the caller).
    pub ignored: Vec<String>,
}

/// The form field names of a question: the id, or `<id>-day`, `-month`, `-year` for a date.
pub fn field_names(question: &Question) -> Vec<String> {
    match question.kind {
        QuestionKind::Date { month_only, .. } => {
            let mut names = vec![format!("{}-month", question.id), format!("{}-year", question.id)];
            if !month_only {
                names.insert(0, format!("{}-day", question.id));
            }
            names
        }
        _ => vec![question.id.clone()],
    }
}

/// Keeps the text as typed but without control characters (other than new
/// lines in a multi-line answer) and with Windows line ends made plain. HTML and
/// formulae are kept as text: pages escape them and exports neutralise them.
fn clean_text(text: &str, multiline: bool) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_control() || (multiline && *c == '\n'))
        .collect();
    cleaned.trim().to_owned()
}

/// Checks one page's form (`fields` as posted, repeated names for checkboxes)
/// against the page's questions. `today` decides what "in the future" is;
/// `country` reads phone numbers.
pub fn parse_page(
    page: &Page,
    fields: &[(String, String)],
    today: NaiveDate,
    country: &CountryCode,
) -> PageSubmission {
    let mut submission = PageSubmission::default();
    let known: Vec<String> = page.questions.iter().flat_map(field_names).collect();
    for (name, _) in fields {
        if !known.contains(name) && !name.starts_with('_') && !submission.ignored.contains(name) {
            submission.ignored.push(name.clone());
        }
    }
    let values = |name: &str| -> Vec<&str> {
        fields
            .iter()
            .filter(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
            .collect()
    };
    let first = |name: &str| {
        values(name)
            .first()
            .map(|value| value.trim().to_owned())
            .unwrap_or_default()
    };
    for question in &page.questions {
        let result = match &question.kind {
            QuestionKind::Single => {
                let value = first(&question.id);
                if value.is_empty() {
                    Ok(None)
                } else if question.option(&value).is_some() {
                    Ok(Some(Answer::Choice(value)))
                } else {
                    Err(Problem::NotAnOption)
                }
            }
            QuestionKind::Multiple { exclusive } => {
                let mut chosen: Vec<String> = Vec::new();
                let mut bad = false;
                for value in values(&question.id) {
                    let value = value.trim();
                    if value.is_empty() {
                        continue;
                    }
                    if question.option(value).is_none() {
                        bad = true;
                    } else if !chosen.iter().any(|known| known == value) {
                        chosen.push(value.to_owned());
                    }
                }
                // Keep the options' order, whatever order the form sent.
                chosen.sort_by_key(|value| question.options.iter().position(|o| &o.value == value));
                if bad {
                    Err(Problem::NotAnOption)
                } else if let Some(none) = exclusive
                    && chosen.len() > 1
                    && chosen.contains(none)
                {
                    Err(Problem::Exclusive { none: none.clone() })
                } else if chosen.is_empty() {
                    Ok(None)
                } else {
                    Ok(Some(Answer::Choices(chosen)))
                }
            }
            QuestionKind::Text {
                max_length,
                multiline,
            } => {
                let raw = values(&question.id)
                    .first()
                    .map(|v| (*v).to_owned())
                    .unwrap_or_default();
                check_text(question, &clean_text(&raw, *multiline), *max_length, country)
            }
            QuestionKind::Place { max_length, .. } => {
                let raw = values(&question.id)
                    .first()
                    .map(|v| (*v).to_owned())
                    .unwrap_or_default();
                check_text(question, &clean_text(&raw, false), *max_length, country)
            }
            QuestionKind::Number { min, max } | QuestionKind::Scale { min, max, .. } => {
                let value = first(&question.id);
                if value.is_empty() {
                    Ok(None)
                } else {
                    match value.replace([',', ' '], "").parse::<i64>() {
                        Err(_) if matches!(question.kind, QuestionKind::Scale { .. }) => {
                            Err(Problem::NotAnOption)
                        }
                        Err(_) => Err(Problem::NotANumber),
                        Ok(number) if number < *min || number > *max => {
                            Err(Problem::OutOfRange { min: *min, max: *max })
                        }
                        Ok(number) => Ok(Some(Answer::Number(number))),
                    }
                }
            }
            QuestionKind::Date {
                past_only,
                month_only,
            } => {
                let day = if *month_only {
                    "1".to_owned()
                } else {
                    first(&format!("{}-day", question.id))
                };
                let month = first(&format!("{}-month", question.id));
                let year = first(&format!("{}-year", question.id));
                let typed_day = if *month_only { String::new() } else { day.clone() };
                if typed_day.is_empty() && month.is_empty() && year.is_empty() {
                    Ok(None)
                } else {
                    let parsed = (day.parse::<u32>(), month.parse::<u32>(), year.parse::<i32>());
                    match parsed {
                        (Ok(d), Ok(m), Ok(y)) if (1900..=2200).contains(&y) => {
                            match NaiveDate::from_ymd_opt(y, m, d) {
                                None => Err(Problem::InvalidDate),
                                Some(date) if *past_only && date > today => {
                                    // A month-only date is in the past when its month has begun.
                                    if *month_only
                                        && date.year() == today.year()
                                        && date.month() == today.month()
                                    {
                                        Ok(Some(Answer::Date(date)))
                                    } else {
                                        Err(Problem::FutureDate)
                                    }
                                }
                                Some(date) => Ok(Some(Answer::Date(date))),
                            }
                        }
                        _ => Err(Problem::InvalidDate),
                    }
                }
            }
        };
        match result {
            Ok(Some(answer)) => {
                submission.answers.insert(question.id.clone(), answer);
            }
            Ok(None) if question.required => submission.problems.push(FieldProblem {
                question: question.id.clone(),
                problem: if question.kind.is_choice() || matches!(question.kind, QuestionKind::Scale { .. }) {
                    Problem::Choose
                } else {
                    Problem::Required
                },
            }),
            Ok(None) => {}
            Err(problem) => submission.problems.push(FieldProblem {
                question: question.id.clone(),
                problem,
            }),
        }
    }
    submission
}

fn check_text(
    question: &Question,
    text: &str,
    max_length: usize,
    country: &CountryCode,
) -> Result<Option<Answer>, Problem> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_length {
        return Err(Problem::TooLong { max: max_length });
    }
    match question.maps_to {
        Some(Target::ContactEmail) => EmailAddress::parse(text)
            .map(|email| Some(Answer::Text(email.as_str().to_owned())))
            .map_err(|_| Problem::InvalidEmail),
        Some(Target::ContactMobile) => PhoneNumber::parse(text, country)
            .map(|phone| Some(Answer::Text(phone.as_str().to_owned())))
            .map_err(|_| Problem::InvalidPhone),
        _ => Ok(Some(Answer::Text(text.to_owned()))),
    }
}

/// Where the learner goes after `page`, given their answers so far: a page
/// index, or `None` for "check your answers".
pub fn next_page(survey: &Survey, page: usize, answers: &Answers) -> Option<usize> {
    let current = survey.pages.get(page)?;
    for rule in &current.next {
        let matches = match &rule.when {
            None => true,
            Some(condition) => match answers.get(&condition.question) {
                Some(Answer::Choice(value)) => condition.any_of.contains(value),
                Some(Answer::Choices(values)) => values.iter().any(|value| condition.any_of.contains(value)),
                _ => false,
            },
        };
        if matches {
            return if rule.page == END {
                None
            } else {
                survey.page_index(&rule.page)
            };
        }
    }
    (page + 1 < survey.pages.len()).then_some(page + 1)
}

/// The pages on the learner's route, in order, as their answers decide it.
pub fn route(survey: &Survey, answers: &Answers) -> Vec<usize> {
    let mut pages = vec![0];
    let mut at = 0;
    while let Some(next) = next_page(survey, at, answers) {
        if next <= at {
            break; // the loader refuses backward routes; never loop
        }
        pages.push(next);
        at = next;
    }
    pages
}

/// The page before `page` on the route (for the back link), if any.
pub fn previous_page(survey: &Survey, page: usize, answers: &Answers) -> Option<usize> {
    let route = route(survey, answers);
    let at = route.iter().position(|index| *index == page)?;
    at.checked_sub(1).map(|before| route[before])
}

/// The first page on the route with a required question left unanswered (or
/// a page never saved), where a resumed survey carries on; `None` when the
/// route is complete.
pub fn first_unfinished(survey: &Survey, answers: &Answers, saved_pages: &[String]) -> Option<usize> {
    route(survey, answers).into_iter().find(|index| {
        let page = &survey.pages[*index];
        !saved_pages.contains(&page.id)
            || page
                .questions
                .iter()
                .any(|question| question.required && !answers.contains_key(&question.id))
    })
}

/// Splits answers into those on the route and those off it (answers to pages
/// the learner later routed away from, or to questions the survey does not have).
pub fn on_route(survey: &Survey, answers: &Answers) -> (Answers, Vec<String>) {
    let pages = route(survey, answers);
    let mut kept = Answers::new();
    let mut dropped = Vec::new();
    for (id, answer) in answers {
        let on = survey
            .question(id)
            .and_then(|(page, _)| survey.page_index(&page.id))
            .is_some_and(|index| pages.contains(&index));
        if on {
            kept.insert(id.clone(), answer.clone());
        } else {
            dropped.push(id.clone());
        }
    }
    (kept, dropped)
}

pub use onward_domain::survey::{Alumni, ContactChange, IntentionAnswer, Outcome, SupportRequest};

fn join(into: &mut Option<String>, text: String) {
    match into {
        Some(existing) => {
            existing.push('\n');
            existing.push_str(&text);
        }
        None => *into = Some(text),
    }
}

/// What `answers` to `survey` say, on the learner's route only, as of `today`.
/// Option texts written into records (notes, support) are in English, for staff.
pub fn outcome(survey: &Survey, answers: &Answers, today: NaiveDate) -> Outcome {
    let (answers, ignored) = on_route(survey, answers);
    let english = |id: &str| survey.text("en-GB", id);
    let mut out = Outcome {
        ignored,
        ..Outcome::default()
    };
    let mut category: Option<DestinationCategory> = None;
    let mut record = DestinationRecord {
        kind: DestinationKind::Actual,
        category: DestinationCategory::NotKnown,
        as_of: today,
        start_date: None,
        end_date: None,
        institution: None,
        employer: None,
        job_role: None,
        hours_per_week: None,
        sector: None,
        course: None,
        level: None,
        source: DestinationSource::Survey,
        verification: Verification::LearnerConfirmed,
        notes: None,
    };
    let mut intention: Option<DestinationCategory> = None;
    let mut intention_notes: Option<String> = None;
    let mut alumni = Alumni::default();
    let mut support_asked: Vec<String> = Vec::new();
    let mut support_notes: Option<String> = None;
    let mut support_answered = false;
    for index in route(survey, &answers) {
        for question in &survey.pages[index].questions {
            let (Some(target), Some(answer)) = (question.maps_to, answers.get(&question.id)) else {
                continue;
            };
            let chosen = |answer: &Answer| match answer {
                Answer::Choice(value) => question.option(value),
                _ => None,
            };
            let text = match answer {
                Answer::Text(text) => Some(text.clone()),
                _ => None,
            };
            let flag = chosen(answer).and_then(|option| option.flag);
            match target {
                Target::DestinationCategory => {
                    category = category.or(chosen(answer).and_then(|option| option.category));
                }
                Target::DestinationEmployer => record.employer = record.employer.take().or(text),
                Target::DestinationJobTitle => record.job_role = record.job_role.take().or(text),
                Target::DestinationInstitution => record.institution = record.institution.take().or(text),
                Target::DestinationCourse | Target::DestinationApprenticeshipStandard => {
                    record.course = record.course.take().or(text);
                }
                Target::DestinationHoursPerWeek => {
                    if let Answer::Number(hours) = answer {
                        record.hours_per_week = record
                            .hours_per_week
                            .or(u16::try_from(*hours).ok().filter(|hours| *hours <= 168));
                    }
                }
                Target::DestinationSector => {
                    let sector: Option<SectorSubjectArea> =
                        chosen(answer).and_then(|option| option.sector).flatten();
                    record.sector = record.sector.or(sector);
                }
                Target::DestinationLevel => {
                    let level: Option<QualificationLevel> =
                        chosen(answer).and_then(|option| option.level).flatten();
                    record.level = record.level.or(level);
                }
                Target::DestinationStartDate => {
                    if let Answer::Date(date) = answer {
                        record.start_date = record.start_date.or(Some(*date));
                    }
                }
                Target::DestinationRelatesToCourse => {
                    let said = match answer {
                        Answer::Choice(_) => chosen(answer).map(|option| english(&option.text)),
                        Answer::Number(number) => match question.kind {
                            QuestionKind::Scale { max, .. } => Some(format!("{number} of {max}")),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(said) = said {
                        join(&mut record.notes, format!("Relates to the course: {said}"));
                    }
                }
                Target::DestinationNotes => {
                    if let Some(text) = text {
                        join(&mut record.notes, text);
                    }
                }
                Target::IntentionCategory => {
                    intention = intention.or(chosen(answer).and_then(|option| option.category));
                }
                Target::IntentionNotes => {
                    if let Some(text) = text {
                        join(&mut intention_notes, text);
                    }
                }
                Target::ContactEmail | Target::ContactMobile | Target::ContactAddress => {
                    if let Some(value) = text {
                        let kind = match target {
                            Target::ContactEmail => ContactPointKind::Email,
                            Target::ContactMobile => ContactPointKind::Phone,
                            _ => ContactPointKind::Address,
                        };
                        if !out.contact_changes.iter().any(|change| change.kind == kind) {
                            out.contact_changes.push(ContactChange { kind, value });
                        }
                    }
                }
                Target::ConsentContact => out.consent_contact = out.consent_contact.or(flag),
                Target::OptOut => out.opt_out = out.opt_out.or(flag),
                Target::AlumniOptIn => alumni.opt_in = alumni.opt_in.or(flag),
                Target::AlumniStory => alumni.story = alumni.story.take().or(text),
                Target::AlumniPublish => alumni.publish = alumni.publish.or(flag),
                Target::SupportRequest => {
                    support_answered = true;
                    let values: Vec<&String> = match answer {
                        Answer::Choice(value) => vec![value],
                        Answer::Choices(values) => values.iter().collect(),
                        _ => Vec::new(),
                    };
                    for value in values {
                        if let Some(option) = question.option(value)
                            && option.flag == Some(true)
                        {
                            support_asked.push(english(&option.text));
                        }
                    }
                }
                Target::SupportNotes => {
                    if let Some(text) = text {
                        join(&mut support_notes, text);
                    }
                }
            }
        }
    }
    if survey.records == Records::Destination
        && let Some(category) = category
    {
        record.category = category;
        out.destination = Some(record);
    } else if survey.records != Records::Destination && category.is_some() {
        // A survey that records intentions may still ask what they do now: kept as notes only.
        tracing::debug!(survey = %survey.label(), "destination answer in a survey that does not record one");
    }
    if let Some(category) = intention {
        out.intention = Some(IntentionAnswer {
            stage: match survey.purpose {
                Purpose::Baseline => IntentionStage::Induction,
                _ => IntentionStage::Exit,
            },
            category,
            notes: intention_notes,
        });
    }
    if alumni != Alumni::default() {
        out.alumni = Some(alumni);
    }
    if support_answered && !support_asked.is_empty() {
        out.support = Some(SupportRequest {
            asked: support_asked,
            notes: support_notes,
        });
    }
    out
}

/// An answer as the learner reads it on "check your answers", in `language`.
pub fn display(survey: &Survey, question: &Question, answer: &Answer, language: &str) -> Vec<String> {
    match answer {
        Answer::Choice(value) => match &question.kind {
            QuestionKind::Scale { .. } => vec![value.clone()],
            _ => vec![
                question
                    .option(value)
                    .map_or_else(|| value.clone(), |option| survey.text(language, &option.text)),
            ],
        },
        Answer::Choices(values) => values
            .iter()
            .map(|value| {
                question
                    .option(value)
                    .map_or_else(|| value.clone(), |option| survey.text(language, &option.text))
            })
            .collect(),
        Answer::Text(text) => text.lines().map(str::to_owned).collect(),
        Answer::Date(date) => vec![match question.kind {
            QuestionKind::Date { month_only: true, .. } => date.format("%m/%Y").to_string(),
            _ => date.format("%d/%m/%Y").to_string(),
        }],
        Answer::Number(number) => vec![number.to_string()],
    }
}

/// The form values that show `answer` again in its inputs (field name, value).
pub fn form_values(question: &Question, answer: &Answer) -> Vec<(String, String)> {
    match answer {
        Answer::Choice(value) | Answer::Text(value) => vec![(question.id.clone(), value.clone())],
        Answer::Choices(values) => values
            .iter()
            .map(|value| (question.id.clone(), value.clone()))
            .collect(),
        Answer::Number(number) => vec![(question.id.clone(), number.to_string())],
        Answer::Date(date) => {
            let mut values = vec![
                (format!("{}-month", question.id), date.month().to_string()),
                (format!("{}-year", question.id), date.year().to_string()),
            ];
            if !matches!(question.kind, QuestionKind::Date { month_only: true, .. }) {
                values.insert(0, (format!("{}-day", question.id), date.day().to_string()));
            }
            values
        }
    }
}
