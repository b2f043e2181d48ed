//! MIS imports: each run with its counts and row-by-row issues, uploaded files
//! waiting for a run, saved column mappings, and learners flagged as probable
//! duplicates for review (never merged silently).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::m20261124_000001_initial::{created_at, index, organisation_ref, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Probable duplicates are found by name and date of birth together.
        manager
            .create_index(index(
                "learners_name_birth",
                "learners",
                &["organisation_id", "search_name", "date_of_birth"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_files")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer_null("user_id"))
                    .col(string_len("file_name", 255))
                    .col(string_len("sha256", 64))
                    .col(big_integer("size"))
                    .col(blob("content"))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("import_files"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_runs")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer_null("user_id"))
                    .col(big_integer_null("import_file_id"))
                    .col(string_len("file_name", 255))
                    .col(string_len_null("sheet", 100))
                    .col(string_len_null("sha256", 64))
                    .col(string_len_null("mapping_name", 100))
                    .col(text("mapping"))
                    .col(string_len("status", 20))
                    .col(boolean("dry_run"))
                    .col(string_len("on_error", 10))
                    .col(big_integer("rows_read"))
                    .col(big_integer_null("rows_total"))
                    .col(text("counts"))
                    .col(big_integer("errors"))
                    .col(big_integer("warnings"))
                    .col(text_null("message"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .foreign_key(&mut organisation_ref("import_runs"))
                    .foreign_key(&mut reference(
                        "import_runs",
                        "import_file_id",
                        "import_files",
                        ForeignKeyAction::SetNull,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "import_runs_by_organisation",
                "import_runs",
                &["organisation_id", "started_at"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_issues")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("import_run_id"))
                    .col(big_integer("row_number"))
                    .col(string_len("column_name", 300))
                    .col(text("value"))
                    .col(text("reason"))
                    .col(string_len("severity", 10))
                    .foreign_key(&mut organisation_ref("import_issues"))
                    .foreign_key(&mut reference(
                        "import_issues",
                        "import_run_id",
                        "import_runs",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                "import_issues_by_run",
                "import_issues",
                &["import_run_id", "row_number"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_mappings")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("name", 100))
                    .col(text("mapping"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut organisation_ref("import_mappings"))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "import_mappings_name",
                    "import_mappings",
                    &["organisation_id", "name"],
                )
                .unique()
                .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("probable_duplicates")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(big_integer("duplicate_of_id"))
                    .col(big_integer_null("import_run_id"))
                    .col(boolean("resolved"))
                    .col(created_at())
                    .foreign_key(&mut organisation_ref("probable_duplicates"))
                    .foreign_key(&mut reference(
                        "probable_duplicates",
                        "learner_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "probable_duplicates",
                        "duplicate_of_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "probable_duplicates_pair",
                    "probable_duplicates",
                    &["organisation_id", "learner_id", "duplicate_of_id"],
                )
                .unique()
                .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("learners_name_birth")
                    .table("learners")
                    .to_owned(),
            )
            .await?;
        for table in [
            "probable_duplicates",
            "import_mappings",
            "import_issues",
            "import_runs",
            "import_files",
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
