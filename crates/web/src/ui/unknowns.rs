//! The unknowns list of a cohort: learners whose destination is not known,
//! printable and exportable as the list that goes to all staff, with a one-field
//! "I know where they are" form that records staff, sibling or peer knowledge.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::{Redirect, Response};
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
use super::download::CsvDownload;
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

async fn export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let learners = unknown_learners(conn, user.organisation_id, cohort.id).await?;
    let mut file = CsvDownload::new(&[
        "Family name",
        "Given name",
        "ULN",
        "MIS id",
        "Date of birth",
        "Postcode",
    ])?;
    for l in &learners {
        file.row([
            l.family_name.clone(),
            l.given_name.clone(),
            l.uln
                .as_ref()
                .map(|uln| uln.as_str().to_owned())
                .unwrap_or_default(),
            l.mis_id.clone().unwrap_or_default(),
            l.date_of_birth
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            l.postcode.clone().unwrap_or_default(),
        ])?;
    }
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
    file.into_response(&format!("unknowns-cohort-{}.csv", cohort.id))
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
