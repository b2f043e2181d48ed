//! Intentions, September Guarantee offers, at-risk flags and referrals.
//!
//! An intention is not a table of its own kind of destination: it *is* an
//! intended destination record (so the destination history, crosswalks and
//! reports see it like any other) plus the stage it was recorded at and the
//! learner's aspiration in their own words, kept here one-to-one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn reference(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .take()
}

fn organisation_ref(table: &'static str) -> ForeignKeyCreateStatement {
    reference(
        table,
        "organisation_id",
        "organisations",
        ForeignKeyAction::Cascade,
    )
}

fn learner_ref(table: &'static str) -> ForeignKeyCreateStatement {
    reference(table, "learner_id", "learners", ForeignKeyAction::Cascade)
}

fn index(name: &'static str, table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create().name(name).table(table).take();
    for column in columns {
        statement.col(*column);
    }
    statement
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("intentions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(big_integer_uniq("destination_record_id"))
                    .col(string_len("stage", 20))
                    .col(text_null("aspiration"))
                    .foreign_key(&mut organisation_ref("intentions"))
                    .foreign_key(&mut learner_ref("intentions"))
                    .foreign_key(&mut reference(
                        "intentions",
                        "destination_record_id",
                        "destination_records",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "intentions_by_learner",
                "intentions",
                &["organisation_id", "learner_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("guarantee_offers")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(string_len("provider", 200))
                    .col(string_len_null("course", 200))
                    .col(string_len("status", 20))
                    .col(big_integer_null("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut organisation_ref("guarantee_offers"))
                    .foreign_key(&mut learner_ref("guarantee_offers"))
                    .foreign_key(&mut reference(
                        "guarantee_offers",
                        "recorded_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "guarantee_offers_by_learner",
                "guarantee_offers",
                &["organisation_id", "learner_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("support_flags")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(text("reason"))
                    .col(big_integer_null("raised_by"))
                    .col(timestamp_with_time_zone("raised_at"))
                    .col(big_integer_null("cleared_by"))
                    .col(timestamp_with_time_zone_null("cleared_at"))
                    .col(text_null("cleared_note"))
                    .foreign_key(&mut organisation_ref("support_flags"))
                    .foreign_key(&mut learner_ref("support_flags"))
                    .foreign_key(&mut reference(
                        "support_flags",
                        "raised_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut reference(
                        "support_flags",
                        "cleared_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "support_flags_by_learner",
                "support_flags",
                &["organisation_id", "learner_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("referrals")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(string_len("referral_type", 30))
                    .col(big_integer_null("owner_id"))
                    .col(date("follow_up_on"))
                    .col(text_null("notes"))
                    .col(big_integer_null("opened_by"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(string_len_null("outcome", 20))
                    .col(text_null("outcome_note"))
                    .col(big_integer_null("closed_by"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .foreign_key(&mut organisation_ref("referrals"))
                    .foreign_key(&mut learner_ref("referrals"))
                    .foreign_key(&mut reference(
                        "referrals",
                        "owner_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut reference(
                        "referrals",
                        "opened_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut reference(
                        "referrals",
                        "closed_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "referrals_by_learner",
                "referrals",
                &["organisation_id", "learner_id"],
            ))
            .await?;
        // My work: an owner's open referrals, oldest follow-up first.
        manager
            .create_index(index(
                "referrals_by_owner",
                "referrals",
                &["organisation_id", "owner_id", "closed_at", "follow_up_on"],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["referrals", "support_flags", "guarantee_offers", "intentions"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
