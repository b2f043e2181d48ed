//! Editing a learner's details: names, identifiers, date of birth, postcode,
//! sex and ethnicity. Each change is audited with the fields that changed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Datelike;
use onward_domain::learner::{Ethnicity, NewLearner, Sex};
use onward_domain::organisation::CountryCode;
use onward_domain::person::PersonName;
use onward_domain::postcode::Postcode;
use onward_domain::uln::Uln;
use onward_storage::repo::audit::{AuditEvent, record_audit_event};
use onward_storage::repo::learners::{Learner, learner, update_learner};
use onward_storage::repo::organisations::organisation;
use onward_storage::{LearnerId, StorageError};
use serde::Deserialize;
use tower_sessions::Session;

use super::chrome::{Chrome, FieldError, error_for, localised};
use super::forms::parse_date_input;
use crate::auth::{CurrentUser, verify_csrf};
use crate::{AppState, WebError};

localised! {
    LearnerForm => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/edit", get(edit))
        .route("/learners/{id}/details", post(save))
}

#[derive(Deserialize, Default, Clone)]
struct Fields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    uln: String,
    #[serde(default)]
    mis_id: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    ethnicity: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "learner_form.html")]
struct LearnerForm {
    chrome: Chrome,
    id: LearnerId,
    fields: Fields,
    day: String,
    month: String,
    year: String,
    sexes: &'static [Sex],
    ethnicities: &'static [Ethnicity],
    errors: Vec<FieldError>,
}

impl LearnerForm {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }

    /// The one-line text fields: (input name, label key, value).
    fn text_fields(&self) -> Vec<(&'static str, &'static str, &str)> {
        vec![
            ("given_name", "learner-given-name", &self.fields.given_name),
            ("family_name", "learner-family-name", &self.fields.family_name),
            ("uln", "column-uln", &self.fields.uln),
            ("mis_id", "column-mis-id", &self.fields.mis_id),
            ("postcode", "column-postcode", &self.fields.postcode),
        ]
    }
}

fn fields_of(learner: &Learner) -> Fields {
    let dob = learner.date_of_birth;
    Fields {
        csrf: String::new(),
        given_name: learner.given_name.clone(),
        family_name: learner.family_name.clone(),
        uln: learner
            .uln
            .as_ref()
            .map(|uln| uln.as_str().to_owned())
            .unwrap_or_default(),
        mis_id: learner.mis_id.clone().unwrap_or_default(),
        day: dob.map(|d| d.day().to_string()).unwrap_or_default(),
        month: dob.map(|d| d.month().to_string()).unwrap_or_default(),
        year: dob.map(|d| d.year().to_string()).unwrap_or_default(),
        postcode: learner.postcode.clone().unwrap_or_default(),
        sex: learner.sex.map(|v| v.code().to_owned()).unwrap_or_default(),
        ethnicity: learner.ethnicity.map(|v| v.code().to_owned()).unwrap_or_default(),
    }
}

async fn form(
    user: CurrentUser,
    session: &Session,
    id: LearnerId,
    fields: Fields,
    errors: Vec<FieldError>,
) -> Result<LearnerForm, WebError> {
    Ok(LearnerForm {
        chrome: Chrome::new(user, session, "learners").await?,
        id,
        day: fields.day.clone(),
        month: fields.month.clone(),
        year: fields.year.clone(),
        fields,
        sexes: Sex::ALL,
        ethnicities: Ethnicity::ALL,
        errors,
    })
}

async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<LearnerForm, WebError> {
    let learner = learner(state.database.conn(), user.organisation_id, LearnerId(id)).await?;
    form(user, &session, learner.id, fields_of(&learner), Vec::new()).await
}

/// Parses the form over the stored record (fields not on the form are kept).
fn parse(fields: &Fields, existing: &Learner, country: &CountryCode) -> Result<NewLearner, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut name = |field: &'static str, label: &str, value: &str| {
        PersonName::parse(value)
            .map_err(|err| {
                errors.push(FieldError {
                    field,
                    message: format!("{label}: {}", err.message),
                })
            })
            .ok()
    };
    let given_name = name("given_name", "First name", &fields.given_name);
    let family_name = name("family_name", "Last name", &fields.family_name);
    let uln = match fields.uln.trim() {
        "" => None,
        text => Uln::parse(text)
            .map_err(|err| {
                errors.push(FieldError {
                    field: "uln",
                    message: err.to_string(),
                })
            })
            .ok(),
    };
    let mis_id = fields.mis_id.trim();
    if mis_id.chars().count() > 50 {
        errors.push(FieldError {
            field: "mis_id",
            message: "MIS id must be 50 characters or fewer".to_owned(),
        });
    }
    if uln.is_none() && fields.uln.trim().is_empty() && mis_id.is_empty() {
        errors.push(FieldError {
            field: "uln",
            message: "Enter a ULN or an MIS id: a learner needs one".to_owned(),
        });
    }
    let date_of_birth = parse_date_input("day", "Date of birth", &fields.day, &fields.month, &fields.year)
        .map_err(|error| errors.push(error))
        .ok()
        .flatten();
    let postcode = match fields.postcode.trim() {
        "" => None,
        text => Postcode::parse(text, country)
            .map_err(|_| {
                errors.push(FieldError {
                    field: "postcode",
                    message: "Enter a real postcode, like LS6 2AB".to_owned(),
                })
            })
            .ok(),
    };
    let sex = Sex::from_code(&fields.sex);
    let ethnicity = Ethnicity::from_code(&fields.ethnicity);
    match (given_name, family_name) {
        (Some(given_name), Some(family_name)) if errors.is_empty() => Ok(NewLearner {
            uln,
            upn: existing.upn.clone(),
            mis_id: (!mis_id.is_empty()).then(|| mis_id.to_owned()),
            given_name,
            family_name,
            date_of_birth,
            sex,
            ethnicity,
            lldd: existing.lldd,
            free_school_meals: existing.free_school_meals,
            care_leaver: existing.care_leaver,
            send: existing.send,
            postcode: postcode.map(|p| p.as_str().to_owned()),
            preferred_language: existing.preferred_language.clone(),
        }),
        _ => Err(errors),
    }
}

async fn save(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<Fields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let existing = learner(conn, user.organisation_id, LearnerId(id)).await?;
    let country = organisation(conn, user.organisation_id).await?.country;
    let errors = match parse(&fields, &existing, &country) {
        Ok(new) => match update_learner(conn, user.organisation_id, existing.id, &new).await {
            Ok(changed) => {
                if !changed.is_empty() {
                    record_audit_event(
                        conn,
                        user.organisation_id,
                        &AuditEvent {
                            user: Some(user.id),
                            action: "learner.update",
                            subject_type: "learner",
                            subject_id: Some(existing.id.0),
                            detail: Some(format!("changed: {}", changed.join(", "))),
                            remote_addr: Some(peer.ip().to_string()),
                        },
                    )
                    .await?;
                }
                return Ok(Redirect::to(&format!("/learners/{}", existing.id)).into_response());
            }
            Err(StorageError::Duplicate { .. }) => vec![FieldError {
                field: "uln",
                message: "Another learner already has this ULN or MIS id".to_owned(),
            }],
            Err(err) => return Err(err.into()),
        },
        Err(errors) => errors,
    };
    let page = form(user, &session, existing.id, fields, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
