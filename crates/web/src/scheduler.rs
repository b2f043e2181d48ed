//! The task scheduler: creates the tasks that plans and enrolments call for,
//! for every organisation. It runs inside `onward serve` and on its own in
//! `onward worker`; generation is idempotent, so any number of instances can
//! run it on one database and each task is created once.

use std::time::Duration;

use onward_storage::Database;
use onward_storage::repo::organisations::list_organisations;
use onward_storage::repo::tasks::{GenerationReport, generate_tasks};

/// How often the scheduler runs.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// What one pass did for one organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassReport {
    pub organisation: String,
    pub report: GenerationReport,
}

/// One pass over every organisation. An organisation whose generation fails is
/// logged and skipped, so one bad plan does not hold up the others.
pub async fn run_once(database: &Database) -> Result<Vec<PassReport>, onward_storage::StorageError> {
    let mut reports = Vec::new();
    for organisation in list_organisations(database.conn()).await? {
        match generate_tasks(database.conn(), organisation.id).await {
            Ok(report) => {
                if report.created > 0 {
                    tracing::info!(organisation = %organisation.slug, created = report.created, "tasks generated");
                }
                reports.push(PassReport {
                    organisation: organisation.slug.to_string(),
                    report,
                });
            }
            Err(err) => {
                tracing::warn!(organisation = %organisation.slug, error = %err, "task generation failed");
            }
        }
    }
    Ok(reports)
}

/// Runs a pass at once and then every [`INTERVAL`], for ever.
pub async fn run_forever(database: Database) {
    let mut every = tokio::time::interval(INTERVAL);
    loop {
        every.tick().await;
        if let Err(err) = run_once(&database).await {
            tracing::warn!(error = %err, "task scheduler: cannot list organisations");
        }
    }
}
