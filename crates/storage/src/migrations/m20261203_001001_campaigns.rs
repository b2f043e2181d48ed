//! Campaigns (issue 15): a checkpoint's outreach to a cohort, and one row per
//! message it sends (campaign, learner, step, channel) under a unique
//! idempotency key, claimed before the message is sent and settled after.

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
                    .table("campaigns")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("cohort_id"))
                    .col(big_integer("checkpoint_id"))
                    .col(string_len_null("survey_name", 100))
                    // The checkpoint's channels when the campaign was made, e.g. `email,sms,phone`.
                    .col(string_len("channels", 200))
                    // Days after the start each step is sent, e.g. `0,7,14,28,42`.
                    .col(string_len("schedule_days", 200))
                    // Quiet hours in UK local time (start hour inclusive, end hour exclusive).
                    .col(small_integer_null("quiet_from_hour"))
                    .col(small_integer_null("quiet_until_hour"))
                    // Quiet weekdays, e.g. `sat,sun`.
                    .col(string_len("quiet_days", 40))
                    .col(string_len("status", 20))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("started_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("campaigns", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("campaigns", "cohort_id")
                            .to("cohorts", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("campaigns", "checkpoint_id")
                            .to("checkpoints", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("campaigns_by_org")
                    .table("campaigns")
                    .col("organisation_id")
                    .col("status")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("campaign_messages")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("campaign_id"))
                    .col(big_integer("learner_id"))
                    .col(big_integer_null("task_id"))
                    .col(small_integer("step"))
                    .col(string_len("channel", 20))
                    .col(string_len("idempotency_key", 200))
                    .col(string_len("status", 20))
                    .col(string_len_null("reason", 500))
                    .col(integer("attempts"))
                    .col(big_integer_null("contact_point_id"))
                    .col(big_integer_null("invitation_id"))
                    .col(string_len_null("provider_id", 300))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("campaign_messages", "campaign_id")
                            .to("campaigns", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("campaign_messages", "learner_id")
                            .to("learners", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("campaign_messages_once")
                    .table("campaign_messages")
                    .col("idempotency_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("campaign_messages_by_learner")
                    .table("campaign_messages")
                    .col("campaign_id")
                    .col("learner_id")
                    .col("step")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("campaign_messages").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("campaigns").to_owned())
            .await
    }
}
