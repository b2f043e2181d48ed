use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use onward_storage::Database;

use crate::WebConfig;

/// What every handler can reach. Cheap to clone: the database is a pool handle.
#[derive(Clone, Debug)]
pub struct AppState {
    pub database: Database,
    pub config: WebConfig,
    /// Sign-in attempts per client address: slows password guessing across accounts.
    pub sign_in_limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AppState {
    pub fn new(database: Database, config: WebConfig) -> Self {
        let per_minute = NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN);
        Self {
            database,
            config,
            sign_in_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
        }
    }
}
