//! A cohort's page: its size and where its learners are now.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use onward_domain::contact::ContactChannel;
use onward_domain::destination::DestinationGroup;
use onward_storage::repo::cohorts::{CohortSummary, cohort, cohort_details, destination_counts};
use onward_storage::repo::plans::stored_plan;
use onward_storage::{CheckpointId, CohortId};
use tower_sessions::Session;

use super::chrome::Chrome;
use crate::auth::CurrentUser;
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

async fn show_cohort(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<CohortPage, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let counts = destination_counts(conn, user.organisation_id, cohort.id).await?;
    let mut call_queues = Vec::new();
    if let Some(plan) = cohort_details(conn, user.organisation_id, cohort.id)
        .await?
        .tracking_plan
    {
        for stored in stored_plan(conn, user.organisation_id, plan).await?.checkpoints {
            if stored.checkpoint.channels.contains(&ContactChannel::Phone) {
                call_queues.push((stored.id, stored.checkpoint.name));
            }
        }
    }
    Ok(CohortPage {
        call_queues,
        chrome: Chrome::new(user, &session, "cohorts").await?,
        cohort,
        counts,
    })
}
