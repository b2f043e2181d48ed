//! CSV files for download: every cell made spreadsheet-safe (a value that
//! would run as a formula is written as text), sent as an attachment.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use onward_domain::export::spreadsheet_safe;
use onward_storage::repo::learners::Learner;

use crate::WebError;

pub(crate) struct CsvDownload {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvDownload {
    /// A file whose first row is `header`.
    pub(crate) fn new(header: &[&str]) -> Result<Self, WebError> {
        let mut file = Self {
            writer: csv::Writer::from_writer(Vec::new()),
        };
        file.row(header.iter().copied())?;
        Ok(file)
    }

    pub(crate) fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> Result<(), WebError> {
        self.writer
            .write_record(cells.into_iter().map(|cell| spreadsheet_safe(cell.as_ref())))
            .map_err(|err| WebError::Internal(err.into()))
    }

    /// The file as a download named `file_name`.
    pub(crate) fn into_response(self, file_name: &str) -> Result<Response, WebError> {
        let body = self
            .writer
            .into_inner()
            .map_err(|err| WebError::Internal(anyhow::anyhow!(err.to_string())))?;
        let disposition = format!("attachment; filename=\"{file_name}\"");
        Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&disposition).map_err(|err| WebError::Internal(err.into()))?,
                ),
            ],
            body,
        )
            .into_response())
    }
}

/// The columns that identify a learner in every named export, in this order:
/// family name, given name, ULN, MIS id, date of birth (dd/mm/yyyy), postcode.
pub(crate) fn learner_identity_cells(learner: &Learner) -> [String; 6] {
    [
        learner.family_name.clone(),
        learner.given_name.clone(),
        learner
            .uln
            .as_ref()
            .map(|uln| uln.as_str().to_owned())
            .unwrap_or_default(),
        learner.mis_id.clone().unwrap_or_default(),
        learner
            .date_of_birth
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        learner.postcode.clone().unwrap_or_default(),
    ]
}
