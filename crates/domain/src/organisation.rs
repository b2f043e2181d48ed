//! Organisations: schools, colleges, providers, local authorities, VET schools.

use crate::DomainError;

code_enum! {
    pub enum OrganisationKind as "kind" {
        School = "school", "School";
        College = "college", "College";
        Provider = "provider", "Training provider";
        LocalAuthority = "la", "Local authority";
        Vet = "vet", "VET school";
    }
}

/// A short identifier for URLs and commands: lowercase letters, digits and
/// single hyphens, 2–63 characters, starting with a letter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OrgSlug(String);

impl OrgSlug {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let slug = input.trim();
        let fail = |message: &str| Err(DomainError::new("slug", format!("`{slug}` {message}")));
        if !(2..=63).contains(&slug.len()) {
            return fail("must be 2 to 63 characters long");
        }
        if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
            return fail("must start with a lowercase letter");
        }
        if !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return fail("may contain only lowercase letters, digits and hyphens");
        }
        if slug.ends_with('-') || slug.contains("--") {
            return fail("must not end with a hyphen or contain two in a row");
        }
        Ok(Self(slug.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for OrgSlug {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl std::fmt::Display for OrgSlug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// ISO 3166-1 alpha-2 country code, stored upper-case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountryCode(String);

/// Every officially assigned ISO 3166-1 alpha-2 code.
const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI \
FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT \
JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ \
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS \
RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA \
UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

impl CountryCode {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() == 2 && ISO_3166_ALPHA2.split(' ').any(|known| known == code) {
            Ok(Self(code))
        } else {
            Err(DomainError::new(
                "country",
                format!(
                    "`{}` is not an ISO 3166 two-letter country code (e.g. GB, IE, ES)",
                    input.trim()
                ),
            ))
        }
    }

    pub fn gb() -> Self {
        Self("GB".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The default language for surveys and letters (the VET partners' languages
    /// and English elsewhere).
    pub fn default_locale(&self) -> &'static str {
        match self.0.as_str() {
            "GB" => "en-GB",
            "IE" => "en-IE",
            "ES" => "es",
            "IT" => "it",
            "NL" => "nl",
            "EE" => "et",
            _ => "en",
        }
    }
}

impl std::str::FromStr for CountryCode {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(OrgSlug::parse("northfield-academy").is_ok());
        assert!(OrgSlug::parse("a").is_err());
        assert!(OrgSlug::parse("Bad Slug!").is_err());
        assert!(OrgSlug::parse("9lives").is_err());
        assert!(OrgSlug::parse("double--hyphen").is_err());
        assert!(OrgSlug::parse("trailing-").is_err());
    }

    #[test]
    fn countries() {
        assert_eq!(CountryCode::parse("ee").map(|c| c.default_locale()), Ok("et"));
        assert_eq!(CountryCode::parse("GB").map(|c| c.default_locale()), Ok("en-GB"));
        assert!(CountryCode::parse("UK").is_err(), "UK is not the ISO code");
        assert!(CountryCode::parse("XX").is_err());
    }
}
