//! Storage tests, one binary: each runs on SQLite and on PostgreSQL.

mod bulk;
mod calls;
mod records;
mod users;
