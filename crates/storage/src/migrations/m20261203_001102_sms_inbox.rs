//! Inbound SMS that could not be read as an answer (or came from a number no
//! learner has): the staff SMS inbox. Replies that are understood are not kept
//! here; they become destination records and contact attempts.

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
                    .table("sms_inbox")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer_null("learner_id"))
                    .col(string_len("gateway_id", 100))
                    .col(string_len("from_number", 40))
                    .col(string_len("body", 1600))
                    // `unknown_number` or `unparsed`.
                    .col(string_len("reason", 30))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(timestamp_with_time_zone_null("handled_at"))
                    .col(big_integer_null("handled_by"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("sms_inbox", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("sms_inbox", "learner_id")
                            .to("learners", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("sms_inbox", "handled_by")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sms_inbox_by_state")
                    .table("sms_inbox")
                    .col("organisation_id")
                    .col("handled_at")
                    .col("id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("sms_inbox").to_owned())
            .await
    }
}
