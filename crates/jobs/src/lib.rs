//! Onward's background work, in one model: a job is a row in the `jobs` table
//! (the queue's SQL lives in `onward_storage::repo::jobs`), a kind of job is a
//! type implementing [`Job`], a [`Registry`] lists the kinds a process works
//! (and which of them recur), and one [`Runner`] claims and runs them. `onward
//! serve` and `onward worker` start the same runner, so every process that
//! works jobs works all of them.
//!
//! - [`job`]: the [`Job`] trait, its context, report and error, and [`enqueue`].
//! - [`registry`]: kinds and recurring jobs.
//! - [`runner`]: claiming, leases, retries with exponential backoff, the dead state.
//! - [`tasks`]: task generation for every organisation (hourly).
//! - [`sessions`]: deleting expired sign-in sessions (hourly).
//!
//! Queued MIS imports are a kind too; `onward_import::jobs` implements it,
//! since the import crate sits above this one.
//!
//! # Exactly-once effects
//!
//! A job runs at least once: a worker that stops mid-job leaves a lock that
//! expires, and another worker runs the job again. A job whose effect must
//! happen once (an email, an SMS, a letter) therefore (1) is enqueued with an
//! idempotency key naming the effect (`enqueue_once`, `ON CONFLICT DO
//! NOTHING`), so it is queued once; (2) in its run, first claims the effect by
//! inserting its key into the table that records the effect, in the same
//! transaction as the effect's record (a second run finds the key and stops);
//! (3) performs the effect; (4) records the outcome (sent, or failed with the
//! reason) on that row. A crash between (2) and (4) leaves a claimed effect
//! without an outcome, which is reported rather than silently repeated.

pub mod job;
pub mod registry;
pub mod runner;
pub mod sessions;
pub mod tasks;

pub use job::{Job, JobContext, JobError, JobReport, enqueue, enqueue_once};
pub use registry::{Registry, Resources};
pub use runner::{Finished, Runner, backoff};

/// The kinds this crate defines, with their schedules: task generation and
/// session clean-up, each hourly.
pub fn register_standard_jobs(registry: &mut Registry) {
    registry.recurring(tasks::GenerateTasks, tasks::INTERVAL);
    registry.recurring(sessions::DeleteExpiredSessions, sessions::INTERVAL);
}
