//! People's names.

use crate::DomainError;

/// A given or family name: trimmed, 1–100 characters, no control characters.
/// Any script and punctuation is allowed (O'Brien, Nguyễn, Smith-Jones).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(DomainError::new("name", "enter a name"));
        }
        if name.chars().count() > 100 {
            return Err(DomainError::new("name", "must be 100 characters or fewer"));
        }
        if name.chars().any(char::is_control) {
            return Err(DomainError::new("name", "must not contain control characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            PersonName::parse("  O'Brien ").map(|n| n.as_str().to_owned()),
            Ok("O'Brien".to_owned())
        );
        assert!(PersonName::parse("Nguyễn").is_ok());
        assert!(PersonName::parse("   ").is_err());
        assert!(PersonName::parse(&"x".repeat(101)).is_err());
        assert!(PersonName::parse("a\u{0}b").is_err());
    }
}
