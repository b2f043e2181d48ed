//! Tracking plans and their ordered checkpoints.

use onward_domain::DomainError;
use onward_domain::contact::ContactChannel;
use onward_domain::tracking::{Checkpoint, TrackingPlan};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionSession, TransactionTrait,
};

use super::{decode, now};
use crate::entities::{checkpoint, tracking_plan};
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{CheckpointId, OrganisationId, Result, StorageError, TrackingPlanId};

/// Stores a validated plan with its checkpoints in order.
pub async fn install_plan(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    plan: &TrackingPlan,
) -> Result<TrackingPlanId> {
    plan.validate().map_err(|err| StorageError::InvalidStoredValue {
        table: "tracking_plans",
        column: "checkpoints",
        value: plan.name.clone(),
        reason: err.to_string(),
    })?;
    let stored = tracking_plan::ActiveModel {
        organisation_id: Set(org.0),
        name: Set(plan.name.clone()),
        description: Set(plan.description.clone()),
        archived: Set(false),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    for (position, point) in plan.checkpoints.iter().enumerate() {
        checkpoint_model(
            org,
            TrackingPlanId(stored.id),
            i32::try_from(position).unwrap_or(i32::MAX),
            point,
        )
        .insert(conn)
        .await?;
    }
    Ok(TrackingPlanId(stored.id))
}

/// Installs the shipped plans for a new organisation of `kind`
/// ([`onward_domain::tracking::shipped_plans_for`]), in order.
pub async fn install_shipped_plans(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    kind: onward_domain::organisation::OrganisationKind,
) -> Result<Vec<(TrackingPlanId, String)>> {
    let mut installed = Vec::new();
    for plan in onward_domain::tracking::shipped_plans_for(kind) {
        installed.push((install_plan(conn, org, &plan).await?, plan.name));
    }
    Ok(installed)
}

fn checkpoint_model(
    org: OrganisationId,
    plan: TrackingPlanId,
    position: i32,
    point: &Checkpoint,
) -> checkpoint::ActiveModel {
    let (fixed_month, fixed_day) = point.fixed_month_day.map_or((None, None), |(m, d)| {
        (i16::try_from(m).ok(), i16::try_from(d).ok())
    });
    checkpoint::ActiveModel {
        organisation_id: Set(org.0),
        tracking_plan_id: Set(plan.0),
        position: Set(position),
        key: Set(point.key.clone()),
        name: Set(point.name.clone()),
        anchor: Set(point.anchor.code().to_owned()),
        fixed_month: Set(fixed_month),
        fixed_day: Set(fixed_day),
        offset_days: Set(point.offset_days),
        channels: Set(point
            .channels
            .iter()
            .map(|channel| channel.code())
            .collect::<Vec<_>>()
            .join(",")),
        responsible_role: Set(point.responsible.code().to_owned()),
        max_attempts: Set(i16::from(point.max_attempts)),
        survey: Set(point.survey.clone()),
        ..Default::default()
    }
}

/// A stored checkpoint row back as the domain's [`Checkpoint`].
pub(crate) fn checkpoint_from_model(model: checkpoint::Model) -> Result<Checkpoint> {
    const T: &str = "checkpoints";
    let channels = model
        .channels
        .split(',')
        .filter(|code| !code.is_empty())
        .map(|code| decode::<ContactChannel>(T, "channels", code))
        .collect::<Result<Vec<_>>>()?;
    let fixed_month_day = match (model.fixed_month, model.fixed_day) {
        (Some(month), Some(day)) => Some((month.unsigned_abs().into(), day.unsigned_abs().into())),
        _ => None,
    };
    Ok(Checkpoint {
        anchor: decode(T, "anchor", &model.anchor)?,
        responsible: decode(T, "responsible_role", &model.responsible_role)?,
        max_attempts: u8::try_from(model.max_attempts).unwrap_or(u8::MAX),
        survey: model.survey,
        key: model.key,
        name: model.name,
        fixed_month_day,
        offset_days: model.offset_days,
        channels,
    })
}

/// Loads one of the organisation's plans with its checkpoints in order.
pub async fn tracking_plan(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TrackingPlanId,
) -> Result<TrackingPlan> {
    let plan = find_owned::<tracking_plan::Entity>(conn, org, id.0, || format!("tracking plan {id}")).await?;
    let checkpoints = checkpoint::Entity::find()
        .filter(checkpoint::Column::TrackingPlanId.eq(plan.id))
        .filter(checkpoint::Entity::in_org(org))
        .order_by_asc(checkpoint::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(checkpoint_from_model)
        .collect::<Result<Vec<_>>>()?;
    Ok(TrackingPlan {
        name: plan.name,
        description: plan.description,
        checkpoints,
    })
}

/// The organisation's plans by name: (id, name).
pub async fn list_plans(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
) -> Result<Vec<(TrackingPlanId, String)>> {
    Ok(tracking_plan::Entity::find_in(org)
        .order_by_asc(tracking_plan::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| (TrackingPlanId(model.id), model.name))
        .collect())
}

// ---- editing plans (administrators) ----

/// A plan in the list of plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanSummary {
    pub id: TrackingPlanId,
    pub name: String,
    pub description: String,
    pub checkpoints: u64,
    /// Cohorts following the plan.
    pub cohorts: u64,
}

/// One stored checkpoint of a plan, with how many tasks it has produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub id: CheckpointId,
    pub checkpoint: Checkpoint,
    pub tasks: u64,
}

/// A plan with its stored checkpoints in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPlan {
    pub id: TrackingPlanId,
    pub name: String,
    pub description: String,
    pub checkpoints: Vec<StoredCheckpoint>,
}

impl StoredPlan {
    /// The plan as the domain sees it, for validation.
    pub fn to_plan(&self) -> TrackingPlan {
        TrackingPlan {
            name: self.name.clone(),
            description: self.description.clone(),
            checkpoints: self.checkpoints.iter().map(|c| c.checkpoint.clone()).collect(),
        }
    }
}

/// Why an edit of a plan was not saved.
#[derive(Debug, thiserror::Error)]
pub enum PlanEditError {
    /// The plan the edit would produce is invalid (out of order, before the start…).
    #[error(transparent)]
    Invalid(#[from] DomainError),
    /// The checkpoint already has tasks, so removing it would lose their history.
    #[error("the checkpoint has {0} tasks")]
    HasTasks(u64),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sea_orm::DbErr> for PlanEditError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Storage(err.into())
    }
}

/// The organisation's plans by name, with their checkpoint and cohort counts.
pub async fn plan_summaries(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<PlanSummary>> {
    use std::collections::HashMap;

    use crate::entities::cohort;
    let count_by = |rows: Vec<i64>| {
        let mut counts: HashMap<i64, u64> = HashMap::new();
        for plan in rows {
            *counts.entry(plan).or_default() += 1;
        }
        counts
    };
    let checkpoints = count_by(
        checkpoint::Entity::find()
            .select_only()
            .column(checkpoint::Column::TrackingPlanId)
            .filter(checkpoint::Entity::in_org(org))
            .into_tuple()
            .all(conn)
            .await?,
    );
    let cohorts = count_by(
        cohort::Entity::find()
            .select_only()
            .column(cohort::Column::TrackingPlanId)
            .filter(cohort::Entity::in_org(org))
            .filter(cohort::Column::TrackingPlanId.is_not_null())
            .into_tuple::<Option<i64>>()
            .all(conn)
            .await?
            .into_iter()
            .flatten()
            .collect(),
    );
    Ok(tracking_plan::Entity::find_in(org)
        .order_by_asc(tracking_plan::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| PlanSummary {
            id: TrackingPlanId(model.id),
            checkpoints: checkpoints.get(&model.id).copied().unwrap_or(0),
            cohorts: cohorts.get(&model.id).copied().unwrap_or(0),
            name: model.name,
            description: model.description,
        })
        .collect())
}

/// One plan with its checkpoints (ids and task counts) in order.
/// A plan's checkpoints in order, without counting their tasks (which
/// [`stored_plan`] does, a range of a million-row index per checkpoint at
/// scale): for pages that only name them.
pub async fn plan_checkpoints(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TrackingPlanId,
) -> Result<Vec<(CheckpointId, Checkpoint)>> {
    checkpoint::Entity::find()
        .filter(checkpoint::Column::TrackingPlanId.eq(id.0))
        .filter(checkpoint::Entity::in_org(org))
        .order_by_asc(checkpoint::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| Ok((CheckpointId(model.id), checkpoint_from_model(model)?)))
        .collect()
}

pub async fn stored_plan(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TrackingPlanId,
) -> Result<StoredPlan> {
    use crate::entities::task;
    let plan = find_owned::<tracking_plan::Entity>(conn, org, id.0, || format!("tracking plan {id}")).await?;
    let mut checkpoints = Vec::new();
    for (id, checkpoint) in plan_checkpoints(conn, org, TrackingPlanId(plan.id)).await? {
        let tasks = task::Entity::find_in(org)
            .filter(task::Column::CheckpointId.eq(id.0))
            .count(conn)
            .await?;
        checkpoints.push(StoredCheckpoint {
            id,
            tasks,
            checkpoint,
        });
    }
    Ok(StoredPlan {
        id: TrackingPlanId(plan.id),
        name: plan.name,
        description: plan.description,
        checkpoints,
    })
}

/// The plan a checkpoint belongs to and its place in it (0-based).
pub async fn checkpoint_place(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CheckpointId,
) -> Result<(TrackingPlanId, usize)> {
    let model = find_owned::<checkpoint::Entity>(conn, org, id.0, || format!("checkpoint {id}")).await?;
    let plan = TrackingPlanId(model.tracking_plan_id);
    let index = plan_checkpoints(conn, org, plan)
        .await?
        .iter()
        .position(|(checkpoint, _)| *checkpoint == id)
        .ok_or_else(|| StorageError::not_found(format!("checkpoint {id}")))?;
    Ok((plan, index))
}

/// Renames a plan or changes its description.
pub async fn update_plan_details(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TrackingPlanId,
    name: &str,
    description: &str,
) -> Result<(), PlanEditError> {
    let mut plan = stored_plan(conn, org, id).await?;
    plan.name = name.to_owned();
    plan.description = description.to_owned();
    plan.to_plan().validate()?;
    tracking_plan::Entity::update_many()
        .col_expr(tracking_plan::Column::Name, Expr::value(name))
        .col_expr(tracking_plan::Column::Description, Expr::value(description))
        .filter(tracking_plan::Column::Id.eq(id.0))
        .filter(tracking_plan::Entity::in_org(org))
        .exec(conn)
        .await?;
    Ok(())
}

/// A new plan with a copy of another's checkpoints, under a new name.
pub async fn copy_plan(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TrackingPlanId,
    name: &str,
) -> Result<TrackingPlanId> {
    let mut plan = tracking_plan(conn, org, id).await?;
    plan.name = name.to_owned();
    install_plan(conn, org, &plan).await
}

/// A key for a new checkpoint, from its name, not yet used in the plan.
pub fn new_checkpoint_key(name: &str, taken: &[String]) -> String {
    let mut base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    base.truncate(40);
    if base.is_empty() {
        base = "checkpoint".to_owned();
    }
    let mut key = base.clone();
    let mut n = 2;
    while taken.contains(&key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

/// Saves one checkpoint of a plan: a new one (`id` `None`) or a change to an
/// existing one, placed at `position` (0-based, clamped to the end). The whole
/// plan is validated first; nothing is written when it is invalid. Tasks
/// already generated keep their due dates and statuses: changes reach them
/// only through the checkpoint's name, role, channels and attempts.
pub async fn save_checkpoint<C>(
    conn: &C,
    org: OrganisationId,
    plan_id: TrackingPlanId,
    id: Option<CheckpointId>,
    position: usize,
    mut point: Checkpoint,
) -> Result<CheckpointId, PlanEditError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let plan = stored_plan(conn, org, plan_id).await?;
    let mut order: Vec<(Option<CheckpointId>, Checkpoint)> = plan
        .checkpoints
        .iter()
        .map(|c| (Some(c.id), c.checkpoint.clone()))
        .collect();
    if let Some(id) = id {
        let index = order
            .iter()
            .position(|(existing, _)| *existing == Some(id))
            .ok_or_else(|| StorageError::not_found(format!("checkpoint {id}")))?;
        let (_, previous) = order.remove(index);
        // The key is the checkpoint's stable identity: edits keep it.
        point.key = previous.key;
    } else {
        let taken: Vec<String> = order.iter().map(|(_, c)| c.key.clone()).collect();
        point.key = new_checkpoint_key(&point.name, &taken);
    }
    order.insert(position.min(order.len()), (id, point));
    TrackingPlan {
        checkpoints: order.iter().map(|(_, c)| c.clone()).collect(),
        ..plan.to_plan()
    }
    .validate()?;

    let txn = conn.begin().await?;
    // Park every position out of the way first: (plan, position) is unique.
    checkpoint::Entity::update_many()
        .col_expr(
            checkpoint::Column::Position,
            Expr::col(checkpoint::Column::Position).mul(-1).sub(1),
        )
        .filter(checkpoint::Column::TrackingPlanId.eq(plan_id.0))
        .filter(checkpoint::Entity::in_org(org))
        .exec(&txn)
        .await?;
    let mut saved = None;
    for (index, (existing, point)) in order.iter().enumerate() {
        let position = i32::try_from(index).unwrap_or(i32::MAX);
        match existing {
            Some(existing) if Some(*existing) != id => {
                checkpoint::Entity::update_many()
                    .col_expr(checkpoint::Column::Position, Expr::value(position))
                    .filter(checkpoint::Column::Id.eq(existing.0))
                    .exec(&txn)
                    .await?;
            }
            _ => {
                let mut model = checkpoint_model(org, plan_id, position, point);
                if let Some(existing) = existing {
                    model.id = Set(existing.0);
                    model.update(&txn).await?;
                    saved = Some(*existing);
                } else {
                    saved = Some(CheckpointId(model.insert(&txn).await?.id));
                }
            }
        }
    }
    txn.commit().await?;
    saved.ok_or_else(|| StorageError::not_found("checkpoint").into())
}

/// Removes a checkpoint that has no tasks yet (one with tasks would take their
/// history with it), if the plan stays valid.
pub async fn remove_checkpoint<C>(
    conn: &C,
    org: OrganisationId,
    id: CheckpointId,
) -> Result<TrackingPlanId, PlanEditError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (plan_id, index) = checkpoint_place(conn, org, id).await?;
    let mut plan = stored_plan(conn, org, plan_id).await?;
    let removed = plan.checkpoints.remove(index);
    if removed.tasks > 0 {
        return Err(PlanEditError::HasTasks(removed.tasks));
    }
    plan.to_plan().validate()?;
    let txn = conn.begin().await?;
    checkpoint::Entity::delete_many()
        .filter(checkpoint::Column::Id.eq(id.0))
        .filter(checkpoint::Entity::in_org(org))
        .exec(&txn)
        .await?;
    for (position, later) in plan.checkpoints.iter().enumerate().skip(index) {
        checkpoint::Entity::update_many()
            .col_expr(
                checkpoint::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(i32::MAX)),
            )
            .filter(checkpoint::Column::Id.eq(later.id.0))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(plan_id)
}
