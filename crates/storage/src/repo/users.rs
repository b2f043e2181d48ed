//! Staff users. Email addresses are unique across the whole installation, so
//! signing in needs only an email and a password.

use chrono::{DateTime, Duration, Utc};
use onward_domain::email::EmailAddress;
use onward_domain::role::Role;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
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
    /// Sessions signed in under an older generation are ended: a password
    /// change or reset moves the user on to the next one.
    pub session_generation: i32,
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
        session_generation: model.session_generation,
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
        session_generation: Set(0),
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

/// Sets a new password hash, clears the failure count and any lock, and moves
/// the user to the next session generation (ending every session signed in
/// before), in one statement. Returns the new generation, which the session
/// that made the change (if any) takes on to stay signed in.
pub async fn set_password_hash(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: UserId,
    hash: &str,
) -> Result<i32> {
    let update = Query::update()
        .table(user::Entity)
        .value(user::Column::PasswordHash, hash)
        .value(user::Column::FailedSignIns, 0)
        .value(user::Column::LockedUntil, Option::<DateTime<Utc>>::None)
        .value(
            user::Column::SessionGeneration,
            Expr::col(user::Column::SessionGeneration).add(1),
        )
        .and_where(user::Column::Id.eq(id.0))
        .cond_where(user::Entity::in_org(org))
        .returning_col(user::Column::SessionGeneration)
        .to_owned();
    let row = conn
        .query_one(&update)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("user {id}")))?;
    Ok(row.try_get::<i32>("", "session_generation")?)
}

/// What counting a failed sign-in did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailedSignIn {
    /// One more failure in a row, below the limit.
    Counted,
    /// This failure reached the limit: the account is locked from now.
    LockedNow,
    /// The account was already locked; nothing was counted.
    AlreadyLocked,
}

/// Counts a failed sign-in (or a wrong current password) atomically: one
/// `UPDATE ... SET failed_sign_ins = failed_sign_ins + 1 ... RETURNING`, so
/// concurrent failures each count. The `limit`-th failure in a row locks the
/// account for `lock_for` and starts the count again; while it is locked,
/// failures are not counted (the lock does not grow).
pub async fn record_failed_sign_in(
    conn: &impl ConnectionTrait,
    id: UserId,
    limit: i32,
    lock_for: Duration,
) -> Result<FailedSignIn> {
    let at = now();
    let reaches_limit = Expr::col(user::Column::FailedSignIns).add(1).gte(limit);
    let update = Query::update()
        .table(user::Entity)
        .value(
            user::Column::FailedSignIns,
            Expr::case(reaches_limit.clone(), 0).finally(Expr::col(user::Column::FailedSignIns).add(1)),
        )
        .value(
            user::Column::LockedUntil,
            Expr::case(reaches_limit, Expr::val(Some(at + lock_for)))
                .finally(Expr::col(user::Column::LockedUntil)),
        )
        .and_where(user::Column::Id.eq(id.0))
        .cond_where(not_locked(at))
        .returning_col(user::Column::FailedSignIns)
        .to_owned();
    Ok(match conn.query_one(&update).await? {
        None => FailedSignIn::AlreadyLocked,
        Some(row) if row.try_get::<i32>("", "failed_sign_ins")? == 0 => FailedSignIn::LockedNow,
        Some(_) => FailedSignIn::Counted,
    })
}

/// The account is not locked at `at`.
fn not_locked(at: DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::any()
        .add(user::Column::LockedUntil.is_null())
        .add(user::Column::LockedUntil.lte(at))
}

/// Records a correct password: clears the failure count, but only if the
/// account is not locked at this moment (checked in the same statement, so a
/// lock set by concurrent failures while the password was being verified
/// still holds). Returns false when the account is locked.
pub async fn record_successful_sign_in(conn: &impl ConnectionTrait, id: UserId) -> Result<bool> {
    let result = user::Entity::update_many()
        .col_expr(user::Column::FailedSignIns, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(id.0))
        .filter(not_locked(now()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
