//! Idempotency keys claimed as the first write of a unit of work
//! (`Write::claim`), so a repeated submission takes effect once.

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
                    .table("idempotency_keys")
                    .col(big_integer("organisation_id"))
                    .col(string_len("scope", 40))
                    .col(string_len("key", 64))
                    .col(big_integer_null("subject_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("organisation_id").col("scope").col("key"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("idempotency_keys", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("idempotency_keys").to_owned())
            .await
    }
}
