//! The learner site's pages (askama, `templates/survey/`) and the view of a
//! question as its GOV.UK inputs.

use std::fmt;

use askama::Template;
use askama_web::WebTemplate;
use onward_survey::answers::{FieldProblem, Problem};
use onward_survey::model::language_name;
use onward_survey::{LANGUAGES, Question, QuestionKind, Survey};

use super::text;

/// One entry of the language switch.
pub struct LanguageLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

/// What every learner-site page carries: its language, title and switch.
pub struct Chrome {
    pub lang: &'static str,
    pub title: String,
    pub organisation: String,
    pub languages: Vec<LanguageLink>,
}

impl Chrome {
    /// `_base` and `_path` are unused: the switch links are relative (`?lang=cy`),
    /// so they keep whatever page they are on.
    pub fn new(lang: &'static str, title: String, organisation: &str, _base: &str, _path: &str) -> Self {
        Self {
            lang,
            title,
            organisation: organisation.to_owned(),
            languages: LANGUAGES
                .iter()
                .map(|code| LanguageLink {
                    code,
                    name: language_name(code),
                    href: format!("?lang={code}"),
                    current: *code == lang,
                })
                .collect(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        text::text(self.lang, key, &[])
    }

    pub fn footer(&self) -> String {
        text::text(
            self.lang,
            "survey-site-footer",
            &[("organisation", &self.organisation)],
        )
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "survey/message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub heading: String,
    pub body: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey/start.html")]
pub struct StartPage {
    pub chrome: Chrome,
    pub heading: String,
    pub intro: String,
    pub consent: String,
    pub resume: bool,
    pub next: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey/page.html")]
pub struct QuestionPage {
    pub chrome: Chrome,
    pub heading: String,
    pub back: String,
    pub action: String,
    /// (field id, message) for the error summary.
    pub errors: Vec<(String, String)>,
    pub questions: Vec<QuestionView>,
}

pub struct SummaryRow {
    pub key: String,
    pub lines: Vec<String>,
    pub change: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey/check.html")]
pub struct CheckPage {
    pub chrome: Chrome,
    pub heading: String,
    pub back: String,
    pub rows: Vec<SummaryRow>,
    pub action: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey/done.html")]
pub struct DonePage {
    pub chrome: Chrome,
    pub heading: String,
    pub body: String,
    pub viewing: String,
    pub rows: Vec<SummaryRow>,
}

/// Whether an option is ticked. In a page's fixed HTML (`super::fixed`) it
/// is a mark where the learner's choice goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checked {
    No,
    Yes,
    Mark(usize),
}

impl fmt::Display for Checked {
    /// The input's ` checked` attribute, or nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Checked::No => Ok(()),
            Checked::Yes => f.write_str(" checked"),
            Checked::Mark(slot) => f.write_str(&super::fixed::mark(*slot)),
        }
    }
}

pub struct OptionView {
    pub id: String,
    pub value: String,
    pub text: String,
    pub hint: Option<String>,
    pub checked: Checked,
    /// A "none of these" checkbox, set apart by "or".
    pub exclusive: bool,
}

/// A question as the template draws it.
pub struct QuestionView {
    pub id: String,
    /// radios | checkboxes | input | textarea | date
    pub widget: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub optional: bool,
    pub options: Vec<OptionView>,
    pub value: String,
    pub day: String,
    pub month: String,
    pub year: String,
    pub month_only: bool,
    pub input_type: &'static str,
    pub input_mode: &'static str,
    pub autocomplete: &'static str,
    pub width_class: &'static str,
    pub max_length: usize,
    pub or_text: String,
}

/// The first value of form field `name`, or "".
pub fn first<'a>(values: &'a [(String, String)], name: &str) -> &'a str {
    values
        .iter()
        .find(|(field, _)| field == name)
        .map_or("", |(_, value)| value.as_str())
}

/// Where a question view's per-learner values come from: the learner's
/// (saved or just sent) form values, or marks for a page's fixed HTML.
pub trait FieldValues {
    /// The value of form field `name`.
    fn value(&mut self, name: &str) -> String;
    /// Whether form field `name` holds `value` (a ticked option).
    fn checked(&mut self, name: &str, value: &str) -> Checked;
}

impl FieldValues for &[(String, String)] {
    fn value(&mut self, name: &str) -> String {
        first(self, name).to_owned()
    }

    fn checked(&mut self, name: &str, value: &str) -> Checked {
        if self.iter().any(|(field, v)| field == name && v == value) {
            Checked::Yes
        } else {
            Checked::No
        }
    }
}

impl QuestionView {
    pub fn new(
        survey: &Survey,
        question: &Question,
        lang: &'static str,
        mut values: impl FieldValues,
        error: Option<String>,
    ) -> Self {
        let id = question.id.clone();
        let option_id = |index: usize| {
            if index == 0 {
                id.clone()
            } else {
                format!("{id}-{}", index + 1)
            }
        };
        let mut view = Self {
            id: id.clone(),
            widget: "input",
            label: survey.text(lang, &question.text),
            hint: question.hint.as_ref().map(|hint| survey.text(lang, hint)),
            error,
            optional: !question.required,
            options: Vec::new(),
            value: values.value(&id),
            day: values.value(&format!("{id}-day")),
            month: values.value(&format!("{id}-month")),
            year: values.value(&format!("{id}-year")),
            month_only: false,
            input_type: "text",
            input_mode: "",
            autocomplete: "",
            width_class: "",
            max_length: 0,
            or_text: String::new(),
        };
        match &question.kind {
            QuestionKind::Single | QuestionKind::Multiple { .. } => {
                let exclusive = match &question.kind {
                    QuestionKind::Multiple { exclusive } => exclusive.clone(),
                    _ => None,
                };
                view.widget = if matches!(question.kind, QuestionKind::Single) {
                    "radios"
                } else {
                    "checkboxes"
                };
                view.options = question
                    .options
                    .iter()
                    .enumerate()
                    .map(|(index, option)| OptionView {
                        id: option_id(index),
                        value: option.value.clone(),
                        text: survey.text(lang, &option.text),
                        hint: option.hint.as_ref().map(|hint| survey.text(lang, hint)),
                        checked: values.checked(&id, &option.value),
                        exclusive: exclusive.as_deref() == Some(option.value.as_str()),
                    })
                    .collect();
                view.or_text = text::text(lang, "survey-site-or", &[]);
            }
            QuestionKind::Scale {
                min,
                max,
                low_label,
                high_label,
            } => {
                view.widget = "radios";
                view.options = (*min..=*max)
                    .enumerate()
                    .map(|(index, number)| {
                        let value = number.to_string();
                        let hint = if number == *min {
                            low_label.as_ref().map(|label| survey.text(lang, label))
                        } else if number == *max {
                            high_label.as_ref().map(|label| survey.text(lang, label))
                        } else {
                            None
                        };
                        OptionView {
                            id: option_id(index),
                            text: value.clone(),
                            hint,
                            checked: values.checked(&id, &value),
                            value,
                            exclusive: false,
                        }
                    })
                    .collect();
            }
            QuestionKind::Text {
                max_length,
                multiline,
            } => {
                view.max_length = *max_length;
                if *multiline {
                    view.widget = "textarea";
                }
                match question.maps_to {
                    Some(onward_survey::model::Target::ContactEmail) => {
                        view.input_type = "email";
                        view.autocomplete = "email";
                        view.input_mode = "email";
                    }
                    Some(onward_survey::model::Target::ContactMobile) => {
                        view.input_type = "tel";
                        view.autocomplete = "tel";
                        view.input_mode = "tel";
                        view.width_class = "govuk-input--width-20";
                    }
                    Some(onward_survey::model::Target::ContactAddress) => {
                        view.autocomplete = "street-address";
                    }
                    _ => {}
                }
            }
            QuestionKind::Place { max_length, .. } => {
                view.max_length = *max_length;
                view.autocomplete = "off";
            }
            QuestionKind::Number { .. } => {
                view.input_mode = "numeric";
                view.width_class = "govuk-input--width-5";
                view.max_length = 12;
            }
            QuestionKind::Date { month_only, .. } => {
                view.widget = "date";
                view.month_only = *month_only;
            }
        }
        view
    }

    /// The id the error summary links to: the first input of the question.
    pub fn first_field_id(&self) -> String {
        match self.widget {
            "date" if self.month_only => format!("{}-month", self.id),
            "date" => format!("{}-day", self.id),
            _ => self.id.clone(),
        }
    }

    /// The `aria-describedby` of the question's input or fieldset.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// A refused answer's message in the page's language.
pub fn problem_message(survey: &Survey, lang: &str, problem: &FieldProblem) -> String {
    let key = problem.problem.message_key();
    match &problem.problem {
        Problem::OutOfRange { min, max } => {
            text::text(lang, key, &[("min", &min.to_string()), ("max", &max.to_string())])
        }
        Problem::TooLong { max } => text::text(lang, key, &[("max", &max.to_string())]),
        Problem::Exclusive { none } => {
            let label = survey
                .question(&problem.question)
                .and_then(|(_, question)| question.option(none))
                .map(|option| survey.text(lang, &option.text))
                .unwrap_or_default();
            text::text(lang, key, &[("none", &label)])
        }
        _ => text::text(lang, key, &[]),
    }
}
