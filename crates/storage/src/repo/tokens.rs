//! Single-use, expiring tokens for invitation and password-reset links. Only a
//! SHA-256 hash of each token is stored, so a database copy cannot be used to
//! take over accounts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::now;
use crate::entities::user_token;
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result, UserId};

/// Stores a new link's token. The user's older unused links of the same
/// purpose are revoked (marked used) first, so only the newest link works.
pub async fn create_user_token(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    user: UserId,
    purpose: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    revoke_user_tokens(conn, org, user, purpose).await?;
    user_token::ActiveModel {
        organisation_id: Set(org.0),
        user_id: Set(user.0),
        token_hash: Set(token_hash.to_owned()),
        purpose: Set(purpose.to_owned()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Revokes (marks used) every unused link of one purpose of a user: a newer
/// link, a password change and a reset each leave no older link working.
pub async fn revoke_user_tokens(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    user: UserId,
    purpose: &str,
) -> Result<u64> {
    let result = user_token::Entity::update_many()
        .col_expr(user_token::Column::UsedAt, Expr::value(Some(now())))
        .filter(user_token::Column::UserId.eq(user.0))
        .filter(user_token::Entity::in_org(org))
        .filter(user_token::Column::Purpose.eq(purpose))
        .filter(user_token::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// The user a valid, unused, unexpired token belongs to, without using it up.
pub async fn peek_user_token(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    purpose: &str,
) -> Result<Option<(OrganisationId, UserId)>> {
    Ok(user_token::Entity::find()
        .filter(user_token::Column::TokenHash.eq(token_hash))
        .filter(user_token::Column::Purpose.eq(purpose))
        .filter(user_token::Column::UsedAt.is_null())
        .filter(user_token::Column::ExpiresAt.gt(now()))
        .one(conn)
        .await?
        .map(|model| (OrganisationId(model.organisation_id), UserId(model.user_id))))
}

/// Marks a token used, atomically: of two concurrent uses only one succeeds.
pub async fn consume_user_token(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    purpose: &str,
) -> Result<Option<(OrganisationId, UserId)>> {
    let Some(owner) = peek_user_token(conn, token_hash, purpose).await? else {
        return Ok(None);
    };
    let stamp = now();
    let result = user_token::Entity::update_many()
        .col_expr(user_token::Column::UsedAt, Expr::value(Some(stamp)))
        .filter(user_token::Column::TokenHash.eq(token_hash))
        .filter(user_token::Column::UsedAt.is_null())
        .filter(user_token::Column::ExpiresAt.gt(stamp))
        .exec(conn)
        .await?;
    Ok((result.rows_affected == 1).then_some(owner))
}
