//! The MIS import's side of storage: the bulk connection and transactions it
//! writes through (`bulk`) and the writer of one batch of rows (`batch`).

pub mod batch;
pub mod bulk;
