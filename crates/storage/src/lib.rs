//! Onward's storage: the only crate that knows SQL.
//!
//! Every repository function takes an [`OrganisationId`] (except the few that
//! resolve who is signing in), so no query can forget the tenant. Functions are
//! generic over [`sea_orm::ConnectionTrait`], so they run the same on a pooled
//! connection and inside a transaction, on SQLite and on PostgreSQL.
//!
//! Every change goes through a [`Write`] (`Database::write`): storage opens the
//! transaction, the change and its audit event are written in it, and they
//! commit together. No transaction type is exported.

mod database;
pub mod entities;
mod error;
pub mod import;
pub mod link_tokens;
mod migrations;
pub mod repo;
pub mod session_store;
mod write;

pub use database::{Backend, Database};
pub use error::StorageError;
pub use import::bulk;
pub use repo::idempotency::Claim;
pub use repo::ids::*;
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr};
pub use write::{Actor, Write};

/// Result type of every storage call.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;
