//! Storage tests, one binary: each runs on SQLite and on PostgreSQL.

mod answered_tasks;
mod bulk;
mod calls;
mod campaigns;
mod cohort_lists;
mod cohort_members;
mod records;
mod scoping;
mod surveys;
mod users;
