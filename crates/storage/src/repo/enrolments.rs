//! Enrolments link a learner, a programme and a cohort with dates and status.

use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::now;
use crate::entities::{cohort, enrolment, learner, programme};
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
        .filter(learner::Column::OrganisationId.eq(org.0))
        .count(conn)
        .await?
        == 1
        && programme::Entity::find_by_id(new.programme.0)
            .filter(programme::Column::OrganisationId.eq(org.0))
            .count(conn)
            .await?
            == 1
        && cohort::Entity::find_by_id(new.cohort.0)
            .filter(cohort::Column::OrganisationId.eq(org.0))
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
    let rows = enrolment::Entity::find()
        .filter(enrolment::Column::OrganisationId.eq(org.0))
        .filter(enrolment::Column::LearnerId.eq(learner.0))
        .order_by_desc(enrolment::Column::StartDate)
        .all(conn)
        .await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let programme = programme::Entity::find_by_id(row.programme_id)
            .filter(programme::Column::OrganisationId.eq(org.0))
            .one(conn)
            .await?;
        let cohort = cohort::Entity::find_by_id(row.cohort_id)
            .filter(cohort::Column::OrganisationId.eq(org.0))
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
