//! September Guarantee offers (seed 001): every Year 11 and Year 12 learner
//! should have an offer of a suitable place in learning by the end of
//! September. Offers are recorded per learner with a provider, course and
//! status; the list of learners with no offer goes to the careers adviser.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use onward_domain::support::{OfferStatus, best_offer, has_no_offer};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::learners::Learner;
use super::{decode, now};
use crate::entities::guarantee_offer;
use crate::repo::scope::LearnerScope;
use crate::repo::tenant::TenantScoped;
use crate::{CohortId, LearnerId, OfferId, OrganisationId, Result, StorageError, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewOffer {
    pub provider: String,
    pub course: Option<String>,
    pub status: OfferStatus,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub id: OfferId,
    pub learner: LearnerId,
    pub provider: String,
    pub course: Option<String>,
    pub status: OfferStatus,
    pub recorded_by: Option<UserId>,
    pub recorded_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn from_model(model: guarantee_offer::Model) -> Result<Offer> {
    Ok(Offer {
        id: OfferId(model.id),
        learner: LearnerId(model.learner_id),
        status: decode("guarantee_offers", "status", &model.status)?,
        provider: model.provider,
        course: model.course,
        recorded_by: model.recorded_by.map(UserId),
        recorded_at: model.recorded_at,
        updated_at: model.updated_at,
    })
}

/// Records an offer (or application) for a learner of `org`.
pub async fn record_offer(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    new: &NewOffer,
    recorded_by: Option<UserId>,
) -> Result<OfferId> {
    super::learners::learner(conn, org, learner).await?;
    let stamp = now();
    let model = guarantee_offer::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        provider: Set(new.provider.clone()),
        course: Set(new.course.clone()),
        status: Set(new.status.code().to_owned()),
        recorded_by: Set(recorded_by.map(|id| id.0)),
        recorded_at: Set(stamp),
        updated_at: Set(stamp),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(OfferId(model.id))
}

/// Moves an offer on (applied → offered → accepted, or declined). Another
/// learner's or organisation's offer is "not found".
pub async fn update_offer_status(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    offer: OfferId,
    status: OfferStatus,
) -> Result<()> {
    let result = guarantee_offer::Entity::update_many()
        .col_expr(guarantee_offer::Column::Status, Expr::value(status.code()))
        .col_expr(guarantee_offer::Column::UpdatedAt, Expr::value(now()))
        .filter(guarantee_offer::Column::Id.eq(offer.0))
        .filter(guarantee_offer::Column::LearnerId.eq(learner.0))
        .filter(guarantee_offer::Entity::in_org(org))
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(StorageError::not_found(format!("offer {offer}")));
    }
    Ok(())
}

/// A learner's offers in the order they were recorded.
pub async fn offers_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<Offer>> {
    guarantee_offer::Entity::find_in(org)
        .filter(guarantee_offer::Column::LearnerId.eq(learner.0))
        .order_by_asc(guarantee_offer::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// The offers of a cohort's learners in `scope` by learner, and their ids.
async fn cohort_offers(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
) -> Result<(Vec<i64>, HashMap<i64, Vec<Offer>>)> {
    let learners = super::enrolments::learners_in_cohort(conn, org, cohort, scope).await?;
    let in_cohort = super::enrolments::learners_in_cohort_query(org, cohort, scope);
    let mut by_learner: HashMap<i64, Vec<Offer>> = HashMap::new();
    for model in guarantee_offer::Entity::find_in(org)
        .filter(guarantee_offer::Column::LearnerId.in_subquery(in_cohort))
        .order_by_asc(guarantee_offer::Column::Id)
        .all(conn)
        .await?
    {
        let offer = from_model(model)?;
        by_learner.entry(offer.learner.0).or_default().push(offer);
    }
    Ok((learners, by_learner))
}

/// How a cohort stands: learners by their most advanced offer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OfferCounts {
    pub accepted: u64,
    pub offered: u64,
    pub applied: u64,
    pub no_offer: u64,
}

/// A learner with no offer, with what was recorded (declined or none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnerWithoutOffer {
    pub learner: Learner,
    pub offers: Vec<Offer>,
}

/// The cohort's learners in `scope` with no September Guarantee offer, by
/// name, and the counts of the cohort's learners in `scope`.
pub async fn learners_without_offer(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
) -> Result<(Vec<LearnerWithoutOffer>, OfferCounts)> {
    let (learners, mut by_learner) = cohort_offers(conn, org, scope, cohort).await?;
    let mut counts = OfferCounts::default();
    let mut without = Vec::new();
    for learner in learners {
        let statuses = by_learner
            .get(&learner)
            .map(|offers| offers.iter().map(|offer| offer.status).collect::<Vec<_>>())
            .unwrap_or_default();
        match best_offer(statuses.iter().copied()) {
            Some(OfferStatus::Accepted) => counts.accepted += 1,
            Some(OfferStatus::Offered) => counts.offered += 1,
            Some(_) => counts.applied += 1,
            None => {
                debug_assert!(has_no_offer(statuses));
                counts.no_offer += 1;
                without.push(learner);
            }
        }
    }
    let named = super::learners::learners_by_ids(conn, org, &without).await?;
    Ok((
        named
            .into_iter()
            .map(|learner| LearnerWithoutOffer {
                offers: by_learner.remove(&learner.id.0).unwrap_or_default(),
                learner,
            })
            .collect(),
        counts,
    ))
}
