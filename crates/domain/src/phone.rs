//! Phone numbers, normalised to E.164 (`+447700900123`). UK numbers are
//! checked by UK rules; other countries' numbers are accepted leniently.

use crate::DomainError;
use crate::organisation::CountryCode;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a number as typed (spaces, dashes, brackets and dots allowed),
    /// reading national numbers by the organisation's `country` rules.
    pub fn parse(input: &str, country: &CountryCode) -> Result<Self, DomainError> {
        let typed = input.trim();
        let fail = |why: &str| Err(DomainError::new("phone", format!("`{typed}` {why}")));
        if typed
            .chars()
            .any(|c| !(c.is_ascii_digit() || " -().+".contains(c)))
        {
            return fail("may contain only digits, spaces and + - ( ) .");
        }
        let plus = typed.starts_with('+');
        let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
        let international = if plus {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if country.as_str() == "GB" {
            match digits.strip_prefix('0') {
                Some(national) => format!("44{national}"),
                None => return fail("is not a UK number: start with 0 or +44"),
            }
        } else {
            // Lenient elsewhere: a national number is kept as typed, without a country code.
            return if (6..=15).contains(&digits.len()) {
                Ok(Self(digits))
            } else {
                fail("must have 6 to 15 digits")
            };
        };
        if let Some(national) = international.strip_prefix("44") {
            let national = national.strip_prefix('0').unwrap_or(national);
            if !(9..=10).contains(&national.len()) || national.starts_with('0') {
                return fail("is not a valid UK number (10 digits after 0, like 07700 900123)");
            }
            return Ok(Self(format!("+44{national}")));
        }
        if !(8..=15).contains(&international.len()) {
            return fail("must have 8 to 15 digits including the country code");
        }
        Ok(Self(format!("+{international}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A UK mobile (07…), which can receive SMS.
    pub fn is_uk_mobile(&self) -> bool {
        self.0.starts_with("+447")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gb(input: &str) -> Result<String, DomainError> {
        PhoneNumber::parse(input, &CountryCode::gb()).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn uk_numbers_become_e164() {
        assert_eq!(gb("07700 900123"), Ok("+447700900123".to_owned()));
        assert_eq!(gb("+44 (0)7700-900123"), Ok("+447700900123".to_owned()));
        assert_eq!(gb("0044 113 496 0000"), Ok("+441134960000".to_owned()));
        assert!(gb("07700 90012").is_ok(), "9-digit national numbers exist");
        assert!(gb("0770090012345").is_err());
        assert!(gb("7700900123").is_err());
        assert!(gb("call me").is_err());
        assert!(PhoneNumber::parse("07700 900123", &CountryCode::gb()).is_ok_and(|p| p.is_uk_mobile()));
    }

    #[test]
    fn other_countries_are_lenient() {
        let ee = CountryCode::parse("EE").expect("country");
        assert_eq!(
            PhoneNumber::parse("5123 4567", &ee).map(|p| p.as_str().to_owned()),
            Ok("51234567".to_owned())
        );
        assert_eq!(
            PhoneNumber::parse("+372 5123 4567", &ee).map(|p| p.as_str().to_owned()),
            Ok("+37251234567".to_owned())
        );
        assert!(PhoneNumber::parse("12", &ee).is_err());
    }
}
