/// Why a message was not sent, in the two kinds a retry needs to tell apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Trying again later may work: the server could not be reached, timed
    /// out, or answered "not now" (SMTP 4xx, HTTP 429 or 5xx).
    #[error("temporary failure, try again later: {0}")]
    Temporary(String),
    /// Trying again will not help: the recipient or the message was refused
    /// (SMTP 5xx, HTTP 4xx), or the address cannot be used at all.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

impl SendError {
    pub fn is_temporary(&self) -> bool {
        matches!(self, Self::Temporary(_))
    }

    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Permanent(_))
    }
}

/// A channel's configuration that cannot be used. The message names the
/// setting and never repeats a password or key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {problem}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub problem: String,
}

impl ConfigError {
    pub(crate) fn new(setting: &'static str, problem: impl Into<String>) -> Self {
        Self {
            setting,
            problem: problem.into(),
        }
    }
}
