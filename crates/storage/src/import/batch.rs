//! Writing one batch of validated import rows: learners matched by ULN, then
//! MIS id (a new learner with the same name and date of birth as another is
//! flagged as a probable duplicate, never merged), changed values updated and
//! audited, contact points, programmes, cohorts and enrolments added once.
//! Running the same rows twice changes nothing the second time, which is what
//! makes an interrupted import safe to re-run. A row matched by one identifier
//! whose other identifier differs from the learner's is someone else: an
//! error, never a merge. A row exactly as the import last wrote it (by its
//! fingerprints, `known.rs`) is skipped before any of this.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use onward_domain::contact::ContactPointKind;
use onward_domain::enrolment::CompletionStatus;
use onward_domain::import::{EnrolmentRow, ImportRow};
use onward_domain::learner::NewLearner;
use rustc_hash::{FxHashMap, FxHashSet};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Value};

use super::bulk::{BulkTransaction, Cell};
use super::known::{KnownLearners, RowFingerprints, fingerprint};
pub use super::types::{BatchIssue, ImportActor, ImportCounts};
use crate::entities::{
    audit_event, cohort, contact_point, enrolment, learner, probable_duplicate, programme,
};
use crate::repo::cohort_members::keep_cohort_members;
use crate::repo::learners::search_key;
use crate::repo::now;
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result};

/// Values a lookup statement lists (`IN (...)`, `VALUES (...)`).
const ROWS_PER_STATEMENT: usize = 2000;

/// Programmes and cohorts by name, read once per run and added to as the
/// import creates them.
#[derive(Clone, Debug, Default)]
pub struct ImportCaches {
    programmes: HashMap<String, i64>,
    cohorts: HashMap<String, i64>,
    known: KnownLearners,
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl ImportCaches {
    pub async fn load(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Self> {
        let programmes: Vec<(i64, String)> = programme::Entity::find()
            .select_only()
            .columns([programme::Column::Id, programme::Column::Title])
            .filter(programme::Entity::in_org(org))
            .into_tuple()
            .all(conn)
            .await?;
        let cohorts: Vec<(i64, String)> = cohort::Entity::find()
            .select_only()
            .columns([cohort::Column::Id, cohort::Column::Name])
            .filter(cohort::Entity::in_org(org))
            .into_tuple()
            .all(conn)
            .await?;
        let mut caches = Self {
            known: KnownLearners::load(conn, org).await?,
            ..Self::default()
        };
        // The oldest programme or cohort wins when two share a name.
        for (id, title) in programmes.into_iter().rev() {
            caches.programmes.insert(name_key(&title), id);
        }
        for (id, name) in cohorts.into_iter().rev() {
            caches.cohorts.insert(name_key(&name), id);
        }
        Ok(caches)
    }
}

/// Where a row's learner is: already stored, or the n-th new learner of the batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Stored(i64),
    New(usize),
}

/// Writes `rows` (already validated) on `conn`, normally a transaction the
/// caller commits. Returns the counts and any rows the database refused.
pub async fn apply_import_batch(
    conn: &BulkTransaction<'_>,
    org: OrganisationId,
    actor: ImportActor,
    caches: &mut ImportCaches,
    rows: &[ImportRow],
) -> Result<(ImportCounts, Vec<BatchIssue>)> {
    let mut counts = ImportCounts::default();
    let mut issues = Vec::new();
    let prints: Vec<RowFingerprints> = rows.iter().map(RowFingerprints::of).collect();
    // A row the import wrote before exactly as it is changes nothing: it is
    // neither looked up nor written (an unchanged re-import is all such rows).
    let unchanged: Vec<bool> = rows
        .iter()
        .zip(&prints)
        .map(|(row, prints)| caches.known.unchanged(row, prints))
        .collect();
    let stored = stored_learners(
        conn,
        org,
        rows.iter()
            .zip(&unchanged)
            .filter(|&(row, &same)| !same && caches.known.may_hold(row))
            .map(|(row, _)| row),
    )
    .await?;

    // 1. Which learner each row is about.
    let mut new_learners: Vec<&ImportRow> = Vec::new();
    let mut new_prints: Vec<i64> = Vec::new();
    let mut new_by_uln: FxHashMap<&str, usize> = FxHashMap::default();
    let mut new_by_mis: FxHashMap<&str, usize> = FxHashMap::default();
    let mut targets: Vec<Option<Target>> = Vec::with_capacity(rows.len());
    let mut updates: Vec<LearnerUpdate<'_>> = Vec::new();
    let mut prints_only: Vec<(i64, i64)> = Vec::new();
    let mut seen_stored: HashSet<i64> = HashSet::new();
    for ((row, print), &same) in rows.iter().zip(&prints).zip(&unchanged) {
        if same {
            counts.rows_imported += 1;
            counts.rows_unchanged += 1;
            if row.repeat_of.is_none() {
                counts.learners_unchanged += 1;
            }
            if row.enrolment.is_some() {
                counts.enrolments_unchanged += 1;
            }
            targets.push(None);
            continue;
        }
        let uln = row.learner.uln.as_ref().map(|u| u.as_str());
        let mis = row.learner.mis_id.as_deref();
        let by_uln = uln.and_then(|u| {
            stored
                .by_uln
                .get(u)
                .map(|&id| Target::Stored(id))
                .or_else(|| new_by_uln.get(u).map(|&i| Target::New(i)))
        });
        let by_mis = mis.and_then(|m| {
            stored
                .by_mis
                .get(m)
                .map(|&id| Target::Stored(id))
                .or_else(|| new_by_mis.get(m).map(|&i| Target::New(i)))
        });
        let found = match (by_uln, by_mis) {
            (Some(a), Some(b)) if a != b => Err(BatchIssue {
                row: row.number,
                field: "MIS id",
                value: mis.unwrap_or_default().to_owned(),
                reason: format!(
                    "ULN {} and MIS id {} belong to two different learners already; correct the learner records before importing this row",
                    uln.unwrap_or_default(),
                    mis.unwrap_or_default()
                ),
                is_error: true,
            }),
            (Some(target), _) | (None, Some(target)) => {
                let held = match target {
                    Target::Stored(id) => {
                        let model = &stored.models[&id];
                        Holder {
                            uln: model.uln.as_deref(),
                            mis_id: model.mis_id.as_deref(),
                            row: None,
                        }
                    }
                    Target::New(index) => {
                        let first = new_learners[index];
                        Holder {
                            uln: first.learner.uln.as_ref().map(|u| u.as_str()),
                            mis_id: first.learner.mis_id.as_deref(),
                            row: Some(first.number),
                        }
                    }
                };
                match identity_conflict(row, &held) {
                    Some(issue) => Err(issue),
                    None => Ok(target),
                }
            }
            (None, None) => {
                let index = new_learners.len();
                new_learners.push(row);
                new_prints.push(print.learner);
                if let Some(u) = uln {
                    new_by_uln.insert(u, index);
                }
                if let Some(m) = mis {
                    new_by_mis.insert(m, index);
                }
                counts.learners_created += 1;
                Ok(Target::New(index))
            }
        };
        let target = match found {
            Ok(target) => target,
            Err(issue) => {
                issues.push(issue);
                counts.rows_skipped += 1;
                targets.push(None);
                continue;
            }
        };
        // A learner's details come from their first row in the file; later
        // rows add enrolments (the reader warns when their details differ).
        if let Target::Stored(id) = target
            && seen_stored.insert(id)
            && row.repeat_of.is_none()
        {
            let model = &stored.models[&id];
            let changes = learner_changes(model, &row.learner);
            if changes.is_empty() {
                counts.learners_unchanged += 1;
                if model.import_fingerprint != Some(print.learner) {
                    prints_only.push((id, print.learner));
                }
            } else {
                counts.learners_updated += 1;
                updates.push(LearnerUpdate {
                    id,
                    changes,
                    print: print.learner,
                    uln,
                    mis_id: mis,
                });
            }
        }
        counts.rows_imported += 1;
        targets.push(Some(target));
    }

    // 2. New learners, and probable duplicates among them.
    let new_names: Vec<String> = new_learners
        .iter()
        .map(|row| search_key(row.learner.family_name.as_str(), row.learner.given_name.as_str()))
        .collect();
    let new_ids = insert_learners(conn, org, (&new_learners, &new_prints), &new_names).await?;
    counts.probable_duplicates = flag_probable_duplicates(
        conn,
        org,
        actor,
        &caches.known,
        (&new_learners, &new_names),
        &new_ids,
        &mut issues,
    )
    .await?;
    for (((row, search_name), &id), &print) in
        new_learners.iter().zip(&new_names).zip(&new_ids).zip(&new_prints)
    {
        let new = &row.learner;
        caches.known.add(
            id,
            (new.uln.as_ref().map(|u| u.as_str()), new.mis_id.as_deref()),
            search_name,
            new.date_of_birth,
            Some(print),
        );
    }
    let learner_of = |target: Target| match target {
        Target::Stored(id) => id,
        Target::New(index) => new_ids[index],
    };

    // Learners whose name or enrolments this batch changes: their rows of the
    // cohort lists (`cohort_members`) are rewritten at the end of the batch.
    let mut list_rows_changed: FxHashSet<i64> = updates.iter().map(|update| update.id).collect();

    // 3. Changed learners, each change audited; the fingerprint of the row
    // that matched or changed them.
    for update in updates {
        // An identifier the learner did not hold before is theirs now.
        caches.known.hold(update.id, update.uln, update.mis_id);
        caches.known.set_fingerprint(update.id, update.print);
        update_learner(conn, org, actor, update.id, update.changes, update.print).await?;
    }
    set_fingerprints(conn, org, "learners", &prints_only).await?;
    for &(id, print) in &prints_only {
        caches.known.set_fingerprint(id, print);
    }

    // 4. Contact points not yet held.
    let stored_ids: Vec<i64> = seen_stored.iter().copied().collect();
    let stored_held = stored_contacts(conn, org, &stored_ids).await?;
    let mut batch_held: FxHashSet<(i64, ContactPointKind, &str)> = FxHashSet::default();
    let mut new_contacts = Vec::new();
    for (row, target) in rows.iter().zip(&targets) {
        // A learner's later rows in the file do not change the details the
        // first row gave (the reader warns when they differ).
        let (Some(target), None) = (target, row.repeat_of) else {
            continue;
        };
        let learner_id = learner_of(*target);
        let held = stored_held.get(&learner_id);
        for (kind, value) in &row.contacts {
            let stored = held.is_some_and(|held| held.iter().any(|(k, v)| k == kind && v == value));
            if !stored && batch_held.insert((learner_id, *kind, value.as_str())) {
                new_contacts.push((learner_id, *kind, value.as_str()));
            }
        }
    }
    counts.contacts_created = insert_contacts(conn, org, &new_contacts).await?;

    // 5. Programmes, cohorts and enrolments.
    let mut held = stored_enrolments(conn, org, &stored_ids).await?;
    let mut new_enrolments: Vec<NewEnrolment> = Vec::new();
    let mut new_enrolment_prints: Vec<i64> = Vec::new();
    let mut enrolment_prints_only: Vec<(i64, i64)> = Vec::new();
    let mut pending: FxHashMap<(i64, i64, NaiveDate), (usize, u64)> = FxHashMap::default();
    for ((row, target), print) in rows.iter().zip(&targets).zip(&prints) {
        let (Some(target), Some(enrolment), Some(print)) = (target, &row.enrolment, print.enrolment) else {
            continue;
        };
        let learner_id = learner_of(*target);
        let programme_id = programme_id(conn, org, caches, enrolment, &mut counts).await?;
        let cohort_id = cohort_id(conn, org, caches, &enrolment.cohort, &mut counts).await?;
        let wanted = NewEnrolment {
            learner_id,
            programme_id,
            cohort_id,
            start: enrolment.dates.start,
            planned_end: enrolment.dates.planned_end,
            actual_end: enrolment.dates.actual_end,
            status: enrolment.status,
        };
        let key = (learner_id, programme_id, enrolment.dates.start);
        if let Some(&(index, first_row)) = pending.get(&key) {
            if new_enrolments[index] != wanted {
                issues.push(BatchIssue {
                    row: row.number,
                    field: "Programme",
                    value: enrolment.programme.title.clone(),
                    reason: format!(
                        "the same enrolment (learner, programme and start date) is on row {first_row} with different dates, status or cohort; row {first_row} was kept"
                    ),
                    is_error: false,
                });
            }
            continue;
        }
        if let Some(existing) = held.get_mut(&key) {
            if existing.wanted == wanted {
                counts.enrolments_unchanged += 1;
                if existing.fingerprint != Some(print) {
                    enrolment_prints_only.push((existing.id, print));
                }
            } else {
                update_enrolment(conn, org, existing.id, &wanted, print).await?;
                list_rows_changed.insert(learner_id);
                counts.enrolments_updated += 1;
                existing.wanted = wanted;
            }
            caches.known.replace_enrolment(existing.fingerprint, print);
            existing.fingerprint = Some(print);
        } else {
            pending.insert(key, (new_enrolments.len(), row.number));
            list_rows_changed.insert(learner_id);
            new_enrolments.push(wanted);
            new_enrolment_prints.push(print);
            caches.known.replace_enrolment(None, print);
        }
    }
    counts.enrolments_created = insert_enrolments(conn, org, &new_enrolments, &new_enrolment_prints).await?;
    set_fingerprints(conn, org, "enrolments", &enrolment_prints_only).await?;
    // The batch's new learners' rows are written from what the batch holds;
    // the other changed learners' are rewritten from the tables.
    let new_names: FxHashMap<i64, &str> = new_ids
        .iter()
        .copied()
        .zip(new_names.iter().map(String::as_str))
        .collect();
    insert_cohort_members(conn, org, &new_enrolments, &new_names).await?;
    let mut rewritten: Vec<i64> = list_rows_changed
        .into_iter()
        .filter(|learner| !new_names.contains_key(learner))
        .collect();
    rewritten.sort_unstable();
    keep_cohort_members(conn, org, &rewritten).await?;
    Ok((counts, issues))
}

/// A learner's changed columns, and what the import now knows of them.
struct LearnerUpdate<'r> {
    id: i64,
    changes: Vec<(learner::Column, Value)>,
    print: i64,
    uln: Option<&'r str>,
    mis_id: Option<&'r str>,
}

/// The identifiers of the learner a row was matched to: stored, or created by
/// an earlier row of the batch.
struct Holder<'a> {
    uln: Option<&'a str>,
    mis_id: Option<&'a str>,
    /// The row that created the learner, when it is new in this batch.
    row: Option<u64>,
}

/// A row matched to a learner by one identifier while its other identifier
/// differs from theirs is about someone else (two people cannot share a ULN,
/// nor an MIS id): an error on the row, never a merge. A learner without the
/// other identifier has it filled in.
fn identity_conflict(row: &ImportRow, held: &Holder<'_>) -> Option<BatchIssue> {
    let uln = row.learner.uln.as_ref().map(|u| u.as_str());
    let mis = row.learner.mis_id.as_deref();
    if let (Some(held_uln), Some(uln)) = (held.uln, uln)
        && held_uln != uln
    {
        let mis = mis.unwrap_or_default();
        return Some(BatchIssue {
            row: row.number,
            field: "ULN",
            value: uln.to_owned(),
            reason: match held.row {
                None => format!(
                    "MIS id {mis} belongs to a learner whose ULN is {held_uln}; correct the ULN on the learner's record first"
                ),
                Some(first) => format!(
                    "MIS id {mis} is on row {first} with ULN {held_uln}: one MIS id cannot belong to two learners; correct the ULN or the MIS id on one of the rows"
                ),
            },
            is_error: true,
        });
    }
    if let (Some(held_mis), Some(mis)) = (held.mis_id, mis)
        && held_mis != mis
    {
        let uln = uln.unwrap_or_default();
        return Some(BatchIssue {
            row: row.number,
            field: "MIS id",
            value: mis.to_owned(),
            reason: match held.row {
                None => format!(
                    "ULN {uln} belongs to a learner whose MIS id is {held_mis}: one ULN cannot belong to two learners; if this is the same person with a new MIS id, change the MIS id on their record first, otherwise correct the ULN"
                ),
                Some(first) => format!(
                    "ULN {uln} is on row {first} with MIS id {held_mis}: one ULN cannot belong to two learners; correct the ULN or the MIS id on one of the rows"
                ),
            },
            is_error: true,
        });
    }
    None
}

/// Stores import fingerprints on learners or enrolments whose values already
/// match their row (the first run after fingerprints were added, or after an
/// edit by hand), so that the next run skips them.
async fn set_fingerprints(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    table: &'static str,
    prints: &[(i64, i64)],
) -> Result<()> {
    // Only integers are written into the statement, so it is built as text:
    // one statement per 500 rows instead of one each.
    for chunk in prints.chunks(500) {
        let cases: Vec<String> = chunk
            .iter()
            .map(|(id, print)| format!("WHEN {id} THEN {print}"))
            .collect();
        let ids: Vec<String> = chunk.iter().map(|(id, _)| id.to_string()).collect();
        let sql = format!(
            "UPDATE {table} SET import_fingerprint = CASE id {} END WHERE organisation_id = {} AND id IN ({})",
            cases.join(" "),
            org.0,
            ids.join(", ")
        );
        conn.execute_unprepared(&sql).await?;
    }
    Ok(())
}

struct StoredLearners {
    models: HashMap<i64, learner::Model>,
    by_uln: HashMap<String, i64>,
    by_mis: HashMap<String, i64>,
}

/// The organisation's learners holding any ULN or MIS id of the batch.
async fn stored_learners<'r>(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    rows: impl Iterator<Item = &'r ImportRow>,
) -> Result<StoredLearners> {
    let rows: Vec<&ImportRow> = rows.collect();
    let ulns: HashSet<&str> = rows
        .iter()
        .filter_map(|row| row.learner.uln.as_ref().map(|u| u.as_str()))
        .collect();
    let mut models = HashMap::new();
    for model in learners_where(conn, org, learner::Column::Uln, ulns).await? {
        models.insert(model.id, model);
    }
    let mut by_uln: HashMap<String, i64> = HashMap::new();
    for model in models.values() {
        if let Some(uln) = &model.uln {
            by_uln.insert(uln.clone(), model.id);
        }
    }
    // An MIS id needs looking up unless the learner found by the row's ULN
    // holds it already (MIS ids are unique, so no one else can): on a
    // re-import of the same export that is every row.
    let mis_ids: HashSet<&str> = rows
        .iter()
        .filter_map(|row| {
            let mis = row.learner.mis_id.as_deref()?;
            let settled = row
                .learner
                .uln
                .as_ref()
                .and_then(|uln| by_uln.get(uln.as_str()))
                .is_some_and(|id| models[id].mis_id.as_deref() == Some(mis));
            (!settled).then_some(mis)
        })
        .collect();
    for model in learners_where(conn, org, learner::Column::MisId, mis_ids).await? {
        if let Some(uln) = &model.uln {
            by_uln.insert(uln.clone(), model.id);
        }
        models.insert(model.id, model);
    }
    let by_mis = models
        .values()
        .filter_map(|model| Some((model.mis_id.clone()?, model.id)))
        .collect();
    Ok(StoredLearners {
        models,
        by_uln,
        by_mis,
    })
}

/// The organisation's learners whose `column` holds one of `values`.
async fn learners_where(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    column: learner::Column,
    values: HashSet<&str>,
) -> Result<Vec<learner::Model>> {
    let values: Vec<&str> = values.into_iter().collect();
    let mut found = Vec::new();
    for chunk in values.chunks(ROWS_PER_STATEMENT * 5) {
        found.extend(
            learner::Entity::find_in(org)
                .filter(column.is_in(chunk.iter().copied()))
                .all(conn)
                .await?,
        );
    }
    Ok(found)
}

/// The columns a row would change. A blank cell never erases a stored value.
fn learner_changes(stored: &learner::Model, new: &NewLearner) -> Vec<(learner::Column, Value)> {
    use learner::Column as C;
    let mut changes: Vec<(C, Value)> = Vec::new();
    let mut text = |column: C, stored: &Option<String>, new: Option<&str>| {
        if let Some(new) = new
            && stored.as_deref() != Some(new)
        {
            changes.push((column, Value::from(new.to_owned())));
        }
    };
    text(C::Uln, &stored.uln, new.uln.as_ref().map(|u| u.as_str()));
    text(C::Upn, &stored.upn, new.upn.as_deref());
    text(C::MisId, &stored.mis_id, new.mis_id.as_deref());
    text(C::Sex, &stored.sex, new.sex.map(|v| v.code()));
    text(C::Ethnicity, &stored.ethnicity, new.ethnicity.map(|v| v.code()));
    text(C::Lldd, &stored.lldd, new.lldd.map(|v| v.code()));
    text(C::Postcode, &stored.postcode, new.postcode.as_deref());
    text(
        C::TutorGroup,
        &stored.tutor_group,
        new.tutor_group.as_ref().map(|g| g.as_str()),
    );
    let names_changed =
        stored.given_name != new.given_name.as_str() || stored.family_name != new.family_name.as_str();
    if names_changed {
        changes.push((C::GivenName, Value::from(new.given_name.as_str().to_owned())));
        changes.push((C::FamilyName, Value::from(new.family_name.as_str().to_owned())));
        changes.push((
            C::SearchName,
            Value::from(search_key(new.family_name.as_str(), new.given_name.as_str())),
        ));
    }
    if let Some(born) = new.date_of_birth
        && stored.date_of_birth != Some(born)
    {
        changes.push((C::DateOfBirth, Value::from(born)));
    }
    if let Some(fsm) = new.free_school_meals
        && stored.free_school_meals != Some(fsm)
    {
        changes.push((C::FreeSchoolMeals, Value::from(fsm)));
    }
    changes
}

async fn update_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    actor: ImportActor,
    id: i64,
    changes: Vec<(learner::Column, Value)>,
    print: i64,
) -> Result<()> {
    use sea_orm::Iden;
    let fields: Vec<String> = changes
        .iter()
        .filter(|(column, _)| !matches!(column, learner::Column::SearchName))
        .map(|(column, _)| column.to_string())
        .collect();
    let mut update = Query::update();
    update.table(learner::Entity);
    for (column, value) in changes {
        update.value(column, SimpleExpr::Value(value));
    }
    update
        .value(learner::Column::ImportFingerprint, Expr::val(print))
        .value(learner::Column::UpdatedAt, Expr::val(now()))
        .and_where(learner::Column::Id.eq(id))
        .and_where(learner::Entity::in_org(org));
    conn.execute(&update).await?;
    let run = actor.run.map(|r| format!("import run {r}: ")).unwrap_or_default();
    let insert = Query::insert()
        .into_table(audit_event::Entity)
        .columns([
            audit_event::Column::OrganisationId,
            audit_event::Column::UserId,
            audit_event::Column::Action,
            audit_event::Column::SubjectType,
            audit_event::Column::SubjectId,
            audit_event::Column::Detail,
            audit_event::Column::At,
        ])
        .values_panic([
            Expr::val(org.0),
            Expr::val(actor.user.map(|u| u.0)),
            Expr::val("learner.import_update"),
            Expr::val("learner"),
            Expr::val(id),
            Expr::val(format!("{run}changed {}", fields.join(", "))),
            Expr::val(now()),
        ])
        .to_owned();
    conn.execute(&insert).await?;
    Ok(())
}

/// Inserts new learners (with their search names) with ids reserved up
/// front, returning the ids in the order given.
async fn insert_learners(
    conn: &BulkTransaction<'_>,
    org: OrganisationId,
    (rows, prints): (&[&ImportRow], &[i64]),
    search_names: &[String],
) -> Result<Vec<i64>> {
    const COLUMNS: [&str; 18] = [
        "id",
        "organisation_id",
        "uln",
        "upn",
        "mis_id",
        "given_name",
        "family_name",
        "search_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "lldd",
        "free_school_meals",
        "postcode",
        "tutor_group",
        "created_at",
        "updated_at",
        "import_fingerprint",
    ];
    let ids = conn.reserve_ids("learners", rows.len()).await?;
    let stamp = Cell::Stamp(now());
    let mut cells = Vec::with_capacity(rows.len() * COLUMNS.len());
    for (((row, &id), search_name), &print) in rows.iter().zip(&ids).zip(search_names).zip(prints) {
        let new = &row.learner;
        cells.extend([
            Cell::Int(id),
            Cell::Int(org.0),
            new.uln.as_ref().map(|u| u.as_str()).into(),
            new.upn.as_deref().into(),
            new.mis_id.as_deref().into(),
            Cell::Text(new.given_name.as_str()),
            Cell::Text(new.family_name.as_str()),
            Cell::Text(search_name),
            new.date_of_birth.into(),
            new.sex.map(|v| v.code()).into(),
            new.ethnicity.map(|v| v.code()).into(),
            new.lldd.map(|v| v.code()).into(),
            new.free_school_meals.into(),
            new.postcode.as_deref().into(),
            new.tutor_group.as_ref().map(|g| g.as_str()).into(),
            stamp,
            stamp,
            Cell::Int(print),
        ]);
    }
    conn.insert_rows("learners", &COLUMNS, &cells).await?;
    Ok(ids)
}

/// Flags each new learner whose name and date of birth match another learner
/// (stored, or earlier in the batch). Returns how many were flagged.
async fn flag_probable_duplicates(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    actor: ImportActor,
    known: &KnownLearners,
    (rows, search_names): (&[&ImportRow], &[String]),
    ids: &[i64],
    issues: &mut Vec<BatchIssue>,
) -> Result<u64> {
    let candidates: Vec<(usize, &str, NaiveDate)> = rows
        .iter()
        .zip(search_names)
        .enumerate()
        .filter_map(|(i, (row, name))| Some((i, name.as_str(), row.learner.date_of_birth?)))
        .collect();
    if candidates.is_empty() {
        return Ok(0);
    }
    // Only pairs a learner stored before this batch may hold, or that two
    // new learners share, can be duplicates. They are looked up by (name,
    // date of birth) on their own index: a common name alone can be held by
    // thousands of learners.
    let mut in_batch: HashMap<(&str, NaiveDate), u32> = HashMap::new();
    for &(_, name, born) in &candidates {
        *in_batch.entry((name, born)).or_default() += 1;
    }
    let wanted: HashSet<(&str, NaiveDate)> = in_batch
        .into_iter()
        .filter(|&(pair, seen)| seen > 1 || known.names_born.contains(&fingerprint(pair)))
        .map(|(pair, _)| pair)
        .collect();
    if wanted.is_empty() {
        return Ok(0);
    }
    let wanted_list: Vec<(&str, NaiveDate)> = wanted.iter().copied().collect();
    let mut holders: HashMap<(String, NaiveDate), Vec<i64>> = HashMap::new();
    for chunk in wanted_list.chunks(ROWS_PER_STATEMENT) {
        for (id, name, born) in learners_named_and_born(conn, org, chunk).await? {
            holders.entry((name, born)).or_default().push(id);
        }
    }
    let mut pairs = Vec::new();
    for (index, name, born) in candidates {
        if !wanted.contains(&(name, born)) {
            continue;
        }
        let id = ids[index];
        // The earliest other learner (lowest id) is the one to compare with.
        let Some(&other) = holders
            .get(&(name.to_owned(), born))
            .and_then(|ids| ids.iter().filter(|&&other| other != id).min())
        else {
            continue;
        };
        if other > id {
            continue;
        }
        pairs.push((id, other));
        let row = rows[index];
        issues.push(BatchIssue {
            row: row.number,
            field: "Surname",
            value: format!("{} {}", row.learner.given_name, row.learner.family_name),
            reason: format!(
                "probable duplicate: learner {other} has the same name and date of birth; imported as a new learner and flagged for review"
            ),
            is_error: false,
        });
    }
    if pairs.is_empty() {
        return Ok(0);
    }
    let stamp = now();
    let mut flagged = 0;
    for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
        let mut insert = Query::insert()
            .into_table(probable_duplicate::Entity)
            .columns([
                probable_duplicate::Column::OrganisationId,
                probable_duplicate::Column::LearnerId,
                probable_duplicate::Column::DuplicateOfId,
                probable_duplicate::Column::ImportRunId,
                probable_duplicate::Column::Resolved,
                probable_duplicate::Column::CreatedAt,
            ])
            .on_conflict(
                OnConflict::columns([
                    probable_duplicate::Column::OrganisationId,
                    probable_duplicate::Column::LearnerId,
                    probable_duplicate::Column::DuplicateOfId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .to_owned();
        for &(learner_id, other) in chunk {
            insert.values_panic([
                Expr::val(org.0),
                Expr::val(learner_id),
                Expr::val(other),
                Expr::val(actor.run.map(|r| r.0)),
                Expr::val(false),
                Expr::val(stamp),
            ]);
        }
        flagged += conn.execute(&insert).await?.rows_affected();
    }
    Ok(flagged)
}

/// The organisation's learners holding any of the (search name, date of birth)
/// pairs. SQLite walks its index for a row-value `IN`; PostgreSQL turns a long
/// one into a filter over every learner, so there the pairs are joined as a
/// `VALUES` list instead (one index probe each).
async fn learners_named_and_born(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    pairs: &[(&str, NaiveDate)],
) -> Result<Vec<(i64, String, NaiveDate)>> {
    use sea_orm::{DbBackend, Statement};
    let rows: Vec<(i64, String, Option<NaiveDate>)> = if conn.get_database_backend() == DbBackend::Postgres {
        let mut values: Vec<Value> = vec![Value::from(org.0)];
        let mut list = Vec::with_capacity(pairs.len());
        for (name, born) in pairs {
            values.push(Value::from((*name).to_owned()));
            values.push(Value::from(*born));
            let at = values.len();
            list.push(format!("(${}, ${}::date)", at - 1, at));
        }
        let sql = format!(
            "SELECT l.id, l.search_name, l.date_of_birth FROM learners l \
             JOIN (VALUES {}) AS wanted(name, born) ON l.search_name = wanted.name AND l.date_of_birth = wanted.born \
             WHERE l.organisation_id = $1",
            list.join(", ")
        );
        let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql, values);
        conn.query_all_raw(statement)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get("", "id")?,
                    row.try_get("", "search_name")?,
                    row.try_get("", "date_of_birth")?,
                ))
            })
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()?
    } else {
        learner::Entity::find()
            .select_only()
            .columns([
                learner::Column::Id,
                learner::Column::SearchName,
                learner::Column::DateOfBirth,
            ])
            .filter(learner::Entity::in_org(org))
            .filter(
                Expr::tuple([
                    Expr::col(learner::Column::SearchName),
                    Expr::col(learner::Column::DateOfBirth),
                ])
                .in_tuples(
                    pairs
                        .iter()
                        .map(|(name, born)| (Value::from((*name).to_owned()), Value::from(*born))),
                ),
            )
            .into_tuple()
            .all(conn)
            .await?
    };
    Ok(rows
        .into_iter()
        .filter_map(|(id, name, born)| Some((id, name, born?)))
        .collect())
}

async fn stored_contacts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner_ids: &[i64],
) -> Result<HashMap<i64, Vec<(ContactPointKind, String)>>> {
    let mut held: HashMap<i64, Vec<(ContactPointKind, String)>> = HashMap::new();
    for chunk in learner_ids.chunks(ROWS_PER_STATEMENT * 5) {
        let found: Vec<(i64, String, String)> = contact_point::Entity::find()
            .select_only()
            .columns([
                contact_point::Column::LearnerId,
                contact_point::Column::Kind,
                contact_point::Column::Value,
            ])
            .filter(contact_point::Entity::in_org(org))
            .filter(contact_point::Column::LearnerId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(conn)
            .await?;
        for (learner_id, kind, value) in found {
            if let Some(kind) = ContactPointKind::from_code(&kind) {
                held.entry(learner_id).or_default().push((kind, value));
            }
        }
    }
    Ok(held)
}

async fn insert_contacts(
    conn: &BulkTransaction<'_>,
    org: OrganisationId,
    contacts: &[(i64, ContactPointKind, &str)],
) -> Result<u64> {
    const COLUMNS: [&str; 7] = [
        "organisation_id",
        "learner_id",
        "kind",
        "value",
        "consent",
        "valid",
        "created_at",
    ];
    let stamp = Cell::Stamp(now());
    let mut cells = Vec::with_capacity(contacts.len() * COLUMNS.len());
    for (learner_id, kind, value) in contacts {
        cells.extend([
            Cell::Int(org.0),
            Cell::Int(*learner_id),
            Cell::Text(kind.code()),
            Cell::Text(value),
            // Contact details the provider holds for its learners, for
            // following up their destinations (see the privacy notice).
            Cell::Bool(true),
            Cell::Bool(true),
            stamp,
        ]);
    }
    Ok(conn.insert_rows("contact_points", &COLUMNS, &cells).await?)
}

async fn programme_id(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    caches: &mut ImportCaches,
    enrolment: &EnrolmentRow,
    counts: &mut ImportCounts,
) -> Result<i64> {
    let spec = &enrolment.programme;
    let key = name_key(&spec.title);
    if let Some(&id) = caches.programmes.get(&key) {
        return Ok(id);
    }
    let id = crate::repo::programmes::create_programme(
        conn,
        org,
        &crate::repo::programmes::NewProgramme {
            title: spec.title.trim().to_owned(),
            programme_type: onward_domain::programme::ProgrammeType::Other,
            level: spec.level,
            sector_subject_area: spec.sector_subject_area,
            mode: spec.mode,
            funding_stream: None,
        },
    )
    .await?;
    counts.programmes_created += 1;
    caches.programmes.insert(key, id.0);
    Ok(id.0)
}

async fn cohort_id(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    caches: &mut ImportCaches,
    name: &str,
    counts: &mut ImportCounts,
) -> Result<i64> {
    let key = name_key(name);
    if let Some(&id) = caches.cohorts.get(&key) {
        return Ok(id);
    }
    let id = crate::repo::cohorts::create_cohort(
        conn,
        org,
        &crate::repo::cohorts::NewCohort {
            name: name.trim().to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await?;
    counts.cohorts_created += 1;
    caches.cohorts.insert(key, id.0);
    Ok(id.0)
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct NewEnrolment {
    learner_id: i64,
    programme_id: i64,
    cohort_id: i64,
    start: NaiveDate,
    planned_end: NaiveDate,
    actual_end: Option<NaiveDate>,
    status: CompletionStatus,
}

struct HeldEnrolment {
    id: i64,
    wanted: NewEnrolment,
    fingerprint: Option<i64>,
}

type EnrolmentKey = (i64, i64, NaiveDate);

async fn stored_enrolments(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner_ids: &[i64],
) -> Result<HashMap<EnrolmentKey, HeldEnrolment>> {
    let mut held = HashMap::new();
    for chunk in learner_ids.chunks(ROWS_PER_STATEMENT * 5) {
        for model in enrolment::Entity::find_in(org)
            .filter(enrolment::Column::LearnerId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            let Some(status) = CompletionStatus::from_code(&model.completion_status) else {
                continue;
            };
            held.insert(
                (model.learner_id, model.programme_id, model.start_date),
                HeldEnrolment {
                    id: model.id,
                    wanted: NewEnrolment {
                        learner_id: model.learner_id,
                        programme_id: model.programme_id,
                        cohort_id: model.cohort_id,
                        start: model.start_date,
                        planned_end: model.planned_end_date,
                        actual_end: model.actual_end_date,
                        status,
                    },
                    fingerprint: model.import_fingerprint,
                },
            );
        }
    }
    Ok(held)
}

async fn update_enrolment(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: i64,
    wanted: &NewEnrolment,
    print: i64,
) -> Result<()> {
    let update = Query::update()
        .table(enrolment::Entity)
        .value(enrolment::Column::CohortId, wanted.cohort_id)
        .value(enrolment::Column::PlannedEndDate, wanted.planned_end)
        .value(enrolment::Column::ActualEndDate, wanted.actual_end)
        .value(enrolment::Column::CompletionStatus, wanted.status.code())
        .value(enrolment::Column::ImportFingerprint, print)
        .and_where(enrolment::Column::Id.eq(id))
        .and_where(enrolment::Entity::in_org(org))
        .to_owned();
    conn.execute(&update).await?;
    Ok(())
}

/// The `cohort_members` rows of the batch's new learners (`new_names`: id to
/// search name), one per learner and cohort with their latest enrolment dates,
/// as `repo::cohort_members` derives them: a learner new in this batch has
/// every enrolment in `enrolments` and no destination, offer or support flag yet.
async fn insert_cohort_members(
    conn: &BulkTransaction<'_>,
    org: OrganisationId,
    enrolments: &[NewEnrolment],
    new_names: &FxHashMap<i64, &str>,
) -> Result<u64> {
    use crate::repo::cohort_members::COLUMNS;
    // (learner, cohort) -> (last start, last planned end, last leaving date).
    let mut members: std::collections::BTreeMap<(i64, i64), (NaiveDate, NaiveDate, NaiveDate)> =
        std::collections::BTreeMap::new();
    for e in enrolments
        .iter()
        .filter(|e| new_names.contains_key(&e.learner_id))
    {
        let leaving = e.actual_end.unwrap_or(e.planned_end);
        let dates = members
            .entry((e.learner_id, e.cohort_id))
            .or_insert((e.start, e.planned_end, leaving));
        dates.0 = Ord::max(dates.0, e.start);
        dates.1 = Ord::max(dates.1, e.planned_end);
        dates.2 = Ord::max(dates.2, leaving);
    }
    let mut cells = Vec::with_capacity(members.len() * COLUMNS.len());
    for ((learner, cohort), (start, planned_end, leaving)) in members {
        cells.extend([
            Cell::Int(org.0),
            Cell::Int(cohort),
            Cell::Int(learner),
            Cell::Text(new_names[&learner]),
            Cell::Null,
            Cell::Null,
            Cell::Bool(false),
            Cell::Date(start),
            Cell::Date(planned_end),
            Cell::Date(leaving),
        ]);
    }
    Ok(conn.insert_rows("cohort_members", &COLUMNS, &cells).await?)
}

async fn insert_enrolments(
    conn: &BulkTransaction<'_>,
    org: OrganisationId,
    enrolments: &[NewEnrolment],
    prints: &[i64],
) -> Result<u64> {
    const COLUMNS: [&str; 10] = [
        "organisation_id",
        "learner_id",
        "programme_id",
        "cohort_id",
        "start_date",
        "planned_end_date",
        "actual_end_date",
        "completion_status",
        "created_at",
        "import_fingerprint",
    ];
    let stamp = Cell::Stamp(now());
    let mut cells = Vec::with_capacity(enrolments.len() * COLUMNS.len());
    for (e, &print) in enrolments.iter().zip(prints) {
        cells.extend([
            Cell::Int(org.0),
            Cell::Int(e.learner_id),
            Cell::Int(e.programme_id),
            Cell::Int(e.cohort_id),
            Cell::Date(e.start),
            Cell::Date(e.planned_end),
            e.actual_end.into(),
            Cell::Text(e.status.code()),
            stamp,
            Cell::Int(print),
        ]);
    }
    Ok(conn.insert_rows("enrolments", &COLUMNS, &cells).await?)
}
