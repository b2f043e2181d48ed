//! Reading a one-question SMS reply ("What are you doing now? Reply 1
//! working, 2 studying, 3 apprenticeship, 4 looking for work, 5 something
//! else"), as a number or in words (English or Welsh). A reply that names
//! two different answers, or none, is not guessed at: staff read it in the
//! SMS inbox.

use crate::destination::DestinationCategory;

/// What a reply says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsAnswer {
    /// The learner's activity now.
    Activity(SmsActivity),
    /// STOP (and the carriers' other stop words): no more messages.
    Stop,
}

/// The five answers of the one-question SMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsActivity {
    Working = 1,
    Studying = 2,
    Apprenticeship = 3,
    LookingForWork = 4,
    SomethingElse = 5,
}

impl SmsActivity {
    /// The destination category recorded for it. "Working" does not say the
    /// hours, so it is recorded as full-time employment with a note saying
    /// so; "studying" does not say where, so it is "education: other";
    /// "something else" is not a destination, so it is not known (and the
    /// task stays open for a call).
    pub fn category(self) -> DestinationCategory {
        match self {
            Self::Working => DestinationCategory::EmploymentFullTime,
            Self::Studying => DestinationCategory::EducationOther,
            Self::Apprenticeship => DestinationCategory::Apprenticeship,
            Self::LookingForWork => DestinationCategory::NeetSeeking,
            Self::SomethingElse => DestinationCategory::NotKnown,
        }
    }

    fn from_number(number: u32) -> Option<Self> {
        Some(match number {
            1 => Self::Working,
            2 => Self::Studying,
            3 => Self::Apprenticeship,
            4 => Self::LookingForWork,
            5 => Self::SomethingElse,
            _ => return None,
        })
    }

    fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "working" | "work" | "job" | "employed" | "gweithio" | "swydd" => Self::Working,
            "studying" | "study" | "college" | "university" | "uni" | "school" | "astudio" | "coleg"
            | "prifysgol" => Self::Studying,
            "apprenticeship" | "apprentice" | "prentisiaeth" | "prentis" => Self::Apprenticeship,
            "looking" | "unemployed" | "jobseeking" | "chwilio" => Self::LookingForWork,
            _ => return None,
        })
    }
}

/// Words that, alone, ask for no more messages.
const STOP_WORDS: &[&str] = &[
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "stopio",
];

/// Reads a reply; `None` when it cannot be read as one answer.
pub fn parse_sms_reply(text: &str) -> Option<SmsAnswer> {
    let lowered = text.trim().to_lowercase();
    let bare = lowered.trim_matches(|c: char| !c.is_alphanumeric());
    if STOP_WORDS.contains(&bare) {
        return Some(SmsAnswer::Stop);
    }
    // "Looking for work" names work, but is the fourth answer.
    let lowered = [
        "looking for work",
        "looking for a job",
        "looking for job",
        "chwilio am waith",
    ]
    .iter()
    .fold(lowered, |text, phrase| text.replace(phrase, "looking"));
    let mut found: Option<SmsActivity> = None;
    for word in lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let activity = if word.chars().all(|c| c.is_ascii_digit()) {
            // Any other number (a year, a phone number) makes the reply unreadable.
            match word.parse::<u32>().ok().and_then(SmsActivity::from_number) {
                Some(activity) => Some(activity),
                None => return None,
            }
        } else {
            SmsActivity::from_word(word)
        };
        match (found, activity) {
            (_, None) => {}
            (None, Some(activity)) => found = Some(activity),
            (Some(before), Some(activity)) if before == activity => {}
            (Some(_), Some(_)) => return None,
        }
    }
    found.map(SmsAnswer::Activity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SmsActivity::*;

    fn activity(text: &str) -> Option<SmsActivity> {
        match parse_sms_reply(text) {
            Some(SmsAnswer::Activity(activity)) => Some(activity),
            _ => None,
        }
    }

    #[test]
    fn numbers_and_words_in_english_and_welsh() {
        assert_eq!(activity("1"), Some(Working));
        assert_eq!(activity(" 2. "), Some(Studying));
        assert_eq!(activity("2 college"), Some(Studying));
        assert_eq!(activity("Apprenticeship!"), Some(Apprenticeship));
        assert_eq!(activity("I'm looking for work"), Some(LookingForWork));
        assert_eq!(activity("Dw i'n gweithio"), Some(Working));
        assert_eq!(activity("5"), Some(SomethingElse));
    }

    #[test]
    fn ambiguous_or_empty_replies_are_not_guessed() {
        for text in [
            "",
            "1 or 2",
            "working and studying",
            "7",
            "since 2025",
            "who is this?",
            "=1+2",
        ] {
            assert_eq!(parse_sms_reply(text), None, "{text}");
        }
    }

    #[test]
    fn stop_words_alone_stop() {
        for text in ["STOP", "stop.", " Unsubscribe ", "STOPIO"] {
            assert_eq!(parse_sms_reply(text), Some(SmsAnswer::Stop), "{text}");
        }
        // Not a stop when it is part of a sentence about work.
        assert_eq!(activity("working, don't stop"), Some(Working));
    }

    proptest::proptest! {
        #[test]
        fn any_text_parses_without_panicking(text in ".{0,200}") {
            let _ = parse_sms_reply(&text);
        }
    }
}
