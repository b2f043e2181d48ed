//! The signed-in home page: the organisation's cohorts with learner counts.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;

use axum::routing::get;
use onward_domain::permissions::{Action, allows};
use onward_storage::repo::cohorts::{CohortSummary, list_cohorts};

use super::chrome::Chrome;
use super::staff::Staff;
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

async fn home(staff: Staff) -> Result<HomePage, WebError> {
    let cohorts = if allows(staff.user.role, Action::ViewCohorts) {
        Some(list_cohorts(staff.conn(), staff.organisation()).await?)
    } else {
        None
    };
    Ok(HomePage {
        chrome: staff.chrome("cohorts").await?,
        cohorts,
    })
}
