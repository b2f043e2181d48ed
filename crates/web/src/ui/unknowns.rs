//! The unknowns list of a cohort: learners whose destination is not known,
//! printable and exportable as the list that goes to all staff, with a one-field
//! "I know where they are" form that records staff, sibling or peer knowledge.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_storage::repo::cohorts::{CohortSummary, cohort, unknown_learners};
use onward_storage::repo::destinations::append_destination;
use onward_storage::repo::learners::{Learner, learner};
use onward_storage::{CohortId, LearnerId};
use serde::Deserialize;
use tower_sessions::Session;

use super::audit::audit;
use super::chrome::{Chrome, localised};
use crate::auth::{CurrentUser, verify_csrf};
use crate::{AppState, WebError};

localised! {
    UnknownsPage => chrome.tr;
}

/// Where knowledge of a learner can come from on this form.
const SOURCES: &[DestinationSource] = &[
    DestinationSource::Staff,
    DestinationSource::SiblingPeer,
    DestinationSource::SocialMedia,
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cohorts/{id}/unknowns", get(show))
        .route("/cohorts/{id}/unknowns.csv", get(export))
        .route("/learners/{id}/known", post(record_known))
}

#[derive(Template, WebTemplate)]
#[template(path = "unknowns.html")]
struct UnknownsPage {
    chrome: Chrome,
    cohort: CohortSummary,
    learners: Vec<Learner>,
    categories: &'static [DestinationCategory],
    sources: &'static [DestinationSource],
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<UnknownsPage, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let learners = unknown_learners(conn, user.organisation_id, cohort.id).await?;
    Ok(UnknownsPage {
        chrome: Chrome::new(user, &session, "cohorts").await?,
        cohort,
        learners,
        categories: DestinationCategory::ALL,
        sources: SOURCES,
    })
}

/// A cell that a spreadsheet would run as a formula is written as text.
pub(super) fn spreadsheet_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

async fn export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let learners = unknown_learners(conn, user.organisation_id, cohort.id).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut write = |row: [String; 6]| writer.write_record(row.iter().map(|cell| spreadsheet_safe(cell)));
    write(
        [
            "Family name",
            "Given name",
            "ULN",
            "MIS id",
            "Date of birth",
            "Postcode",
        ]
        .map(str::to_owned),
    )
    .map_err(|err| WebError::Internal(err.into()))?;
    for l in &learners {
        write([
            l.family_name.clone(),
            l.given_name.clone(),
            l.uln.clone().unwrap_or_default(),
            l.mis_id.clone().unwrap_or_default(),
            l.date_of_birth
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            l.postcode.clone().unwrap_or_default(),
        ])
        .map_err(|err| WebError::Internal(err.into()))?;
    }
    let body = writer
        .into_inner()
        .map_err(|err| WebError::Internal(anyhow::anyhow!(err.to_string())))?;
    // An export of named learners is a view of each of them.
    audit(
        &state,
        &user,
        peer,
        "cohort.unknowns_export",
        "cohort",
        cohort.id.0,
    )
    .await?;
    let disposition = format!("attachment; filename=\"unknowns-cohort-{}.csv\"", cohort.id);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|err| WebError::Internal(err.into()))?,
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
struct KnownFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    cohort: String,
}

async fn record_known(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<KnownFields>,
) -> Result<Redirect, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    let category = DestinationCategory::from_code(&fields.category).ok_or(WebError::BadRequest(
        "Go back and choose what the learner is doing.",
    ))?;
    let source = DestinationSource::from_code(&fields.source)
        .filter(|source| SOURCES.contains(source))
        .ok_or(WebError::BadRequest("Go back and choose how you know."))?;
    let notes = fields.notes.trim();
    if notes.chars().count() > 1000 {
        return Err(WebError::BadRequest(
            "Go back and shorten the note to 1,000 characters or fewer.",
        ));
    }
    let record = DestinationRecord {
        kind: DestinationKind::Actual,
        category,
        as_of: chrono::Utc::now().date_naive(),
        start_date: None,
        end_date: None,
        institution: None,
        employer: None,
        job_role: None,
        hours_per_week: None,
        source,
        verification: Verification::Unverified,
        notes: (!notes.is_empty()).then(|| notes.to_owned()),
    };
    append_destination(conn, user.organisation_id, learner.id, &record, Some(user.id)).await?;
    audit(
        &state,
        &user,
        peer,
        "learner.destination_recorded",
        "learner",
        learner.id.0,
    )
    .await?;
    let back = match fields.cohort.parse::<i64>() {
        Ok(cohort) => format!("/cohorts/{cohort}/unknowns"),
        Err(_) => format!("/learners/{}", learner.id),
    };
    Ok(Redirect::to(&back))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formula_looking_cells_are_written_as_text() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("O'Brien"), "O'Brien");
    }
}
