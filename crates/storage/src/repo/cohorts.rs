//! Cohorts: groups of learners tracked together ("Year 11 leavers 2026").

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, Statement,
    Value,
};

use super::now;
use crate::entities::cohort;
use crate::repo::scope::LearnerScope;
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{CohortId, OrganisationId, Result, StorageError, TrackingPlanId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCohort {
    pub name: String,
    pub tracking_plan: Option<TrackingPlanId>,
    /// Exam results day for school cohorts; checkpoints may be anchored on it.
    pub results_day: Option<NaiveDate>,
}

/// A cohort as chosen from a list: no counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CohortName {
    pub id: CohortId,
    pub name: String,
    pub archived: bool,
}

/// The organisation's cohorts by name, without counting their learners: for
/// the lists a cohort is chosen from (search filters, forms, campaign names).
pub async fn cohort_names(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<CohortName>> {
    Ok(cohort::Entity::find_in(org)
        .order_by_asc(cohort::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| CohortName {
            id: CohortId(model.id),
            name: model.name,
            archived: model.archived,
        })
        .collect())
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
    let cohorts = cohort::Entity::find_in(org)
        .order_by_asc(cohort::Column::Name)
        .all(conn)
        .await?;
    // One row per learner per cohort (`cohort_members`): a count of the
    // index range `cohort_members_by_name`, no distinct over enrolments.
    let counts: HashMap<i64, i64> = conn
        .query_all_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT cohort_id, COUNT(*) FROM cohort_members WHERE organisation_id = $1 GROUP BY cohort_id",
            [Value::from(org.0)],
        ))
        .await?
        .iter()
        .map(|row| Ok((row.try_get_by_index::<i64>(0)?, row.try_get_by_index::<i64>(1)?)))
        .collect::<Result<_>>()?;
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

/// One cohort of the organisation.
pub async fn cohort(conn: &impl ConnectionTrait, org: OrganisationId, id: CohortId) -> Result<CohortSummary> {
    let model = find_owned::<cohort::Entity>(conn, org, id.0, || format!("cohort {id}")).await?;
    let learners = conn
        .query_one_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT COUNT(*) FROM cohort_members WHERE organisation_id = $1 AND cohort_id = $2",
            [Value::from(org.0), Value::from(id.0)],
        ))
        .await?
        .map(|row| row.try_get_by_index::<i64>(0))
        .transpose()?
        .unwrap_or(0);
    Ok(CohortSummary {
        id: CohortId(model.id),
        name: model.name,
        archived: model.archived,
        learners: learners.unsigned_abs(),
    })
}

/// The cohort's learners in `scope`, each with their destination history (oldest first).
pub(crate) async fn histories(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    id: CohortId,
) -> Result<Vec<(i64, Vec<onward_domain::destination::DestinationRecord>)>> {
    use crate::entities::destination_record;
    let learners = super::enrolments::learners_in_cohort(conn, org, id, scope).await?;
    let in_cohort = super::enrolments::learners_in_cohort_query(org, id, scope);
    let mut by_learner: HashMap<i64, Vec<onward_domain::destination::DestinationRecord>> = HashMap::new();
    for stored in destination_record::Entity::find_in(org)
        .filter(destination_record::Column::LearnerId.in_subquery(in_cohort))
        .order_by_asc(destination_record::Column::AsOf)
        .order_by_asc(destination_record::Column::Id)
        .all(conn)
        .await?
    {
        let learner = stored.learner_id;
        let record = super::destinations::record_from_model(stored)?;
        by_learner.entry(learner).or_default().push(record);
    }
    Ok(learners
        .into_iter()
        .map(|learner| (learner, by_learner.remove(&learner).unwrap_or_default()))
        .collect())
}

/// How many of the cohort's learners sustained a positive destination over
/// `months` from `from`: (sustained, not sustained, not known).
pub async fn sustained_counts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CohortId,
    from: NaiveDate,
    months: u32,
) -> Result<(u64, u64, u64)> {
    use onward_domain::sustained::{Sustained, sustained};
    let mut counts = (0, 0, 0);
    for (_, records) in histories(conn, org, &LearnerScope::All, id).await? {
        match sustained(&records, from, months) {
            Sustained::Yes(_) => counts.0 += 1,
            Sustained::No => counts.1 += 1,
            Sustained::NotKnown => counts.2 += 1,
        }
    }
    Ok(counts)
}

/// Counts of the cohort's learners by their current destination group
/// (counted by the database: see [`super::cohort_lists`]).
pub async fn destination_counts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CohortId,
) -> Result<Vec<(onward_domain::destination::DestinationGroup, u64)>> {
    super::cohort_lists::destination_counts(conn, org, id).await
}

/// The cohort's learners in `scope` whose current destination is not known, by name: the
/// list that goes to all staff asking "do you know where they are?" (all of
/// them, for the CSV; the page shows [`super::cohort_lists::unknown_learners_page`]).
pub async fn unknown_learners(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    id: CohortId,
) -> Result<Vec<super::learners::Learner>> {
    Ok(
        super::cohort_lists::unknown_learners_page(conn, org, scope, id, None)
            .await?
            .items,
    )
}

/// A cohort's editable fields.
pub async fn cohort_details(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CohortId,
) -> Result<NewCohort> {
    let model = find_owned::<cohort::Entity>(conn, org, id.0, || format!("cohort {id}")).await?;
    Ok(NewCohort {
        name: model.name,
        tracking_plan: model.tracking_plan_id.map(TrackingPlanId),
        results_day: model.results_day,
    })
}

pub async fn update_cohort(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CohortId,
    new: &NewCohort,
) -> Result<()> {
    let model = find_owned::<cohort::Entity>(conn, org, id.0, || format!("cohort {id}")).await?;
    let mut active: cohort::ActiveModel = model.into();
    active.name = Set(new.name.clone());
    active.tracking_plan_id = Set(new.tracking_plan.map(|plan| plan.0));
    active.results_day = Set(new.results_day);
    active
        .update(conn)
        .await
        .map_err(|err| StorageError::from_insert(err, || format!("a cohort named \"{}\"", new.name)))?;
    Ok(())
}

pub async fn set_cohort_archived(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CohortId,
    archived: bool,
) -> Result<()> {
    let result = cohort::Entity::update_many()
        .col_expr(cohort::Column::Archived, Expr::value(archived))
        .filter(cohort::Column::Id.eq(id.0))
        .filter(cohort::Entity::in_org(org))
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(StorageError::not_found(format!("cohort {id}")));
    }
    Ok(())
}
