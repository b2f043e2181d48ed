//! The call queue of a checkpoint (the NIACE mixed method's last, dearest
//! route): the next learner to ring, and recording a call, its outcome, any
//! destination learned and the task's escalation together.

use chrono::{DateTime, NaiveDate, Utc};
use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
use onward_domain::destination::{DestinationKind, DestinationRecord};
use onward_domain::enrolment::EnrolmentDates;
use onward_domain::escalation::{ANSWERED_EARLY_DAYS, Attempt, TaskProgress, answers_task, implied_kind};
use onward_domain::tracking::{Checkpoint, TaskStatus};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::contacts::{ContactAttempt, ContactPoint, contact_attempts, contact_points};
use super::idempotency::Claim;
use super::learners::{Learner, learner};
use super::{decode, now};
use crate::entities::{
    checkpoint, contact_attempt, contact_point, destination_record, enrolment, learner as learner_entity,
    task,
};
use crate::repo::scope::LearnerScope;
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{
    CheckpointId, CohortId, ContactAttemptId, ContactPointId, LearnerId, OrganisationId, Result,
    StorageError, TaskId, TrackingPlanId, UserId, Write,
};

/// A checkpoint as its call queue shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueCheckpoint {
    pub id: CheckpointId,
    pub plan: TrackingPlanId,
    pub checkpoint: Checkpoint,
}

impl QueueCheckpoint {
    /// The indexes of the phone among the checkpoint's channels: tasks on one
    /// of them are in the call queue.
    fn phone_stages(&self) -> Vec<i16> {
        let channels = &self.checkpoint.channels;
        let mut stages: Vec<i16> = channels
            .iter()
            .enumerate()
            .filter(|(_, channel)| **channel == ContactChannel::Phone)
            .filter_map(|(index, _)| i16::try_from(index).ok())
            .collect();
        stages.sort_unstable();
        stages
    }

    /// Where the tasks left past the end of the channels by a plan edit start:
    /// they are on the last channel, so they are on a phone stage when that is
    /// the phone.
    fn phone_past_end(&self) -> Option<i16> {
        let channels = &self.checkpoint.channels;
        (channels.last() == Some(&ContactChannel::Phone))
            .then(|| i16::try_from(channels.len()).unwrap_or(i16::MAX))
    }

    /// The (status, channel stage) pairs the queue reads, each one range of
    /// `tasks_by_stage` in due order: every open status on every phone stage
    /// that may hold tasks. Counting or listing by one condition over them all
    /// (`channel_index IN (..) OR channel_index >= n`) let SQLite walk
    /// `tasks_due` instead, reading every due task's row (0.6 s at a million).
    async fn open_phone_ranges(
        &self,
        conn: &impl ConnectionTrait,
        org: OrganisationId,
    ) -> Result<Vec<(&'static str, i16)>> {
        let mut ranges = Vec::new();
        for status in [TaskStatus::Due, TaskStatus::InProgress] {
            let stages = super::tasks::stages_to_read(
                conn,
                org,
                self.id.0,
                status,
                &self.phone_stages(),
                self.phone_past_end(),
            )
            .await?;
            ranges.extend(stages.into_iter().map(|stage| (status.code(), stage)));
        }
        Ok(ranges)
    }

    /// Whether the checkpoint is followed up by phone at all.
    pub fn uses_phone(&self) -> bool {
        !self.phone_stages().is_empty()
    }
}

pub async fn queue_checkpoint(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CheckpointId,
) -> Result<QueueCheckpoint> {
    let model = find_owned::<checkpoint::Entity>(conn, org, id.0, || format!("checkpoint {id}")).await?;
    Ok(QueueCheckpoint {
        id: CheckpointId(model.id),
        plan: TrackingPlanId(model.tracking_plan_id),
        checkpoint: super::plans::checkpoint_from_model(model)?,
    })
}

/// Which part of a checkpoint's queue to work through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueFilter {
    /// Only this cohort's learners.
    pub cohort: Option<CohortId>,
    /// Skip to the learner after this task (the "skip" link).
    pub after: Option<TaskId>,
    /// Tasks due on or before this day are in the queue.
    pub today: NaiveDate,
    /// Tasks already tried since this moment wait for another day.
    pub tried_since: DateTime<Utc>,
    /// The caller asking, and the time: the learner shown is claimed for them
    /// for [`CLAIM_MINUTES`], and learners claimed by other callers are passed
    /// over, so two people sharing a queue do not ring the same learner.
    pub claim_for: Option<(UserId, DateTime<Utc>)>,
}

/// How long a learner shown in the call queue stays with that caller.
pub const CLAIM_MINUTES: i64 = 10;

/// Free to claim: never claimed, the claim has run out, or it is the caller's own.
fn claimable(user: UserId, now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(task::Column::ClaimedUntil.is_null())
        .add(task::Column::ClaimedUntil.lte(now))
        .add(task::Column::ClaimedBy.eq(user.0))
}

/// The learner to call next, with all the caller needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallCandidate {
    pub task: TaskId,
    pub due_on: NaiveDate,
    pub progress: TaskProgress,
    pub learner: Learner,
    /// Whether the call asks for an intended or an actual destination.
    pub kind: DestinationKind,
    /// Phone numbers the learner agreed to be called on that are not known to be wrong.
    pub phones: Vec<ContactPoint>,
    /// Phone numbers held without consent (not shown, only counted).
    pub phones_without_consent: usize,
    pub attempts: Vec<ContactAttempt>,
}

/// How much of the queue is left.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Learners waiting to be called now.
    pub waiting: u64,
    /// Learners already tried since `tried_since`, to call again another day.
    pub tried: u64,
}

fn open_statuses() -> [&'static str; 2] {
    [TaskStatus::Due.code(), TaskStatus::InProgress.code()]
}

/// Tasks of learners in `scope` of the checkpoint, due by `today`, optionally
/// in one cohort. Callers add one open status and one phone stage (a range of
/// [`QueueCheckpoint::open_phone_ranges`]).
fn queue_condition(
    point: &QueueCheckpoint,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: Option<CohortId>,
    today: NaiveDate,
) -> Condition {
    let mut condition = Condition::all()
        .add(task::Entity::in_org(org))
        .add(scope.enrolment_ids(org, (task::Entity, task::Column::EnrolmentId)))
        .add(task::Column::CheckpointId.eq(point.id.0))
        .add(task::Column::DueOn.lte(today));
    if let Some(cohort) = cohort {
        condition = condition.add(
            task::Column::EnrolmentId.in_subquery(
                Query::select()
                    .column(enrolment::Column::Id)
                    .from(enrolment::Entity)
                    .and_where(Expr::col(enrolment::Column::OrganisationId).eq(org.0))
                    .and_where(Expr::col(enrolment::Column::CohortId).eq(cohort.0))
                    .to_owned(),
            ),
        );
    }
    condition
}

/// Waiting: never tried, or last tried before `tried_since`.
fn waiting_condition(tried_since: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(task::Column::Status.eq(TaskStatus::Due.code()))
        .add(task::Column::UpdatedAt.lt(tried_since))
}

/// How much of the queue of learners in `scope` is left.
pub async fn queue_counts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    point: &QueueCheckpoint,
    filter: &QueueFilter,
) -> Result<QueueCounts> {
    let (mut waiting, mut total) = (0, 0);
    for (status, stage) in point.open_phone_ranges(conn, org).await? {
        let base = || {
            task::Entity::find()
                .filter(queue_condition(point, org, scope, filter.cohort, filter.today))
                .filter(task::Column::Status.eq(status))
                .filter(task::Column::ChannelIndex.eq(stage))
        };
        waiting += base()
            .filter(waiting_condition(filter.tried_since))
            .count(conn)
            .await?;
        total += base().count(conn).await?;
    }
    Ok(QueueCounts {
        waiting,
        tried: total.saturating_sub(waiting),
    })
}

pub(crate) fn progress_of(model: &task::Model) -> Result<TaskProgress> {
    Ok(TaskProgress {
        status: decode("tasks", "status", &model.status)?,
        channel_index: usize::try_from(model.channel_index).unwrap_or(0),
        attempts: u8::try_from(model.attempts).unwrap_or(u8::MAX),
    })
}

async fn close_task(conn: &impl ConnectionTrait, id: i64, status: TaskStatus) -> Result<()> {
    task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(status.code()))
        .col_expr(task::Column::UpdatedAt, Expr::value(now()))
        .filter(task::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The learner's destination record that already answers a task due on
/// `due_on` (the rule every route follows: [`answers_task`]), if any: one
/// written before the tasks were generated, or before this rule closed tasks.
async fn already_answered(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: i64,
    due_on: NaiveDate,
    dates: &EnrolmentDates,
) -> Result<Option<i64>> {
    let earliest = due_on - chrono::Duration::days(ANSWERED_EARLY_DAYS);
    for model in destination_record::Entity::find_in(org)
        .filter(destination_record::Column::LearnerId.eq(learner))
        .filter(destination_record::Column::AsOf.gte(earliest))
        .order_by_asc(destination_record::Column::Id)
        .all(conn)
        .await?
    {
        let id = model.id;
        if answers_task(&super::destinations::record_from_model(model)?, due_on, dates) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The next learner in `scope` to call for a checkpoint: the oldest due task first.
/// On the way, tasks that need no call are closed and logged: the learner
/// was erased (not applicable), asked not to be contacted (opted out), or
/// their destination has been recorded since the task fell due by another
/// route (done).
pub async fn next_call(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    point: &QueueCheckpoint,
    filter: &QueueFilter,
) -> Result<Option<CallCandidate>> {
    let after = match filter.after {
        Some(id) => task::Entity::find_by_id(id.0)
            .filter(task::Entity::in_org(org))
            .one(conn)
            .await?
            .map(|model| (model.due_on, model.id)),
        None => None,
    };
    // Each status and phone stage is one range of `tasks_by_stage` in due
    // order, read separately and merged: `status IN (..) ORDER BY due_on`
    // would make the database sort every open task of the checkpoint to
    // find the first 50. Closing tasks on the way changes their status, not
    // their stage, so the ranges are found once.
    let ranges = point.open_phone_ranges(conn, org).await?;
    loop {
        let mut batch = Vec::new();
        for &(status, stage) in &ranges {
            let mut query = task::Entity::find()
                .filter(queue_condition(point, org, scope, filter.cohort, filter.today))
                .filter(task::Column::Status.eq(status))
                .filter(task::Column::ChannelIndex.eq(stage))
                .filter(waiting_condition(filter.tried_since));
            if let Some((user, now)) = filter.claim_for {
                query = query.filter(claimable(user, now));
            }
            if let Some((due_on, id)) = after {
                query = query.filter(
                    Condition::any().add(task::Column::DueOn.gt(due_on)).add(
                        Condition::all()
                            .add(task::Column::DueOn.eq(due_on))
                            .add(task::Column::Id.gt(id)),
                    ),
                );
            }
            batch.extend(
                query
                    .order_by_asc(task::Column::DueOn)
                    .order_by_asc(task::Column::Id)
                    .limit(50)
                    .all(conn)
                    .await?,
            );
        }
        batch.sort_by_key(|model| (model.due_on, model.id));
        batch.truncate(50);
        if batch.is_empty() {
            return Ok(None);
        }
        for model in batch {
            let Some(enrolment) = enrolment::Entity::find_by_id(model.enrolment_id)
                .filter(enrolment::Entity::in_org(org))
                .one(conn)
                .await?
            else {
                close_task(conn, model.id, TaskStatus::NotApplicable).await?;
                continue;
            };
            let person = learner_entity::Entity::find_by_id(enrolment.learner_id)
                .filter(learner_entity::Entity::in_org(org))
                .one(conn)
                .await?
                .ok_or_else(|| StorageError::not_found(format!("learner {}", enrolment.learner_id)))?;
            if person.erased_at.is_some() {
                tracing::info!(task = model.id, "call queue: learner erased, task not applicable");
                close_task(conn, model.id, TaskStatus::NotApplicable).await?;
                continue;
            }
            if person.opted_out_at.is_some() {
                tracing::info!(task = model.id, "call queue: learner opted out, task closed");
                close_task(conn, model.id, TaskStatus::OptedOut).await?;
                continue;
            }
            let dates = EnrolmentDates {
                start: enrolment.start_date,
                planned_end: enrolment.planned_end_date,
                actual_end: enrolment.actual_end_date,
            };
            let kind = implied_kind(model.due_on, &dates);
            if let Some(record) = already_answered(conn, org, person.id, model.due_on, &dates).await? {
                tracing::info!(
                    task = model.id,
                    "call queue: destination already recorded, task done"
                );
                close_task(conn, model.id, TaskStatus::Done).await?;
                task::Entity::update_many()
                    .col_expr(task::Column::DestinationRecordId, Expr::value(record))
                    .filter(task::Column::Id.eq(model.id))
                    .exec(conn)
                    .await?;
                continue;
            }
            if let Some((user, now)) = filter.claim_for {
                // Conditional, so of two callers asking at once only one gets the
                // learner; it checks again that nobody has rung them meanwhile (a
                // call saved after this query read the task clears its claim).
                let claimed = task::Entity::update_many()
                    .col_expr(task::Column::ClaimedBy, Expr::value(user.0))
                    .col_expr(
                        task::Column::ClaimedUntil,
                        Expr::value(now + chrono::Duration::minutes(CLAIM_MINUTES)),
                    )
                    .filter(task::Column::Id.eq(model.id))
                    .filter(claimable(user, now))
                    .filter(waiting_condition(filter.tried_since))
                    .exec(conn)
                    .await?
                    .rows_affected;
                if claimed == 0 {
                    continue;
                }
            }
            return Ok(Some(
                candidate(conn, org, &model, LearnerId(person.id), kind).await?,
            ));
        }
    }
}

async fn candidate(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    model: &task::Model,
    learner_id: LearnerId,
    kind: DestinationKind,
) -> Result<CallCandidate> {
    let points = contact_points(conn, org, learner_id).await?;
    let (phones, without): (Vec<ContactPoint>, Vec<ContactPoint>) = points
        .into_iter()
        .filter(|point| point.kind == ContactPointKind::Phone && point.valid)
        .partition(|point| point.consent);
    Ok(CallCandidate {
        task: TaskId(model.id),
        due_on: model.due_on,
        progress: progress_of(model)?,
        learner: learner(conn, org, learner_id).await?,
        kind,
        phones,
        phones_without_consent: without.len(),
        attempts: contact_attempts(conn, org, learner_id).await?,
    })
}

/// One task of a checkpoint as a call (to show the same learner again when
/// the form had an error), with the kind of answer it asks for. A task of a
/// learner outside `scope` is "not found".
pub async fn call_for_task(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    point: &QueueCheckpoint,
    id: TaskId,
) -> Result<CallCandidate> {
    let model = task::Entity::find_by_id(id.0)
        .filter(task::Entity::in_org(org))
        .filter(scope.enrolment_ids(org, (task::Entity, task::Column::EnrolmentId)))
        .filter(task::Column::CheckpointId.eq(point.id.0))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("task {id}")))?;
    let enrolment =
        find_owned::<enrolment::Entity>(conn, org, model.enrolment_id, || format!("task {id}")).await?;
    let dates = EnrolmentDates {
        start: enrolment.start_date,
        planned_end: enrolment.planned_end_date,
        actual_end: enrolment.actual_end_date,
    };
    candidate(
        conn,
        org,
        &model,
        LearnerId(enrolment.learner_id),
        implied_kind(model.due_on, &dates),
    )
    .await
}

/// One call as the caller saved it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCall {
    pub task: TaskId,
    /// The form's one-time key.
    pub idempotency_key: String,
    pub outcome: ContactOutcome,
    /// The number dialled (marked wrong on a wrong-number outcome).
    pub number: Option<ContactPointId>,
    pub notes: Option<String>,
    /// What the learner said they are doing, when reached.
    pub destination: Option<DestinationRecord>,
    /// The learner asked not to be contacted again.
    pub opt_out: bool,
    pub user: UserId,
    pub at: DateTime<Utc>,
}

/// What saving a call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallSaved {
    Recorded {
        learner: LearnerId,
        attempt: ContactAttemptId,
        progress: TaskProgress,
    },
    /// The key was used before (a double submission): nothing was written.
    AlreadyRecorded { learner: LearnerId },
}

/// The idempotency scope of a recorded call's form key.
const CALL_KEY: &str = "call";

/// Records a call: the contact attempt, a wrong number marked as such, the
/// destination learned (if any), the learner's opt-out, and the task's new
/// status and channel (domain escalation), all in the caller's unit of work.
/// The form's key is claimed first: a key already used records nothing.
pub async fn record_call(write: &Write, call: &RecordedCall) -> Result<CallSaved> {
    let org = write.organisation()?;
    let conn = write;
    if let Claim::Done { subject } = write.claim(CALL_KEY, &call.idempotency_key).await? {
        let learner =
            subject.ok_or_else(|| StorageError::not_found("the call recorded with this form key"))?;
        return Ok(CallSaved::AlreadyRecorded {
            learner: LearnerId(learner),
        });
    }
    let task_model = task::Entity::find_by_id(call.task.0)
        .filter(task::Entity::in_org(org))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("task {}", call.task)))?;
    let point = queue_checkpoint(conn, org, CheckpointId(task_model.checkpoint_id)).await?;
    let learner_id = enrolment::Entity::find_by_id(task_model.enrolment_id)
        .filter(enrolment::Entity::in_org(org))
        .one(conn)
        .await?
        .map(|model| LearnerId(model.learner_id))
        .ok_or_else(|| StorageError::not_found(format!("task {}", call.task)))?;
    let phones: Vec<ContactPoint> = contact_points(conn, org, learner_id)
        .await?
        .into_iter()
        .filter(|point| point.kind == ContactPointKind::Phone)
        .collect();
    if let Some(number) = call.number
        && !phones.iter().any(|phone| phone.id == number)
    {
        return Err(StorageError::not_found(format!("phone number {number}")));
    }

    let attempt = contact_attempt::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner_id.0),
        task_id: Set(Some(call.task.0)),
        channel: Set(ContactChannel::Phone.code().to_owned()),
        direction: Set(ContactDirection::Outbound.code().to_owned()),
        outcome: Set(call.outcome.code().to_owned()),
        notes: Set(call.notes.clone()),
        user_id: Set(Some(call.user.0)),
        attempted_at: Set(call.at),
        idempotency_key: Set(Some(call.idempotency_key.clone())),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|err| StorageError::from_insert(err, || "a call with this form key".to_owned()))?;

    if call.outcome == ContactOutcome::WrongNumber
        && let Some(number) = call.number
    {
        contact_point::Entity::update_many()
            .col_expr(contact_point::Column::Valid, Expr::value(false))
            .filter(contact_point::Column::Id.eq(number.0))
            .filter(contact_point::Entity::in_org(org))
            .exec(conn)
            .await?;
    }
    // Recording the destination closes every open task of the learner it
    // answers; the call's own task is linked to it below whatever its dates.
    let record_id = match &call.destination {
        Some(record) => Some(
            super::destinations::append_destination(conn, org, learner_id, record, Some(call.user)).await?,
        ),
        None => None,
    };
    if call.opt_out {
        learner_entity::Entity::update_many()
            .col_expr(learner_entity::Column::OptedOutAt, Expr::value(call.at))
            .filter(learner_entity::Column::Id.eq(learner_id.0))
            .filter(learner_entity::Entity::in_org(org))
            .exec(conn)
            .await?;
    }
    let still_usable = phones.iter().any(|phone| {
        phone.consent
            && phone.valid
            && !(call.outcome == ContactOutcome::WrongNumber && Some(phone.id) == call.number)
    });
    let progress = point.checkpoint.after_attempt(
        progress_of(&task_model)?,
        Attempt {
            channel: ContactChannel::Phone,
            outcome: call.outcome,
            destination_recorded: call.destination.is_some(),
            opted_out: call.opt_out,
            channel_still_usable: still_usable,
        },
    );
    let mut update = task::Entity::update_many();
    if let Some(record) = record_id {
        update = update.col_expr(task::Column::DestinationRecordId, Expr::value(record.0));
    }
    update
        .col_expr(task::Column::Status, Expr::value(progress.status.code()))
        .col_expr(
            task::Column::ChannelIndex,
            Expr::value(i16::try_from(progress.channel_index).unwrap_or(i16::MAX)),
        )
        .col_expr(task::Column::Attempts, Expr::value(i16::from(progress.attempts)))
        .col_expr(task::Column::UpdatedAt, Expr::value(call.at))
        .col_expr(task::Column::ClaimedBy, Expr::value(Option::<i64>::None))
        .col_expr(
            task::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(task::Column::Id.eq(task_model.id))
        .exec(conn)
        .await?;
    write
        .settle(CALL_KEY, &call.idempotency_key, learner_id.0)
        .await?;
    Ok(CallSaved::Recorded {
        learner: learner_id,
        attempt: ContactAttemptId(attempt.id),
        progress,
    })
}

/// A task's progress (for tests and the learner record).
pub async fn task_progress(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TaskId,
) -> Result<TaskProgress> {
    let model = find_owned::<task::Entity>(conn, org, id.0, || format!("task {id}")).await?;
    progress_of(&model)
}

/// Marks a learner as not to be contacted, or erased (for the retention and
/// subject-rights work; the call queue skips both).
pub async fn mark_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: LearnerId,
    opted_out: bool,
    erased: bool,
) -> Result<()> {
    learner(conn, org, id).await?;
    if !opted_out && !erased {
        return Ok(());
    }
    let stamp = now();
    let mut update = learner_entity::Entity::update_many()
        .filter(learner_entity::Column::Id.eq(id.0))
        .filter(learner_entity::Entity::in_org(org));
    if opted_out {
        update = update.col_expr(learner_entity::Column::OptedOutAt, Expr::value(stamp));
    }
    if erased {
        update = update.col_expr(learner_entity::Column::ErasedAt, Expr::value(stamp));
    }
    update.exec(conn).await?;
    Ok(())
}

/// The open tasks of a checkpoint due by `today`, oldest first: (task, due on, learner).
pub async fn open_tasks(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    checkpoint: CheckpointId,
    today: NaiveDate,
) -> Result<Vec<(TaskId, NaiveDate, LearnerId)>> {
    use std::collections::HashMap;
    let tasks: Vec<(i64, NaiveDate, i64)> = task::Entity::find()
        .select_only()
        .columns([task::Column::Id, task::Column::DueOn, task::Column::EnrolmentId])
        .filter(task::Entity::in_org(org))
        .filter(task::Column::CheckpointId.eq(checkpoint.0))
        .filter(task::Column::Status.is_in(open_statuses()))
        .filter(task::Column::DueOn.lte(today))
        .order_by_asc(task::Column::DueOn)
        .order_by_asc(task::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let learners: HashMap<i64, i64> = enrolment::Entity::find()
        .select_only()
        .columns([enrolment::Column::Id, enrolment::Column::LearnerId])
        .filter(enrolment::Entity::in_org(org))
        .filter(enrolment::Column::Id.is_in(tasks.iter().map(|(_, _, e)| *e)))
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(tasks
        .into_iter()
        .filter_map(|(id, due, enrolment)| {
            learners
                .get(&enrolment)
                .map(|learner| (TaskId(id), due, LearnerId(*learner)))
        })
        .collect())
}

/// Records an attempt on a task by any channel (an email or SMS sent, a letter,
/// a reply) and applies the checkpoint's escalation. A bounced email or SMS
/// counts as an attempt like any other; the call queue uses [`record_call`].
pub async fn record_task_attempt(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TaskId,
    channel: ContactChannel,
    outcome: ContactOutcome,
    user: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<TaskProgress> {
    let model = find_owned::<task::Entity>(conn, org, id.0, || format!("task {id}")).await?;
    let point = queue_checkpoint(conn, org, CheckpointId(model.checkpoint_id)).await?;
    let learner_id = enrolment::Entity::find_by_id(model.enrolment_id)
        .filter(enrolment::Entity::in_org(org))
        .one(conn)
        .await?
        .map(|e| LearnerId(e.learner_id))
        .ok_or_else(|| StorageError::not_found(format!("task {id}")))?;
    super::contacts::record_contact_attempt(
        conn,
        org,
        &super::contacts::NewContactAttempt {
            learner: learner_id,
            task: Some(id),
            channel,
            direction: ContactDirection::Outbound,
            outcome,
            notes: None,
            user,
            attempted_at: at,
        },
    )
    .await?;
    let progress = point.checkpoint.after_attempt(
        progress_of(&model)?,
        Attempt {
            channel,
            outcome,
            destination_recorded: false,
            opted_out: false,
            channel_still_usable: true,
        },
    );
    task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(progress.status.code()))
        .col_expr(
            task::Column::ChannelIndex,
            Expr::value(i16::try_from(progress.channel_index).unwrap_or(i16::MAX)),
        )
        .col_expr(task::Column::Attempts, Expr::value(i16::from(progress.attempts)))
        .col_expr(task::Column::UpdatedAt, Expr::value(at))
        .filter(task::Column::Id.eq(model.id))
        .exec(conn)
        .await?;
    Ok(progress)
}

/// When the learner asked not to be contacted again, if they did.
pub async fn opted_out_at(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: LearnerId,
) -> Result<Option<DateTime<Utc>>> {
    Ok(
        find_owned::<learner_entity::Entity>(conn, org, id.0, || format!("learner {id}"))
            .await?
            .opted_out_at,
    )
}
