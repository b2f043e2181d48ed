//! The initial schema. Every tenant table carries `organisation_id` and every
//! index that serves a tenant query starts with it, so no lookup scans other
//! organisations' rows.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A NOT NULL reference to `organisations.id`, deleted with its organisation.
pub(super) fn organisation_ref(table: &'static str) -> ForeignKeyCreateStatement {
    reference(
        table,
        "organisation_id",
        "organisations",
        ForeignKeyAction::Cascade,
    )
}

pub(super) fn reference(
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

pub(super) fn index(
    name: &'static str,
    table: &'static str,
    columns: &[&'static str],
) -> IndexCreateStatement {
    let mut statement = Index::create().name(name).table(table).take();
    for column in columns {
        statement.col(*column);
    }
    statement
}

pub(super) fn created_at() -> ColumnDef {
    timestamp_with_time_zone("created_at")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("organisations")
                    .col(big_pk_auto("id"))
                    .col(string_len_uniq("slug", 63))
                    .col(string_len("name", 200))
                    .col(string_len("kind", 20))
                    .col(string_len("country", 2))
                    .col(string_len("default_locale", 10))
                    .col(created_at())
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len_uniq("email", 254))
                    .col(string_len("display_name", 200))
                    .col(string_len("role", 30))
                    .col(string_len("password_hash", 200))
                    .col(boolean("active"))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("users"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "users_by_organisation",
                "users",
                &["organisation_id", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("learners")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len_null("uln", 10))
                    .col(string_len_null("upn", 13))
                    .col(string_len_null("mis_id", 50))
                    .col(string_len("given_name", 100))
                    .col(string_len("family_name", 100))
                    // Lower-cased "family given" for case-insensitive prefix search on both backends.
                    .col(string_len("search_name", 201))
                    .col(date_null("date_of_birth"))
                    .col(string_len_null("sex", 2))
                    .col(string_len_null("ethnicity", 2))
                    .col(string_len_null("lldd", 2))
                    .col(boolean_null("free_school_meals"))
                    .col(boolean_null("care_leaver"))
                    .col(boolean_null("send"))
                    .col(string_len_null("postcode", 10))
                    .col(string_len_null("preferred_language", 10))
                    .col(created_at())
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut organisation_ref("learners"))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index("learners_uln", "learners", &["organisation_id", "uln"])
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index("learners_mis_id", "learners", &["organisation_id", "mis_id"])
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "learners_search_name",
                "learners",
                &["organisation_id", "search_name", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "learners_postcode",
                "learners",
                &["organisation_id", "postcode"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("contact_points")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(string_len("kind", 20))
                    .col(string_len("value", 500))
                    .col(boolean("consent"))
                    .col(boolean("valid"))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("contact_points"))
                    .foreign_key(&mut reference(
                        "contact_points",
                        "learner_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "contact_points_by_learner",
                "contact_points",
                &["organisation_id", "learner_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("programmes")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("title", 200))
                    .col(string_len("programme_type", 30))
                    .col(string_len_null("level", 10))
                    .col(string_len_null("sector_subject_area", 4))
                    .col(string_len("mode", 20))
                    .col(string_len_null("funding_stream", 100))
                    .col(boolean("archived"))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("programmes"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "programmes_by_organisation",
                "programmes",
                &["organisation_id", "title"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("tracking_plans")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("name", 200))
                    .col(text("description"))
                    .col(boolean("archived"))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("tracking_plans"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("checkpoints")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("tracking_plan_id"))
                    .col(integer("position"))
                    .col(string_len("key", 50))
                    .col(string_len("name", 200))
                    .col(string_len("anchor", 20))
                    .col(small_integer_null("fixed_month"))
                    .col(small_integer_null("fixed_day"))
                    .col(integer("offset_days"))
                    // Channel codes in the order they are tried, comma-separated.
                    .col(string_len("channels", 200))
                    .col(string_len("responsible_role", 30))
                    .col(small_integer("max_attempts"))
                    .foreign_key(&mut organisation_ref("checkpoints"))
                    .foreign_key(&mut reference(
                        "checkpoints",
                        "tracking_plan_id",
                        "tracking_plans",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "checkpoints_by_plan",
                    "checkpoints",
                    &["tracking_plan_id", "position"],
                )
                .unique()
                .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("cohorts")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("name", 200))
                    .col(big_integer_null("tracking_plan_id"))
                    .col(date_null("results_day"))
                    .col(boolean("archived"))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("cohorts"))
                    .foreign_key(&mut reference(
                        "cohorts",
                        "tracking_plan_id",
                        "tracking_plans",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index("cohorts_name", "cohorts", &["organisation_id", "name"])
                    .unique()
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("enrolments")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(big_integer("programme_id"))
                    .col(big_integer("cohort_id"))
                    .col(date("start_date"))
                    .col(date("planned_end_date"))
                    .col(date_null("actual_end_date"))
                    .col(string_len("completion_status", 20))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("enrolments"))
                    .foreign_key(&mut reference(
                        "enrolments",
                        "learner_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "enrolments",
                        "programme_id",
                        "programmes",
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut reference(
                        "enrolments",
                        "cohort_id",
                        "cohorts",
                        ForeignKeyAction::Restrict,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "enrolments_by_learner",
                "enrolments",
                &["organisation_id", "learner_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "enrolments_by_cohort",
                "enrolments",
                &["organisation_id", "cohort_id", "learner_id"],
            ))
            .await?;
        manager
            .create_index(index(
                "enrolments_by_programme",
                "enrolments",
                &["organisation_id", "programme_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("destination_records")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(string_len("kind", 20))
                    .col(string_len("category", 40))
                    .col(date("as_of"))
                    .col(date_null("start_date"))
                    .col(date_null("end_date"))
                    .col(string_len_null("institution", 200))
                    .col(string_len_null("employer", 200))
                    .col(string_len_null("job_role", 200))
                    .col(small_integer_null("hours_per_week"))
                    .col(string_len("source", 30))
                    .col(string_len("verification", 30))
                    .col(text_null("notes"))
                    .col(big_integer_null("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut organisation_ref("destination_records"))
                    .foreign_key(&mut reference(
                        "destination_records",
                        "learner_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "destination_records",
                        "recorded_by",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "destination_records_by_learner",
                "destination_records",
                &["organisation_id", "learner_id", "as_of", "id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("tasks")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("enrolment_id"))
                    .col(big_integer("checkpoint_id"))
                    .col(date("due_on"))
                    .col(string_len("status", 20))
                    .col(small_integer("channel_index"))
                    .col(small_integer("attempts"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut organisation_ref("tasks"))
                    .foreign_key(&mut reference(
                        "tasks",
                        "enrolment_id",
                        "enrolments",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "tasks",
                        "checkpoint_id",
                        "checkpoints",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "tasks_once_per_checkpoint",
                    "tasks",
                    &["enrolment_id", "checkpoint_id"],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_index(index(
                "tasks_due",
                "tasks",
                &["organisation_id", "status", "due_on"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("contact_attempts")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(big_integer_null("task_id"))
                    .col(string_len("channel", 20))
                    .col(string_len("direction", 10))
                    .col(string_len("outcome", 20))
                    .col(text_null("notes"))
                    .col(big_integer_null("user_id"))
                    .col(timestamp_with_time_zone("attempted_at"))
                    .foreign_key(&mut organisation_ref("contact_attempts"))
                    .foreign_key(&mut reference(
                        "contact_attempts",
                        "learner_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "contact_attempts",
                        "task_id",
                        "tasks",
                        ForeignKeyAction::SetNull,
                    ))
                    .foreign_key(&mut reference(
                        "contact_attempts",
                        "user_id",
                        "users",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "contact_attempts_by_learner",
                "contact_attempts",
                &["organisation_id", "learner_id", "attempted_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer_null("user_id"))
                    .col(string_len("action", 50))
                    .col(string_len("subject_type", 50))
                    .col(big_integer_null("subject_id"))
                    .col(text_null("detail"))
                    .col(string_len_null("remote_addr", 64))
                    .col(timestamp_with_time_zone("at"))
                    .foreign_key(&mut organisation_ref("audit_events"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "audit_events_by_time",
                "audit_events",
                &["organisation_id", "at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(string_len("id", 64).primary_key())
                    .col(text("data"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("sessions_expiry", "sessions", &["expires_at"]))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "sessions",
            "audit_events",
            "contact_attempts",
            "tasks",
            "destination_records",
            "enrolments",
            "cohorts",
            "checkpoints",
            "tracking_plans",
            "programmes",
            "contact_points",
            "learners",
            "users",
            "organisations",
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
