//! Intentions, the September Guarantee and support for non-progressors (seeds
//! 001 and 002): the stages at which intentions are recorded, offer statuses,
//! referral types and outcomes, and the rules that decide who has no offer,
//! who is at risk, and whether an intention came true.

use chrono::NaiveDate;

use crate::destination::{DestinationCategory, DestinationGroup};

code_enum! {
    /// When an intention was recorded (seed 002's first three stages; a school's
    /// autumn intentions, spring review and leavers' form map onto them).
    pub enum IntentionStage as "stage" {
        Induction = "induction", "Induction";
        IlpReview = "ilp_review", "Mid-programme (ILP) review";
        Exit = "exit", "Exit";
    }
}

code_enum! {
    /// Where a September Guarantee offer stands.
    pub enum OfferStatus as "offer status" {
        Applied = "applied", "Applied";
        Offered = "offered", "Offered";
        Accepted = "accepted", "Accepted";
        Declined = "declined", "Declined";
        NoOffer = "none", "No offer";
    }
}

impl OfferStatus {
    /// Whether this offer keeps the learner off the "no offer" list. An
    /// application still in progress counts: the list is of learners with
    /// nothing in play, who need a careers adviser now.
    pub fn counts_as_offer(self) -> bool {
        matches!(self, Self::Applied | Self::Offered | Self::Accepted)
    }

    /// How far an offer has got, for [`best_offer`]: accepted 3, offered 2,
    /// applied 1, and 0 for what is not an offer (declined, no offer).
    pub fn rank(self) -> u8 {
        match self {
            Self::Accepted => 3,
            Self::Offered => 2,
            Self::Applied => 1,
            Self::Declined | Self::NoOffer => 0,
        }
    }
}

/// A learner has no September Guarantee offer when none is recorded, or every
/// one recorded was declined or came to nothing.
pub fn has_no_offer(statuses: impl IntoIterator<Item = OfferStatus>) -> bool {
    !statuses.into_iter().any(OfferStatus::counts_as_offer)
}

/// The most advanced offer in play: accepted, else offered, else applied;
/// `None` when the learner has no offer.
pub fn best_offer(statuses: impl IntoIterator<Item = OfferStatus>) -> Option<OfferStatus> {
    statuses
        .into_iter()
        .filter(|status| status.counts_as_offer())
        .max_by_key(|status| status.rank())
}

code_enum! {
    /// What a learner who is not progressing is referred to (seed 002).
    pub enum ReferralType as "referral type" {
        EmployabilityCoaching = "employability_coaching", "Employability coaching";
        FurtherTraining = "further_training", "Further training";
        MentalHealthSupport = "mental_health_support", "Mental health support";
        CareersGuidance = "careers_guidance", "Careers guidance";
        Other = "other", "Other";
    }
}

code_enum! {
    /// How a referral ended.
    pub enum ReferralOutcome as "referral outcome" {
        Engaged = "engaged", "Engaged or progressed";
        Declined = "declined", "Declined";
        NoResponse = "no_response", "No response";
        Other = "other", "Other";
    }
}

/// Why a learner is at risk of not progressing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AtRiskReason {
    /// Their current destination is one of the NEET categories.
    Neet(DestinationCategory),
    /// Their destination is still not known after the last checkpoint of
    /// their tracking plan fell due.
    NotKnownAfterLastCheckpoint { last_checkpoint: NaiveDate },
    /// A member of staff raised a concern (open flags' reasons).
    FlaggedByStaff(Vec<String>),
}

impl AtRiskReason {
    /// An English sentence for lists and exports.
    pub fn describe(&self) -> String {
        match self {
            Self::Neet(category) => category.label().to_owned(),
            Self::NotKnownAfterLastCheckpoint { last_checkpoint } => format!(
                "Destination not known after the last checkpoint ({})",
                last_checkpoint.format("%d/%m/%Y")
            ),
            Self::FlaggedByStaff(reasons) => format!("Flagged by staff: {}", reasons.join("; ")),
        }
    }
}

/// Decides whether a learner is at risk and why (all reasons that apply).
///
/// `current` is the current actual destination (`None` when there is none);
/// `last_checkpoint` the latest due date of their plan's checkpoints over their
/// enrolments (`None` without a plan); `open_flags` the reasons of staff flags
/// not yet cleared. "Not known" counts as at risk only once `today` is past
/// the last checkpoint: until then the plan is still trying to find out.
pub fn at_risk_reasons(
    current: Option<DestinationCategory>,
    last_checkpoint: Option<NaiveDate>,
    open_flags: &[String],
    today: NaiveDate,
) -> Vec<AtRiskReason> {
    let mut reasons = Vec::new();
    match current {
        Some(category) if category.group() == DestinationGroup::Neet => {
            reasons.push(AtRiskReason::Neet(category));
        }
        None | Some(DestinationCategory::NotKnown) => {
            if let Some(last) = last_checkpoint
                && today > last
            {
                reasons.push(AtRiskReason::NotKnownAfterLastCheckpoint {
                    last_checkpoint: last,
                });
            }
        }
        Some(_) => {}
    }
    if !open_flags.is_empty() {
        reasons.push(AtRiskReason::FlaggedByStaff(open_flags.to_vec()));
    }
    reasons
}

code_enum! {
    /// How an intention compares with what the learner actually did.
    pub enum IntentionMatch as "intention match" {
        /// The same category.
        Matches = "matches", "Matches";
        /// A different category in the same broad group (e.g. sixth form
        /// instead of FE college: still education).
        SameGroup = "same_group", "Same kind";
        Differs = "differs", "Different";
        /// No actual destination is known yet.
        NotYetKnown = "not_yet_known", "Not known yet";
        /// The learner had not decided.
        Undecided = "undecided", "Undecided";
    }
}

/// Compares an intended destination with the current actual one.
pub fn compare_intention(
    intended: DestinationCategory,
    actual: Option<DestinationCategory>,
) -> IntentionMatch {
    if intended == DestinationCategory::NotKnown {
        return IntentionMatch::Undecided;
    }
    match actual {
        None | Some(DestinationCategory::NotKnown) => IntentionMatch::NotYetKnown,
        Some(actual) if actual == intended => IntentionMatch::Matches,
        Some(actual) if actual.group() == intended.group() => IntentionMatch::SameGroup,
        Some(_) => IntentionMatch::Differs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DestinationCategory as C;

    fn day(month: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, d).expect("date")
    }

    #[test]
    fn no_offer_means_nothing_in_play() {
        use OfferStatus::*;
        assert!(has_no_offer([]));
        assert!(has_no_offer([Declined, NoOffer]));
        assert!(!has_no_offer([Declined, Applied]));
        assert!(!has_no_offer([Accepted]));
        assert!(!has_no_offer([Offered, Declined]));
        assert_eq!(best_offer([Applied, Accepted, Declined]), Some(Accepted));
        assert_eq!(best_offer([Applied, Offered]), Some(Offered));
        assert_eq!(best_offer([Declined, NoOffer]), Option::None);
    }

    #[test]
    fn neet_learners_are_at_risk_whatever_the_date() {
        let reasons = at_risk_reasons(Some(C::NeetNotAvailableCaring), None, &[], day(1, 1));
        assert_eq!(reasons, vec![AtRiskReason::Neet(C::NeetNotAvailableCaring)]);
        assert_eq!(reasons[0].describe(), "NEET: not available (caring)");
        assert!(at_risk_reasons(Some(C::Apprenticeship), Some(day(3, 1)), &[], day(12, 1)).is_empty());
        assert!(
            at_risk_reasons(Some(C::GapYear), Some(day(3, 1)), &[], day(12, 1)).is_empty(),
            "a gap year is not NEET"
        );
    }

    #[test]
    fn not_known_is_at_risk_only_after_the_last_checkpoint() {
        let last = day(11, 1);
        assert!(at_risk_reasons(None, Some(last), &[], day(10, 31)).is_empty());
        assert!(
            at_risk_reasons(None, Some(last), &[], last).is_empty(),
            "still due on the day"
        );
        assert_eq!(
            at_risk_reasons(None, Some(last), &[], day(11, 2)),
            vec![AtRiskReason::NotKnownAfterLastCheckpoint {
                last_checkpoint: last
            }]
        );
        assert_eq!(
            at_risk_reasons(Some(C::NotKnown), Some(last), &[], day(12, 1)).len(),
            1,
            "an explicit 'not known' counts too"
        );
        assert!(
            at_risk_reasons(None, None, &[], day(12, 1)).is_empty(),
            "no plan, no deadline"
        );
    }

    #[test]
    fn staff_flags_add_a_reason_to_any_other() {
        let flags = vec!["Struggling since results day".to_owned()];
        let reasons = at_risk_reasons(Some(C::EducationFurtherFullTime), None, &flags, day(9, 1));
        assert_eq!(reasons, vec![AtRiskReason::FlaggedByStaff(flags.clone())]);
        let both = at_risk_reasons(Some(C::NeetSeeking), None, &flags, day(9, 1));
        assert_eq!(both.len(), 2);
        assert_eq!(
            both[1].describe(),
            "Flagged by staff: Struggling since results day"
        );
    }

    #[test]
    fn codes_round_trip() {
        for stage in IntentionStage::ALL {
            assert_eq!(IntentionStage::from_code(stage.code()), Some(*stage));
        }
        for status in OfferStatus::ALL {
            assert_eq!(status.code().parse::<OfferStatus>(), Ok(*status));
        }
        for kind in ReferralType::ALL {
            assert_eq!(ReferralType::from_code(kind.code()), Some(*kind));
        }
        for outcome in ReferralOutcome::ALL {
            assert_eq!(ReferralOutcome::from_code(outcome.code()), Some(*outcome));
        }
        assert_eq!(OfferStatus::from_code("maybe"), None);
    }

    #[test]
    fn intentions_compare_by_category_then_group() {
        use IntentionMatch::*;
        assert_eq!(
            compare_intention(C::Apprenticeship, Some(C::Apprenticeship)),
            Matches
        );
        assert_eq!(
            compare_intention(C::EducationFurtherFullTime, Some(C::EducationSchoolSixthForm)),
            SameGroup
        );
        assert_eq!(
            compare_intention(C::EducationHigher, Some(C::NeetSeeking)),
            Differs
        );
        assert_eq!(compare_intention(C::EducationHigher, None), NotYetKnown);
        assert_eq!(
            compare_intention(C::EducationHigher, Some(C::NotKnown)),
            NotYetKnown
        );
        assert_eq!(compare_intention(C::NotKnown, Some(C::Apprenticeship)), Undecided);
    }
}
