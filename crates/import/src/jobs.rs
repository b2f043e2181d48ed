//! Imports queued by the web page, run in the background so that a large file
//! never holds a request open. Runs are rows in `import_runs` (status
//! `queued`), claimed by one worker each; the uploaded file waits in
//! `import_files`. [`RunQueuedImports`] is the job that runs them, in `serve`
//! and in `onward worker`.

use std::time::Duration;

use chrono::Utc;
use onward_jobs::{Job, JobContext, JobError, JobReport};
use onward_storage::repo::imports;
use onward_storage::repo::organisations;
use onward_storage::{ConnectionTrait, DatabaseConnection, ImportRunId, OrganisationId};
use serde::{Deserialize, Serialize};

use crate::mapping::SavedMapping;
use crate::row::Issue;
use crate::{ImportError, ImportOutcome, ImportRequest, IssueSink, Silent, import_learners};

/// Issues go to the run record only.
struct Discard;
impl IssueSink for Discard {
    fn issue(&mut self, _: &Issue) {}
}

/// The job: marks runs abandoned by a stopped process `interrupted`, then
/// runs every queued import, oldest first. The web page enqueues one when it
/// queues a run ([`wake_import_worker`]); the runner also enqueues one every
/// minute, which picks up runs queued any other way.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct RunQueuedImports;

/// How often the runner looks for queued imports on its own.
pub const INTERVAL: Duration = Duration::from_secs(60);

impl Job for RunQueuedImports {
    const KIND: &'static str = "imports.run_queued";

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        let db = ctx.database.conn();
        let mut report = JobReport::default();
        match imports::mark_abandoned_runs(db).await? {
            0 => {}
            marked => report.line(format!(
                "{marked} import runs left running by a stopped process marked interrupted."
            )),
        }
        let mut done = 0;
        loop {
            match run_next_queued_import(db).await {
                Ok(Some(outcome)) => {
                    report.line(format!("Import run {}: {}", outcome.run, outcome.summary()));
                    done += 1;
                }
                Ok(None) => break,
                // The run is marked interrupted (see `run_next_queued_import`);
                // the job fails so that the failure is seen, and its retry
                // carries on with the runs still queued.
                Err(err) => return Err(JobError::failed(err)),
            }
        }
        if done > 0 {
            report.line(format!("{done} queued imports done."));
        }
        Ok(report)
    }
}

/// Asks a worker to run the imports now queued (called after queuing a run).
pub async fn wake_import_worker(conn: &impl ConnectionTrait) -> Result<(), JobError> {
    onward_jobs::enqueue(conn, &RunQueuedImports).await.map(|_| ())
}

/// Runs the oldest queued import, if there is one.
pub async fn run_next_queued_import(db: &DatabaseConnection) -> Result<Option<ImportOutcome>, ImportError> {
    let Some((org, run)) = imports::claim_queued_run(db).await? else {
        return Ok(None);
    };
    match run_claimed(db, org, run).await {
        Ok(outcome) => Ok(Some(outcome)),
        Err(err) => {
            // Never leave a claimed run looking as if it were still going; the
            // batches it committed stay, with the progress recorded for them.
            let message = format!(
                "the import stopped: {err}. The rows already imported are kept; import the same file again to complete it"
            );
            imports::interrupt_run(db, org, run, &message).await?;
            Err(err)
        }
    }
}

async fn run_claimed(
    db: &DatabaseConnection,
    org: OrganisationId,
    id: ImportRunId,
) -> Result<ImportOutcome, ImportError> {
    let run = imports::run(db, org, id).await?;
    let file_id = run
        .file
        .ok_or_else(|| ImportError::Internal(format!("import run {id} has no uploaded file")))?;
    let file = imports::file(db, org, file_id).await?;
    let content = crate::files::spool(db, org, file_id)
        .await
        .map_err(|err| match err {
            crate::files::FileError::Storage(err) => ImportError::Storage(err),
            other => ImportError::Internal(other.to_string()),
        })?;
    let organisation = organisations::organisation(db, org).await?;
    let mut request = ImportRequest::new(
        org,
        organisation.country,
        file.file_name.clone(),
        Utc::now().date_naive(),
    );
    request.user = run.user;
    request.sheet = run.sheet.clone();
    request.mapping_name = run.mapping_name.clone();
    request.mapping_overrides = SavedMapping::from_stored("import_runs", "mapping", &run.mapping)?;
    request.dry_run = run.dry_run;
    request.on_error = run.on_error;
    request.run = Some(id);
    request.file = Some(file_id);
    import_learners(db, &request, content, &Silent, &mut Discard).await
}
