//! Delivery receipts posted back by the SMS gateway (and, later, bounces from
//! the mail server): one row per message and status, so a receipt the gateway
//! sends twice is kept once.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("delivery_receipts")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("channel", 20))
                    .col(string_len("gateway_id", 100))
                    .col(string_len_null("reference", 200))
                    .col(string_len("status", 30))
                    .col(timestamp_with_time_zone("received_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("delivery_receipts", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("delivery_receipts_once")
                    .table("delivery_receipts")
                    .col("organisation_id")
                    .col("channel")
                    .col("gateway_id")
                    .col("status")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("delivery_receipts").to_owned())
            .await
    }
}
