//! The identifiers the organisation's learners already hold, as fingerprints,
//! so the writer asks the database only about rows that may match.

use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use onward_domain::import::ImportRow;
use rustc_hash::{FxHashSet, FxHasher};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entities::learner;
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result};

/// Learners read per statement when a run starts.
const KNOWN_LEARNERS_PAGE: u64 = 50_000;

/// Fingerprints of the identifiers, and of the (name, date of birth) pairs,
/// the organisation's learners hold: read once per run and added to as the
/// run creates learners. A row whose ULN and MIS id are not here is a new
/// learner without asking the database; a match (or a rare fingerprint
/// collision) is looked up. About 50 MB for a million learners.
#[derive(Clone, Debug, Default)]
pub(super) struct KnownLearners {
    pub(super) ulns: FxHashSet<u64>,
    pub(super) mis_ids: FxHashSet<u64>,
    pub(super) names_born: FxHashSet<u64>,
}

pub(super) fn fingerprint(value: impl Hash) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

impl KnownLearners {
    pub(super) fn add(
        &mut self,
        uln: Option<&str>,
        mis_id: Option<&str>,
        search_name: &str,
        born: Option<NaiveDate>,
    ) {
        if let Some(uln) = uln {
            self.ulns.insert(fingerprint(uln));
        }
        if let Some(mis_id) = mis_id {
            self.mis_ids.insert(fingerprint(mis_id));
        }
        if let Some(born) = born {
            self.names_born.insert(fingerprint((search_name, born)));
        }
    }

    /// Whether a stored learner may hold the row's ULN or MIS id.
    pub(super) fn may_hold(&self, row: &ImportRow) -> bool {
        row.learner
            .uln
            .as_ref()
            .is_some_and(|uln| self.ulns.contains(&fingerprint(uln.as_str())))
            || row
                .learner
                .mis_id
                .as_deref()
                .is_some_and(|mis| self.mis_ids.contains(&fingerprint(mis)))
    }

    pub(super) async fn load(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Self> {
        type Known = (i64, Option<String>, Option<String>, String, Option<NaiveDate>);
        let mut known = Self::default();
        let mut after = 0i64;
        loop {
            let page: Vec<Known> = learner::Entity::find()
                .select_only()
                .columns([
                    learner::Column::Id,
                    learner::Column::Uln,
                    learner::Column::MisId,
                    learner::Column::SearchName,
                    learner::Column::DateOfBirth,
                ])
                .filter(learner::Entity::in_org(org))
                .filter(learner::Column::Id.gt(after))
                .order_by_asc(learner::Column::Id)
                .limit(KNOWN_LEARNERS_PAGE)
                .into_tuple()
                .all(conn)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (_, uln, mis_id, search_name, born) in &page {
                known.add(uln.as_deref(), mis_id.as_deref(), search_name, *born);
            }
        }
        Ok(known)
    }
}
