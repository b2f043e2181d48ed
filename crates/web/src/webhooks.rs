//! Webhooks the services Onward sends through call back: SMS delivery
//! receipts (`POST /webhooks/sms/{org}/receipts`). No session and no CSRF
//! token: the body's HMAC signature (`onward_notify::sms`) is the
//! credential, checked before anything is read or written.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use onward_domain::contact::ContactChannel;
use onward_notify::sms::{DeliveryReceipt, MAX_RECEIPT_BYTES, SIGNATURE_HEADER, WebhookSecret};
use onward_storage::repo::organisations::{Organisation, organisation_by_slug};
use onward_storage::repo::receipts::{NewDeliveryReceipt, record_delivery_receipt};
use onward_storage::{Actor, Write};

use crate::AppState;

mod inbound;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks/sms/{org}/receipts", post(sms_receipt))
        .merge(inbound::router())
}

/// 204 when kept (or kept before); 401 for a missing or wrong signature,
/// 404 when receipts are off or the organisation is unknown, 400 for a body
/// that is not a receipt, 413 past the size limit.
/// The checks every signed webhook makes before reading its body: a secret is
/// set (else 404), the size (413), the signature (401).
fn verified(
    secret: Option<&WebhookSecret>,
    max_bytes: usize,
    org: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), StatusCode> {
    let Some(secret) = secret else {
        return Err(StatusCode::NOT_FOUND);
    };
    if body.len() > max_bytes {
        return Err(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    if !secret.verifies(body, signature) {
        tracing::warn!(org = %org.chars().take(50).collect::<String>(), "webhook refused: bad signature");
        return Err(StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

/// The organisation a webhook's path names (404 when there is none).
async fn named_organisation(state: &AppState, org: &str) -> Result<Organisation, StatusCode> {
    match organisation_by_slug(state.database.conn(), org).await {
        Ok(Some(organisation)) => Ok(organisation),
        Ok(None) => Err(StatusCode::NOT_FOUND),
        Err(err) => {
            tracing::error!(error = %err, "webhook: organisation lookup failed");
            Err(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// A unit of work done by the service that called, not by a person.
async fn service_write(state: &AppState, organisation: &Organisation) -> Result<Write, StatusCode> {
    state
        .database
        .write(Actor {
            organisation: organisation.id,
            user: None,
            remote_addr: None,
        })
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "webhook: could not start a unit of work");
            StatusCode::SERVICE_UNAVAILABLE
        })
}

async fn sms_receipt(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if let Err(status) = verified(
        state.config.sms_webhook_secret.as_ref(),
        MAX_RECEIPT_BYTES,
        &org,
        &headers,
        &body,
    ) {
        return status;
    }
    let receipt = match DeliveryReceipt::parse(&body) {
        Ok(receipt) => receipt,
        Err(problem) => {
            tracing::warn!(%problem, "SMS receipt refused");
            return StatusCode::BAD_REQUEST;
        }
    };
    let organisation = match named_organisation(&state, &org).await {
        Ok(organisation) => organisation,
        Err(status) => return status,
    };
    let write = match service_write(&state, &organisation).await {
        Ok(write) => write,
        Err(status) => return status,
    };
    let new = NewDeliveryReceipt {
        channel: ContactChannel::Sms,
        gateway_id: receipt.id,
        reference: receipt.reference,
        status: receipt.status.code().to_owned(),
    };
    let saved = match record_delivery_receipt(&write, organisation.id, &new).await {
        Ok(_) => write.commit().await,
        Err(err) => Err(err),
    };
    match saved {
        Ok(()) => StatusCode::NO_CONTENT,
        Err(err) => {
            // The gateway retries on a 5xx: nothing is lost.
            tracing::error!(error = %err, "SMS receipt could not be saved");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
