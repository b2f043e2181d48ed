//! A task closed because a destination record answered it links that record
//! (`tasks.destination_record_id`), whichever route the record came by.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A plain column: SQLite cannot add a foreign key to an existing table,
        // and destination records are never deleted on their own (a learner's
        // deletion takes their tasks and records together).
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .add_column(big_integer_null("destination_record_id"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .drop_column("destination_record_id")
                    .to_owned(),
            )
            .await
    }
}
