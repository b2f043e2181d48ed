//! One SeaORM entity per table. Repositories in the crate root are the only users.

pub mod audit_event;
pub mod checkpoint;
pub mod cohort;
pub mod contact_attempt;
pub mod contact_point;
pub mod destination_record;
pub mod enrolment;
pub mod guarantee_offer;
pub mod idempotency_key;
pub mod import_file;
pub mod import_issue;
pub mod import_mapping;
pub mod import_run;
pub mod intention;
pub mod job;
pub mod learner;
pub mod organisation;
pub mod probable_duplicate;
pub mod programme;
pub mod referral;
pub mod session;
pub mod support_flag;
pub mod task;
pub mod tracking_plan;
pub mod user;
pub mod user_token;
