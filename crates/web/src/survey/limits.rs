//! Rate limits on personal links that do not work (unknown, expired or
//! revoked), so tokens cannot be guessed at speed: a client gets a few misses
//! a minute, the whole server a bounded number. Working links are not limited
//! (a learner answering page after page never meets them).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Misses a minute from one client.
pub const MISSES_PER_CLIENT: u32 = 20;
/// Misses a minute on the whole server.
pub const MISSES_GLOBAL: u32 = 1000;

const KEYS_BEFORE_CLEAN_UP: usize = 10_000;

#[derive(Debug)]
pub struct LinkLimits {
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    global: DefaultDirectRateLimiter,
}

fn per_minute(count: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN))
}

impl Default for LinkLimits {
    fn default() -> Self {
        Self {
            per_client: RateLimiter::keyed(per_minute(MISSES_PER_CLIENT)),
            global: RateLimiter::direct(per_minute(MISSES_GLOBAL)),
        }
    }
}

impl LinkLimits {
    /// Counts a link that did not work; false once the client (or the server)
    /// is over its limit, when the visitor is told to wait instead.
    pub fn miss(&self, client: IpAddr) -> bool {
        let allowed = self.per_client.check_key(&client).is_ok() && self.global.check().is_ok();
        if self.per_client.len() > KEYS_BEFORE_CLEAN_UP {
            self.per_client.retain_recent();
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_client_guessing_is_stopped_and_others_are_not() {
        let limits = LinkLimits::default();
        let guesser: IpAddr = "203.0.113.9".parse().expect("ip");
        let allowed = (0..100).filter(|_| limits.miss(guesser)).count();
        assert_eq!(allowed, MISSES_PER_CLIENT as usize);
        assert!(limits.miss("203.0.113.10".parse().expect("ip")));
    }
}
