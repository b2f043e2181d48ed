//! September Guarantee offers (seed 001): every Year 11 and Year 12 learner
//! should have an offer of a suitable place in learning by the end of
//! September. Offers are recorded per learner with a provider, course and
//! status; the list of learners with no offer goes to the careers adviser.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use onward_domain::support::OfferStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::cohort_lists::{self, Page, PageRequest};
use super::learners::Learner;
use super::{decode, now};
use crate::entities::{guarantee_offer, guarantee_offer_change};
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
    record_offer_change(conn, org, OfferId(model.id), new.status, recorded_by, stamp).await?;
    keep_best_offer(conn, org, learner).await?;
    Ok(OfferId(model.id))
}

/// Sets `learners.best_offer` from the learner's offers, in the caller's
/// transaction: every change of an offer ends here, so the cohort pages can
/// count and list by the stored value (`cohort_lists::offer_counts`).
async fn keep_best_offer(conn: &impl ConnectionTrait, org: OrganisationId, learner: LearnerId) -> Result<()> {
    let sql = format!(
        "UPDATE learners SET best_offer = {best} WHERE organisation_id = $1 AND id = $2",
        best = cohort_lists::best_offer_sql("$2"),
    );
    conn.execute_raw(sea_orm::Statement::from_sql_and_values(
        conn.get_database_backend(),
        sql,
        [sea_orm::Value::from(org.0), sea_orm::Value::from(learner.0)],
    ))
    .await?;
    super::cohort_members::keep_cohort_members(conn, org, &[learner.0]).await
}

async fn record_offer_change(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    offer: OfferId,
    status: OfferStatus,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<()> {
    guarantee_offer_change::ActiveModel {
        organisation_id: Set(org.0),
        offer_id: Set(offer.0),
        status: Set(status.code().to_owned()),
        changed_by: Set(by.map(|id| id.0)),
        changed_at: Set(at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Moves an offer on (applied → offered → accepted, or declined), by nobody
/// in particular; see [`change_offer_status`].
pub async fn update_offer_status(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    offer: OfferId,
    status: OfferStatus,
) -> Result<()> {
    change_offer_status(conn, org, learner, offer, status, None).await?;
    Ok(())
}

/// Moves an offer on and keeps the change in its history (who, when, the new
/// status). The same status again changes nothing and returns `false`.
/// Another learner's or organisation's offer is "not found".
pub async fn change_offer_status(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    offer: OfferId,
    status: OfferStatus,
    changed_by: Option<UserId>,
) -> Result<bool> {
    let current = guarantee_offer::Entity::find_in(org)
        .filter(guarantee_offer::Column::Id.eq(offer.0))
        .filter(guarantee_offer::Column::LearnerId.eq(learner.0))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("offer {offer}")))?;
    if current.status == status.code() {
        return Ok(false);
    }
    let stamp = now();
    // Conditional on the status read, so two changes at once are both kept in
    // order rather than one silently replacing the other unseen.
    let result = guarantee_offer::Entity::update_many()
        .col_expr(guarantee_offer::Column::Status, Expr::value(status.code()))
        .col_expr(guarantee_offer::Column::UpdatedAt, Expr::value(stamp))
        .filter(guarantee_offer::Column::Id.eq(offer.0))
        .filter(guarantee_offer::Column::LearnerId.eq(learner.0))
        .filter(guarantee_offer::Entity::in_org(org))
        .filter(guarantee_offer::Column::Status.eq(current.status.clone()))
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(StorageError::not_found(format!("offer {offer} as it stood")));
    }
    record_offer_change(conn, org, offer, status, changed_by, stamp).await?;
    keep_best_offer(conn, org, learner).await?;
    Ok(true)
}

/// One status an offer was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferChange {
    pub status: OfferStatus,
    pub changed_by: Option<UserId>,
    pub changed_by_name: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// The status history of each of a learner's offers, oldest first. Offers
/// recorded before the history was kept have none.
pub async fn offer_history(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<HashMap<OfferId, Vec<OfferChange>>> {
    let offers: Vec<i64> = offers_for_learner(conn, org, learner)
        .await?
        .into_iter()
        .map(|offer| offer.id.0)
        .collect();
    let mut history: HashMap<OfferId, Vec<OfferChange>> = HashMap::new();
    if offers.is_empty() {
        return Ok(history);
    }
    let models = guarantee_offer_change::Entity::find_in(org)
        .filter(guarantee_offer_change::Column::OfferId.is_in(offers))
        .order_by_asc(guarantee_offer_change::Column::Id)
        .all(conn)
        .await?;
    let names = super::support::user_names(
        conn,
        org,
        models.iter().filter_map(|m| m.changed_by.map(UserId)).collect(),
    )
    .await?;
    for model in models {
        history
            .entry(OfferId(model.offer_id))
            .or_default()
            .push(OfferChange {
                status: decode("guarantee_offer_changes", "status", &model.status)?,
                changed_by: model.changed_by.map(UserId),
                changed_by_name: model.changed_by.and_then(|id| names.get(&UserId(id)).cloned()),
                changed_at: model.changed_at,
            });
    }
    Ok(history)
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

/// The offers of these learners of `org`, by learner, in the order recorded.
async fn offers_of(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learners: &[i64],
) -> Result<HashMap<i64, Vec<Offer>>> {
    let mut by_learner: HashMap<i64, Vec<Offer>> = HashMap::new();
    for chunk in learners.chunks(10_000) {
        for model in guarantee_offer::Entity::find_in(org)
            .filter(guarantee_offer::Column::LearnerId.is_in(chunk.iter().copied()))
            .order_by_asc(guarantee_offer::Column::Id)
            .all(conn)
            .await?
        {
            let offer = from_model(model)?;
            by_learner.entry(offer.learner.0).or_default().push(offer);
        }
    }
    Ok(by_learner)
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

async fn with_offers(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    page: Page<Learner>,
) -> Result<Page<LearnerWithoutOffer>> {
    let ids: Vec<i64> = page.items.iter().map(|learner| learner.id.0).collect();
    let mut offers = offers_of(conn, org, &ids).await?;
    Ok(page.map(|learner| LearnerWithoutOffer {
        offers: offers.remove(&learner.id.0).unwrap_or_default(),
        learner,
    }))
}

/// The cohort's learners in `scope` with no September Guarantee offer, by name, and the
/// counts of the same learners (all of them, for the CSV).
pub async fn learners_without_offer(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
) -> Result<(Vec<LearnerWithoutOffer>, OfferCounts)> {
    let counts = cohort_lists::offer_counts(conn, org, scope, cohort).await?;
    let all = cohort_lists::no_offer_learners(conn, org, scope, cohort, None, &counts).await?;
    Ok((with_offers(conn, org, all).await?.items, counts))
}

/// One page of the cohort's learners with no offer, by name, and the counts of
/// the whole cohort: one pass over the cohort counts them all, and gives the
/// list's size, so the page reads only its own rows.
pub async fn learners_without_offer_page(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
    page: PageRequest,
) -> Result<(Page<LearnerWithoutOffer>, OfferCounts)> {
    let counts = cohort_lists::offer_counts(conn, org, scope, cohort).await?;
    let learners = cohort_lists::no_offer_learners(conn, org, scope, cohort, Some(page), &counts).await?;
    Ok((with_offers(conn, org, learners).await?, counts))
}
