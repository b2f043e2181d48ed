//! Staff users. Email addresses are unique across the whole installation, so
//! signing in needs only an email and a password.

use onward_domain::email::EmailAddress;
use onward_domain::role::Role;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{decode, now};
use crate::entities::user;
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
    user::Entity::find()
        .filter(user::Column::OrganisationId.eq(org.0))
        .order_by_asc(user::Column::Email)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}
