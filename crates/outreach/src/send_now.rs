//! "Send now" for one learner: the campaign's next message to that learner
//! goes out at once instead of at its step's day.
//!
//! The next message is the step after the last one the learner has had (the
//! invitation when they have had none), on the channel the learner is on
//! now. It is planned exactly as the planner plans a step (`plan_step`, the
//! same row and idempotency key, the same send job), so the planner skips
//! that learner when the step falls due for everyone, and pressing the
//! button twice, or the planner and the button at once, still sends it once.
//! The campaign's rules hold: only while it runs, never in its quiet hours,
//! never to a learner it excludes (answered, opted out, no consent…).

use chrono::{DateTime, Utc};
use onward_domain::campaign::{CampaignStatus, MessageStatus, is_automatic};
use onward_domain::contact::ContactChannel;
use onward_jobs::enqueue_once;
use onward_storage::repo::campaigns::{
    self, Audience, AudienceMember, Campaign, Exclusion, audience_member, learner_messages,
};
use onward_storage::{LearnerId, OrganisationId, StorageError, Write};

use crate::{OutreachError, SendCampaignMessage};

/// The message "send now" would send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextMessage {
    /// 0-based step of the campaign's schedule.
    pub step: usize,
    pub channel: ContactChannel,
    /// The address or number it goes to.
    pub address: Option<String>,
}

/// Why "send now" cannot send to this learner now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendNowRefusal {
    /// The campaign is not running (a draft, paused or finished).
    NotRunning(CampaignStatus),
    /// The campaign's checkpoint has no survey to link to.
    NoSurvey,
    /// It is one of the campaign's quiet hours or days.
    QuietHours,
    /// The learner is not enrolled in the campaign's cohort.
    NotInCohort,
    /// The campaign leaves the learner out, and why.
    Excluded(Exclusion),
    /// A message to the learner is already waiting to go (this step).
    AlreadyQueued(usize),
    /// Every step of the schedule has been sent to the learner.
    AllSent,
    /// The learner's task is on a stage the campaign does not send (a letter, the phone).
    StageNotSent(ContactChannel),
    /// No sender is configured for the learner's channel.
    NotConfigured(ContactChannel),
}

/// What "send now" would send to `learner`, or why it cannot, at `at`.
/// Reads only.
pub async fn next_message(
    conn: &impl onward_storage::ConnectionTrait,
    org: OrganisationId,
    campaign: &Campaign,
    learner: LearnerId,
    sendable: &[ContactChannel],
    at: DateTime<Utc>,
) -> Result<Result<NextMessage, SendNowRefusal>, StorageError> {
    Ok(planned_next(conn, org, campaign, learner, sendable, at)
        .await?
        .map(|(next, _)| next))
}

async fn planned_next(
    conn: &impl onward_storage::ConnectionTrait,
    org: OrganisationId,
    campaign: &Campaign,
    learner: LearnerId,
    sendable: &[ContactChannel],
    at: DateTime<Utc>,
) -> Result<Result<(NextMessage, AudienceMember), SendNowRefusal>, StorageError> {
    if campaign.status != CampaignStatus::Running {
        return Ok(Err(SendNowRefusal::NotRunning(campaign.status)));
    }
    if campaign.survey_name.is_none() {
        return Ok(Err(SendNowRefusal::NoSurvey));
    }
    if campaign.quiet.is_quiet(at) {
        return Ok(Err(SendNowRefusal::QuietHours));
    }
    let place = match audience_member(conn, org, campaign, learner).await? {
        None => return Ok(Err(SendNowRefusal::NotInCohort)),
        Some(place) => place,
    };
    // Answered, opted out or erased says most; then what was sent (a task
    // closed because every step went unanswered is "every step sent").
    if let Err(excluded) = &place
        && matches!(
            excluded.reason,
            Exclusion::Completed | Exclusion::OptedOut | Exclusion::Erased
        )
    {
        return Ok(Err(SendNowRefusal::Excluded(excluded.reason)));
    }
    let sent = learner_messages(conn, org, campaign.id, learner).await?;
    if let Some(waiting) = sent
        .iter()
        .find(|message| matches!(message.status, MessageStatus::Queued | MessageStatus::Sending))
    {
        return Ok(Err(SendNowRefusal::AlreadyQueued(waiting.step)));
    }
    let step = sent.iter().map(|message| message.step + 1).max().unwrap_or(0);
    if step >= campaign.schedule_days.len() {
        return Ok(Err(SendNowRefusal::AllSent));
    }
    let member = match place {
        Err(excluded) => return Ok(Err(SendNowRefusal::Excluded(excluded.reason))),
        Ok(member) => member,
    };
    if !is_automatic(member.channel) {
        return Ok(Err(SendNowRefusal::StageNotSent(member.channel)));
    }
    if !sendable.contains(&member.channel) {
        return Ok(Err(SendNowRefusal::NotConfigured(member.channel)));
    }
    let next = NextMessage {
        step,
        channel: member.channel,
        address: member.contact.as_ref().map(|(_, address)| address.clone()),
    };
    Ok(Ok((next, member)))
}

/// Plans the learner's next message and queues its send job, in `write`'s
/// unit of work (the caller commits), with the audit event
/// `campaign.send_now`. A refusal writes nothing.
pub async fn send_now(
    write: &Write,
    org: OrganisationId,
    campaign: &Campaign,
    learner: LearnerId,
    sendable: &[ContactChannel],
    at: DateTime<Utc>,
) -> Result<Result<NextMessage, SendNowRefusal>, OutreachError> {
    let (next, member) = match planned_next(write, org, campaign, learner, sendable, at).await? {
        Ok(planned) => planned,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let only = Audience {
        members: vec![member],
        excluded: Vec::new(),
    };
    let plan = campaigns::plan_step(write, org, campaign, next.step, &only, sendable).await?;
    let Some(message) = plan.queued.first() else {
        // Planned meanwhile by the planner or another click: it goes once.
        return Ok(Err(SendNowRefusal::AlreadyQueued(next.step)));
    };
    enqueue_once(
        write,
        &SendCampaignMessage {
            organisation: org,
            key: message.key.clone(),
        },
        message.key.clone(),
    )
    .await?;
    write
        .audit_detail(
            "campaign.send_now",
            "campaign",
            campaign.id.0,
            format!(
                "learner {learner}: step {} by {}",
                next.step + 1,
                next.channel.code()
            ),
        )
        .await?;
    Ok(Ok(next))
}
