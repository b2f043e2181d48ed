//! Campaigns (issue 15): a checkpoint's outreach to a cohort, and the record
//! of every message it sends.
//!
//! A campaign sends its steps (`schedule_days` after `started_at`) on the
//! channel each learner's task is on. Every message is one row of
//! `campaign_messages` under a unique idempotency key
//! `campaign:{c}:learner:{l}:step:{s}:{channel}`, written when the step is
//! planned (`queued`), claimed by the job that sends it (`sending`, the
//! transaction's first statement) and settled after the send (`sent`,
//! `failed`, or `cancelled` when the learner answered or opted out first). A
//! learner gets at most one row per step, whatever channel they are on when
//! the planner passes again.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use onward_domain::campaign::{CampaignStatus, CampaignWording, MessageStatus, QuietHours, is_automatic};
use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
use onward_domain::destination::DestinationCategory;
use onward_domain::escalation::{Attempt, TaskProgress};
use onward_domain::tracking::{Checkpoint, TaskStatus};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Set,
};

use super::{decode, now};
use crate::entities::{
    campaign, campaign_message, checkpoint, cohort, contact_point, delivery_receipt, enrolment, learner,
    survey_invitation, task,
};
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{
    CampaignId, CampaignMessageId, CheckpointId, CohortId, ContactPointId, LearnerId, OrganisationId, Result,
    StorageError, SurveyInvitationId, TaskId, UserId,
};

/// A campaign to make: the checkpoint's channels are copied from its plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCampaign {
    pub cohort: CohortId,
    pub checkpoint: CheckpointId,
    /// Days after the start of each step; `DEFAULT_SCHEDULE_DAYS` when unsure.
    pub schedule_days: Vec<u32>,
    pub quiet: QuietHours,
    pub created_by: Option<UserId>,
    /// The campaign's own email wording; empty for the standard wording.
    pub wording: CampaignWording,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    pub id: CampaignId,
    pub organisation: OrganisationId,
    pub cohort: CohortId,
    pub checkpoint: CheckpointId,
    /// The checkpoint's survey, whose personal link the messages carry.
    pub survey_name: Option<String>,
    /// The checkpoint's channels, cheapest first, when the campaign was made.
    pub channels: Vec<ContactChannel>,
    pub schedule_days: Vec<u32>,
    pub quiet: QuietHours,
    pub status: CampaignStatus,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The campaign's own email wording by language; empty for the standard wording.
    pub wording: CampaignWording,
}

fn invalid(table: &'static str, column: &'static str, value: &str, reason: String) -> StorageError {
    StorageError::InvalidStoredValue {
        table,
        column,
        value: value.to_owned(),
        reason,
    }
}

fn from_model(model: campaign::Model) -> Result<Campaign> {
    let channels = model
        .channels
        .split(',')
        .filter(|code| !code.is_empty())
        .map(|code| decode("campaigns", "channels", code))
        .collect::<Result<Vec<ContactChannel>>>()?;
    let schedule_days = onward_domain::campaign::parse_schedule(&model.schedule_days)
        .map_err(|reason| invalid("campaigns", "schedule_days", &model.schedule_days, reason))?;
    let days = QuietHours::parse_days(&model.quiet_days)
        .map_err(|reason| invalid("campaigns", "quiet_days", &model.quiet_days, reason))?;
    let wording = match &model.wording {
        Some(json) => serde_json::from_str::<CampaignWording>(json)
            .map_err(|err| invalid("campaigns", "wording", json, err.to_string()))?,
        None => CampaignWording::new(),
    };
    Ok(Campaign {
        id: CampaignId(model.id),
        organisation: OrganisationId(model.organisation_id),
        cohort: CohortId(model.cohort_id),
        checkpoint: CheckpointId(model.checkpoint_id),
        survey_name: model.survey_name,
        channels,
        schedule_days,
        quiet: QuietHours {
            from_hour: model.quiet_from_hour.and_then(|hour| u8::try_from(hour).ok()),
            until_hour: model.quiet_until_hour.and_then(|hour| u8::try_from(hour).ok()),
            days,
        },
        status: decode("campaigns", "status", &model.status)?,
        created_by: model.created_by.map(UserId),
        created_at: model.created_at,
        updated_at: model.updated_at,
        started_at: model.started_at,
        finished_at: model.finished_at,
        wording,
    })
}

/// A schedule as stored (`0,7,14`), checked as it will be read back.
fn schedule_code(days: &[u32]) -> Result<String> {
    let schedule = days.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    onward_domain::campaign::parse_schedule(&schedule)
        .map_err(|reason| invalid("campaigns", "schedule_days", &schedule, reason))?;
    Ok(schedule)
}

/// A campaign's own wording as stored: JSON by language, or nothing.
fn wording_code(wording: &CampaignWording) -> Result<Option<String>> {
    if wording.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(wording)
        .map(Some)
        .map_err(|err| invalid("campaigns", "wording", "", format!("cannot be written: {err}")))
}

/// Makes a draft campaign for a checkpoint of the cohort's plan.
pub async fn create_campaign(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewCampaign,
) -> Result<CampaignId> {
    let cohort =
        find_owned::<cohort::Entity>(conn, org, new.cohort.0, || format!("cohort {}", new.cohort)).await?;
    let point = find_owned::<checkpoint::Entity>(conn, org, new.checkpoint.0, || {
        format!("checkpoint {}", new.checkpoint)
    })
    .await?;
    if cohort.tracking_plan_id != Some(point.tracking_plan_id) {
        return Err(StorageError::not_found(format!(
            "checkpoint {} in the plan of cohort {}",
            new.checkpoint, new.cohort
        )));
    }
    let schedule = schedule_code(&new.schedule_days)?;
    let stamp = now();
    let model = campaign::ActiveModel {
        organisation_id: Set(org.0),
        cohort_id: Set(new.cohort.0),
        checkpoint_id: Set(new.checkpoint.0),
        survey_name: Set(point.survey.clone()),
        channels: Set(point.channels.clone()),
        schedule_days: Set(schedule),
        quiet_from_hour: Set(new.quiet.from_hour.map(i16::from)),
        quiet_until_hour: Set(new.quiet.until_hour.map(i16::from)),
        quiet_days: Set(new.quiet.days_code()),
        wording: Set(wording_code(&new.wording)?),
        status: Set(CampaignStatus::Draft.code().to_owned()),
        created_by: Set(new.created_by.map(|id| id.0)),
        created_at: Set(stamp),
        updated_at: Set(stamp),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(CampaignId(model.id))
}

pub async fn campaign(conn: &impl ConnectionTrait, org: OrganisationId, id: CampaignId) -> Result<Campaign> {
    from_model(find_owned::<campaign::Entity>(conn, org, id.0, || format!("campaign {id}")).await?)
}

/// The organisation's campaigns, newest first.
pub async fn campaigns(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<Campaign>> {
    campaign::Entity::find_in(org)
        .order_by_desc(campaign::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Every running campaign of every organisation (for the planner).
pub async fn running_campaigns(conn: &impl ConnectionTrait) -> Result<Vec<Campaign>> {
    campaign::Entity::find()
        .filter(campaign::Column::Status.eq(CampaignStatus::Running.code()))
        .order_by_asc(campaign::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Starts (the first start sets `started_at`, from which the steps count),
/// pauses, resumes or finishes a campaign.
pub async fn set_status(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
    status: CampaignStatus,
) -> Result<Campaign> {
    let current = campaign(conn, org, id).await?;
    let stamp = now();
    let mut update = campaign::Entity::update_many()
        .col_expr(campaign::Column::Status, Expr::value(status.code()))
        .col_expr(campaign::Column::UpdatedAt, Expr::value(stamp))
        .filter(campaign::Entity::in_org(org))
        .filter(campaign::Column::Id.eq(id.0));
    if status == CampaignStatus::Running && current.started_at.is_none() {
        update = update.col_expr(campaign::Column::StartedAt, Expr::value(stamp));
    }
    if status == CampaignStatus::Finished {
        update = update.col_expr(campaign::Column::FinishedAt, Expr::value(stamp));
    }
    update.exec(conn).await?;
    campaign(conn, org, id).await
}

/// A draft or paused campaign's schedule, quiet hours and wording, as changed
/// by staff (`onward_domain::campaign::settings_change` says what may be).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignSettings {
    pub schedule_days: Vec<u32>,
    pub quiet: QuietHours,
    pub wording: CampaignWording,
}

/// Saves new settings for a campaign that is still a draft or paused; false
/// (nothing written) when it has been started or finished meanwhile.
pub async fn change_settings(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
    settings: &CampaignSettings,
) -> Result<bool> {
    let changed = campaign::Entity::update_many()
        .col_expr(
            campaign::Column::ScheduleDays,
            Expr::value(schedule_code(&settings.schedule_days)?),
        )
        .col_expr(
            campaign::Column::QuietFromHour,
            Expr::value(settings.quiet.from_hour.map(i16::from)),
        )
        .col_expr(
            campaign::Column::QuietUntilHour,
            Expr::value(settings.quiet.until_hour.map(i16::from)),
        )
        .col_expr(
            campaign::Column::QuietDays,
            Expr::value(settings.quiet.days_code()),
        )
        .col_expr(
            campaign::Column::Wording,
            Expr::value(wording_code(&settings.wording)?),
        )
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now()))
        .filter(campaign::Entity::in_org(org))
        .filter(campaign::Column::Id.eq(id.0))
        .filter(campaign::Column::Status.is_in([CampaignStatus::Draft.code(), CampaignStatus::Paused.code()]))
        .exec(conn)
        .await?;
    Ok(changed.rows_affected == 1)
}

/// How many of the campaign's first steps have a message for some learner
/// (the highest planned step plus one; 0 before anything was planned).
pub async fn planned_steps(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
) -> Result<usize> {
    let highest: Option<Option<i16>> = campaign_message::Entity::find_in(org)
        .select_only()
        .column_as(campaign_message::Column::Step.max(), "highest")
        .filter(campaign_message::Column::CampaignId.eq(id.0))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(highest
        .flatten()
        .map_or(0, |step| usize::try_from(step).unwrap_or(0) + 1))
}

/// Moves a running campaign's start `by` earlier, as if that much time had
/// passed: how the tests and the demo reach the reminders of a schedule in
/// days without waiting for them. Nothing else moves the clock.
pub async fn move_start_back(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
    by: chrono::Duration,
) -> Result<()> {
    let current = campaign(conn, org, id).await?;
    let started = current
        .started_at
        .ok_or_else(|| StorageError::not_found(format!("a start of campaign {id}")))?;
    campaign::Entity::update_many()
        .col_expr(campaign::Column::StartedAt, Expr::value(started - by))
        .filter(campaign::Entity::in_org(org))
        .filter(campaign::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}

// ------------------------------------------------------------------ audience

/// Why a learner of the cohort gets nothing from the campaign, or nothing on
/// one channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exclusion {
    /// The learner asked not to be contacted.
    OptedOut,
    /// The learner's personal data was erased.
    Erased,
    /// The checkpoint is answered: a destination recorded or the survey completed.
    Completed,
    /// The task is closed otherwise (unreachable, opted out of this checkpoint).
    TaskClosed(TaskStatus),
    /// No task for this checkpoint yet (task generation has not reached them,
    /// or the checkpoint has no due date for them).
    NoTask,
    /// Contact points of the channel's kind, but none the learner agreed to
    /// be contacted on: no lawful basis to use it.
    NoConsent(ContactChannel),
    /// No valid contact point of the channel's kind.
    NoContactPoint(ContactChannel),
}

impl Exclusion {
    /// In English, for the CLI and logs.
    pub fn describe(self) -> String {
        match self {
            Self::OptedOut => "opted out of contact".to_owned(),
            Self::Erased => "personal data erased".to_owned(),
            Self::Completed => "already answered (destination recorded or survey completed)".to_owned(),
            Self::TaskClosed(status) => format!("task closed ({})", status.label()),
            Self::NoTask => "no task for this checkpoint yet".to_owned(),
            Self::NoConsent(channel) => format!("no consent to be contacted by {}", channel.label()),
            Self::NoContactPoint(channel) => format!("no usable contact point for {}", channel.label()),
        }
    }
}

/// The lawful basis the campaign relies on for a channel: the consent the
/// learner gave for that contact point (recorded with it).
pub const LAWFUL_BASIS: &str = "consent recorded on the contact point";

/// A learner the campaign reaches, on the channel they are on now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AudienceMember {
    pub learner: LearnerId,
    pub given_name: String,
    pub family_name: String,
    pub preferred_language: Option<String>,
    pub task: TaskId,
    pub progress: TaskProgress,
    /// The stage (index into the checkpoint's channels) the learner is
    /// reached on: the task's own, or a later one when the task's channel
    /// cannot be used (see `passed_over`).
    pub stage: usize,
    pub channel: ContactChannel,
    /// The consented, valid contact point for `channel` (email address or
    /// mobile; none for the phone queue or letters).
    pub contact: Option<(ContactPointId, String)>,
    /// Earlier channels that cannot be used, and why.
    pub passed_over: Vec<(ContactChannel, Exclusion)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub learner: LearnerId,
    pub given_name: String,
    pub family_name: String,
    pub reason: Exclusion,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    pub members: Vec<AudienceMember>,
    pub excluded: Vec<Excluded>,
}

fn point_kind(channel: ContactChannel) -> Option<ContactPointKind> {
    match channel {
        ContactChannel::Email => Some(ContactPointKind::Email),
        ContactChannel::Sms | ContactChannel::Phone => Some(ContactPointKind::Phone),
        ContactChannel::Letter => Some(ContactPointKind::Address),
        _ => None,
    }
}

/// The contact point a channel would use, or why none can be used.
fn usable_point(
    points: &[contact_point::Model],
    channel: ContactChannel,
) -> std::result::Result<Option<(ContactPointId, String)>, Exclusion> {
    let Some(kind) = point_kind(channel) else {
        return Ok(None);
    };
    let of_kind: Vec<_> = points
        .iter()
        .filter(|point| point.kind == kind.code() && point.valid)
        .collect();
    if let Some(point) = of_kind.iter().find(|point| point.consent) {
        return Ok(Some((ContactPointId(point.id), point.value.clone())));
    }
    if !is_automatic(channel) {
        // The call queue and letters check their own contact points.
        return Ok(None);
    }
    if of_kind.is_empty() {
        Err(Exclusion::NoContactPoint(channel))
    } else {
        Err(Exclusion::NoConsent(channel))
    }
}

/// Reads in chunks that stay under both backends' parameter limits.
const CHUNK: usize = 5_000;

/// Who the campaign reaches now and on which channel, and who it leaves out
/// and why: the cohort's enrolled learners with the checkpoint's task still
/// open, not opted out or erased, not having completed the checkpoint's survey.
pub async fn audience(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    campaign: &Campaign,
) -> Result<Audience> {
    audience_of(conn, org, campaign, None).await
}

/// One learner's place in the campaign's audience: reached (and on which
/// channel) or excluded (and why), by the same rules as [`audience`]; `None`
/// when the learner is not enrolled in the campaign's cohort.
pub async fn audience_member(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    campaign: &Campaign,
    learner: LearnerId,
) -> Result<Option<std::result::Result<AudienceMember, Excluded>>> {
    let mut audience = audience_of(conn, org, campaign, Some(learner)).await?;
    Ok(match (audience.members.pop(), audience.excluded.pop()) {
        (Some(member), _) => Some(Ok(member)),
        (None, Some(excluded)) => Some(Err(excluded)),
        (None, None) => None,
    })
}

/// The audience, or the part of it that is `only` this learner.
async fn audience_of(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    campaign: &Campaign,
    only: Option<LearnerId>,
) -> Result<Audience> {
    let point = super::calls::queue_checkpoint(conn, org, campaign.checkpoint).await?;
    let enrolments: Vec<(i64, i64)> = enrolment::Entity::find_in(org)
        .select_only()
        .columns([enrolment::Column::Id, enrolment::Column::LearnerId])
        .filter(enrolment::Column::CohortId.eq(campaign.cohort.0))
        .apply_if(only, |query, learner| {
            query.filter(enrolment::Column::LearnerId.eq(learner.0))
        })
        .order_by_asc(enrolment::Column::LearnerId)
        .into_tuple()
        .all(conn)
        .await?;
    let mut audience = Audience::default();
    let mut seen = HashSet::new();
    for chunk in enrolments.chunks(CHUNK) {
        let enrolment_ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
        let learner_ids: Vec<i64> = chunk.iter().map(|(_, learner)| *learner).collect();
        let tasks: HashMap<i64, task::Model> = task::Entity::find_in(org)
            .filter(task::Column::CheckpointId.eq(campaign.checkpoint.0))
            .filter(task::Column::EnrolmentId.is_in(enrolment_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|model| (model.enrolment_id, model))
            .collect();
        let learners: HashMap<i64, learner::Model> = learner::Entity::find_in(org)
            .filter(learner::Column::Id.is_in(learner_ids.clone()))
            .all(conn)
            .await?
            .into_iter()
            .map(|model| (model.id, model))
            .collect();
        let mut points: HashMap<i64, Vec<contact_point::Model>> = HashMap::new();
        for model in contact_point::Entity::find_in(org)
            .filter(contact_point::Column::LearnerId.is_in(learner_ids.clone()))
            .order_by_asc(contact_point::Column::Id)
            .all(conn)
            .await?
        {
            points.entry(model.learner_id).or_default().push(model);
        }
        let completed: HashSet<i64> =
            completed_learners(conn, org, campaign.checkpoint, &learner_ids).await?;
        for (enrolment_id, learner_id) in chunk {
            // A learner enrolled twice in the cohort is reached once.
            if !seen.insert(*learner_id) {
                continue;
            }
            let Some(person) = learners.get(learner_id) else {
                continue;
            };
            let exclude = |reason| Excluded {
                learner: LearnerId(person.id),
                given_name: person.given_name.clone(),
                family_name: person.family_name.clone(),
                reason,
            };
            if person.erased_at.is_some() {
                audience.excluded.push(exclude(Exclusion::Erased));
                continue;
            }
            if person.opted_out_at.is_some() {
                audience.excluded.push(exclude(Exclusion::OptedOut));
                continue;
            }
            let Some(task_model) = tasks.get(enrolment_id) else {
                audience.excluded.push(exclude(Exclusion::NoTask));
                continue;
            };
            let progress = point.checkpoint.clamp(super::calls::progress_of(task_model)?);
            if progress.status == TaskStatus::Done || completed.contains(learner_id) {
                audience.excluded.push(exclude(Exclusion::Completed));
                continue;
            }
            if !progress.is_open() {
                audience
                    .excluded
                    .push(exclude(Exclusion::TaskClosed(progress.status)));
                continue;
            }
            let no_points = Vec::new();
            let learner_points = points.get(learner_id).unwrap_or(&no_points);
            let mut passed_over = Vec::new();
            let mut reached = None;
            for (stage, channel) in point
                .checkpoint
                .channels
                .iter()
                .enumerate()
                .skip(progress.channel_index)
            {
                match usable_point(learner_points, *channel) {
                    Ok(contact) => {
                        reached = Some((stage, *channel, contact));
                        break;
                    }
                    Err(reason) => passed_over.push((*channel, reason)),
                }
            }
            match reached {
                Some((stage, channel, contact)) => audience.members.push(AudienceMember {
                    learner: LearnerId(person.id),
                    given_name: person.given_name.clone(),
                    family_name: person.family_name.clone(),
                    preferred_language: person.preferred_language.clone(),
                    task: TaskId(task_model.id),
                    progress,
                    stage,
                    channel,
                    contact,
                    passed_over,
                }),
                None => {
                    let reason = passed_over
                        .last()
                        .map_or(Exclusion::NoContactPoint(ContactChannel::Email), |(_, reason)| {
                            *reason
                        });
                    audience.excluded.push(exclude(reason));
                }
            }
        }
    }
    Ok(audience)
}

/// The learners among `learners` who completed a survey for the checkpoint.
async fn completed_learners(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    checkpoint: CheckpointId,
    learners: &[i64],
) -> Result<HashSet<i64>> {
    Ok(survey_invitation::Entity::find_in(org)
        .select_only()
        .column(survey_invitation::Column::LearnerId)
        .filter(survey_invitation::Column::CheckpointId.eq(checkpoint.0))
        .filter(survey_invitation::Column::CompletedAt.is_not_null())
        .filter(survey_invitation::Column::LearnerId.is_in(learners.to_vec()))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

// ------------------------------------------------------------------ planning

/// The idempotency key of one message.
pub fn message_key(campaign: CampaignId, learner: LearnerId, step: usize, channel: ContactChannel) -> String {
    format!(
        "campaign:{campaign}:learner:{learner}:step:{step}:{}",
        channel.code()
    )
}

/// A message the planner queued: the send job's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedMessage {
    pub key: String,
    pub learner: LearnerId,
    pub channel: ContactChannel,
}

/// What one planning pass of a step did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepPlan {
    /// Newly queued messages (to enqueue a send job for each).
    pub queued: Vec<PlannedMessage>,
    /// Learners who already had a message for this step.
    pub already: usize,
    /// Learners on a stage the campaign does not send (a letter, the phone),
    /// or on a channel with no sender configured.
    pub on_other_stages: usize,
    /// Tasks moved on because their channel could not be used.
    pub moved_on: usize,
}

/// Queues step `step` for the members reached on a channel in `sendable`:
/// one `queued` row each, unless the learner already has a row for the step.
/// A member whose task's channel cannot be used is first moved on to the
/// stage they are reached on (the escalation rule, with the channel unusable).
pub async fn plan_step(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    campaign: &Campaign,
    step: usize,
    audience: &Audience,
    sendable: &[ContactChannel],
) -> Result<StepPlan> {
    let point = super::calls::queue_checkpoint(conn, org, campaign.checkpoint).await?;
    let step_code = i16::try_from(step).unwrap_or(i16::MAX);
    let planned: HashSet<i64> = campaign_message::Entity::find_in(org)
        .select_only()
        .column(campaign_message::Column::LearnerId)
        .filter(campaign_message::Column::CampaignId.eq(campaign.id.0))
        .filter(campaign_message::Column::Step.eq(step_code))
        .into_tuple::<i64>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let mut plan = StepPlan::default();
    let stamp = now();
    for member in &audience.members {
        if member.stage != member.progress.channel_index {
            move_to_stage(conn, org, &point.checkpoint, member, stamp).await?;
            plan.moved_on += 1;
        }
        if planned.contains(&member.learner.0) {
            plan.already += 1;
            continue;
        }
        if !is_automatic(member.channel) || !sendable.contains(&member.channel) {
            plan.on_other_stages += 1;
            continue;
        }
        let key = message_key(campaign.id, member.learner, step, member.channel);
        let insert = Query::insert()
            .into_table(campaign_message::Entity)
            .columns([
                campaign_message::Column::OrganisationId,
                campaign_message::Column::CampaignId,
                campaign_message::Column::LearnerId,
                campaign_message::Column::TaskId,
                campaign_message::Column::Step,
                campaign_message::Column::Channel,
                campaign_message::Column::IdempotencyKey,
                campaign_message::Column::Status,
                campaign_message::Column::Attempts,
                campaign_message::Column::ContactPointId,
                campaign_message::Column::CreatedAt,
                campaign_message::Column::UpdatedAt,
            ])
            .values_panic([
                Expr::val(org.0),
                Expr::val(campaign.id.0),
                Expr::val(member.learner.0),
                Expr::val(member.task.0),
                Expr::val(step_code),
                Expr::val(member.channel.code()),
                Expr::val(key.as_str()),
                Expr::val(MessageStatus::Queued.code()),
                Expr::val(0_i32),
                Expr::val(member.contact.as_ref().map(|(id, _)| id.0)),
                Expr::val(stamp),
                Expr::val(stamp),
            ])
            .on_conflict(
                OnConflict::column(campaign_message::Column::IdempotencyKey)
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        if conn.execute(&insert).await?.rows_affected() == 1 {
            plan.queued.push(PlannedMessage {
                key,
                learner: member.learner,
                channel: member.channel,
            });
        } else {
            plan.already += 1;
        }
    }
    Ok(plan)
}

/// Applies the escalation rule with the channel unusable until the task is
/// on the member's stage.
async fn move_to_stage(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    checkpoint: &Checkpoint,
    member: &AudienceMember,
    at: DateTime<Utc>,
) -> Result<TaskProgress> {
    let progress = pass_unanswered(checkpoint, member.progress, |progress| {
        progress.channel_index < member.stage
    });
    store_progress(conn, org, member.task, member.progress, progress, at).await?;
    Ok(progress)
}

/// Moves `progress` on by the escalation rule, as if the channel it stands on
/// went unanswered and cannot be used again, for as long as the task is open
/// and `go_on` holds.
fn pass_unanswered(
    checkpoint: &Checkpoint,
    mut progress: TaskProgress,
    go_on: impl Fn(TaskProgress) -> bool,
) -> TaskProgress {
    while progress.is_open() && go_on(progress) {
        let Some(channel) = checkpoint.current_channel(progress) else {
            break;
        };
        progress = checkpoint.after_attempt(
            progress,
            Attempt {
                channel,
                outcome: ContactOutcome::NoAnswer,
                destination_recorded: false,
                opted_out: false,
                channel_still_usable: false,
            },
        );
    }
    progress
}

/// Writes a task's new progress if it is still where it was read (a call or a
/// completion meanwhile wins). Returns whether it was written.
pub(crate) async fn store_progress(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: TaskId,
    before: TaskProgress,
    after: TaskProgress,
    at: DateTime<Utc>,
) -> Result<bool> {
    if before == after {
        return Ok(false);
    }
    let result = task::Entity::update_many()
        .col_expr(task::Column::Status, Expr::value(after.status.code()))
        .col_expr(
            task::Column::ChannelIndex,
            Expr::value(i16::try_from(after.channel_index).unwrap_or(i16::MAX)),
        )
        .col_expr(task::Column::Attempts, Expr::value(i16::from(after.attempts)))
        .col_expr(task::Column::UpdatedAt, Expr::value(at))
        .filter(task::Entity::in_org(org))
        .filter(task::Column::Id.eq(id.0))
        .filter(task::Column::Status.eq(before.status.code()))
        .filter(task::Column::ChannelIndex.eq(i16::try_from(before.channel_index).unwrap_or(i16::MAX)))
        .filter(task::Column::Attempts.eq(i16::from(before.attempts)))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Whether any of the campaign's messages still waits to be sent.
pub async fn has_unsent_messages(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
) -> Result<bool> {
    Ok(campaign_message::Entity::find_in(org)
        .filter(campaign_message::Column::CampaignId.eq(id.0))
        .filter(
            campaign_message::Column::Status
                .is_in([MessageStatus::Queued.code(), MessageStatus::Sending.code()]),
        )
        .one(conn)
        .await?
        .is_some())
}

/// The campaign's automatic channels have run out (every step sent, no
/// answer): the members still on an email or SMS stage move on, by the
/// escalation rule, to the first stage the campaign does not send (a letter,
/// the phone queue), or become unreachable. Returns how many moved.
pub async fn move_on_after_last_step(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    campaign: &Campaign,
    audience: &Audience,
) -> Result<usize> {
    let point = super::calls::queue_checkpoint(conn, org, campaign.checkpoint).await?;
    let stamp = now();
    let mut moved = 0;
    for member in audience
        .members
        .iter()
        .filter(|member| is_automatic(member.channel))
    {
        let progress = pass_unanswered(&point.checkpoint, member.progress, |progress| {
            point
                .checkpoint
                .current_channel(progress)
                .is_some_and(is_automatic)
        });
        if store_progress(conn, org, member.task, member.progress, progress, stamp).await? {
            moved += 1;
        }
    }
    Ok(moved)
}

// ------------------------------------------------------------------- sending

/// A message its send job has claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedMessage {
    pub id: CampaignMessageId,
    pub campaign: CampaignId,
    pub learner: LearnerId,
    pub task: Option<TaskId>,
    pub step: usize,
    pub channel: ContactChannel,
    pub key: String,
    pub contact_point: Option<ContactPointId>,
    /// This claim's number (1 = first). A second claim means an earlier
    /// attempt stopped between claiming and settling (its worker died), so
    /// the message may have gone: it is sent again with the same
    /// Message-ID / reference, which recipients' systems recognise.
    pub attempt: u32,
}

/// Claims the message `key` for sending: the first statement of the send's
/// unit of work. `None` when it is settled already (sent, failed, cancelled).
pub async fn claim_message(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    key: &str,
) -> Result<Option<ClaimedMessage>> {
    let stamp = now();
    let claimed = campaign_message::Entity::update_many()
        .col_expr(
            campaign_message::Column::Status,
            Expr::value(MessageStatus::Sending.code()),
        )
        .col_expr(
            campaign_message::Column::Attempts,
            Expr::col(campaign_message::Column::Attempts).add(1),
        )
        .col_expr(campaign_message::Column::UpdatedAt, Expr::value(stamp))
        .filter(campaign_message::Entity::in_org(org))
        .filter(campaign_message::Column::IdempotencyKey.eq(key))
        .filter(
            campaign_message::Column::Status
                .is_in([MessageStatus::Queued.code(), MessageStatus::Sending.code()]),
        )
        .exec(conn)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(None);
    }
    let model = campaign_message::Entity::find_in(org)
        .filter(campaign_message::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("campaign message {key}")))?;
    Ok(Some(ClaimedMessage {
        id: CampaignMessageId(model.id),
        campaign: CampaignId(model.campaign_id),
        learner: LearnerId(model.learner_id),
        task: model.task_id.map(TaskId),
        step: usize::try_from(model.step).unwrap_or(0),
        channel: decode("campaign_messages", "channel", &model.channel)?,
        key: model.idempotency_key,
        contact_point: model.contact_point_id.map(ContactPointId),
        attempt: u32::try_from(model.attempts).unwrap_or(u32::MAX),
    }))
}

/// Why a claimed message must not be sent now, if it must not: the learner
/// opted out or was erased, the task was answered or closed, the survey was
/// completed, or the contact point is no longer valid with consent.
pub async fn reason_not_to_send(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    message: &ClaimedMessage,
    checkpoint: CheckpointId,
) -> Result<Option<Exclusion>> {
    let person = find_owned::<learner::Entity>(conn, org, message.learner.0, || {
        format!("learner {}", message.learner)
    })
    .await?;
    if person.erased_at.is_some() {
        return Ok(Some(Exclusion::Erased));
    }
    if person.opted_out_at.is_some() {
        return Ok(Some(Exclusion::OptedOut));
    }
    if !completed_learners(conn, org, checkpoint, &[message.learner.0])
        .await?
        .is_empty()
    {
        return Ok(Some(Exclusion::Completed));
    }
    if let Some(id) = message.task {
        let model = find_owned::<task::Entity>(conn, org, id.0, || format!("task {id}")).await?;
        let progress = super::calls::progress_of(&model)?;
        if progress.status == TaskStatus::Done {
            return Ok(Some(Exclusion::Completed));
        }
        if !progress.is_open() {
            return Ok(Some(Exclusion::TaskClosed(progress.status)));
        }
    }
    if let Some(id) = message.contact_point {
        let point =
            find_owned::<contact_point::Entity>(conn, org, id.0, || format!("contact point {id}")).await?;
        if !point.valid {
            return Ok(Some(Exclusion::NoContactPoint(message.channel)));
        }
        if !point.consent {
            return Ok(Some(Exclusion::NoConsent(message.channel)));
        }
    }
    Ok(None)
}

/// The contact point a claimed message goes to.
pub async fn message_address(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    message: &ClaimedMessage,
) -> Result<Option<String>> {
    let Some(id) = message.contact_point else {
        return Ok(None);
    };
    Ok(Some(
        find_owned::<contact_point::Entity>(conn, org, id.0, || format!("contact point {id}"))
            .await?
            .value,
    ))
}

/// Notes the personal link a claimed message carries.
pub async fn attach_invitation(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    message: CampaignMessageId,
    invitation: SurveyInvitationId,
) -> Result<()> {
    campaign_message::Entity::update_many()
        .col_expr(campaign_message::Column::InvitationId, Expr::value(invitation.0))
        .filter(campaign_message::Entity::in_org(org))
        .filter(campaign_message::Column::Id.eq(message.0))
        .exec(conn)
        .await?;
    Ok(())
}

/// How a claimed message ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageOutcome {
    /// The server took it; its id for the message, if it gave one.
    Sent { provider_id: Option<String> },
    /// Not sent, and never will be: the learner answered, opted out, …
    Cancelled(Exclusion),
    /// Refused for good (a bad address): the contact point is marked invalid.
    Failed(String),
    /// Not sent, and never will be: the campaign was finished first.
    CampaignFinished,
    /// Not sent this time (the server was down); queued again for the retry.
    Retry(String),
}

fn settle_update(
    id: CampaignMessageId,
    org: OrganisationId,
    status: MessageStatus,
    reason: Option<String>,
    at: DateTime<Utc>,
) -> sea_orm::UpdateMany<campaign_message::Entity> {
    campaign_message::Entity::update_many()
        .col_expr(campaign_message::Column::Status, Expr::value(status.code()))
        .col_expr(
            campaign_message::Column::Reason,
            Expr::value(reason.map(|text| text.chars().take(500).collect::<String>())),
        )
        .col_expr(campaign_message::Column::UpdatedAt, Expr::value(at))
        .filter(campaign_message::Entity::in_org(org))
        .filter(campaign_message::Column::Id.eq(id.0))
        .filter(campaign_message::Column::Status.eq(MessageStatus::Sending.code()))
}

/// Records how a claimed message ended, with what follows from it: a sent
/// message is a contact attempt on the task (the escalation rule may move
/// the task to its next channel, ending in the call queue); a permanent
/// failure marks the contact point invalid and moves the task on when the
/// channel has no other usable point.
pub async fn settle_message(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    message: &ClaimedMessage,
    outcome: &MessageOutcome,
) -> Result<()> {
    let at = now();
    match outcome {
        MessageOutcome::Sent { provider_id } => {
            settle_update(message.id, org, MessageStatus::Sent, None, at)
                .col_expr(campaign_message::Column::SentAt, Expr::value(at))
                .col_expr(
                    campaign_message::Column::ProviderId,
                    Expr::value(provider_id.clone()),
                )
                .exec(conn)
                .await?;
            record_attempt(conn, org, message, ContactOutcome::Sent, true, at).await?;
        }
        MessageOutcome::Cancelled(reason) => {
            settle_update(
                message.id,
                org,
                MessageStatus::Cancelled,
                Some(reason.describe()),
                at,
            )
            .exec(conn)
            .await?;
        }
        MessageOutcome::Failed(reason) => {
            settle_update(message.id, org, MessageStatus::Failed, Some(reason.clone()), at)
                .exec(conn)
                .await?;
            if let Some(point) = message.contact_point {
                contact_point::Entity::update_many()
                    .col_expr(contact_point::Column::Valid, Expr::value(false))
                    .filter(contact_point::Entity::in_org(org))
                    .filter(contact_point::Column::Id.eq(point.0))
                    .exec(conn)
                    .await?;
            }
            let points: Vec<contact_point::Model> = contact_point::Entity::find_in(org)
                .filter(contact_point::Column::LearnerId.eq(message.learner.0))
                .all(conn)
                .await?;
            let still_usable = matches!(usable_point(&points, message.channel), Ok(Some(_)));
            record_attempt(conn, org, message, ContactOutcome::Bounced, still_usable, at).await?;
        }
        MessageOutcome::CampaignFinished => {
            settle_update(
                message.id,
                org,
                MessageStatus::Cancelled,
                Some("the campaign was finished before it was sent".to_owned()),
                at,
            )
            .exec(conn)
            .await?;
        }
        MessageOutcome::Retry(reason) => {
            settle_update(message.id, org, MessageStatus::Queued, Some(reason.clone()), at)
                .exec(conn)
                .await?;
        }
    }
    Ok(())
}

/// Puts a claimed message back, unsent and uncounted, because its campaign
/// is paused: it stays `queued` (with the reason) for
/// [`held_message_keys`] to find when the campaign runs again.
pub async fn hold_message(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    message: &ClaimedMessage,
) -> Result<()> {
    settle_update(
        message.id,
        org,
        MessageStatus::Queued,
        Some(HELD_REASON.to_owned()),
        now(),
    )
    // The claim counted an attempt that sent nothing.
    .col_expr(
        campaign_message::Column::Attempts,
        Expr::col(campaign_message::Column::Attempts).sub(1),
    )
    .exec(conn)
    .await?;
    Ok(())
}

/// The reason a held message carries while its campaign is paused.
pub const HELD_REASON: &str = "held: the campaign is paused";

/// The keys of the campaign's `queued` messages that no send job of kind
/// `send_kind` is waiting for (queued or running) or gave up on (dead): the
/// messages held back while the campaign was paused, whose job ended `done`
/// (or was since deleted with the finished jobs). The planner hands each to
/// `repo::jobs::requeue_done` when the campaign runs again.
pub async fn held_message_keys(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
    send_kind: &str,
) -> Result<Vec<String>> {
    use crate::entities::job;
    use crate::repo::jobs::JobStatus;
    let waiting = Query::select()
        .column(job::Column::IdempotencyKey)
        .from(job::Entity)
        .and_where(job::Column::Kind.eq(send_kind))
        .and_where(job::Column::IdempotencyKey.is_not_null())
        .and_where(job::Column::Status.is_in([
            JobStatus::Queued.code(),
            JobStatus::Running.code(),
            JobStatus::Dead.code(),
        ]))
        .to_owned();
    Ok(campaign_message::Entity::find_in(org)
        .select_only()
        .column(campaign_message::Column::IdempotencyKey)
        .filter(campaign_message::Column::CampaignId.eq(id.0))
        .filter(campaign_message::Column::Status.eq(MessageStatus::Queued.code()))
        .filter(campaign_message::Column::IdempotencyKey.not_in_subquery(waiting))
        .order_by_asc(campaign_message::Column::Id)
        .into_tuple::<String>()
        .all(conn)
        .await?)
}

/// The contact attempt a settled message is, and the task's escalation.
async fn record_attempt(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    message: &ClaimedMessage,
    outcome: ContactOutcome,
    channel_still_usable: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    super::contacts::record_contact_attempt(
        conn,
        org,
        &super::contacts::NewContactAttempt {
            learner: message.learner,
            task: message.task,
            channel: message.channel,
            direction: ContactDirection::Outbound,
            outcome,
            notes: Some(format!(
                "Campaign {}, step {}",
                message.campaign,
                message.step + 1
            )),
            user: None,
            attempted_at: at,
        },
    )
    .await?;
    let Some(id) = message.task else {
        return Ok(());
    };
    let model = find_owned::<task::Entity>(conn, org, id.0, || format!("task {id}")).await?;
    let point = super::calls::queue_checkpoint(conn, org, CheckpointId(model.checkpoint_id)).await?;
    let before = super::calls::progress_of(&model)?;
    let after = point.checkpoint.after_attempt(
        before,
        Attempt {
            channel: message.channel,
            outcome,
            destination_recorded: false,
            opted_out: false,
            channel_still_usable,
        },
    );
    store_progress(conn, org, id, before, after, at).await?;
    Ok(())
}

// ------------------------------------------------------------------ progress

/// A campaign's progress, for its page and `onward campaign list`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
    pub cancelled: u64,
    pub skipped: u64,
    /// Delivery receipts saying `delivered` for the campaign's messages.
    pub delivered: u64,
    /// Messages bounced (failed permanently, or a receipt saying so).
    pub bounced: u64,
    /// Learners who opened a link the campaign sent.
    pub opened_link: u64,
    pub started: u64,
    pub completed: u64,
    /// Learners of the cohort who opted out of contact.
    pub opted_out: u64,
    /// Learners of the cohort whose current destination is known, per hundred.
    pub knowledge_rate: u64,
    pub cohort_size: u64,
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

pub async fn progress(conn: &impl ConnectionTrait, org: OrganisationId, id: CampaignId) -> Result<Progress> {
    let current = campaign(conn, org, id).await?;
    let mut progress = Progress::default();
    let by_status: Vec<(String, i64)> = campaign_message::Entity::find_in(org)
        .select_only()
        .column(campaign_message::Column::Status)
        .column_as(campaign_message::Column::Id.count(), "n")
        .filter(campaign_message::Column::CampaignId.eq(id.0))
        .group_by(campaign_message::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    for (status, n) in by_status {
        let n = count(n);
        match decode::<MessageStatus>("campaign_messages", "status", &status)? {
            MessageStatus::Queued | MessageStatus::Sending => progress.queued += n,
            MessageStatus::Sent => progress.sent += n,
            MessageStatus::Failed => progress.failed += n,
            MessageStatus::Cancelled => progress.cancelled += n,
            MessageStatus::Skipped => progress.skipped += n,
        }
    }
    let receipts: Vec<String> = delivery_receipt::Entity::find_in(org)
        .select_only()
        .column(delivery_receipt::Column::Status)
        .filter(
            delivery_receipt::Column::Reference.in_subquery(
                Query::select()
                    .column(campaign_message::Column::IdempotencyKey)
                    .from(campaign_message::Entity)
                    .and_where(campaign_message::Column::OrganisationId.eq(org.0))
                    .and_where(campaign_message::Column::CampaignId.eq(id.0))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(conn)
        .await?;
    progress.delivered = receipts.iter().filter(|status| *status == "delivered").count() as u64;
    progress.bounced = progress.failed
        + receipts
            .iter()
            .filter(|status| *status == "permanent-failure")
            .count() as u64;
    let links: Vec<(i64, i64, i64)> = survey_invitation::Entity::find_in(org)
        .select_only()
        .column_as(
            Expr::col(survey_invitation::Column::LearnerId).count_distinct(),
            "opened",
        )
        .column_as(survey_invitation::Column::StartedAt.count(), "started")
        .column_as(survey_invitation::Column::CompletedAt.count(), "completed")
        .filter(
            survey_invitation::Column::Id.in_subquery(
                Query::select()
                    .column(campaign_message::Column::InvitationId)
                    .from(campaign_message::Entity)
                    .and_where(campaign_message::Column::OrganisationId.eq(org.0))
                    .and_where(campaign_message::Column::CampaignId.eq(id.0))
                    .and_where(campaign_message::Column::InvitationId.is_not_null())
                    .to_owned(),
            ),
        )
        .filter(survey_invitation::Column::StartedAt.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;
    if let Some((opened, started, _)) = links.first() {
        progress.opened_link = count(*opened);
        progress.started = count(*started);
    }
    let cohort_learners = cohort_learners(org, current.cohort);
    let learners: Vec<(Option<String>, Option<DateTime<Utc>>)> = learner::Entity::find_in(org)
        .select_only()
        .columns([learner::Column::CurrentCategory, learner::Column::OptedOutAt])
        .filter(learner::Column::Id.in_subquery(cohort_learners.clone()))
        .into_tuple()
        .all(conn)
        .await?;
    progress.cohort_size = learners.len() as u64;
    progress.opted_out = learners.iter().filter(|(_, opted)| opted.is_some()).count() as u64;
    let known = learners
        .iter()
        .filter(|(category, _)| {
            category
                .as_deref()
                .is_some_and(|code| code != DestinationCategory::NotKnown.code())
        })
        .count() as u64;
    progress.knowledge_rate = (known * 100).checked_div(progress.cohort_size).unwrap_or(0);
    progress.completed = count(
        survey_invitation::Entity::find_in(org)
            .select_only()
            .column_as(
                Expr::col(survey_invitation::Column::LearnerId).count_distinct(),
                "n",
            )
            .filter(survey_invitation::Column::CheckpointId.eq(current.checkpoint.0))
            .filter(survey_invitation::Column::CompletedAt.is_not_null())
            .filter(survey_invitation::Column::LearnerId.in_subquery(cohort_learners))
            .into_tuple::<i64>()
            .one(conn)
            .await?
            .unwrap_or(0),
    );
    Ok(progress)
}

/// One message as stored (for tests and the campaign page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: CampaignMessageId,
    pub learner: LearnerId,
    pub step: usize,
    pub channel: ContactChannel,
    pub key: String,
    pub status: MessageStatus,
    pub reason: Option<String>,
    pub attempts: u32,
    pub sent_at: Option<DateTime<Utc>>,
    pub invitation: Option<SurveyInvitationId>,
}

fn stored_message(model: campaign_message::Model) -> Result<StoredMessage> {
    Ok(StoredMessage {
        id: CampaignMessageId(model.id),
        learner: LearnerId(model.learner_id),
        step: usize::try_from(model.step).unwrap_or(0),
        channel: decode("campaign_messages", "channel", &model.channel)?,
        status: decode("campaign_messages", "status", &model.status)?,
        key: model.idempotency_key,
        reason: model.reason,
        attempts: u32::try_from(model.attempts).unwrap_or(0),
        sent_at: model.sent_at,
        invitation: model.invitation_id.map(SurveyInvitationId),
    })
}

/// The campaign's messages in the order they were planned.
pub async fn messages(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
) -> Result<Vec<StoredMessage>> {
    campaign_message::Entity::find_in(org)
        .filter(campaign_message::Column::CampaignId.eq(id.0))
        .order_by_asc(campaign_message::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(stored_message)
        .collect()
}

/// The campaign's messages to one learner, by step.
pub async fn learner_messages(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
    learner: LearnerId,
) -> Result<Vec<StoredMessage>> {
    campaign_message::Entity::find_in(org)
        .filter(campaign_message::Column::CampaignId.eq(id.0))
        .filter(campaign_message::Column::LearnerId.eq(learner.0))
        .order_by_asc(campaign_message::Column::Step)
        .order_by_asc(campaign_message::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(stored_message)
        .collect()
}

/// The preferred languages of the cohort's learners (as recorded, `None`
/// for no preference), with how many learners have each: what decides which
/// languages a campaign's own wording must be in.
pub async fn cohort_languages(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    cohort: CohortId,
) -> Result<Vec<(Option<String>, u64)>> {
    let counts: Vec<(Option<String>, i64)> = learner::Entity::find_in(org)
        .select_only()
        .column(learner::Column::PreferredLanguage)
        .column_as(learner::Column::Id.count(), "learners")
        .filter(learner::Column::Id.in_subquery(cohort_learners(org, cohort)))
        .group_by(learner::Column::PreferredLanguage)
        .order_by_asc(learner::Column::PreferredLanguage)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(counts
        .into_iter()
        .map(|(language, learners)| (language, count(learners)))
        .collect())
}

/// The ids of the learners enrolled in `cohort` (a learner enrolled twice
/// appears twice), as a subquery.
fn cohort_learners(org: OrganisationId, cohort: CohortId) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(enrolment::Column::LearnerId)
        .from(enrolment::Entity)
        .and_where(enrolment::Column::OrganisationId.eq(org.0))
        .and_where(enrolment::Column::CohortId.eq(cohort.0))
        .to_owned()
}

/// The campaigns, other than drafts, of the cohorts the learner is enrolled
/// in, newest first (for the learner's record).
pub async fn learner_campaigns(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<Campaign>> {
    // The learner's cohorts from the cohort lists' rows, by their key
    // (learner, cohort) alone: with the organisation in the condition too,
    // SQLite without statistics scanned the organisation's range of an index
    // led by it instead. The campaigns below are the organisation's only.
    let cohorts: Vec<i64> = conn
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            conn.get_database_backend(),
            "SELECT cohort_id FROM cohort_members WHERE learner_id = $1",
            [learner.0.into()],
        ))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<std::result::Result<_, _>>()?;
    if cohorts.is_empty() {
        return Ok(Vec::new());
    }
    campaign::Entity::find_in(org)
        .filter(campaign::Column::CohortId.is_in(cohorts))
        .filter(campaign::Column::Status.ne(CampaignStatus::Draft.code()))
        .order_by_desc(campaign::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// A campaign's messages per step, by status (for the campaign page's table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepCounts {
    /// 0-based.
    pub step: usize,
    pub queued: u64,
    pub sent: u64,
    pub failed: u64,
    pub cancelled: u64,
    pub skipped: u64,
}

/// The campaign's messages counted per step and status, steps in order.
pub async fn step_counts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
) -> Result<Vec<StepCounts>> {
    let rows: Vec<(i16, String, i64)> = campaign_message::Entity::find_in(org)
        .select_only()
        .column(campaign_message::Column::Step)
        .column(campaign_message::Column::Status)
        .column_as(campaign_message::Column::Id.count(), "n")
        .filter(campaign_message::Column::CampaignId.eq(id.0))
        .group_by(campaign_message::Column::Step)
        .group_by(campaign_message::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let mut steps: std::collections::BTreeMap<usize, StepCounts> = std::collections::BTreeMap::new();
    for (step, status, n) in rows {
        let step = usize::try_from(step).unwrap_or(0);
        let entry = steps.entry(step).or_insert_with(|| StepCounts {
            step,
            ..StepCounts::default()
        });
        let n = count(n);
        match decode::<MessageStatus>("campaign_messages", "status", &status)? {
            MessageStatus::Queued | MessageStatus::Sending => entry.queued += n,
            MessageStatus::Sent => entry.sent += n,
            MessageStatus::Failed => entry.failed += n,
            MessageStatus::Cancelled => entry.cancelled += n,
            MessageStatus::Skipped => entry.skipped += n,
        }
    }
    Ok(steps.into_values().collect())
}

/// Learners of the campaign's cohort who completed the checkpoint's survey,
/// by the day (UTC) they completed it, oldest first: the campaign page's
/// responses over time.
pub async fn completions_by_day(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CampaignId,
) -> Result<Vec<(chrono::NaiveDate, u64)>> {
    let current = campaign(conn, org, id).await?;
    let cohort_learners = cohort_learners(org, current.cohort);
    let rows: Vec<(i64, Option<DateTime<Utc>>)> = survey_invitation::Entity::find_in(org)
        .select_only()
        .column(survey_invitation::Column::LearnerId)
        .column(survey_invitation::Column::CompletedAt)
        .filter(survey_invitation::Column::CheckpointId.eq(current.checkpoint.0))
        .filter(survey_invitation::Column::CompletedAt.is_not_null())
        .filter(survey_invitation::Column::LearnerId.in_subquery(cohort_learners))
        .into_tuple()
        .all(conn)
        .await?;
    // A learner who completed twice counts once, on the first day.
    let mut first: HashMap<i64, DateTime<Utc>> = HashMap::new();
    for (learner_id, at) in rows {
        if let Some(at) = at {
            first
                .entry(learner_id)
                .and_modify(|seen| *seen = Ord::min(*seen, at))
                .or_insert(at);
        }
    }
    let mut days: std::collections::BTreeMap<chrono::NaiveDate, u64> = std::collections::BTreeMap::new();
    for at in first.into_values() {
        *days.entry(at.date_naive()).or_default() += 1;
    }
    Ok(days.into_iter().collect())
}
