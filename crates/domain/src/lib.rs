//! Onward's domain: pure types and rules, no I/O and no async.
//!
//! Values are parsed at the edge into these types (`Uln::parse`,
//! `EmailAddress::parse`, …) so an invalid value cannot travel further in.
//! Every enumeration has a short stable text `code()` used in storage, CSV and
//! URLs, and an English `label()` for people.

#[macro_use]
pub mod code_enum;
pub mod campaign;
pub mod contact;
pub mod crosswalk;
pub mod destination;
pub mod disclosure;
pub mod email;
pub mod enrolment;
pub mod escalation;
pub mod export;
pub mod import;
pub mod learner;
pub mod organisation;
pub mod permissions;
pub mod person;
pub mod phone;
pub mod postcode;
pub mod programme;
pub mod role;
pub mod sms_reply;
pub mod support;
pub mod survey;
pub mod sustained;
pub mod tracking;
pub mod tutor_group;
pub mod uln;

/// An invalid value met at the edge, with a message naming the field and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DomainError {
    pub field: &'static str,
    pub message: String,
}

impl DomainError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
