//! Crosswalks from Onward's destination taxonomy to the external standards,
//! kept as versioned data files (`crosswalks/*.csv`) compiled into the binary.
//! A code is checked against the standard's code list; "none" is an explicit
//! "no equivalent", never a silent gap.

use crate::DomainError;
use crate::destination::DestinationCategory;

code_enum! {
    /// The standards Onward reports destinations in.
    pub enum Standard as "standard" {
        /// ILR Destination and Progression OutType+OutCode (e.g. EMP1).
        IlrDp = "ilr_dp", "ILR Destination and Progression";
        /// NCCIS activity code (e.g. 540).
        Nccis = "nccis", "NCCIS activity";
        /// DfE destination measure category.
        DfeMeasure = "dfe", "DfE destination measures";
        /// HESA Graduate Outcomes activity (ALLACT01..11).
        HesaGo = "hesa_go", "HESA Graduate Outcomes";
        /// The VET graduate survey's routed status.
        VetSurvey = "vet", "VET graduate survey";
    }
}

/// The crosswalk versions shipped: (version, data).
pub const VERSIONS: &[(&str, &str)] = &[("2025-26", include_str!("../crosswalks/2025-26.csv"))];

const ILR_DP: &[&str] = &[
    "EDU1", "EDU2", "EDU3", "EDU4", "EDU5", "EDU6", "EMP1", "EMP2", "EMP4", "EMP5", "GAP1", "NPE1", "NPE2",
    "OTH1", "OTH3", "OTH4", "SDE1", "SDE2", "SDE3", "SDE4", "VOL1",
];
const NCCIS: &[&str] = &[
    "110", "120", "130", "140", "150", "210", "220", "230", "240", "250", "260", "270", "280", "290", "310",
    "320", "330", "340", "350", "360", "380", "381", "410", "430", "440", "450", "460", "530", "540", "550",
    "610", "615", "616", "619", "620", "630", "640", "650", "660", "670", "680", "710", "720", "810", "820",
    "830",
];
const DFE: &[&str] = &[
    "education",
    "apprenticeship",
    "employment",
    "not_sustained",
    "not_captured",
];
const HESA_GO: &[&str] = &["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"];
const VET: &[&str] = &["employed", "self_employed", "study", "other"];

impl Standard {
    /// The codes this standard allows.
    pub fn codes(self) -> &'static [&'static str] {
        match self {
            Self::IlrDp => ILR_DP,
            Self::Nccis => NCCIS,
            Self::DfeMeasure => DFE,
            Self::HesaGo => HESA_GO,
            Self::VetSurvey => VET,
        }
    }
}

/// One category's mapping to one standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mapping {
    Code(&'static str),
    /// Explicitly no equivalent in that standard.
    NoEquivalent,
}

/// A parsed, checked crosswalk version.
#[derive(Clone, Debug)]
pub struct Crosswalk {
    pub version: &'static str,
    rows: Vec<(DestinationCategory, [Mapping; 5])>,
}

impl Crosswalk {
    /// Parses and checks a crosswalk file: every category exactly once, every cell a
    /// valid code of its standard or "none". Errors name the line and column.
    pub fn parse(version: &'static str, data: &'static str) -> Result<Self, DomainError> {
        let mut lines = data
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty());
        let header = lines.next().map(|(_, line)| line).unwrap_or_default();
        let expected: Vec<&str> = std::iter::once("category")
            .chain(Standard::ALL.iter().map(|s| s.code()))
            .collect();
        if header.split(',').collect::<Vec<_>>() != expected {
            return Err(DomainError::new(
                "crosswalk",
                format!("{version}: header must be {}", expected.join(",")),
            ));
        }
        let mut rows = Vec::new();
        for (index, line) in lines {
            let at =
                |what: String| DomainError::new("crosswalk", format!("{version} line {}: {what}", index + 1));
            let cells: Vec<&'static str> = line.split(',').map(str::trim).collect();
            if cells.len() != expected.len() {
                return Err(at(format!(
                    "expected {} columns, found {}",
                    expected.len(),
                    cells.len()
                )));
            }
            let category = DestinationCategory::from_code(cells[0])
                .ok_or_else(|| at(format!("unknown category `{}`", cells[0])))?;
            if rows.iter().any(|(seen, _)| *seen == category) {
                return Err(at(format!("category `{}` appears twice", cells[0])));
            }
            let mut mappings = [Mapping::NoEquivalent; 5];
            for (slot, (standard, cell)) in mappings.iter_mut().zip(Standard::ALL.iter().zip(&cells[1..])) {
                *slot = match *cell {
                    "none" => Mapping::NoEquivalent,
                    "" => {
                        return Err(at(format!(
                            "empty {} cell: write a code or `none`",
                            standard.code()
                        )));
                    }
                    code if standard.codes().contains(&code) => Mapping::Code(code),
                    code => return Err(at(format!("`{code}` is not a {} code", standard.label()))),
                };
            }
            rows.push((category, mappings));
        }
        if let Some(missing) = DestinationCategory::ALL
            .iter()
            .find(|c| !rows.iter().any(|(seen, _)| seen == *c))
        {
            return Err(DomainError::new(
                "crosswalk",
                format!("{version}: category `{}` is not mapped", missing.code()),
            ));
        }
        Ok(Self { version, rows })
    }

    /// The newest shipped crosswalk.
    pub fn latest() -> Result<Self, DomainError> {
        let (version, data) = VERSIONS
            .last()
            .copied()
            .ok_or_else(|| DomainError::new("crosswalk", "none shipped"))?;
        Self::parse(version, data)
    }

    pub fn map(&self, category: DestinationCategory, standard: Standard) -> Mapping {
        let column = Standard::ALL
            .iter()
            .position(|s| *s == standard)
            .unwrap_or_default();
        self.rows
            .iter()
            .find(|(c, _)| *c == category)
            .map_or(Mapping::NoEquivalent, |(_, mappings)| mappings[column])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_maps_to_every_standard_in_every_version() {
        for (version, data) in VERSIONS {
            let crosswalk = Crosswalk::parse(version, data).expect("valid crosswalk");
            for category in DestinationCategory::ALL {
                for standard in Standard::ALL {
                    // Totality: a code of that standard or an explicit "no equivalent".
                    match crosswalk.map(*category, *standard) {
                        Mapping::Code(code) => assert!(standard.codes().contains(&code)),
                        Mapping::NoEquivalent => {}
                    }
                }
            }
            assert_eq!(crosswalk.rows.len(), DestinationCategory::ALL.len(), "{version}");
        }
    }

    #[test]
    fn known_mappings() {
        let crosswalk = Crosswalk::latest().expect("latest");
        assert_eq!(
            crosswalk.map(DestinationCategory::EmploymentFullTime, Standard::IlrDp),
            Mapping::Code("EMP1")
        );
        assert_eq!(
            crosswalk.map(DestinationCategory::NeetSeeking, Standard::Nccis),
            Mapping::Code("619")
        );
        assert_eq!(
            crosswalk.map(DestinationCategory::Deceased, Standard::HesaGo),
            Mapping::NoEquivalent
        );
        assert_eq!(
            crosswalk.map(DestinationCategory::SelfEmployed, Standard::VetSurvey),
            Mapping::Code("self_employed")
        );
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let missing = "category,ilr_dp,nccis,dfe,hesa_go,vet\nedu_higher,EDU6,240,education,06,study\n";
        assert!(
            Crosswalk::parse("t", missing)
                .expect_err("incomplete")
                .message
                .contains("is not mapped")
        );
        let bad_code = "category,ilr_dp,nccis,dfe,hesa_go,vet\nedu_higher,EDU9,240,education,06,study\n";
        let err = Crosswalk::parse("t", bad_code).expect_err("bad code");
        assert!(
            err.message.contains("line 2") && err.message.contains("EDU9"),
            "{err}"
        );
        let empty = "category,ilr_dp,nccis,dfe,hesa_go,vet\nedu_higher,,240,education,06,study\n";
        assert!(
            Crosswalk::parse("t", empty)
                .expect_err("empty")
                .message
                .contains("write a code or `none`")
        );
    }
}
