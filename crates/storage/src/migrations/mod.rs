//! Schema migrations. They run unchanged on SQLite and PostgreSQL, at every start.

use sea_orm_migration::prelude::*;

mod m20261124_000001_initial;
mod m20261124_000002_search_and_sign_in;
mod m20261124_000003_imports;
mod m20261126_000011_call_queue;
mod m20261126_000012_support;
mod m20261202_000013_idempotency_keys;
mod m20261202_000013_jobs;
mod m20261202_000301_session_generation;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_initial::Migration),
            Box::new(m20261124_000002_search_and_sign_in::Migration),
            Box::new(m20261124_000003_imports::Migration),
            Box::new(m20261126_000012_support::Migration),
            Box::new(m20261126_000011_call_queue::Migration),
            Box::new(m20261202_000013_idempotency_keys::Migration),
            Box::new(m20261202_000013_jobs::Migration),
            Box::new(m20261202_000301_session_generation::Migration),
        ]
    }
}
