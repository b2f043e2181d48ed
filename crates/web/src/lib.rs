//! Onward's HTTP edge: the axum router for staff pages and health checks,
//! with embedded static assets. The web crate never writes SQL: it parses
//! requests into domain types and calls `onward_storage` repositories.

pub mod access;
mod assets;
pub mod auth;
pub mod client;
mod edge;
mod error;
mod health;
pub mod i18n;
pub mod passwords;
mod security_headers;
mod sign_in_limits;
mod startup;
mod state;
pub mod survey;
mod tokens;
mod ui;
mod webhooks;

pub use error::WebError;
pub use onward_import::files::DEFAULT_RETENTION_HOURS as DEFAULT_IMPORT_FILE_RETENTION_HOURS;
pub use startup::{Application, PublicUrl, ServerLimits, WebConfig, background_jobs};
pub use state::AppState;
pub use ui::imports::{UPLOAD_LIMIT_BYTES, import_field_key};
pub use ui::setup::{SETUP_LINK_HOURS, issue_setup_token};
