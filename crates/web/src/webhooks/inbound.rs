//! The inbound webhooks of outreach (issue 15): email bounces and complaints
//! (`POST /webhooks/email/{org}/bounces`, signed with `smtp.webhook_secret`)
//! and SMS replies (`POST /webhooks/sms/{org}/replies`, signed with the SMS
//! gateway's `sms.webhook_secret`). As with delivery receipts, the body's
//! signature is checked before anything is read or written: a missing or
//! wrong one is 401 and nothing is kept.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use onward_domain::phone::PhoneNumber;
use onward_notify::inbound::{BounceKind, BounceReport, MAX_INBOUND_BYTES, SmsReply};
use onward_notify::sms::WebhookSecret;
use onward_storage::Claim;
use onward_storage::repo::bounces::{BounceSource, record_bounce, record_complaint};
use onward_storage::repo::organisations::Organisation;
use onward_storage::repo::sms_replies::{InboundSms, receive_sms_reply};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/email/{org}/bounces", post(email_bounce))
        .route("/webhooks/sms/{org}/replies", post(sms_reply))
}

/// The signature checks of [`super::verified`], then the organisation.
async fn signed(
    state: &AppState,
    secret: Option<&WebhookSecret>,
    org: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Organisation, StatusCode> {
    super::verified(secret, MAX_INBOUND_BYTES, org, headers, body)?;
    super::named_organisation(state, org).await
}

fn unavailable(err: onward_storage::StorageError) -> StatusCode {
    // The service retries on a 5xx: nothing is lost.
    tracing::error!(error = %err, "webhook could not be saved");
    StatusCode::SERVICE_UNAVAILABLE
}

const BOUNCE_KEY: &str = "email_bounce";

/// 204 when handled (or handled before); 401, 404, 400, 413 as [`signed`] and
/// the report's parser say.
async fn email_bounce(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let organisation = match signed(
        &state,
        state.config.email_webhook_secret.as_ref(),
        &org,
        &headers,
        &body,
    )
    .await
    {
        Ok(organisation) => organisation,
        Err(status) => return status,
    };
    let report = match BounceReport::parse(&body) {
        Ok(report) => report,
        Err(problem) => {
            tracing::warn!(%problem, "bounce report refused");
            return StatusCode::BAD_REQUEST;
        }
    };
    let result: Result<(), StatusCode> = async {
        let write = super::service_write(&state, &organisation).await?;
        if let Claim::Done { .. } = write.claim(BOUNCE_KEY, &report.id).await.map_err(unavailable)? {
            return Ok(());
        }
        match report.kind {
            BounceKind::Permanent => {
                let outcome = record_bounce(&write, &report.recipient, BounceSource::Webhook, Utc::now())
                    .await
                    .map_err(unavailable)?;
                tracing::info!(
                    invalidated = outcome.invalidated,
                    learners = outcome.learners.len(),
                    "email bounce"
                );
            }
            BounceKind::Complaint => {
                let opted = record_complaint(&write, &report.recipient)
                    .await
                    .map_err(unavailable)?;
                tracing::info!(opted_out = opted.len(), "email complaint");
            }
            BounceKind::Temporary => {
                tracing::info!("temporary bounce: nothing marked");
            }
        }
        write
            .settle(BOUNCE_KEY, &report.id, 0)
            .await
            .map_err(unavailable)?;
        write.commit().await.map_err(unavailable)
    }
    .await;
    match result {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(status) => status,
    }
}

/// 204 when handled (or handled before); 401, 404, 400, 413 as [`signed`]
/// and the reply's parser say.
async fn sms_reply(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let organisation = match signed(
        &state,
        state.config.sms_webhook_secret.as_ref(),
        &org,
        &headers,
        &body,
    )
    .await
    {
        Ok(organisation) => organisation,
        Err(status) => return status,
    };
    let reply = match SmsReply::parse(&body) {
        Ok(reply) => reply,
        Err(problem) => {
            tracing::warn!(%problem, "SMS reply refused");
            return StatusCode::BAD_REQUEST;
        }
    };
    let sms = InboundSms {
        gateway_id: reply.id,
        from_normalised: PhoneNumber::parse(&reply.from, &organisation.country)
            .ok()
            .map(|number| number.as_str().to_owned()),
        from: reply.from,
        body: reply.body,
    };
    let result: Result<(), StatusCode> = async {
        let write = super::service_write(&state, &organisation).await?;
        let now = Utc::now();
        let outcome = receive_sms_reply(&write, &sms, now.date_naive(), now)
            .await
            .map_err(unavailable)?;
        tracing::info!(?outcome, "SMS reply");
        write.commit().await.map_err(unavailable)
    }
    .await;
    match result {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(status) => status,
    }
}
