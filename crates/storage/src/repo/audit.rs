//! The audit trail: every view of a named record and every change.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, PaginatorTrait, QueryFilter, Set};

use super::now;
use crate::entities::audit_event;
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result, UserId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub user: Option<UserId>,
    /// What happened, e.g. `learner.view`, `learner.update`, `user.sign_in`.
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: Option<i64>,
    pub detail: Option<String>,
    pub remote_addr: Option<String>,
}

pub async fn record_audit_event(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    event: &AuditEvent,
) -> Result<()> {
    audit_event::ActiveModel {
        organisation_id: Set(org.0),
        user_id: Set(event.user.map(|id| id.0)),
        action: Set(event.action.to_owned()),
        subject_type: Set(event.subject_type.to_owned()),
        subject_id: Set(event.subject_id),
        detail: Set(event.detail.clone()),
        remote_addr: Set(event.remote_addr.clone()),
        at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// How many audit events of one action exist for a subject (used by tests and the audit viewer).
pub async fn count_audit_events(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    action: &str,
    subject_id: Option<i64>,
) -> Result<u64> {
    let mut query = audit_event::Entity::find_in(org).filter(audit_event::Column::Action.eq(action));
    if let Some(subject) = subject_id {
        query = query.filter(audit_event::Column::SubjectId.eq(subject));
    }
    Ok(query.count(conn).await?)
}
