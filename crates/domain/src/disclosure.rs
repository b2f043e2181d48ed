//! Small-count suppression: roles that see only aggregates never see a count
//! small enough to point at a person. Until the reporting work brings full
//! statistical disclosure control, a count under [`SMALL_COUNT`] is shown to
//! them as "fewer than 6".

use crate::role::Role;

/// Counts below this are not shown exactly to aggregate-only roles.
pub const SMALL_COUNT: u64 = 6;

/// A count as one role may see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShownCount {
    Exact(u64),
    /// "Fewer than N".
    FewerThan(u64),
}

/// How `count` is shown to `role`: exactly to roles that see named records
/// (they can count the names anyway), suppressed under [`SMALL_COUNT`] for
/// the others (quality viewers, partners).
pub fn shown_count(role: Role, count: u64) -> ShownCount {
    if !role.sees_named_records() && count < SMALL_COUNT {
        ShownCount::FewerThan(SMALL_COUNT)
    } else {
        ShownCount::Exact(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregate_roles_see_small_counts_suppressed() {
        for count in 0..6 {
            assert_eq!(shown_count(Role::QualityViewer, count), ShownCount::FewerThan(6));
            assert_eq!(shown_count(Role::Partner, count), ShownCount::FewerThan(6));
        }
        assert_eq!(shown_count(Role::QualityViewer, 6), ShownCount::Exact(6));
        assert_eq!(shown_count(Role::QualityViewer, 120), ShownCount::Exact(120));
    }

    #[test]
    fn roles_that_see_names_see_exact_counts() {
        for role in [Role::Admin, Role::ProgressionLead, Role::IagAdviser, Role::Tutor] {
            assert_eq!(shown_count(role, 1), ShownCount::Exact(1));
        }
    }
}
