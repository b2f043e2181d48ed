//! Staff roles (PRODUCT.md §1). What each role may do is decided in one place.

code_enum! {
    /// A staff member's role in their organisation.
    pub enum Role as "role" {
        /// Everything in their organisation: users, settings, plans, imports, deletion.
        Admin = "admin", "Administrator";
        /// Runs follow-ups, records and verifies destinations, reports, returns, matching.
        ProgressionLead = "progression_lead", "Progression lead";
        /// Learners' records, intentions, contacts, interventions, referrals.
        IagAdviser = "iag_adviser", "IAG adviser";
        /// Their own groups: intentions, ILP reviews, contact notes.
        Tutor = "tutor", "Tutor";
        /// Aggregated dashboards and exports only, never names.
        QualityViewer = "quality_viewer", "Quality viewer";
        /// A local authority or youth service receiving what is shared with it.
        Partner = "partner", "Partner";
    }
}

impl Role {
    /// Whether the role may see named learner records at all.
    pub fn sees_named_records(self) -> bool {
        !matches!(self, Self::QualityViewer | Self::Partner)
    }

    /// Whether the role sees only the learners of its own tutor groups
    /// (every list, search, record, export and call queue).
    pub fn sees_only_own_groups(self) -> bool {
        self == Self::Tutor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_explained() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(*role));
        }
        let err = "owner".parse::<Role>().expect_err("unknown");
        assert!(
            err.to_string().contains("role: `owner` is not a known value"),
            "{err}"
        );
        assert!(err.to_string().contains("progression_lead"));
    }

    #[test]
    fn aggregate_roles_never_see_names() {
        assert!(!Role::QualityViewer.sees_named_records());
        assert!(!Role::Partner.sees_named_records());
        assert!(Role::Tutor.sees_named_records());
    }
}
