//! Adding one learner by hand (small providers without an MIS export): the
//! row the import's checks produced, written with its contact points and an
//! optional enrolment on an existing programme and cohort. A ULN or MIS id
//! the organisation already holds is refused (never a merge), and a learner
//! with the same name and date of birth as another is added but flagged as a
//! probable duplicate, as the import does.

use onward_domain::import::ImportRow;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::contacts::{NewContactPoint, add_contact_point};
use super::enrolments::{NewEnrolment, insert_enrolment};
use super::learners::{insert_learner, search_key};
use super::now;
use crate::entities::{learner, probable_duplicate};
use crate::repo::tenant::TenantScoped;
use crate::{CohortId, LearnerId, OrganisationId, ProgrammeId, Result, StorageError};

/// What adding the learner did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddedLearner {
    Added {
        id: LearnerId,
        /// Another learner with the same name and date of birth (flagged).
        probable_duplicate_of: Option<LearnerId>,
    },
    /// The organisation already holds a learner with this ULN or MIS id.
    AlreadyHeld { existing: LearnerId, by: &'static str },
}

/// Adds the learner of `row`, its contact points (with consent, as the import
/// adds them: details the provider holds to follow up destinations) and, when
/// given, an enrolment with the row's dates and status on `programme` and `cohort`.
pub async fn add_learner_by_hand(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    row: &ImportRow,
    placement: Option<(ProgrammeId, CohortId)>,
) -> Result<AddedLearner> {
    let new = &row.learner;
    if let Some(uln) = &new.uln
        && let Some(existing) = learner::Entity::find_in(org)
            .filter(learner::Column::Uln.eq(uln.as_str()))
            .one(conn)
            .await?
    {
        return Ok(AddedLearner::AlreadyHeld {
            existing: LearnerId(existing.id),
            by: "uln",
        });
    }
    if let Some(mis) = &new.mis_id
        && let Some(existing) = learner::Entity::find_in(org)
            .filter(learner::Column::MisId.eq(mis.as_str()))
            .one(conn)
            .await?
    {
        return Ok(AddedLearner::AlreadyHeld {
            existing: LearnerId(existing.id),
            by: "mis_id",
        });
    }
    let twin = match new.date_of_birth {
        Some(born) => learner::Entity::find_in(org)
            .filter(
                learner::Column::SearchName.eq(search_key(new.family_name.as_str(), new.given_name.as_str())),
            )
            .filter(learner::Column::DateOfBirth.eq(born))
            .order_by_asc(learner::Column::Id)
            .one(conn)
            .await?
            .map(|model| LearnerId(model.id)),
        None => None,
    };
    let id = insert_learner(conn, org, new).await?;
    for (kind, value) in &row.contacts {
        add_contact_point(
            conn,
            org,
            id,
            &NewContactPoint {
                kind: *kind,
                value: value.clone(),
                consent: true,
            },
        )
        .await?;
    }
    if let (Some(enrolment), Some((programme, cohort))) = (&row.enrolment, placement) {
        insert_enrolment(
            conn,
            org,
            &NewEnrolment {
                learner: id,
                programme,
                cohort,
                dates: enrolment.dates.clone(),
                status: enrolment.status,
            },
        )
        .await?;
    } else if placement.is_some() {
        return Err(StorageError::InvalidStoredValue {
            table: "enrolments",
            column: "start_date",
            value: String::new(),
            reason: "an enrolment needs its dates".to_owned(),
        });
    }
    if let Some(other) = twin {
        probable_duplicate::Entity::insert(probable_duplicate::ActiveModel {
            organisation_id: Set(org.0),
            learner_id: Set(id.0),
            duplicate_of_id: Set(other.0),
            import_run_id: Set(None),
            resolved: Set(false),
            created_at: Set(now()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                probable_duplicate::Column::OrganisationId,
                probable_duplicate::Column::LearnerId,
                probable_duplicate::Column::DuplicateOfId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    Ok(AddedLearner::Added {
        id,
        probable_duplicate_of: twin,
    })
}
