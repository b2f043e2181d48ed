//! The rows the cohort lists read (`cohort_members`, migration 001201): one per
//! learner per cohort they are enrolled in, with what the counts and lists
//! filter and sort by. They are derived data, rewritten for a learner in the
//! transaction of each change to what they are made of: the learner's name,
//! enrolments, current destination (`learners.current_category`), best offer
//! (`learners.best_offer`) and support flags. The writers of those call
//! [`keep_cohort_members`]; deleting a learner deletes their rows.

use sea_orm::{ConnectionTrait, Statement, TransactionTrait, Value};

use crate::{OrganisationId, Result};

/// Learners rewritten per statement: the ids are literals in an `IN` list.
const CHUNK: usize = 500;

/// The columns of a `cohort_members` row, in the order the writers give them
/// (this module's query and the import batch's bulk insert of new learners).
pub(crate) const COLUMNS: [&str; 10] = [
    "organisation_id",
    "cohort_id",
    "learner_id",
    "search_name",
    "current_category",
    "best_offer",
    "flagged",
    "last_start",
    "last_planned_end",
    "last_leaving",
];

/// What a learner's rows hold, from the tables they are derived from, for the
/// learners whose ids are in `{learners}` (an SQL list). The migration that
/// created the table runs the same query for every learner.
fn rows_query(learners: &str) -> String {
    format!(
        "INSERT INTO cohort_members ({}) \
         SELECT e.organisation_id, e.cohort_id, e.learner_id, l.search_name, l.current_category, l.best_offer, \
         EXISTS (SELECT 1 FROM support_flags f WHERE f.organisation_id = $1 \
         AND f.learner_id = l.id AND f.cleared_at IS NULL), \
         MAX(e.start_date), MAX(e.planned_end_date), MAX(COALESCE(e.actual_end_date, e.planned_end_date)) \
         FROM enrolments e JOIN learners l ON l.id = e.learner_id AND l.organisation_id = $1 \
         WHERE e.organisation_id = $1 AND e.learner_id IN {learners} \
         GROUP BY e.organisation_id, e.cohort_id, e.learner_id, l.id, l.search_name, \
         l.current_category, l.best_offer",
        COLUMNS.join(", ")
    )
}

/// Rewrites the `cohort_members` rows of these learners of `org` from their
/// current name, enrolments, destination, offers and flags, in the caller's
/// transaction.
pub async fn keep_cohort_members(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learners: &[i64],
) -> Result<()> {
    let backend = conn.get_database_backend();
    for chunk in learners.chunks(CHUNK) {
        let list = id_list(chunk);
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            format!("DELETE FROM cohort_members WHERE organisation_id = $1 AND learner_id IN {list}"),
            [Value::from(org.0)],
        ))
        .await?;
        conn.execute_raw(Statement::from_sql_and_values(
            backend,
            rows_query(&list),
            [Value::from(org.0)],
        ))
        .await?;
    }
    Ok(())
}

/// Ids as an SQL list: `(1, 2, 3)`.
fn id_list(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("({})", list.join(", "))
}

/// One stored row of `cohort_members`, as (cohort, learner, search name,
/// current category, best offer, flagged, last start, last planned end, last
/// leaving date), dates as ISO text.
pub type MemberRow = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    bool,
    String,
    String,
    String,
);

/// The organisation's `cohort_members` rows as stored, and as they would be if
/// rewritten now from the tables they come from (in a transaction rolled back),
/// both in (cohort, learner) order: for the tests that check every writer
/// keeps them.
#[doc(hidden)]
pub async fn stored_and_derived(
    conn: &sea_orm::DatabaseConnection,
    org: OrganisationId,
) -> Result<(Vec<MemberRow>, Vec<MemberRow>)> {
    let txn = conn.begin().await?;
    let stored = member_rows(&txn, org).await?;
    let learners: Vec<i64> = txn
        .query_all_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "SELECT id FROM learners WHERE organisation_id = $1 ORDER BY id",
            [Value::from(org.0)],
        ))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<std::result::Result<_, _>>()?;
    keep_cohort_members(&txn, org, &learners).await?;
    let derived = member_rows(&txn, org).await?;
    txn.rollback().await?;
    Ok((stored, derived))
}

async fn member_rows(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<MemberRow>> {
    // The dates as text and the flag as a comparison, so both backends give the same types.
    let sql = "SELECT cohort_id, learner_id, search_name, current_category, best_offer, \
               CASE WHEN flagged THEN 1 ELSE 0 END, CAST(last_start AS TEXT), \
               CAST(last_planned_end AS TEXT), CAST(last_leaving AS TEXT) \
               FROM cohort_members WHERE organisation_id = $1 ORDER BY cohort_id, learner_id";
    conn.query_all_raw(Statement::from_sql_and_values(
        conn.get_database_backend(),
        sql,
        [Value::from(org.0)],
    ))
    .await?
    .iter()
    .map(|row| {
        Ok((
            row.try_get_by_index(0)?,
            row.try_get_by_index(1)?,
            row.try_get_by_index(2)?,
            row.try_get_by_index(3)?,
            row.try_get_by_index(4)?,
            row.try_get_by_index::<i32>(5)? == 1,
            row.try_get_by_index(6)?,
            row.try_get_by_index(7)?,
            row.try_get_by_index(8)?,
        ))
    })
    .collect()
}
