//! Staff pages: server-rendered, working without JavaScript.

mod account;
mod alumni;
mod calls;
mod campaigns;
pub(crate) mod chrome;
mod cohorts;
mod contact_log;
mod destinations;
mod download;
mod employer_checks;
mod form_errors;
mod forms;
mod home;
pub(crate) mod imports;
mod inbound;
mod language;
mod learner_add;
mod learner_campaigns;
mod learner_edit;
mod learners;
mod manage;
mod pagination;
mod plans;
mod settings;
pub mod setup;
mod sign_in;
pub(crate) mod staff;
mod support;
mod surveys;
mod tutor_groups;
mod unknowns;
mod users;
mod work;

use axum::Router;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(sign_in::router())
        .merge(home::router())
        .merge(language::router())
        .merge(account::router())
        .merge(cohorts::router())
        .merge(learners::router())
        .merge(learner_edit::router())
        .merge(learner_add::router())
        .merge(destinations::router())
        .merge(employer_checks::router())
        .merge(alumni::router())
        .merge(setup::router())
        .merge(users::router())
        .merge(manage::router())
        .merge(settings::router())
        .merge(work::router())
        .merge(unknowns::router())
        .merge(imports::router())
        .merge(support::router())
        .merge(calls::router())
        .merge(contact_log::router())
        .merge(plans::router())
        .merge(tutor_groups::router())
        .merge(surveys::router())
        .merge(inbound::router())
        .merge(campaigns::router())
        .merge(learner_campaigns::router())
}
