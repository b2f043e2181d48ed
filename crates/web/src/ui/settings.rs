//! Organisation settings (administrators).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use onward_storage::repo::organisations::{Organisation, organisation, update_settings};
use serde::Deserialize;
use tower_sessions::Session;

use super::audit::audit;
use super::chrome::{Chrome, localised};
use super::forms::required_text;
use crate::auth::{CurrentUser, verify_csrf};
use crate::i18n::LOCALES;
use crate::ui::form_errors::FormErrors;
use crate::{AppState, WebError};

localised! {
    SettingsPage => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new().route("/settings", get(show).post(save))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    chrome: Chrome,
    organisation: Organisation,
    name: String,
    locale: String,
    locales: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    saved: bool,
}

impl SettingsPage {}

fn locale_choices() -> Vec<(&'static str, &'static str)> {
    LOCALES
        .iter()
        .map(|(code, _)| {
            (
                *code,
                if *code == "cy" {
                    "Cymraeg (Welsh)"
                } else {
                    "English (United Kingdom)"
                },
            )
        })
        .collect()
}

async fn page(
    state: &AppState,
    user: CurrentUser,
    session: &Session,
    saved: bool,
) -> Result<SettingsPage, WebError> {
    let organisation = organisation(state.database.conn(), user.organisation_id).await?;
    Ok(SettingsPage {
        chrome: Chrome::new(user, session, "settings").await?,
        name: organisation.name.clone(),
        locale: organisation.default_locale.clone(),
        organisation,
        locales: locale_choices(),
        errors: FormErrors::new(),
        saved,
    })
}

#[derive(Deserialize)]
struct ShowParams {
    saved: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Query(params): Query<ShowParams>,
) -> Result<SettingsPage, WebError> {
    page(&state, user, &session, params.saved.is_some()).await
}

#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    locale: String,
}

async fn save(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    user: CurrentUser,
    session: Session,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let mut errors = FormErrors::new();
    let name = required_text("name", "the organisation's name", &fields.name, 200)
        .map_err(|error| errors.add(error))
        .ok();
    if !LOCALES.iter().any(|(code, _)| *code == fields.locale) {
        errors.push("locale", "Select a language from the list".to_owned());
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        let mut form = page(&state, user, &session, false).await?;
        form.name = fields.name;
        form.locale = fields.locale;
        form.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response());
    };
    update_settings(state.database.conn(), user.organisation_id, &name, &fields.locale).await?;
    audit(
        &state,
        &user,
        peer,
        "organisation.settings",
        "organisation",
        user.organisation_id.0,
    )
    .await?;
    Ok(Redirect::to("/settings?saved=1").into_response())
}
