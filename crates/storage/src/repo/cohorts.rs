//! Cohorts: groups of learners tracked together ("Year 11 leavers 2026").

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::now;
use crate::entities::{cohort, enrolment};
use crate::{CohortId, OrganisationId, Result, StorageError, TrackingPlanId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCohort {
    pub name: String,
    pub tracking_plan: Option<TrackingPlanId>,
    /// Exam results day for school cohorts; checkpoints may be anchored on it.
    pub results_day: Option<NaiveDate>,
}

/// A cohort with the number of distinct learners enrolled in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortSummary {
    pub id: CohortId,
    pub name: String,
    pub archived: bool,
    pub learners: u64,
}

pub async fn create_cohort(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewCohort,
) -> Result<CohortId> {
    let model = cohort::ActiveModel {
        organisation_id: Set(org.0),
        name: Set(new.name.clone()),
        tracking_plan_id: Set(new.tracking_plan.map(|id| id.0)),
        results_day: Set(new.results_day),
        archived: Set(false),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|err| StorageError::from_insert(err, || format!("a cohort named \"{}\"", new.name)))?;
    Ok(CohortId(model.id))
}

/// The organisation's cohorts by name, each with its learner count.
pub async fn list_cohorts(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<CohortSummary>> {
    let cohorts = cohort::Entity::find()
        .filter(cohort::Column::OrganisationId.eq(org.0))
        .order_by_asc(cohort::Column::Name)
        .all(conn)
        .await?;
    let counts: HashMap<i64, i64> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::CohortId)
        .column_as(
            Expr::expr(Func::count_distinct(Expr::col(enrolment::Column::LearnerId))),
            "learners",
        )
        .filter(enrolment::Column::OrganisationId.eq(org.0))
        .group_by(enrolment::Column::CohortId)
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(cohorts
        .into_iter()
        .map(|model| CohortSummary {
            learners: counts.get(&model.id).copied().unwrap_or(0).unsigned_abs(),
            id: CohortId(model.id),
            name: model.name,
            archived: model.archived,
        })
        .collect())
}
