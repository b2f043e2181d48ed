//! The languages messages are written in.

/// A language the message templates are written in. English (en-GB) is the
/// reference; every other language has the same keys (a test checks it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    EnglishGb,
    Welsh,
}

impl Language {
    pub const ALL: &'static [Language] = &[Language::EnglishGb, Language::Welsh];

    /// The BCP 47 code, as locales and `<html lang>` spell it.
    pub fn code(self) -> &'static str {
        match self {
            Self::EnglishGb => "en-GB",
            Self::Welsh => "cy",
        }
    }

    /// The template language for a stored preference such as `cy`, `cy-GB` or
    /// `en`; `None` when no template is written in it.
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL.iter().copied().find(|language| {
            language.code().split('-').next() == Some(primary)
                || language.code().eq_ignore_ascii_case(code.trim())
        })
    }

    /// The learner's preferred language when a template is written in it,
    /// else the organisation's default, else English.
    pub fn for_learner(preferred: Option<&str>, organisation_default: &str) -> Self {
        preferred
            .and_then(Self::from_code)
            .or_else(|| Self::from_code(organisation_default))
            .unwrap_or(Self::EnglishGb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preference_then_organisation_default_then_english() {
        assert_eq!(Language::for_learner(Some("cy-GB"), "en-GB"), Language::Welsh);
        assert_eq!(Language::for_learner(Some("es"), "cy"), Language::Welsh);
        assert_eq!(Language::for_learner(None, "fr"), Language::EnglishGb);
        assert_eq!(Language::for_learner(Some("en"), "cy"), Language::EnglishGb);
    }
}
