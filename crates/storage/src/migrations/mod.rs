//! Schema migrations. They run unchanged on SQLite and PostgreSQL, at every start.

use sea_orm_migration::prelude::*;

mod m20261124_000001_initial;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261124_000001_initial::Migration)]
    }
}
