//! The import pipeline: [`import_learners`] reads a file on its own thread
//! (read, map, check each row) and hands batches to the writer over a bounded
//! channel; the request, progress, outcome and error types it uses.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use onward_domain::import::ImportRow;
use onward_domain::organisation::CountryCode;
use onward_storage::bulk::{BulkConnection, BulkTransaction};
use onward_storage::repo::import_batch::{ImportActor, ImportCaches, apply_import_batch};
use onward_storage::repo::imports::{self, NewRun, RunProgress, RunStatus, StoredIssue};
use onward_storage::{
    Actor, DatabaseConnection, ImportFileId, ImportRunId, OrganisationId, StorageError, UserId, Write,
};
use sha2::{Digest, Sha256};

use crate::mapping::{ColumnMapping, MappingError, SavedMapping};
use crate::reader::{self, Format, RawRow, ReadError, Table};
use crate::repeats::{SeenLearners, Verdict};
use crate::row::{Issue, RowValidator, Severity};

/// Rows handed from the reading thread to the writer at a time: small enough
/// that two batches in flight keep memory modest.
pub const DEFAULT_BATCH_ROWS: usize = 10_000;
/// Rows written per transaction. Each commit writes every page the
/// transaction changed, and rows land all over the learners' indexes, so
/// larger transactions rewrite far fewer pages (1,000,000 rows on SQLite:
/// 3.6 GB of log at 10,000 rows a commit). A transaction of this size takes
/// a few seconds, which is how long another writer may wait.
pub const DEFAULT_COMMIT_ROWS: usize = 100_000;
/// Issues kept with a run in the database; the CLI's `--report` has them all.
pub const STORED_ISSUES_LIMIT: u64 = 10_000;

pub use onward_domain::import::OnError;

/// Everything an import needs to know besides the file itself.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    pub org: OrganisationId,
    /// The organisation's country: UK rules for postcodes and phones in GB.
    pub country: CountryCode,
    pub user: Option<UserId>,
    pub file_name: String,
    pub sheet: Option<String>,
    /// A saved mapping to start from, and to save the mapping used under.
    pub mapping_name: Option<String>,
    /// Choices made by a person (the web page's mapping form), applied last.
    pub mapping_overrides: Option<SavedMapping>,
    pub dry_run: bool,
    pub on_error: OnError,
    pub batch_rows: usize,
    /// Rows committed per transaction (whole batches: at least one).
    pub commit_rows: usize,
    pub today: NaiveDate,
    /// A run already recorded (queued by the web page) to carry on.
    pub run: Option<ImportRunId>,
    pub file: Option<ImportFileId>,
}

impl ImportRequest {
    pub fn new(
        org: OrganisationId,
        country: CountryCode,
        file_name: impl Into<String>,
        today: NaiveDate,
    ) -> Self {
        Self {
            org,
            country,
            user: None,
            file_name: file_name.into(),
            sheet: None,
            mapping_name: None,
            mapping_overrides: None,
            dry_run: false,
            on_error: OnError::Skip,
            batch_rows: DEFAULT_BATCH_ROWS,
            commit_rows: DEFAULT_COMMIT_ROWS,
            today,
            run: None,
            file: None,
        }
    }
}

/// Told as the import goes, e.g. to draw a progress bar.
pub trait ImportProgress: Send + Sync {
    /// The file is open: rows in it when known (spreadsheets).
    fn opened(&self, _format: &Format, _total_rows: Option<u64>) {}
    /// `rows` rows and `bytes` bytes of the file have been read and written.
    fn advanced(&self, _rows: u64, _bytes: u64) {}
}

/// No progress reporting.
pub struct Silent;
impl ImportProgress for Silent {}

/// Told every issue as it is found (the CLI's `--report` CSV).
pub trait IssueSink: Send {
    fn issue(&mut self, issue: &Issue);
}

impl IssueSink for Vec<Issue> {
    fn issue(&mut self, issue: &Issue) {
        self.push(issue.clone());
    }
}

/// What an import did, or why it was refused.
#[derive(Clone, Debug)]
pub struct ImportOutcome {
    pub run: ImportRunId,
    pub status: RunStatus,
    pub format: Option<Format>,
    pub mapping: Option<ColumnMapping>,
    pub notices: Vec<String>,
    pub progress: RunProgress,
    /// Why the file was refused, for the user.
    pub refusal: Option<String>,
    pub dry_run: bool,
}

impl ImportOutcome {
    /// Unrecognised columns, reported rather than dropped silently.
    pub fn unrecognised_columns(&self) -> Vec<String> {
        self.mapping
            .as_ref()
            .map(|m| m.unrecognised().into_iter().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// A one-paragraph summary for people.
    pub fn summary(&self) -> String {
        let c = &self.progress.counts;
        if let Some(reason) = &self.refusal {
            return format!("Refused: {reason}. Nothing was imported.");
        }
        let verb = if self.dry_run { "would be" } else { "were" };
        let head = if self.dry_run {
            "Dry run (nothing was written)".to_owned()
        } else {
            "Imported".to_owned()
        };
        let mut text = format!(
            "{head}: {} rows read, {} imported, {} skipped. Learners: {} created, {} updated, {} unchanged. \
             Enrolments: {} created, {} updated, {} unchanged. {} contact details, {} programmes and {} cohorts {verb} added. \
             {} probable duplicates flagged. {} errors, {} warnings.",
            self.progress.rows_read,
            c.rows_imported,
            c.rows_skipped,
            c.learners_created,
            c.learners_updated,
            c.learners_unchanged,
            c.enrolments_created,
            c.enrolments_updated,
            c.enrolments_unchanged,
            c.contacts_created,
            c.programmes_created,
            c.cohorts_created,
            c.probable_duplicates,
            self.progress.errors,
            self.progress.warnings,
        );
        if c.rows_unchanged > 0 {
            text.push_str(&format!(
                " {} rows were exactly as last imported and were skipped.",
                c.rows_unchanged
            ));
        }
        if c.changes() == 0 && self.refusal.is_none() && c.rows_imported > 0 {
            text.push_str(" No changes: everything in the file is already in Onward.");
        }
        text
    }
}

impl From<onward_storage::DbErr> for ImportError {
    fn from(err: onward_storage::DbErr) -> Self {
        ImportError::Storage(StorageError::Db(err))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the file could not be read while importing: {0}")]
    Read(#[from] ReadError),
    #[error("the import stopped unexpectedly: {0}")]
    Internal(String),
}

/// What a [`FileReader`] has seen so far, shared with the importer.
#[derive(Default)]
pub struct FileStats {
    bytes: AtomicU64,
    hasher: Mutex<Sha256>,
}

impl FileStats {
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The SHA-256 of everything read so far, in hex.
    pub fn sha256(&self) -> String {
        let hasher = self.hasher.lock().map(|h| h.clone()).unwrap_or_default();
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Counts and hashes the bytes a reader hands out: progress on a streamed
/// file, and the file's hash for the run record without a second read.
pub struct FileReader<R> {
    inner: R,
    stats: Arc<FileStats>,
}

impl<R: Read> FileReader<R> {
    pub fn new(inner: R) -> (Self, Arc<FileStats>) {
        let stats = Arc::new(FileStats::default());
        (
            Self {
                inner,
                stats: stats.clone(),
            },
            stats,
        )
    }
}

impl<R: Read> Read for FileReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.stats.bytes.fetch_add(n as u64, Ordering::Relaxed);
        if let Ok(mut hasher) = self.stats.hasher.lock() {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// The first rows of a file with the mapping Onward would use: what the web
/// page previews before anything is imported.
#[derive(Clone, Debug)]
pub struct Preview {
    pub format: Format,
    pub sheets: Vec<String>,
    pub notices: Vec<String>,
    pub mapping: ColumnMapping,
    pub mapping_problem: Option<String>,
    pub rows: Vec<RawRow>,
}

/// Opens a file and reads its first `rows` rows with the detected (and saved,
/// and overridden) mapping.
pub fn preview(
    source: impl Read + Send + 'static,
    file_name: &str,
    sheet: Option<&str>,
    saved: Option<&SavedMapping>,
    overrides: Option<&SavedMapping>,
    rows: usize,
) -> Result<Preview, ReadError> {
    let table = reader::open(source, file_name, sheet)?;
    let mapping = choose_mapping(&table.headers, saved, overrides);
    let problem = mapping.check().err().map(|err| err.to_string());
    let format = table.format.clone();
    let sheets = table.sheets.clone();
    let notices = table.notices.clone();
    let rows = table.rows().take(rows).collect::<Result<Vec<_>, _>>()?;
    Ok(Preview {
        format,
        sheets,
        notices,
        mapping,
        mapping_problem: problem,
        rows,
    })
}

fn choose_mapping(
    headers: &[String],
    saved: Option<&SavedMapping>,
    overrides: Option<&SavedMapping>,
) -> ColumnMapping {
    let mut mapping = ColumnMapping::detect(headers);
    if let Some(saved) = saved {
        mapping = mapping.with_saved(saved);
    }
    if let Some(overrides) = overrides {
        mapping = mapping.with_saved(overrides);
    }
    mapping
}

/// A batch of checked rows handed from the reading thread to the writer.
struct Batch {
    rows: Vec<ImportRow>,
    issues: Vec<Issue>,
    rows_read: u64,
    bytes_read: u64,
}

impl Batch {
    fn new(capacity: usize) -> Self {
        Self {
            rows: Vec::with_capacity(capacity),
            issues: Vec::new(),
            rows_read: 0,
            bytes_read: 0,
        }
    }

    /// The batch as sent: with how far into the file it reaches.
    fn sealed(mut self, rows_read: u64, bytes_read: u64) -> Self {
        self.rows_read = rows_read;
        self.bytes_read = bytes_read;
        self
    }

    /// A row of this batch has an error.
    fn has_errors(&self) -> bool {
        self.issues.iter().any(|issue| issue.severity == Severity::Error)
    }
}

enum Message {
    Batch(Batch),
    Failed(ReadError),
}

/// Imports learners (and, when the file has programme columns, programmes,
/// cohorts and enrolments) from `source`. The run is recorded whatever
/// happens; a refused file returns `Ok` with [`ImportOutcome::refusal`] set.
pub async fn import_learners(
    db: &DatabaseConnection,
    request: &ImportRequest,
    source: impl Read + Send + 'static,
    progress: &dyn ImportProgress,
    sink: &mut dyn IssueSink,
) -> Result<ImportOutcome, ImportError> {
    let saved = match &request.mapping_name {
        Some(name) => match imports::mapping(db, request.org, name).await? {
            Some(json) => SavedMapping::from_stored("import_mappings", "mapping", &json)?,
            None => None,
        },
        None => None,
    };
    let (source, file_stats) = FileReader::new(source);
    // Opening parses (a spreadsheet's workbook, a CSV's first 64 KB): never on an async worker.
    let opened = {
        let file_name = request.file_name.clone();
        let sheet = request.sheet.clone();
        tokio::task::spawn_blocking(move || reader::open(source, &file_name, sheet.as_deref()))
            .await
            .map_err(|err| ImportError::Internal(format!("the file reader stopped: {err}")))?
    };
    let run = match request.run {
        Some(run) => run,
        None => {
            imports::create_run(
                db,
                request.org,
                &NewRun {
                    user: request.user,
                    file: request.file,
                    file_name: request.file_name.clone(),
                    sheet: request.sheet.clone(),
                    sha256: None,
                    mapping_name: request.mapping_name.clone(),
                    mapping: "{}".to_owned(),
                    dry_run: request.dry_run,
                    on_error: request.on_error,
                    status: RunStatus::Running,
                },
            )
            .await?
        }
    };
    let refuse =
        |reason: String, format: Option<Format>, mapping: Option<ColumnMapping>, notices: Vec<String>| {
            ImportOutcome {
                run,
                status: RunStatus::Refused,
                format,
                mapping,
                notices,
                progress: RunProgress::default(),
                refusal: Some(reason),
                dry_run: request.dry_run,
            }
        };
    let table = match opened {
        Ok(table) => table,
        Err(err) => {
            let outcome = refuse(err.to_string(), None, None, Vec::new());
            finish(db, request, &outcome, None).await?;
            return Ok(outcome);
        }
    };
    let mapping = choose_mapping(&table.headers, saved.as_ref(), request.mapping_overrides.as_ref());
    if let Err(err) = mapping.check() {
        let outcome = refuse(
            mapping_refusal(&err),
            Some(table.format.clone()),
            Some(mapping),
            table.notices.clone(),
        );
        finish(db, request, &outcome, None).await?;
        return Ok(outcome);
    }
    progress.opened(&table.format, table.total_rows);
    let format = table.format.clone();
    let notices = table.notices.clone();
    let total_rows = table.total_rows;
    let mut issues = IssueLog::new(request.dry_run || request.on_error == OnError::Abort);
    let mut state = RunProgress {
        rows_total: total_rows,
        ..RunProgress::default()
    };
    for column in mapping.unrecognised() {
        let issue = Issue {
            row: 0,
            column: column.to_owned(),
            value: String::new(),
            reason: "this column is not recognised and was not imported; map it to a field if it holds one"
                .to_owned(),
            severity: Severity::Warning,
        };
        issues.found(sink, &mut state, issue);
    }

    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Message>(2);
    let validator = RowValidator::new(mapping.clone(), request.country.clone(), request.today);
    let batch_rows = request.batch_rows.max(1);
    let reading = std::thread::Builder::new()
        .name("onward-import-reader".to_owned())
        .spawn({
            let file_stats = file_stats.clone();
            move || read_batches(table, validator, batch_rows, file_stats, sender)
        })
        .map_err(|err| ImportError::Internal(err.to_string()))?;

    let mut caches = ImportCaches::load(db, request.org).await?;
    let actor = ImportActor {
        user: request.user,
        run: Some(run),
    };
    // Abort and dry runs write into one transaction that is rolled back unless
    // the whole file went in cleanly (SQLite allows one writer, so their issues
    // wait in memory until it ends); other runs commit every `commit_rows`
    // rows, with the issues and the run's progress so far.
    let bulk = BulkConnection::acquire(db).await?;
    let mut open: Option<BulkTransaction<'_>> = if issues.buffered {
        Some(bulk.transaction().await?)
    } else {
        None
    };
    let mut uncommitted = 0usize;
    let mut refused_for_errors = false;
    let mut failure = None;
    while let Some(message) = receiver.recv().await {
        let batch = match message {
            Message::Batch(batch) => batch,
            Message::Failed(err) => {
                failure = Some(err);
                break;
            }
        };
        let valid_rows = batch.rows.len() as u64;
        let invalid_rows = batch
            .rows_read
            .saturating_sub(state.rows_read)
            .saturating_sub(valid_rows);
        state.rows_read = batch.rows_read;
        state.counts.rows_skipped += invalid_rows;
        if batch.has_errors() && request.on_error == OnError::Abort {
            refused_for_errors = true;
        }
        for issue in batch.issues {
            issues.found(sink, &mut state, issue);
        }
        if refused_for_errors {
            state.counts.rows_skipped += valid_rows;
        } else {
            let txn = match open.take() {
                Some(txn) => txn,
                None => bulk.transaction().await?,
            };
            let (counts, found) =
                apply_import_batch(&txn, request.org, actor, &mut caches, &batch.rows).await?;
            state.counts.add(&counts);
            for found in found {
                let issue = Issue {
                    row: found.row,
                    column: found.field.to_owned(),
                    value: found.value,
                    reason: found.reason,
                    severity: if found.is_error {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                };
                if found.is_error && request.on_error == OnError::Abort {
                    refused_for_errors = true;
                }
                issues.found(sink, &mut state, issue);
            }
            if !issues.buffered {
                issues.flush(&txn, request.org, run).await?;
                imports::record_progress(&txn, request.org, run, &state).await?;
                uncommitted += batch.rows.len();
            }
            if issues.buffered || uncommitted < request.commit_rows {
                open = Some(txn);
            } else {
                txn.commit().await?;
                uncommitted = 0;
            }
        }
        progress.advanced(state.rows_read, batch.bytes_read);
    }
    reading
        .join()
        .map_err(|_| ImportError::Internal("the reading thread panicked".to_owned()))?;
    let refusal = if let Some(err) = &failure {
        Some(if issues.buffered {
            format!("{err}")
        } else {
            format!("{err}; the rows before it were imported")
        })
    } else if refused_for_errors {
        Some(format!(
            "{} errors were found and errors were set to refuse the whole file; correct them or choose to skip rows with errors",
            state.errors
        ))
    } else if state.counts.rows_imported == 0 && state.errors > 0 {
        Some("no row could be imported; see the errors".to_owned())
    } else {
        None
    };
    if let Some(txn) = open.take() {
        if issues.buffered && (request.dry_run || refusal.is_some()) {
            txn.rollback().await?;
        } else {
            txn.commit().await?;
        }
    }
    bulk.finish().await?;
    issues.flush(db, request.org, run).await?;
    let outcome = ImportOutcome {
        run,
        status: if refusal.is_some() {
            RunStatus::Refused
        } else {
            RunStatus::Finished
        },
        format: Some(format),
        mapping: Some(mapping),
        notices,
        progress: state,
        refusal,
        dry_run: request.dry_run,
    };
    finish(db, request, &outcome, Some(&file_stats.sha256())).await?;
    Ok(outcome)
}

/// Issues on their way to the run record: every one counted and told to the
/// sink, the first [`STORED_ISSUES_LIMIT`] kept for the database.
struct IssueLog {
    buffered: bool,
    pending: Vec<StoredIssue>,
    kept: u64,
}

impl IssueLog {
    fn new(buffered: bool) -> Self {
        Self {
            buffered,
            pending: Vec::new(),
            kept: 0,
        }
    }

    fn found(&mut self, sink: &mut dyn IssueSink, progress: &mut RunProgress, issue: Issue) {
        match issue.severity {
            Severity::Error => progress.errors += 1,
            Severity::Warning => progress.warnings += 1,
        }
        sink.issue(&issue);
        if self.kept < STORED_ISSUES_LIMIT {
            self.kept += 1;
            self.pending.push(stored(&issue));
        }
    }

    async fn flush(
        &mut self,
        conn: &impl onward_storage::ConnectionTrait,
        org: OrganisationId,
        run: ImportRunId,
    ) -> Result<(), StorageError> {
        let pending = std::mem::take(&mut self.pending);
        imports::record_issues(conn, org, run, &pending).await
    }
}

fn mapping_refusal(err: &MappingError) -> String {
    format!("the columns cannot be used: {err}")
}

fn stored(issue: &Issue) -> StoredIssue {
    StoredIssue {
        row: issue.row,
        column: issue.column.clone(),
        value: issue.value.clone(),
        reason: issue.reason.clone(),
        severity: issue.severity.label().to_owned(),
    }
}

/// Records how the run ended, saves the mapping under its name when the run
/// went through, and audits the run.
async fn finish(
    db: &DatabaseConnection,
    request: &ImportRequest,
    outcome: &ImportOutcome,
    sha256: Option<&str>,
) -> Result<(), ImportError> {
    let txn = Write::open(
        db,
        Actor {
            organisation: request.org,
            user: request.user,
            remote_addr: None,
        },
    )
    .await?;
    let mapping_json = outcome
        .mapping
        .as_ref()
        .and_then(|m| serde_json::to_string(&m.to_saved()).ok());
    imports::describe_run(&txn, request.org, outcome.run, mapping_json.as_deref(), sha256).await?;
    imports::finish_run(
        &txn,
        request.org,
        outcome.run,
        outcome.status,
        &outcome.progress,
        outcome.refusal.as_deref(),
    )
    .await?;
    if let (Some(name), Some(json), None) = (&request.mapping_name, &mapping_json, &outcome.refusal) {
        imports::save_mapping(&txn, request.org, name, json).await?;
    }
    let c = &outcome.progress.counts;
    let action = if outcome.dry_run {
        "import.dry_run"
    } else {
        "import.run"
    };
    let detail = format!(
        "{} ({}): {} rows, {} learners created, {} updated, {} enrolments created, {} errors",
        request.file_name,
        outcome.status.code(),
        outcome.progress.rows_read,
        c.learners_created,
        c.learners_updated,
        c.enrolments_created,
        outcome.progress.errors
    );
    txn.audit_detail(action, "import_run", outcome.run.0, detail)
        .await?;
    // The uploaded file holds every learner's personal data: once a real
    // import has read it, it has done its job.
    if !outcome.dry_run
        && let Some(file) = request.file
        && imports::delete_file_content(&txn, request.org, file).await?
    {
        txn.audit_detail(
            "import.file_deleted",
            "import_file",
            file.0,
            format!("deleted after import run {}", outcome.run),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Rows read before they are checked together, on every core: checking a
/// row (names, dates, postcodes, identifiers) is most of what an unchanged
/// re-import costs, and rows do not depend on each other until
/// [`SeenLearners`], which then goes through them in file order.
const CHECK_TOGETHER: usize = 2_048;

/// The reading thread: reads, checks and groups rows into batches.
fn read_batches(
    table: Table,
    validator: RowValidator,
    batch_rows: usize,
    file_stats: Arc<FileStats>,
    sender: tokio::sync::mpsc::Sender<Message>,
) {
    use rayon::prelude::*;
    let mut seen = SeenLearners::new(validator.mapping());
    let mut batch = Batch::new(batch_rows);
    let mut rows_read = 0u64;
    let mut rows = table.rows();
    let mut read = Vec::with_capacity(CHECK_TOGETHER);
    loop {
        read.clear();
        let mut failure = None;
        while read.len() < CHECK_TOGETHER {
            match rows.next() {
                Some(Ok(raw)) => read.push(raw),
                Some(Err(err)) => {
                    failure = Some(err);
                    break;
                }
                None => break,
            }
        }
        let last = read.len() < CHECK_TOGETHER;
        let checked: Vec<_> = read.par_iter().map(|raw| validator.validate(raw)).collect();
        for (raw, (row, issues)) in read.iter().zip(checked) {
            rows_read += 1;
            batch.issues.extend(issues);
            if let Some(mut row) = row {
                match seen.check(&row, raw, validator.mapping()) {
                    Verdict::First => batch.rows.push(row),
                    Verdict::Repeat { first_row, differing } => {
                        if !differing.is_empty() {
                            batch.issues.push(Issue {
                                row: raw.number,
                                column: String::new(),
                                value: String::new(),
                                reason: format!(
                                    "the same learner is on row {first_row} with different details ({}); the details on row {first_row} were kept",
                                    differing.join(", ")
                                ),
                                severity: Severity::Warning,
                            });
                        }
                        row.repeat_of = Some(first_row);
                        batch.rows.push(row);
                    }
                    // Someone else's identifier: the row is not imported.
                    Verdict::Conflict(issue) => batch.issues.push(issue),
                }
            }
            if rows_read.is_multiple_of(batch_rows as u64) {
                let full = std::mem::replace(&mut batch, Batch::new(batch_rows))
                    .sealed(rows_read, file_stats.bytes());
                if sender.blocking_send(Message::Batch(full)).is_err() {
                    return;
                }
            }
        }
        if let Some(err) = failure {
            let _ = sender.blocking_send(Message::Batch(batch.sealed(rows_read, file_stats.bytes())));
            let _ = sender.blocking_send(Message::Failed(err));
            return;
        }
        if last {
            break;
        }
    }
    let _ = sender.blocking_send(Message::Batch(batch.sealed(rows_read, file_stats.bytes())));
}
