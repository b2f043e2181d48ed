//! Tracking plans and their ordered checkpoints.

use onward_domain::contact::ContactChannel;
use onward_domain::tracking::{Checkpoint, TrackingPlan};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{decode, now};
use crate::entities::{checkpoint, tracking_plan};
use crate::{OrganisationId, Result, StorageError, TrackingPlanId};

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
        let (fixed_month, fixed_day) = point.fixed_month_day.map_or((None, None), |(m, d)| {
            (i16::try_from(m).ok(), i16::try_from(d).ok())
        });
        checkpoint::ActiveModel {
            organisation_id: Set(org.0),
            tracking_plan_id: Set(stored.id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
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
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(TrackingPlanId(stored.id))
}

/// Loads one of the organisation's plans with its checkpoints in order.
pub async fn tracking_plan(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TrackingPlanId,
) -> Result<TrackingPlan> {
    const T: &str = "checkpoints";
    let plan = tracking_plan::Entity::find_by_id(id.0)
        .filter(tracking_plan::Column::OrganisationId.eq(org.0))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("tracking plan {id}")))?;
    let checkpoints = checkpoint::Entity::find()
        .filter(checkpoint::Column::TrackingPlanId.eq(plan.id))
        .filter(checkpoint::Column::OrganisationId.eq(org.0))
        .order_by_asc(checkpoint::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
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
                key: model.key,
                name: model.name,
                fixed_month_day,
                offset_days: model.offset_days,
                channels,
            })
        })
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
    Ok(tracking_plan::Entity::find()
        .filter(tracking_plan::Column::OrganisationId.eq(org.0))
        .order_by_asc(tracking_plan::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| (TrackingPlanId(model.id), model.name))
        .collect())
}
