//! The lists and counts of one cohort at scale (issue 13 item 27): the
//! destination counts, the not-known list, the September Guarantee list and
//! the at-risk list. The database picks the rows from the cohort's range of
//! `cohort_members_by_name`, an index that holds, in name order, everything
//! the lists filter by (each learner's current destination category, best
//! offer, open flag and latest enrolment dates, kept by
//! `repo::cohort_members`), and returns one page of learner ids in name order
//! and a count. No learner row, destination record, offer or flag is read to
//! choose a page, and nothing loads the histories of a whole cohort into
//! memory. What a page shows of each learner is still decided by the domain's
//! rules (`current_destination`, `at_risk_reasons`).

use super::scope::LearnerScope;
use std::collections::HashMap;

use chrono::NaiveDate;
use onward_domain::destination::{DestinationCategory, DestinationGroup, DestinationKind};
use onward_domain::support::OfferStatus;
use onward_domain::tracking::{Anchor, TrackingPlan};
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::{CohortId, OrganisationId, Result};

/// The most rows a list page shows, whatever the request asks for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// Which page of a list to show: numbered from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub number: u64,
    pub size: u64,
}

impl PageRequest {
    /// Page `number` (0 is read as 1) of `size` rows (between 1 and [`MAX_PAGE_SIZE`]).
    pub fn new(number: u64, size: u64) -> Self {
        Self {
            number: number.max(1),
            size: size.clamp(1, MAX_PAGE_SIZE),
        }
    }

    /// The same size, but no later than the last page of `total` rows.
    fn within(self, total: u64) -> Self {
        let last = total.div_ceil(self.size).max(1);
        Self {
            number: self.number.min(last),
            size: self.size,
        }
    }

    fn offset(self) -> u64 {
        (self.number - 1).saturating_mul(self.size)
    }
}

/// One page of a list, with the size of the whole list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The page shown (a request past the end shows the last page).
    pub number: u64,
    pub size: u64,
    /// Rows in the whole list.
    pub total: u64,
}

impl<T> Page<T> {
    /// How many pages the list has (at least 1, an empty list being one empty page).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.size).max(1)
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            number: self.number,
            size: self.size,
            total: self.total,
        }
    }
}

/// The rows `m` of `cohort_members` of cohort `$2` in organisation `$1`: one
/// range of `cohort_members_by_name`, in name order.
const IN_COHORT: &str = "m.organisation_id = $1 AND m.cohort_id = $2";

/// The current destination category of the learner whose id is `learner`: the
/// latest actual record by (as of, id), as `current_destination` decides. What
/// `record_destination` keeps in `learners.current_category`.
pub(crate) fn current_category_sql(learner: &str) -> String {
    format!(
        "(SELECT d.category FROM destination_records d \
         WHERE d.organisation_id = $1 AND d.learner_id = {learner} AND d.kind = '{actual}' \
         ORDER BY d.as_of DESC, d.id DESC LIMIT 1)",
        actual = DestinationKind::Actual.code()
    )
}

/// `codes` as an SQL list of literals. Codes are the domain's own constants
/// (lower-case letters and underscores), never user input.
fn literal_list<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = codes
        .into_iter()
        .inspect(|code| debug_assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')))
        .map(|code| format!("'{code}'"))
        .collect();
    if quoted.is_empty() {
        "(NULL)".to_owned()
    } else {
        format!("({})", quoted.join(", "))
    }
}

fn categories_where(wanted: impl Fn(DestinationCategory) -> bool) -> String {
    literal_list(
        DestinationCategory::ALL
            .iter()
            .filter(|category| wanted(**category))
            .map(|category| category.code()),
    )
}

fn statement(conn: &impl ConnectionTrait, sql: String, values: Vec<Value>) -> Statement {
    // sqlx reads `$1` as the first argument on SQLite too, so one text serves both.
    Statement::from_sql_and_values(conn.get_database_backend(), sql, values)
}

async fn count(conn: &impl ConnectionTrait, sql: String, values: Vec<Value>) -> Result<u64> {
    let row = conn.query_one_raw(statement(conn, sql, values)).await?;
    let total: i64 = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(total.unsigned_abs())
}

async fn ids(conn: &impl ConnectionTrait, sql: String, values: Vec<Value>) -> Result<Vec<i64>> {
    conn.query_all_raw(statement(conn, sql, values))
        .await?
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0).map_err(Into::into))
        .collect()
}

/// `columns` of the cohort's learners (rows `m` of `cohort_members`) that meet
/// `filter`, a condition on `m`.
fn list_query(columns: &str, filter: &str) -> String {
    format!("SELECT {columns} FROM cohort_members m WHERE {IN_COHORT} AND {filter}")
}

/// The order of every list: by name, then id (as the learner list).
const NAME_ORDER: &str = "ORDER BY m.search_name, m.learner_id";

fn counts_query() -> String {
    format!(
        "SELECT m.current_category, COUNT(*) FROM cohort_members m WHERE {IN_COHORT} GROUP BY m.current_category"
    )
}

fn unknown_filter() -> String {
    format!(
        "(m.current_category IS NULL OR m.current_category IN {})",
        categories_where(|c| c.group() == DestinationGroup::NotKnown)
    )
}

/// The plans the database chooses for the cohort page's counts and the
/// not-known list's page (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN`),
/// one line per step, for the tests that check the indexes are used.
#[doc(hidden)]
pub async fn query_plans(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    cohort: CohortId,
) -> Result<Vec<String>> {
    use sea_orm::DbBackend;
    let postgres = conn.get_database_backend() == DbBackend::Postgres;
    let explain = if postgres {
        "EXPLAIN "
    } else {
        "EXPLAIN QUERY PLAN "
    };
    let page = format!(
        "{} {NAME_ORDER} LIMIT 25 OFFSET 0",
        list_query("m.learner_id, COUNT(*) OVER ()", &unknown_filter())
    );
    let mut lines = Vec::new();
    for sql in [counts_query(), page] {
        for row in conn
            .query_all_raw(statement(
                conn,
                format!("{explain}{sql}"),
                vec![Value::from(org.0), Value::from(cohort.0)],
            ))
            .await?
        {
            let line: String = if postgres {
                row.try_get_by_index(0)?
            } else {
                row.try_get("", "detail")?
            };
            lines.push(line);
        }
    }
    Ok(lines)
}

/// `scope` as a condition on the row `m` of `cohort_members`, its tutor groups
/// bound as parameters numbered after those already in `values`. The tutor
/// group is the learner's (`learners_by_tutor_group`), not kept on `m`: a
/// group is a few dozen learners, and only tutors' pages ask.
fn scope_filter(scope: &LearnerScope, values: &mut Vec<Value>) -> String {
    match scope {
        LearnerScope::All => "1 = 1".to_owned(),
        LearnerScope::TutorGroups(groups) if groups.is_empty() => "1 = 0".to_owned(),
        LearnerScope::TutorGroups(groups) => {
            let mut placeholders = Vec::with_capacity(groups.len());
            for group in groups {
                values.push(Value::from(group.as_str().to_owned()));
                placeholders.push(format!("${}", values.len()));
            }
            format!(
                "m.learner_id IN (SELECT t.id FROM learners t WHERE t.organisation_id = $1 \
                 AND t.tutor_group IN ({}))",
                placeholders.join(", ")
            )
        }
    }
}

/// A filtered list of the cohort's learners in `scope`: `filter` is a
/// condition on the row `m` of `cohort_members`. With a page, that page of ids
/// in name order and the total; without, every id. `known_total` is the
/// list's size when the caller has counted it already (the Guarantee page's
/// counts hold it): then the page is read alone, and stops at its last row.
#[allow(clippy::too_many_arguments)]
async fn cohort_list(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
    filter: &str,
    mut values: Vec<Value>,
    page: Option<PageRequest>,
    known_total: Option<u64>,
) -> Result<(Vec<i64>, u64, PageRequest)> {
    let mut head = vec![Value::from(org.0), Value::from(cohort.0)];
    head.append(&mut values);
    let mut values = head;
    let filter = format!("({filter}) AND {}", scope_filter(scope, &mut values));
    let base = |columns: &str| list_query(columns, &filter);
    let Some(page) = page else {
        let all = ids(conn, format!("{} {NAME_ORDER}", base("m.learner_id")), values).await?;
        let total = all.len() as u64;
        let whole = PageRequest {
            number: 1,
            size: total.max(1),
        };
        return Ok((all, total, whole));
    };
    // The page and the size of the whole list in one pass (`COUNT(*) OVER ()`
    // is taken before LIMIT): the filter runs once, not once to count and once
    // to list. Only a page past the end, which has no rows to carry the count,
    // needs a count and the last page.
    let page_query = |page: PageRequest, columns: &str| {
        let n = values.len();
        let mut paged = values.clone();
        paged.push(Value::from(i64::try_from(page.size).unwrap_or(i64::MAX)));
        paged.push(Value::from(i64::try_from(page.offset()).unwrap_or(i64::MAX)));
        let sql = format!(
            "{} {NAME_ORDER} LIMIT ${} OFFSET ${}",
            base(columns),
            n + 1,
            n + 2
        );
        (sql, paged)
    };
    if let Some(total) = known_total {
        let page = page.within(total);
        let (sql, paged) = page_query(page, "m.learner_id");
        return Ok((ids(conn, sql, paged).await?, total, page));
    }
    let (sql, paged) = page_query(page, "m.learner_id, COUNT(*) OVER ()");
    let (found, total) = ids_and_total(conn, sql, paged).await?;
    if !found.is_empty() || page.number == 1 {
        return Ok((found, total, page));
    }
    let total = count(conn, base("COUNT(*)"), values.clone()).await?;
    let last = page.within(total);
    let (sql, paged) = page_query(last, "m.learner_id, COUNT(*) OVER ()");
    let (found, _) = ids_and_total(conn, sql, paged).await?;
    Ok((found, total, last))
}

/// The ids in the first column and the list's size in the second (the same on every row).
async fn ids_and_total(
    conn: &impl ConnectionTrait,
    sql: String,
    values: Vec<Value>,
) -> Result<(Vec<i64>, u64)> {
    let rows = conn.query_all_raw(statement(conn, sql, values)).await?;
    let mut total = 0;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        found.push(row.try_get_by_index::<i64>(0)?);
        total = row.try_get_by_index::<i64>(1)?.unsigned_abs();
    }
    Ok((found, total))
}

async fn paged_learners(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
    filter: &str,
    page: Option<PageRequest>,
    known_total: Option<u64>,
) -> Result<Page<super::learners::Learner>> {
    let (ids, total, page) =
        cohort_list(conn, org, scope, cohort, filter, Vec::new(), page, known_total).await?;
    let items = super::learners::learners_by_ids(conn, org, &ids).await?;
    Ok(Page {
        items,
        number: page.number,
        size: page.size,
        total,
    })
}

/// Counts of the cohort's learners by current destination group, in
/// `DestinationGroup::ALL` order (no actual destination counts as not known).
pub async fn destination_counts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    cohort: CohortId,
) -> Result<Vec<(DestinationGroup, u64)>> {
    let sql = counts_query();
    let rows = conn
        .query_all_raw(statement(
            conn,
            sql,
            vec![Value::from(org.0), Value::from(cohort.0)],
        ))
        .await?;
    let mut counts: Vec<(DestinationGroup, u64)> = DestinationGroup::ALL.iter().map(|g| (*g, 0)).collect();
    for row in rows {
        let category: Option<String> = row.try_get_by_index(0)?;
        let learners: i64 = row.try_get_by_index(1)?;
        let group = match category {
            None => DestinationGroup::NotKnown,
            Some(code) => {
                super::decode::<DestinationCategory>("destination_records", "category", &code)?.group()
            }
        };
        if let Some(entry) = counts.iter_mut().find(|(g, _)| *g == group) {
            entry.1 += learners.unsigned_abs();
        }
    }
    Ok(counts)
}

/// The cohort's learners in `scope` whose current destination is not known
/// (none recorded, or one in the not-known group), in name order: one page, or
/// all of them (`page: None`, for the CSV).
pub async fn unknown_learners_page(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
    page: Option<PageRequest>,
) -> Result<Page<super::learners::Learner>> {
    paged_learners(conn, org, scope, cohort, &unknown_filter(), page, None).await
}

/// The learner's most advanced offer that counts (the domain's
/// `best_offer`), as SQL for the learner whose id is `learner`: what
/// `repo::guarantee` keeps in `learners.best_offer`.
pub(crate) fn best_offer_sql(learner: &str) -> String {
    let counting: Vec<&OfferStatus> = OfferStatus::ALL
        .iter()
        .filter(|status| status.counts_as_offer())
        .collect();
    let arms: Vec<String> = counting
        .iter()
        .map(|status| format!("WHEN '{}' THEN {}", status.code(), status.rank()))
        .collect();
    format!(
        "(SELECT o.status FROM guarantee_offers o WHERE o.organisation_id = $1 AND o.learner_id = {learner} \
         AND o.status IN {counting} ORDER BY CASE o.status {arms} ELSE 0 END DESC LIMIT 1)",
        counting = literal_list(counting.iter().map(|status| status.code())),
        arms = arms.join(" "),
    )
}

/// How the cohort's learners in `scope` stand on September Guarantee offers,
/// counted by the database: each learner by their most advanced offer
/// (`best_offer`, kept on the learner row).
pub async fn offer_counts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
) -> Result<super::guarantee::OfferCounts> {
    let mut values = vec![Value::from(org.0), Value::from(cohort.0)];
    let in_scope = scope_filter(scope, &mut values);
    let sql = format!(
        "SELECT m.best_offer, COUNT(*) FROM cohort_members m WHERE {IN_COHORT} AND {in_scope} GROUP BY m.best_offer"
    );
    let rows = conn.query_all_raw(statement(conn, sql, values)).await?;
    let mut counts = super::guarantee::OfferCounts::default();
    for row in rows {
        let best: Option<String> = row.try_get_by_index(0)?;
        let learners = row.try_get_by_index::<i64>(1)?.unsigned_abs();
        let status = super::decode_opt::<OfferStatus>("learners", "best_offer", best.as_deref())?;
        match status {
            Some(OfferStatus::Accepted) => counts.accepted += learners,
            Some(OfferStatus::Offered) => counts.offered += learners,
            Some(OfferStatus::Applied) => counts.applied += learners,
            Some(OfferStatus::Declined | OfferStatus::NoOffer) | None => counts.no_offer += learners,
        }
    }
    Ok(counts)
}

/// The cohort's learners with no September Guarantee offer (`has_no_offer`:
/// no offer that counts, so no `best_offer`), in name order: one page, or all
/// (`page: None`). `counts` are the same learners' [`offer_counts`], whose
/// `no_offer` is the list's size, so the page is read alone.
pub async fn no_offer_learners(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
    page: Option<PageRequest>,
    counts: &super::guarantee::OfferCounts,
) -> Result<Page<super::learners::Learner>> {
    let filter = "m.best_offer IS NULL";
    paged_learners(conn, org, scope, cohort, filter, page, Some(counts.no_offer)).await
}

/// When an enrolment's last checkpoint of a plan has passed, as dates its
/// columns must be before: for each anchor, the earliest anchor date whose
/// checkpoint is not yet past.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct PassedBefore {
    start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    leaving: Option<NaiveDate>,
}

/// Whether "the last checkpoint has passed" can hold for the cohort's
/// enrolments, and if so on what dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LastCheckpoint {
    /// No checkpoint has a date (no plan, or only results-day checkpoints and no results day).
    Undated,
    /// A results-day checkpoint is still to come: no enrolment is past its last checkpoint.
    NotPassed,
    Passed(PassedBefore),
}

/// The smallest anchor date whose due date is not before `today`, found by
/// bisection over the domain's own `due_date` (monotone in the anchor date).
fn first_anchor_not_passed(due: impl Fn(NaiveDate) -> Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    let passed = |anchor: NaiveDate| due(anchor).is_some_and(|due| due < today);
    let mut low = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    let mut high = NaiveDate::from_ymd_opt(2300, 1, 1).unwrap_or(NaiveDate::MAX);
    if !passed(low) {
        return low;
    }
    if passed(high) {
        return high;
    }
    // Invariant: passed(low), !passed(high).
    while (high - low).num_days() > 1 {
        let middle = low + (high - low) / 2;
        if passed(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    high
}

fn last_checkpoint(plan: &TrackingPlan, results_day: Option<NaiveDate>, today: NaiveDate) -> LastCheckpoint {
    use onward_domain::enrolment::EnrolmentDates;
    let mut before = PassedBefore::default();
    let mut dated = false;
    let earliest = |slot: &mut Option<NaiveDate>, date: NaiveDate| {
        *slot = Some(slot.map_or(date, |current| current.min(date)));
    };
    for checkpoint in &plan.checkpoints {
        let due = |anchor: NaiveDate| {
            let dates = EnrolmentDates {
                start: anchor,
                planned_end: anchor,
                actual_end: None,
            };
            checkpoint.due_date(&dates, results_day)
        };
        match checkpoint.anchor {
            Anchor::ResultsDay => {
                let Some(due) = checkpoint.due_date(
                    &EnrolmentDates {
                        start: today,
                        planned_end: today,
                        actual_end: None,
                    },
                    results_day,
                ) else {
                    continue;
                };
                dated = true;
                if due >= today {
                    return LastCheckpoint::NotPassed;
                }
            }
            Anchor::Start => {
                dated = true;
                earliest(&mut before.start, first_anchor_not_passed(due, today));
            }
            Anchor::PlannedEnd => {
                dated = true;
                earliest(&mut before.planned_end, first_anchor_not_passed(due, today));
            }
            Anchor::Leaving | Anchor::FixedDate => {
                dated = true;
                earliest(&mut before.leaving, first_anchor_not_passed(due, today));
            }
        }
    }
    if dated {
        LastCheckpoint::Passed(before)
    } else {
        LastCheckpoint::Undated
    }
}

/// One page (or all) of the cohort's learners at risk, in name order: NEET, not
/// known after the last checkpoint of the cohort's plan, or flagged by staff.
/// The conditions are `at_risk_reasons`' own, written as SQL.
pub(crate) async fn at_risk_ids(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    cohort: CohortId,
    plan: Option<&(TrackingPlan, Option<NaiveDate>)>,
    today: NaiveDate,
    page: Option<PageRequest>,
) -> Result<(Vec<i64>, u64, PageRequest)> {
    let neet = categories_where(|c| c.group() == DestinationGroup::Neet);
    let mut values: Vec<Value> = Vec::new();
    let not_known_passed = match plan.map(|(plan, results_day)| last_checkpoint(plan, *results_day, today)) {
        None | Some(LastCheckpoint::Undated | LastCheckpoint::NotPassed) => "1 = 0".to_owned(),
        Some(LastCheckpoint::Passed(before)) => {
            let mut not_passed = Vec::new();
            // Every enrolment of the learner in the cohort is past its last
            // checkpoint when the latest of each of their dates is.
            for (column, date) in [
                ("m.last_start", before.start),
                ("m.last_planned_end", before.planned_end),
                ("m.last_leaving", before.leaving),
            ] {
                if let Some(date) = date {
                    values.push(Value::from(date));
                    // $1 and $2 are the organisation and the cohort.
                    not_passed.push(format!("{column} >= ${}", values.len() + 2));
                }
            }
            let not_passed = if not_passed.is_empty() {
                "1 = 0".to_owned()
            } else {
                not_passed.join(" OR ")
            };
            format!(
                "(m.current_category IS NULL OR m.current_category = '{not_known}') AND NOT ({not_passed})",
                not_known = DestinationCategory::NotKnown.code(),
            )
        }
    };
    // `m.flagged`: an open support flag.
    let filter = format!("(m.current_category IN {neet} OR m.flagged OR ({not_known_passed}))");
    cohort_list(conn, org, scope, cohort, &filter, values, page, None).await
}

/// The current destination category of each of these learners (absent when
/// they have no actual destination).
pub(crate) async fn current_categories(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learners: &[i64],
) -> Result<HashMap<i64, DestinationCategory>> {
    let mut found = HashMap::new();
    for chunk in learners.chunks(500) {
        let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
        let sql = format!(
            "SELECT l.id, l.current_category FROM learners l WHERE l.organisation_id = $1 AND l.id IN ({list})",
            list = list.join(", "),
        );
        for row in conn
            .query_all_raw(statement(conn, sql, vec![Value::from(org.0)]))
            .await?
        {
            let id: i64 = row.try_get_by_index(0)?;
            let category: Option<String> = row.try_get_by_index(1)?;
            if let Some(code) = category {
                found.insert(id, super::decode("destination_records", "category", &code)?);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_past_the_end_is_the_last_page() {
        let page = PageRequest::new(99, 25).within(60);
        assert_eq!((page.number, page.offset()), (3, 50));
        assert_eq!(PageRequest::new(5, 25).within(0).number, 1);
    }

    #[test]
    fn page_size_is_bounded() {
        assert_eq!(PageRequest::new(1, 1_000_000).size, MAX_PAGE_SIZE);
        assert_eq!(PageRequest::new(0, 0), PageRequest { number: 1, size: 1 });
    }

    #[test]
    fn bisection_finds_the_first_anchor_not_passed() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let today = day(2026, 12, 2);
        let due = |anchor: NaiveDate| anchor.checked_add_signed(chrono::Duration::days(30));
        let first = first_anchor_not_passed(due, today);
        assert_eq!(first, day(2026, 11, 2));
        assert!(due(first).expect("due") >= today);
        assert!(due(first.pred_opt().expect("date")).expect("due") < today);
    }
}
