//! Destination records. History is append-only: a new record never changes an
//! older one (a correction is a new record that names the one it corrects),
//! and the current destination is derived by the domain. Only a record's
//! verification is upgraded in place, with each upgrade and its evidence kept
//! in `destination_verifications`.
//!
//! Every record is written by [`record_destination`], which also closes the
//! learner's open tasks the record answers ([`close_tasks_answered_by`]), so a
//! destination learned by any route (a call, the "I know where they are" form,
//! an intention, the manual form, later surveys and partner data) ends the
//! follow-up it was for.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use onward_domain::destination::{DestinationKind, DestinationRecord, Verification};
use onward_domain::enrolment::EnrolmentDates;
use onward_domain::escalation::answers_task;
use onward_domain::tracking::TaskStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::{decode, decode_opt, now};
use crate::entities::{destination_record, destination_verification, enrolment, task};
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{DestinationRecordId, LearnerId, OrganisationId, Result, StorageError, TaskId, UserId};

/// A stored destination record with who recorded it and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDestination {
    pub id: DestinationRecordId,
    pub learner: LearnerId,
    pub record: DestinationRecord,
    pub recorded_by: Option<UserId>,
    pub recorded_at: DateTime<Utc>,
    /// The earlier record this one corrects, if it is a correction.
    pub corrects: Option<DestinationRecordId>,
}

fn from_model(model: destination_record::Model) -> Result<StoredDestination> {
    Ok(StoredDestination {
        id: DestinationRecordId(model.id),
        learner: LearnerId(model.learner_id),
        recorded_by: model.recorded_by.map(UserId),
        recorded_at: model.recorded_at,
        corrects: model.corrects_id.map(DestinationRecordId),
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
        sector: decode_opt(T, "sector", model.sector.as_deref())?,
        course: model.course,
        level: decode_opt(T, "level", model.level.as_deref())?,
        source: decode(T, "source", &model.source)?,
        verification: decode(T, "verification", &model.verification)?,
        notes: model.notes,
    })
}

/// What writing a destination record did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedDestination {
    pub id: DestinationRecordId,
    /// The learner's open tasks the record answered, now done and linked to it.
    pub answered: Vec<TaskId>,
}

/// Appends a destination record for a learner of `org` (and closes the tasks
/// it answers; see [`record_destination`]).
pub async fn append_destination(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    record: &DestinationRecord,
    recorded_by: Option<UserId>,
) -> Result<DestinationRecordId> {
    Ok(record_destination(conn, org, learner, record, recorded_by, None)
        .await?
        .id)
}

/// Writes a destination record for a learner of `org`, optionally as the
/// correction of an earlier record of the same learner, then closes the
/// learner's open tasks it answers. The one place a destination record is
/// inserted.
pub async fn record_destination(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    record: &DestinationRecord,
    recorded_by: Option<UserId>,
    corrects: Option<DestinationRecordId>,
) -> Result<RecordedDestination> {
    record
        .validate()
        .map_err(|err| StorageError::InvalidStoredValue {
            table: "destination_records",
            column: err.field,
            value: String::new(),
            reason: err.to_string(),
        })?;
    // Fails with NotFound for another organisation's learner.
    super::learners::learner(conn, org, learner).await?;
    if let Some(earlier) = corrects {
        let model = find_owned::<destination_record::Entity>(conn, org, earlier.0, || {
            format!("destination record {earlier}")
        })
        .await?;
        if model.learner_id != learner.0 {
            return Err(StorageError::not_found(format!("destination record {earlier}")));
        }
    }
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
        sector: Set(record.sector.map(|s| s.code().to_owned())),
        course: Set(record.course.clone()),
        level: Set(record.level.map(|l| l.code().to_owned())),
        source: Set(record.source.code().to_owned()),
        verification: Set(record.verification.code().to_owned()),
        notes: Set(record.notes.clone()),
        recorded_by: Set(recorded_by.map(|id| id.0)),
        recorded_at: Set(now()),
        corrects_id: Set(corrects.map(|id| id.0)),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let id = DestinationRecordId(model.id);
    if record.kind == DestinationKind::Actual {
        keep_current_category(conn, org, learner).await?;
    }
    let answered = close_tasks_answered_by(conn, org, learner, id, record).await?;
    Ok(RecordedDestination { id, answered })
}

/// Sets the learner's `current_category` to their current destination's (the
/// latest actual record by (as of, id), as `current_destination` decides), so
/// that cohort counts and lists read it from the learner's row. A record dated
/// before the current one leaves it as it is.
async fn keep_current_category(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<()> {
    let sql = format!(
        "UPDATE learners SET current_category = {current} WHERE organisation_id = $1 AND id = $2",
        current = super::cohort_lists::current_category_sql("$2"),
    );
    conn.execute_raw(sea_orm::Statement::from_sql_and_values(
        conn.get_database_backend(),
        sql,
        [sea_orm::Value::from(org.0), sea_orm::Value::from(learner.0)],
    ))
    .await?;
    super::cohort_members::keep_cohort_members(conn, org, &[learner.0]).await
}

/// Closes (as done, linked to `record_id`) the learner's open tasks that
/// `record` answers by the domain rule [`answers_task`]: a record of the kind
/// the task asks for, as of its due date or up to two weeks before. Each
/// update is conditional on the task still being open, so a task closed
/// meanwhile (by a caller, by another record) keeps its outcome.
pub async fn close_tasks_answered_by(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    record_id: DestinationRecordId,
    record: &DestinationRecord,
) -> Result<Vec<TaskId>> {
    let enrolments: HashMap<i64, EnrolmentDates> = enrolment::Entity::find_in(org)
        .filter(enrolment::Column::LearnerId.eq(learner.0))
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            (
                model.id,
                EnrolmentDates {
                    start: model.start_date,
                    planned_end: model.planned_end_date,
                    actual_end: model.actual_end_date,
                },
            )
        })
        .collect();
    if enrolments.is_empty() {
        return Ok(Vec::new());
    }
    let open: Vec<(i64, i64, chrono::NaiveDate)> = task::Entity::find()
        .select_only()
        .columns([task::Column::Id, task::Column::EnrolmentId, task::Column::DueOn])
        .filter(task::Entity::in_org(org))
        .filter(task::Column::EnrolmentId.is_in(enrolments.keys().copied()))
        .filter(task::Column::Status.is_in([TaskStatus::Due.code(), TaskStatus::InProgress.code()]))
        .order_by_asc(task::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let mut answered = Vec::new();
    for (id, enrolment_id, due_on) in open {
        let Some(dates) = enrolments.get(&enrolment_id) else {
            continue;
        };
        if !answers_task(record, due_on, dates) {
            continue;
        }
        let closed = task::Entity::update_many()
            .col_expr(task::Column::Status, Expr::value(TaskStatus::Done.code()))
            .col_expr(task::Column::DestinationRecordId, Expr::value(record_id.0))
            .col_expr(task::Column::UpdatedAt, Expr::value(now()))
            .col_expr(task::Column::ClaimedBy, Expr::value(Option::<i64>::None))
            .col_expr(
                task::Column::ClaimedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(task::Column::Id.eq(id))
            .filter(task::Entity::in_org(org))
            .filter(task::Column::Status.is_in([TaskStatus::Due.code(), TaskStatus::InProgress.code()]))
            .exec(conn)
            .await?
            .rows_affected;
        if closed == 1 {
            answered.push(TaskId(id));
        }
    }
    if !answered.is_empty() {
        tracing::debug!(
            learner = learner.0,
            record = record_id.0,
            tasks = answered.len(),
            "destination answered open tasks"
        );
    }
    Ok(answered)
}

/// The destination records of a cohort's learners, by learner, oldest first
/// (for task generation to close new tasks already answered).
pub(crate) async fn records_of_learners_in_cohort(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    cohort: crate::CohortId,
) -> Result<HashMap<i64, Vec<(DestinationRecordId, DestinationRecord)>>> {
    let mut by_learner: HashMap<i64, Vec<(DestinationRecordId, DestinationRecord)>> = HashMap::new();
    for model in destination_record::Entity::find_in(org)
        .filter(destination_record::Column::LearnerId.in_subquery(
            super::enrolments::learners_in_cohort_query(org, cohort, &super::scope::LearnerScope::All),
        ))
        .order_by_asc(destination_record::Column::Id)
        .all(conn)
        .await?
    {
        let learner = model.learner_id;
        let id = DestinationRecordId(model.id);
        by_learner
            .entry(learner)
            .or_default()
            .push((id, record_from_model(model)?));
    }
    Ok(by_learner)
}

/// The destination record that answered a task, if one did.
pub async fn task_answered_by(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TaskId,
) -> Result<Option<DestinationRecordId>> {
    let model = find_owned::<task::Entity>(conn, org, id.0, || format!("task {id}")).await?;
    Ok(model.destination_record_id.map(DestinationRecordId))
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

/// One record of a learner of `org`.
pub async fn stored_destination(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    id: DestinationRecordId,
) -> Result<StoredDestination> {
    let model = destination_record::Entity::find_in(org)
        .filter(destination_record::Column::Id.eq(id.0))
        .filter(destination_record::Column::LearnerId.eq(learner.0))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("destination record {id}")))?;
    from_model(model)
}

/// Why a verification was not upgraded.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The record is already verified this well or better.
    #[error("the destination is already {current}; choose a stronger verification")]
    NotStronger { current: Verification },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// One upgrade of a record's verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationUpgrade {
    pub record: DestinationRecordId,
    pub from: Verification,
    pub to: Verification,
    pub evidence: String,
    pub verified_by: Option<UserId>,
    pub verified_at: DateTime<Utc>,
}

/// Upgrades a record's verification to `to` (only ever upwards), keeping the
/// upgrade and its evidence note. The update is conditional on the
/// verification read, so of two upgrades at once the second is refused.
pub async fn verify_destination(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    id: DestinationRecordId,
    to: Verification,
    evidence: &str,
    verified_by: Option<UserId>,
) -> std::result::Result<VerificationUpgrade, VerifyError> {
    let stored = stored_destination(conn, org, learner, id).await?;
    let from = stored.record.verification;
    if to.strength() <= from.strength() {
        return Err(VerifyError::NotStronger { current: from });
    }
    let updated = destination_record::Entity::update_many()
        .col_expr(destination_record::Column::Verification, Expr::value(to.code()))
        .filter(destination_record::Column::Id.eq(id.0))
        .filter(destination_record::Entity::in_org(org))
        .filter(destination_record::Column::Verification.eq(from.code()))
        .exec(conn)
        .await
        .map_err(StorageError::from)?
        .rows_affected;
    if updated == 0 {
        // Upgraded by someone else since it was read.
        let current = stored_destination(conn, org, learner, id)
            .await?
            .record
            .verification;
        return Err(VerifyError::NotStronger { current });
    }
    let stamp = now();
    destination_verification::ActiveModel {
        organisation_id: Set(org.0),
        destination_record_id: Set(id.0),
        from_verification: Set(from.code().to_owned()),
        to_verification: Set(to.code().to_owned()),
        evidence: Set(evidence.to_owned()),
        verified_by: Set(verified_by.map(|u| u.0)),
        verified_at: Set(stamp),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(StorageError::from)?;
    Ok(VerificationUpgrade {
        record: id,
        from,
        to,
        evidence: evidence.to_owned(),
        verified_by,
        verified_at: stamp,
    })
}

/// The verification upgrades of a learner's records, oldest first.
pub async fn verification_upgrades(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<VerificationUpgrade>> {
    const T: &str = "destination_verifications";
    let records: Vec<i64> = destination_record::Entity::find()
        .select_only()
        .column(destination_record::Column::Id)
        .filter(destination_record::Entity::in_org(org))
        .filter(destination_record::Column::LearnerId.eq(learner.0))
        .into_tuple()
        .all(conn)
        .await?;
    if records.is_empty() {
        return Ok(Vec::new());
    }
    destination_verification::Entity::find_in(org)
        .filter(destination_verification::Column::DestinationRecordId.is_in(records))
        .order_by_asc(destination_verification::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok(VerificationUpgrade {
                record: DestinationRecordId(model.destination_record_id),
                from: decode(T, "from_verification", &model.from_verification)?,
                to: decode(T, "to_verification", &model.to_verification)?,
                evidence: model.evidence,
                verified_by: model.verified_by.map(UserId),
                verified_at: model.verified_at,
            })
        })
        .collect()
}
