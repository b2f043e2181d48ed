//! Onward's storage: the only crate that knows SQL.
//!
//! Every repository function takes an [`OrganisationId`] (except the few that
//! resolve who is signing in), so no query can forget the tenant. Functions are
//! generic over [`sea_orm::ConnectionTrait`], so they run the same on a pooled
//! connection and inside a transaction, on SQLite and on PostgreSQL.

mod database;
pub mod entities;
mod error;
pub mod import;
mod migrations;
pub mod repo;
pub mod session_store;

pub use database::{Backend, Database};
pub use error::StorageError;
pub use import::bulk;
pub use repo::ids::*;
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

/// Starts a transaction that will write. On SQLite it takes the write lock at
/// `BEGIN` (IMMEDIATE), waiting for it under the busy timeout: a deferred
/// transaction that read first could not later write once another connection
/// had committed (SQLITE_BUSY_SNAPSHOT), which concurrent web requests cause.
pub async fn begin_write(conn: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    conn.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Result type of every storage call.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;
