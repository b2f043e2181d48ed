//! Editing a learner's details: names, identifiers, date of birth, postcode,
//! sex and ethnicity. Each change is audited with the fields that changed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Datelike;
use onward_domain::learner::{Ethnicity, NewLearner, Sex};
use onward_domain::organisation::CountryCode;
use onward_domain::person::PersonName;
use onward_domain::postcode::Postcode;
use onward_domain::tutor_group::TutorGroup;
use onward_domain::uln::Uln;
use onward_storage::repo::learners::{Learner, update_learner};
use onward_storage::repo::organisations::organisation;
use onward_storage::{LearnerId, StorageError};
use serde::Deserialize;

use super::chrome::{Chrome, FieldError, localised};
use super::forms::parse_date_input;
use super::staff::{CsrfForm, Staff};
use crate::ui::form_errors::FormErrors;
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
    #[serde(default)]
    tutor_group: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "learners/learner_form.html")]
struct LearnerForm {
    chrome: Chrome,
    id: LearnerId,
    fields: Fields,
    day: String,
    month: String,
    year: String,
    sexes: &'static [Sex],
    ethnicities: &'static [Ethnicity],
    errors: FormErrors,
}

impl LearnerForm {
    /// The one-line text fields: (input name, label key, value).
    fn text_fields(&self) -> Vec<(&'static str, &'static str, &str)> {
        vec![
            ("given_name", "learner-given-name", &self.fields.given_name),
            ("family_name", "learner-family-name", &self.fields.family_name),
            ("uln", "column-uln", &self.fields.uln),
            ("mis_id", "column-mis-id", &self.fields.mis_id),
            ("postcode", "column-postcode", &self.fields.postcode),
            ("tutor_group", "learner-tutor-group", &self.fields.tutor_group),
        ]
    }
}

fn fields_of(learner: &Learner) -> Fields {
    let dob = learner.date_of_birth;
    Fields {
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
        tutor_group: learner
            .tutor_group
            .as_ref()
            .map(|group| group.as_str().to_owned())
            .unwrap_or_default(),
    }
}

async fn form(
    staff: &Staff,
    id: LearnerId,
    fields: Fields,
    errors: FormErrors,
) -> Result<LearnerForm, WebError> {
    Ok(LearnerForm {
        chrome: staff.chrome("learners").await?,
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

async fn edit(staff: Staff, Path(id): Path<i64>) -> Result<LearnerForm, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    form(&staff, learner.id, fields_of(&learner), FormErrors::new()).await
}

/// Parses the form over the stored record (fields not on the form are kept).
fn parse(fields: &Fields, existing: &Learner, country: &CountryCode) -> Result<NewLearner, FormErrors> {
    let mut errors = FormErrors::new();
    let mut name = |field: &'static str, label: &'static str, value: &str| {
        PersonName::parse(value)
            .map_err(|err| errors.push(field, name_problem(label, &err.message)))
            .ok()
    };
    let given_name = name("given_name", "label-first-name", &fields.given_name);
    let family_name = name("family_name", "label-last-name", &fields.family_name);
    let uln = match fields.uln.trim() {
        "" => None,
        text => Uln::parse(text)
            .map_err(|err| errors.push("uln", super::forms::uln_problem(&err)))
            .ok(),
    };
    let mis_id = fields.mis_id.trim();
    if mis_id.chars().count() > 50 {
        errors.push("mis_id", "validation-mis-id-too-long".to_owned());
    }
    if uln.is_none() && fields.uln.trim().is_empty() && mis_id.is_empty() {
        errors.push("uln", "validation-learner-uln-or-mis".to_owned());
    }
    let date_of_birth = errors
        .check(parse_date_input(
            "day",
            "label-date-of-birth",
            &fields.day,
            &fields.month,
            &fields.year,
        ))
        .flatten();
    let postcode = match fields.postcode.trim() {
        "" => None,
        text => Postcode::parse(text, country)
            .map_err(|_| errors.push("postcode", "validation-postcode".to_owned()))
            .ok(),
    };
    // Clearing the field takes the learner out of every tutor's groups.
    let tutor_group = match fields.tutor_group.trim() {
        "" => None,
        text => TutorGroup::parse(text)
            .map_err(|err| errors.push("tutor_group", format!("Tutor group: {}", err.message)))
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
            tutor_group,
        }),
        _ => Err(errors),
    }
}

/// Why a name was refused: the domain's reasons are known and translated; any
/// other (a rule added later) is shown in the domain's English after the label.
fn name_problem(label: &'static str, reason: &str) -> crate::i18n::Message {
    let key = match reason {
        "enter a name" => "validation-name-empty",
        "must be 100 characters or fewer" => "validation-name-too-long",
        "must not contain control characters" => "validation-name-control-characters",
        _ => {
            return crate::i18n::Message::new("validation-labelled")
                .with_key("label", label)
                .with("problem", reason);
        }
    };
    crate::i18n::Message::new(key).with_key("label", label)
}

async fn save(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<Fields>,
) -> Result<Response, WebError> {
    let conn = staff.conn();
    let org = staff.organisation();
    let existing = staff.learner(LearnerId(id)).await?;
    let country = organisation(conn, org).await?.country;
    let errors = match parse(&fields, &existing, &country) {
        Ok(new) => {
            let write = staff.write().await?;
            match update_learner(&write, org, existing.id, &new).await {
                Ok(changed) => {
                    if !changed.is_empty() {
                        let detail = format!("changed: {}", changed.join(", "));
                        write
                            .audit_detail("learner.update", "learner", existing.id.0, detail)
                            .await?;
                        write.commit().await?;
                    }
                    return Ok(Redirect::to(&format!("/learners/{}", existing.id)).into_response());
                }
                Err(StorageError::Duplicate { .. }) => FormErrors::from(FieldError {
                    field: "uln",
                    message: "validation-learner-duplicate".to_owned(),
                }),
                Err(err) => return Err(err.into()),
            }
        }
        Err(errors) => errors,
    };
    let page = form(&staff, existing.id, fields, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_the_domain_refuses_a_name_for_is_translated() {
        let long = "x".repeat(101);
        for bad in ["", "   ", long.as_str(), "Ann\u{7}e"] {
            let reason = PersonName::parse(bad).expect_err("refused").message;
            let stored = name_problem("label-first-name", &reason).encode();
            let welsh = crate::i18n::Translator::new("cy").message(&stored);
            assert!(!welsh.contains(&reason), "`{reason}` is not translated: {welsh}");
            assert!(welsh.starts_with("Enw cyntaf"), "{welsh}");
        }
    }
}
