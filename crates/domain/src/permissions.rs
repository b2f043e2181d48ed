//! Who may do what: the one permission table every route is checked against.

use crate::role::Role;

code_enum! {
    /// Something a signed-in staff member asks to do.
    pub enum Action as "action" {
        /// Cohort list and counts (aggregates only).
        ViewCohorts = "view_cohorts", "View cohorts and counts";
        /// Search and list named learners.
        ViewLearners = "view_learners", "Search learners";
        /// Open a named learner's record (audited).
        ViewLearnerRecord = "view_learner_record", "Open a learner record";
        /// Change a learner's names, identifiers, date of birth and postcode.
        EditLearnerDetails = "edit_learner_details", "Edit learner details";
        /// Record what a learner is doing, from any source ("I know where they are").
        RecordDestination = "record_destination", "Record a destination";
        /// Upgrade a destination's verification with an evidence note.
        VerifyDestination = "verify_destination", "Verify a destination";
        /// Add or change a learner's contact details and consent.
        EditLearnerContacts = "edit_learner_contacts", "Edit contact details";
        /// Create, edit and archive cohorts and programmes.
        ManageCohorts = "manage_cohorts", "Manage cohorts and programmes";
        /// Invite users, change roles, deactivate accounts.
        ManageUsers = "manage_users", "Manage users";
        /// Change organisation settings.
        ManageSettings = "manage_settings", "Manage organisation settings";
        /// Import learners, programmes and enrolments from MIS exports.
        ImportLearners = "import_learners", "Import learners from the MIS";
        /// Change one's own password.
        ChangeOwnPassword = "change_own_password", "Change own password";
        /// Record a learner's intended destination at induction, ILP review or exit.
        RecordIntention = "record_intention", "Record intentions";
        /// Record and update September Guarantee offers.
        RecordOffer = "record_offer", "Record September Guarantee offers";
        /// Flag a learner as at risk of not progressing, with a reason.
        FlagLearner = "flag_learner", "Flag a learner at risk";
        /// Open, follow up and close referrals; clear at-risk flags.
        ManageReferrals = "manage_referrals", "Manage referrals";
        /// Work through a checkpoint's call queue: see numbers, record calls and destinations.
        WorkCallQueue = "work_call_queue", "Work the call queue";
        /// Log a contact made by hand (email, SMS, letter, in person, social
        /// media, or the learner getting in touch) with its outcome.
        LogContact = "log_contact", "Log a contact";
        /// Create, copy and edit tracking plans and their checkpoints.
        ManagePlans = "manage_plans", "Manage tracking plans";
        /// See and export the alumni list; moderate success stories.
        ManageAlumni = "manage_alumni", "Alumni and success stories";
        /// See campaigns, their progress and who their audience leaves out (counts).
        ViewCampaigns = "view_campaigns", "View campaigns";
        /// Create, start, pause, finish and run campaigns.
        ManageCampaigns = "manage_campaigns", "Manage campaigns";
    }
}

/// The permission table. Quality viewers and partners never reach named records;
/// tutors work with learners but do not administer.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        // Everyone who can sign in looks after their own password.
        ChangeOwnPassword => true,
        ViewCohorts => role != Partner,
        ViewLearners | ViewLearnerRecord | EditLearnerContacts | RecordDestination => {
            matches!(role, Admin | ProgressionLead | IagAdviser | Tutor)
        }
        ManageCohorts => matches!(role, Admin | ProgressionLead),
        // Identity data comes from the MIS; tutors note contacts but do not rewrite it.
        EditLearnerDetails => matches!(role, Admin | ProgressionLead | IagAdviser),
        // The MIS manager's job (PRODUCT.md §1): imports create and change named records in bulk.
        ManageUsers | ManageSettings | ImportLearners => role == Admin,
        // Tutors record next-step intentions and signpost (seed 002); referrals,
        // offers and clearing a concern belong to the IAG and progression team.
        RecordIntention | FlagLearner => matches!(role, Admin | ProgressionLead | IagAdviser | Tutor),
        RecordOffer | ManageReferrals => matches!(role, Admin | ProgressionLead | IagAdviser),
        // PRODUCT.md §1: verifying destinations is the progression team's (with IAG).
        VerifyDestination => matches!(role, Admin | ProgressionLead | IagAdviser),
        // Whoever works with learners notes how they reached them (seed 001's roll-call).
        WorkCallQueue | LogContact => matches!(role, Admin | ProgressionLead | IagAdviser | Tutor),
        // PRODUCT.md §1: plans are an administrator's.
        ManagePlans => role == Admin,
        // Alumni events, mentoring and careers talks are the progression and
        // IAG team's; the list names learners and exports their addresses.
        ManageAlumni => matches!(role, Admin | ProgressionLead | IagAdviser),
        // Campaign progress is aggregate, like a cohort's counts.
        ViewCampaigns => role != Partner,
        // Deciding who is written to, and when, is the progression team's.
        ManageCampaigns => matches!(role, Admin | ProgressionLead),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_that_never_see_names_cannot_reach_named_records() {
        for action in [
            Action::ViewLearners,
            Action::ViewLearnerRecord,
            Action::EditLearnerContacts,
            Action::WorkCallQueue,
            Action::LogContact,
        ] {
            for role in Role::ALL {
                assert_eq!(
                    allows(*role, action),
                    role.sees_named_records(),
                    "{role:?} {action:?}"
                );
            }
        }
    }

    #[test]
    fn tutors_record_intentions_and_flag_but_do_not_run_referrals() {
        assert!(allows(Role::Tutor, Action::RecordIntention));
        assert!(allows(Role::Tutor, Action::FlagLearner));
        assert!(!allows(Role::Tutor, Action::ManageReferrals));
        assert!(!allows(Role::Tutor, Action::RecordOffer));
        assert!(allows(Role::IagAdviser, Action::ManageReferrals));
        for action in [
            Action::RecordIntention,
            Action::RecordOffer,
            Action::FlagLearner,
            Action::ManageReferrals,
        ] {
            assert!(!allows(Role::QualityViewer, action) && !allows(Role::Partner, action));
        }
    }

    #[test]
    fn every_role_can_change_its_own_password() {
        for role in Role::ALL {
            assert!(allows(*role, Action::ChangeOwnPassword), "{role:?}");
        }
    }

    #[test]
    fn only_admins_administer() {
        for role in Role::ALL {
            assert_eq!(allows(*role, Action::ManageUsers), *role == Role::Admin);
        }
    }
}
