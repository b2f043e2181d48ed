//! Rate limits on sign-in attempts (governor), in front of the per-account
//! lockout. Keyed so that one client cannot lock out everyone behind the same
//! address (a school's NAT or proxy): the tight limit is per account *and*
//! client; looser ones per account (guessing one password from many
//! addresses) and per client (trying many accounts from one address); and a
//! global ceiling bounds the password-hashing work the server takes on.
//!
//! The account key is the email as typed (trimmed, lower case), known or not,
//! so the limits answer the same for accounts that do not exist.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Attempts a minute on one account from one client.
pub const PER_ACCOUNT_AND_CLIENT: u32 = 10;
/// Attempts a minute on one account from anywhere.
pub const PER_ACCOUNT: u32 = 30;
/// Attempts a minute from one client on any accounts.
pub const PER_CLIENT: u32 = 100;
/// Attempts a minute on the whole server.
pub const GLOBAL: u32 = 600;

/// Keys kept before idle ones are dropped (each is a few dozen bytes).
const KEYS_BEFORE_CLEAN_UP: usize = 10_000;
/// The longest account key kept (an email address is at most 254 characters).
const MAX_ACCOUNT_KEY: usize = 254;

#[derive(Debug)]
pub struct SignInLimits {
    per_account_and_client: DefaultKeyedRateLimiter<(String, IpAddr)>,
    per_account: DefaultKeyedRateLimiter<String>,
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    global: DefaultDirectRateLimiter,
}

fn per_minute(count: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN))
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            per_account_and_client: RateLimiter::keyed(per_minute(PER_ACCOUNT_AND_CLIENT)),
            per_account: RateLimiter::keyed(per_minute(PER_ACCOUNT)),
            per_client: RateLimiter::keyed(per_minute(PER_CLIENT)),
            global: RateLimiter::direct(per_minute(GLOBAL)),
        }
    }
}

impl SignInLimits {
    /// Takes one attempt at signing in to `email` from `client`; false when a
    /// limit is reached. The narrowest limit is checked first, so a client
    /// refused on one account does not use up its allowance for others.
    pub fn allow(&self, email: &str, client: IpAddr) -> bool {
        let account: String = email
            .trim()
            .to_lowercase()
            .chars()
            .take(MAX_ACCOUNT_KEY)
            .collect();
        let allowed = self
            .per_account_and_client
            .check_key(&(account.clone(), client))
            .is_ok()
            && self.per_account.check_key(&account).is_ok()
            && self.per_client.check_key(&client).is_ok()
            && self.global.check().is_ok();
        if self.per_account_and_client.len() > KEYS_BEFORE_CLEAN_UP {
            self.per_account_and_client.retain_recent();
            self.per_account.retain_recent();
            self.per_client.retain_recent();
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_account_hammered_from_a_shared_address_leaves_other_accounts_open() {
        let limits = SignInLimits::default();
        let school: IpAddr = "203.0.113.1".parse().expect("ip");
        let hammered = (0..50)
            .filter(|_| limits.allow("head@school.example", school))
            .count();
        assert_eq!(hammered, PER_ACCOUNT_AND_CLIENT as usize);
        for teacher in 0..20 {
            assert!(limits.allow(&format!("teacher{teacher}@school.example"), school));
        }
        assert!(
            !limits.allow(" HEAD@school.example", school),
            "the account key ignores case and spaces"
        );
    }
}
