//! Campaigns that send (issue 15): a **planner** job that queues each running
//! campaign's due step, one message per learner, and a **send** job per
//! message that sends it exactly once.
//!
//! Exactly once, as `onward_jobs` describes it: the planner writes each
//! message's row (`campaign_messages`, unique key `campaign:{c}:learner:{l}:
//! step:{s}:{channel}`) and enqueues its send job with `enqueue_once` under
//! the same key, in one unit of work. The send job claims the row (the first
//! statement of its transaction), checks the campaign is still running (a
//! paused campaign's message is held, queued, until the planner releases it;
//! a finished campaign's is cancelled), re-checks that the learner has not
//! answered, opted out or been erased (a completed survey cancels the send),
//! makes a personal survey link, commits, sends through `onward_notify`, and
//! settles the row (sent, failed, or back to queued for a retry with the
//! runner's backoff). A worker killed between the claim and the settle leaves
//! the row `sending`; the job's lease then expires, the job runs again, and
//! the message is sent again with the same `Message-ID` (email) or reference
//! (SMS), so that one window, and only it, can deliver a message twice, in a
//! way receiving systems recognise. `crates/cli/tests/cli/campaigns.rs` kills
//! workers mid-batch and counts.
//!
//! Escalation: each sent message is a contact attempt on the learner's task,
//! so the checkpoint's `max_attempts` moves the task to its next channel; a
//! channel the learner cannot be reached on is passed over; and when every
//! step has been due for `RUN_OUT_DAYS` the learners still on an email or SMS
//! stage move on to the first stage the campaign does not send (a letter, the
//! phone queue).

mod send_now;

use std::time::Duration;

use chrono::{DateTime, Utc};
use onward_domain::campaign::{CampaignStatus, due_step, has_run_out};
use onward_domain::contact::ContactChannel;
use onward_jobs::{Job, JobContext, JobError, JobReport, Registry, enqueue_once};
use onward_notify::email::{Email, EmailChannel, Sender, SmtpMailer};
use onward_notify::sms::{HttpSmsGateway, Sms, SmsChannel};
use onward_notify::templates::{
    Invitation, Nudge, OwnWording, PersonalLink, campaign_email_worded, campaign_sms,
};
use onward_notify::{Language, SendError};
use onward_storage::repo::campaigns::{
    self, Audience, Campaign, ClaimedMessage, MessageOutcome, audience, campaign,
};
use onward_storage::repo::surveys::{NewInvitation, create_invitation};
use onward_storage::{Actor, CampaignId, Database, OrganisationId, StorageError};
pub use send_now::{NextMessage, SendNowRefusal, next_message, send_now};
use serde::{Deserialize, Serialize};

/// How often the planner looks at the running campaigns.
pub const PLAN_INTERVAL: Duration = Duration::from_secs(5 * 60);

/// What the send jobs send through, and where the links they carry lead.
/// Provided to the jobs by `onward serve` and `onward worker` (never stored
/// in a job's payload: the SMTP URL holds a password).
#[derive(Clone, Debug, Default)]
pub struct Senders {
    pub email: Option<SmtpMailer>,
    pub sms: Option<HttpSmsGateway>,
    /// Where learners reach Onward, e.g. `https://onward.college.example`;
    /// without it no link can be made, so nothing is sent.
    pub public_url: Option<String>,
    /// Days a personal link works.
    pub link_days: u32,
}

impl Senders {
    /// The channels messages can go out on now.
    pub fn sendable(&self) -> Vec<ContactChannel> {
        if self.public_url.is_none() {
            return Vec::new();
        }
        let mut channels = Vec::new();
        if self.email.is_some() {
            channels.push(ContactChannel::Email);
        }
        if self.sms.is_some() {
            channels.push(ContactChannel::Sms);
        }
        channels
    }
}

/// Registers the planner (every [`PLAN_INTERVAL`]) and the send job, and hands
/// them the senders.
pub fn register(registry: &mut Registry, senders: Senders) {
    registry.recurring(PlanCampaigns, PLAN_INTERVAL);
    registry.register::<SendCampaignMessage>();
    registry.register::<PlanOneCampaign>();
    registry.provide(senders);
}

#[derive(Debug, thiserror::Error)]
pub enum OutreachError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Job(#[from] JobError),
    #[error("{0}")]
    Refused(String),
}

impl From<OutreachError> for JobError {
    fn from(err: OutreachError) -> Self {
        match err {
            OutreachError::Storage(err) => JobError::Storage(err),
            OutreachError::Job(err) => err,
            OutreachError::Refused(reason) => JobError::Failed(reason),
        }
    }
}

// ------------------------------------------------------------------ planner

/// What one planning pass did for one campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanReport {
    pub campaign: CampaignId,
    /// The step planned, if one was due.
    pub step: Option<usize>,
    pub queued: usize,
    pub already: usize,
    pub on_other_stages: usize,
    pub excluded: usize,
    /// Tasks moved on to the next channel (channel unusable, or run out).
    pub moved_on: usize,
    /// Messages held while the campaign was paused, queued to send again.
    pub released: usize,
    pub finished: bool,
    /// Why nothing was planned (quiet hours, not running, nothing to send with).
    pub waiting: Option<String>,
}

impl PlanReport {
    fn new(campaign: CampaignId) -> Self {
        Self {
            campaign,
            step: None,
            queued: 0,
            already: 0,
            on_other_stages: 0,
            excluded: 0,
            moved_on: 0,
            released: 0,
            finished: false,
            waiting: None,
        }
    }

    pub fn line(&self) -> String {
        if let Some(reason) = &self.waiting {
            return format!("Campaign {}: nothing planned ({reason}).", self.campaign);
        }
        format!(
            "Campaign {}: step {} — {} messages queued, {} already planned, {} on stages not sent by the campaign, {} excluded, {} tasks moved on, {} held messages released{}.",
            self.campaign,
            self.step
                .map_or_else(|| "none".to_owned(), |step| (step + 1).to_string()),
            self.queued,
            self.already,
            self.on_other_stages,
            self.excluded,
            self.moved_on,
            self.released,
            if self.finished { "; finished" } else { "" }
        )
    }
}

/// Plans a running campaign at `at`: queues the due step's messages (and
/// their send jobs) for the learners reached on a channel in `sendable`, and
/// once every step has run out moves the rest on and finishes the campaign.
/// One unit of work; running it again plans nothing twice.
pub async fn plan_campaign(
    database: &Database,
    org: OrganisationId,
    id: CampaignId,
    sendable: &[ContactChannel],
    at: DateTime<Utc>,
) -> Result<PlanReport, OutreachError> {
    let write = database.write(Actor::system(org)).await?;
    let current = campaign(&write, org, id).await?;
    let mut report = PlanReport::new(id);
    let Some(started) = current
        .started_at
        .filter(|_| current.status == CampaignStatus::Running)
    else {
        report.waiting = Some(format!("it is {}", current.status.label().to_lowercase()));
        return Ok(report);
    };
    if current.quiet.is_quiet(at) {
        report.waiting = Some("quiet hours".to_owned());
        return Ok(report);
    }
    if current.survey_name.is_none() {
        report.waiting = Some("its checkpoint has no survey to link to".to_owned());
        return Ok(report);
    }
    report.released = release_held(&write, org, id).await?;
    let people = audience(&write, org, &current).await?;
    report.excluded = people.excluded.len();
    if let Some(step) = due_step(&current.schedule_days, started, at) {
        if sendable.is_empty() {
            report.waiting = Some("no email or SMS is configured (smtp.url, sms.url, public_url)".to_owned());
            return Ok(report);
        }
        let plan = campaigns::plan_step(&write, org, &current, step, &people, sendable).await?;
        for message in &plan.queued {
            enqueue_once(
                &write,
                &SendCampaignMessage {
                    organisation: org,
                    key: message.key.clone(),
                },
                message.key.clone(),
            )
            .await?;
        }
        report.step = Some(step);
        report.queued = plan.queued.len();
        report.already = plan.already;
        report.on_other_stages = plan.on_other_stages;
        report.moved_on = plan.moved_on;
        if !plan.queued.is_empty() {
            write
                .audit_detail(
                    "campaign.step_planned",
                    "campaign",
                    id.0,
                    format!("step {}: {} messages", step + 1, plan.queued.len()),
                )
                .await?;
        }
    }
    if has_run_out(&current.schedule_days, started, at)
        && !campaigns::has_unsent_messages(&write, org, id).await?
    {
        let people: Audience = audience(&write, org, &current).await?;
        report.moved_on += campaigns::move_on_after_last_step(&write, org, &current, &people).await?;
        campaigns::set_status(&write, org, id, CampaignStatus::Finished).await?;
        write.audit("campaign.finished", "campaign", id.0).await?;
        report.finished = true;
    }
    write.commit().await?;
    Ok(report)
}

/// Queues again the send jobs of the campaign's messages held while it was
/// paused (their jobs ended without sending): one job per message key, as
/// before, so a message still has exactly one job.
async fn release_held(
    write: &onward_storage::Write,
    org: OrganisationId,
    id: CampaignId,
) -> Result<usize, OutreachError> {
    let keys = campaigns::held_message_keys(write, org, id, SendCampaignMessage::KIND).await?;
    for key in &keys {
        if !onward_storage::repo::jobs::requeue_done(write, SendCampaignMessage::KIND, key).await? {
            // Its finished job was deleted with the old finished jobs.
            enqueue_once(
                write,
                &SendCampaignMessage {
                    organisation: org,
                    key: key.clone(),
                },
                key.clone(),
            )
            .await?;
        }
    }
    Ok(keys.len())
}

/// The planner job: one pass over every running campaign.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct PlanCampaigns;

impl Job for PlanCampaigns {
    const KIND: &'static str = "campaigns.plan";

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        let sendable = ctx
            .resource::<Senders>()
            .map(Senders::sendable)
            .unwrap_or_default();
        let mut report = JobReport::default();
        for running in campaigns::running_campaigns(ctx.database.conn()).await? {
            match plan_campaign(
                &ctx.database,
                running.organisation,
                running.id,
                &sendable,
                Utc::now(),
            )
            .await
            {
                Ok(plan) => report.line(plan.line()),
                Err(err) => {
                    tracing::warn!(campaign = %running.id, error = %err, "campaign planning failed");
                    report.line(format!("Campaign {}: planning failed: {err}", running.id));
                }
            }
        }
        Ok(report)
    }
}

/// The planner for one campaign, at once: what the campaign page's "Run now"
/// queues (the recurring [`PlanCampaigns`] passes every running campaign
/// every [`PLAN_INTERVAL`]).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct PlanOneCampaign {
    pub organisation: OrganisationId,
    pub campaign: CampaignId,
}

impl Job for PlanOneCampaign {
    const KIND: &'static str = "campaigns.plan_one";

    fn organisation(&self) -> Option<OrganisationId> {
        Some(self.organisation)
    }

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        let sendable = ctx
            .resource::<Senders>()
            .map(Senders::sendable)
            .unwrap_or_default();
        let plan = plan_campaign(
            &ctx.database,
            self.organisation,
            self.campaign,
            &sendable,
            Utc::now(),
        )
        .await?;
        let mut report = JobReport::default();
        report.line(plan.line());
        Ok(report)
    }
}

// --------------------------------------------------------------------- send

/// Sends one planned message (its key names the campaign, learner, step and channel).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SendCampaignMessage {
    pub organisation: OrganisationId,
    pub key: String,
}

impl Job for SendCampaignMessage {
    const KIND: &'static str = "campaigns.send";
    /// With the runner's backoff (30 s doubling) eight attempts span about two hours.
    const MAX_ATTEMPTS: u32 = 8;

    fn organisation(&self) -> Option<OrganisationId> {
        Some(self.organisation)
    }

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        let senders = ctx.resource::<Senders>().cloned().unwrap_or_default();
        let outcome = send_message(&ctx.database, &senders, self.organisation, &self.key).await?;
        let mut report = JobReport::default();
        report.line(format!("{}: {outcome}", self.key));
        match outcome {
            SendOutcome::Retry(reason) => Err(JobError::failed(reason)),
            _ => Ok(report),
        }
    }
}

/// What a send job did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    Sent,
    /// Already settled by an earlier run.
    AlreadyDone,
    Cancelled(String),
    /// Not sent because the campaign is paused: the message stays queued and
    /// its job ends; the planner queues the job again once the campaign runs.
    Held(String),
    Failed(String),
    /// A temporary failure: the job fails and the runner retries it.
    Retry(String),
}

impl std::fmt::Display for SendOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sent => f.write_str("sent"),
            Self::AlreadyDone => f.write_str("already settled"),
            Self::Cancelled(reason) => write!(f, "cancelled: {reason}"),
            Self::Held(reason) => write!(f, "held, not sent: {reason}"),
            Self::Failed(reason) => write!(f, "failed: {reason}"),
            Self::Retry(reason) => write!(f, "not sent, will retry: {reason}"),
        }
    }
}

/// A new link token and the hash stored for it (`onward_storage::link_tokens`).
fn new_token() -> (String, String) {
    let token = onward_storage::link_tokens::new_token();
    let hash = onward_storage::link_tokens::token_hash(&token);
    (token, hash)
}

/// What the claim transaction found out, for the send.
struct Prepared {
    message: ClaimedMessage,
    address: String,
    given_name: String,
    organisation: String,
    language: Language,
    /// The invitation (step 1), a reminder, or the last reminder.
    nudge: Nudge,
    /// The campaign's own email wording in the learner's language, if it has
    /// some (else the standard wording: a learner whose language changed
    /// after the campaign was saved still gets words in their language).
    own_wording: Option<onward_domain::campaign::Wording>,
    link: PersonalLink,
    unsubscribe: PersonalLink,
}

/// Claims, checks, sends and settles the message `key`.
pub async fn send_message(
    database: &Database,
    senders: &Senders,
    org: OrganisationId,
    key: &str,
) -> Result<SendOutcome, OutreachError> {
    let prepared = {
        let write = database.write(Actor::system(org)).await?;
        let Some(message) = campaigns::claim_message(&write, org, key).await? else {
            return Ok(SendOutcome::AlreadyDone);
        };
        let current = campaign(&write, org, message.campaign).await?;
        // Pausing or finishing a campaign stops the sends already queued too,
        // checked here in the claim's transaction: a paused campaign's
        // message goes back to `queued`, unsent, for the planner to release
        // when the campaign runs again; a finished one's is cancelled.
        match current.status {
            CampaignStatus::Paused => {
                campaigns::hold_message(&write, org, &message).await?;
                write.commit().await?;
                return Ok(SendOutcome::Held("the campaign is paused".to_owned()));
            }
            CampaignStatus::Finished => {
                campaigns::settle_message(&write, org, &message, &MessageOutcome::CampaignFinished).await?;
                write.commit().await?;
                return Ok(SendOutcome::Cancelled("the campaign is finished".to_owned()));
            }
            CampaignStatus::Draft | CampaignStatus::Running => {}
        }
        if let Some(reason) = campaigns::reason_not_to_send(&write, org, &message, current.checkpoint).await?
        {
            campaigns::settle_message(&write, org, &message, &MessageOutcome::Cancelled(reason)).await?;
            write.commit().await?;
            return Ok(SendOutcome::Cancelled(reason.describe()));
        }
        match prepare(&write, senders, org, &current, message).await? {
            Ok(prepared) => {
                write.commit().await?;
                prepared
            }
            Err((message, reason)) => {
                // Nothing to send with (settings changed since planning): try later.
                campaigns::settle_message(&write, org, &message, &MessageOutcome::Retry(reason.clone()))
                    .await?;
                write.commit().await?;
                return Ok(SendOutcome::Retry(reason));
            }
        }
    };
    let result = match prepared.message.channel {
        ContactChannel::Email => match &senders.email {
            Some(mailer) => send_email(mailer, &prepared).await,
            None => Err(SendError::Temporary("email is not configured".to_owned())),
        },
        ContactChannel::Sms => match &senders.sms {
            Some(gateway) => send_sms(gateway, &prepared).await,
            None => Err(SendError::Temporary("SMS is not configured".to_owned())),
        },
        other => Err(SendError::Permanent(format!(
            "a campaign does not send by {}",
            other.label()
        ))),
    };
    let (outcome, settled) = match result {
        Ok(provider_id) => (MessageOutcome::Sent { provider_id }, SendOutcome::Sent),
        Err(SendError::Temporary(reason)) => {
            (MessageOutcome::Retry(reason.clone()), SendOutcome::Retry(reason))
        }
        Err(SendError::Permanent(reason)) => (
            MessageOutcome::Failed(reason.clone()),
            SendOutcome::Failed(reason),
        ),
    };
    let write = database.write(Actor::system(org)).await?;
    campaigns::settle_message(&write, org, &prepared.message, &outcome).await?;
    write.commit().await?;
    Ok(settled)
}

type Preparation = Result<Prepared, (ClaimedMessage, String)>;

/// Makes the learner's personal link (a new one per message: only a link's
/// hash is stored, so an earlier link cannot be shown again) and gathers
/// what the message says.
async fn prepare(
    write: &onward_storage::Write,
    senders: &Senders,
    org: OrganisationId,
    current: &Campaign,
    message: ClaimedMessage,
) -> Result<Preparation, OutreachError> {
    let Some(public_url) = senders.public_url.as_deref() else {
        return Ok(Err((
            message,
            "public_url is not set, so no link can be made".to_owned(),
        )));
    };
    let Some(address) = campaigns::message_address(write, org, &message).await? else {
        return Ok(Err((message, "the message has no contact point".to_owned())));
    };
    let survey_name = current
        .survey_name
        .clone()
        .ok_or_else(|| OutreachError::Refused("the campaign's checkpoint has no survey".to_owned()))?;
    let catalogue =
        onward_survey::shipped().map_err(|err| OutreachError::Refused(format!("survey files: {err}")))?;
    let survey = catalogue
        .newest(&survey_name)
        .ok_or_else(|| OutreachError::Refused(format!("there is no survey called \"{survey_name}\"")))?;
    let person = onward_storage::repo::learners::learner(write, org, message.learner).await?;
    let organisation = onward_storage::repo::organisations::organisation(write, org).await?;
    let language = Language::for_learner(person.preferred_language.as_deref(), &organisation.default_locale);
    let survey_language = onward_survey::supported_language(language.code()).unwrap_or("en-GB");
    let (token, hash) = new_token();
    let invitation = create_invitation(
        write,
        org,
        &NewInvitation {
            learner: message.learner,
            survey_name: survey.name.clone(),
            survey_version: survey.version,
            language: survey_language.to_owned(),
            checkpoint: Some(current.checkpoint),
            task: message.task,
            expires_at: Utc::now() + chrono::Duration::days(i64::from(senders.link_days.max(1))),
        },
        &hash,
        None,
    )
    .await?;
    campaigns::attach_invitation(write, org, message.id, invitation).await?;
    let base = public_url.trim_end_matches('/');
    let link = PersonalLink::parse(&format!("{base}/s/{token}")).map_err(OutreachError::Refused)?;
    // The learner's own opt-out page (`/o/<token>`), also the one-click
    // unsubscribe target of the `List-Unsubscribe` header (RFC 8058).
    let opt_out = onward_storage::repo::opt_outs::issue_opt_out_link(write, org, message.learner).await?;
    let unsubscribe =
        PersonalLink::parse(&format!("{base}{}", opt_out.path())).map_err(OutreachError::Refused)?;
    let nudge = Nudge::for_step(message.step, current.schedule_days.len());
    Ok(Ok(Prepared {
        message,
        address,
        given_name: person.given_name,
        organisation: organisation.name,
        language,
        nudge,
        own_wording: current.wording.get(language.code()).cloned(),
        link,
        unsubscribe,
    }))
}

async fn send_email(mailer: &SmtpMailer, prepared: &Prepared) -> Result<Option<String>, SendError> {
    let own = prepared.own_wording.as_ref().map(|wording| OwnWording {
        subject: &wording.subject,
        paragraphs: wording.paragraphs(),
    });
    let invitation = Invitation {
        given_name: &prepared.given_name,
        organisation: &prepared.organisation,
        link: &prepared.link,
    };
    let email = Email {
        to_address: prepared.address.clone(),
        to_name: Some(prepared.given_name.clone()),
        sender: Sender {
            organisation_name: prepared.organisation.clone(),
            reply_to: None,
        },
        content: campaign_email_worded(
            prepared.language,
            prepared.nudge,
            &invitation,
            &prepared.unsubscribe,
            own.as_ref(),
        ),
        unsubscribe: Some(prepared.unsubscribe.clone()),
        key: Some(prepared.message.key.clone()),
    };
    mailer.send(&email).await.map(|sent| Some(sent.message_id))
}

async fn send_sms(gateway: &HttpSmsGateway, prepared: &Prepared) -> Result<Option<String>, SendError> {
    let invitation = Invitation {
        given_name: &prepared.given_name,
        organisation: &prepared.organisation,
        link: &prepared.link,
    };
    let sms = Sms {
        phone_number: prepared.address.clone(),
        body: campaign_sms(prepared.language, prepared.nudge, &invitation),
        reference: Some(prepared.message.key.clone()),
    };
    gateway.send(&sms).await.map(|sent| Some(sent.gateway_id))
}
