//! A loaded survey: pages of questions, routing rules and the destination
//! fields questions map to. Built and checked by [`crate::load`].

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use onward_domain::destination::DestinationCategory;
use onward_domain::programme::{QualificationLevel, SectorSubjectArea};

/// The languages every survey ships in (file names `<code>.ftl`), English first.
pub const LANGUAGES: &[&str] = &["en-GB", "cy", "es", "it", "nl", "et"];

/// A language's own name, for the switch on every page.
pub fn language_name(code: &str) -> &'static str {
    match code {
        "en-GB" => "English",
        "cy" => "Cymraeg",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "et" => "Eesti",
        _ => "",
    }
}

/// The shipped language closest to `requested` ("cy-GB" → "cy", "en" → "en-GB").
pub fn supported_language(requested: &str) -> Option<&'static str> {
    let requested = requested.trim();
    let primary = requested.split(['-', '_']).next().unwrap_or_default();
    LANGUAGES
        .iter()
        .copied()
        .find(|code| code.eq_ignore_ascii_case(requested))
        .or_else(|| {
            LANGUAGES.iter().copied().find(|code| {
                code.split('-')
                    .next()
                    .is_some_and(|p| p.eq_ignore_ascii_case(primary))
            })
        })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Baseline,
    Exit,
    FollowUp,
    LeaverCheck,
    VetPre,
    VetPost,
    Quick,
}

impl Purpose {
    pub fn code(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Exit => "exit",
            Self::FollowUp => "follow-up",
            Self::LeaverCheck => "leaver-check",
            Self::VetPre => "vet-pre",
            Self::VetPost => "vet-post",
            Self::Quick => "quick",
        }
    }
}

/// What a completed survey writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Records {
    Destination,
    Intention,
    None,
}

/// A destination (or other) field a question's answer feeds: the `maps_to` list
/// of surveys/FORMAT.md.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    DestinationCategory,
    DestinationEmployer,
    DestinationJobTitle,
    DestinationHoursPerWeek,
    DestinationSector,
    DestinationStartDate,
    DestinationRelatesToCourse,
    DestinationInstitution,
    DestinationCourse,
    DestinationLevel,
    DestinationApprenticeshipStandard,
    DestinationNotes,
    IntentionCategory,
    IntentionNotes,
    ContactEmail,
    ContactMobile,
    ContactAddress,
    ConsentContact,
    OptOut,
    AlumniOptIn,
    AlumniStory,
    AlumniPublish,
    SupportRequest,
    SupportNotes,
}

/// The key an option of a question carries because of the question's target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionKey {
    Category,
    Sector,
    Level,
    Flag,
}

impl OptionKey {
    pub fn name(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::Sector => "sector",
            Self::Level => "level",
            Self::Flag => "flag",
        }
    }
}

impl Target {
    /// (name in the file, question types it may be put on).
    const TABLE: &'static [(Target, &'static str, &'static [&'static str])] = &[
        (Target::DestinationCategory, "destination.category", &["single"]),
        (
            Target::DestinationEmployer,
            "destination.employer",
            &["place", "text"],
        ),
        (
            Target::DestinationJobTitle,
            "destination.job_title",
            &["text", "place"],
        ),
        (
            Target::DestinationHoursPerWeek,
            "destination.hours_per_week",
            &["number"],
        ),
        (Target::DestinationSector, "destination.sector", &["single"]),
        (Target::DestinationStartDate, "destination.start_date", &["date"]),
        (
            Target::DestinationRelatesToCourse,
            "destination.relates_to_course",
            &["single", "scale"],
        ),
        (
            Target::DestinationInstitution,
            "destination.institution",
            &["place", "text"],
        ),
        (
            Target::DestinationCourse,
            "destination.course",
            &["place", "text"],
        ),
        (Target::DestinationLevel, "destination.level", &["single"]),
        (
            Target::DestinationApprenticeshipStandard,
            "destination.apprenticeship_standard",
            &["place", "text"],
        ),
        (Target::DestinationNotes, "destination.notes", &["text"]),
        (Target::IntentionCategory, "intention.category", &["single"]),
        (Target::IntentionNotes, "intention.notes", &["text"]),
        (Target::ContactEmail, "contact.email", &["text"]),
        (Target::ContactMobile, "contact.mobile", &["text"]),
        (Target::ContactAddress, "contact.address", &["text"]),
        (Target::ConsentContact, "consent.contact", &["single"]),
        (Target::OptOut, "optout", &["single"]),
        (Target::AlumniOptIn, "alumni.opt_in", &["single"]),
        (Target::AlumniStory, "alumni.story", &["text"]),
        (Target::AlumniPublish, "alumni.publish", &["single"]),
        (Target::SupportRequest, "support.request", &["single", "multiple"]),
        (Target::SupportNotes, "support.notes", &["text"]),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::TABLE
            .iter()
            .find(|(_, known, _)| *known == name)
            .map(|(target, _, _)| *target)
    }

    pub fn name(self) -> &'static str {
        Self::TABLE
            .iter()
            .find(|(target, _, _)| *target == self)
            .map(|(_, name, _)| *name)
            .unwrap_or_default()
    }

    pub fn allowed_types(self) -> &'static [&'static str] {
        Self::TABLE
            .iter()
            .find(|(target, _, _)| *target == self)
            .map(|(_, _, types)| *types)
            .unwrap_or_default()
    }

    /// The key every option of a question with this target must carry.
    pub fn option_key(self) -> Option<OptionKey> {
        match self {
            Self::DestinationCategory | Self::IntentionCategory => Some(OptionKey::Category),
            Self::DestinationSector => Some(OptionKey::Sector),
            Self::DestinationLevel => Some(OptionKey::Level),
            Self::ConsentContact
            | Self::OptOut
            | Self::AlumniOptIn
            | Self::AlumniPublish
            | Self::SupportRequest => Some(OptionKey::Flag),
            _ => None,
        }
    }
}

/// Where a place question offers suggestions from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suggest {
    Employer,
    Institution,
    Course,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuestionKind {
    Single,
    Multiple {
        exclusive: Option<String>,
    },
    Text {
        max_length: usize,
        multiline: bool,
    },
    Date {
        past_only: bool,
        month_only: bool,
    },
    Number {
        min: i64,
        max: i64,
    },
    Scale {
        min: i64,
        max: i64,
        low_label: Option<String>,
        high_label: Option<String>,
    },
    Place {
        suggest: Option<Suggest>,
        max_length: usize,
    },
}

impl QuestionKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Multiple { .. } => "multiple",
            Self::Text { .. } => "text",
            Self::Date { .. } => "date",
            Self::Number { .. } => "number",
            Self::Scale { .. } => "scale",
            Self::Place { .. } => "place",
        }
    }

    pub fn is_choice(&self) -> bool {
        matches!(self, Self::Single | Self::Multiple { .. })
    }
}

/// One option of a single- or multiple-choice question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub text: String,
    pub hint: Option<String>,
    pub category: Option<DestinationCategory>,
    /// `Some(None)`: the "don't know" option of a sector question.
    pub sector: Option<Option<SectorSubjectArea>>,
    /// `Some(None)`: the "don't know" option of a level question.
    pub level: Option<Option<QualificationLevel>>,
    pub flag: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub text: String,
    pub hint: Option<String>,
    pub required: bool,
    pub maps_to: Option<Target>,
    pub options: Vec<Choice>,
}

impl Question {
    pub fn option(&self, value: &str) -> Option<&Choice> {
        self.options.iter().find(|option| option.value == value)
    }
}

/// A routing rule: go to `page` when `when` holds (or always, without one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub when: Option<Condition>,
    /// A page id, or [`END`].
    pub page: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub question: String,
    pub any_of: Vec<String>,
}

/// The route target that leads to "check your answers".
pub const END: &str = "end";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub id: String,
    pub title: String,
    pub questions: Vec<Question>,
    pub next: Vec<Rule>,
}

/// One version of one survey, with its text in every language.
pub struct Survey {
    pub name: String,
    pub version: u32,
    pub purpose: Purpose,
    pub title: String,
    pub intro: String,
    pub consent: String,
    pub records: Records,
    pub pages: Vec<Page>,
    pub(crate) texts: Vec<(&'static str, FluentBundle<FluentResource>)>,
    /// Per language (the order of `texts`): message id → its text formatted
    /// once, for every message that formats without arguments. A survey page
    /// shows dozens of them on every view; see [`Survey::message`].
    pub(crate) fixed: Vec<HashMap<String, String>>,
}

impl fmt::Debug for Survey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Survey")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("pages", &self.pages.len())
            .finish_non_exhaustive()
    }
}

impl Survey {
    /// `name/vN`, as people and logs name a version.
    pub fn label(&self) -> String {
        format!("{} v{}", self.name, self.version)
    }

    pub fn page(&self, id: &str) -> Option<&Page> {
        self.pages.iter().find(|page| page.id == id)
    }

    pub fn page_index(&self, id: &str) -> Option<usize> {
        self.pages.iter().position(|page| page.id == id)
    }

    pub fn question(&self, id: &str) -> Option<(&Page, &Question)> {
        self.pages.iter().find_map(|page| {
            page.questions
                .iter()
                .find(|question| question.id == id)
                .map(|question| (page, question))
        })
    }

    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.pages.iter().flat_map(|page| page.questions.iter())
    }

    /// The text of message `id` in `language` (English when the language is
    /// not shipped; the id itself when the message is missing, which the
    /// loader does not let happen).
    pub fn text(&self, language: &str, id: &str) -> String {
        self.message(language, id).into_owned()
    }

    /// [`Survey::text`] borrowed from the texts formatted when the survey was
    /// loaded (every message that takes no arguments, which is all but the
    /// introduction), so a page view does not format them again.
    pub fn message(&self, language: &str, id: &str) -> Cow<'_, str> {
        let language = supported_language(language).unwrap_or(LANGUAGES[0]);
        let fixed = self
            .texts
            .iter()
            .position(|(code, _)| *code == language)
            .and_then(|index| self.fixed.get(index))
            .and_then(|fixed| fixed.get(id));
        match fixed {
            Some(text) => Cow::Borrowed(text.as_str()),
            None => Cow::Owned(self.text_with(language, id, None)),
        }
    }

    pub fn text_with(&self, language: &str, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        format_text(&self.texts, language, id, args)
            .map(|(text, _)| text)
            .unwrap_or_else(|| id.to_owned())
    }

    /// The introduction, greeting the learner by their given name.
    pub fn intro_for(&self, language: &str, given_name: &str) -> String {
        let mut args = FluentArgs::new();
        args.set("given_name", given_name.to_owned());
        self.text_with(language, &self.intro, Some(&args))
    }
}

/// Message `id` of `texts` in `language`, else English: the text and whether
/// it formatted without errors; `None` when neither language has it.
fn format_text(
    texts: &[(&'static str, FluentBundle<FluentResource>)],
    language: &str,
    id: &str,
    args: Option<&FluentArgs<'_>>,
) -> Option<(String, bool)> {
    let language = supported_language(language).unwrap_or(LANGUAGES[0]);
    [language, LANGUAGES[0]].iter().find_map(|wanted| {
        let (_, bundle) = texts.iter().find(|(code, _)| code == wanted)?;
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        Some((text, errors.is_empty()))
    })
}

/// For each language of `texts` (in order): every message of `ids` that
/// formats without arguments and errors, formatted ([`Survey::fixed`]).
pub(crate) fn fixed_texts(
    texts: &[(&'static str, FluentBundle<FluentResource>)],
    ids: &[String],
) -> Vec<HashMap<String, String>> {
    texts
        .iter()
        .map(|(language, _)| {
            ids.iter()
                .filter_map(|id| {
                    let (text, clean) = format_text(texts, language, id, None)?;
                    clean.then(|| (id.clone(), text))
                })
                .collect()
        })
        .collect()
}
