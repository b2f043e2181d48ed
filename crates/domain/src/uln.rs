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
        let prefix = (100_000_000_u32..)
            .find(|n| Uln::from_first_nine(*n).is_none())
            .expect("some prefix has R = 0");
        for last in 0..=9 {
            assert_eq!(
                Uln::parse(&format!("{prefix}{last}")),
                Err(UlnError::NoValidCheckDigit)
            );
        }
    }

    fn valid_uln() -> impl Strategy<Value = Uln> {
        (100_000_000_u32..=999_999_999).prop_filter_map("no check digit", Uln::from_first_nine)
    }

    proptest! {
        #[test]
        fn every_generated_uln_parses(uln in valid_uln()) {
            prop_assert_eq!(Uln::parse(uln.as_str()), Ok(uln.clone()));
        }

        /// Weights 10..2 and 1 are all non-zero mod 11, so changing one digit
        /// changes S mod 11 and the number no longer checks.
        #[test]
        fn any_single_digit_change_is_rejected(uln in valid_uln(), position in 0_usize..10, delta in 1_u8..10) {
            let mut digits: Vec<u8> = uln.as_str().bytes().collect();
            digits[position] = b'0' + (digits[position] - b'0' + delta) % 10;
            let changed = String::from_utf8(digits).expect("ascii");
            prop_assume!(changed != PLACEHOLDER);
            prop_assert!(Uln::parse(&changed).is_err(), "{} accepted", changed);
        }

        /// Swapping adjacent different digits changes S by ±(a−b), never 0 mod 11.
        #[test]
        fn adjacent_transpositions_are_rejected(uln in valid_uln(), position in 0_usize..9) {
            let mut digits: Vec<u8> = uln.as_str().bytes().collect();
            prop_assume!(digits[position] != digits[position + 1]);
            digits.swap(position, position + 1);
            let swapped = String::from_utf8(digits).expect("ascii");
            prop_assume!(swapped != PLACEHOLDER);
            prop_assert!(Uln::parse(&swapped).is_err(), "{} accepted", swapped);
        }
    }
}
