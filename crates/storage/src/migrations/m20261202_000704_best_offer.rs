//! Each learner's most advanced September Guarantee offer, kept on the
//! learner (`learners.best_offer`, an offer status code; NULL when they have
//! no offer that counts), so that a cohort's Guarantee counts and its
//! no-offer list read one row per learner instead of searching each
//! learner's offers (issue 13 item 27: the Guarantee page of a 40,000-learner
//! cohort took 390 ms p95 with that search in both). `repo::guarantee`, the
//! one writer of offers, keeps it in the same transaction; this migration
//! fills it for the offers already held.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The same rule as `best_offer` in the domain and the statement
/// `repo::guarantee` runs: the offer of highest rank among those that count.
const BACKFILL: &str = "UPDATE learners SET best_offer = (SELECT o.status FROM guarantee_offers o \
     WHERE o.organisation_id = learners.organisation_id AND o.learner_id = learners.id \
     AND o.status IN ('applied', 'offered', 'accepted') \
     ORDER BY CASE o.status WHEN 'accepted' THEN 3 WHEN 'offered' THEN 2 ELSE 1 END DESC LIMIT 1) \
     WHERE EXISTS (SELECT 1 FROM guarantee_offers o WHERE o.organisation_id = learners.organisation_id \
     AND o.learner_id = learners.id)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("learners")
                    .add_column(string_len_null("best_offer", 20))
                    .take(),
            )
            .await?;
        manager.get_connection().execute_unprepared(BACKFILL).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("learners").drop_column("best_offer").take())
            .await?;
        Ok(())
    }
}
