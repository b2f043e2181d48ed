//! Enrolments link a learner, a programme and a cohort with dates and status.

use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    Set,
};

use super::now;
use crate::entities::{cohort, enrolment, learner, programme};
use crate::repo::scope::LearnerScope;
use crate::repo::tenant::TenantScoped;
use crate::{CohortId, EnrolmentId, LearnerId, OrganisationId, ProgrammeId, Result, StorageError};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEnrolment {
    pub learner: LearnerId,
    pub programme: ProgrammeId,
    pub cohort: CohortId,
    pub dates: EnrolmentDates,
    pub status: CompletionStatus,
}

/// Adds an enrolment after checking that the learner, programme and cohort all
/// belong to `org`: a foreign key alone would accept another tenant's row.
pub async fn insert_enrolment(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewEnrolment,
) -> Result<EnrolmentId> {
    new.dates
        .validate()
        .map_err(|err| StorageError::InvalidStoredValue {
            table: "enrolments",
            column: "dates",
            value: String::new(),
            reason: err.to_string(),
        })?;
    let owned = learner::Entity::find_by_id(new.learner.0)
        .filter(learner::Entity::in_org(org))
        .count(conn)
        .await?
        == 1
        && programme::Entity::find_by_id(new.programme.0)
            .filter(programme::Entity::in_org(org))
            .count(conn)
            .await?
            == 1
        && cohort::Entity::find_by_id(new.cohort.0)
            .filter(cohort::Entity::in_org(org))
            .count(conn)
            .await?
            == 1;
    if !owned {
        return Err(StorageError::not_found(format!(
            "learner {}, programme {} or cohort {} in this organisation",
            new.learner, new.programme, new.cohort
        )));
    }
    let model = enrolment::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(new.learner.0),
        programme_id: Set(new.programme.0),
        cohort_id: Set(new.cohort.0),
        start_date: Set(new.dates.start),
        planned_end_date: Set(new.dates.planned_end),
        actual_end_date: Set(new.dates.actual_end),
        completion_status: Set(new.status.code().to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    super::cohort_members::keep_cohort_members(conn, org, &[new.learner.0]).await?;
    Ok(EnrolmentId(model.id))
}

/// An enrolment with its programme title and cohort name, for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnrolmentView {
    pub id: EnrolmentId,
    pub programme: ProgrammeId,
    pub programme_title: String,
    pub cohort: CohortId,
    pub cohort_name: String,
    pub dates: EnrolmentDates,
    pub status: CompletionStatus,
}

/// A learner's enrolments, most recent start first.
pub async fn enrolments_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<EnrolmentView>> {
    use sea_orm::QueryOrder;
    let rows = enrolment::Entity::find_in(org)
        .filter(enrolment::Column::LearnerId.eq(learner.0))
        .order_by_desc(enrolment::Column::StartDate)
        .all(conn)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let programme = programme::Entity::find_by_id(row.programme_id)
            .filter(programme::Entity::in_org(org))
            .one(conn)
            .await?;
        let cohort = cohort::Entity::find_by_id(row.cohort_id)
            .filter(cohort::Entity::in_org(org))
            .one(conn)
            .await?;
        views.push(EnrolmentView {
            id: EnrolmentId(row.id),
            programme: ProgrammeId(row.programme_id),
            programme_title: programme.map(|p| p.title).unwrap_or_default(),
            cohort: CohortId(row.cohort_id),
            cohort_name: cohort.map(|c| c.name).unwrap_or_default(),
            dates: EnrolmentDates {
                start: row.start_date,
                planned_end: row.planned_end_date,
                actual_end: row.actual_end_date,
            },
            status: super::decode("enrolments", "completion_status", &row.completion_status)?,
        });
    }
    Ok(views)
}

/// Inserts many enrolments in multi-row statements (imports and generators),
/// after checking in a few queries that every learner, programme and cohort
/// belongs to `org`.
pub async fn insert_enrolments_bulk(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    enrolments: &[NewEnrolment],
) -> Result<()> {
    use std::collections::BTreeSet;
    for (row, new) in enrolments.iter().enumerate() {
        new.dates
            .validate()
            .map_err(|err| StorageError::InvalidStoredValue {
                table: "enrolments",
                column: "dates",
                value: format!("row {}", row + 1),
                reason: err.to_string(),
            })?;
    }
    let learners: BTreeSet<i64> = enrolments.iter().map(|e| e.learner.0).collect();
    let programmes: BTreeSet<i64> = enrolments.iter().map(|e| e.programme.0).collect();
    let cohorts: BTreeSet<i64> = enrolments.iter().map(|e| e.cohort.0).collect();
    let owned = |found: u64, wanted: usize| found == wanted as u64;
    let mut learners_found = 0;
    let learner_ids: Vec<i64> = learners.iter().copied().collect();
    for chunk in learner_ids.chunks(10_000) {
        learners_found += learner::Entity::find_in(org)
            .filter(learner::Column::Id.is_in(chunk.iter().copied()))
            .count(conn)
            .await?;
    }
    let programmes_found = programme::Entity::find_in(org)
        .filter(programme::Column::Id.is_in(programmes.iter().copied()))
        .count(conn)
        .await?;
    let cohorts_found = cohort::Entity::find_in(org)
        .filter(cohort::Column::Id.is_in(cohorts.iter().copied()))
        .count(conn)
        .await?;
    if !(owned(learners_found, learners.len())
        && owned(programmes_found, programmes.len())
        && owned(cohorts_found, cohorts.len()))
    {
        return Err(StorageError::not_found(
            "a learner, programme or cohort of this organisation",
        ));
    }
    let stamp = now();
    for chunk in enrolments.chunks(1000) {
        enrolment::Entity::insert_many(chunk.iter().map(|new| enrolment::ActiveModel {
            organisation_id: Set(org.0),
            learner_id: Set(new.learner.0),
            programme_id: Set(new.programme.0),
            cohort_id: Set(new.cohort.0),
            start_date: Set(new.dates.start),
            planned_end_date: Set(new.dates.planned_end),
            actual_end_date: Set(new.dates.actual_end),
            completion_status: Set(new.status.code().to_owned()),
            created_at: Set(stamp),
            ..Default::default()
        }))
        .exec_without_returning(conn)
        .await?;
    }
    super::cohort_members::keep_cohort_members(conn, org, &learner_ids).await
}

/// The ids of the learners enrolled in `cohort` that `scope` lets the user
/// see, each once: the one "learners in this cohort" query.
pub(crate) async fn learners_in_cohort(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    cohort: CohortId,
    scope: &LearnerScope,
) -> Result<Vec<i64>> {
    Ok(enrolment::Entity::find_in(org)
        .select_only()
        .column(enrolment::Column::LearnerId)
        .distinct()
        .filter(enrolment::Column::CohortId.eq(cohort.0))
        .filter(scope.learner_ids(org, (enrolment::Entity, enrolment::Column::LearnerId)))
        .into_tuple()
        .all(conn)
        .await?)
}

/// [`learners_in_cohort`] as a subquery, for `learner_id IN (...)`.
pub(crate) fn learners_in_cohort_query(
    org: OrganisationId,
    cohort: CohortId,
    scope: &LearnerScope,
) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .column(enrolment::Column::LearnerId)
        .from(enrolment::Entity)
        .and_where(Expr::col(enrolment::Column::OrganisationId).eq(org.0))
        .and_where(Expr::col(enrolment::Column::CohortId).eq(cohort.0))
        .cond_where(scope.learner_ids(org, (enrolment::Entity, enrolment::Column::LearnerId)))
        .to_owned()
}
