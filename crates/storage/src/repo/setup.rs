//! The first administrator: while no active administrator exists anywhere in
//! the database, `onward serve` prints a one-time setup link (valid for an
//! hour, used once; only the SHA-256 of its token is stored) whose page
//! creates the first organisation, its shipped plans and its administrator.

use chrono::{DateTime, Utc};
use onward_domain::role::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

use super::now;
use super::organisations::{NewOrganisation, Organisation, create_organisation};
use super::users::{NewUser, User, create_user};
use crate::entities::{setup_token, user};
use crate::{Actor, Result, Write};

/// Whether any organisation has an active administrator.
pub async fn has_admin(conn: &impl ConnectionTrait) -> Result<bool> {
    Ok(user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.code()))
        .filter(user::Column::Active.eq(true))
        .count(conn)
        .await?
        > 0)
}

/// Stores a setup token's hash, valid until `expires_at`.
pub async fn create_setup_token(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    setup_token::ActiveModel {
        token_hash: Set(token_hash.to_owned()),
        expires_at: Set(expires_at),
        used_at: Set(None),
        created_at: Set(now()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Whether a setup link can still be used: its token is unused and unexpired,
/// and nobody has become an administrator meanwhile.
pub async fn setup_link_usable(conn: &impl ConnectionTrait, token_hash: &str) -> Result<bool> {
    let unused = setup_token::Entity::find()
        .filter(setup_token::Column::TokenHash.eq(token_hash))
        .filter(setup_token::Column::UsedAt.is_null())
        .filter(setup_token::Column::ExpiresAt.gt(now()))
        .count(conn)
        .await?
        > 0;
    Ok(unused && !has_admin(conn).await?)
}

/// What the setup page asked for.
pub struct FirstAdmin {
    pub organisation: NewOrganisation,
    pub admin: NewUser,
    /// Install the plans shipped for the organisation's kind.
    pub shipped_plans: bool,
}

/// What completing setup made.
pub struct SetUp {
    pub organisation: Organisation,
    pub admin: User,
    pub plans: usize,
}

/// Uses up the setup token and creates the organisation, its shipped plans
/// and its administrator in `write` (opened unattributed: the actor is the
/// new administrator, known once created). `None` when the link is used,
/// expired or an administrator exists. The token is claimed by a conditional
/// update, so of two submissions at once only one sets up.
pub async fn complete_setup(
    write: &mut Write,
    token_hash: &str,
    first: &FirstAdmin,
    remote_addr: Option<String>,
) -> Result<Option<SetUp>> {
    let stamp = now();
    let claimed = setup_token::Entity::update_many()
        .col_expr(setup_token::Column::UsedAt, Expr::value(Some(stamp)))
        .filter(setup_token::Column::TokenHash.eq(token_hash))
        .filter(setup_token::Column::UsedAt.is_null())
        .filter(setup_token::Column::ExpiresAt.gt(stamp))
        .exec(&*write)
        .await?
        .rows_affected;
    if claimed != 1 || has_admin(&*write).await? {
        return Ok(None);
    }
    let organisation = create_organisation(&*write, &first.organisation).await?;
    let plans = if first.shipped_plans {
        super::plans::install_shipped_plans(&*write, organisation.id, organisation.kind)
            .await?
            .len()
    } else {
        0
    };
    let admin = create_user(&*write, organisation.id, &first.admin).await?;
    write.act_for(Actor::person(organisation.id, admin.id, remote_addr));
    write
        .audit_detail(
            "organisation.create",
            "organisation",
            organisation.id.0,
            format!("first setup link, {plans} shipped plans"),
        )
        .await?;
    write
        .audit_detail(
            "user.create",
            "user",
            admin.id.0,
            "first administrator, setup link",
        )
        .await?;
    Ok(Some(SetUp {
        organisation,
        admin,
        plans,
    }))
}
