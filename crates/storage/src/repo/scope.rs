//! Which learners a member of staff may see, in one value built once from the
//! signed-in user ([`LearnerScope`]) and applied by the repositories that list,
//! search, export or open named learners. A tutor's scope is their tutor
//! groups; everyone else who sees named records sees the whole organisation.
//!
//! The filter is written here once: [`LearnerScope::learners`] for queries on
//! `learners`, [`LearnerScope::learner_ids`] for any column that holds a
//! learner id (enrolments, flags, offers) and [`LearnerScope::enrolment_ids`]
//! for one that holds an enrolment id (tasks).

use onward_domain::role::Role;
use onward_domain::tutor_group::TutorGroup;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter};

use crate::entities::{enrolment, learner};
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result, UserId};

/// The learners one member of staff may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LearnerScope {
    /// Every learner of the organisation.
    All,
    /// Only learners in these tutor groups (none at all when empty).
    TutorGroups(Vec<TutorGroup>),
}

impl LearnerScope {
    /// The scope of a user of `role`: a tutor's assigned groups, everyone for
    /// the roles that see named records, and no one for the others (they reach
    /// no named list; this keeps it so should a route let them through).
    pub async fn for_user(
        conn: &impl ConnectionTrait,
        org: OrganisationId,
        user: UserId,
        role: Role,
    ) -> Result<Self> {
        if role.sees_only_own_groups() {
            Ok(Self::TutorGroups(
                super::tutor_groups::groups_of_tutor(conn, org, user).await?,
            ))
        } else if role.sees_named_records() {
            Ok(Self::All)
        } else {
            Ok(Self::TutorGroups(Vec::new()))
        }
    }

    fn names(groups: &[TutorGroup]) -> Vec<String> {
        groups.iter().map(|group| group.as_str().to_owned()).collect()
    }

    /// The condition for a query on `learners`.
    pub(crate) fn learners(&self) -> Condition {
        match self {
            Self::All => Condition::all(),
            // An empty IN list matches nothing on both backends.
            Self::TutorGroups(groups) => {
                Condition::all().add(learner::Column::TutorGroup.is_in(Self::names(groups)))
            }
        }
    }

    /// The condition that `column` (a learner id) names a learner in scope.
    pub(crate) fn learner_ids(&self, org: OrganisationId, column: impl IntoColumnRef) -> Condition {
        match self {
            Self::All => Condition::all(),
            Self::TutorGroups(groups) => Condition::all().add(
                SimpleExpr::from(Expr::col(column)).in_subquery(
                    Query::select()
                        .column(learner::Column::Id)
                        .from(learner::Entity)
                        .cond_where(learner::Entity::in_org(org))
                        .and_where(learner::Column::TutorGroup.is_in(Self::names(groups)))
                        .to_owned(),
                ),
            ),
        }
    }

    /// The condition that `column` (an enrolment id, e.g. a task's) names an
    /// enrolment of a learner in scope.
    pub(crate) fn enrolment_ids(&self, org: OrganisationId, column: impl IntoColumnRef) -> Condition {
        match self {
            Self::All => Condition::all(),
            Self::TutorGroups(_) => Condition::all().add(
                SimpleExpr::from(Expr::col(column)).in_subquery(
                    Query::select()
                        .column((enrolment::Entity, enrolment::Column::Id))
                        .from(enrolment::Entity)
                        .cond_where(enrolment::Entity::in_org(org))
                        .cond_where(self.learner_ids(org, (enrolment::Entity, enrolment::Column::LearnerId)))
                        .to_owned(),
                ),
            ),
        }
    }

    /// Whether a learner of the group `group` is in scope.
    pub fn includes(&self, group: Option<&TutorGroup>) -> bool {
        match self {
            Self::All => true,
            Self::TutorGroups(groups) => group.is_some_and(|group| groups.contains(group)),
        }
    }
}

/// The organisation's learners in scope, as a select to narrow further.
pub(crate) fn learners_in_scope(
    org: OrganisationId,
    scope: &LearnerScope,
) -> sea_orm::Select<learner::Entity> {
    learner::Entity::find_in(org).filter(scope.learners())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everyone_is_in_the_whole_organisation_and_no_one_in_no_groups() {
        let group = TutorGroup::parse("11A").expect("group");
        assert!(LearnerScope::All.includes(None));
        assert!(LearnerScope::All.includes(Some(&group)));
        assert!(!LearnerScope::TutorGroups(Vec::new()).includes(Some(&group)));
        let tutor = LearnerScope::TutorGroups(vec![group.clone()]);
        assert!(tutor.includes(Some(&group)));
        assert!(!tutor.includes(None));
        assert!(!tutor.includes(Some(&TutorGroup::parse("11B").expect("group"))));
    }
}
