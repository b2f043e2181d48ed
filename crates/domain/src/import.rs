//! What one validated row of an MIS import carries into storage: a learner,
//! their contact points and, when the file lists programmes, one enrolment.

use crate::contact::ContactPointKind;
use crate::enrolment::{CompletionStatus, EnrolmentDates};
use crate::learner::NewLearner;
use crate::programme::{QualificationLevel, SectorSubjectArea, StudyMode};

/// A programme as an import row names it; programmes are matched by title.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ProgrammeSpec {
    pub title: String,
    pub level: Option<QualificationLevel>,
    pub sector_subject_area: Option<SectorSubjectArea>,
    pub mode: StudyMode,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentRow {
    pub programme: ProgrammeSpec,
    pub dates: EnrolmentDates,
    pub status: CompletionStatus,
    /// The cohort's name; created when the organisation has none by that name.
    pub cohort: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    /// The line or sheet row the values came from, for reports.
    pub number: u64,
    pub learner: NewLearner,
    pub contacts: Vec<(ContactPointKind, String)>,
    pub enrolment: Option<EnrolmentRow>,
    /// The learner appeared on an earlier row of the same file: their details
    /// were taken from that row, this one adds only its enrolment and contacts.
    pub repeat_of: Option<u64>,
}
