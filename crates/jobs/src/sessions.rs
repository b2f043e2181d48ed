//! Deleting expired sign-in sessions, so the `sessions` table holds live ones only.

use std::time::Duration;

use onward_storage::session_store::DatabaseSessionStore;
use serde::{Deserialize, Serialize};

use crate::job::{Job, JobContext, JobError, JobReport};

/// How often expired sessions are deleted.
pub const INTERVAL: Duration = Duration::from_secs(3600);

/// The job: delete every session past its expiry.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct DeleteExpiredSessions;

impl Job for DeleteExpiredSessions {
    const KIND: &'static str = "sessions.delete_expired";

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        let deleted = DatabaseSessionStore::new(ctx.database.clone())
            .delete_expired()
            .await?;
        let mut report = JobReport::default();
        report.line(format!("{deleted} expired sessions deleted."));
        Ok(report)
    }
}
