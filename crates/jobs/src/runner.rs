//! The one runner: claims due jobs, runs them under a lease it keeps renewing,
//! and records the outcome. `onward serve` and `onward worker` both run it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use onward_storage::Database;
use onward_storage::repo::jobs::{self, ClaimedJob, NewJob};
use onward_storage::repo::now;
use tokio::task::JoinSet;

use crate::job::{JobContext, JobError, JobReport};
use crate::registry::Registry;

/// How long a claim holds a job before another worker may take it; the
/// runner renews it every third of this while the job runs.
pub const LEASE: Duration = Duration::from_secs(300);
/// How long an idle runner waits before looking for due jobs again.
pub const POLL: Duration = Duration::from_secs(1);
/// First retry delay; each further retry waits twice as long (see [`backoff`]).
pub const BACKOFF_BASE: Duration = Duration::from_secs(30);
/// Done and dead jobs are deleted this long after they ended.
pub const KEEP_FINISHED: Duration = Duration::from_secs(7 * 24 * 3600);

/// The wait before retrying after failed attempt number `attempt` (1 = the
/// first): `base`, `2 × base`, `4 × base`, …, at most one day.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
    base.saturating_mul(factor).min(Duration::from_secs(24 * 3600))
}

/// One job the runner ran (or found dead), for the log and `worker --once`.
#[derive(Debug)]
pub struct Finished {
    pub job: ClaimedJob,
    pub outcome: Result<JobReport, JobError>,
    /// Whether a failure will be retried.
    pub will_retry: bool,
}

/// Claims and runs the jobs of a [`Registry`].
#[derive(Clone)]
pub struct Runner {
    database: Database,
    registry: Arc<Registry>,
    worker: String,
    lease: Duration,
    poll: Duration,
    backoff_base: Duration,
    concurrency: usize,
}

static RUNNERS: AtomicU64 = AtomicU64::new(0);

impl Runner {
    pub fn new(database: Database, registry: Registry) -> Self {
        let number = RUNNERS.fetch_add(1, Ordering::Relaxed);
        Self {
            database,
            registry: Arc::new(registry),
            // Unique per runner: the process id tells an operator which process holds a lock.
            worker: format!("pid{}-{number}-{}", std::process::id(), now().timestamp_micros()),
            lease: LEASE,
            poll: POLL,
            backoff_base: BACKOFF_BASE,
            // Two at once: a long import does not hold up task generation.
            concurrency: 2,
        }
    }

    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    pub fn with_backoff_base(mut self, base: Duration) -> Self {
        self.backoff_base = base;
        self
    }

    pub fn with_poll(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// The name this runner writes into `jobs.locked_by`.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Enqueues every recurring job for the current period (a no-op for the
    /// periods already enqueued, by this or another instance).
    pub async fn enqueue_recurring(&self) -> Result<(), JobError> {
        let at = now();
        for recurring in &self.registry.recurring {
            jobs::enqueue(
                self.database.conn(),
                &NewJob {
                    kind: recurring.kind.to_owned(),
                    payload: recurring.payload.clone(),
                    organisation: None,
                    idempotency_key: Some(recurring.period_key(at)),
                    max_attempts: recurring.max_attempts,
                    run_at: at,
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Claims one due job and runs it to its outcome; `None` when nothing is due.
    pub async fn work_one(&self) -> Result<Option<Finished>, JobError> {
        let kinds = self.registry.kinds();
        let Some(job) = jobs::claim(&self.database, &self.worker, &kinds, self.lease).await? else {
            return Ok(None);
        };
        Ok(Some(self.execute(job).await?))
    }

    /// `onward worker --once`: one run of every recurring job now (whatever
    /// was enqueued this period), after them every job that is due, one at a
    /// time in queue order; returns when nothing is due.
    pub async fn run_once(&self) -> Result<Vec<Finished>, JobError> {
        for recurring in &self.registry.recurring {
            jobs::enqueue(
                self.database.conn(),
                &NewJob {
                    kind: recurring.kind.to_owned(),
                    payload: recurring.payload.clone(),
                    organisation: None,
                    idempotency_key: None,
                    max_attempts: recurring.max_attempts,
                    run_at: now(),
                },
            )
            .await?;
        }
        let mut finished = Vec::new();
        while let Some(done) = self.work_one().await? {
            finished.push(done);
        }
        Ok(finished)
    }

    /// Works jobs until the process stops: enqueues the recurring ones each
    /// minute (idempotent per period), keeps up to two jobs running, and
    /// deletes finished jobs older than [`KEEP_FINISHED`] hourly.
    pub async fn run_forever(self) {
        let mut running = JoinSet::new();
        let mut next_schedule = tokio::time::Instant::now();
        let mut next_cleanup = tokio::time::Instant::now();
        loop {
            let tick = tokio::time::Instant::now();
            if tick >= next_schedule {
                if let Err(err) = self.enqueue_recurring().await {
                    tracing::warn!(error = %err, "cannot enqueue recurring jobs");
                }
                next_schedule = tick + Duration::from_secs(60);
            }
            if tick >= next_cleanup {
                let before =
                    now() - chrono::Duration::from_std(KEEP_FINISHED).unwrap_or(chrono::Duration::days(7));
                match jobs::delete_finished_before(self.database.conn(), before).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::info!(deleted, "old finished jobs deleted"),
                    Err(err) => tracing::warn!(error = %err, "cannot delete old jobs"),
                }
                next_cleanup = tick + Duration::from_secs(3600);
            }
            let kinds = self.registry.kinds();
            while running.len() < self.concurrency {
                match jobs::claim(&self.database, &self.worker, &kinds, self.lease).await {
                    Ok(Some(job)) => {
                        let runner = self.clone();
                        running.spawn(async move {
                            if let Err(err) = runner.execute(job).await {
                                tracing::warn!(error = %err, "cannot record a job's outcome");
                            }
                        });
                    }
                    Ok(None) => break,
                    Err(err) => {
                        tracing::warn!(error = %err, "cannot claim a job");
                        break;
                    }
                }
            }
            tokio::select! {
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Runs a claimed job, renewing its lease meanwhile, and records done,
    /// retry (with backoff) or dead.
    async fn execute(&self, job: ClaimedJob) -> Result<Finished, JobError> {
        let conn = self.database.conn();
        if job.attempt > job.max_attempts {
            // Its lock expired during the last attempt: the worker stopped.
            let message = "the worker running the last attempt stopped";
            jobs::fail(conn, job.id, &self.worker, message, None).await?;
            tracing::warn!(job = %job.id, kind = %job.kind, "job dead: {message}");
            return Ok(Finished {
                job,
                outcome: Err(JobError::failed(message)),
                will_retry: false,
            });
        }
        let outcome = match self.registry.runner_of(&job.kind) {
            Some(run) => {
                let ctx = JobContext {
                    database: self.database.clone(),
                    job: job.id,
                    attempt: job.attempt,
                    resources: self.registry.resources.clone(),
                };
                tokio::select! {
                    outcome = run(&ctx, &job.payload) => outcome,
                    () = self.keep_lease(&job) => unreachable_lease(),
                }
            }
            None => Err(JobError::failed(format!("no runner for kind `{}`", job.kind))),
        };
        let will_retry = match &outcome {
            Ok(report) => {
                jobs::complete(conn, job.id, &self.worker).await?;
                for line in &report.lines {
                    tracing::info!(job = %job.id, kind = %job.kind, "{line}");
                }
                false
            }
            Err(err) if job.attempt < job.max_attempts => {
                let wait = backoff(self.backoff_base, job.attempt);
                let retry_at = now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1));
                jobs::fail(conn, job.id, &self.worker, &err.to_string(), Some(retry_at)).await?;
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempt, error = %err, "job failed; retrying in {wait:?}");
                true
            }
            Err(err) => {
                jobs::fail(conn, job.id, &self.worker, &err.to_string(), None).await?;
                tracing::error!(job = %job.id, kind = %job.kind, attempt = job.attempt, error = %err, "job dead after its last attempt");
                false
            }
        };
        Ok(Finished {
            job,
            outcome,
            will_retry,
        })
    }

    /// Renews the job's lock every third of the lease, for ever.
    async fn keep_lease(&self, job: &ClaimedJob) {
        let mut every = tokio::time::interval(self.lease / 3);
        every.tick().await;
        loop {
            every.tick().await;
            match jobs::extend_lock(self.database.conn(), job.id, &self.worker, self.lease).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(job = %job.id, "lost the lock of a running job"),
                Err(err) => tracing::warn!(job = %job.id, error = %err, "cannot renew a job's lock"),
            }
        }
    }
}

/// `keep_lease` never returns; this satisfies the `select!` arm's type.
fn unreachable_lease() -> Result<JobReport, JobError> {
    Err(JobError::failed("the lease keeper stopped"))
}
