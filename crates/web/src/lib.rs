//! Onward's HTTP edge: the axum router for staff pages and health checks,
//! with embedded static assets. The web crate never writes SQL: it parses
//! requests into domain types and calls `onward_storage` repositories.

pub mod access;
mod assets;
pub mod auth;
mod error;
mod health;
pub mod i18n;
pub mod passwords;
mod security_headers;
mod startup;
mod state;
mod tokens;
mod ui;

pub use error::WebError;
pub use startup::{Application, WebConfig, background_jobs};
pub use state::AppState;
pub use ui::imports::{UPLOAD_LIMIT_BYTES, import_field_key};
