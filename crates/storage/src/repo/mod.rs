//! Repositories: tenant-scoped functions over any connection or transaction.

pub mod alumni;
pub mod audit;
pub mod bounces;
pub mod calls;
pub mod campaigns;
pub mod cohort_lists;
pub mod cohort_members;
pub mod cohorts;
pub mod contacts;
pub mod destinations;
pub mod employer_checks;
pub mod enrolments;
pub mod guarantee;
pub(crate) mod idempotency;
pub mod ids;
pub mod imports;
pub mod intentions;
pub mod jobs;
pub mod learner_search;
pub mod learners;
pub mod learners_by_hand;
pub mod opt_outs;
pub mod organisations;
pub mod plans;
pub mod programmes;
pub mod receipts;
pub mod scope;
pub mod setup;
pub mod sms_replies;
pub mod staff_invitations;
pub mod support;
pub mod surveys;
pub mod tasks;
pub mod tenant;
pub mod tokens;
pub mod tutor_groups;
pub mod users;

/// The import writer, at the path it had before it moved to `crate::import`.
pub use crate::import::batch as import_batch;

use std::str::FromStr;

use crate::StorageError;

/// Parses a code stored in the database back into its domain type. A failure
/// means the row was written by something other than Onward, so it is reported
/// with the table and column rather than silently mapped to a default.
pub(crate) fn decode<T>(table: &'static str, column: &'static str, value: &str) -> Result<T, StorageError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|err: T::Err| StorageError::InvalidStoredValue {
            table,
            column,
            value: value.to_owned(),
            reason: err.to_string(),
        })
}

pub(crate) fn decode_opt<T>(
    table: &'static str,
    column: &'static str,
    value: Option<&str>,
) -> Result<Option<T>, StorageError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value.map(|value| decode(table, column, value)).transpose()
}

/// The current time as stored: UTC, truncated to microseconds so that what is
/// read back equals what was written on both backends.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(6)
}
