//! What a cohort's lists filter and sort by, kept in one narrow row per learner
//! per cohort (`cohort_members`), so that a cohort's counts and lists are one
//! range of one index (issue 13 item 27: a 40,000-learner cohort's at-risk and
//! September Guarantee pages took 330–810 ms p95 reading each learner's row by
//! primary key from the cohort's enrolments, and probing their flags and
//! enrolments, in every count and list).
//!
//! A row holds the learner's sort name, current destination category
//! (`learners.current_category`), best offer (`learners.best_offer`), whether
//! they have an open support flag, and the latest start, planned end and
//! leaving date of their enrolments in the cohort (a learner with two
//! programmes in one cohort has one row). `cohort_members_by_name` holds every
//! column after the cohort's key, in list order, so both databases answer a
//! list from the index alone. `repo::cohort_members::keep_cohort_members`
//! rewrites a learner's rows in the transaction of every change to what they
//! are made of; this migration fills them for the data already held.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DbBackend;

use super::m20261124_000001_initial::{index, organisation_ref, reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The same rows `keep_cohort_members` writes, for every learner of every
/// organisation.
const BACKFILL: &str = "INSERT INTO cohort_members (organisation_id, cohort_id, learner_id, search_name, \
     current_category, best_offer, flagged, last_start, last_planned_end, last_leaving) \
     SELECT e.organisation_id, e.cohort_id, e.learner_id, l.search_name, l.current_category, l.best_offer, \
     EXISTS (SELECT 1 FROM support_flags f WHERE f.organisation_id = l.organisation_id \
     AND f.learner_id = l.id AND f.cleared_at IS NULL), \
     MAX(e.start_date), MAX(e.planned_end_date), MAX(COALESCE(e.actual_end_date, e.planned_end_date)) \
     FROM enrolments e JOIN learners l ON l.id = e.learner_id AND l.organisation_id = e.organisation_id \
     GROUP BY e.organisation_id, e.cohort_id, e.learner_id, l.organisation_id, l.id, l.search_name, \
     l.current_category, l.best_offer";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("cohort_members")
                    .col(big_integer("organisation_id"))
                    .col(big_integer("learner_id"))
                    .col(big_integer("cohort_id"))
                    .col(string_len("search_name", 201))
                    .col(string_len_null("current_category", 40))
                    .col(string_len_null("best_offer", 20))
                    .col(boolean("flagged"))
                    .col(date("last_start"))
                    .col(date("last_planned_end"))
                    .col(date("last_leaving"))
                    // Not led by organisation_id: the cohort's range must come
                    // from `cohort_members_by_name`, in name order, and PostgreSQL
                    // without statistics (a fresh import) took a key led by
                    // (organisation_id, learner_id) for the cohort instead.
                    .primary_key(Index::create().col("learner_id").col("cohort_id"))
                    .foreign_key(&mut organisation_ref("cohort_members"))
                    .foreign_key(&mut reference(
                        "cohort_members",
                        "learner_id",
                        "learners",
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        "cohort_members",
                        "cohort_id",
                        "cohorts",
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // Byte order, as `learners.search_name` (migration 000002), so the
            // lists come out of the index in the order the learner list uses.
            manager
                .get_connection()
                .execute_unprepared(
                    r#"ALTER TABLE cohort_members ALTER COLUMN search_name TYPE varchar(201) COLLATE "C""#,
                )
                .await?;
        }
        manager
            .create_index(index(
                "cohort_members_by_name",
                "cohort_members",
                &[
                    "organisation_id",
                    "cohort_id",
                    "search_name",
                    "learner_id",
                    "current_category",
                    "best_offer",
                    "flagged",
                    "last_start",
                    "last_planned_end",
                    "last_leaving",
                ],
            ))
            .await?;
        manager.get_connection().execute_unprepared(BACKFILL).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("cohort_members").to_owned())
            .await?;
        Ok(())
    }
}
