//! HTTP tests against the real router on a random port, one binary: each runs
//! on SQLite and on PostgreSQL.

mod access_matrix;
mod accounts;
mod alumni;
mod app;
mod calls;
mod campaigns;
mod contact_log;
mod edge;
mod employer_checks;
mod inbound;
mod locales;
mod opt_out;
mod scoping;
mod staff_pages;
mod survey_site;
mod tracking;
mod webhooks;
mod welsh;
