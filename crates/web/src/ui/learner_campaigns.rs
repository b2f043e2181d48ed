//! A learner's campaigns, on their record: what each campaign of their
//! cohorts has sent them, and "Send now", which sends the campaign's next
//! message to this one learner at once (`onward_outreach::send_now`).

use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use chrono::Utc;
use onward_domain::campaign::CampaignStatus;
use onward_domain::permissions::Action;
use onward_outreach::{NextMessage, SendNowRefusal};
use onward_storage::repo::campaigns::{self, Campaign};
use onward_storage::{CampaignId, LearnerId};
use serde::Deserialize;

use super::chrome::Chrome;
use super::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/campaigns/{id}/learners/{learner}/send-now", post(send_now))
}

/// One message the learner has been sent (or is due), as the record shows it.
pub struct MessageLine {
    pub step: String,
    pub channel: &'static str,
    pub status: &'static str,
    pub date: String,
}

/// One campaign on the learner's record.
pub struct LearnerCampaign {
    pub id: CampaignId,
    pub title: String,
    pub status: &'static str,
    pub messages: Vec<MessageLine>,
    /// What "Send now" would send ("Step 2 (a reminder) by email to …"), or
    /// why it cannot; `None` for viewers who may not send.
    pub send_now: Option<Result<String, String>>,
}

/// The learner's campaigns, each with what it sent them and, for those who
/// manage campaigns, what "Send now" would do.
pub async fn learner_campaigns(
    staff: &Staff,
    chrome: &Chrome,
    learner: LearnerId,
) -> Result<Vec<LearnerCampaign>, WebError> {
    if !chrome.can(Action::ViewCampaigns.code()) {
        return Ok(Vec::new());
    }
    let conn = staff.conn();
    let org = staff.organisation();
    let can_send = chrome.can(Action::ManageCampaigns.code());
    let sendable = &staff.state.sendable;
    let cohorts = super::campaigns::cohort_names(staff).await?;
    let mut shown = Vec::new();
    for found in campaigns::learner_campaigns(conn, org, learner).await? {
        let (cohort, checkpoint) = super::campaigns::names(staff, &cohorts, &found).await?;
        let messages = campaigns::learner_messages(conn, org, found.id, learner)
            .await?
            .into_iter()
            .map(|message| MessageLine {
                step: step_text(chrome, &found, message.step),
                channel: message.channel.label_key(),
                status: message.status.label_key(),
                date: message
                    .sent_at
                    .map(|at| at.format("%d/%m/%Y %H:%M").to_string())
                    .unwrap_or_default(),
            })
            .collect();
        let send_now = if can_send && found.status == CampaignStatus::Running {
            let next =
                onward_outreach::next_message(conn, org, &found, learner, sendable, Utc::now()).await?;
            Some(match next {
                Ok(next) => Ok(next_text(chrome, &found, &next)),
                Err(refusal) => Err(refusal_text(chrome, &found, refusal)),
            })
        } else {
            None
        };
        shown.push(LearnerCampaign {
            id: found.id,
            title: chrome.tr.t_with(
                "learner-campaign-title",
                &[("checkpoint", &checkpoint), ("cohort", &cohort)],
            ),
            status: found.status.label_key(),
            messages,
            send_now,
        });
    }
    Ok(shown)
}

/// "Step 2 of 5 (day 7)".
fn step_text(chrome: &Chrome, campaign: &Campaign, step: usize) -> String {
    chrome.tr.t_with(
        "learner-campaign-step",
        &[
            ("step", &(step + 1).to_string()),
            ("steps", &campaign.schedule_days.len().to_string()),
            (
                "day",
                &campaign
                    .schedule_days
                    .get(step)
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
            ),
        ],
    )
}

fn next_text(chrome: &Chrome, campaign: &Campaign, next: &NextMessage) -> String {
    chrome.tr.t_with(
        "learner-campaign-next",
        &[
            ("step", &step_text(chrome, campaign, next.step)),
            ("channel", &chrome.tr.t(next.channel.label_key())),
            ("address", next.address.as_deref().unwrap_or("")),
        ],
    )
}

fn refusal_text(chrome: &Chrome, campaign: &Campaign, refusal: SendNowRefusal) -> String {
    let tr = &chrome.tr;
    match refusal {
        SendNowRefusal::NotRunning(status) => {
            tr.t_with("send-now-not-running", &[("status", &tr.t(status.label_key()))])
        }
        SendNowRefusal::NoSurvey => tr.t("send-now-no-survey"),
        SendNowRefusal::QuietHours => tr.t_with(
            "send-now-quiet",
            &[("quiet", &super::campaigns::quiet_text(chrome, &campaign.quiet))],
        ),
        SendNowRefusal::NotInCohort => tr.t("send-now-not-in-cohort"),
        SendNowRefusal::Excluded(reason) => tr.t_with(
            "send-now-excluded",
            &[("reason", &super::campaigns::exclusion_text(chrome, reason))],
        ),
        SendNowRefusal::AlreadyQueued(step) => {
            tr.t_with("send-now-queued", &[("step", &step_text(chrome, campaign, step))])
        }
        SendNowRefusal::AllSent => tr.t("send-now-all-sent"),
        SendNowRefusal::StageNotSent(channel) => {
            tr.t_with("send-now-stage", &[("channel", &tr.t(channel.label_key()))])
        }
        SendNowRefusal::NotConfigured(channel) => tr.t_with(
            "send-now-not-configured",
            &[("channel", &tr.t(channel.label_key()))],
        ),
    }
}

/// The button's form: only the CSRF token.
#[derive(Deserialize, Default)]
struct SendNowForm {}

/// Sends the campaign's next message to the learner now, or goes back to
/// their record saying why not (the record shows the reason in full).
async fn send_now(
    staff: Staff,
    Path((campaign, learner)): Path<(i64, i64)>,
    CsrfForm(_): CsrfForm<SendNowForm>,
) -> Result<Response, WebError> {
    let org = staff.organisation();
    // In the signed-in user's scope (a tutor's own groups), or not found.
    let learner = staff.learner(LearnerId(learner)).await?.id;
    let write = staff.write().await?;
    let found = campaigns::campaign(&write, org, CampaignId(campaign)).await?;
    let outcome = onward_outreach::send_now(&write, org, &found, learner, &staff.state.sendable, Utc::now())
        .await
        .map_err(|err| WebError::Internal(anyhow::anyhow!("{err}")))?;
    let query = match outcome {
        Ok(next) => {
            write.commit().await?;
            format!("sent_now={}&step={}", found.id, next.step + 1)
        }
        Err(_) => format!("send_now_refused={}", found.id),
    };
    Ok(Redirect::to(&format!("/learners/{learner}?{query}#campaigns")).into_response())
}

/// The banner after "Send now", from the record's query.
pub fn banner(
    chrome: &Chrome,
    sent_now: Option<i64>,
    step: Option<u32>,
    refused: Option<i64>,
) -> Option<(bool, String)> {
    match (sent_now, refused) {
        (Some(campaign), _) => Some((
            true,
            chrome.tr.t_with(
                "send-now-done",
                &[
                    ("campaign", &campaign.to_string()),
                    ("step", &step.unwrap_or(1).to_string()),
                ],
            ),
        )),
        (None, Some(campaign)) => Some((
            false,
            chrome
                .tr
                .t_with("send-now-refused", &[("campaign", &campaign.to_string())]),
        )),
        (None, None) => None,
    }
}
