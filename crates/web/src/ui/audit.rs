//! One way for pages to write the audit trail: who did what to which record,
//! when and from where.

use std::net::SocketAddr;

use onward_storage::repo::audit::{AuditEvent, record_audit_event};

use crate::auth::CurrentUser;
use crate::{AppState, WebError};

/// Records `action` (e.g. `learner.view`) by the signed-in user on a subject.
pub async fn audit(
    state: &AppState,
    user: &CurrentUser,
    peer: SocketAddr,
    action: &'static str,
    subject_type: &'static str,
    subject_id: i64,
) -> Result<(), WebError> {
    record_audit_event(
        state.database.conn(),
        user.organisation_id,
        &AuditEvent {
            user: Some(user.id),
            action,
            subject_type,
            subject_id: Some(subject_id),
            detail: None,
            remote_addr: Some(peer.ip().to_string()),
        },
    )
    .await?;
    Ok(())
}
