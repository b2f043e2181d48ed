//! The Unique Learner Number: 10 digits with the ESFA check digit (ILR rule DD01).

use std::fmt;

/// The temporary ULN the ILR accepts while a real one is awaited.
pub const PLACEHOLDER: &str = "9999999999";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UlnError {
    #[error("ULN must be 10 digits (found {0} characters)")]
    WrongLength(usize),
    #[error("ULN must contain digits only")]
    NotDigits,
    #[error("ULN cannot start with 0")]
    LeadingZero,
    #[error("ULN check digit is wrong: the last digit should be {expected}, not {found}")]
    CheckDigit { expected: u8, found: u8 },
    #[error("ULN is not valid: no check digit fits its first nine digits")]
    NoValidCheckDigit,
}

/// A valid ULN. It can only be built by [`Uln::parse`] or [`Uln::from_first_nine`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Uln(String);

/// The check digit for nine leading digits: S = Σ (10−i)·dᵢ, R = S mod 11,
/// check = 10 − R; R = 0 has no valid check digit.
fn check_digit(first_nine: &[u8]) -> Option<u8> {
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(digit, weight)| u32::from(*digit) * weight)
        .sum();
    match sum % 11 {
        0 => None,
        remainder => u8::try_from(10 - remainder).ok(),
    }
}

impl Uln {
    pub fn parse(input: &str) -> Result<Self, UlnError> {
        let value = input.trim();
        if !value.chars().all(|c| c.is_ascii_digit()) {
            return Err(UlnError::NotDigits);
        }
        if value.len() != 10 {
            return Err(UlnError::WrongLength(value.chars().count()));
        }
        if value == PLACEHOLDER {
            return Ok(Self(value.to_owned()));
        }
        let digits: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
        if digits[0] == 0 {
            return Err(UlnError::LeadingZero);
        }
        let expected = check_digit(&digits[..9]).ok_or(UlnError::NoValidCheckDigit)?;
        if digits[9] != expected {
            return Err(UlnError::CheckDigit {
                expected,
                found: digits[9],
            });
        }
        Ok(Self(value.to_owned()))
    }

    /// Completes nine leading digits with their check digit (for data generators).
    /// `None` outside 100000000..=999999999 or when no check digit fits.
    pub fn from_first_nine(first_nine: u32) -> Option<Self> {
        if !(100_000_000..=999_999_999).contains(&first_nine) {
            return None;
        }
        let text = first_nine.to_string();
        let digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let check = check_digit(&digits)?;
        Some(Self(format!("{text}{check}")))
    }

    /// True for the temporary ULN 9999999999, accepted only as a flagged placeholder.
    pub fn is_placeholder(&self) -> bool {
        self.0 == PLACEHOLDER
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uln {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Uln {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uln({})", self.0)
    }
}

impl std::str::FromStr for Uln {
    type Err = UlnError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl<'de> serde::Deserialize<'de> for Uln {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_worked_example_is_valid() {
        // S = 290, R = 4, check digit 10 − 4 = 6 (standards.md §2).
        assert_eq!(check_digit(&[9, 2, 7, 6, 3, 0, 8, 6, 8]), Some(6));
        let uln = Uln::parse("9276308686").expect("valid");
        assert_eq!(uln.as_str(), "9276308686");
        assert!(!uln.is_placeholder());
        assert_eq!(
            Uln::parse(" 9276308686\n").map(|u| u.to_string()),
            Ok("9276308686".to_owned())
        );
    }

    #[test]
    fn bad_values_are_explained() {
        assert_eq!(
            Uln::parse("1234567890"),
            Err(UlnError::CheckDigit {
                expected: 9,
                found: 0
            })
        );
        assert_eq!(Uln::parse("123456789"), Err(UlnError::WrongLength(9)));
        assert_eq!(Uln::parse("12345678901"), Err(UlnError::WrongLength(11)));
        assert_eq!(Uln::parse("12345A7890"), Err(UlnError::NotDigits));
        assert_eq!(Uln::parse("0276308686"), Err(UlnError::LeadingZero));
        assert_eq!(Uln::parse(""), Err(UlnError::WrongLength(0)));
    }

    #[test]
    fn the_placeholder_is_accepted_and_flagged() {
        assert!(Uln::parse(PLACEHOLDER).expect("accepted").is_placeholder());
    }

    #[test]
    fn a_remainder_of_zero_has_no_check_digit() {
        // 100000006: S = 10·1 + 2·6 = 22, R = 0.
        let prefix = 100_000_006;
        assert_eq!(Uln::from_first_nine(prefix), None);
        for last in 0..=9 {
            assert_eq!(
                Uln::parse(&format!("{prefix}{last}")),
                Err(UlnError::NoValidCheckDigit)
            );
        }
    }

    #[test]
    fn one_digit_away_from_a_valid_uln_can_be_the_placeholder() {
        // 9999999998 checks (S = 486, R = 2, check digit 8); changing its last
        // digit gives the placeholder, which is accepted by rule 1 of DD01, not
        // by the checksum. The single-digit property below must allow for this.
        let near = Uln::parse("9999999998").expect("valid");
        assert!(!near.is_placeholder());
        assert_eq!(check_digit(&[9; 9]), Some(8));
        assert!(Uln::parse("9999999999").is_ok_and(|u| u.is_placeholder()));
        assert!(Uln::parse("9999999997").is_err());
    }

    #[test]
    fn serde_uses_the_plain_string_and_validates() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let parse = |text: &'static str| {
            let deserializer: StrDeserializer<'_, Error> = text.into_deserializer();
            <Uln as serde::Deserialize>::deserialize(deserializer)
        };
        assert_eq!(
            parse("9276308686").map(|u| u.to_string()),
            Ok("9276308686".to_owned())
        );
        let err = parse("1234567890").expect_err("bad check digit");
        assert!(err.to_string().contains("check digit"), "{err}");
    }

    fn valid_uln() -> impl Strategy<Value = Uln> {
        (100_000_000_u32..=999_999_999).prop_filter_map("no check digit", Uln::from_first_nine)
    }

    fn digits_of(uln: &Uln) -> Vec<u8> {
        uln.as_str().bytes().map(|b| b - b'0').collect()
    }

    fn text_of(digits: &[u8]) -> String {
        digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// HESA's form of the rule, used as an independent oracle: the ten digits
    /// weighted 10..1 sum to 10 mod 11.
    fn hesa_valid(digits: &[u8]) -> bool {
        let sum: u32 = digits
            .iter()
            .zip((1..=10).rev())
            .map(|(digit, weight)| u32::from(*digit) * weight)
            .sum();
        sum % 11 == 10
    }

    proptest! {
        #[test]
        fn every_generated_uln_parses(uln in valid_uln()) {
            prop_assert_eq!(Uln::parse(uln.as_str()), Ok(uln.clone()));
            prop_assert!(!uln.is_placeholder());
        }

        /// The rule as written in DD01 agrees with HESA's formulation on every
        /// 10-digit string (apart from the leading-zero and placeholder rules).
        #[test]
        fn parse_agrees_with_the_hesa_formulation(digits in proptest::collection::vec(0_u8..10, 10)) {
            let text = text_of(&digits);
            let expected = text == PLACEHOLDER || (digits[0] != 0 && hesa_valid(&digits));
            prop_assert_eq!(Uln::parse(&text).is_ok(), expected, "{}", text);
        }

        /// Changing one digit by δ ∈ ±1..9 changes the weighted sum by w·δ with
        /// w ∈ 1..10; 11 is prime, so w·δ ≢ 0 (mod 11) and the checksum fails.
        /// The one way such a number is still accepted is by becoming the
        /// placeholder 9999999999, which DD01 accepts without a checksum.
        #[test]
        fn every_single_digit_change_is_rejected(uln in valid_uln(), position in 0_usize..10) {
            let original = digits_of(&uln);
            for replacement in (0..10).filter(|d| *d != original[position]) {
                let mut digits = original.clone();
                digits[position] = replacement;
                let changed = text_of(&digits);
                prop_assert!(!hesa_valid(&digits), "{} still checks", changed);
                let result = Uln::parse(&changed);
                if changed == PLACEHOLDER {
                    prop_assert!(result.is_ok_and(|u| u.is_placeholder()));
                } else {
                    prop_assert!(result.is_err(), "{} accepted", changed);
                }
            }
        }

        /// Swapping adjacent digits a ≠ b (weights w and w − 1) changes the sum
        /// by ±(a − b), never 0 mod 11. The result cannot be the placeholder
        /// (that needs both digits to be 9), and a swap that brings a 0 to the
        /// front is refused by the leading-zero rule, so every swap is refused.
        #[test]
        fn every_adjacent_transposition_is_rejected(uln in valid_uln(), position in 0_usize..9) {
            let mut digits = digits_of(&uln);
            prop_assume!(digits[position] != digits[position + 1]);
            digits.swap(position, position + 1);
            let swapped = text_of(&digits);
            prop_assert!(!hesa_valid(&digits), "{} still checks", swapped);
            let result = Uln::parse(&swapped);
            if digits[0] == 0 {
                prop_assert_eq!(result, Err(UlnError::LeadingZero));
            } else {
                prop_assert!(
                    matches!(result, Err(UlnError::CheckDigit { .. } | UlnError::NoValidCheckDigit)),
                    "{}: {:?}", swapped, result
                );
            }
        }
    }
}
