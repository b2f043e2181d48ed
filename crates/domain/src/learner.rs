//! Learners and their equality and diversity fields. Fields the provider does
//! not hold stay empty (`None`), never a guessed default.

use chrono::NaiveDate;

use crate::DomainError;
use crate::person::PersonName;
use crate::tutor_group::TutorGroup;
use crate::uln::Uln;

code_enum! {
    pub enum Sex as "sex" {
        Female = "f", "Female";
        Male = "m", "Male";
        Other = "x", "Other";
        NotKnown = "u", "Not known";
    }
}

code_enum! {
    /// ILR ethnicity codes (standards.md §8).
    pub enum Ethnicity as "ethnicity" {
        WhiteBritish = "31", "English / Welsh / Scottish / Northern Irish / British";
        WhiteIrish = "32", "Irish";
        GypsyOrIrishTraveller = "33", "Gypsy or Irish Traveller";
        WhiteOther = "34", "Any other White background";
        WhiteAndBlackCaribbean = "35", "White and Black Caribbean";
        WhiteAndBlackAfrican = "36", "White and Black African";
        WhiteAndAsian = "37", "White and Asian";
        MixedOther = "38", "Any other Mixed / multiple ethnic background";
        Indian = "39", "Indian";
        Pakistani = "40", "Pakistani";
        Bangladeshi = "41", "Bangladeshi";
        Chinese = "42", "Chinese";
        AsianOther = "43", "Any other Asian background";
        African = "44", "African";
        Caribbean = "45", "Caribbean";
        BlackOther = "46", "Any other Black / African / Caribbean background";
        Arab = "47", "Arab";
        OtherEthnicGroup = "98", "Any other ethnic group";
        NotKnown = "99", "Not known / not provided";
    }
}

code_enum! {
    /// ILR LLDDHealthProb: learning difficulty, disability or health problem.
    pub enum Lldd as "lldd" {
        Yes = "1", "Has a learning difficulty, disability or health problem";
        No = "2", "Does not have a learning difficulty, disability or health problem";
        NoInformation = "9", "No information";
    }
}

/// A learner as it arrives from an import, a form or the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLearner {
    pub uln: Option<Uln>,
    pub upn: Option<String>,
    pub mis_id: Option<String>,
    pub given_name: PersonName,
    pub family_name: PersonName,
    pub date_of_birth: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub ethnicity: Option<Ethnicity>,
    pub lldd: Option<Lldd>,
    pub free_school_meals: Option<bool>,
    pub care_leaver: Option<bool>,
    pub send: Option<bool>,
    pub postcode: Option<String>,
    pub preferred_language: Option<String>,
    /// The tutor group the learner is taught in; tutors see their groups' learners.
    pub tutor_group: Option<TutorGroup>,
}

impl NewLearner {
    /// A learner with only a name; set identifiers and other fields with struct
    /// update syntax (`NewLearner { mis_id, ..NewLearner::named(given, family) }`).
    pub fn named(given_name: PersonName, family_name: PersonName) -> Self {
        Self {
            uln: None,
            upn: None,
            mis_id: None,
            given_name,
            family_name,
            date_of_birth: None,
            sex: None,
            ethnicity: None,
            lldd: None,
            free_school_meals: None,
            care_leaver: None,
            send: None,
            postcode: None,
            preferred_language: None,
            tutor_group: None,
        }
    }

    /// A learner needs a name (guaranteed by the types) and one identifier.
    pub fn validate(&self) -> Result<(), DomainError> {
        let has_mis_id = self.mis_id.as_deref().is_some_and(|id| !id.trim().is_empty());
        if self.uln.is_none() && !has_mis_id {
            return Err(DomainError::new("uln", "a learner needs a ULN or an MIS id"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(uln: Option<&str>, mis_id: Option<&str>) -> NewLearner {
        NewLearner {
            uln: uln.map(|u| Uln::parse(u).expect("valid")),
            mis_id: mis_id.map(str::to_owned),
            ..NewLearner::named(
                PersonName::parse("Ada").expect("name"),
                PersonName::parse("Lovelace").expect("name"),
            )
        }
    }

    #[test]
    fn one_identifier_is_required() {
        assert!(learner(Some("9276308686"), None).validate().is_ok());
        assert!(learner(None, Some("MIS1")).validate().is_ok());
        let err = learner(None, Some("  ")).validate().expect_err("blank MIS id");
        assert!(err.message.contains("ULN or an MIS id"));
    }

    #[test]
    fn ethnicity_codes_are_the_ilr_list() {
        assert_eq!(Ethnicity::ALL.len(), 19);
        assert_eq!(Ethnicity::from_code("47"), Some(Ethnicity::Arab));
        assert_eq!(Ethnicity::from_code("48"), None);
    }
}
