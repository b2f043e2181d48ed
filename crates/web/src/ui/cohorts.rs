//! A cohort's page: its size and where its learners are now.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use onward_domain::contact::ContactChannel;
use onward_domain::destination::DestinationGroup;
use onward_storage::repo::cohorts::{CohortSummary, cohort, cohort_details, destination_counts};
use onward_storage::repo::plans::plan_checkpoints;
use onward_storage::{CheckpointId, CohortId};

use super::chrome::Chrome;
use super::staff::Staff;
use crate::{AppState, WebError};

super::chrome::localised! {
    CohortPage => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new().route("/cohorts/{id}", get(show_cohort))
}

#[derive(Template, WebTemplate)]
#[template(path = "cohorts/cohort.html")]
struct CohortPage {
    chrome: Chrome,
    cohort: CohortSummary,
    counts: Vec<(DestinationGroup, u64)>,
    /// The plan's checkpoints followed up by phone: (id, name), for call queue links.
    call_queues: Vec<(CheckpointId, String)>,
}

async fn show_cohort(staff: Staff, Path(id): Path<i64>) -> Result<CohortPage, WebError> {
    let conn = staff.conn();
    let cohort = cohort(conn, staff.organisation(), CohortId(id)).await?;
    let counts = destination_counts(conn, staff.organisation(), cohort.id).await?;
    let mut call_queues = Vec::new();
    if let Some(plan) = cohort_details(conn, staff.organisation(), cohort.id)
        .await?
        .tracking_plan
    {
        for (id, checkpoint) in plan_checkpoints(conn, staff.organisation(), plan).await? {
            if checkpoint.channels.contains(&ContactChannel::Phone) {
                call_queues.push((id, checkpoint.name));
            }
        }
    }
    Ok(CohortPage {
        call_queues,
        chrome: staff.chrome("cohorts").await?,
        cohort,
        counts,
    })
}
