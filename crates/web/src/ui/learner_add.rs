//! Adding a learner by hand, for small providers without an MIS export. The
//! values are checked by the import's own row rules
//! (`onward_import::manual::check_learner`), so a learner typed in meets the
//! same checks as one imported; a ULN or MIS id already held is refused with a
//! link to that learner, never merged.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use onward_domain::learner::{Ethnicity, Sex};
use onward_domain::organisation::CountryCode;
use onward_import::manual::check_learner;
use onward_import::mapping::Field;
use onward_import::row::{ImportRow, Severity};
use onward_storage::repo::cohorts::{CohortName, cohort_names};
use onward_storage::repo::learners_by_hand::{AddedLearner, add_learner_by_hand};
use onward_storage::repo::organisations::organisation;
use onward_storage::repo::programmes::{Programme, list_programmes};
use onward_storage::{CohortId, LearnerId, ProgrammeId};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::form_errors::FormErrors;
use super::forms::parse_date_input;
use super::staff::{CsrfForm, Staff};
use crate::i18n::Translator;
use crate::{AppState, WebError};

localised! {
    AddLearnerForm => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new().route("/learners/new", get(new_learner).post(create_learner))
}

#[derive(Deserialize, Default, Clone, Debug)]
struct AddFields {
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
    sex: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    programme: String,
    #[serde(default)]
    cohort: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    planned_end_date: String,
    #[serde(default)]
    actual_end_date: String,
}

/// The form input each import field is typed into.
const INPUTS: &[(Field, &str)] = &[
    (Field::GivenName, "given_name"),
    (Field::FamilyName, "family_name"),
    (Field::Uln, "uln"),
    (Field::MisId, "mis_id"),
    (Field::DateOfBirth, "day"),
    (Field::Sex, "sex"),
    (Field::Ethnicity, "ethnicity"),
    (Field::Postcode, "postcode"),
    (Field::Email, "email"),
    (Field::Mobile, "mobile"),
    (Field::Programme, "programme"),
    (Field::Cohort, "cohort"),
    (Field::StartDate, "start_date"),
    (Field::PlannedEndDate, "planned_end_date"),
    (Field::ActualEndDate, "actual_end_date"),
];

fn input_of(field: Option<Field>) -> &'static str {
    field
        .and_then(|field| INPUTS.iter().find(|(f, _)| *f == field).map(|(_, input)| *input))
        // Issues about the whole learner (no ULN and no MIS id) go on the ULN.
        .unwrap_or("uln")
}

#[derive(Template, WebTemplate)]
#[template(path = "learners/learner_add.html")]
struct AddLearnerForm {
    chrome: Chrome,
    fields: AddFields,
    day: String,
    month: String,
    year: String,
    sexes: &'static [Sex],
    ethnicities: &'static [Ethnicity],
    programmes: Vec<Programme>,
    cohorts: Vec<CohortName>,
    /// A learner already holding the ULN or MIS id, to link to.
    existing: Option<LearnerId>,
    errors: FormErrors,
}

impl AddLearnerForm {
    /// The one-line text fields: (input name, label key, value, hint key).
    fn text_fields(&self) -> Vec<(&'static str, &'static str, &str, &'static str)> {
        vec![
            ("given_name", "learner-given-name", &self.fields.given_name, ""),
            ("family_name", "learner-family-name", &self.fields.family_name, ""),
            ("uln", "column-uln", &self.fields.uln, "learner-add-uln-hint"),
            ("mis_id", "column-mis-id", &self.fields.mis_id, ""),
            ("postcode", "column-postcode", &self.fields.postcode, ""),
            ("email", "learner-add-email", &self.fields.email, ""),
            ("mobile", "learner-add-mobile", &self.fields.mobile, ""),
        ]
    }

    /// The enrolment's date fields: (input name, label key, value).
    fn date_fields(&self) -> Vec<(&'static str, &'static str, &str)> {
        vec![
            ("start_date", "learner-add-start-date", &self.fields.start_date),
            (
                "planned_end_date",
                "learner-add-planned-end-date",
                &self.fields.planned_end_date,
            ),
            (
                "actual_end_date",
                "learner-add-actual-end-date",
                &self.fields.actual_end_date,
            ),
        ]
    }
}

async fn form(
    staff: &Staff,
    fields: AddFields,
    existing: Option<LearnerId>,
    errors: FormErrors,
) -> Result<AddLearnerForm, WebError> {
    let conn = staff.conn();
    let org = staff.organisation();
    Ok(AddLearnerForm {
        chrome: staff.chrome("learners").await?,
        day: fields.day.clone(),
        month: fields.month.clone(),
        year: fields.year.clone(),
        fields,
        sexes: Sex::ALL,
        ethnicities: Ethnicity::ALL,
        programmes: list_programmes(conn, org)
            .await?
            .into_iter()
            .filter(|p| !p.archived)
            .collect(),
        cohorts: cohort_names(conn, org)
            .await?
            .into_iter()
            .filter(|c| !c.archived)
            .collect(),
        existing,
        errors,
    })
}

async fn new_learner(staff: Staff) -> Result<AddLearnerForm, WebError> {
    form(&staff, AddFields::default(), None, FormErrors::new()).await
}

/// The form's learner as the import's checks read it, with the chosen
/// programme and cohort, or the problems to show. A warning about a value
/// that was given (a postcode or email the import would drop) is a problem
/// here: on a form it can be put right at once.
fn parse_learner(
    fields: &AddFields,
    programmes: &[Programme],
    cohorts: &[CohortName],
    country: CountryCode,
    today: NaiveDate,
    tr: &Translator,
) -> Result<(ImportRow, Option<(ProgrammeId, CohortId)>), FormErrors> {
    let mut errors = FormErrors::new();
    // The date of birth boxes, written the way the import reads dates.
    let born = match parse_date_input(
        "day",
        "column-date-of-birth",
        &fields.day,
        &fields.month,
        &fields.year,
    ) {
        Ok(date) => date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        Err(err) => {
            errors.add(err);
            String::new()
        }
    };
    let programme = match fields.programme.trim() {
        "" => None,
        id => match programmes.iter().find(|p| p.id.to_string() == id) {
            Some(programme) => Some(programme),
            None => {
                errors.push("programme", tr.t("destination-error-choice"));
                None
            }
        },
    };
    let cohort = match fields.cohort.trim() {
        "" => None,
        id => match cohorts.iter().find(|c| c.id.to_string() == id) {
            Some(cohort) => Some(cohort),
            None => {
                errors.push("cohort", tr.t("destination-error-choice"));
                None
            }
        },
    };
    let placed = programme.is_some() || cohort.is_some();
    if placed && programme.is_none() && errors.for_field("programme").is_none() {
        errors.push("programme", tr.t("learner-add-error-programme"));
    }
    if placed && cohort.is_none() && errors.for_field("cohort").is_none() {
        errors.push("cohort", tr.t("learner-add-error-cohort"));
    }
    let mut values = vec![
        (Field::GivenName, fields.given_name.clone()),
        (Field::FamilyName, fields.family_name.clone()),
        (Field::Uln, fields.uln.clone()),
        (Field::MisId, fields.mis_id.clone()),
        (Field::DateOfBirth, born),
        (Field::Sex, fields.sex.clone()),
        (Field::Ethnicity, fields.ethnicity.clone()),
        (Field::Postcode, fields.postcode.clone()),
        (Field::Email, fields.email.clone()),
        (Field::Mobile, fields.mobile.clone()),
    ];
    if let (Some(programme), Some(cohort)) = (programme, cohort) {
        values.extend([
            (Field::Programme, programme.details.title.clone()),
            (Field::Cohort, cohort.name.clone()),
            (Field::StartDate, fields.start_date.clone()),
            (Field::PlannedEndDate, fields.planned_end_date.clone()),
            (Field::ActualEndDate, fields.actual_end_date.clone()),
        ]);
    }
    let given: Vec<(Field, bool)> = values.iter().map(|(f, v)| (*f, !v.trim().is_empty())).collect();
    let (row, issues) = check_learner(&values, country, today);
    for issue in issues {
        let value_given = issue
            .field
            .is_some_and(|field| given.iter().any(|(f, filled)| *f == field && *filled));
        if issue.severity == Severity::Error || value_given {
            let input = input_of(issue.field);
            if errors.for_field(input).is_none() {
                errors.push(input, capitalised(&issue.reason));
            }
        }
    }
    match row {
        Some(row) if errors.is_empty() => Ok((row, programme.zip(cohort).map(|(p, c)| (p.id, c.id)))),
        _ => {
            let order: Vec<&str> = INPUTS.iter().map(|(_, input)| *input).collect();
            errors.order_by(&order);
            Err(errors)
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

async fn create_learner(staff: Staff, CsrfForm(fields): CsrfForm<AddFields>) -> Result<Response, WebError> {
    let conn = staff.conn();
    let org = staff.organisation();
    let country = organisation(conn, org).await?.country;
    let page = form(&staff, fields.clone(), None, FormErrors::new()).await?;
    let parsed = parse_learner(
        &fields,
        &page.programmes,
        &page.cohorts,
        country,
        chrono::Utc::now().date_naive(),
        &page.chrome.tr,
    );
    let (row, placement) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                AddLearnerForm { errors, ..page },
            )
                .into_response());
        }
    };
    let write = staff.write().await?;
    match add_learner_by_hand(&write, org, &row, placement).await? {
        AddedLearner::Added {
            id,
            probable_duplicate_of,
        } => {
            write
                .audit_detail(
                    "learner.create",
                    "learner",
                    id.0,
                    match probable_duplicate_of {
                        Some(other) => format!("added by hand; probable duplicate of learner {other}"),
                        None => "added by hand".to_owned(),
                    },
                )
                .await?;
            write.commit().await?;
            Ok(Redirect::to(&format!("/learners/{id}")).into_response())
        }
        AddedLearner::AlreadyHeld { existing, by } => {
            drop(write);
            let mut errors = FormErrors::new();
            let key = if by == "uln" {
                "learner-add-error-uln-held"
            } else {
                "learner-add-error-mis-id-held"
            };
            errors.push(by, page.chrome.tr.t(key));
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                AddLearnerForm {
                    errors,
                    existing: Some(existing),
                    ..page
                },
            )
                .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reports_the_import_problems_against_its_own_inputs() {
        let tr = Translator::new("en-GB");
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        let fields = AddFields {
            given_name: "Amelia".to_owned(),
            family_name: "Smith".to_owned(),
            uln: "1234567890".to_owned(),
            postcode: "not a postcode".to_owned(),
            ..Default::default()
        };
        let errors = parse_learner(&fields, &[], &[], CountryCode::gb(), today, &tr).expect_err("invalid");
        let inputs: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(inputs, ["uln", "postcode"]);
        let fine = AddFields {
            uln: String::new(),
            mis_id: "A1".to_owned(),
            postcode: "ls6 2ab".to_owned(),
            ..fields
        };
        let (row, placement) = parse_learner(&fine, &[], &[], CountryCode::gb(), today, &tr).expect("valid");
        assert_eq!(row.learner.postcode.as_deref(), Some("LS6 2AB"));
        assert_eq!(placement, None);
    }
}
