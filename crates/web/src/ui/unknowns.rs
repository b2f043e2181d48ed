//! The unknowns list of a cohort: learners whose destination is not known,
//! printable and exportable as the list that goes to all staff, with a one-field
//! "I know where they are" form that records staff, sibling or peer knowledge.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_storage::repo::cohort_lists::unknown_learners_page;
use onward_storage::repo::cohorts::{CohortSummary, cohort, unknown_learners};
use onward_storage::repo::destinations::append_destination;
use onward_storage::repo::learners::Learner;
use onward_storage::{CohortId, LearnerId};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::download::{CsvDownload, learner_identity_cells};
use super::pagination::{PageQuery, Pagination};
use super::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

localised! {
    UnknownsPage => chrome.tr;
}

/// Learners on one page of the list: each carries a form, so the page stays
/// under ~100 kB however large the cohort.
const PAGE_SIZE: u64 = 25;

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
#[template(path = "cohorts/unknowns.html")]
struct UnknownsPage {
    chrome: Chrome,
    cohort: CohortSummary,
    /// This page of the list.
    learners: Vec<Learner>,
    /// Learners in the whole list.
    total: u64,
    pagination: Pagination,
    categories: &'static [DestinationCategory],
    sources: &'static [DestinationSource],
}

async fn show(
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<UnknownsPage, WebError> {
    let conn = staff.conn();
    let cohort = cohort(conn, staff.organisation(), CohortId(id)).await?;
    let page = unknown_learners_page(
        conn,
        staff.organisation(),
        &staff.scope,
        cohort.id,
        Some(query.request(PAGE_SIZE)),
    )
    .await?;
    let pagination = Pagination::new(&page, &format!("/cohorts/{}/unknowns", cohort.id));
    // A list of named learners is a view of each of them.
    staff
        .audit_list_view(
            "cohort.unknowns_view",
            "cohort",
            cohort.id.0,
            format!("{} learners shown", page.items.len()),
        )
        .await?;
    Ok(UnknownsPage {
        chrome: staff.chrome("cohorts").await?,
        cohort,
        total: page.total,
        learners: page.items,
        pagination,
        categories: DestinationCategory::ALL,
        sources: SOURCES,
    })
}

async fn export(staff: Staff, Path(id): Path<i64>) -> Result<Response, WebError> {
    let conn = staff.conn();
    let cohort = cohort(conn, staff.organisation(), CohortId(id)).await?;
    let learners = unknown_learners(conn, staff.organisation(), &staff.scope, cohort.id).await?;
    let mut file = CsvDownload::new(&[
        "Family name",
        "Given name",
        "ULN",
        "MIS id",
        "Date of birth",
        "Postcode",
    ])?;
    for l in &learners {
        file.row(learner_identity_cells(l))?;
    }
    // An export of named learners is a view of each of them.
    staff
        .audit_view("cohort.unknowns_export", "cohort", cohort.id.0)
        .await?;
    file.into_response(&format!("unknowns-cohort-{}.csv", cohort.id))
}

#[derive(Deserialize)]
struct KnownFields {
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
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<KnownFields>,
) -> Result<Redirect, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let category = DestinationCategory::from_code(&fields.category)
        .ok_or(WebError::BadRequest("bad-request-choose-category"))?;
    let source = DestinationSource::from_code(&fields.source)
        .filter(|source| SOURCES.contains(source))
        .ok_or(WebError::BadRequest("bad-request-choose-source"))?;
    let notes = fields.notes.trim();
    if notes.chars().count() > 1000 {
        return Err(WebError::BadRequest("bad-request-note-too-long"));
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
        sector: None,
        course: None,
        level: None,
        source,
        verification: Verification::Unverified,
        notes: (!notes.is_empty()).then(|| notes.to_owned()),
    };
    let write = staff.write().await?;
    append_destination(
        &write,
        staff.organisation(),
        learner.id,
        &record,
        Some(staff.user.id),
    )
    .await?;
    write
        .audit("learner.destination_recorded", "learner", learner.id.0)
        .await?;
    write.commit().await?;
    let back = match fields.cohort.parse::<i64>() {
        Ok(cohort) => format!("/cohorts/{cohort}/unknowns"),
        Err(_) => format!("/learners/{}", learner.id),
    };
    Ok(Redirect::to(&back))
}
