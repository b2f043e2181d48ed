//! The cohort lists: learners with no offer (printable, CSV) and learners at risk.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::Response;
use axum::routing::get;
use onward_storage::CohortId;
use onward_storage::repo::cohorts::{CohortSummary, cohort};
use onward_storage::repo::guarantee::{LearnerWithoutOffer, Offer, OfferCounts, learners_without_offer};
use onward_storage::repo::support::{AtRiskLearner, at_risk_in_cohort};
use tower_sessions::Session;

use super::Peer;
use crate::auth::CurrentUser;
use crate::ui::audit::audit;
use crate::ui::chrome::Chrome;
use crate::ui::download::CsvDownload;
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    GuaranteePage => chrome.tr;
    AtRiskPage => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/cohorts/{id}/guarantee", get(guarantee))
        .route("/cohorts/{id}/guarantee.csv", get(guarantee_export))
        .route("/cohorts/{id}/at-risk", get(at_risk))
}

#[derive(Template, WebTemplate)]
#[template(path = "guarantee.html")]
struct GuaranteePage {
    chrome: Chrome,
    cohort: CohortSummary,
    learners: Vec<LearnerWithoutOffer>,
    counts: OfferCounts,
}

/// What was recorded for a learner without an offer, for the list and the CSV.
fn offers_summary(offers: &[Offer]) -> String {
    offers
        .iter()
        .map(|offer| match &offer.course {
            Some(course) => format!("{}: {} ({course})", offer.status.label(), offer.provider),
            None => format!("{}: {}", offer.status.label(), offer.provider),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl GuaranteePage {
    fn summary(&self, offers: &[Offer]) -> String {
        offers_summary(offers)
    }
}

async fn guarantee(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<GuaranteePage, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let (learners, counts) = learners_without_offer(conn, user.organisation_id, cohort.id).await?;
    audit(
        &state,
        &user,
        peer,
        "cohort.guarantee_view",
        "cohort",
        cohort.id.0,
    )
    .await?;
    Ok(GuaranteePage {
        chrome: Chrome::new(user, &session, "cohorts").await?,
        cohort,
        learners,
        counts,
    })
}

async fn guarantee_export(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let (learners, _) = learners_without_offer(conn, user.organisation_id, cohort.id).await?;
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
        let l = &entry.learner;
        file.row([
            l.family_name.clone(),
            l.given_name.clone(),
            l.uln.clone().unwrap_or_default(),
            l.mis_id.clone().unwrap_or_default(),
            l.date_of_birth
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            l.postcode.clone().unwrap_or_default(),
            offers_summary(&entry.offers),
        ])?;
    }
    audit(
        &state,
        &user,
        peer,
        "cohort.guarantee_export",
        "cohort",
        cohort.id.0,
    )
    .await?;
    file.into_response(&format!("no-offer-cohort-{}.csv", cohort.id))
}

#[derive(Template, WebTemplate)]
#[template(path = "at_risk.html")]
struct AtRiskPage {
    chrome: Chrome,
    cohort: CohortSummary,
    learners: Vec<AtRiskLearner>,
}

async fn at_risk(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<AtRiskPage, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let learners = at_risk_in_cohort(
        conn,
        user.organisation_id,
        cohort.id,
        chrono::Utc::now().date_naive(),
    )
    .await?;
    audit(&state, &user, peer, "cohort.at_risk_view", "cohort", cohort.id.0).await?;
    Ok(AtRiskPage {
        chrome: Chrome::new(user, &session, "cohorts").await?,
        cohort,
        learners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn intentions_need_a_stage_a_destination_and_a_past_date() {
        let today = day(2026, 11, 26);
        let fields = IntentionFields {
            stage: "ilp_review".to_owned(),
            category: "apprenticeship".to_owned(),
            day: "2".to_owned(),
            month: "3".to_owned(),
            year: "2026".to_owned(),
            aspiration: "  Electrician ".to_owned(),
            ..Default::default()
        };
        let parsed = parse_intention(&fields, today).expect("valid");
        assert_eq!(parsed.stage, IntentionStage::IlpReview);
        assert_eq!(parsed.aspiration.as_deref(), Some("Electrician"));
        let future = IntentionFields {
            year: "2027".to_owned(),
            ..fields.clone()
        };
        assert_eq!(
            parse_intention(&future, today).expect_err("future")[0].field,
            "day"
        );
        let empty = parse_intention(&IntentionFields::default(), today).expect_err("empty");
        let fields: Vec<&str> = empty.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["stage", "category", "day"]);
    }

    #[test]
    fn referrals_need_an_eligible_owner_and_a_future_follow_up() {
        let today = day(2026, 11, 26);
        let owners = vec![(UserId(7), "Sam".to_owned(), "IAG adviser".to_owned())];
        let fields = ReferralFields {
            referral_type: "careers_guidance".to_owned(),
            owner: "7".to_owned(),
            day: "1".to_owned(),
            month: "12".to_owned(),
            year: "2026".to_owned(),
            ..Default::default()
        };
        assert_eq!(
            parse_referral(&fields, &owners, today).expect("valid").owner,
            UserId(7)
        );
        let stranger = ReferralFields {
            owner: "8".to_owned(),
            ..fields.clone()
        };
        assert_eq!(
            parse_referral(&stranger, &owners, today).expect_err("owner")[0].field,
            "owner"
        );
        let past = ReferralFields {
            month: "11".to_owned(),
            day: "1".to_owned(),
            ..fields
        };
        assert_eq!(
            parse_referral(&past, &owners, today).expect_err("past")[0].field,
            "day"
        );
    }

    #[test]
    fn offers_need_a_provider_and_status() {
        let errors = parse_offer(&OfferFields::default()).expect_err("empty");
        assert_eq!(
            errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            vec!["provider", "status"]
        );
        let offer = parse_offer(&OfferFields {
            provider: "Leeds City College".to_owned(),
            status: "offered".to_owned(),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(offer.course, None);
        assert_eq!(offers_summary(&[]), "");
    }
}
