//! Staff pages: server-rendered, working without JavaScript.

mod home;
mod sign_in;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().merge(sign_in::router()).merge(home::router())
}
