//! Learner surveys as data (surveys/FORMAT.md): every `surveys/<name>/v<N>.toml`
//! and its six Fluent files are embedded at build time and checked when the
//! program starts ([`shipped`]); routing, answer checks and the mapping of a
//! completed survey's answers to domain values ([`answers`]). No I/O.

pub mod answers;
pub mod load;
pub mod model;

use std::sync::OnceLock;

pub use answers::{Answer, Answers, Outcome, Problem};
pub use load::{LoadError, load};
pub use model::{LANGUAGES, Page, Question, QuestionKind, Survey, language_name, supported_language};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/survey_files.rs"));
}

/// The survey files built into this binary: (path under `surveys/`, contents).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::FILES
}

/// Every shipped survey version, loaded once.
#[derive(Debug)]
pub struct Catalogue {
    surveys: Vec<Survey>,
}

impl Catalogue {
    pub fn from_files(files: &[(&str, &str)]) -> Result<Self, LoadError> {
        Ok(Self {
            surveys: load(files)?,
        })
    }

    /// All versions of all surveys, by name then version.
    pub fn all(&self) -> &[Survey] {
        &self.surveys
    }

    /// The newest version of each survey, by name.
    pub fn latest(&self) -> Vec<&Survey> {
        let mut latest: Vec<&Survey> = Vec::new();
        for survey in &self.surveys {
            match latest.iter_mut().find(|known| known.name == survey.name) {
                Some(known) if known.version < survey.version => *known = survey,
                Some(_) => {}
                None => latest.push(survey),
            }
        }
        latest.sort_by(|a, b| a.name.cmp(&b.name));
        latest
    }

    pub fn get(&self, name: &str, version: u32) -> Option<&Survey> {
        self.surveys
            .iter()
            .find(|survey| survey.name == name && survey.version == version)
    }

    /// The newest version of the survey called `name`.
    pub fn newest(&self, name: &str) -> Option<&Survey> {
        self.surveys
            .iter()
            .filter(|survey| survey.name == name)
            .max_by_key(|survey| survey.version)
    }
}

/// The shipped surveys, loaded and checked on first use; the program calls
/// this at start and refuses to run on an error (which names file and item).
pub fn shipped() -> Result<&'static Catalogue, &'static LoadError> {
    static SHIPPED: OnceLock<Result<Catalogue, LoadError>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| Catalogue::from_files(embedded::FILES))
        .as_ref()
}
