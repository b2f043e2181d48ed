//! What an import reports and who runs it: the types the batch writer, the
//! run records (`repo::imports`) and the import crate share.

use serde::{Deserialize, Serialize};

use crate::{ImportRunId, UserId};

/// What an import did (or, in a dry run, would do).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub rows_imported: u64,
    pub rows_skipped: u64,
    /// Imported rows exactly as the import last wrote them: skipped by their
    /// fingerprints, neither compared nor written (runs recorded before
    /// fingerprints existed read as 0).
    #[serde(default)]
    pub rows_unchanged: u64,
    pub learners_created: u64,
    pub learners_updated: u64,
    pub learners_unchanged: u64,
    pub enrolments_created: u64,
    pub enrolments_updated: u64,
    pub enrolments_unchanged: u64,
    pub contacts_created: u64,
    pub programmes_created: u64,
    pub cohorts_created: u64,
    pub probable_duplicates: u64,
}

impl ImportCounts {
    pub fn add(&mut self, other: &ImportCounts) {
        self.rows_imported += other.rows_imported;
        self.rows_skipped += other.rows_skipped;
        self.rows_unchanged += other.rows_unchanged;
        self.learners_created += other.learners_created;
        self.learners_updated += other.learners_updated;
        self.learners_unchanged += other.learners_unchanged;
        self.enrolments_created += other.enrolments_created;
        self.enrolments_updated += other.enrolments_updated;
        self.enrolments_unchanged += other.enrolments_unchanged;
        self.contacts_created += other.contacts_created;
        self.programmes_created += other.programmes_created;
        self.cohorts_created += other.cohorts_created;
        self.probable_duplicates += other.probable_duplicates;
    }

    /// Records created or changed: 0 when a file is imported again unchanged.
    pub fn changes(&self) -> u64 {
        self.learners_created
            + self.learners_updated
            + self.enrolments_created
            + self.enrolments_updated
            + self.contacts_created
            + self.programmes_created
            + self.cohorts_created
    }
}

/// A problem only the database could reveal (an identifier held by another
/// learner) or worth a warning (a probable duplicate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchIssue {
    pub row: u64,
    pub field: &'static str,
    pub value: String,
    pub reason: String,
    pub is_error: bool,
}

/// Who is importing, for the audit trail and duplicate flags.
#[derive(Clone, Copy, Debug)]
pub struct ImportActor {
    pub user: Option<UserId>,
    pub run: Option<ImportRunId>,
}
