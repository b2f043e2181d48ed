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

code_enum! {
    /// What an import does with rows that have errors.
    pub enum OnError as "on error" {
        /// Import the good rows; report and skip the others.
        Skip = "skip", "Skip rows with errors";
        /// Refuse the whole file if any row has an error: nothing is written.
        Abort = "abort", "Refuse the whole file";
    }
}

code_enum! {
    /// Where an import run is.
    pub enum RunStatus as "import run status" {
        /// Waiting for a worker (web uploads).
        Queued = "queued", "Waiting to start";
        Running = "running", "Running";
        /// Finished; rows with errors may have been skipped.
        Finished = "finished", "Finished";
        /// The whole file was refused (unreadable, unusable mapping, or errors with
        /// `on_error = abort`): nothing was written.
        Refused = "refused", "Refused";
        /// The process stopped mid-run; the committed batches are kept and running
        /// the same import again completes it.
        Interrupted = "interrupted", "Interrupted";
    }
}

impl RunStatus {
    pub fn is_over(self) -> bool {
        matches!(
            self,
            RunStatus::Finished | RunStatus::Refused | RunStatus::Interrupted
        )
    }
}
