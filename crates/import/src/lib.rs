//! Onward's MIS import: learners, programmes and enrolments from the CSV and
//! spreadsheet exports of SIMS, Arbor, Bromcom, ebs, PICS or a hand-kept sheet.
//!
//! The pipeline is: [`reader`] (format and delimiter detection, streaming CSV)
//! → [`mapping`] (which column holds which field) → [`row`] (each row checked
//! into domain types, with an [`row::Issue`] naming row, column, value and
//! reason) → `onward_storage::repo::import_batch` (idempotent upsert, one
//! transaction per batch). Reading and checking run on their own thread while
//! the previous batch is written, so both cores work.
//!
//! Every import is a recorded run ([`onward_storage::repo::imports`]). Because
//! each batch is an idempotent upsert committed whole, a run stopped at any
//! moment and started again ends in the state of one clean run.
//!
//! - [`pipeline`]: [`import_learners`], [`preview`] and their request, progress,
//!   outcome and error types.
//! - [`jobs`]: imports queued by the web page, a kind of `onward_jobs::Job`.
//! - [`files`]: uploaded files (stored in chunks, spooled for reading) and
//!   the job that deletes them after the retention period.
//! - [`reader`], [`mapping`], [`row`], [`values`], [`template`]: the stages.

pub mod files;
pub mod jobs;
pub mod manual;
pub mod mapping;
pub mod pipeline;
pub mod reader;
mod repeats;
pub mod row;
pub mod template;
pub mod values;

pub use pipeline::{
    DEFAULT_BATCH_ROWS, DEFAULT_COMMIT_ROWS, FileReader, FileStats, ImportError, ImportOutcome,
    ImportProgress, ImportRequest, IssueSink, OnError, Preview, STORED_ISSUES_LIMIT, Silent, import_learners,
    preview,
};
