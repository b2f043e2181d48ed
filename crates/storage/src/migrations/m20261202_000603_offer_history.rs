//! September Guarantee offers keep the history of their status: one row per
//! status an offer was given (when it was recorded and at each change).

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
                    .table("guarantee_offer_changes")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("offer_id"))
                    .col(string_len("status", 20))
                    .col(big_integer_null("changed_by"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("guarantee_offer_changes", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("guarantee_offer_changes", "offer_id")
                            .to("guarantee_offers", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("guarantee_offer_changes", "changed_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("guarantee_offer_changes_by_offer")
                    .table("guarantee_offer_changes")
                    .col("organisation_id")
                    .col("offer_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("guarantee_offer_changes").to_owned())
            .await
    }
}
