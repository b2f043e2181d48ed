//! Staff users. Email addresses are unique across the whole installation, so
//! signing in needs only an email and a password.

use chrono::{DateTime, Duration, Utc};
use onward_domain::email::EmailAddress;
use onward_domain::role::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{decode, now};
use crate::entities::user;
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{OrganisationId, Result, StorageError, UserId};

#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: EmailAddress,
    pub display_name: String,
    pub role: Role,
    /// A PHC-format password hash (argon2id); storage never sees a password.
    pub password_hash: String,
}

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub organisation_id: OrganisationId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub password_hash: String,
    /// Sign-in is refused until this time after repeated failures.
    pub locked_until: Option<DateTime<Utc>>,
}

// Hand-written so the password hash never reaches a log line.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("organisation_id", &self.organisation_id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

fn from_model(model: user::Model) -> Result<User> {
    Ok(User {
        id: UserId(model.id),
        organisation_id: OrganisationId(model.organisation_id),
        role: decode("users", "role", &model.role)?,
        email: model.email,
        display_name: model.display_name,
        active: model.active,
        password_hash: model.password_hash,
        locked_until: model.locked_until,
    })
}

pub async fn create_user(conn: &impl ConnectionTrait, org: OrganisationId, new: &NewUser) -> Result<User> {
    let model = user::ActiveModel {
        organisation_id: Set(org.0),
        email: Set(new.email.as_str().to_owned()),
        display_name: Set(new.display_name.clone()),
        role: Set(new.role.code().to_owned()),
        password_hash: Set(new.password_hash.clone()),
        active: Set(true),
        created_at: Set(now()),
        failed_sign_ins: Set(0),
        locked_until: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|err| {
        StorageError::from_insert(err, || format!("a user with the email {}", new.email.as_str()))
    })?;
    from_model(model)
}

/// Finds the user signing in, in any organisation.
pub async fn user_by_email(conn: &impl ConnectionTrait, email: &EmailAddress) -> Result<Option<User>> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?
        .map(from_model)
        .transpose()
}

/// Loads the user a session belongs to.
pub async fn user_by_id(conn: &impl ConnectionTrait, id: UserId) -> Result<Option<User>> {
    user::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn list_users(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<User>> {
    user::Entity::find_in(org)
        .order_by_asc(user::Column::Email)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// One of the organisation's users; another organisation's user is "not found".
pub async fn user_in_organisation(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: UserId,
) -> Result<User> {
    find_owned::<user::Entity>(conn, org, id.0, || format!("user {id}"))
        .await
        .and_then(from_model)
}

async fn update_user(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: UserId,
    column: user::Column,
    value: impl Into<sea_orm::Value>,
) -> Result<()> {
    let result = user::Entity::update_many()
        .col_expr(column, Expr::value(value.into()))
        .filter(user::Column::Id.eq(id.0))
        .filter(user::Entity::in_org(org))
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(StorageError::not_found(format!("user {id}")));
    }
    Ok(())
}

pub async fn set_role(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: UserId,
    role: Role,
) -> Result<()> {
    update_user(conn, org, id, user::Column::Role, role.code()).await
}

pub async fn set_active(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: UserId,
    active: bool,
) -> Result<()> {
    update_user(conn, org, id, user::Column::Active, active).await
}

pub async fn set_password_hash(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: UserId,
    hash: &str,
) -> Result<()> {
    update_user(conn, org, id, user::Column::PasswordHash, hash).await?;
    update_user(conn, org, id, user::Column::FailedSignIns, 0).await?;
    update_user(
        conn,
        org,
        id,
        user::Column::LockedUntil,
        Option::<DateTime<Utc>>::None,
    )
    .await
}

/// Counts a failed sign-in; the `limit`-th failure in a row locks the account
/// for `lock_for` and starts the count again.
pub async fn record_failed_sign_in(
    conn: &impl ConnectionTrait,
    id: UserId,
    limit: i32,
    lock_for: Duration,
) -> Result<bool> {
    let Some(model) = user::Entity::find_by_id(id.0).one(conn).await? else {
        return Ok(false);
    };
    let failures = model.failed_sign_ins + 1;
    let locked = failures >= limit;
    let mut active: user::ActiveModel = model.into();
    active.failed_sign_ins = Set(if locked { 0 } else { failures });
    if locked {
        active.locked_until = Set(Some(now() + lock_for));
    }
    active.update(conn).await?;
    Ok(locked)
}

pub async fn record_successful_sign_in(conn: &impl ConnectionTrait, id: UserId) -> Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedSignIns, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(id.0))
        .exec(conn)
        .await?;
    Ok(())
}
