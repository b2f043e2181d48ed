//! Tutor groups: the groups learners are in (a column of `learners`, set by
//! the import and the learner form) and the groups each tutor is assigned to
//! (`tutor_assignments`, set by an administrator). [`super::scope`] turns a
//! tutor's groups into the learners they may see.

use std::collections::HashMap;

use onward_domain::tutor_group::TutorGroup;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::{decode, now};
use crate::entities::{learner, tutor_assignment};
use crate::repo::tenant::TenantScoped;
use crate::{LearnerId, OrganisationId, Result, UserId};

fn group_of(value: &str) -> Result<TutorGroup> {
    decode::<Wrapped>("tutor_assignments", "tutor_group", value).map(|w| w.0)
}

/// [`TutorGroup::parse`] as `FromStr`, for [`decode`].
struct Wrapped(TutorGroup);

impl std::str::FromStr for Wrapped {
    type Err = onward_domain::DomainError;

    fn from_str(value: &str) -> std::result::Result<Self, Self::Err> {
        TutorGroup::parse(value).map(Wrapped)
    }
}

/// A stored learner's group, decoded (an invalid stored value names the column).
pub(crate) fn learner_group(value: Option<&str>) -> Result<Option<TutorGroup>> {
    value
        .map(|value| decode::<Wrapped>("learners", "tutor_group", value).map(|w| w.0))
        .transpose()
}

/// The groups `tutor` is assigned to, by name.
pub async fn groups_of_tutor(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    tutor: UserId,
) -> Result<Vec<TutorGroup>> {
    let names: Vec<String> = tutor_assignment::Entity::find_in(org)
        .select_only()
        .column(tutor_assignment::Column::TutorGroup)
        .filter(tutor_assignment::Column::UserId.eq(tutor.0))
        .order_by_asc(tutor_assignment::Column::TutorGroup)
        .into_tuple()
        .all(conn)
        .await?;
    names.iter().map(|name| group_of(name)).collect()
}

/// Every user's assigned groups, by name.
pub async fn assignments(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
) -> Result<HashMap<UserId, Vec<TutorGroup>>> {
    let rows: Vec<(i64, String)> = tutor_assignment::Entity::find_in(org)
        .select_only()
        .columns([
            tutor_assignment::Column::UserId,
            tutor_assignment::Column::TutorGroup,
        ])
        .order_by_asc(tutor_assignment::Column::TutorGroup)
        .into_tuple()
        .all(conn)
        .await?;
    let mut by_user: HashMap<UserId, Vec<TutorGroup>> = HashMap::new();
    for (user, name) in rows {
        by_user.entry(UserId(user)).or_default().push(group_of(&name)?);
    }
    Ok(by_user)
}

/// Replaces the groups `tutor` (a user of `org`) is assigned to, and says
/// whether anything changed.
pub async fn set_groups_of_tutor(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    tutor: UserId,
    groups: &[TutorGroup],
) -> Result<bool> {
    super::users::user_in_organisation(conn, org, tutor).await?;
    let mut current = groups_of_tutor(conn, org, tutor).await?;
    let mut wanted = groups.to_vec();
    current.sort();
    wanted.sort();
    wanted.dedup();
    if current == wanted {
        return Ok(false);
    }
    tutor_assignment::Entity::delete_many()
        .filter(tutor_assignment::Entity::in_org(org))
        .filter(tutor_assignment::Column::UserId.eq(tutor.0))
        .exec(conn)
        .await?;
    if !wanted.is_empty() {
        let stamp = now();
        tutor_assignment::Entity::insert_many(wanted.iter().map(|group| tutor_assignment::ActiveModel {
            organisation_id: Set(org.0),
            user_id: Set(tutor.0),
            tutor_group: Set(group.as_str().to_owned()),
            created_at: Set(stamp),
            ..Default::default()
        }))
        .exec_without_returning(conn)
        .await?;
    }
    Ok(true)
}

/// The distinct tutor groups of the organisation's learners with how many
/// learners each has, by name.
pub async fn learner_groups(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
) -> Result<Vec<(TutorGroup, u64)>> {
    let rows: Vec<(Option<String>, i64)> = learner::Entity::find_in(org)
        .select_only()
        .column(learner::Column::TutorGroup)
        .column_as(Expr::col(learner::Column::Id).count(), "learners")
        .filter(learner::Column::TutorGroup.is_not_null())
        .group_by(learner::Column::TutorGroup)
        .order_by_asc(learner::Column::TutorGroup)
        .into_tuple()
        .all(conn)
        .await?;
    let mut groups = Vec::with_capacity(rows.len());
    for (group, count) in rows {
        if let Some(group) = learner_group(group.as_deref())? {
            groups.push((group, count.unsigned_abs()));
        }
    }
    Ok(groups)
}

/// Puts a learner of `org` in `group` (or in none), and says whether it changed.
pub async fn set_learner_group(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    group: Option<&TutorGroup>,
) -> Result<bool> {
    let result = learner::Entity::update_many()
        .col_expr(
            learner::Column::TutorGroup,
            Expr::value(group.map(|group| group.as_str().to_owned())),
        )
        .col_expr(learner::Column::UpdatedAt, Expr::value(now()))
        .filter(learner::Column::Id.eq(learner.0))
        .filter(learner::Entity::in_org(org))
        // Only a row that differs is written, so the answer says whether it changed.
        .filter(match group {
            Some(group) => sea_orm::Condition::any()
                .add(learner::Column::TutorGroup.is_null())
                .add(learner::Column::TutorGroup.ne(group.as_str())),
            None => sea_orm::Condition::all().add(learner::Column::TutorGroup.is_not_null()),
        })
        .exec(conn)
        .await?;
    if result.rows_affected > 0 {
        return Ok(true);
    }
    super::learners::learner(conn, org, learner).await?;
    Ok(false)
}
