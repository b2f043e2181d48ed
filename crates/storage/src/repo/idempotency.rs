//! Idempotency keys: a request that must take effect once (a recorded call, and
//! next the outreach sends) claims its key as the first statement of its unit
//! of work, then does the work (zero-to-production's "claim, then work").

use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::tenant::TenantScoped;
use crate::entities::idempotency_key::{self, Column};
use crate::{OrganisationId, Result};

/// The outcome of claiming an idempotency key at the start of a `Write`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: do the work, then `Write::settle` it with what was made.
    New,
    /// An earlier request with this key already did the work (and committed);
    /// `subject` is what it `Write::settle`d with.
    Done { subject: Option<i64> },
}

pub(crate) async fn claim(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &'static str,
    key: &str,
) -> Result<Claim> {
    let insert = Query::insert()
        .into_table(idempotency_key::Entity)
        .columns([
            Column::OrganisationId,
            Column::Scope,
            Column::Key,
            Column::CreatedAt,
        ])
        .values_panic([
            Expr::val(org.0),
            Expr::val(scope),
            Expr::val(key),
            Expr::val(super::now()),
        ])
        .on_conflict(
            OnConflict::columns([Column::OrganisationId, Column::Scope, Column::Key])
                .do_nothing()
                .to_owned(),
        )
        .to_owned();
    if conn.execute(&insert).await?.rows_affected() == 1 {
        return Ok(Claim::New);
    }
    let subject = idempotency_key::Entity::find_in(org)
        .select_only()
        .column(Column::SubjectId)
        .filter(Column::Scope.eq(scope))
        .filter(Column::Key.eq(key))
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten();
    Ok(Claim::Done { subject })
}

pub(crate) async fn settle(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &'static str,
    key: &str,
    subject: i64,
) -> Result<()> {
    idempotency_key::Entity::update_many()
        .col_expr(Column::SubjectId, Expr::val(subject))
        .filter(idempotency_key::Entity::in_org(org))
        .filter(Column::Scope.eq(scope))
        .filter(Column::Key.eq(key))
        .exec(conn)
        .await?;
    Ok(())
}
