//! Random tokens for personal links (staff invitations and resets, survey
//! links, opt-out and employer links): 256 bits from the OS RNG, hex-encoded;
//! only their SHA-256 is stored, so a stolen database opens no link. One
//! scheme for every link, here below every crate that makes or opens one.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Lower-case hex. Every learner-site request hashes its token, and a
/// `format!` per byte was a tenth of a survey page's own work (issue 14).
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// A new token for a link: 64 lower-case hex digits.
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// What is stored in place of the token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `token` could be one of ours (64 lower-case hex digits); anything
/// else is never looked up.
pub fn is_plausible(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(is_plausible(&a));
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn only_64_lower_case_hex_digits_are_plausible() {
        assert!(is_plausible(&"0a".repeat(32)));
        assert!(!is_plausible(&"0A".repeat(32)));
        assert!(!is_plausible(&"0a".repeat(31)));
        assert!(!is_plausible(&format!("{}g", "0".repeat(63))));
    }
}
