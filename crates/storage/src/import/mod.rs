//! The MIS import's side of storage: the bulk connection and transactions it
//! writes through (`bulk`), the writer of one batch of rows (`batch`), the
//! fingerprints of the learners already held (`known`) and the types they
//! share with the import crate (`types`).

pub mod batch;
pub mod bulk;
mod known;
pub mod types;

pub use types::{BatchIssue, ImportActor, ImportCounts};
