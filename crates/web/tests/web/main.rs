//! HTTP tests against the real router on a random port, one binary: each runs
//! on SQLite and on PostgreSQL.

mod access_matrix;
mod app;
mod calls;
mod locales;
mod staff_pages;
mod welsh;
