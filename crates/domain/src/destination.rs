//! Destinations: what a learner is doing (or intends to do), with where that
//! knowledge came from and how well it is verified. History is append-only;
//! the current destination is derived from it.

use chrono::NaiveDate;

use crate::DomainError;
use crate::programme::{QualificationLevel, SectorSubjectArea};

code_enum! {
    pub enum DestinationKind as "kind" {
        Intended = "intended", "Intended";
        Actual = "actual", "Actual";
    }
}

code_enum! {
    /// Onward's own destination taxonomy; crosswalks map it to ILR DP, NCCIS,
    /// DfE destination measures, HESA Graduate Outcomes and the VET survey.
    pub enum DestinationCategory as "category" {
        EducationSchoolSixthForm = "edu_school_sixth_form", "Education: school sixth form";
        EducationSixthFormCollege = "edu_sixth_form_college", "Education: sixth form college";
        EducationFurtherFullTime = "edu_fe_full_time", "Education: further education, full-time";
        EducationFurtherPartTime = "edu_fe_part_time", "Education: further education, part-time";
        EducationHigher = "edu_higher", "Education: higher education";
        EducationOther = "edu_other", "Education: other";
        Apprenticeship = "apprenticeship", "Apprenticeship";
        Traineeship = "traineeship", "Traineeship";
        SupportedInternship = "supported_internship", "Supported internship";
        EmploymentFullTime = "emp_full_time", "Employment: full-time";
        EmploymentPartTime = "emp_part_time", "Employment: part-time";
        SelfEmployed = "self_employed", "Self-employed";
        Volunteering = "volunteering", "Volunteering";
        GapYear = "gap_year", "Gap year";
        NeetSeeking = "neet_seeking", "NEET: seeking work or learning";
        NeetNotSeeking = "neet_not_seeking", "NEET: not seeking";
        NeetNotAvailableIllness = "neet_illness", "NEET: not available (illness)";
        NeetNotAvailableCaring = "neet_caring", "NEET: not available (caring)";
        NeetNotAvailablePregnancy = "neet_pregnancy", "NEET: not available (pregnancy)";
        Custody = "custody", "Custody";
        MovedAway = "moved_away", "Moved away";
        Deceased = "deceased", "Deceased";
        NotKnown = "not_known", "Not known";
    }
}

code_enum! {
    /// Broad groups for dashboards and counts.
    pub enum DestinationGroup as "group" {
        Education = "education", "Education";
        Apprenticeship = "apprenticeship", "Apprenticeship";
        Training = "training", "Training";
        Employment = "employment", "Employment";
        Volunteering = "volunteering", "Volunteering";
        GapYear = "gap_year", "Gap year";
        Neet = "neet", "NEET";
        Other = "other", "Other";
        NotKnown = "not_known", "Not known";
    }
}

impl DestinationCategory {
    pub fn group(self) -> DestinationGroup {
        use DestinationCategory as C;
        match self {
            C::EducationSchoolSixthForm
            | C::EducationSixthFormCollege
            | C::EducationFurtherFullTime
            | C::EducationFurtherPartTime
            | C::EducationHigher
            | C::EducationOther => DestinationGroup::Education,
            C::Apprenticeship => DestinationGroup::Apprenticeship,
            C::Traineeship | C::SupportedInternship => DestinationGroup::Training,
            C::EmploymentFullTime | C::EmploymentPartTime | C::SelfEmployed => DestinationGroup::Employment,
            C::Volunteering => DestinationGroup::Volunteering,
            C::GapYear => DestinationGroup::GapYear,
            C::NeetSeeking
            | C::NeetNotSeeking
            | C::NeetNotAvailableIllness
            | C::NeetNotAvailableCaring
            | C::NeetNotAvailablePregnancy => DestinationGroup::Neet,
            C::Custody | C::MovedAway | C::Deceased => DestinationGroup::Other,
            C::NotKnown => DestinationGroup::NotKnown,
        }
    }

    /// A positive destination as the DfE destination measures count it:
    /// education, apprenticeship, training or employment (including
    /// self-employment). Volunteering and gap years are reported but not
    /// counted positive, as in the DfE and ILR DP conventions.
    pub fn is_positive(self) -> bool {
        matches!(
            self.group(),
            DestinationGroup::Education
                | DestinationGroup::Apprenticeship
                | DestinationGroup::Training
                | DestinationGroup::Employment
        )
    }

    /// Employment or an apprenticeship: a destination with an employer to ask.
    pub fn is_employment(self) -> bool {
        matches!(
            self,
            Self::EmploymentFullTime | Self::EmploymentPartTime | Self::Apprenticeship
        )
    }
}

code_enum! {
    pub enum DestinationSource as "source" {
        Survey = "survey", "Learner survey";
        Phone = "phone", "Phone call";
        Email = "email", "Email";
        SmsReply = "sms_reply", "SMS reply";
        Letter = "letter", "Letter";
        Employer = "employer", "Employer";
        PartnerData = "partner_data", "Partner data";
        Ucas = "ucas", "UCAS";
        SocialMedia = "social_media", "Social media";
        Staff = "staff", "Staff knowledge";
        SiblingPeer = "sibling_peer", "Sibling or peer";
        ResultsDay = "results_day", "Results day";
        RollCall = "roll_call", "September roll-call";
    }
}

code_enum! {
    pub enum Verification as "verification" {
        Unverified = "unverified", "Unverified";
        LearnerConfirmed = "learner_confirmed", "Confirmed by the learner";
        ThirdPartyConfirmed = "third_party_confirmed", "Confirmed by a third party";
        EvidenceAttached = "evidence_attached", "Evidence attached";
    }
}

impl Verification {
    /// How strong the verification is: unverified 0, learner-confirmed 1,
    /// confirmed by a third party 2, evidence attached 3.
    pub fn strength(self) -> u8 {
        match self {
            Self::Unverified => 0,
            Self::LearnerConfirmed => 1,
            Self::ThirdPartyConfirmed => 2,
            Self::EvidenceAttached => 3,
        }
    }

    /// The stronger verifications a record at `self` can be upgraded to.
    pub fn upgrades(self) -> impl Iterator<Item = Verification> {
        Self::ALL
            .iter()
            .copied()
            .filter(move |other| other.strength() > self.strength())
    }
}

/// One statement of what a learner is (or intends to be) doing, as of a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DestinationRecord {
    pub kind: DestinationKind,
    pub category: DestinationCategory,
    pub as_of: NaiveDate,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub institution: Option<String>,
    pub employer: Option<String>,
    pub job_role: Option<String>,
    pub hours_per_week: Option<u16>,
    /// The sector of a job or apprenticeship, or the subject area of a course.
    pub sector: Option<SectorSubjectArea>,
    /// The course studied (education, training, apprenticeship).
    pub course: Option<String>,
    /// The level of that course or apprenticeship (Entry–8).
    pub level: Option<QualificationLevel>,
    pub source: DestinationSource,
    pub verification: Verification,
    pub notes: Option<String>,
}

impl DestinationRecord {
    pub fn validate(&self) -> Result<(), DomainError> {
        if let (Some(start), Some(end)) = (self.start_date, self.end_date)
            && end < start
        {
            return Err(DomainError::new(
                "end date",
                format!("the destination ends ({end}) before it starts ({start})"),
            ));
        }
        if self.hours_per_week.is_some_and(|hours| hours > 168) {
            return Err(DomainError::new("hours per week", "must be 168 or fewer"));
        }
        Ok(())
    }

    /// Allowed, but flagged for follow-up: employment (including an
    /// apprenticeship, which always has an employer) recorded without the
    /// employer's name. Self-employment has no employer to name.
    pub fn is_incomplete(&self) -> bool {
        self.category.is_employment() && self.employer.as_deref().is_none_or(|e| e.trim().is_empty())
    }
}

/// The current destination: the latest *actual* record by as-of date; among
/// records with the same date, the one recorded last wins. Intended
/// destinations never count as current.
pub fn current_destination<'a>(
    records: impl IntoIterator<Item = &'a DestinationRecord>,
) -> Option<&'a DestinationRecord> {
    records
        .into_iter()
        .filter(|record| record.kind == DestinationKind::Actual)
        .fold(None, |latest: Option<&DestinationRecord>, record| match latest {
            Some(current) if current.as_of > record.as_of => Some(current),
            _ => Some(record),
        })
}

/// Where the one free-text "place" a form asks for (an employer or a place of
/// learning) belongs in a [`DestinationRecord`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceRole {
    Institution,
    Employer,
}

impl DestinationCategory {
    /// The place of an employment, an apprenticeship (the employer, as
    /// [`DestinationRecord::is_incomplete`] expects) or volunteering (the
    /// organisation) is an employer; any other place is a place of learning.
    pub fn place_role(self) -> PlaceRole {
        match self.group() {
            DestinationGroup::Employment
            | DestinationGroup::Apprenticeship
            | DestinationGroup::Volunteering => PlaceRole::Employer,
            DestinationGroup::Education
            | DestinationGroup::Training
            | DestinationGroup::GapYear
            | DestinationGroup::Neet
            | DestinationGroup::Other
            | DestinationGroup::NotKnown => PlaceRole::Institution,
        }
    }
}

/// Splits a free-text place into a record's `(institution, employer)` by
/// [`DestinationCategory::place_role`].
pub fn split_place(category: DestinationCategory, place: Option<String>) -> (Option<String>, Option<String>) {
    match category.place_role() {
        PlaceRole::Institution => (place, None),
        PlaceRole::Employer => (None, place),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_an_employer_for_work_and_a_place_of_learning_otherwise() {
        use DestinationCategory as C;
        let place = || Some("Aire".to_owned());
        for category in [
            C::EmploymentFullTime,
            C::EmploymentPartTime,
            C::SelfEmployed,
            C::Apprenticeship,
            C::Volunteering,
        ] {
            assert_eq!(split_place(category, place()), (None, place()), "{category:?}");
        }
        for category in [
            C::EducationFurtherFullTime,
            C::EducationHigher,
            C::Traineeship,
            C::SupportedInternship,
            C::GapYear,
            C::NeetSeeking,
        ] {
            assert_eq!(split_place(category, place()), (place(), None), "{category:?}");
        }
        assert_eq!(split_place(C::Apprenticeship, None), (None, None));
        // Every category has an answer, and it follows its group.
        for category in C::ALL {
            let employer = matches!(
                category.group(),
                DestinationGroup::Employment
                    | DestinationGroup::Apprenticeship
                    | DestinationGroup::Volunteering
            );
            assert_eq!(
                category.place_role() == PlaceRole::Employer,
                employer,
                "{category:?}"
            );
        }
    }

    fn record(kind: DestinationKind, category: DestinationCategory, day: u32) -> DestinationRecord {
        DestinationRecord {
            kind,
            category,
            as_of: NaiveDate::from_ymd_opt(2026, 9, day).expect("date"),
            start_date: None,
            end_date: None,
            institution: None,
            employer: None,
            job_role: None,
            hours_per_week: None,
            sector: None,
            course: None,
            level: None,
            source: DestinationSource::Phone,
            verification: Verification::Unverified,
            notes: None,
        }
    }

    #[test]
    fn current_is_the_latest_actual_and_ties_go_to_the_later_entry() {
        use DestinationCategory as C;
        use DestinationKind::{Actual, Intended};
        let history = [
            record(Actual, C::NeetSeeking, 1),
            record(Intended, C::EducationHigher, 30),
            record(Actual, C::Apprenticeship, 20),
            record(Actual, C::EmploymentFullTime, 20),
            record(Actual, C::NotKnown, 5),
        ];
        assert_eq!(
            current_destination(&history).map(|r| r.category),
            Some(C::EmploymentFullTime)
        );
        assert_eq!(
            current_destination(&history[1..2]),
            None,
            "intentions are not current"
        );
    }

    #[test]
    fn end_before_start_is_refused_and_missing_employer_flagged() {
        let mut employed = record(
            DestinationKind::Actual,
            DestinationCategory::EmploymentFullTime,
            1,
        );
        assert!(employed.is_incomplete());
        employed.employer = Some("Aire Logistics".to_owned());
        assert!(!employed.is_incomplete());
        employed.start_date = NaiveDate::from_ymd_opt(2026, 9, 1);
        employed.end_date = NaiveDate::from_ymd_opt(2026, 8, 1);
        assert_eq!(employed.validate().map_err(|e| e.field), Err("end date"));
    }

    #[test]
    fn verification_only_goes_up() {
        use Verification as V;
        assert_eq!(
            V::Unverified.upgrades().collect::<Vec<_>>(),
            [V::LearnerConfirmed, V::ThirdPartyConfirmed, V::EvidenceAttached]
        );
        assert_eq!(
            V::ThirdPartyConfirmed.upgrades().collect::<Vec<_>>(),
            [V::EvidenceAttached]
        );
        assert_eq!(V::EvidenceAttached.upgrades().count(), 0);
    }

    #[test]
    fn groups_and_positive_destinations() {
        assert!(DestinationCategory::SelfEmployed.is_positive());
        assert!(DestinationCategory::Traineeship.is_positive());
        assert!(!DestinationCategory::GapYear.is_positive());
        assert!(!DestinationCategory::NeetSeeking.is_positive());
        assert_eq!(
            DestinationCategory::NeetNotAvailableCaring.group(),
            DestinationGroup::Neet
        );
        assert_eq!(DestinationCategory::NotKnown.group(), DestinationGroup::NotKnown);
    }
}
