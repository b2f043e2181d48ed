//! Import fingerprints: a hash of what the MIS file last said about a learner
//! (their details and contacts) and about each enrolment, written by the
//! import. A re-imported row whose fingerprints match is skipped without
//! reading or writing anything else (issue 13, item 21). NULL means "not known
//! to match": the learner was added or edited by hand, or imported before
//! fingerprints existed, and the next import compares the row in full.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["learners", "enrolments"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(big_integer_null("import_fingerprint"))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("import_fingerprint")
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
