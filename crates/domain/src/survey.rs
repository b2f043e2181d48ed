//! What a learner's completed survey says, as domain values: the records a
//! completion writes in one transaction (the survey engine, `onward-survey`,
//! makes these from answers; storage writes them).

use crate::contact::ContactPointKind;
use crate::destination::{DestinationCategory, DestinationRecord};
use crate::support::IntentionStage;

/// A proposed change to the learner's contact details, for staff to accept or reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactChange {
    pub kind: ContactPointKind,
    pub value: String,
}

/// The alumni network opt-in and success story.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alumni {
    pub opt_in: Option<bool>,
    pub story: Option<String>,
    /// Permission to publish the story.
    pub publish: Option<bool>,
}

/// A request for support: what was asked for (in English, for staff) and notes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SupportRequest {
    pub asked: Vec<String>,
    pub notes: Option<String>,
}

impl SupportRequest {
    /// The referral's notes: what was asked for, then the learner's words.
    pub fn referral_notes(&self, survey: &str) -> String {
        let mut notes = format!("Asked for in the survey {survey}: {}", self.asked.join("; "));
        if let Some(said) = &self.notes {
            notes.push('\n');
            notes.push_str(said);
        }
        notes
    }
}

/// An intended destination from a baseline or exit survey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntentionAnswer {
    pub stage: IntentionStage,
    pub category: DestinationCategory,
    pub notes: Option<String>,
}

/// What a completed survey writes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// An actual destination (source survey, learner-confirmed).
    pub destination: Option<DestinationRecord>,
    pub intention: Option<IntentionAnswer>,
    pub contact_changes: Vec<ContactChange>,
    pub consent_contact: Option<bool>,
    pub opt_out: Option<bool>,
    pub alumni: Option<Alumni>,
    /// Present when the learner asked for support (a referral is opened).
    pub support: Option<SupportRequest>,
    /// Answers off the learner's route, ignored.
    pub ignored: Vec<String>,
}
