//! Email addresses that bounce. A permanent bounce (from the mail service's
//! webhook or an administrator's import of a bounce list) marks every valid
//! email contact point with that address invalid, logs a contact attempt
//! with outcome "bounced", and — where the learner has an open task on an
//! email stage — applies the checkpoint's escalation rule with the channel
//! no longer usable (unless the learner has another valid email address), so
//! the task moves to its next channel at once. A complaint (the message
//! reported as spam) is an opt-out.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
use onward_domain::escalation::{Attempt, TaskProgress};
use onward_domain::tracking::TaskStatus;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::contacts::{NewContactAttempt, record_contact_attempt};
use super::decode;
use super::opt_outs::{OptOutRoute, OptedOut, opt_out_learner};
use crate::entities::{contact_point, enrolment, task};
use crate::repo::tenant::TenantScoped;
use crate::{CheckpointId, LearnerId, OrganisationId, Result, TaskId, Write};

/// Where a bounce was reported from (the audit event's detail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BounceSource {
    Webhook,
    Import,
}

impl BounceSource {
    fn code(self) -> &'static str {
        match self {
            Self::Webhook => "bounce webhook",
            Self::Import => "bounce import",
        }
    }
}

/// What one bounced address changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BounceResult {
    /// Contact points marked invalid now.
    pub invalidated: usize,
    /// Email contact points with the address that were already invalid.
    pub already_invalid: usize,
    /// Learners the address belonged to.
    pub learners: Vec<LearnerId>,
    /// Tasks whose email stage the bounce ended (moved on, or unreachable).
    pub tasks: Vec<(TaskId, TaskProgress)>,
}

impl BounceResult {
    /// No learner of the organisation has this address.
    pub fn is_unknown(&self) -> bool {
        self.invalidated == 0 && self.already_invalid == 0
    }
}

/// The organisation's email contact points with `address` (compared without
/// regard to case).
async fn email_points(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    address: &str,
) -> Result<Vec<contact_point::Model>> {
    Ok(contact_point::Entity::find_in(org)
        .filter(contact_point::Column::Kind.eq(ContactPointKind::Email.code()))
        .filter(
            Expr::expr(Func::lower(Expr::col(contact_point::Column::Value)))
                .eq(address.trim().to_lowercase()),
        )
        .order_by_asc(contact_point::Column::Id)
        .all(conn)
        .await?)
}

fn progress_of(model: &task::Model) -> Result<TaskProgress> {
    Ok(TaskProgress {
        status: decode("tasks", "status", &model.status)?,
        channel_index: usize::try_from(model.channel_index).unwrap_or(0),
        attempts: u8::try_from(model.attempts).unwrap_or(u8::MAX),
    })
}

/// The learner's open tasks, oldest first.
pub(crate) async fn open_tasks_of(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<task::Model>> {
    let enrolments: Vec<i64> = enrolment::Entity::find_in(org)
        .filter(enrolment::Column::LearnerId.eq(learner.0))
        .all(conn)
        .await?
        .into_iter()
        .map(|model| model.id)
        .collect();
    if enrolments.is_empty() {
        return Ok(Vec::new());
    }
    Ok(task::Entity::find_in(org)
        .filter(task::Column::EnrolmentId.is_in(enrolments))
        .filter(task::Column::Status.is_in([TaskStatus::Due.code(), TaskStatus::InProgress.code()]))
        .order_by_asc(task::Column::DueOn)
        .order_by_asc(task::Column::Id)
        .all(conn)
        .await?)
}

/// Records a permanent bounce of `address` in the caller's unit of work
/// (audited per contact point; the caller commits).
pub async fn record_bounce(
    write: &Write,
    address: &str,
    source: BounceSource,
    at: DateTime<Utc>,
) -> Result<BounceResult> {
    let org = write.organisation()?;
    let points = email_points(write, org, address).await?;
    let mut result = BounceResult::default();
    let mut by_learner: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for point in &points {
        if !point.valid {
            result.already_invalid += 1;
            continue;
        }
        let changed = contact_point::Entity::update_many()
            .col_expr(contact_point::Column::Valid, Expr::value(false))
            .filter(contact_point::Entity::in_org(org))
            .filter(contact_point::Column::Id.eq(point.id))
            .filter(contact_point::Column::Valid.eq(true))
            .exec(write)
            .await?
            .rows_affected;
        if changed == 1 {
            result.invalidated += 1;
            by_learner.entry(point.learner_id).or_default().push(point.id);
            write
                .audit_detail("contact_point.bounced", "contact_point", point.id, source.code())
                .await?;
        } else {
            result.already_invalid += 1;
        }
    }
    let mut checkpoints: HashMap<i64, onward_domain::tracking::Checkpoint> = HashMap::new();
    for (learner_id, bounced) in by_learner {
        let learner = LearnerId(learner_id);
        result.learners.push(learner);
        let still_usable = contact_point::Entity::find_in(org)
            .filter(contact_point::Column::LearnerId.eq(learner_id))
            .filter(contact_point::Column::Kind.eq(ContactPointKind::Email.code()))
            .all(write)
            .await?
            .iter()
            .any(|point| point.valid && point.consent && !bounced.contains(&point.id));
        let mut on_email = Vec::new();
        for model in open_tasks_of(write, org, learner).await? {
            if let std::collections::hash_map::Entry::Vacant(entry) = checkpoints.entry(model.checkpoint_id) {
                let point =
                    super::calls::queue_checkpoint(write, org, CheckpointId(model.checkpoint_id)).await?;
                entry.insert(point.checkpoint);
            }
            let checkpoint = &checkpoints[&model.checkpoint_id];
            let progress = progress_of(&model)?;
            if checkpoint.current_channel(progress) == Some(ContactChannel::Email) {
                on_email.push((model, checkpoint.clone(), progress));
            }
        }
        let user = write.actor()?.user;
        let attempt = |task: Option<TaskId>| NewContactAttempt {
            learner,
            task,
            channel: ContactChannel::Email,
            direction: ContactDirection::Outbound,
            outcome: ContactOutcome::Bounced,
            notes: Some(format!("Address {} bounced ({})", address.trim(), source.code())),
            user,
            attempted_at: at,
        };
        if on_email.is_empty() {
            record_contact_attempt(write, org, &attempt(None)).await?;
            continue;
        }
        for (model, checkpoint, progress) in on_email {
            let id = TaskId(model.id);
            record_contact_attempt(write, org, &attempt(Some(id))).await?;
            let after = checkpoint.after_attempt(
                progress,
                Attempt {
                    channel: ContactChannel::Email,
                    outcome: ContactOutcome::Bounced,
                    destination_recorded: false,
                    opted_out: false,
                    channel_still_usable: still_usable,
                },
            );
            super::campaigns::store_progress(write, org, id, progress, after, at).await?;
            result.tasks.push((id, after));
        }
    }
    Ok(result)
}

/// Records a complaint about a message to `address`: every learner with that
/// email address is opted out. Returns the learners newly opted out.
pub async fn record_complaint(write: &Write, address: &str) -> Result<Vec<LearnerId>> {
    let org = write.organisation()?;
    let mut learners: Vec<i64> = email_points(write, org, address)
        .await?
        .into_iter()
        .map(|point| point.learner_id)
        .collect();
    learners.sort_unstable();
    learners.dedup();
    let mut opted = Vec::new();
    for learner in learners {
        if let OptedOut::Recorded { .. } =
            opt_out_learner(write, LearnerId(learner), OptOutRoute::Complaint).await?
        {
            opted.push(LearnerId(learner));
        }
    }
    Ok(opted)
}
