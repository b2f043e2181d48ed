//! Tutor groups: the group a learner is taught in (`learners.tutor_group`,
//! from the MIS import or the learner form) and the groups each tutor is
//! assigned to (`tutor_assignments`). A tutor sees only their groups' learners.

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
                    .table("learners")
                    .add_column(string_len_null("tutor_group", 50))
                    .take(),
            )
            .await?;
        // A tutor's lists start from their groups' learners.
        manager
            .create_index(
                Index::create()
                    .name("learners_by_tutor_group")
                    .table("learners")
                    .col("organisation_id")
                    .col("tutor_group")
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("tutor_assignments")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("user_id"))
                    .col(string_len("tutor_group", 50))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("tutor_assignments", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("tutor_assignments", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("tutor_assignments_unique")
                    .table("tutor_assignments")
                    .col("organisation_id")
                    .col("user_id")
                    .col("tutor_group")
                    .unique()
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("tutor_assignments").to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("learners_by_tutor_group")
                    .table("learners")
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("learners").drop_column("tutor_group").take())
            .await?;
        Ok(())
    }
}
