//! Learner surveys: personal links (invitations; only the SHA-256 of a link's
//! token is stored), answers saved page by page, and the completion that
//! writes a survey's records in one transaction: the destination record (via
//! [`record_destination`], which closes the tasks it answers), the intention,
//! proposed contact changes, consent and opt-out, the alumni opt-in and story,
//! and a referral when the learner asks for support.
//!
//! A completion claims the invitation first (a conditional update of
//! `completed_at`, the first statement of its unit of work), so a double
//! submit waits for the first and then finds it done: one set of records.

use chrono::{DateTime, NaiveDate, Utc};
use onward_domain::contact::ContactPointKind;
use onward_domain::destination::{DestinationKind, DestinationRecord, DestinationSource, Verification};
use onward_domain::organisation::CountryCode;
use onward_domain::role::Role;
use onward_domain::support::ReferralType;
use onward_domain::survey::Outcome;
use onward_domain::tracking::TaskStatus;
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
};

use super::destinations::record_destination;
use super::support::{NewReferral, open_referral};
use super::{decode, now};
use crate::entities::{
    checkpoint, destination_record, intention, learner, survey_alumni, survey_answer, survey_consent,
    survey_contact_change, survey_invitation, task, user,
};
use crate::repo::scope::LearnerScope;
use crate::repo::tenant::TenantScoped;
use crate::{
    CheckpointId, CohortId, ContactChangeId, ContactPointId, DestinationRecordId, LearnerId, OrganisationId,
    ReferralId, Result, StorageError, SurveyInvitationId, TaskId, UserId,
};

/// Days a personal link works by default.
pub const DEFAULT_LINK_DAYS: i64 = 90;

/// A new personal link for one learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewInvitation {
    pub learner: LearnerId,
    pub survey_name: String,
    pub survey_version: u32,
    pub language: String,
    pub checkpoint: Option<CheckpointId>,
    pub task: Option<TaskId>,
    pub expires_at: DateTime<Utc>,
}

/// A stored invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: SurveyInvitationId,
    pub organisation: OrganisationId,
    pub learner: LearnerId,
    pub survey_name: String,
    pub survey_version: u32,
    pub language: String,
    pub checkpoint: Option<CheckpointId>,
    pub task: Option<TaskId>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub destination_record: Option<DestinationRecordId>,
}

/// What a link lets its holder do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Answering (or about to).
    Open,
    /// Sent: the answers can be viewed, not changed.
    Completed,
    Expired,
    Revoked,
}

impl Invitation {
    pub fn state(&self, at: DateTime<Utc>) -> LinkState {
        if self.revoked_at.is_some() {
            LinkState::Revoked
        } else if self.completed_at.is_some() {
            LinkState::Completed
        } else if self.expires_at <= at {
            LinkState::Expired
        } else {
            LinkState::Open
        }
    }
}

fn from_model(model: survey_invitation::Model) -> Invitation {
    Invitation {
        id: SurveyInvitationId(model.id),
        organisation: OrganisationId(model.organisation_id),
        learner: LearnerId(model.learner_id),
        survey_name: model.survey_name,
        survey_version: u32::try_from(model.survey_version).unwrap_or_default(),
        language: model.language,
        checkpoint: model.checkpoint_id.map(CheckpointId),
        task: model.task_id.map(TaskId),
        created_by: model.created_by.map(UserId),
        created_at: model.created_at,
        expires_at: model.expires_at,
        revoked_at: model.revoked_at,
        started_at: model.started_at,
        completed_at: model.completed_at,
        destination_record: model.destination_record_id.map(DestinationRecordId),
    }
}

/// Stores a new invitation for a learner of `org`, identified by the hash of
/// its link's token (the caller makes the token and shows it once).
pub async fn create_invitation(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewInvitation,
    token_hash: &str,
    created_by: Option<UserId>,
) -> Result<SurveyInvitationId> {
    super::learners::learner(conn, org, new.learner).await?;
    if let Some(point) = new.checkpoint {
        checkpoint::Entity::find_in(org)
            .filter(checkpoint::Column::Id.eq(point.0))
            .one(conn)
            .await?
            .ok_or_else(|| StorageError::not_found(format!("checkpoint {point}")))?;
    }
    let model = survey_invitation::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(new.learner.0),
        token_hash: Set(token_hash.to_owned()),
        survey_name: Set(new.survey_name.clone()),
        survey_version: Set(i32::try_from(new.survey_version).unwrap_or(i32::MAX)),
        language: Set(new.language.clone()),
        checkpoint_id: Set(new.checkpoint.map(|id| id.0)),
        task_id: Set(new.task.map(|id| id.0)),
        created_by: Set(created_by.map(|id| id.0)),
        created_at: Set(now()),
        expires_at: Set(new.expires_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(SurveyInvitationId(model.id))
}

/// The invitation whose link's token hashes to `token_hash`, in whichever
/// organisation: the learner site has no organisation until the link names
/// one. The one lookup not scoped by organisation (the hash is the key).
pub async fn invitation_by_token_hash(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<Invitation>> {
    Ok(survey_invitation::Entity::find()
        .filter(survey_invitation::Column::TokenHash.eq(token_hash))
        .one(conn)
        .await?
        .map(from_model))
}

/// A personal link as the learner site opens it: the invitation, what the
/// site shows of the learner and the organisation, and the pages saved so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedLink {
    pub invitation: Invitation,
    pub given_name: String,
    /// The learner's preferred language, if recorded.
    pub learner_language: Option<String>,
    pub organisation_name: String,
    pub organisation_language: String,
    pub country: CountryCode,
    /// In the order the pages were first saved.
    pub saved: Vec<SavedPage>,
}

/// [`open_link`]'s query; `$saved` gathers the saved pages into one column.
macro_rules! open_link_sql {
    ($saved:literal) => {
        concat!(
            "SELECT i.id, i.organisation_id, i.learner_id, i.survey_name, i.survey_version, i.language, ",
            "i.checkpoint_id, i.task_id, i.created_by, i.created_at, i.expires_at, i.revoked_at, ",
            "i.started_at, i.completed_at, i.destination_record_id, l.given_name AS l_given_name, l.preferred_language AS l_language, ",
            "o.name AS o_name, o.default_locale AS o_language, o.country AS o_country, ",
            $saved,
            " AS a_saved FROM survey_invitations i ",
            "JOIN learners l ON l.id = i.learner_id AND l.organisation_id = i.organisation_id ",
            "JOIN organisations o ON o.id = i.organisation_id ",
            "WHERE i.token_hash = $1"
        )
    };
}

const OPEN_LINK_SQLITE: &str = open_link_sql!(
    "(SELECT json_group_array(json_array(a.page_id, a.answers, a.saved_at) ORDER BY a.id) \
     FROM survey_answers a WHERE a.invitation_id = i.id AND a.organisation_id = i.organisation_id)"
);

/// PostgreSQL's `json_agg` of no rows is NULL, not `[]`.
const OPEN_LINK_POSTGRES: &str = open_link_sql!(
    "(SELECT coalesce(json_agg(json_build_array(a.page_id, a.answers, a.saved_at) ORDER BY a.id), '[]')::text \
     FROM survey_answers a WHERE a.invitation_id = i.id AND a.organisation_id = i.organisation_id)"
);

/// Opens the link whose token hashes to `token_hash` in one round trip and
/// one row: the invitation joined to its learner and organisation, with the
/// saved pages gathered into one JSON array column (`[[page, answers,
/// saved_at], …]`, oldest first). Every page of the learner site starts here,
/// so it is one query, like `/healthz`'s one round trip (issue 14's bar); one
/// row rather than a row per saved page also means one message back from
/// SQLite's worker thread.
pub async fn open_link(conn: &impl ConnectionTrait, token_hash: &str) -> Result<Option<OpenedLink>> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => OPEN_LINK_POSTGRES,
        _ => OPEN_LINK_SQLITE,
    };
    // sqlx reads `$1` as the first argument on SQLite too, so one text serves both.
    let statement = Statement::from_sql_and_values(backend, sql, [token_hash.into()]);
    let Some(row) = conn.query_one_raw(statement).await? else {
        return Ok(None);
    };
    // Read by name without a prefix: sea-orm's `try_get(prefix, name)` (and
    // the derived `from_query_result`) builds a new string per column.
    let invitation = from_model(survey_invitation::Model {
        id: row.try_get_by("id")?,
        organisation_id: row.try_get_by("organisation_id")?,
        learner_id: row.try_get_by("learner_id")?,
        token_hash: token_hash.to_owned(),
        survey_name: row.try_get_by("survey_name")?,
        survey_version: row.try_get_by("survey_version")?,
        language: row.try_get_by("language")?,
        checkpoint_id: row.try_get_by("checkpoint_id")?,
        task_id: row.try_get_by("task_id")?,
        created_by: row.try_get_by("created_by")?,
        created_at: row.try_get_by("created_at")?,
        expires_at: row.try_get_by("expires_at")?,
        revoked_at: row.try_get_by("revoked_at")?,
        started_at: row.try_get_by("started_at")?,
        completed_at: row.try_get_by("completed_at")?,
        destination_record_id: row.try_get_by("destination_record_id")?,
    });
    let country: String = row.try_get_by("o_country")?;
    let saved: String = row.try_get_by("a_saved")?;
    Ok(Some(OpenedLink {
        invitation,
        given_name: row.try_get_by("l_given_name")?,
        learner_language: row.try_get_by("l_language")?,
        organisation_name: row.try_get_by("o_name")?,
        organisation_language: row.try_get_by("o_language")?,
        country: decode("organisations", "country", &country)?,
        saved: saved_pages_from_json(&saved)?,
    }))
}

/// The saved pages of [`open_link`]'s JSON array, `[[page, answers, saved_at], …]`.
fn saved_pages_from_json(json: &str) -> Result<Vec<SavedPage>> {
    let invalid = |reason: String| StorageError::InvalidStoredValue {
        table: "survey_answers",
        column: "saved_at",
        value: json.to_owned(),
        reason,
    };
    let rows: Vec<(String, String, String)> =
        serde_json::from_str(json).map_err(|error| invalid(error.to_string()))?;
    rows.into_iter()
        .map(|(page_id, answers_json, saved_at)| {
            let saved_at = DateTime::parse_from_rfc3339(&saved_at)
                .map_err(|error| invalid(error.to_string()))?
                .with_timezone(&Utc);
            Ok(SavedPage {
                page_id,
                answers_json,
                saved_at,
            })
        })
        .collect()
}

pub async fn invitation(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: SurveyInvitationId,
) -> Result<Invitation> {
    survey_invitation::Entity::find_in(org)
        .filter(survey_invitation::Column::Id.eq(id.0))
        .one(conn)
        .await?
        .map(from_model)
        .ok_or_else(|| StorageError::not_found(format!("survey invitation {id}")))
}

/// A learner's invitations, newest first.
pub async fn invitations_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<Invitation>> {
    Ok(survey_invitation::Entity::find_in(org)
        .filter(survey_invitation::Column::LearnerId.eq(learner.0))
        .order_by_desc(survey_invitation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect())
}

/// Withdraws a learner's link. False when it was already revoked (or is
/// another learner's): nothing changes.
pub async fn revoke_invitation(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    id: SurveyInvitationId,
) -> Result<bool> {
    let result = survey_invitation::Entity::update_many()
        .col_expr(survey_invitation::Column::RevokedAt, Expr::value(now()))
        .filter(survey_invitation::Entity::in_org(org))
        .filter(survey_invitation::Column::Id.eq(id.0))
        .filter(survey_invitation::Column::LearnerId.eq(learner.0))
        .filter(survey_invitation::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Saves one page's answers (JSON) of an open invitation, replacing what was
/// saved for that page before, and marks the invitation started. False (and
/// nothing saved) when the invitation is completed, revoked or expired.
pub async fn save_page(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: SurveyInvitationId,
    page_id: &str,
    answers_json: &str,
) -> Result<bool> {
    let at = now();
    if !mark_started(conn, org, id, at).await? {
        return Ok(false);
    }
    survey_answer::Entity::insert(survey_answer::ActiveModel {
        organisation_id: Set(org.0),
        invitation_id: Set(id.0),
        page_id: Set(page_id.to_owned()),
        answers: Set(answers_json.to_owned()),
        saved_at: Set(at),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([survey_answer::Column::InvitationId, survey_answer::Column::PageId])
            .update_columns([survey_answer::Column::Answers, survey_answer::Column::SavedAt])
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(true)
}

/// `started_at`, or `at` for an invitation not started before.
fn first_start(at: DateTime<Utc>) -> Expr {
    Expr::expr(Func::coalesce([
        Expr::col(survey_invitation::Column::StartedAt),
        Expr::value(at),
    ]))
}

/// Marks the invitation started (keeping the first time) if its link is still
/// open at `at`; false when it is not (completed, revoked or expired). One
/// conditional update checks and marks, so a page save is two statements.
async fn mark_started(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: SurveyInvitationId,
    at: DateTime<Utc>,
) -> Result<bool> {
    let result = survey_invitation::Entity::update_many()
        .col_expr(survey_invitation::Column::StartedAt, first_start(at))
        .filter(survey_invitation::Entity::in_org(org))
        .filter(survey_invitation::Column::Id.eq(id.0))
        .filter(survey_invitation::Column::RevokedAt.is_null())
        .filter(survey_invitation::Column::CompletedAt.is_null())
        .filter(survey_invitation::Column::ExpiresAt.gt(at))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// A saved page of answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedPage {
    pub page_id: String,
    pub answers_json: String,
    pub saved_at: DateTime<Utc>,
}

/// The pages saved for an invitation, in the order they were first saved.
pub async fn saved_pages(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: SurveyInvitationId,
) -> Result<Vec<SavedPage>> {
    Ok(survey_answer::Entity::find_in(org)
        .filter(survey_answer::Column::InvitationId.eq(id.0))
        .order_by_asc(survey_answer::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| SavedPage {
            page_id: model.page_id,
            answers_json: model.answers,
            saved_at: model.saved_at,
        })
        .collect())
}

/// What completing a survey did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Completion {
    /// This submission completed it and wrote its records.
    Done {
        destination: Option<DestinationRecordId>,
        referral: Option<ReferralId>,
        /// Open tasks closed by the completion.
        answered: Vec<TaskId>,
    },
    /// It was completed already (a double submit): nothing was written.
    AlreadyCompleted,
    /// The link is revoked or expired: nothing was written.
    NotOpen,
}

/// The member of staff who follows up a learner's request for support: the
/// one who made the link if still active, else the organisation's first
/// active IAG adviser, progression lead or administrator.
async fn support_owner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    created_by: Option<UserId>,
) -> Result<Option<UserId>> {
    if let Some(maker) = created_by {
        let active = user::Entity::find_in(org)
            .filter(user::Column::Id.eq(maker.0))
            .filter(user::Column::Active.eq(true))
            .one(conn)
            .await?;
        if active.is_some() {
            return Ok(Some(maker));
        }
    }
    for role in [Role::IagAdviser, Role::ProgressionLead, Role::Admin] {
        let found = user::Entity::find_in(org)
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::Role.eq(role.code()))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::Id)
            .into_tuple::<i64>()
            .one(conn)
            .await?;
        if let Some(id) = found {
            return Ok(Some(UserId(id)));
        }
    }
    Ok(None)
}

/// Completes an invitation with what its answers say, writing every record
/// in the caller's unit of work (a `Write`): claim first, then work.
pub async fn complete_survey<C>(
    conn: &C,
    org: OrganisationId,
    id: SurveyInvitationId,
    outcome: &Outcome,
    today: NaiveDate,
) -> Result<Completion>
where
    C: ConnectionTrait,
{
    let at = now();
    let claimed = survey_invitation::Entity::update_many()
        .col_expr(survey_invitation::Column::CompletedAt, Expr::value(at))
        .col_expr(survey_invitation::Column::StartedAt, first_start(at))
        .filter(survey_invitation::Entity::in_org(org))
        .filter(survey_invitation::Column::Id.eq(id.0))
        .filter(survey_invitation::Column::CompletedAt.is_null())
        .filter(survey_invitation::Column::RevokedAt.is_null())
        .filter(survey_invitation::Column::ExpiresAt.gt(at))
        .exec(conn)
        .await?
        .rows_affected
        == 1;
    let invitation = invitation(conn, org, id).await?;
    if !claimed {
        return Ok(
            if invitation.completed_at.is_some() && invitation.revoked_at.is_none() {
                Completion::AlreadyCompleted
            } else {
                Completion::NotOpen
            },
        );
    }
    let learner = invitation.learner;
    let version = i32::try_from(invitation.survey_version).unwrap_or(i32::MAX);
    let mut answered = Vec::new();
    let mut destination = None;
    if let Some(record) = &outcome.destination {
        let record = DestinationRecord {
            source: DestinationSource::Survey,
            verification: Verification::LearnerConfirmed,
            ..record.clone()
        };
        let recorded = record_destination(conn, org, learner, &record, None, None).await?;
        answered.extend(recorded.answered);
        name_survey(conn, org, recorded.id, &invitation.survey_name, version).await?;
        destination = Some(recorded.id);
        // The checkpoint's own task is answered by this survey, whatever its dates.
        if let Some(task_id) = invitation.task
            && !answered.contains(&task_id)
        {
            let closed = task::Entity::update_many()
                .col_expr(task::Column::Status, Expr::value(TaskStatus::Done.code()))
                .col_expr(task::Column::DestinationRecordId, Expr::value(recorded.id.0))
                .col_expr(task::Column::UpdatedAt, Expr::value(at))
                .col_expr(task::Column::ClaimedBy, Expr::value(Option::<i64>::None))
                .col_expr(
                    task::Column::ClaimedUntil,
                    Expr::value(Option::<DateTime<Utc>>::None),
                )
                .filter(task::Entity::in_org(org))
                .filter(task::Column::Id.eq(task_id.0))
                .filter(task::Column::Status.is_in([TaskStatus::Due.code(), TaskStatus::InProgress.code()]))
                .exec(conn)
                .await?
                .rows_affected;
            if closed == 1 {
                answered.push(task_id);
            }
        }
        survey_invitation::Entity::update_many()
            .col_expr(
                survey_invitation::Column::DestinationRecordId,
                Expr::value(recorded.id.0),
            )
            .filter(survey_invitation::Entity::in_org(org))
            .filter(survey_invitation::Column::Id.eq(id.0))
            .exec(conn)
            .await?;
    }
    if let Some(intended) = &outcome.intention {
        let record = DestinationRecord {
            kind: DestinationKind::Intended,
            category: intended.category,
            as_of: today,
            start_date: None,
            end_date: None,
            institution: None,
            employer: None,
            job_role: None,
            hours_per_week: None,
            sector: None,
            course: None,
            level: None,
            source: DestinationSource::Survey,
            verification: Verification::LearnerConfirmed,
            notes: intended.notes.clone(),
        };
        let recorded = record_destination(conn, org, learner, &record, None, None).await?;
        answered.extend(recorded.answered);
        name_survey(conn, org, recorded.id, &invitation.survey_name, version).await?;
        intention::ActiveModel {
            organisation_id: Set(org.0),
            learner_id: Set(learner.0),
            destination_record_id: Set(recorded.id.0),
            stage: Set(intended.stage.code().to_owned()),
            aspiration: Set(None),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    for change in &outcome.contact_changes {
        survey_contact_change::ActiveModel {
            organisation_id: Set(org.0),
            learner_id: Set(learner.0),
            invitation_id: Set(Some(id.0)),
            kind: Set(change.kind.code().to_owned()),
            value: Set(change.value.clone()),
            proposed_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    for (kind, given) in [("contact", outcome.consent_contact), ("opt_out", outcome.opt_out)] {
        let Some(given) = given else { continue };
        survey_consent::ActiveModel {
            organisation_id: Set(org.0),
            learner_id: Set(learner.0),
            invitation_id: Set(Some(id.0)),
            kind: Set(kind.to_owned()),
            given: Set(given),
            recorded_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    if outcome.opt_out == Some(true) {
        learner::Entity::update_many()
            .col_expr(learner::Column::OptedOutAt, Expr::value(at))
            .filter(learner::Entity::in_org(org))
            .filter(learner::Column::Id.eq(learner.0))
            .filter(learner::Column::OptedOutAt.is_null())
            .exec(conn)
            .await?;
    }
    if let Some(alumni) = &outcome.alumni {
        survey_alumni::ActiveModel {
            organisation_id: Set(org.0),
            learner_id: Set(learner.0),
            invitation_id: Set(Some(id.0)),
            opt_in: Set(alumni.opt_in),
            story: Set(alumni.story.clone()),
            publish: Set(alumni.publish),
            recorded_at: Set(at),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    let mut referral = None;
    if let Some(support) = &outcome.support {
        match support_owner(conn, org, invitation.created_by).await? {
            Some(owner) => {
                let label = format!("{} v{}", invitation.survey_name, invitation.survey_version);
                referral = Some(
                    open_referral(
                        conn,
                        org,
                        learner,
                        &NewReferral {
                            referral_type: ReferralType::Other,
                            owner,
                            follow_up_on: today + chrono::Duration::days(7),
                            notes: Some(support.referral_notes(&label)),
                        },
                        None,
                    )
                    .await?,
                );
            }
            None => tracing::warn!(
                invitation = id.0,
                "support asked for in a survey, but the organisation has no active staff to own a referral"
            ),
        }
    }
    Ok(Completion::Done {
        destination,
        referral,
        answered,
    })
}

async fn name_survey(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    record: DestinationRecordId,
    survey: &str,
    version: i32,
) -> Result<()> {
    destination_record::Entity::update_many()
        .col_expr(destination_record::Column::SurveyName, Expr::value(survey))
        .col_expr(destination_record::Column::SurveyVersion, Expr::value(version))
        .filter(destination_record::Entity::in_org(org))
        .filter(destination_record::Column::Id.eq(record.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The survey (name, version) a destination record was made from, if any.
pub async fn record_survey(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    record: DestinationRecordId,
) -> Result<Option<(String, u32)>> {
    let row = destination_record::Entity::find_in(org)
        .select_only()
        .columns([
            destination_record::Column::SurveyName,
            destination_record::Column::SurveyVersion,
        ])
        .filter(destination_record::Column::Id.eq(record.0))
        .into_tuple::<(Option<String>, Option<i32>)>()
        .one(conn)
        .await?;
    Ok(match row {
        Some((Some(name), Some(version))) => Some((name, u32::try_from(version).unwrap_or_default())),
        _ => None,
    })
}

// ------------------------------------------------------------- contact changes

/// Whether staff accepted a proposed contact change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Accepted,
    Rejected,
}

impl Decision {
    fn code(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposedContactChange {
    pub id: ContactChangeId,
    pub learner: LearnerId,
    pub kind: ContactPointKind,
    pub value: String,
    pub proposed_at: DateTime<Utc>,
    pub decision: Option<Decision>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A learner's proposed contact changes, those waiting first, newest first.
pub async fn contact_changes_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<ProposedContactChange>> {
    let mut changes = survey_contact_change::Entity::find_in(org)
        .filter(survey_contact_change::Column::LearnerId.eq(learner.0))
        .order_by_desc(survey_contact_change::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok(ProposedContactChange {
                id: ContactChangeId(model.id),
                learner: LearnerId(model.learner_id),
                kind: decode("survey_contact_changes", "kind", &model.kind)?,
                value: model.value,
                proposed_at: model.proposed_at,
                decision: match model.decision.as_deref() {
                    Some("accepted") => Some(Decision::Accepted),
                    Some(_) => Some(Decision::Rejected),
                    None => None,
                },
                decided_at: model.decided_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    changes.sort_by_key(|change| change.decision.is_some());
    Ok(changes)
}

/// Accepts (adding the contact point) or rejects a waiting change. `None` when
/// it was decided already or is another learner's: nothing changes.
pub async fn decide_contact_change(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    id: ContactChangeId,
    decision: Decision,
    decided_by: Option<UserId>,
) -> Result<Option<Option<ContactPointId>>> {
    let decided = survey_contact_change::Entity::update_many()
        .col_expr(
            survey_contact_change::Column::Decision,
            Expr::value(decision.code()),
        )
        .col_expr(survey_contact_change::Column::DecidedAt, Expr::value(now()))
        .col_expr(
            survey_contact_change::Column::DecidedBy,
            Expr::value(decided_by.map(|id| id.0)),
        )
        .filter(survey_contact_change::Entity::in_org(org))
        .filter(survey_contact_change::Column::Id.eq(id.0))
        .filter(survey_contact_change::Column::LearnerId.eq(learner.0))
        .filter(survey_contact_change::Column::Decision.is_null())
        .exec(conn)
        .await?
        .rows_affected
        == 1;
    if !decided {
        return Ok(None);
    }
    if decision == Decision::Rejected {
        return Ok(Some(None));
    }
    let model = survey_contact_change::Entity::find_in(org)
        .filter(survey_contact_change::Column::Id.eq(id.0))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("contact change {id}")))?;
    let point = super::contacts::add_contact_point(
        conn,
        org,
        learner,
        &super::contacts::NewContactPoint {
            kind: decode("survey_contact_changes", "kind", &model.kind)?,
            value: model.value,
            consent: true,
        },
    )
    .await?;
    Ok(Some(Some(point)))
}

// ------------------------------------------------------------- alumni and consent

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlumniEntry {
    pub opt_in: Option<bool>,
    pub story: Option<String>,
    pub publish: Option<bool>,
    pub recorded_at: DateTime<Utc>,
}

pub async fn alumni_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<AlumniEntry>> {
    Ok(survey_alumni::Entity::find_in(org)
        .filter(survey_alumni::Column::LearnerId.eq(learner.0))
        .order_by_desc(survey_alumni::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| AlumniEntry {
            opt_in: model.opt_in,
            story: model.story,
            publish: model.publish,
            recorded_at: model.recorded_at,
        })
        .collect())
}

/// Records a consent answer (`kind` `contact` or `opt_out`) given outside a
/// survey, e.g. told to staff or in a test's fixture.
pub async fn record_consent(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    kind: &str,
    given: bool,
) -> Result<()> {
    super::learners::learner(conn, org, learner).await?;
    survey_consent::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        invitation_id: Set(None),
        kind: Set(kind.to_owned()),
        given: Set(given),
        recorded_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// A learner's consent and opt-out answers: (kind, given, when), newest first.
pub async fn consents_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<(String, bool, DateTime<Utc>)>> {
    Ok(survey_consent::Entity::find_in(org)
        .filter(survey_consent::Column::LearnerId.eq(learner.0))
        .order_by_desc(survey_consent::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| (model.kind, model.given, model.recorded_at))
        .collect())
}

// ------------------------------------------------------------- response rates

/// Invitations of a cohort's learners for one checkpoint (or made by hand) and survey.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseCounts {
    pub checkpoint: Option<CheckpointId>,
    pub checkpoint_name: Option<String>,
    pub survey_name: String,
    pub invited: u64,
    pub started: u64,
    pub completed: u64,
}

impl ResponseCounts {
    /// Completed per hundred invited, rounded down.
    pub fn response_rate(&self) -> u64 {
        (self.completed * 100).checked_div(self.invited).unwrap_or(0)
    }
}

/// Per checkpoint and survey: how many of the cohort's learners' links were
/// made, started and completed (revoked links are not counted).
pub async fn cohort_response_counts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    cohort: CohortId,
) -> Result<Vec<ResponseCounts>> {
    let rows: Vec<(Option<i64>, String, i64, i64, i64)> = survey_invitation::Entity::find_in(org)
        .select_only()
        .column(survey_invitation::Column::CheckpointId)
        .column(survey_invitation::Column::SurveyName)
        .column_as(survey_invitation::Column::Id.count(), "invited")
        .column_as(survey_invitation::Column::StartedAt.count(), "started")
        .column_as(survey_invitation::Column::CompletedAt.count(), "completed")
        .filter(survey_invitation::Column::RevokedAt.is_null())
        .filter(survey_invitation::Column::LearnerId.in_subquery(
            super::enrolments::learners_in_cohort_query(org, cohort, &LearnerScope::All),
        ))
        .group_by(survey_invitation::Column::CheckpointId)
        .group_by(survey_invitation::Column::SurveyName)
        .order_by_asc(survey_invitation::Column::CheckpointId)
        .order_by_asc(survey_invitation::Column::SurveyName)
        .into_tuple()
        .all(conn)
        .await?;
    let mut counts = Vec::new();
    for (point, survey_name, invited, started, completed) in rows {
        let checkpoint_name = match point {
            Some(point) => {
                checkpoint::Entity::find_in(org)
                    .select_only()
                    .column(checkpoint::Column::Name)
                    .filter(checkpoint::Column::Id.eq(point))
                    .into_tuple::<String>()
                    .one(conn)
                    .await?
            }
            None => None,
        };
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        counts.push(ResponseCounts {
            checkpoint: point.map(CheckpointId),
            checkpoint_name,
            survey_name,
            invited: count(invited),
            started: count(started),
            completed: count(completed),
        });
    }
    Ok(counts)
}
