//! SMS replies to the one-question text ("Reply 1 working, 2 studying, …").
//! A reply from a learner's number that reads as one answer becomes a
//! destination record with source "SMS reply", verified by the learner
//! (through [`record_destination`], which closes the tasks it answers); STOP
//! opts the learner out; anything else — unreadable, "something else", or
//! from a number no single learner has — waits in the staff SMS inbox. Each
//! reply is claimed by the gateway's message id first, so a reply the
//! gateway posts twice is handled once.

use chrono::{DateTime, NaiveDate, Utc};
use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
use onward_domain::destination::{DestinationKind, DestinationRecord, DestinationSource, Verification};
use onward_domain::sms_reply::{SmsActivity, SmsAnswer, parse_sms_reply};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::contacts::{NewContactAttempt, record_contact_attempt};
use super::destinations::record_destination;
use super::opt_outs::{OptOutRoute, opt_out_learner};
use crate::entities::{contact_point, sms_inbox};
use crate::repo::tenant::TenantScoped;
use crate::{Claim, DestinationRecordId, LearnerId, OrganisationId, Result, TaskId, UserId, Write};

const REPLY_KEY: &str = "sms_reply";

/// A reply as the gateway sent it (checked at the edge: signature, sizes,
/// control characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboundSms {
    pub gateway_id: String,
    /// The sender as the gateway gave it.
    pub from: String,
    /// The same number in E.164 by the organisation's rules, when it parses.
    pub from_normalised: Option<String>,
    pub body: String,
}

/// Why a reply is in the inbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InboxReason {
    /// No learner (or more than one) has the number.
    UnknownNumber,
    /// The text does not read as one answer.
    Unparsed,
    /// "5, something else": a member of staff should ask what.
    SomethingElse,
}

impl InboxReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownNumber => "unknown_number",
            Self::Unparsed => "unparsed",
            Self::SomethingElse => "something_else",
        }
    }

    fn parse(code: &str) -> Self {
        match code {
            "unknown_number" => Self::UnknownNumber,
            "something_else" => Self::SomethingElse,
            _ => Self::Unparsed,
        }
    }
}

/// What became of a reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplyOutcome {
    Recorded {
        learner: LearnerId,
        destination: DestinationRecordId,
        answered: Vec<TaskId>,
    },
    OptedOut {
        learner: LearnerId,
    },
    Inbox {
        id: i64,
        reason: InboxReason,
    },
    /// The gateway sent this message before: nothing new.
    Repeat,
}

/// Learners whose phone contact point is this number (either spelling).
async fn learners_with_number(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    sms: &InboundSms,
) -> Result<Vec<LearnerId>> {
    let mut numbers = vec![sms.from.clone()];
    if let Some(normalised) = &sms.from_normalised {
        numbers.push(normalised.clone());
    }
    let mut learners: Vec<i64> = contact_point::Entity::find_in(org)
        .select_only()
        .column(contact_point::Column::LearnerId)
        .filter(contact_point::Column::Kind.eq(ContactPointKind::Phone.code()))
        .filter(contact_point::Column::Value.is_in(numbers))
        .into_tuple()
        .all(conn)
        .await?;
    learners.sort_unstable();
    learners.dedup();
    Ok(learners.into_iter().map(LearnerId).collect())
}

async fn to_inbox(
    write: &Write,
    org: OrganisationId,
    sms: &InboundSms,
    learner: Option<LearnerId>,
    reason: InboxReason,
    at: DateTime<Utc>,
) -> Result<ReplyOutcome> {
    let model = sms_inbox::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.map(|id| id.0)),
        gateway_id: Set(sms.gateway_id.clone()),
        from_number: Set(sms.from.clone()),
        body: Set(sms.body.clone()),
        reason: Set(reason.code().to_owned()),
        received_at: Set(at),
        handled_at: Set(None),
        handled_by: Set(None),
        ..Default::default()
    }
    .insert(write)
    .await?;
    write
        .audit_detail("sms_inbox.received", "sms_inbox", model.id, reason.code())
        .await?;
    write.settle(REPLY_KEY, &sms.gateway_id, model.id).await?;
    Ok(ReplyOutcome::Inbox { id: model.id, reason })
}

/// Handles one reply in the caller's unit of work (the caller commits).
pub async fn receive_sms_reply(
    write: &Write,
    sms: &InboundSms,
    today: NaiveDate,
    at: DateTime<Utc>,
) -> Result<ReplyOutcome> {
    let org = write.organisation()?;
    if let Claim::Done { .. } = write.claim(REPLY_KEY, &sms.gateway_id).await? {
        return Ok(ReplyOutcome::Repeat);
    }
    let learners = learners_with_number(write, org, sms).await?;
    let [learner] = learners[..] else {
        return to_inbox(write, org, sms, None, InboxReason::UnknownNumber, at).await;
    };
    let attempt = |outcome| NewContactAttempt {
        learner,
        task: None,
        channel: ContactChannel::Sms,
        direction: ContactDirection::Inbound,
        outcome,
        notes: Some(format!(
            "SMS reply: {}",
            sms.body.chars().take(200).collect::<String>()
        )),
        user: None,
        attempted_at: at,
    };
    match parse_sms_reply(&sms.body) {
        None => to_inbox(write, org, sms, Some(learner), InboxReason::Unparsed, at).await,
        Some(SmsAnswer::Activity(SmsActivity::SomethingElse)) => {
            record_contact_attempt(write, org, &attempt(ContactOutcome::Replied)).await?;
            to_inbox(write, org, sms, Some(learner), InboxReason::SomethingElse, at).await
        }
        Some(SmsAnswer::Stop) => {
            record_contact_attempt(write, org, &attempt(ContactOutcome::Refused)).await?;
            opt_out_learner(write, learner, OptOutRoute::SmsStop).await?;
            write.settle(REPLY_KEY, &sms.gateway_id, learner.0).await?;
            Ok(ReplyOutcome::OptedOut { learner })
        }
        Some(SmsAnswer::Activity(activity)) => {
            let hours_note = match activity {
                SmsActivity::Working => " (hours not asked)",
                SmsActivity::Studying => " (where not asked)",
                _ => "",
            };
            let record = DestinationRecord {
                kind: DestinationKind::Actual,
                category: activity.category(),
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
                source: DestinationSource::SmsReply,
                verification: Verification::LearnerConfirmed,
                notes: Some(format!(
                    "SMS reply \"{}\"{hours_note}",
                    sms.body.chars().take(160).collect::<String>()
                )),
            };
            let recorded = record_destination(write, org, learner, &record, None, None).await?;
            let mut logged = attempt(ContactOutcome::Replied);
            logged.task = recorded.answered.first().copied();
            record_contact_attempt(write, org, &logged).await?;
            write
                .audit_detail(
                    "destination.sms_reply",
                    "destination_record",
                    recorded.id.0,
                    activity.category().code(),
                )
                .await?;
            write.settle(REPLY_KEY, &sms.gateway_id, recorded.id.0).await?;
            Ok(ReplyOutcome::Recorded {
                learner,
                destination: recorded.id,
                answered: recorded.answered,
            })
        }
    }
}

/// A message in the SMS inbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxMessage {
    pub id: i64,
    pub learner: Option<LearnerId>,
    pub from: String,
    pub body: String,
    pub reason: InboxReason,
    pub received_at: DateTime<Utc>,
    pub handled_at: Option<DateTime<Utc>>,
    pub handled_by: Option<UserId>,
}

/// The inbox, newest first: waiting messages, or handled ones; at most `limit`.
pub async fn sms_inbox(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    handled: bool,
    limit: u64,
) -> Result<Vec<InboxMessage>> {
    let query = sms_inbox::Entity::find_in(org);
    let query = if handled {
        query.filter(sms_inbox::Column::HandledAt.is_not_null())
    } else {
        query.filter(sms_inbox::Column::HandledAt.is_null())
    };
    Ok(query
        .order_by_desc(sms_inbox::Column::Id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| InboxMessage {
            id: model.id,
            learner: model.learner_id.map(LearnerId),
            from: model.from_number,
            body: model.body,
            reason: InboxReason::parse(&model.reason),
            received_at: model.received_at,
            handled_at: model.handled_at,
            handled_by: model.handled_by.map(UserId),
        })
        .collect())
}

/// How many messages wait in the inbox.
pub async fn waiting_in_inbox(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<u64> {
    Ok(sms_inbox::Entity::find_in(org)
        .filter(sms_inbox::Column::HandledAt.is_null())
        .count(conn)
        .await?)
}

/// Marks a message handled (audited; the caller commits). False when it was
/// handled already or is not the organisation's.
pub async fn mark_inbox_handled(write: &Write, id: i64) -> Result<bool> {
    let org = write.organisation()?;
    let user = write.actor()?.user;
    let changed = sms_inbox::Entity::update_many()
        .col_expr(sms_inbox::Column::HandledAt, Expr::value(super::now()))
        .col_expr(sms_inbox::Column::HandledBy, Expr::value(user.map(|u| u.0)))
        .filter(sms_inbox::Entity::in_org(org))
        .filter(sms_inbox::Column::Id.eq(id))
        .filter(sms_inbox::Column::HandledAt.is_null())
        .exec(write)
        .await?
        .rows_affected;
    if changed == 1 {
        write.audit("sms_inbox.handled", "sms_inbox", id).await?;
    }
    Ok(changed == 1)
}
