//! Finding learners: by name prefix, ULN, MIS id or postcode, with filters,
//! paged by keyset on the indexed `(organisation_id, search_name, id)` so the
//! thousandth page is as fast as the first at a million learners.

use chrono::NaiveDate;
use onward_domain::enrolment::CompletionStatus;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::{enrolment, learner};
use crate::repo::scope::{LearnerScope, learners_in_scope};
use crate::{CohortId, LearnerId, OrganisationId, ProgrammeId, Result};

/// What the searcher typed and chose. Empty text lists everyone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LearnerQuery {
    pub text: String,
    pub cohort: Option<CohortId>,
    pub programme: Option<ProgrammeId>,
    pub status: Option<CompletionStatus>,
}

/// Where the previous page ended: its last row's search key and id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageAfter {
    pub search_name: String,
    pub id: LearnerId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnerSummary {
    pub id: LearnerId,
    pub given_name: String,
    pub family_name: String,
    pub uln: Option<String>,
    pub mis_id: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub postcode: Option<String>,
    pub search_name: String,
}

/// Everything strictly after `prefix` that still starts with it, as a range
/// the index can scan: [prefix, prefix + U+10FFFF).
fn prefix_range(column: learner::Column, prefix: &str) -> Condition {
    Condition::all()
        .add(column.gte(prefix))
        .add(column.lt(format!("{prefix}\u{10FFFF}")))
}

/// The ways the typed text can match, each one an index range on its own. They
/// are run as separate queries and merged: an `OR` across different indexes
/// makes PostgreSQL walk the name index from the start at a million rows.
fn text_alternatives(text: &str) -> Vec<Condition> {
    let text = text.trim();
    if text.is_empty() {
        return vec![Condition::all()];
    }
    if text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit()) {
        return vec![Condition::all().add(learner::Column::Uln.eq(text))];
    }
    let lowered = text.to_lowercase();
    let mut alternatives = vec![Condition::all().add(learner::Column::MisId.eq(text))];
    if text.chars().any(|c| c.is_ascii_digit()) {
        // Postcodes are stored upper-case with one space: "ls6 2ab" finds "LS6 2AB",
        // and an outward code alone ("LS6") means that district, not LS60–LS69.
        let postcode = text.to_uppercase();
        let prefix = if postcode.contains(' ') {
            postcode
        } else {
            format!("{postcode} ")
        };
        alternatives.push(prefix_range(learner::Column::Postcode, &prefix));
    } else {
        // Name prefix, as "family given" or typed as "given family".
        alternatives.push(prefix_range(learner::Column::SearchName, &lowered));
        let words: Vec<&str> = lowered.split_whitespace().collect();
        if let [given, family @ ..] = words.as_slice()
            && !family.is_empty()
        {
            let swapped = format!("{} {given}", family.join(" "));
            alternatives.push(prefix_range(learner::Column::SearchName, &swapped));
        }
    }
    alternatives
}

/// One page of the organisation's learners in `scope` matching `query`, in name order.
pub async fn search_learners(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    query: &LearnerQuery,
    after: Option<&PageAfter>,
    limit: u64,
) -> Result<Vec<LearnerSummary>> {
    let mut select = learners_in_scope(org, scope);
    if query.cohort.is_some() || query.programme.is_some() || query.status.is_some() {
        let mut enrolled = Query::select()
            .expr(Expr::val(1))
            .from(enrolment::Entity)
            .and_where(Expr::col((enrolment::Entity, enrolment::Column::OrganisationId)).eq(org.0))
            .and_where(
                Expr::col((enrolment::Entity, enrolment::Column::LearnerId))
                    .equals((learner::Entity, learner::Column::Id)),
            )
            .to_owned();
        if let Some(cohort) = query.cohort {
            enrolled.and_where(Expr::col((enrolment::Entity, enrolment::Column::CohortId)).eq(cohort.0));
        }
        if let Some(programme) = query.programme {
            enrolled
                .and_where(Expr::col((enrolment::Entity, enrolment::Column::ProgrammeId)).eq(programme.0));
        }
        if let Some(status) = query.status {
            enrolled.and_where(
                Expr::col((enrolment::Entity, enrolment::Column::CompletionStatus)).eq(status.code()),
            );
        }
        select = select.filter(Expr::exists(enrolled));
    }
    if let Some(after) = after {
        // (search_name, id) > (after): the leading `>=` gives the index a range
        // start on both backends, so a deep page costs the same as the first.
        select = select
            .filter(learner::Column::SearchName.gte(after.search_name.as_str()))
            .filter(
                Condition::any()
                    .add(learner::Column::SearchName.gt(after.search_name.as_str()))
                    .add(learner::Column::Id.gt(after.id.0)),
            );
    }
    let mut merged: Vec<learner::Model> = Vec::new();
    for alternative in text_alternatives(&query.text) {
        let rows = select
            .clone()
            .filter(alternative)
            .order_by_asc(learner::Column::SearchName)
            .order_by_asc(learner::Column::Id)
            .limit(limit)
            .all(conn)
            .await?;
        merged.extend(rows);
    }
    merged.sort_by(|a, b| (&a.search_name, a.id).cmp(&(&b.search_name, b.id)));
    merged.dedup_by_key(|model| model.id);
    merged.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(merged
        .into_iter()
        .map(|model| LearnerSummary {
            id: LearnerId(model.id),
            given_name: model.given_name,
            family_name: model.family_name,
            uln: model.uln,
            mis_id: model.mis_id,
            date_of_birth: model.date_of_birth,
            postcode: model.postcode,
            search_name: model.search_name,
        })
        .collect())
}
