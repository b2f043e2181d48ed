//! The [`Job`] trait: what a kind of background work is.

use std::future::Future;

use onward_storage::repo::jobs::{self, NewJob};
use onward_storage::repo::now;
use onward_storage::{ConnectionTrait, Database, JobId, OrganisationId, StorageError};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One kind of background work. The value is the job's payload: it is stored
/// as JSON in `jobs.payload` and read back for the run, so a job carries ids,
/// never rows.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The stable name stored in `jobs.kind`; never rename a kind with jobs queued.
    const KIND: &'static str;
    /// Attempts before the job is dead (the first run counts).
    const MAX_ATTEMPTS: u32 = 5;

    /// The organisation the job works for, stored with it; `None` for work
    /// across organisations.
    fn organisation(&self) -> Option<OrganisationId> {
        None
    }

    /// Does the work. An error is retried with backoff until `MAX_ATTEMPTS`.
    fn run(&self, ctx: &JobContext) -> impl Future<Output = Result<JobReport, JobError>> + Send;
}

/// What a running job may use.
#[derive(Clone, Debug)]
pub struct JobContext {
    pub database: Database,
    pub job: JobId,
    /// 1 on the first try.
    pub attempt: u32,
    /// What the process provided (`Registry::provide`).
    pub resources: crate::registry::Resources,
}

impl JobContext {
    /// The value of type `T` the process provided, if it did.
    pub fn resource<T: std::any::Any + Send + Sync>(&self) -> Option<&T> {
        self.resources.get::<T>()
    }
}

/// What a job did, in lines for the log and for `onward worker --once`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobReport {
    pub lines: Vec<String>,
}

impl JobReport {
    pub fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }
}

/// Why a job failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the job's payload cannot be read: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("{0}")]
    Failed(String),
}

impl JobError {
    pub fn failed(reason: impl std::fmt::Display) -> Self {
        Self::Failed(reason.to_string())
    }
}

fn new_job<J: Job>(job: &J, key: Option<String>) -> Result<NewJob, JobError> {
    Ok(NewJob {
        kind: J::KIND.to_owned(),
        payload: serde_json::to_string(job)?,
        organisation: job.organisation(),
        idempotency_key: key,
        max_attempts: J::MAX_ATTEMPTS,
        run_at: now(),
    })
}

/// Queues a job to run as soon as a worker is free.
pub async fn enqueue<J: Job>(conn: &impl ConnectionTrait, job: &J) -> Result<JobId, JobError> {
    jobs::enqueue(conn, &new_job(job, None)?)
        .await?
        .ok_or_else(|| JobError::failed(format!("a {} job without a key was not queued", J::KIND)))
}

/// Queues a job once per `key` for its kind, however often it is asked:
/// `None` when a job with this key was queued before.
pub async fn enqueue_once<J: Job>(
    conn: &impl ConnectionTrait,
    job: &J,
    key: impl Into<String>,
) -> Result<Option<JobId>, JobError> {
    Ok(jobs::enqueue(conn, &new_job(job, Some(key.into()))?).await?)
}
