//! The call queue: an idempotency key on contact attempts (a double-submitted
//! call form records one attempt), a learner's "do not contact" and erasure
//! marks (the queue skips such learners), a short claim on a task while one
//! caller has it open (so two callers sharing a queue do not ring the same
//! learner). No new index on `tasks`: the queue's queries use `tasks_due`, and
//! another index would slow the generation of millions of tasks (bench/).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("contact_attempts")
                    .add_column(string_len_null("idempotency_key", 64))
                    .take(),
            )
            .await?;
        // NULLs are distinct on both backends, so attempts without a key never clash.
        manager
            .create_index(
                Index::create()
                    .name("contact_attempts_idempotency_key")
                    .table("contact_attempts")
                    .col("idempotency_key")
                    .unique()
                    .take(),
            )
            .await?;
        for column in ["opted_out_at", "erased_at"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("learners")
                        .add_column(timestamp_with_time_zone_null(column))
                        .take(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .add_column(big_integer_null("claimed_by"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("tasks")
                    .add_column(timestamp_with_time_zone_null("claimed_until"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["claimed_until", "claimed_by"] {
            manager
                .alter_table(Table::alter().table("tasks").drop_column(column).take())
                .await?;
        }
        for column in ["erased_at", "opted_out_at"] {
            manager
                .alter_table(Table::alter().table("learners").drop_column(column).take())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("contact_attempts_idempotency_key")
                    .table("contact_attempts")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("contact_attempts")
                    .drop_column("idempotency_key")
                    .take(),
            )
            .await?;
        Ok(())
    }
}
