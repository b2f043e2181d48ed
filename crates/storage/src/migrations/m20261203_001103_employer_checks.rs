//! Employer corroboration: a one-click page (`/e/{token}`) asking an employer
//! whether a destination record is right. Single use, expiring; only the
//! SHA-256 of the token is kept.

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
                    .table("employer_checks")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(big_integer("destination_record_id"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(string_len("employer_email", 254))
                    .col(big_integer_null("requested_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("answered_at"))
                    // `yes`, `no` or `not_sure` once answered.
                    .col(string_len_null("answer", 20))
                    .foreign_key(
                        ForeignKey::create()
                            .from("employer_checks", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("employer_checks", "learner_id")
                            .to("learners", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("employer_checks", "destination_record_id")
                            .to("destination_records", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("employer_checks", "requested_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("employer_checks_by_record")
                    .table("employer_checks")
                    .col("organisation_id")
                    .col("destination_record_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("employer_checks").to_owned())
            .await
    }
}
