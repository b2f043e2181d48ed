//! Uploaded MIS files are kept in 1 MB chunks (`import_file_chunks`), so an
//! upload is written and read a chunk at a time instead of as one value held
//! whole in memory; `import_files.deleted_at` records when a file's content was
//! deleted (after its import, or after the retention period).

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
                    .table("import_file_chunks")
                    .col(big_integer("organisation_id"))
                    .col(big_integer("import_file_id"))
                    .col(integer("seq"))
                    .col(blob("content"))
                    .primary_key(Index::create().col("import_file_id").col("seq"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("import_file_chunks", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("import_file_chunks", "import_file_id")
                            .to("import_files", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("import_files")
                    .add_column(timestamp_with_time_zone_null("deleted_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("import_files")
                    .drop_column("deleted_at")
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table("import_file_chunks").to_owned())
            .await
    }
}
