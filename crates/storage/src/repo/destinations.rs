//! Destination records. History is append-only: a new record never changes an
//! older one, and the current destination is derived by the domain.

use chrono::{DateTime, Utc};
use onward_domain::destination::DestinationRecord;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};

use super::{decode, now};
use crate::entities::destination_record;
use crate::repo::tenant::TenantScoped;
use crate::{DestinationRecordId, LearnerId, OrganisationId, Result, StorageError, UserId};

/// A stored destination record with who recorded it and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDestination {
    pub id: DestinationRecordId,
    pub learner: LearnerId,
    pub record: DestinationRecord,
    pub recorded_by: Option<UserId>,
    pub recorded_at: DateTime<Utc>,
}

fn from_model(model: destination_record::Model) -> Result<StoredDestination> {
    Ok(StoredDestination {
        id: DestinationRecordId(model.id),
        learner: LearnerId(model.learner_id),
        recorded_by: model.recorded_by.map(UserId),
        recorded_at: model.recorded_at,
        record: record_from_model(model)?,
    })
}

pub(crate) fn record_from_model(model: destination_record::Model) -> Result<DestinationRecord> {
    const T: &str = "destination_records";
    Ok(DestinationRecord {
        kind: decode(T, "kind", &model.kind)?,
        category: decode(T, "category", &model.category)?,
        as_of: model.as_of,
        start_date: model.start_date,
        end_date: model.end_date,
        institution: model.institution,
        employer: model.employer,
        job_role: model.job_role,
        hours_per_week: model.hours_per_week.and_then(|h| u16::try_from(h).ok()),
        source: decode(T, "source", &model.source)?,
        verification: decode(T, "verification", &model.verification)?,
        notes: model.notes,
    })
}

/// Appends a destination record for a learner of `org`.
pub async fn append_destination(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    record: &DestinationRecord,
    recorded_by: Option<UserId>,
) -> Result<DestinationRecordId> {
    record
        .validate()
        .map_err(|err| StorageError::InvalidStoredValue {
            table: "destination_records",
            column: "end_date",
            value: String::new(),
            reason: err.to_string(),
        })?;
    // Fails with NotFound for another organisation's learner.
    super::learners::learner(conn, org, learner).await?;
    let model = destination_record::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        kind: Set(record.kind.code().to_owned()),
        category: Set(record.category.code().to_owned()),
        as_of: Set(record.as_of),
        start_date: Set(record.start_date),
        end_date: Set(record.end_date),
        institution: Set(record.institution.clone()),
        employer: Set(record.employer.clone()),
        job_role: Set(record.job_role.clone()),
        hours_per_week: Set(record.hours_per_week.and_then(|h| i16::try_from(h).ok())),
        source: Set(record.source.code().to_owned()),
        verification: Set(record.verification.code().to_owned()),
        notes: Set(record.notes.clone()),
        recorded_by: Set(recorded_by.map(|id| id.0)),
        recorded_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(DestinationRecordId(model.id))
}

/// A learner's destination history, oldest first (by as-of date, then entry order).
pub async fn destination_history(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<StoredDestination>> {
    destination_record::Entity::find_in(org)
        .filter(destination_record::Column::LearnerId.eq(learner.0))
        .order_by_asc(destination_record::Column::AsOf)
        .order_by_asc(destination_record::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}
