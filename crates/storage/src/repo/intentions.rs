//! Intentions: what a learner intends to do next, recorded at induction, the
//! mid-programme ILP review and exit.
//!
//! An intention is an intended destination record (appended to the learner's
//! destination history like any other, so reports of intended vs actual and
//! the crosswalks treat it the same) plus the stage and the learner's
//! aspiration, one-to-one in `intentions`. Both rows are written in one
//! transaction.

use chrono::{DateTime, NaiveDate, Utc};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_domain::support::IntentionStage;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Set, TransactionSession, TransactionTrait,
};

use super::decode;
use super::destinations::{append_destination, destination_history};
use crate::entities::intention;
use crate::repo::tenant::TenantScoped;
use crate::{IntentionId, LearnerId, OrganisationId, Result, UserId};

/// An intention to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewIntention {
    pub stage: IntentionStage,
    pub category: DestinationCategory,
    /// The date of the conversation (induction, review or exit interview).
    pub as_of: NaiveDate,
    /// The provider, university or employer they have in mind, if any.
    pub place: Option<String>,
    /// Their aspiration in their own words ("to be a veterinary nurse").
    pub aspiration: Option<String>,
    pub notes: Option<String>,
}

/// A recorded intention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intention {
    pub id: IntentionId,
    pub stage: IntentionStage,
    pub record: DestinationRecord,
    pub aspiration: Option<String>,
    pub recorded_by: Option<UserId>,
    pub recorded_by_name: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// Records an intention: an intended destination record (source: staff, as the
/// learner told them; verification: the learner's own statement) and its stage.
pub async fn record_intention<C>(
    conn: &C,
    org: OrganisationId,
    learner: LearnerId,
    new: &NewIntention,
    recorded_by: Option<UserId>,
) -> Result<IntentionId>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (institution, employer) = onward_domain::destination::split_place(new.category, new.place.clone());
    let record = DestinationRecord {
        kind: DestinationKind::Intended,
        category: new.category,
        as_of: new.as_of,
        start_date: None,
        end_date: None,
        institution,
        employer,
        job_role: None,
        hours_per_week: None,
        sector: None,
        course: None,
        level: None,
        source: DestinationSource::Staff,
        verification: Verification::LearnerConfirmed,
        notes: new.notes.clone(),
    };
    let txn = conn.begin().await?;
    let record_id = append_destination(&txn, org, learner, &record, recorded_by).await?;
    let model = intention::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        destination_record_id: Set(record_id.0),
        stage: Set(new.stage.code().to_owned()),
        aspiration: Set(new.aspiration.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(IntentionId(model.id))
}

/// A learner's intentions, oldest first (by the date of the conversation).
pub async fn intentions_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<Intention>> {
    let stages: std::collections::HashMap<i64, intention::Model> = intention::Entity::find_in(org)
        .filter(intention::Column::LearnerId.eq(learner.0))
        .all(conn)
        .await?
        .into_iter()
        .map(|model| (model.destination_record_id, model))
        .collect();
    if stages.is_empty() {
        return Ok(Vec::new());
    }
    let history = destination_history(conn, org, learner).await?;
    let names = super::support::user_names(
        conn,
        org,
        history.iter().filter_map(|stored| stored.recorded_by).collect(),
    )
    .await?;
    history
        .into_iter()
        .filter_map(|stored| {
            let model = stages.get(&stored.id.0)?;
            Some((stored, model))
        })
        .map(|(stored, model)| {
            Ok(Intention {
                id: IntentionId(model.id),
                stage: decode("intentions", "stage", &model.stage)?,
                aspiration: model.aspiration.clone(),
                recorded_by_name: stored.recorded_by.and_then(|id| names.get(&id).cloned()),
                recorded_by: stored.recorded_by,
                recorded_at: stored.recorded_at,
                record: stored.record,
            })
        })
        .collect()
}

/// The stage of each of a learner's intended destination records that was
/// recorded as an intention, by destination record id (for the timeline).
pub async fn intention_stages(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<std::collections::HashMap<crate::DestinationRecordId, IntentionStage>> {
    intention::Entity::find_in(org)
        .filter(intention::Column::LearnerId.eq(learner.0))
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok((
                crate::DestinationRecordId(model.destination_record_id),
                decode("intentions", "stage", &model.stage)?,
            ))
        })
        .collect()
}
