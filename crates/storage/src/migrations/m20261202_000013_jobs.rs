//! The durable job queue (`onward-jobs`): one row per piece of background work.
//! `(kind, idempotency_key)` is unique, so a job enqueued with a key is enqueued
//! once however many instances or retries ask (NULL keys never clash on either
//! backend). `jobs_due` serves the claim query: the next queued job by `run_at`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261124_000001_initial::organisation_ref;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("jobs")
                    .col(big_pk_auto("id"))
                    .col(string_len("kind", 100))
                    .col(text("payload"))
                    .col(big_integer_null("organisation_id"))
                    .col(string_len_null("idempotency_key", 200))
                    .col(string_len("status", 20))
                    .col(integer("attempts"))
                    .col(integer("max_attempts"))
                    .col(timestamp_with_time_zone("run_at"))
                    .col(string_len_null("locked_by", 100))
                    .col(timestamp_with_time_zone_null("locked_until"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .foreign_key(&mut organisation_ref("jobs"))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_kind_idempotency_key")
                    .table("jobs")
                    .col("kind")
                    .col("idempotency_key")
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_due")
                    .table("jobs")
                    .col("status")
                    .col("run_at")
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("jobs").take()).await
    }
}
