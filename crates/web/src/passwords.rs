//! Password hashing with argon2id (PHC strings). Used by sign-in and by
//! `onward user add`; passwords are never stored or logged in clear.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};

/// The shortest password Onward accepts for a staff account.
pub const MIN_PASSWORD_LENGTH: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {MIN_PASSWORD_LENGTH} characters long")]
    TooShort,
    #[error("the password could not be hashed: {0}")]
    Hash(String),
}

/// Hashes a new password after checking it meets the minimum length.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return Err(PasswordError::TooShort);
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|err| PasswordError::Hash(err.to_string()))
}

/// True when `password` matches the stored PHC hash. A malformed hash (an
/// invited account's `!`, which has no password yet) never matches, after the
/// same work as a real one: the answer takes as long either way.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            let _ = verify_decoy(password);
            false
        }
    }
}

fn verify_decoy(password: &str) -> bool {
    PasswordHash::new(decoy_hash())
        .map(|decoy| {
            Argon2::default()
                .verify_password(password.as_bytes(), &decoy)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`verify_password`] on a blocking thread, so the deliberately slow hash does
/// not hold up the async workers. With no stored hash (an unknown account) it
/// verifies against the decoy and answers false, in the same time.
pub async fn verify_password_off_thread(password: String, stored_hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored_hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            let _ = verify_decoy(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random password, verified against when the email is unknown so a
/// failed sign-in takes the same time whether or not the account exists.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"decoy password that no account has")
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let hash = hash_password("correct horse battery").expect("hashable");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse battery!", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(matches!(hash_password("short"), Err(PasswordError::TooShort)));
    }
}
