//! Opting out without signing in. A personal opt-out link (`/o/{token}`: 256
//! random bits, only the SHA-256 stored) is issued per message, so the
//! campaign sender can put it in an email's `List-Unsubscribe` header; using
//! it (or any other route that records an opt-out) stamps
//! `learners.opted_out_at`, keeps an opt-out consent record, closes the
//! learner's open tasks as opted out (so no channel, call queue included,
//! takes them up again) and audits `learner.opted_out`, in one unit of work.
//!
//! Senders must check [`is_opted_out`] (or `learners.opted_out_at`) before
//! every message: an opt-out stops every channel, not just the one used.

use chrono::{DateTime, Utc};
use onward_domain::tracking::TaskStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::now;
use crate::entities::{enrolment, learner, opt_out_link, survey_consent, task};
use crate::link_tokens::{is_plausible, new_token, token_hash};
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{LearnerId, OrganisationId, Result, Write};

/// A new opt-out link: the token is returned once and never stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedOptOutLink {
    pub token: String,
}

impl IssuedOptOutLink {
    /// The link's path, to join to the public URL: `/o/<token>`.
    pub fn path(&self) -> String {
        opt_out_path(&self.token)
    }
}

/// The path of an opt-out link.
pub fn opt_out_path(token: &str) -> String {
    format!("/o/{token}")
}

/// Issues an opt-out link for a learner of `org` (for an email's
/// `List-Unsubscribe` header and the unsubscribe line of its text). Links do
/// not expire: an email may be opened months after it was sent.
pub async fn issue_opt_out_link(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<IssuedOptOutLink> {
    super::learners::learner(conn, org, learner).await?;
    let token = new_token();
    opt_out_link::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now()),
        used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(IssuedOptOutLink { token })
}

/// A working (not revoked) opt-out link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptOutLink {
    pub id: i64,
    pub organisation: OrganisationId,
    pub learner: LearnerId,
    pub used_at: Option<DateTime<Utc>>,
}

/// The working link whose token is `token`; `None` for an unknown or revoked
/// one (the caller answers both the same way).
pub async fn opt_out_link_by_token(conn: &impl ConnectionTrait, token: &str) -> Result<Option<OptOutLink>> {
    if !is_plausible(token) {
        return Ok(None);
    }
    Ok(opt_out_link::Entity::find()
        .filter(opt_out_link::Column::TokenHash.eq(token_hash(token)))
        .filter(opt_out_link::Column::RevokedAt.is_null())
        .one(conn)
        .await?
        .map(|model| OptOutLink {
            id: model.id,
            organisation: OrganisationId(model.organisation_id),
            learner: LearnerId(model.learner_id),
            used_at: model.used_at,
        }))
}

/// Revokes every opt-out link of a learner (an erasure, a link sent to the
/// wrong address). Returns how many were revoked.
pub async fn revoke_opt_out_links(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<u64> {
    Ok(opt_out_link::Entity::update_many()
        .col_expr(opt_out_link::Column::RevokedAt, Expr::value(now()))
        .filter(opt_out_link::Entity::in_org(org))
        .filter(opt_out_link::Column::LearnerId.eq(learner.0))
        .filter(opt_out_link::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// How an opt-out arrived (the audit event's detail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptOutRoute {
    /// The opt-out page's button.
    LinkPage,
    /// A mail client's one-click unsubscribe (RFC 8058).
    OneClick,
    /// An SMS reply of STOP.
    SmsStop,
    /// The learner reported an email as spam.
    Complaint,
}

impl OptOutRoute {
    fn code(self) -> &'static str {
        match self {
            Self::LinkPage => "opt-out link",
            Self::OneClick => "one-click unsubscribe",
            Self::SmsStop => "SMS STOP",
            Self::Complaint => "email complaint",
        }
    }
}

/// What recording an opt-out did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptedOut {
    /// Recorded now; `tasks_closed` open tasks were closed as opted out.
    Recorded { tasks_closed: u64 },
    /// The learner had opted out before: nothing changed.
    Already,
}

/// Records that a learner of the write's organisation asked not to be
/// contacted again, in the caller's unit of work (audited; the caller
/// commits). The first statement is the conditional stamp of
/// `opted_out_at`, so two opt-outs at once record one.
pub async fn opt_out_learner(write: &Write, learner_id: LearnerId, route: OptOutRoute) -> Result<OptedOut> {
    let org = write.organisation()?;
    let at = now();
    let stamped = learner::Entity::update_many()
        .col_expr(learner::Column::OptedOutAt, Expr::value(at))
        .filter(learner::Entity::in_org(org))
        .filter(learner::Column::Id.eq(learner_id.0))
        .filter(learner::Column::OptedOutAt.is_null())
        .exec(write)
        .await?
        .rows_affected;
    if stamped == 0 {
        // Already opted out, or not this organisation's learner.
        find_owned::<learner::Entity>(write, org, learner_id.0, || format!("learner {learner_id}")).await?;
        return Ok(OptedOut::Already);
    }
    survey_consent::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner_id.0),
        invitation_id: Set(None),
        kind: Set("opt_out".to_owned()),
        given: Set(true),
        recorded_at: Set(at),
        ..Default::default()
    }
    .insert(write)
    .await?;
    let enrolments: Vec<i64> = enrolment::Entity::find()
        .select_only()
        .column(enrolment::Column::Id)
        .filter(enrolment::Entity::in_org(org))
        .filter(enrolment::Column::LearnerId.eq(learner_id.0))
        .into_tuple()
        .all(write)
        .await?;
    let tasks_closed = if enrolments.is_empty() {
        0
    } else {
        task::Entity::update_many()
            .col_expr(task::Column::Status, Expr::value(TaskStatus::OptedOut.code()))
            .col_expr(task::Column::UpdatedAt, Expr::value(at))
            .col_expr(task::Column::ClaimedBy, Expr::value(Option::<i64>::None))
            .col_expr(
                task::Column::ClaimedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(task::Entity::in_org(org))
            .filter(task::Column::EnrolmentId.is_in(enrolments))
            .filter(task::Column::Status.is_in([TaskStatus::Due.code(), TaskStatus::InProgress.code()]))
            .exec(write)
            .await?
            .rows_affected
    };
    write
        .audit_detail("learner.opted_out", "learner", learner_id.0, route.code())
        .await?;
    Ok(OptedOut::Recorded { tasks_closed })
}

/// Opts out the learner behind a working link (marking the link used), in
/// the caller's unit of work. `None` when the link does not work.
pub async fn opt_out_by_link(write: &Write, token: &str, route: OptOutRoute) -> Result<Option<OptedOut>> {
    let Some(link) = opt_out_link_by_token(write, token).await? else {
        return Ok(None);
    };
    if link.organisation != write.organisation()? {
        return Ok(None);
    }
    let outcome = opt_out_learner(write, link.learner, route).await?;
    opt_out_link::Entity::update_many()
        .col_expr(opt_out_link::Column::UsedAt, Expr::value(now()))
        .filter(opt_out_link::Column::Id.eq(link.id))
        .filter(opt_out_link::Column::UsedAt.is_null())
        .exec(write)
        .await?;
    Ok(Some(outcome))
}

/// Whether the learner asked not to be contacted: senders check it before
/// every message, whatever the channel.
pub async fn is_opted_out(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner_id: LearnerId,
) -> Result<bool> {
    Ok(
        find_owned::<learner::Entity>(conn, org, learner_id.0, || format!("learner {learner_id}"))
            .await?
            .opted_out_at
            .is_some(),
    )
}
