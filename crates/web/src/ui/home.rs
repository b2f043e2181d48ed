//! The signed-in home page: the organisation's cohorts with learner counts.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use onward_storage::repo::cohorts::{CohortSummary, list_cohorts};
use tower_sessions::Session;

use crate::auth::{CurrentUser, csrf_token};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
struct HomePage {
    user: CurrentUser,
    csrf: String,
    cohorts: Vec<CohortSummary>,
}

async fn home(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HomePage, WebError> {
    let cohorts = list_cohorts(state.database.conn(), user.organisation_id).await?;
    Ok(HomePage {
        csrf: csrf_token(&session).await?,
        user,
        cohorts,
    })
}
