//! Creating, editing and archiving programmes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onward_domain::programme::{ProgrammeType, QualificationLevel, SectorSubjectArea, StudyMode};
use onward_storage::ProgrammeId;
use onward_storage::repo::programmes::{
    NewProgramme, Programme, create_programme, list_programmes, programme, set_programme_archived,
    update_programme,
};
use serde::Deserialize;

use super::{ArchiveFields, archived_flag};
use crate::ui::chrome::Chrome;
use crate::ui::form_errors::FormErrors;
use crate::ui::forms::required_text;
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    ProgrammesPage => chrome.tr;
    ProgrammeForm => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/programmes", get(programmes).post(create_programme_submit))
        .route("/programmes/new", get(new_programme))
        .route("/programmes/{id}/edit", get(edit_programme))
        .route("/programmes/{id}", post(update_programme_submit))
        .route("/programmes/{id}/archive", post(archive_programme))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/programmes.html")]
struct ProgrammesPage {
    chrome: Chrome,
    programmes: Vec<Programme>,
}

async fn programmes(staff: Staff) -> Result<ProgrammesPage, WebError> {
    Ok(ProgrammesPage {
        programmes: list_programmes(staff.conn(), staff.organisation()).await?,
        chrome: staff.chrome("programmes").await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/programme_form.html")]
struct ProgrammeForm {
    chrome: Chrome,
    id: Option<ProgrammeId>,
    types: &'static [ProgrammeType],
    levels: &'static [QualificationLevel],
    areas: &'static [SectorSubjectArea],
    modes: &'static [StudyMode],
    fields: ProgrammeFields,
    errors: FormErrors,
}

impl ProgrammeForm {
    fn action(&self) -> String {
        self.id
            .map_or_else(|| "/programmes".to_owned(), |id| format!("/programmes/{id}"))
    }
}

#[derive(Deserialize, Default, Clone)]
struct ProgrammeFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    programme_type: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    sector_subject_area: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    funding_stream: String,
}

async fn programme_form(
    staff: &Staff,
    id: Option<ProgrammeId>,
    fields: ProgrammeFields,
    errors: FormErrors,
) -> Result<ProgrammeForm, WebError> {
    Ok(ProgrammeForm {
        chrome: staff.chrome("programmes").await?,
        id,
        types: ProgrammeType::ALL,
        levels: QualificationLevel::ALL,
        areas: SectorSubjectArea::ALL,
        modes: StudyMode::ALL,
        fields,
        errors,
    })
}

async fn new_programme(staff: Staff) -> Result<ProgrammeForm, WebError> {
    programme_form(&staff, None, ProgrammeFields::default(), FormErrors::new()).await
}

async fn edit_programme(staff: Staff, Path(id): Path<i64>) -> Result<ProgrammeForm, WebError> {
    let stored = programme(staff.conn(), staff.organisation(), ProgrammeId(id)).await?;
    let details = stored.details;
    let fields = ProgrammeFields {
        title: details.title,
        programme_type: details.programme_type.code().to_owned(),
        level: details.level.map(|v| v.code().to_owned()).unwrap_or_default(),
        sector_subject_area: details
            .sector_subject_area
            .map(|v| v.code().to_owned())
            .unwrap_or_default(),
        mode: details.mode.code().to_owned(),
        funding_stream: details.funding_stream.unwrap_or_default(),
    };
    programme_form(&staff, Some(stored.id), fields, FormErrors::new()).await
}

fn parse_programme(fields: &ProgrammeFields) -> Result<NewProgramme, FormErrors> {
    let mut errors = FormErrors::new();
    let title = errors.check(required_text(
        "title",
        "label-programme-title",
        &fields.title,
        200,
    ));
    let programme_type = ProgrammeType::from_code(&fields.programme_type);
    if programme_type.is_none() {
        errors.push("programme_type", "validation-programme-type".to_owned());
    }
    let level = match fields.level.as_str() {
        "" => None,
        code => QualificationLevel::from_code(code).or_else(|| {
            errors.push("level", "validation-programme-level".to_owned());
            None
        }),
    };
    let sector_subject_area = match fields.sector_subject_area.as_str() {
        "" => None,
        code => SectorSubjectArea::from_code(code).or_else(|| {
            errors.push("sector_subject_area", "validation-programme-area".to_owned());
            None
        }),
    };
    let mode = StudyMode::from_code(&fields.mode);
    if mode.is_none() {
        errors.push("mode", "validation-programme-mode".to_owned());
    }
    let funding = fields.funding_stream.trim();
    if funding.chars().count() > 100 {
        errors.push("funding_stream", "validation-funding-stream-too-long".to_owned());
    }
    match (title, programme_type, mode) {
        (Some(title), Some(programme_type), Some(mode)) if errors.is_empty() => Ok(NewProgramme {
            title,
            programme_type,
            level,
            sector_subject_area,
            mode,
            funding_stream: (!funding.is_empty()).then(|| funding.to_owned()),
        }),
        _ => Err(errors),
    }
}

async fn save_programme(
    staff: Staff,
    id: Option<ProgrammeId>,
    fields: ProgrammeFields,
) -> Result<Response, WebError> {
    match parse_programme(&fields) {
        Ok(new) => {
            let write = staff.write().await?;
            let (action, saved) = match id {
                Some(id) => {
                    update_programme(&write, staff.organisation(), id, &new).await?;
                    ("programme.update", id)
                }
                None => (
                    "programme.create",
                    create_programme(&write, staff.organisation(), &new).await?,
                ),
            };
            write.audit(action, "programme", saved.0).await?;
            write.commit().await?;
            Ok(Redirect::to("/programmes").into_response())
        }
        Err(errors) => {
            let form = programme_form(&staff, id, fields, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, form).into_response())
        }
    }
}

async fn create_programme_submit(
    staff: Staff,
    CsrfForm(fields): CsrfForm<ProgrammeFields>,
) -> Result<Response, WebError> {
    save_programme(staff, None, fields).await
}

async fn update_programme_submit(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ProgrammeFields>,
) -> Result<Response, WebError> {
    programme(staff.conn(), staff.organisation(), ProgrammeId(id)).await?;
    save_programme(staff, Some(ProgrammeId(id)), fields).await
}

async fn archive_programme(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ArchiveFields>,
) -> Result<Redirect, WebError> {
    programme(staff.conn(), staff.organisation(), ProgrammeId(id)).await?;
    let write = staff.write().await?;
    set_programme_archived(
        &write,
        staff.organisation(),
        ProgrammeId(id),
        archived_flag(&fields)?,
    )
    .await?;
    write.audit("programme.archive", "programme", id).await?;
    write.commit().await?;
    Ok(Redirect::to("/programmes"))
}
