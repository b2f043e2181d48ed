//! Learners: the people Onward tracks.

use chrono::NaiveDate;
use onward_domain::learner::{Ethnicity, Lldd, NewLearner, Sex};
use onward_domain::tutor_group::TutorGroup;
use onward_domain::uln::Uln;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    Set,
};

use super::{decode_opt, now};
use crate::entities::learner;
use crate::repo::scope::{LearnerScope, learners_in_scope};
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{LearnerId, OrganisationId, Result, StorageError};

/// A learner as stored: the ULN as a [`Uln`]; the other identifiers as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Learner {
    pub id: LearnerId,
    pub organisation_id: OrganisationId,
    pub uln: Option<Uln>,
    pub upn: Option<String>,
    pub mis_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub ethnicity: Option<Ethnicity>,
    pub lldd: Option<Lldd>,
    pub free_school_meals: Option<bool>,
    pub care_leaver: Option<bool>,
    pub send: Option<bool>,
    pub postcode: Option<String>,
    pub preferred_language: Option<String>,
    pub tutor_group: Option<TutorGroup>,
}

fn from_model(model: learner::Model) -> Result<Learner> {
    Ok(Learner {
        id: LearnerId(model.id),
        organisation_id: OrganisationId(model.organisation_id),
        sex: decode_opt("learners", "sex", model.sex.as_deref())?,
        ethnicity: decode_opt("learners", "ethnicity", model.ethnicity.as_deref())?,
        lldd: decode_opt("learners", "lldd", model.lldd.as_deref())?,
        uln: decode_opt("learners", "uln", model.uln.as_deref())?,
        tutor_group: super::tutor_groups::learner_group(model.tutor_group.as_deref())?,
        upn: model.upn,
        mis_id: model.mis_id,
        given_name: model.given_name,
        family_name: model.family_name,
        date_of_birth: model.date_of_birth,
        free_school_meals: model.free_school_meals,
        care_leaver: model.care_leaver,
        send: model.send,
        postcode: model.postcode,
        preferred_language: model.preferred_language,
    })
}

/// The lower-cased "family given" key that name search runs on, on both backends.
pub fn search_key(family_name: &str, given_name: &str) -> String {
    format!("{} {}", family_name.trim(), given_name.trim()).to_lowercase()
}

fn active_model(org: OrganisationId, new: &NewLearner) -> learner::ActiveModel {
    let stamp = now();
    learner::ActiveModel {
        organisation_id: Set(org.0),
        uln: Set(new.uln.as_ref().map(|uln| uln.as_str().to_owned())),
        upn: Set(new.upn.clone()),
        mis_id: Set(new.mis_id.clone()),
        given_name: Set(new.given_name.as_str().to_owned()),
        family_name: Set(new.family_name.as_str().to_owned()),
        search_name: Set(search_key(new.family_name.as_str(), new.given_name.as_str())),
        date_of_birth: Set(new.date_of_birth),
        sex: Set(new.sex.map(|v| v.code().to_owned())),
        ethnicity: Set(new.ethnicity.map(|v| v.code().to_owned())),
        lldd: Set(new.lldd.map(|v| v.code().to_owned())),
        free_school_meals: Set(new.free_school_meals),
        care_leaver: Set(new.care_leaver),
        send: Set(new.send),
        postcode: Set(new.postcode.clone()),
        preferred_language: Set(new.preferred_language.clone()),
        tutor_group: Set(new.tutor_group.as_ref().map(|group| group.as_str().to_owned())),
        created_at: Set(stamp),
        updated_at: Set(stamp),
        ..Default::default()
    }
}

/// Adds a learner. A ULN or MIS id already used in the organisation is a
/// [`StorageError::Duplicate`], never a second record.
pub async fn insert_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewLearner,
) -> Result<LearnerId> {
    new.validate().map_err(|err| StorageError::InvalidStoredValue {
        table: "learners",
        column: "uln/mis_id",
        value: String::new(),
        reason: err.to_string(),
    })?;
    let model = active_model(org, new).insert(conn).await.map_err(|err| {
        StorageError::from_insert(err, || {
            let id = new
                .uln
                .as_ref()
                .map(|uln| format!("ULN {}", uln.as_str()))
                .or_else(|| new.mis_id.as_ref().map(|mis| format!("MIS id {mis}")))
                .unwrap_or_default();
            format!("a learner with {id}")
        })
    })?;
    Ok(LearnerId(model.id))
}

/// One learner of the organisation; a learner of another organisation is "not found".
pub async fn learner(conn: &impl ConnectionTrait, org: OrganisationId, id: LearnerId) -> Result<Learner> {
    find_owned::<learner::Entity>(conn, org, id.0, || format!("learner {id}"))
        .await
        .and_then(from_model)
}

/// The learner of `org` whose ULN, else whose MIS id, is `identifier`.
pub async fn learner_by_uln_or_mis_id(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    identifier: &str,
) -> Result<Option<LearnerId>> {
    let identifier = identifier.trim();
    for column in [learner::Column::Uln, learner::Column::MisId] {
        let found = learner::Entity::find_in(org)
            .select_only()
            .column(learner::Column::Id)
            .filter(column.eq(identifier))
            .into_tuple::<i64>()
            .one(conn)
            .await?;
        if let Some(id) = found {
            return Ok(Some(LearnerId(id)));
        }
    }
    Ok(None)
}

/// One learner of the organisation that `scope` lets the user see; a learner
/// outside it (another tutor group, another organisation) is "not found".
pub async fn learner_in_scope(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    id: LearnerId,
) -> Result<Learner> {
    learners_in_scope(org, scope)
        .filter(learner::Column::Id.eq(id.0))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("learner {id}")))
        .and_then(from_model)
}

pub async fn count_learners(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<u64> {
    Ok(learner::Entity::find_in(org).count(conn).await?)
}

/// Inserts many learners in one multi-row statement per chunk (for imports and
/// generators). Rows are validated first; nothing is written if one is invalid.
pub async fn insert_learners_bulk(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learners: &[NewLearner],
) -> Result<()> {
    for (row, new) in learners.iter().enumerate() {
        new.validate().map_err(|err| StorageError::InvalidStoredValue {
            table: "learners",
            column: "uln/mis_id",
            value: format!("row {}", row + 1),
            reason: err.to_string(),
        })?;
    }
    // 19 bound values a row: 500 rows stay far below SQLite's and PostgreSQL's limits.
    for chunk in learners.chunks(500) {
        learner::Entity::insert_many(chunk.iter().map(|new| active_model(org, new)))
            .exec(conn)
            .await
            .map_err(|err| {
                StorageError::from_insert(err, || "a learner with the same ULN or MIS id".to_owned())
            })?;
    }
    Ok(())
}

/// Replaces a learner's details and says which fields changed (for the audit
/// trail). A ULN or MIS id used by another learner is a [`StorageError::Duplicate`].
pub async fn update_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: LearnerId,
    new: &NewLearner,
) -> Result<Vec<&'static str>> {
    new.validate().map_err(|err| StorageError::InvalidStoredValue {
        table: "learners",
        column: "uln/mis_id",
        value: String::new(),
        reason: err.to_string(),
    })?;
    let existing = find_owned::<learner::Entity>(conn, org, id.0, || format!("learner {id}")).await?;
    let mut replacement = active_model(org, new);
    replacement.id = Set(existing.id);
    replacement.created_at = Set(existing.created_at);
    // The import's fingerprint says "the learner is as the file last had
    // them": no longer true, so the next import compares their row in full.
    replacement.import_fingerprint = Set(None);
    let updated = replacement.clone();
    let changed: Vec<&'static str> = [
        ("uln", existing.uln != *updated.uln.as_ref()),
        ("upn", existing.upn != *updated.upn.as_ref()),
        ("mis_id", existing.mis_id != *updated.mis_id.as_ref()),
        ("given_name", existing.given_name != *updated.given_name.as_ref()),
        (
            "family_name",
            existing.family_name != *updated.family_name.as_ref(),
        ),
        (
            "date_of_birth",
            existing.date_of_birth != *updated.date_of_birth.as_ref(),
        ),
        ("postcode", existing.postcode != *updated.postcode.as_ref()),
        ("sex", existing.sex != *updated.sex.as_ref()),
        ("ethnicity", existing.ethnicity != *updated.ethnicity.as_ref()),
        ("lldd", existing.lldd != *updated.lldd.as_ref()),
        (
            "free_school_meals",
            existing.free_school_meals != *updated.free_school_meals.as_ref(),
        ),
        (
            "care_leaver",
            existing.care_leaver != *updated.care_leaver.as_ref(),
        ),
        ("send", existing.send != *updated.send.as_ref()),
        (
            "preferred_language",
            existing.preferred_language != *updated.preferred_language.as_ref(),
        ),
        (
            "tutor_group",
            existing.tutor_group != *updated.tutor_group.as_ref(),
        ),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect();
    if changed.is_empty() {
        return Ok(changed);
    }
    replacement.update(conn).await.map_err(|err| {
        StorageError::from_insert(err, || "another learner with this ULN or MIS id".to_owned())
    })?;
    // The cohort lists sort by the learner's name.
    super::cohort_members::keep_cohort_members(conn, org, &[id.0]).await?;
    Ok(changed)
}

/// The organisation's learners with these ids, in name order (ids of other
/// organisations are ignored).
pub async fn learners_by_ids(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    ids: &[i64],
) -> Result<Vec<Learner>> {
    use sea_orm::QueryOrder;
    let mut found = Vec::with_capacity(ids.len());
    // Bounded IN lists: SQLite allows 32,766 bound values per statement.
    for chunk in ids.chunks(10_000) {
        found.extend(
            learner::Entity::find_in(org)
                .filter(learner::Column::Id.is_in(chunk.iter().copied()))
                .order_by_asc(learner::Column::SearchName)
                .all(conn)
                .await?,
        );
    }
    found.sort_by(|a, b| (&a.search_name, a.id).cmp(&(&b.search_name, b.id)));
    found.into_iter().map(from_model).collect()
}
