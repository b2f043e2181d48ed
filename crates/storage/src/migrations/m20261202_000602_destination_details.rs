//! Destinations by hand: sector, course and level on a destination record, the
//! record a correction supersedes, and the log of verification upgrades with
//! their evidence notes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        for column in [
            string_len_null("sector", 40),
            string_len_null("course", 200),
            string_len_null("level", 20),
            big_integer_null("corrects_id"),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("destination_records")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table("destination_verifications")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("destination_record_id"))
                    .col(string_len("from_verification", 30))
                    .col(string_len("to_verification", 30))
                    .col(text("evidence"))
                    .col(big_integer_null("verified_by"))
                    .col(timestamp_with_time_zone("verified_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("destination_verifications", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("destination_verifications", "destination_record_id")
                            .to("destination_records", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("destination_verifications", "verified_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("destination_verifications_by_record")
                    .table("destination_verifications")
                    .col("organisation_id")
                    .col("destination_record_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("destination_verifications").to_owned())
            .await?;
        for column in ["sector", "course", "level", "corrects_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("destination_records")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
