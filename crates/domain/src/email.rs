//! Email addresses, checked for a sane shape and stored lower-case so sign-in
//! and matching do not depend on how someone typed their address.

use crate::DomainError;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let address = input.trim().to_lowercase();
        let fail = |why: &str| Err(DomainError::new("email", format!("`{}` {why}", input.trim())));
        if address.len() > 254 {
            return fail("is longer than 254 characters");
        }
        let Some((local, domain)) = address.split_once('@') else {
            return fail("needs an @, like name@example.com");
        };
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return fail("must have one @ with a name of 1 to 64 characters before it");
        }
        if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return fail("must not contain spaces");
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return fail("has a misplaced dot before the @");
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |label: &&str| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return fail("needs a domain after the @, like example.com");
        }
        Ok(Self(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_normalised() {
        assert_eq!(
            EmailAddress::parse(" Jo.Bloggs+work@Example.CO.uk ").map(|e| e.to_string()),
            Ok("jo.bloggs+work@example.co.uk".to_owned())
        );
    }

    #[test]
    fn invalid_addresses_are_explained() {
        for bad in [
            "",
            "no-at-sign",
            "two@@example.com",
            "a@b",
            "sp ace@example.com",
            "a@-bad.com",
            ".a@example.com",
        ] {
            let err = EmailAddress::parse(bad).expect_err(bad);
            assert_eq!(err.field, "email");
        }
        assert!(EmailAddress::parse(&format!("{}@example.com", "a".repeat(65))).is_err());
    }
}
