use std::sync::Arc;

use onward_storage::Database;

use crate::WebConfig;
use crate::sign_in_limits::SignInLimits;

/// What every handler can reach. Cheap to clone: the database is a pool handle.
#[derive(Clone, Debug)]
pub struct AppState {
    pub database: Database,
    /// Shared, not copied: axum clones the state for every extractor and
    /// middleware of every request.
    pub config: Arc<WebConfig>,
    /// Rate limits on sign-in attempts, by account, client and overall.
    pub sign_in_limits: Arc<SignInLimits>,
    /// Rate limits on survey links that do not work (guessing).
    pub survey_link_limits: Arc<crate::survey::limits::LinkLimits>,
    /// Sends staff invitations (from `WebConfig::smtp`); `None` when no mail
    /// server is configured.
    pub mailer: Option<onward_notify::email::SmtpMailer>,
    /// The channels campaign messages can go out on from this server's
    /// senders (`onward_outreach::Senders::sendable`), for "Send now".
    pub sendable: Arc<[onward_domain::contact::ContactChannel]>,
}

impl AppState {
    pub fn new(database: Database, config: WebConfig) -> Self {
        // Hash the decoy now, so the first failed sign-in takes no longer than the others.
        crate::passwords::decoy_hash();
        Self {
            database,
            config: Arc::new(config),
            sign_in_limits: Arc::new(SignInLimits::default()),
            survey_link_limits: Arc::default(),
            mailer: None,
            sendable: Arc::new([]),
        }
    }

    /// The same state sending email through `mailer`.
    #[must_use]
    pub fn with_mailer(mut self, mailer: Option<onward_notify::email::SmtpMailer>) -> Self {
        self.mailer = mailer;
        self
    }

    /// The same state knowing which channels campaigns send on.
    #[must_use]
    pub fn with_sendable(mut self, sendable: &[onward_domain::contact::ContactChannel]) -> Self {
        self.sendable = sendable.into();
        self
    }
}
