//! Support for non-progressors (seed 002): staff flags, referrals with an
//! owner and a follow-up date, their outcomes, and the at-risk list. The
//! at-risk decision itself is the domain's (`support::at_risk_reasons`); this
//! module gathers its inputs.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use onward_domain::destination::DestinationCategory;
use onward_domain::enrolment::EnrolmentDates;
use onward_domain::support::{AtRiskReason, ReferralOutcome, ReferralType, at_risk_reasons};
use onward_domain::tracking::TrackingPlan;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::cohort_lists::{self, Page, PageRequest};
use super::learners::Learner;
use super::{decode, decode_opt, now};
use crate::entities::{cohort, enrolment, learner, referral, support_flag, user};
use crate::repo::scope::LearnerScope;
use crate::repo::tenant::TenantScoped;
use crate::{
    CohortId, LearnerId, OrganisationId, ReferralId, Result, StorageError, SupportFlagId, TrackingPlanId,
    UserId,
};

/// Display names of the organisation's users with these ids.
pub(crate) async fn user_names(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    ids: Vec<UserId>,
) -> Result<HashMap<UserId, String>> {
    let mut ids: Vec<i64> = ids.into_iter().map(|id| id.0).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::DisplayName])
        .filter(user::Entity::in_org(org))
        .filter(user::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, name)| (UserId(id), name))
        .collect())
}

// ---------------------------------------------------------------- flags

/// A concern raised by staff that a learner may not progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub id: SupportFlagId,
    pub learner: LearnerId,
    pub reason: String,
    pub raised_by_name: Option<String>,
    pub raised_at: DateTime<Utc>,
    pub cleared_by_name: Option<String>,
    pub cleared_at: Option<DateTime<Utc>>,
    pub cleared_note: Option<String>,
}

impl Flag {
    pub fn is_open(&self) -> bool {
        self.cleared_at.is_none()
    }
}

/// Flags a learner of `org` as at risk, with the reason.
pub async fn raise_flag(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    reason: &str,
    raised_by: Option<UserId>,
) -> Result<SupportFlagId> {
    super::learners::learner(conn, org, learner).await?;
    let model = support_flag::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        reason: Set(reason.to_owned()),
        raised_by: Set(raised_by.map(|id| id.0)),
        raised_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    super::cohort_members::keep_cohort_members(conn, org, &[learner.0]).await?;
    Ok(SupportFlagId(model.id))
}

/// Clears an open flag of the learner. A flag already cleared, or another
/// learner's, is "not found", so a double-submitted form changes nothing.
pub async fn clear_flag(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    flag: SupportFlagId,
    note: Option<&str>,
    cleared_by: Option<UserId>,
) -> Result<()> {
    let result = support_flag::Entity::update_many()
        .col_expr(support_flag::Column::ClearedAt, Expr::value(now()))
        .col_expr(
            support_flag::Column::ClearedBy,
            Expr::value(cleared_by.map(|id| id.0)),
        )
        .col_expr(
            support_flag::Column::ClearedNote,
            Expr::value(note.map(str::to_owned)),
        )
        .filter(support_flag::Column::Id.eq(flag.0))
        .filter(support_flag::Column::LearnerId.eq(learner.0))
        .filter(support_flag::Entity::in_org(org))
        .filter(support_flag::Column::ClearedAt.is_null())
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(StorageError::not_found(format!("open flag {flag}")));
    }
    super::cohort_members::keep_cohort_members(conn, org, &[learner.0]).await
}

/// A learner's flags, oldest first, open and cleared.
pub async fn flags_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<Flag>> {
    let models = support_flag::Entity::find_in(org)
        .filter(support_flag::Column::LearnerId.eq(learner.0))
        .order_by_asc(support_flag::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<UserId> = models
        .iter()
        .flat_map(|m| [m.raised_by, m.cleared_by])
        .flatten()
        .map(UserId)
        .collect();
    let names = user_names(conn, org, ids).await?;
    let name = |id: Option<i64>| id.and_then(|id| names.get(&UserId(id)).cloned());
    Ok(models
        .into_iter()
        .map(|model| Flag {
            id: SupportFlagId(model.id),
            learner: LearnerId(model.learner_id),
            raised_by_name: name(model.raised_by),
            cleared_by_name: name(model.cleared_by),
            reason: model.reason,
            raised_at: model.raised_at,
            cleared_at: model.cleared_at,
            cleared_note: model.cleared_note,
        })
        .collect())
}

// ---------------------------------------------------------------- referrals

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReferral {
    pub referral_type: ReferralType,
    /// The member of staff who follows it up; it appears in their My work.
    pub owner: UserId,
    pub follow_up_on: NaiveDate,
    pub notes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referral {
    pub id: ReferralId,
    pub learner: LearnerId,
    pub learner_name: String,
    pub referral_type: ReferralType,
    pub owner: Option<UserId>,
    pub owner_name: Option<String>,
    pub follow_up_on: NaiveDate,
    pub notes: Option<String>,
    pub opened_by_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub outcome: Option<ReferralOutcome>,
    pub outcome_note: Option<String>,
    pub closed_by_name: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl Referral {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

async fn referrals_from_models(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    models: Vec<referral::Model>,
) -> Result<Vec<Referral>> {
    let ids: Vec<UserId> = models
        .iter()
        .flat_map(|m| [m.owner_id, m.opened_by, m.closed_by])
        .flatten()
        .map(UserId)
        .collect();
    let names = user_names(conn, org, ids).await?;
    let mut learner_ids: Vec<i64> = models.iter().map(|m| m.learner_id).collect();
    learner_ids.sort_unstable();
    learner_ids.dedup();
    let learner_names: HashMap<i64, String> = learner::Entity::find()
        .select_only()
        .columns([
            learner::Column::Id,
            learner::Column::GivenName,
            learner::Column::FamilyName,
        ])
        .filter(learner::Entity::in_org(org))
        .filter(learner::Column::Id.is_in(learner_ids))
        .into_tuple::<(i64, String, String)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, given, family)| (id, format!("{given} {family}")))
        .collect();
    let name = |id: Option<i64>| id.and_then(|id| names.get(&UserId(id)).cloned());
    const T: &str = "referrals";
    models
        .into_iter()
        .map(|model| {
            Ok(Referral {
                id: ReferralId(model.id),
                learner: LearnerId(model.learner_id),
                learner_name: learner_names.get(&model.learner_id).cloned().unwrap_or_default(),
                referral_type: decode(T, "referral_type", &model.referral_type)?,
                owner: model.owner_id.map(UserId),
                owner_name: name(model.owner_id),
                follow_up_on: model.follow_up_on,
                notes: model.notes,
                opened_by_name: name(model.opened_by),
                opened_at: model.opened_at,
                outcome: decode_opt(T, "outcome", model.outcome.as_deref())?,
                outcome_note: model.outcome_note,
                closed_by_name: name(model.closed_by),
                closed_at: model.closed_at,
            })
        })
        .collect()
}

/// Opens a referral for a learner of `org`, owned by an active member of staff
/// of the same organisation.
pub async fn open_referral(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    new: &NewReferral,
    opened_by: Option<UserId>,
) -> Result<ReferralId> {
    super::learners::learner(conn, org, learner).await?;
    let owner = super::users::user_in_organisation(conn, org, new.owner).await?;
    if !owner.active {
        return Err(StorageError::not_found(format!("active user {}", new.owner)));
    }
    let model = referral::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        referral_type: Set(new.referral_type.code().to_owned()),
        owner_id: Set(Some(new.owner.0)),
        follow_up_on: Set(new.follow_up_on),
        notes: Set(new.notes.clone()),
        opened_by: Set(opened_by.map(|id| id.0)),
        opened_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(ReferralId(model.id))
}

/// Closes an open referral with its outcome. A closed referral, or another
/// learner's, is "not found": the first outcome recorded stands.
pub async fn close_referral(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    id: ReferralId,
    outcome: ReferralOutcome,
    note: Option<&str>,
    closed_by: Option<UserId>,
) -> Result<()> {
    let result = referral::Entity::update_many()
        .col_expr(referral::Column::Outcome, Expr::value(outcome.code()))
        .col_expr(
            referral::Column::OutcomeNote,
            Expr::value(note.map(str::to_owned)),
        )
        .col_expr(referral::Column::ClosedBy, Expr::value(closed_by.map(|id| id.0)))
        .col_expr(referral::Column::ClosedAt, Expr::value(now()))
        .filter(referral::Column::Id.eq(id.0))
        .filter(referral::Column::LearnerId.eq(learner.0))
        .filter(referral::Entity::in_org(org))
        .filter(referral::Column::ClosedAt.is_null())
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(StorageError::not_found(format!("open referral {id}")));
    }
    Ok(())
}

/// One referral of a learner of `org`.
pub async fn referral(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    id: ReferralId,
) -> Result<Referral> {
    let model = referral::Entity::find_by_id(id.0)
        .filter(referral::Entity::in_org(org))
        .filter(referral::Column::LearnerId.eq(learner.0))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("referral {id}")))?;
    referrals_from_models(conn, org, vec![model])
        .await?
        .pop()
        .ok_or_else(|| StorageError::not_found(format!("referral {id}")))
}

/// A learner's referrals, oldest first.
pub async fn referrals_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<Referral>> {
    let models = referral::Entity::find_in(org)
        .filter(referral::Column::LearnerId.eq(learner.0))
        .order_by_asc(referral::Column::Id)
        .all(conn)
        .await?;
    referrals_from_models(conn, org, models).await
}

/// The open referrals `owner` follows up of learners in `scope`, oldest
/// follow-up date first (for My work).
pub async fn open_referrals_for_owner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    owner: UserId,
    limit: u64,
) -> Result<Vec<Referral>> {
    let models = referral::Entity::find_in(org)
        .filter(referral::Column::OwnerId.eq(owner.0))
        .filter(scope.learner_ids(org, (referral::Entity, referral::Column::LearnerId)))
        .filter(referral::Column::ClosedAt.is_null())
        .order_by_asc(referral::Column::FollowUpOn)
        .order_by_asc(referral::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    referrals_from_models(conn, org, models).await
}

// ---------------------------------------------------------------- at risk

/// The last date any checkpoint of `plan` falls due for an enrolment.
fn last_checkpoint(
    plan: &TrackingPlan,
    dates: &EnrolmentDates,
    results_day: Option<NaiveDate>,
) -> Option<NaiveDate> {
    plan.checkpoints
        .iter()
        .filter_map(|checkpoint| checkpoint.due_date(dates, results_day))
        .max()
}

/// A cohort's tracking plan and results day, if it follows a plan.
async fn cohort_plan(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: CohortId,
) -> Result<Option<(TrackingPlan, Option<NaiveDate>)>> {
    let Some(model) = cohort::Entity::find_by_id(id.0)
        .filter(cohort::Entity::in_org(org))
        .one(conn)
        .await?
    else {
        return Err(StorageError::not_found(format!("cohort {id}")));
    };
    let Some(plan) = model.tracking_plan_id else {
        return Ok(None);
    };
    let plan = super::plans::tracking_plan(conn, org, TrackingPlanId(plan)).await?;
    Ok(Some((plan, model.results_day)))
}

/// A learner at risk of not progressing, with every reason that applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtRiskLearner {
    pub learner: Learner,
    pub reasons: Vec<AtRiskReason>,
    pub open_referrals: usize,
}

/// The cohort's learners at risk (NEET, not known after the last checkpoint of
/// the cohort's plan, or flagged by staff), by name: all of them.
pub async fn at_risk_in_cohort(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    id: CohortId,
    today: NaiveDate,
) -> Result<Vec<AtRiskLearner>> {
    Ok(at_risk(conn, org, scope, id, today, None).await?.items)
}

/// One page of the cohort's learners at risk, by name, with the size of the whole list.
pub async fn at_risk_in_cohort_page(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    id: CohortId,
    today: NaiveDate,
    page: PageRequest,
) -> Result<Page<AtRiskLearner>> {
    at_risk(conn, org, scope, id, today, Some(page)).await
}

/// The database selects the page's learners on the conditions of
/// `at_risk_reasons` (see [`cohort_lists`]); the reasons shown are then worked
/// out by the domain rule itself from each learner's current destination, last
/// checkpoint and open flags.
async fn at_risk(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    scope: &LearnerScope,
    id: CohortId,
    today: NaiveDate,
    page: Option<PageRequest>,
) -> Result<Page<AtRiskLearner>> {
    let plan = cohort_plan(conn, org, id).await?;
    let (ids, total, page) =
        cohort_lists::at_risk_ids(conn, org, scope, id, plan.as_ref(), today, page).await?;
    let mut last_due: HashMap<i64, NaiveDate> = HashMap::new();
    let mut flags: HashMap<i64, Vec<String>> = HashMap::new();
    let mut referrals: HashMap<i64, usize> = HashMap::new();
    for chunk in ids.chunks(10_000) {
        if let Some((plan, results_day)) = &plan {
            let enrolments: Vec<(i64, NaiveDate, NaiveDate, Option<NaiveDate>)> = enrolment::Entity::find()
                .select_only()
                .columns([
                    enrolment::Column::LearnerId,
                    enrolment::Column::StartDate,
                    enrolment::Column::PlannedEndDate,
                    enrolment::Column::ActualEndDate,
                ])
                .filter(enrolment::Entity::in_org(org))
                .filter(enrolment::Column::CohortId.eq(id.0))
                .filter(enrolment::Column::LearnerId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(conn)
                .await?;
            for (learner, start, planned_end, actual_end) in enrolments {
                let dates = EnrolmentDates {
                    start,
                    planned_end,
                    actual_end,
                };
                if let Some(due) = last_checkpoint(plan, &dates, *results_day) {
                    let entry = last_due.entry(learner).or_insert(due);
                    *entry = Ord::max(*entry, due);
                }
            }
        }
        for (learner, reason) in support_flag::Entity::find()
            .select_only()
            .columns([support_flag::Column::LearnerId, support_flag::Column::Reason])
            .filter(support_flag::Entity::in_org(org))
            .filter(support_flag::Column::ClearedAt.is_null())
            .filter(support_flag::Column::LearnerId.is_in(chunk.iter().copied()))
            .order_by_asc(support_flag::Column::Id)
            .into_tuple::<(i64, String)>()
            .all(conn)
            .await?
        {
            flags.entry(learner).or_default().push(reason);
        }
        for learner in referral::Entity::find()
            .select_only()
            .column(referral::Column::LearnerId)
            .filter(referral::Entity::in_org(org))
            .filter(referral::Column::ClosedAt.is_null())
            .filter(referral::Column::LearnerId.is_in(chunk.iter().copied()))
            .into_tuple::<i64>()
            .all(conn)
            .await?
        {
            *referrals.entry(learner).or_default() += 1;
        }
    }
    let current = cohort_lists::current_categories(conn, org, &ids).await?;
    let learners = super::learners::learners_by_ids(conn, org, &ids).await?;
    let items = learners
        .into_iter()
        .map(|learner| {
            let id = learner.id.0;
            let reasons = at_risk_reasons(
                current.get(&id).copied(),
                last_due.get(&id).copied(),
                flags.get(&id).map(Vec::as_slice).unwrap_or_default(),
                today,
            );
            debug_assert!(
                !reasons.is_empty(),
                "learner {id} was selected as at risk but the domain rule finds no reason"
            );
            AtRiskLearner {
                reasons,
                open_referrals: referrals.get(&id).copied().unwrap_or(0),
                learner,
            }
        })
        .collect();
    Ok(Page {
        items,
        number: page.number,
        size: page.size,
        total,
    })
}

/// Why one learner is at risk (empty when they are not), from their current
/// destination, the last checkpoint over all their enrolments, and open flags.
pub async fn learner_at_risk(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    current: Option<DestinationCategory>,
    today: NaiveDate,
) -> Result<Vec<AtRiskReason>> {
    let mut plans: HashMap<CohortId, Option<(TrackingPlan, Option<NaiveDate>)>> = HashMap::new();
    let mut last_due: Option<NaiveDate> = None;
    for enrolment in super::enrolments::enrolments_for_learner(conn, org, learner).await? {
        let plan = match plans.entry(enrolment.cohort) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                entry.insert(cohort_plan(conn, org, enrolment.cohort).await?)
            }
        };
        if let Some((plan, results_day)) = plan
            && let Some(due) = last_checkpoint(plan, &enrolment.dates, *results_day)
        {
            last_due = Some(last_due.map_or(due, |last| Ord::max(last, due)));
        }
    }
    let open_flags: Vec<String> = flags_for_learner(conn, org, learner)
        .await?
        .into_iter()
        .filter(Flag::is_open)
        .map(|flag| flag.reason)
        .collect();
    Ok(at_risk_reasons(current, last_due, &open_flags, today))
}
