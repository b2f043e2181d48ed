//! Each learner's current destination category, kept on the learner
//! (`learners.current_category`) so that a cohort's counts and lists read one
//! row per learner instead of seeking each learner's latest actual record
//! (issue 13 item 27: the not-known and at-risk lists of a 40,000-learner
//! cohort took over 10 s with that seek in every row of the count, the filter
//! and the sort). `repo::destinations::record_destination`, the one place that
//! writes destination records, sets it in the same transaction; this migration
//! fills it for the records already held.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The same rule as `current_destination` in the domain and the statement
/// `record_destination` runs: the latest actual record by (as of, id).
const BACKFILL: &str = "UPDATE learners SET current_category = (SELECT d.category FROM destination_records d \
     WHERE d.organisation_id = learners.organisation_id AND d.learner_id = learners.id AND d.kind = 'actual' \
     ORDER BY d.as_of DESC, d.id DESC LIMIT 1) \
     WHERE EXISTS (SELECT 1 FROM destination_records d WHERE d.organisation_id = learners.organisation_id \
     AND d.learner_id = learners.id AND d.kind = 'actual')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("learners")
                    .add_column(string_len_null("current_category", 40))
                    .take(),
            )
            .await?;
        manager.get_connection().execute_unprepared(BACKFILL).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("learners")
                    .drop_column("current_category")
                    .take(),
            )
            .await?;
        Ok(())
    }
}
