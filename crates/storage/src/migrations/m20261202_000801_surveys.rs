//! Learner surveys: personal links (only the SHA-256 of each token is kept),
//! answers saved page by page, contact details the learner proposes (staff
//! accept or reject them), alumni opt-ins and stories, consent and opt-out
//! choices; the survey a checkpoint sends; and the survey and version a
//! destination record came from.

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

fn index(name: &'static str, table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut statement = Index::create().name(name).table(table).take();
    for column in columns {
        statement.col(*column);
    }
    statement
}

/// A table owned by an organisation and about one learner, with an optional invitation.
fn learner_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(big_pk_auto("id"))
        .col(big_integer("organisation_id"))
        .col(big_integer("learner_id"))
        .col(big_integer_null("invitation_id"))
        .foreign_key(&mut reference(
            name,
            "organisation_id",
            "organisations",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut reference(
            name,
            "learner_id",
            "learners",
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut reference(
            name,
            "invitation_id",
            "survey_invitations",
            ForeignKeyAction::SetNull,
        ))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("survey_invitations")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(string_len_uniq("token_hash", 64))
                    .col(string_len("survey_name", 80))
                    .col(integer("survey_version"))
                    .col(string_len("language", 10))
                    .col(big_integer_null("checkpoint_id"))
                    .col(big_integer_null("task_id"))
                    .col(big_integer_null("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone_null("started_at"))
                    .col(timestamp_with_time_zone_null("completed_at"))
                    .col(big_integer_null("destination_record_id"))
                    .foreign_key(&mut reference(
                        "survey_invitations",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "survey_invitations",
                        "learner_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "survey_invitations",
                        "checkpoint_id",
                        "checkpoints",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut reference(
                        "survey_invitations",
                        "task_id",
                        "tasks",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut reference(
                        "survey_invitations",
                        "created_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut reference(
                        "survey_invitations",
                        "destination_record_id",
                        "destination_records",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "survey_invitations_by_learner",
                "survey_invitations",
                &["organisation_id", "learner_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "survey_invitations_by_checkpoint",
                "survey_invitations",
                &["organisation_id", "checkpoint_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("survey_answers")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("invitation_id"))
                    .col(string_len("page_id", 80))
                    .col(text("answers"))
                    .col(timestamp_with_time_zone("saved_at"))
                    .foreign_key(&mut reference(
                        "survey_answers",
                        "organisation_id",
                        "organisations",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "survey_answers",
                        "invitation_id",
                        "survey_invitations",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "survey_answers_by_page",
                    "survey_answers",
                    &["invitation_id", "page_id"],
                )
                .unique()
                .take(),
            )
            .await?;

        let mut changes = learner_table("survey_contact_changes");
        changes
            .col(string_len("kind", 20))
            .col(text("value"))
            .col(timestamp_with_time_zone("proposed_at"))
            .col(string_len_null("decision", 20))
            .col(big_integer_null("decided_by"))
            .col(timestamp_with_time_zone_null("decided_at"))
            .foreign_key(&mut reference(
                "survey_contact_changes",
                "decided_by",
                "users",
                ForeignKeyAction::SetNull,
            ));
        manager.create_table(changes).await?;
        manager
            .create_index(index(
                "survey_contact_changes_by_learner",
                "survey_contact_changes",
                &["organisation_id", "learner_id"],
            ))
            .await?;

        let mut alumni = learner_table("survey_alumni");
        alumni
            .col(boolean_null("opt_in"))
            .col(text_null("story"))
            .col(boolean_null("publish"))
            .col(timestamp_with_time_zone("recorded_at"));
        manager.create_table(alumni).await?;
        manager
            .create_index(index(
                "survey_alumni_by_learner",
                "survey_alumni",
                &["organisation_id", "learner_id"],
            ))
            .await?;

        let mut consents = learner_table("survey_consents");
        consents
            .col(string_len("kind", 20))
            .col(boolean("given"))
            .col(timestamp_with_time_zone("recorded_at"));
        manager.create_table(consents).await?;
        manager
            .create_index(index(
                "survey_consents_by_learner",
                "survey_consents",
                &["organisation_id", "learner_id"],
            ))
            .await?;

        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table("checkpoints")
                    .add_column(string_len_null("survey", 80))
                    .to_owned(),
            )
            .await?;
        for column in [string_len_null("survey_name", 80), integer_null("survey_version")] {
            manager
                .alter_table(
                    Table::alter()
                        .table("destination_records")
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["survey_name", "survey_version"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("destination_records")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("checkpoints")
                    .drop_column("survey")
                    .to_owned(),
            )
            .await?;
        for table in [
            "survey_consents",
            "survey_alumni",
            "survey_contact_changes",
            "survey_answers",
            "survey_invitations",
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
