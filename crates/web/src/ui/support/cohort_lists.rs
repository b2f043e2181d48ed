//! The cohort lists: learners with no offer (printable, CSV) and learners at risk.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::Response;
use axum::routing::get;
use onward_domain::support::{AtRiskReason, OfferStatus};
use onward_storage::CohortId;
use onward_storage::repo::cohorts::{CohortSummary, cohort};
use onward_storage::repo::guarantee::{
    LearnerWithoutOffer, Offer, OfferCounts, learners_without_offer, learners_without_offer_page,
};
use onward_storage::repo::support::{AtRiskLearner, at_risk_in_cohort_page};

use crate::ui::chrome::Chrome;
use crate::ui::download::{CsvDownload, learner_identity_cells};
use crate::ui::pagination::{PageQuery, Pagination};
use crate::ui::staff::Staff;

use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    GuaranteePage => chrome.tr;
    AtRiskPage => chrome.tr;
}

/// Rows on one page of the guarantee and at-risk lists.
const PAGE_SIZE: u64 = 50;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cohorts/{id}/guarantee", get(guarantee))
        .route("/cohorts/{id}/guarantee.csv", get(guarantee_export))
        .route("/cohorts/{id}/at-risk", get(at_risk))
}

#[derive(Template, WebTemplate)]
#[template(path = "support/guarantee.html")]
struct GuaranteePage {
    chrome: Chrome,
    cohort: CohortSummary,
    /// This page of the learners with no offer (`counts.no_offer` in all).
    learners: Vec<LearnerWithoutOffer>,
    counts: OfferCounts,
    pagination: Pagination,
}

/// What was recorded for a learner without an offer, for the list (statuses in
/// the page's language) and the CSV (English, like its headers).
fn offers_summary(offers: &[Offer], status_label: impl Fn(OfferStatus) -> String) -> String {
    offers
        .iter()
        .map(|offer| match &offer.course {
            Some(course) => format!("{}: {} ({course})", status_label(offer.status), offer.provider),
            None => format!("{}: {}", status_label(offer.status), offer.provider),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl GuaranteePage {
    fn summary(&self, offers: &[Offer]) -> String {
        offers_summary(offers, |status| self.chrome.tr.t(status.label_key()))
    }
}

impl AtRiskPage {
    fn reason(&self, reason: &AtRiskReason) -> String {
        super::describe_at_risk(&self.chrome.tr, reason)
    }
}

async fn guarantee(
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<GuaranteePage, WebError> {
    let conn = staff.conn();
    let cohort = cohort(conn, staff.organisation(), CohortId(id)).await?;
    let (page, counts) = learners_without_offer_page(
        conn,
        staff.organisation(),
        &staff.scope,
        cohort.id,
        query.request(PAGE_SIZE),
    )
    .await?;
    let pagination = Pagination::new(&page, &format!("/cohorts/{}/guarantee", cohort.id));
    staff
        .audit_view("cohort.guarantee_view", "cohort", cohort.id.0)
        .await?;
    Ok(GuaranteePage {
        chrome: staff.chrome("cohorts").await?,
        cohort,
        learners: page.items,
        counts,
        pagination,
    })
}

async fn guarantee_export(staff: Staff, Path(id): Path<i64>) -> Result<Response, WebError> {
    let conn = staff.conn();
    let cohort = cohort(conn, staff.organisation(), CohortId(id)).await?;
    let (learners, _) = learners_without_offer(conn, staff.organisation(), &staff.scope, cohort.id).await?;
    let mut file = CsvDownload::new(&[
        "Family name",
        "Given name",
        "ULN",
        "MIS id",
        "Date of birth",
        "Postcode",
        "Offers recorded",
    ])?;
    for entry in &learners {
        let offers = offers_summary(&entry.offers, |status| status.label().to_owned());
        file.row(
            learner_identity_cells(&entry.learner)
                .iter()
                .map(String::as_str)
                .chain([offers.as_str()]),
        )?;
    }
    staff
        .audit_view("cohort.guarantee_export", "cohort", cohort.id.0)
        .await?;
    file.into_response(&format!("no-offer-cohort-{}.csv", cohort.id))
}

#[derive(Template, WebTemplate)]
#[template(path = "support/at_risk.html")]
struct AtRiskPage {
    chrome: Chrome,
    cohort: CohortSummary,
    /// This page of the list.
    learners: Vec<AtRiskLearner>,
    /// Learners in the whole list.
    total: u64,
    pagination: Pagination,
}

async fn at_risk(
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> Result<AtRiskPage, WebError> {
    let conn = staff.conn();
    let cohort = cohort(conn, staff.organisation(), CohortId(id)).await?;
    let page = at_risk_in_cohort_page(
        conn,
        staff.organisation(),
        &staff.scope,
        cohort.id,
        chrono::Utc::now().date_naive(),
        query.request(PAGE_SIZE),
    )
    .await?;
    let pagination = Pagination::new(&page, &format!("/cohorts/{}/at-risk", cohort.id));
    staff
        .audit_view("cohort.at_risk_view", "cohort", cohort.id.0)
        .await?;
    Ok(AtRiskPage {
        chrome: staff.chrome("cohorts").await?,
        cohort,
        total: page.total,
        learners: page.items,
        pagination,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_offers_summarise_as_nothing() {
        assert_eq!(offers_summary(&[], |status| status.label().to_owned()), "");
    }
}
