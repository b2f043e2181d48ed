//! Task generation: creates the tasks that plans and enrolments call for, for
//! every organisation. Generation is idempotent, so any number of instances
//! can run it on one database and each task is created once.

use std::time::{Duration, Instant};

use onward_storage::Database;
use onward_storage::repo::organisations::list_organisations;
use onward_storage::repo::tasks::{GenerationReport, generate_tasks};
use serde::{Deserialize, Serialize};

use crate::job::{Job, JobContext, JobError, JobReport};

/// How often task generation runs.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// What one pass did for one organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassReport {
    pub organisation: String,
    pub report: GenerationReport,
}

/// One pass over every organisation. An organisation whose generation fails is
/// logged and skipped, so one bad plan does not hold up the others.
pub async fn generate_for_every_organisation(
    database: &Database,
) -> Result<Vec<PassReport>, onward_storage::StorageError> {
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

/// The job: one generation pass over every organisation.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct GenerateTasks;

impl Job for GenerateTasks {
    const KIND: &'static str = "tasks.generate";

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        let started = Instant::now();
        let passes = generate_for_every_organisation(&ctx.database).await?;
        let mut report = JobReport::default();
        for pass in &passes {
            report.line(format!(
                "{}: {} tasks created, {} without a date (e.g. no results day)",
                pass.organisation, pass.report.created, pass.report.undated
            ));
        }
        report.line(format!(
            "Scheduler pass over {} organisations finished in {:.1} s.",
            passes.len(),
            started.elapsed().as_secs_f64()
        ));
        Ok(report)
    }
}
