//! The signed-in home page: the organisation's cohorts with learner counts.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use onward_domain::permissions::{Action, allows};
use onward_storage::repo::cohorts::{CohortSummary, list_cohorts};
use tower_sessions::Session;

use super::chrome::Chrome;
use crate::auth::CurrentUser;
use crate::{AppState, WebError};

super::chrome::localised! {
    HomePage => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template, WebTemplate)]
#[template(path = "cohorts/home.html")]
struct HomePage {
    chrome: Chrome,
    /// `None` when the role sees no cohorts (partners see only what is shared with them).
    cohorts: Option<Vec<CohortSummary>>,
}

async fn home(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
) -> Result<HomePage, WebError> {
    let cohorts = if allows(user.role, Action::ViewCohorts) {
        Some(list_cohorts(state.database.conn(), user.organisation_id).await?)
    } else {
        None
    };
    Ok(HomePage {
        chrome: Chrome::new(user, &session, "cohorts").await?,
        cohorts,
    })
}
