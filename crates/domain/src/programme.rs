//! Programmes (courses): type, level, sector subject area, mode.

code_enum! {
    pub enum ProgrammeType as "programme type" {
        ALevel = "a_level", "A level";
        Gcse = "gcse", "GCSE";
        Vocational = "vocational", "Vocational qualification";
        TLevel = "t_level", "T Level";
        Apprenticeship = "apprenticeship", "Apprenticeship";
        SkillsBootcamp = "skills_bootcamp", "Skills Bootcamp";
        Esol = "esol", "ESOL";
        Multiply = "multiply", "Multiply";
        ShortVocational = "short_vocational", "Short vocational course";
        EmployerLed = "employer_led", "Employer-led provision";
        Access = "access_to_he", "Access to HE";
        HigherEducation = "higher_education", "Higher education";
        Other = "other", "Other";
    }
}

code_enum! {
    /// Regulated qualification levels (Ofqual register).
    pub enum QualificationLevel as "level" {
        Entry1 = "e1", "Entry 1";
        Entry2 = "e2", "Entry 2";
        Entry3 = "e3", "Entry 3";
        Entry = "entry", "Entry level";
        Level1 = "1", "Level 1";
        Level1_2 = "1_2", "Level 1/2";
        Level2 = "2", "Level 2";
        Level3 = "3", "Level 3";
        Level4 = "4", "Level 4";
        Level5 = "5", "Level 5";
        Level6 = "6", "Level 6";
        Level7 = "7", "Level 7";
        Level8 = "8", "Level 8";
    }
}

impl QualificationLevel {
    /// The European Qualifications Framework level, per the UK referencing
    /// (RQF Entry → EQF 1, RQF 1 → 2, 2 → 3, 3 → 4, 4–5 → 5, 6 → 6, 7 → 7, 8 → 8).
    pub fn eqf(self) -> Option<u8> {
        Some(match self {
            Self::Entry1 | Self::Entry2 | Self::Entry3 | Self::Entry => 1,
            Self::Level1 => 2,
            Self::Level1_2 | Self::Level2 => 3,
            Self::Level3 => 4,
            Self::Level4 | Self::Level5 => 5,
            Self::Level6 => 6,
            Self::Level7 => 7,
            Self::Level8 => 8,
        })
    }
}

code_enum! {
    /// Sector Subject Areas, tier 1 (standards.md §8).
    pub enum SectorSubjectArea as "sector subject area" {
        HealthPublicServicesCare = "1", "Health, Public Services and Care";
        ScienceMathematics = "2", "Science and Mathematics";
        AgricultureHorticultureAnimalCare = "3", "Agriculture, Horticulture and Animal Care";
        EngineeringManufacturing = "4", "Engineering and Manufacturing Technologies";
        ConstructionPlanning = "5", "Construction, Planning and the Built Environment";
        DigitalTechnology = "6", "Digital Technology";
        RetailCommercial = "7", "Retail and Commercial Enterprise";
        LeisureTravelTourism = "8", "Leisure, Travel and Tourism";
        ArtsMediaPublishing = "9", "Arts, Media and Publishing";
        HistoryPhilosophyTheology = "10", "History, Philosophy and Theology";
        SocialSciences = "11", "Social Sciences";
        LanguagesLiteratureCulture = "12", "Languages, Literature and Culture";
        EducationTraining = "13", "Education and Training";
        PreparationLifeWork = "14", "Preparation for Life and Work";
        BusinessAdministrationLaw = "15", "Business, Administration and Law";
    }
}

code_enum! {
    pub enum StudyMode as "mode" {
        FullTime = "full_time", "Full-time";
        PartTime = "part_time", "Part-time";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_has_an_eqf_level() {
        assert!(QualificationLevel::ALL.iter().all(|level| level.eqf().is_some()));
        assert_eq!(QualificationLevel::Level3.eqf(), Some(4));
    }

    #[test]
    fn there_are_fifteen_tier_one_areas() {
        assert_eq!(SectorSubjectArea::ALL.len(), 15);
        assert_eq!(
            SectorSubjectArea::from_code("6").map(|s| s.label()),
            Some("Digital Technology")
        );
    }
}
