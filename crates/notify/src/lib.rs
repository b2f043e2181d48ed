//! Sending messages to learners, one channel a module, each behind a trait so
//! the jobs that decide *what* to send never see *how* it is sent:
//!
//! - [`email`]: SMTP through lettre (rustls), text and HTML parts, the
//!   organisation's sender name and reply-to, one-click unsubscribe (RFC 8058).
//! - [`sms`]: an HTTP gateway shaped like GOV.UK Notify's API, the segment
//!   count shown before sending, and the signature check of delivery receipts.
//! - [`templates`]: the text of every message in each language, through Fluent
//!   (`locales/<code>/messages.ftl`), with the learner's personal link.
//!
//! Failures are [`SendError`]s that say whether trying again later may work
//! (`Temporary`: the server is down, busy or refusing for now) or not
//! (`Permanent`: the address or number is refused), for the retries of the
//! jobs that send.
//!
//! Letters (PDF) are in their own crate, `onward-letters`, so that only the
//! binaries that print pay for the typesetter.

pub mod email;
mod error;
pub mod inbound;
pub mod language;
pub mod sms;
pub mod templates;

pub use error::{ConfigError, SendError};
pub use language::Language;
