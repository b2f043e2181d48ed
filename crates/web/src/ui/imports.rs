//! The Import page: upload an MIS export, preview its first rows with the
//! detected column mapping, adjust the mapping, check the file (dry run) with a
//! row-by-row error table, then import. Runs are queued and done by the
//! background job runner (`onward_import::jobs::RunQueuedImports`), so a large file never
//! holds a request open; the run page refreshes itself until the run is over.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onward_import::files::{FileError, Upload, spool};
use onward_import::mapping::{ColumnMapping, Field, SavedMapping, column_letter};
use onward_import::reader::RawRow;
use onward_import::{OnError, Preview, preview};
use onward_storage::repo::imports::{self, ImportRun, NewRun, RunStatus, StoredFile, StoredIssue};
use onward_storage::{ImportFileId, ImportRunId};
use serde::Deserialize;

use super::chrome::{Chrome, FieldError, localised};
use super::download::CsvDownload;
use super::staff::{CsrfForm, Staff};
use crate::auth::verify_csrf;
use crate::i18n::Translator;
use crate::ui::form_errors::FormErrors;
use crate::{AppState, WebError};

/// The largest file the page takes; larger exports go through `onward import`.
pub const UPLOAD_LIMIT_BYTES: usize = 100 * 1024 * 1024;
/// Rows shown in the preview.
const PREVIEW_ROWS: usize = 5;
/// Issues shown on the run page; the CSV has every stored issue.
const ISSUES_SHOWN: u64 = 200;

localised! {
    ImportsPage => chrome.tr;
    PreviewPage => chrome.tr;
    RunPage => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/imports",
            get(index)
                .post(upload)
                // Room for the multipart framing around a file at the limit.
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT_BYTES + 1024 * 1024)),
        )
        .route("/imports/template.csv", get(template))
        .route("/imports/files/{id}", get(show_preview))
        .route("/imports/files/{id}/run", post(start_run))
        .route("/imports/runs/{id}", get(show_run))
        .route("/imports/runs/{id}/confirm", post(confirm_run))
        .route("/imports/runs/{id}/issues.csv", get(issues_csv))
}

/// A run as the pages list it.
struct RunRow {
    run: ImportRun,
}

impl RunRow {
    /// The Fluent key of the run's status.
    fn status_key(&self) -> String {
        format!("import-status-{}", self.run.status.code())
    }

    fn started(&self) -> String {
        self.run.started_at.format("%d/%m/%Y %H:%M").to_string()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/imports.html")]
struct ImportsPage {
    chrome: Chrome,
    runs: Vec<RunRow>,
    /// Each template column: its header and the key of what it accepts.
    fields: Vec<(&'static str, String)>,
    errors: FormErrors,
    limit_mb: usize,
    max_columns: usize,
    retention_hours: u32,
}

impl ImportsPage {}

/// The Fluent key of what a template column accepts (`Field::description` in English).
pub fn import_field_key(field: Field) -> String {
    format!("import-field-{}", field.key())
}

async fn index(staff: Staff) -> Result<ImportsPage, WebError> {
    imports_page(&staff, FormErrors::new()).await
}

async fn imports_page(staff: &Staff, errors: FormErrors) -> Result<ImportsPage, WebError> {
    let runs = imports::recent_runs(staff.conn(), staff.organisation(), 20)
        .await?
        .into_iter()
        .map(|run| RunRow { run })
        .collect();
    Ok(ImportsPage {
        chrome: staff.chrome("imports").await?,
        runs,
        fields: Field::ALL
            .iter()
            .map(|field| (field.header(), import_field_key(*field)))
            .collect(),
        errors,
        limit_mb: UPLOAD_LIMIT_BYTES / (1024 * 1024),
        max_columns: onward_import::reader::MAX_COLUMNS,
        retention_hours: staff.state.config.import_file_retention_hours,
    })
}

async fn template() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"onward-learners-template.csv\""),
            ),
        ],
        onward_import::template::template_csv(),
    )
        .into_response()
}

/// The upload: streamed to a temporary file as it arrives (never held whole
/// in memory), then stored in chunks with its SHA-256 until a run reads it.
async fn upload(staff: Staff, mut multipart: Multipart) -> Result<Response, WebError> {
    let mut csrf = String::new();
    let mut file: Option<(String, Upload)> = None;
    let too_large = || {
        crate::i18n::Message::new("validation-import-too-large")
            .with("limit", (UPLOAD_LIMIT_BYTES / (1024 * 1024)).to_string())
            .encode()
    };
    let broken = || "The upload did not arrive whole; try again.".to_owned();
    let mut problem = None;
    'fields: loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                problem = Some(if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    broken()
                });
                break;
            }
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let mut upload = Upload::new().map_err(|err| WebError::Internal(err.into()))?;
                loop {
                    match field.chunk().await {
                        Ok(Some(bytes)) => {
                            if upload.size() + bytes.len() as u64 > UPLOAD_LIMIT_BYTES as u64 {
                                problem = Some(too_large());
                                break 'fields;
                            }
                            upload
                                .append(&bytes)
                                .map_err(|err| WebError::Internal(err.into()))?;
                        }
                        Ok(None) => break,
                        Err(err) => {
                            problem = Some(if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                                too_large()
                            } else {
                                broken()
                            });
                            break 'fields;
                        }
                    }
                }
                // A browser sends an empty, unnamed part when no file was chosen.
                if upload.size() > 0 || !name.is_empty() {
                    let name = if name.is_empty() {
                        "upload".to_owned()
                    } else {
                        name
                    };
                    file = Some((name, upload));
                }
            }
            _ => {}
        }
    }
    if problem.is_none() {
        verify_csrf(&staff.session, &csrf).await?;
    }
    let problem = problem.or_else(|| match &file {
        None => Some("bad-request-choose-file".to_owned()),
        Some((_, upload)) if upload.size() == 0 => Some("validation-import-empty-file".to_owned()),
        Some(_) => None,
    });
    if let Some(message) = problem {
        let page = imports_page(
            &staff,
            FormErrors::from(FieldError {
                field: "file",
                message,
            }),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let Some((name, upload)) = file else {
        return Err(WebError::BadRequest("bad-request-choose-file"));
    };
    let write = staff.write().await?;
    let id = upload
        .store(&write, staff.organisation(), Some(staff.user.id), &name)
        .await
        .map_err(file_error)?;
    write.audit("import.file_uploaded", "import_file", id.0).await?;
    write.commit().await?;
    Ok(Redirect::to(&format!("/imports/files/{id}")).into_response())
}

fn file_error(err: FileError) -> WebError {
    match err {
        FileError::Storage(err) => err.into(),
        other => WebError::Internal(other.into()),
    }
}

/// Opens a stored file and reads its first `rows` rows, off the async workers
/// (parsing a spreadsheet is CPU work). `Ok(Err(..))` is a file that cannot
/// be read, or whose content was deleted, with the reason for the user.
async fn preview_stored(
    staff: &Staff,
    tr: &Translator,
    file: &StoredFile,
    sheet: Option<String>,
    saved: Option<SavedMapping>,
    overrides: Option<SavedMapping>,
    rows: usize,
) -> Result<Result<Preview, String>, WebError> {
    let content = match spool(staff.conn(), staff.organisation(), file.id).await {
        Ok(content) => content,
        Err(FileError::Deleted { deleted }) => {
            return Ok(Err(
                tr.t_with("imports-file-deleted", &[("deleted", deleted.as_str())])
            ));
        }
        Err(err) => return Err(file_error(err)),
    };
    let file_name = file.file_name.clone();
    let opened = tokio::task::spawn_blocking(move || {
        preview(
            content,
            &file_name,
            sheet.as_deref(),
            saved.as_ref(),
            overrides.as_ref(),
            rows,
        )
    })
    .await
    .map_err(|err| WebError::Internal(err.into()))?;
    Ok(opened.map_err(|err| format!("This file cannot be imported: {err}.")))
}

/// One column of the preview: its header, sample values and the field chosen.
struct PreviewColumn {
    index: usize,
    letter: String,
    header: String,
    chosen: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/import_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    file_id: ImportFileId,
    file_name: String,
    format: String,
    notices: Vec<String>,
    sheets: Vec<String>,
    sheet: String,
    columns: Vec<PreviewColumn>,
    rows: Vec<RawRow>,
    field_choices: Vec<(&'static str, &'static str)>,
    saved_mappings: Vec<String>,
    mapping_name: String,
    on_error: &'static str,
    errors: FormErrors,
    unreadable: Option<String>,
    retention_hours: u32,
}

impl PreviewPage {
    fn cell(&self, row: &RawRow, column: &usize) -> String {
        row.cells.get(*column).cloned().unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
struct PreviewQuery {
    #[serde(default)]
    sheet: String,
    #[serde(default)]
    mapping: String,
}

async fn show_preview(
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<PreviewQuery>,
) -> Result<PreviewPage, WebError> {
    let saved = match query.mapping.trim() {
        "" => None,
        name => match imports::mapping(staff.conn(), staff.organisation(), name).await? {
            Some(json) => SavedMapping::from_stored("import_mappings", "mapping", &json)?,
            None => None,
        },
    };
    preview_page(
        &staff,
        ImportFileId(id),
        PreviewChoices {
            sheet: query.sheet,
            mapping_name: query.mapping.trim().to_owned(),
            saved,
            overrides: None,
            on_error: OnError::Skip,
        },
        FormErrors::new(),
    )
    .await
}

struct PreviewChoices {
    sheet: String,
    mapping_name: String,
    saved: Option<SavedMapping>,
    overrides: Option<SavedMapping>,
    on_error: OnError,
}

async fn preview_page(
    staff: &Staff,
    id: ImportFileId,
    choices: PreviewChoices,
    mut errors: FormErrors,
) -> Result<PreviewPage, WebError> {
    let conn = staff.conn();
    let file = imports::file(conn, staff.organisation(), id).await?;
    let saved_mappings = imports::mapping_names(conn, staff.organisation()).await?;
    let sheet = (!choices.sheet.trim().is_empty()).then(|| choices.sheet.trim().to_owned());
    let chrome = staff.chrome("imports").await?;
    let opened = preview_stored(
        staff,
        &chrome.tr,
        &file,
        sheet.clone(),
        choices.saved,
        choices.overrides,
        PREVIEW_ROWS,
    )
    .await?;
    if opened.is_ok() {
        // The page shows the file's first rows: learners' personal data.
        staff.audit_view("import_file.view", "import_file", id.0).await?;
    }
    let mut page = PreviewPage {
        chrome,
        file_id: id,
        file_name: file.file_name,
        format: String::new(),
        notices: Vec::new(),
        sheets: Vec::new(),
        sheet: sheet.unwrap_or_default(),
        columns: Vec::new(),
        rows: Vec::new(),
        field_choices: Field::ALL.iter().map(|f| (f.key(), f.header())).collect(),
        saved_mappings,
        mapping_name: choices.mapping_name,
        on_error: choices.on_error.code(),
        errors: FormErrors::new(),
        unreadable: None,
        retention_hours: staff.state.config.import_file_retention_hours,
    };
    match opened {
        Err(reason) => page.unreadable = Some(reason),
        Ok(preview) => {
            if let Some(problem) = &preview.mapping_problem
                && errors.is_empty()
            {
                errors.push(
                    "column-0",
                    crate::i18n::Message::new("validation-import-columns")
                        .with("problem", problem.to_string()),
                );
            }
            page.format = preview.format.to_string();
            page.notices = preview.notices;
            page.sheets = preview.sheets;
            page.columns = columns_of(&preview.mapping);
            page.rows = preview.rows;
        }
    }
    page.errors = errors;
    Ok(page)
}

fn columns_of(mapping: &ColumnMapping) -> Vec<PreviewColumn> {
    mapping
        .headers
        .iter()
        .zip(&mapping.fields)
        .enumerate()
        .map(|(index, (header, field))| PreviewColumn {
            index,
            letter: column_letter(index),
            header: header.clone(),
            chosen: field.map(Field::key),
        })
        .collect()
}

/// The mapping form: `column-N` is the field key chosen for column N ("" = not imported).
async fn start_run(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .unwrap_or_default()
    };
    let file = imports::file(staff.conn(), staff.organisation(), ImportFileId(id)).await?;
    let sheet = value("sheet");
    let tr = staff.chrome("imports").await?.tr;
    let opened = preview_stored(
        &staff,
        &tr,
        &file,
        (!sheet.is_empty()).then(|| sheet.clone()),
        None,
        None,
        0,
    )
    .await?;
    let headers = match opened {
        Ok(preview) => preview.mapping.headers,
        Err(_) => return Ok(Redirect::to(&format!("/imports/files/{id}")).into_response()),
    };
    let mut errors = FormErrors::new();
    let columns: Vec<(String, Option<Field>)> = headers
        .iter()
        .enumerate()
        .map(|(index, header)| {
            let chosen = value(&format!("column-{index}"));
            (header.clone(), Field::from_key(&chosen))
        })
        .collect();
    let overrides = SavedMapping { columns };
    let mapping = ColumnMapping {
        headers: headers.clone(),
        fields: overrides.columns.iter().map(|(_, field)| *field).collect(),
    };
    if let Err(err) = mapping.check() {
        errors.push(
            "column-0",
            crate::i18n::Message::new("validation-import-columns").with("problem", err.to_string()),
        );
    }
    let mapping_name = value("mapping_name");
    if mapping_name.chars().count() > 100 {
        errors.push("mapping_name", "validation-import-mapping-name".to_owned());
    }
    let on_error = match OnError::from_code(&value("on_error")) {
        Some(choice) => choice,
        None => {
            errors.push("on_error", "validation-import-on-error".to_owned());
            OnError::Skip
        }
    };
    if !errors.is_empty() {
        let page = preview_page(
            &staff,
            ImportFileId(id),
            PreviewChoices {
                sheet,
                mapping_name,
                saved: None,
                overrides: Some(overrides),
                on_error,
            },
            errors,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let dry_run = value("action") != "import";
    let run = queue_run(
        &staff,
        NewRun {
            user: Some(staff.user.id),
            file: Some(file.id),
            file_name: file.file_name,
            sheet: (!sheet.is_empty()).then_some(sheet),
            sha256: Some(file.sha256),
            mapping_name: (!mapping_name.is_empty()).then_some(mapping_name),
            mapping: serde_json::to_string(&overrides).map_err(|err| WebError::Internal(err.into()))?,
            dry_run,
            on_error,
            status: RunStatus::Queued,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/imports/runs/{run}")).into_response())
}

async fn queue_run(staff: &Staff, new: NewRun) -> Result<ImportRunId, WebError> {
    let dry_run = new.dry_run;
    let write = staff.write().await?;
    let run = imports::create_run(&write, staff.organisation(), &new).await?;
    let action = if dry_run {
        "import.dry_run_queued"
    } else {
        "import.queued"
    };
    write.audit(action, "import_run", run.0).await?;
    write.commit().await?;
    onward_import::jobs::wake_import_worker(staff.conn())
        .await
        .map_err(|err| WebError::Internal(err.into()))?;
    Ok(run)
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/import_run.html")]
struct RunPage {
    chrome: Chrome,
    run: RunRow,
    issues: Vec<StoredIssue>,
    issue_count: u64,
    issues_shown: u64,
    /// Still queued or running: the page refreshes itself.
    refresh: bool,
    /// A clean dry run: offer to import the file for real.
    can_confirm: bool,
}

impl RunPage {
    fn rows_progress(&self) -> String {
        match self.run.run.rows_total {
            Some(total) => format!("{} / {total}", self.run.run.rows_read),
            None => self.run.run.rows_read.to_string(),
        }
    }
}

async fn show_run(staff: Staff, Path(id): Path<i64>) -> Result<RunPage, WebError> {
    let conn = staff.conn();
    let run = imports::run(conn, staff.organisation(), ImportRunId(id)).await?;
    let issues = imports::run_issues(conn, staff.organisation(), run.id, 0, ISSUES_SHOWN).await?;
    let issue_count = imports::count_run_issues(conn, staff.organisation(), run.id).await?;
    Ok(RunPage {
        chrome: staff.chrome("imports").await?,
        refresh: !run.status.is_over(),
        can_confirm: run.dry_run && run.status == RunStatus::Finished && run.file.is_some(),
        run: RunRow { run },
        issues_shown: issues.len() as u64,
        issues,
        issue_count,
    })
}

/// The confirmation form carries only its CSRF token.
#[derive(Deserialize)]
struct ConfirmFields {}

/// Imports for real the file a clean dry run checked, with the same choices.
async fn confirm_run(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<ConfirmFields>,
) -> Result<Redirect, WebError> {
    let checked = imports::run(staff.conn(), staff.organisation(), ImportRunId(id)).await?;
    let Some(file) = checked
        .file
        .filter(|_| checked.dry_run && checked.status == RunStatus::Finished)
    else {
        return Err(WebError::BadRequest(
            "Only a finished check of a file can be confirmed; upload the file again.",
        ));
    };
    if imports::file(staff.conn(), staff.organisation(), file)
        .await?
        .deleted_at
        .is_some()
    {
        return Err(WebError::BadRequest(
            "The file was deleted after its retention period; upload it again.",
        ));
    }
    let run = queue_run(
        &staff,
        NewRun {
            user: Some(staff.user.id),
            file: checked.file,
            file_name: checked.file_name,
            sheet: checked.sheet,
            sha256: checked.sha256,
            mapping_name: checked.mapping_name,
            mapping: checked.mapping,
            dry_run: false,
            on_error: checked.on_error,
            status: RunStatus::Queued,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/imports/runs/{run}")))
}

/// Every stored issue of a run, formula-looking cells made inert.
async fn issues_csv(staff: Staff, Path(id): Path<i64>) -> Result<Response, WebError> {
    let conn = staff.conn();
    let run = imports::run(conn, staff.organisation(), ImportRunId(id)).await?;
    let issues = imports::run_issues(
        conn,
        staff.organisation(),
        run.id,
        0,
        onward_import::STORED_ISSUES_LIMIT,
    )
    .await?;
    // The issues quote the file's values: learners' personal data.
    staff
        .audit_view("import_run.issues_export", "import_run", run.id.0)
        .await?;
    let mut file = CsvDownload::new(&["row", "column", "value", "severity", "reason"])?;
    for issue in &issues {
        file.row([
            issue.row.to_string().as_str(),
            &issue.column,
            &issue.value,
            &issue.severity,
            &issue.reason,
        ])?;
    }
    file.into_response(&format!("import-{}-report.csv", run.id))
}
