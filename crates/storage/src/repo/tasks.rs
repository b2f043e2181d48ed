//! Tasks: one due checkpoint for one enrolment. Generated from enrolments ×
//! their cohort's tracking plan, idempotently (at most one task per enrolment
//! and checkpoint), so the scheduler can run as often as it likes.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use onward_domain::enrolment::EnrolmentDates;
use onward_domain::escalation::answers_task;
use onward_domain::role::Role;
use onward_domain::tracking::{Checkpoint, TaskStatus};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionSession,
    TransactionTrait,
};

use super::{decode, now};
use crate::entities::{checkpoint, cohort, enrolment, learner, task};
use crate::repo::scope::LearnerScope;
use crate::repo::tenant::TenantScoped;
use crate::{CheckpointId, CohortId, LearnerId, OrganisationId, Result, TaskId, TrackingPlanId};

/// What one generation pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenerationReport {
    /// Tasks created by this pass (0 when everything already existed).
    pub created: u64,
    /// Enrolment × checkpoint pairs with no computable date (e.g. no results day).
    pub undated: u64,
}

/// Creates the missing tasks for every enrolment in a cohort that follows a plan.
/// Existing tasks are read first and skipped, and new ones are written in
/// multi-row statements, one transaction per 50,000 enrolments, so a million
/// enrolments take seconds and a re-run writes nothing.
pub async fn generate_tasks<C>(conn: &C, org: OrganisationId) -> Result<GenerationReport>
where
    C: ConnectionTrait + TransactionTrait,
{
    let cohorts: Vec<(i64, Option<i64>, Option<NaiveDate>)> = cohort::Entity::find()
        .select_only()
        .columns([
            cohort::Column::Id,
            cohort::Column::TrackingPlanId,
            cohort::Column::ResultsDay,
        ])
        .filter(cohort::Entity::in_org(org))
        .filter(cohort::Column::Archived.eq(false))
        .into_tuple()
        .all(conn)
        .await?;
    let mut plans: HashMap<i64, Vec<(CheckpointId, Checkpoint)>> = HashMap::new();
    let mut report = GenerationReport::default();
    for (cohort_id, plan, results_day) in cohorts {
        let Some(plan) = plan else { continue };
        let checkpoints = match plans.entry(plan) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(plan_checkpoints(conn, org, TrackingPlanId(plan)).await?)
            }
        };
        let enrolments: Vec<(i64, i64, NaiveDate, NaiveDate, Option<NaiveDate>)> = enrolment::Entity::find()
            .select_only()
            .columns([
                enrolment::Column::Id,
                enrolment::Column::LearnerId,
                enrolment::Column::StartDate,
                enrolment::Column::PlannedEndDate,
                enrolment::Column::ActualEndDate,
            ])
            .filter(enrolment::Entity::in_org(org))
            .filter(enrolment::Column::CohortId.eq(cohort_id))
            .into_tuple()
            .all(conn)
            .await?;
        let existing: HashSet<(i64, i64)> = task::Entity::find()
            .select_only()
            .columns([task::Column::EnrolmentId, task::Column::CheckpointId])
            .filter(task::Entity::in_org(org))
            .filter(task::Column::CheckpointId.is_in(checkpoints.iter().map(|(id, _)| id.0)))
            .into_tuple()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let stamp = now();
        // Destinations already on record answer the new tasks they would have
        // closed had the tasks existed (a learner added and followed up within
        // the hour, a plan given to a cohort later): the rule of every route.
        // Read only when the cohort has new tasks, so a pass that creates
        // nothing costs nothing more.
        let mut answers = None;
        for chunk in enrolments.chunks(50_000) {
            // The tasks to create, each with its learner and dates for the answer check below.
            let mut wanted = Vec::new();
            for &(enrolment_id, learner_id, start, planned_end, actual_end) in chunk {
                let dates = EnrolmentDates {
                    start,
                    planned_end,
                    actual_end,
                };
                for (checkpoint_id, point) in checkpoints.iter() {
                    if existing.contains(&(enrolment_id, checkpoint_id.0)) {
                        continue;
                    }
                    let Some(due) = point.due_date(&dates, results_day) else {
                        report.undated += 1;
                        continue;
                    };
                    wanted.push((enrolment_id, checkpoint_id.0, due, learner_id, dates.clone()));
                }
            }
            if wanted.is_empty() {
                continue;
            }
            // Each new task with the record that answers it, if one does: such
            // a task is written already done, so answered tasks cost no
            // statement of their own (one UPDATE each took PostgreSQL 16
            // minutes for 446,000 tasks).
            if answers.is_none() {
                answers = Some(
                    super::destinations::records_of_learners_in_cohort(conn, org, CohortId(cohort_id))
                        .await?,
                );
            }
            let Some(records) = answers.as_ref() else {
                continue;
            };
            let rows: Vec<NewTask> = wanted
                .into_iter()
                .map(|(enrolment, checkpoint, due, learner_id, dates)| NewTask {
                    enrolment,
                    checkpoint,
                    due,
                    answered_by: records
                        .get(&learner_id)
                        .and_then(|records| {
                            records
                                .iter()
                                .find(|(_, record)| answers_task(record, due, &dates))
                        })
                        .map(|(id, _)| id.0),
                })
                .collect();
            report.created += insert_tasks(conn, org, stamp, rows).await?;
        }
    }
    Ok(report)
}

/// A task to create: due, or done already when a record on file answers it.
#[derive(Clone, Copy, Debug)]
struct NewTask {
    enrolment: i64,
    checkpoint: i64,
    due: NaiveDate,
    answered_by: Option<i64>,
}

/// Writes new tasks in one transaction, 3,500 rows a statement (9 values a
/// row: within SQLite's 32,766 and PostgreSQL's 65,535 bound values), built
/// directly rather than through active models (about 8% faster in
/// `task_bench`). A task another scheduler created meanwhile is skipped by
/// the unique key (that scheduler closed it too if a record answers it).
async fn insert_tasks<C>(
    conn: &C,
    org: OrganisationId,
    stamp: chrono::DateTime<chrono::Utc>,
    rows: Vec<NewTask>,
) -> Result<u64>
where
    C: ConnectionTrait + TransactionTrait,
{
    use sea_orm::sea_query::{Expr, Query};
    if rows.is_empty() {
        return Ok(0);
    }
    let txn = conn.begin().await?;
    let mut created = 0;
    for batch in rows.chunks(3500) {
        let mut insert = Query::insert()
            .into_table(task::Entity)
            .columns([
                task::Column::OrganisationId,
                task::Column::EnrolmentId,
                task::Column::CheckpointId,
                task::Column::DueOn,
                task::Column::Status,
                task::Column::ChannelIndex,
                task::Column::Attempts,
                task::Column::UpdatedAt,
                task::Column::DestinationRecordId,
            ])
            .on_conflict(
                OnConflict::columns([task::Column::EnrolmentId, task::Column::CheckpointId])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        for row in batch {
            let status = if row.answered_by.is_some() {
                TaskStatus::Done
            } else {
                TaskStatus::Due
            };
            insert.values_panic([
                Expr::val(org.0),
                Expr::val(row.enrolment),
                Expr::val(row.checkpoint),
                Expr::val(row.due),
                Expr::val(status.code()),
                Expr::val(0_i16),
                Expr::val(0_i16),
                Expr::val(stamp),
                Expr::val(row.answered_by),
            ]);
        }
        created += txn.execute(&insert).await?.rows_affected();
    }
    txn.commit().await?;
    Ok(created)
}

async fn plan_checkpoints(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    plan: TrackingPlanId,
) -> Result<Vec<(CheckpointId, Checkpoint)>> {
    let ids: Vec<i64> = checkpoint::Entity::find()
        .select_only()
        .column(checkpoint::Column::Id)
        .filter(checkpoint::Entity::in_org(org))
        .filter(checkpoint::Column::TrackingPlanId.eq(plan.0))
        .order_by_asc(checkpoint::Column::Position)
        .into_tuple()
        .all(conn)
        .await?;
    let stored = super::plans::tracking_plan(conn, org, plan).await?;
    Ok(ids
        .into_iter()
        .map(CheckpointId)
        .zip(stored.checkpoints)
        .collect())
}

/// A task to show in someone's work list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueTask {
    pub id: TaskId,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    pub checkpoint: CheckpointId,
    pub checkpoint_name: String,
    pub learner: LearnerId,
    pub learner_name: String,
}

/// The channel stages to read a checkpoint's tasks of one status from, each
/// one range of `tasks_by_stage` already in (due on, id) order: `stages`, and
/// with `past_end` the stages at or past it that hold tasks (left past the
/// last channel by a plan edit; found from the index, usually none). A
/// range `channel_index >= n` would not be in due order, and SQLite would
/// rather walk `tasks_due` than sort it.
pub(crate) async fn stages_to_read(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    checkpoint: i64,
    status: TaskStatus,
    stages: &[i16],
    past_end: Option<i16>,
) -> Result<Vec<i16>> {
    let mut all = stages.to_vec();
    if let Some(end) = past_end {
        let past: Vec<i16> = task::Entity::find_in(org)
            .select_only()
            .column(task::Column::ChannelIndex)
            .distinct()
            .filter(task::Column::CheckpointId.eq(checkpoint))
            .filter(task::Column::Status.eq(status.code()))
            .filter(task::Column::ChannelIndex.gte(end))
            .into_tuple()
            .all(conn)
            .await?;
        all.extend(past);
    }
    all.sort_unstable();
    all.dedup();
    Ok(all)
}

/// Due and in-progress tasks up to `today` of learners in `scope` whose
/// checkpoint is the `role`'s responsibility, grouped by checkpoint (in plan
/// order), oldest first.
pub async fn due_tasks_for_role(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    role: Role,
    today: NaiveDate,
    limit: u64,
) -> Result<Vec<DueTask>> {
    let models = checkpoint::Entity::find_in(org)
        .filter(checkpoint::Column::ResponsibleRole.eq(role.code()))
        .all(conn)
        .await?;
    let stages: HashMap<i64, i16> = models
        .iter()
        .map(|model| {
            let channels = model
                .channels
                .split(',')
                .filter(|channel| !channel.is_empty())
                .count();
            (model.id, i16::try_from(channels).unwrap_or(i16::MAX))
        })
        .collect();
    let checkpoints: HashMap<i64, (String, i32)> = models
        .into_iter()
        .map(|model| (model.id, (model.name, model.position)))
        .collect();
    if checkpoints.is_empty() {
        return Ok(Vec::new());
    }
    // The oldest `limit` of each checkpoint, status and channel stage, each one
    // range of `tasks_by_stage` read in due order, then the oldest `limit` of
    // those: one query over every checkpoint and both statuses would sort every
    // open task of the organisation (a million) to find the first few hundred.
    let mut tasks = Vec::new();
    for (checkpoint_id, channels) in &stages {
        let all_stages: Vec<i16> = (0..*channels).collect();
        for status in [TaskStatus::Due, TaskStatus::InProgress] {
            for stage in
                stages_to_read(conn, org, *checkpoint_id, status, &all_stages, Some(*channels)).await?
            {
                tasks.extend(
                    task::Entity::find_in(org)
                        .filter(task::Column::CheckpointId.eq(*checkpoint_id))
                        .filter(task::Column::Status.eq(status.code()))
                        .filter(task::Column::ChannelIndex.eq(stage))
                        .filter(task::Column::DueOn.lte(today))
                        .filter(scope.enrolment_ids(org, (task::Entity, task::Column::EnrolmentId)))
                        .order_by_asc(task::Column::DueOn)
                        .order_by_asc(task::Column::Id)
                        .limit(limit)
                        .all(conn)
                        .await?,
                );
            }
        }
    }
    tasks.sort_by_key(|task| (task.due_on, task.id));
    tasks.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let enrolment_ids: Vec<i64> = tasks.iter().map(|t| t.enrolment_id).collect();
    let learners_of: HashMap<i64, i64> = enrolment::Entity::find()
        .select_only()
        .columns([enrolment::Column::Id, enrolment::Column::LearnerId])
        .filter(enrolment::Entity::in_org(org))
        .filter(enrolment::Column::Id.is_in(enrolment_ids))
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<i64, String> = learner::Entity::find_in(org)
        .filter(learner::Column::Id.is_in(learners_of.values().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|model| (model.id, format!("{} {}", model.given_name, model.family_name)))
        .collect();
    let mut due = tasks
        .into_iter()
        .map(|model| {
            let learner = learners_of.get(&model.enrolment_id).copied().unwrap_or_default();
            let (checkpoint_name, _) = checkpoints.get(&model.checkpoint_id).cloned().unwrap_or_default();
            Ok(DueTask {
                id: TaskId(model.id),
                due_on: model.due_on,
                status: decode("tasks", "status", &model.status)?,
                checkpoint: CheckpointId(model.checkpoint_id),
                checkpoint_name,
                learner: LearnerId(learner),
                learner_name: names.get(&learner).cloned().unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let position = |name: &str| {
        checkpoints
            .values()
            .find(|(checkpoint, _)| checkpoint == name)
            .map_or(i32::MAX, |(_, position)| *position)
    };
    due.sort_by_key(|task| (position(&task.checkpoint_name), task.due_on, task.id));
    Ok(due)
}

/// One of a learner's tasks with how it stands and the record that answered it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnerTask {
    pub id: TaskId,
    pub checkpoint: CheckpointId,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
    pub answered_by: Option<crate::DestinationRecordId>,
}

/// A learner's tasks (every enrolment), by due date.
pub async fn learner_tasks(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<LearnerTask>> {
    task::Entity::find_in(org)
        .filter(
            task::Column::EnrolmentId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(enrolment::Column::Id)
                    .from(enrolment::Entity)
                    .and_where(Expr::col(enrolment::Column::OrganisationId).eq(org.0))
                    .and_where(Expr::col(enrolment::Column::LearnerId).eq(learner.0))
                    .to_owned(),
            ),
        )
        .order_by_asc(task::Column::DueOn)
        .order_by_asc(task::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok(LearnerTask {
                id: TaskId(model.id),
                checkpoint: CheckpointId(model.checkpoint_id),
                due_on: model.due_on,
                status: decode("tasks", "status", &model.status)?,
                answered_by: model.destination_record_id.map(crate::DestinationRecordId),
            })
        })
        .collect()
}
