//! Contact points (how a learner can be reached) and contact attempts (each try).

use chrono::{DateTime, Utc};
use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, QueryOrder, Set};

use super::{decode, now};
use crate::entities::{contact_attempt, contact_point};
use crate::repo::tenant::TenantScoped;
use crate::{ContactAttemptId, ContactPointId, LearnerId, OrganisationId, Result, TaskId, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewContactPoint {
    pub kind: ContactPointKind,
    pub value: String,
    /// The learner agreed to be contacted this way.
    pub consent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactPoint {
    pub id: ContactPointId,
    pub kind: ContactPointKind,
    pub value: String,
    pub consent: bool,
    pub valid: bool,
}

pub async fn add_contact_point(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    new: &NewContactPoint,
) -> Result<ContactPointId> {
    super::learners::learner(conn, org, learner).await?;
    let model = contact_point::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        kind: Set(new.kind.code().to_owned()),
        value: Set(new.value.clone()),
        consent: Set(new.consent),
        valid: Set(true),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(ContactPointId(model.id))
}

pub async fn contact_points(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<ContactPoint>> {
    contact_point::Entity::find_in(org)
        .filter(contact_point::Column::LearnerId.eq(learner.0))
        .order_by_asc(contact_point::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok(ContactPoint {
                id: ContactPointId(model.id),
                kind: decode("contact_points", "kind", &model.kind)?,
                value: model.value,
                consent: model.consent,
                valid: model.valid,
            })
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewContactAttempt {
    pub learner: LearnerId,
    pub task: Option<TaskId>,
    pub channel: ContactChannel,
    pub direction: ContactDirection,
    pub outcome: ContactOutcome,
    pub notes: Option<String>,
    pub user: Option<UserId>,
    pub attempted_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactAttempt {
    pub id: ContactAttemptId,
    pub attempt: NewContactAttempt,
}

pub async fn record_contact_attempt(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewContactAttempt,
) -> Result<ContactAttemptId> {
    super::learners::learner(conn, org, new.learner).await?;
    let model = contact_attempt::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(new.learner.0),
        task_id: Set(new.task.map(|id| id.0)),
        channel: Set(new.channel.code().to_owned()),
        direction: Set(new.direction.code().to_owned()),
        outcome: Set(new.outcome.code().to_owned()),
        notes: Set(new.notes.clone()),
        user_id: Set(new.user.map(|id| id.0)),
        attempted_at: Set(new.attempted_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(ContactAttemptId(model.id))
}

/// A learner's contact attempts, most recent first.
pub async fn contact_attempts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<ContactAttempt>> {
    const T: &str = "contact_attempts";
    contact_attempt::Entity::find_in(org)
        .filter(contact_attempt::Column::LearnerId.eq(learner.0))
        .order_by_desc(contact_attempt::Column::AttemptedAt)
        .order_by_desc(contact_attempt::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok(ContactAttempt {
                id: ContactAttemptId(model.id),
                attempt: NewContactAttempt {
                    learner: LearnerId(model.learner_id),
                    task: model.task_id.map(TaskId),
                    channel: decode(T, "channel", &model.channel)?,
                    direction: decode(T, "direction", &model.direction)?,
                    outcome: decode(T, "outcome", &model.outcome)?,
                    notes: model.notes,
                    user: model.user_id.map(UserId),
                    attempted_at: model.attempted_at,
                },
            })
        })
        .collect()
}

/// The idempotency scope of the contact log form's key.
const CONTACT_LOG_KEY: &str = "contact_log";

/// What logging a contact did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactLogged {
    Recorded(ContactAttemptId),
    /// The form's key was used before (a double submission): nothing new.
    AlreadyRecorded(ContactAttemptId),
}

/// Logs a contact made by hand outside the call queue (an email or letter
/// sent, a chat at results day, a message on social media, the learner
/// getting in touch) in the caller's unit of work. The form's one-time key is
/// claimed first, so a repeated submission records nothing more.
pub async fn log_contact(write: &crate::Write, key: &str, new: &NewContactAttempt) -> Result<ContactLogged> {
    let org = write.organisation()?;
    if let super::idempotency::Claim::Done { subject } = write.claim(CONTACT_LOG_KEY, key).await? {
        let id =
            subject.ok_or_else(|| crate::StorageError::not_found("the contact logged with this form key"))?;
        return Ok(ContactLogged::AlreadyRecorded(ContactAttemptId(id)));
    }
    let id = record_contact_attempt(write, org, new).await?;
    write.settle(CONTACT_LOG_KEY, key, id.0).await?;
    Ok(ContactLogged::Recorded(id))
}
