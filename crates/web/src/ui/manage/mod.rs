//! Creating, editing and archiving cohorts and programmes.

use axum::Router;
use serde::Deserialize;

use crate::{AppState, WebError};

mod cohorts;
mod programmes;

pub fn router() -> Router<AppState> {
    Router::new().merge(cohorts::router()).merge(programmes::router())
}

#[derive(Deserialize, Default)]
struct ArchiveFields {
    #[serde(default)]
    archived: String,
}

fn archived_flag(fields: &ArchiveFields) -> Result<bool, WebError> {
    match fields.archived.as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(WebError::BadRequest("bad-request-use-archive-buttons")),
    }
}
