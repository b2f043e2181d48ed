//! Staff invitations: an administrator invites an email address to a role;
//! the invitation is a row of its own (only the SHA-256 of its link's token
//! kept) until the invitee chooses a password, and only then becomes a user.
//!
//! Email addresses are unique across the installation. Because inviting
//! creates no user, an address that already has an account somewhere is
//! invited exactly as a new one is: the same pending row, the same page, an
//! email either way. Only accepting can fail on it, and only the owner of the
//! address sees that.

use chrono::{DateTime, Utc};
use onward_domain::email::EmailAddress;
use onward_domain::role::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use super::users::{NewUser, create_user, user_by_email};
use super::{decode, now};
use crate::entities::staff_invitation;
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result, StaffInvitationId, StorageError, UserId};

/// What an administrator asks for when inviting someone.
#[derive(Clone, Debug)]
pub struct NewStaffInvitation {
    pub email: EmailAddress,
    pub display_name: String,
    pub role: Role,
    pub invited_by: Option<UserId>,
    /// SHA-256 (hex) of the link's token.
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// An invitation as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffInvitation {
    pub id: StaffInvitationId,
    pub organisation: OrganisationId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

fn from_model(model: staff_invitation::Model) -> Result<StaffInvitation> {
    Ok(StaffInvitation {
        id: StaffInvitationId(model.id),
        organisation: OrganisationId(model.organisation_id),
        role: decode("staff_invitations", "role", &model.role)?,
        email: model.email,
        display_name: model.display_name,
        created_at: model.created_at,
        expires_at: model.expires_at,
    })
}

/// Where an address stands for an organisation that wants to invite it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invitee {
    /// No account has this address: the invitation can be accepted.
    New,
    /// One of this organisation's own users already has it (they are listed
    /// on its users page, so saying so reveals nothing).
    OurUser,
    /// Another organisation's user has it. Never shown to the inviter: the
    /// invitation is made and listed as for a new address, and the email
    /// tells the address's owner instead.
    Elsewhere,
}

/// Whether `email` is free, one of `org`'s users, or another organisation's.
pub async fn invitee(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    email: &EmailAddress,
) -> Result<Invitee> {
    Ok(match user_by_email(conn, email).await? {
        None => Invitee::New,
        Some(user) if user.organisation_id == org => Invitee::OurUser,
        Some(_) => Invitee::Elsewhere,
    })
}

/// Stores an invitation. Older pending invitations of the same address to
/// the same organisation are revoked, so only the newest link works.
pub async fn create_staff_invitation(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewStaffInvitation,
) -> Result<StaffInvitationId> {
    let stamp = now();
    staff_invitation::Entity::update_many()
        .col_expr(staff_invitation::Column::RevokedAt, Expr::value(Some(stamp)))
        .filter(staff_invitation::Entity::in_org(org))
        .filter(staff_invitation::Column::Email.eq(new.email.as_str()))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    let model = staff_invitation::ActiveModel {
        organisation_id: Set(org.0),
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.display_name.clone()),
        role: Set(new.role.code().to_owned()),
        token_hash: Set(new.token_hash.clone()),
        invited_by: Set(new.invited_by.map(|id| id.0)),
        created_at: Set(stamp),
        expires_at: Set(new.expires_at),
        accepted_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(StaffInvitationId(model.id))
}

/// The organisation's invitations still waiting for an answer (neither
/// accepted, revoked nor expired), newest first.
pub async fn pending_staff_invitations(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
) -> Result<Vec<StaffInvitation>> {
    staff_invitation::Entity::find_in(org)
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .filter(staff_invitation::Column::ExpiresAt.gt(now()))
        .order_by_desc(staff_invitation::Column::CreatedAt)
        .order_by_desc(staff_invitation::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// The invitation a link's token opens, while it is pending.
pub async fn peek_staff_invitation(
    conn: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<StaffInvitation>> {
    staff_invitation::Entity::find()
        .filter(staff_invitation::Column::TokenHash.eq(token_hash))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .filter(staff_invitation::Column::ExpiresAt.gt(now()))
        .one(conn)
        .await?
        .map(from_model)
        .transpose()
}

/// What became of an accepted link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// The user was created with the chosen password.
    User(OrganisationId, UserId),
    /// The link is unknown, used, revoked or expired.
    Gone,
    /// The address has had an account since (here or elsewhere): nothing was
    /// created, and the invitation is used up.
    AddressTaken,
}

/// Uses an invitation up and creates its user with `password_hash`, in the
/// caller's unit of work. Of two uses at once only one gets the invitation
/// (a conditional update claims it first).
pub async fn accept_staff_invitation(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    password_hash: &str,
) -> Result<Accepted> {
    let Some(invitation) = peek_staff_invitation(conn, token_hash).await? else {
        return Ok(Accepted::Gone);
    };
    let stamp = now();
    let claimed = staff_invitation::Entity::update_many()
        .col_expr(staff_invitation::Column::AcceptedAt, Expr::value(Some(stamp)))
        .filter(staff_invitation::Column::Id.eq(invitation.id.0))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(Accepted::Gone);
    }
    let email = EmailAddress::parse(&invitation.email).map_err(|err| StorageError::InvalidStoredValue {
        table: "staff_invitations",
        column: "email",
        value: invitation.email.clone(),
        reason: err.to_string(),
    })?;
    // Checked first: on PostgreSQL a refused insert would abort the caller's
    // whole transaction. A race past this check is refused by the unique
    // index and reported the same way (the caller then commits nothing).
    if user_by_email(conn, &email).await?.is_some() {
        return Ok(Accepted::AddressTaken);
    }
    let created = create_user(
        conn,
        invitation.organisation,
        &NewUser {
            email,
            display_name: invitation.display_name.clone(),
            role: invitation.role,
            password_hash: password_hash.to_owned(),
        },
    )
    .await;
    match created {
        Ok(user) => Ok(Accepted::User(invitation.organisation, user.id)),
        Err(StorageError::Duplicate { .. }) => Ok(Accepted::AddressTaken),
        Err(err) => Err(err),
    }
}

/// Withdraws a pending invitation; `false` when it was not pending.
pub async fn revoke_staff_invitation(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: StaffInvitationId,
) -> Result<bool> {
    let result = staff_invitation::Entity::update_many()
        .col_expr(staff_invitation::Column::RevokedAt, Expr::value(Some(now())))
        .filter(staff_invitation::Entity::in_org(org))
        .filter(staff_invitation::Column::Id.eq(id.0))
        .filter(staff_invitation::Column::AcceptedAt.is_null())
        .filter(staff_invitation::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Whether `id` is one of `org`'s invitations, in any state.
pub async fn staff_invitation_exists(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: StaffInvitationId,
) -> Result<bool> {
    let found = staff_invitation::Entity::find()
        .filter(staff_invitation::Entity::in_org(org))
        .filter(staff_invitation::Column::Id.eq(id.0))
        .count(conn)
        .await?;
    Ok(found == 1)
}
