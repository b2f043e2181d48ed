//! Imports queued by the web page, run in the background so that a large file
//! never holds a request open. Runs are rows in `import_runs` (status
//! `queued`), claimed by one worker each; the uploaded file waits in
//! `import_files`. `serve` runs [`run_queued_imports`].

use std::io::Cursor;
use std::time::Duration;

use chrono::Utc;
use onward_storage::repo::imports;
use onward_storage::repo::organisations;
use onward_storage::{DatabaseConnection, ImportRunId, OrganisationId};

use crate::mapping::SavedMapping;
use crate::row::Issue;
use crate::{ImportError, ImportOutcome, ImportRequest, IssueSink, Silent, import_learners};

/// Issues go to the run record only.
struct Discard;
impl IssueSink for Discard {
    fn issue(&mut self, _: &Issue) {}
}

/// Claims and runs queued imports until the process stops; idle, it looks
/// for new work every second.
pub async fn run_queued_imports(db: DatabaseConnection) {
    let mut idle_checks = 0u32;
    loop {
        // Now and then (and at start): runs whose process stopped are shown as interrupted.
        if idle_checks.is_multiple_of(60) {
            match imports::mark_abandoned_runs(&db).await {
                Ok(0) => {}
                Ok(marked) => tracing::info!(
                    marked,
                    "import runs left running by a stopped process marked interrupted"
                ),
                Err(err) => tracing::warn!(error = %err, "cannot mark abandoned import runs"),
            }
        }
        idle_checks = idle_checks.wrapping_add(1);
        match run_next_queued_import(&db).await {
            Ok(Some(_)) => {}
            Ok(None) => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(err) => {
                tracing::warn!(error = %err, "import worker");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    }
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
    request.mapping_overrides = serde_json::from_str::<SavedMapping>(&run.mapping).ok();
    request.dry_run = run.dry_run;
    request.on_error = run.on_error;
    request.run = Some(id);
    request.file = Some(file_id);
    import_learners(db, &request, Cursor::new(file.content), &Silent, &mut Discard).await
}
