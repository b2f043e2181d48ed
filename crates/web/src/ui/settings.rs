//! Organisation settings (administrators).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use onward_storage::repo::organisations::{Organisation, organisation, update_settings};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::forms::required_text;
use super::staff::{CsrfForm, Staff};
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

async fn page(staff: &Staff, saved: bool) -> Result<SettingsPage, WebError> {
    let organisation = organisation(staff.conn(), staff.organisation()).await?;
    Ok(SettingsPage {
        chrome: staff.chrome("settings").await?,
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

async fn show(staff: Staff, Query(params): Query<ShowParams>) -> Result<SettingsPage, WebError> {
    page(&staff, params.saved.is_some()).await
}

#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    locale: String,
}

async fn save(staff: Staff, CsrfForm(fields): CsrfForm<Fields>) -> Result<Response, WebError> {
    let mut errors = FormErrors::new();
    let name = errors.check(required_text(
        "name",
        "label-organisation-name",
        &fields.name,
        200,
    ));
    if !LOCALES.iter().any(|(code, _)| *code == fields.locale) {
        errors.push("locale", "validation-settings-language".to_owned());
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        let mut form = page(&staff, false).await?;
        form.name = fields.name;
        form.locale = fields.locale;
        form.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response());
    };
    let write = staff.write().await?;
    update_settings(&write, staff.organisation(), &name, &fields.locale).await?;
    write
        .audit("organisation.settings", "organisation", staff.organisation().0)
        .await?;
    write.commit().await?;
    Ok(Redirect::to("/settings?saved=1").into_response())
}
