//! Postcodes: UK postcodes checked and formatted ("ls62ab" → "LS6 2AB");
//! other countries' postal codes accepted leniently.

use crate::DomainError;
use crate::organisation::CountryCode;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Postcode(String);

fn is_uk_outward(outward: &str) -> bool {
    let bytes = outward.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) || bytes.len() <= letters || bytes.len() > letters + 2 {
        return false;
    }
    bytes[letters].is_ascii_digit() && bytes[letters + 1..].iter().all(|b| b.is_ascii_alphanumeric())
}

impl Postcode {
    pub fn parse(input: &str, country: &CountryCode) -> Result<Self, DomainError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if country.as_str() != "GB" {
            return if (2..=10).contains(&compact.len())
                && compact.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                Ok(Self(input.trim().to_uppercase()))
            } else {
                Err(DomainError::new(
                    "postcode",
                    format!("`{}` is not a postal code", input.trim()),
                ))
            };
        }
        if compact == "GIR0AA" {
            return Ok(Self("GIR 0AA".to_owned()));
        }
        // ASCII first: the split below counts bytes, and a character across it
        // would panic ("Z\u{1F600}+" is six bytes; found by the import's property tests).
        let valid = compact.is_ascii() && (5..=7).contains(&compact.len()) && {
            let (outward, inward) = compact.split_at(compact.len() - 3);
            let inward = inward.as_bytes();
            is_uk_outward(outward)
                && inward[0].is_ascii_digit()
                && inward[1].is_ascii_uppercase()
                && inward[2].is_ascii_uppercase()
        };
        if !valid {
            return Err(DomainError::new(
                "postcode",
                format!("`{}` is not a UK postcode (like LS6 2AB)", input.trim()),
            ));
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        Ok(Self(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_postcodes_are_checked_and_formatted() {
        let gb = CountryCode::gb();
        for (typed, stored) in [
            ("ls62ab", "LS6 2AB"),
            (" SW1A 1AA ", "SW1A 1AA"),
            ("M1 1AE", "M1 1AE"),
            ("b338th", "B33 8TH"),
            ("cr2 6xh", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
        ] {
            assert_eq!(
                Postcode::parse(typed, &gb).map(|p| p.as_str().to_owned()),
                Ok(stored.to_owned()),
                "{typed}"
            );
        }
        for bad in ["", "LS6", "123 456", "LS6 2A", "LSS6 2AB", "L 2AB", "LS6 2A1"] {
            assert!(Postcode::parse(bad, &gb).is_err(), "{bad}");
        }
    }

    #[test]
    fn other_countries_are_lenient() {
        let ee = CountryCode::parse("EE").expect("country");
        assert_eq!(
            Postcode::parse("10115", &ee).map(|p| p.as_str().to_owned()),
            Ok("10115".to_owned())
        );
        assert!(Postcode::parse("x", &ee).is_err());
    }
}
