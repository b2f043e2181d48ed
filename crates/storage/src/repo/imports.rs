//! Import runs (who, which file, counts, status), their row-by-row issues,
//! uploaded files waiting for a run, and column mappings saved per source.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;

use super::now;
use crate::entities::{import_file, import_file_chunk, import_issue, import_mapping, import_run};
use crate::import::batch::ImportCounts;
use crate::repo::tenant::{TenantScoped, find_owned};
use crate::{ImportFileId, ImportRunId, OrganisationId, Result, StorageError, UserId};

/// Issues written per statement (8 values a row).
const ISSUES_PER_STATEMENT: usize = 1000;

pub use onward_domain::import::{OnError, RunStatus};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRun {
    pub user: Option<UserId>,
    pub file: Option<ImportFileId>,
    pub file_name: String,
    /// The workbook sheet to read (spreadsheets).
    pub sheet: Option<String>,
    pub sha256: Option<String>,
    pub mapping_name: Option<String>,
    /// The column mapping used, as JSON.
    pub mapping: String,
    pub dry_run: bool,
    pub on_error: OnError,
    pub status: RunStatus,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRun {
    pub id: ImportRunId,
    pub user: Option<UserId>,
    pub file: Option<ImportFileId>,
    pub file_name: String,
    pub sheet: Option<String>,
    pub sha256: Option<String>,
    pub mapping_name: Option<String>,
    pub mapping: String,
    pub status: RunStatus,
    pub dry_run: bool,
    pub on_error: OnError,
    pub rows_read: u64,
    pub rows_total: Option<u64>,
    pub counts: ImportCounts,
    pub errors: u64,
    pub warnings: u64,
    pub message: Option<String>,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or_default()
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl TryFrom<import_run::Model> for ImportRun {
    type Error = StorageError;

    fn try_from(model: import_run::Model) -> Result<Self> {
        let status = RunStatus::from_code(&model.status).ok_or_else(|| StorageError::InvalidStoredValue {
            table: "import_runs",
            column: "status",
            value: model.status.clone(),
            reason: "not a run status".to_owned(),
        })?;
        let counts = serde_json::from_str(&model.counts).map_err(|err| StorageError::InvalidStoredValue {
            table: "import_runs",
            column: "counts",
            value: model.counts.clone(),
            reason: err.to_string(),
        })?;
        Ok(Self {
            id: ImportRunId(model.id),
            user: model.user_id.map(UserId),
            file: model.import_file_id.map(ImportFileId),
            file_name: model.file_name,
            sheet: model.sheet,
            sha256: model.sha256,
            mapping_name: model.mapping_name,
            mapping: model.mapping,
            status,
            dry_run: model.dry_run,
            on_error: super::decode("import_runs", "on_error", &model.on_error)?,
            rows_read: to_u64(model.rows_read),
            rows_total: model.rows_total.map(to_u64),
            counts,
            errors: to_u64(model.errors),
            warnings: to_u64(model.warnings),
            message: model.message,
            started_at: model.started_at,
            finished_at: model.finished_at,
        })
    }
}

fn counts_json(counts: &ImportCounts) -> String {
    serde_json::to_string(counts).unwrap_or_else(|_| "{}".to_owned())
}

pub async fn create_run(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewRun,
) -> Result<ImportRunId> {
    let model = import_run::ActiveModel {
        organisation_id: Set(org.0),
        user_id: Set(new.user.map(|u| u.0)),
        import_file_id: Set(new.file.map(|f| f.0)),
        file_name: Set(new.file_name.chars().take(255).collect()),
        sheet: Set(new.sheet.as_ref().map(|s| s.chars().take(100).collect())),
        sha256: Set(new.sha256.clone()),
        mapping_name: Set(new.mapping_name.clone()),
        mapping: Set(new.mapping.clone()),
        status: Set(new.status.code().to_owned()),
        dry_run: Set(new.dry_run),
        on_error: Set(new.on_error.code().to_owned()),
        rows_read: Set(0),
        rows_total: Set(None),
        counts: Set(counts_json(&ImportCounts::default())),
        errors: Set(0),
        warnings: Set(0),
        message: Set(None),
        started_at: Set(now()),
        updated_at: Set(now()),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(ImportRunId(model.id))
}

/// What a run has done so far (written after each committed batch).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunProgress {
    pub rows_read: u64,
    pub rows_total: Option<u64>,
    pub counts: ImportCounts,
    pub errors: u64,
    pub warnings: u64,
}

/// The update that writes a run's progress (and moves its `updated_at` on).
fn progress_update(
    org: OrganisationId,
    run: ImportRunId,
    progress: &RunProgress,
) -> sea_orm::sea_query::UpdateStatement {
    Query::update()
        .table(import_run::Entity)
        .value(import_run::Column::RowsRead, to_i64(progress.rows_read))
        .value(import_run::Column::RowsTotal, progress.rows_total.map(to_i64))
        .value(import_run::Column::Counts, counts_json(&progress.counts))
        .value(import_run::Column::Errors, to_i64(progress.errors))
        .value(import_run::Column::Warnings, to_i64(progress.warnings))
        .value(import_run::Column::UpdatedAt, Expr::val(now()))
        .and_where(import_run::Column::Id.eq(run.0))
        .and_where(import_run::Entity::in_org(org))
        .to_owned()
}

pub async fn record_progress(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    run: ImportRunId,
    progress: &RunProgress,
) -> Result<()> {
    let update = progress_update(org, run, progress)
        .value(import_run::Column::Status, RunStatus::Running.code())
        .to_owned();
    conn.execute(&update).await?;
    Ok(())
}

/// Ends a run: its final progress, status and message in one update.
pub async fn finish_run(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    run: ImportRunId,
    status: RunStatus,
    progress: &RunProgress,
    message: Option<&str>,
) -> Result<()> {
    let update = progress_update(org, run, progress)
        .value(import_run::Column::Status, status.code())
        .value(import_run::Column::Message, message.map(str::to_owned))
        .value(import_run::Column::FinishedAt, Expr::val(now()))
        .to_owned();
    conn.execute(&update).await?;
    Ok(())
}

/// How long a `running` run may go without committing a batch before it is
/// taken to belong to a process that stopped.
pub const ABANDONED_AFTER: chrono::Duration = chrono::Duration::minutes(10);

/// Marks runs of any organisation left `running` by a process that stopped
/// (no batch committed for [`ABANDONED_AFTER`]) as interrupted, so they are
/// not shown as running for ever. Their committed batches are kept.
pub async fn mark_abandoned_runs(conn: &impl ConnectionTrait) -> Result<u64> {
    let update = Query::update()
        .table(import_run::Entity)
        .value(import_run::Column::Status, RunStatus::Interrupted.code())
        .value(
            import_run::Column::Message,
            "the import stopped before it finished; the rows already imported are kept: import the same file again to complete it",
        )
        .value(import_run::Column::FinishedAt, Expr::val(now()))
        .and_where(import_run::Column::Status.eq(RunStatus::Running.code()))
        .and_where(import_run::Column::UpdatedAt.lt(now() - ABANDONED_AFTER))
        .to_owned();
    Ok(conn.execute(&update).await?.rows_affected())
}

/// Ends a run that failed part-way, keeping the progress it had recorded.
pub async fn interrupt_run(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    run: ImportRunId,
    message: &str,
) -> Result<()> {
    let update = Query::update()
        .table(import_run::Entity)
        .value(import_run::Column::Status, RunStatus::Interrupted.code())
        .value(import_run::Column::Message, message)
        .value(import_run::Column::FinishedAt, Expr::val(now()))
        .and_where(import_run::Column::Id.eq(run.0))
        .and_where(import_run::Entity::in_org(org))
        .to_owned();
    conn.execute(&update).await?;
    Ok(())
}

pub async fn run(conn: &impl ConnectionTrait, org: OrganisationId, id: ImportRunId) -> Result<ImportRun> {
    find_owned::<import_run::Entity>(conn, org, id.0, || format!("import run {id}"))
        .await?
        .try_into()
}

/// The organisation's latest runs, newest first.
pub async fn recent_runs(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    limit: u64,
) -> Result<Vec<ImportRun>> {
    import_run::Entity::find_in(org)
        .order_by_desc(import_run::Column::Id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(ImportRun::try_from)
        .collect()
}

/// The oldest queued run of any organisation, claimed for a worker by moving
/// it to `running` (only one claimer wins the update).
pub async fn claim_queued_run(conn: &impl ConnectionTrait) -> Result<Option<(OrganisationId, ImportRunId)>> {
    let queued: Vec<(i64, i64)> = import_run::Entity::find()
        .select_only()
        .columns([import_run::Column::Id, import_run::Column::OrganisationId])
        .filter(import_run::Column::Status.eq(RunStatus::Queued.code()))
        .order_by_asc(import_run::Column::Id)
        .limit(5)
        .into_tuple()
        .all(conn)
        .await?;
    for (id, org) in queued {
        let claim = Query::update()
            .table(import_run::Entity)
            .value(import_run::Column::Status, RunStatus::Running.code())
            .value(import_run::Column::UpdatedAt, Expr::val(now()))
            .and_where(import_run::Column::Id.eq(id))
            .and_where(import_run::Column::Status.eq(RunStatus::Queued.code()))
            .to_owned();
        if conn.execute(&claim).await?.rows_affected() == 1 {
            return Ok(Some((OrganisationId(org), ImportRunId(id))));
        }
    }
    Ok(None)
}

/// One reported problem, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredIssue {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
    /// `error` or `warning`.
    pub severity: String,
}

pub async fn record_issues(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    run: ImportRunId,
    issues: &[StoredIssue],
) -> Result<()> {
    for chunk in issues.chunks(ISSUES_PER_STATEMENT) {
        let mut insert = Query::insert()
            .into_table(import_issue::Entity)
            .columns([
                import_issue::Column::OrganisationId,
                import_issue::Column::ImportRunId,
                import_issue::Column::RowNumber,
                import_issue::Column::ColumnName,
                import_issue::Column::Value,
                import_issue::Column::Reason,
                import_issue::Column::Severity,
            ])
            .to_owned();
        for issue in chunk {
            insert.values_panic([
                Expr::val(org.0),
                Expr::val(run.0),
                Expr::val(to_i64(issue.row)),
                Expr::val(issue.column.chars().take(300).collect::<String>()),
                Expr::val(issue.value.chars().take(1000).collect::<String>()),
                Expr::val(issue.reason.as_str()),
                Expr::val(issue.severity.as_str()),
            ]);
        }
        conn.execute(&insert).await?;
    }
    Ok(())
}

/// A run's issues in row order, `limit` from `offset`.
pub async fn run_issues(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    run: ImportRunId,
    offset: u64,
    limit: u64,
) -> Result<Vec<StoredIssue>> {
    Ok(import_issue::Entity::find_in(org)
        .filter(import_issue::Column::ImportRunId.eq(run.0))
        .order_by_asc(import_issue::Column::RowNumber)
        .order_by_asc(import_issue::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| StoredIssue {
            row: to_u64(model.row_number),
            column: model.column_name,
            value: model.value,
            reason: model.reason,
            severity: model.severity,
        })
        .collect())
}

pub async fn count_run_issues(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    run: ImportRunId,
) -> Result<u64> {
    Ok(import_issue::Entity::find_in(org)
        .filter(import_issue::Column::ImportRunId.eq(run.0))
        .count(conn)
        .await?)
}

/// An uploaded file is stored in chunks of this size (one row each), so
/// neither the upload nor a read of it holds the whole file in memory.
pub const FILE_CHUNK_BYTES: usize = 1024 * 1024;

/// An uploaded file waiting for a run, before its content: see [`store_file_chunk`].
pub struct NewFile<'a> {
    pub user: Option<UserId>,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub size: u64,
}

/// Records an uploaded file; its content follows with [`store_file_chunk`]
/// in the same unit of work.
pub async fn create_file(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewFile<'_>,
) -> Result<ImportFileId> {
    let model = import_file::ActiveModel {
        organisation_id: Set(org.0),
        user_id: Set(new.user.map(|u| u.0)),
        file_name: Set(new.file_name.chars().take(255).collect()),
        sha256: Set(new.sha256.to_owned()),
        size: Set(to_i64(new.size)),
        content: Set(Vec::new()),
        created_at: Set(now()),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(ImportFileId(model.id))
}

/// Stores chunk `seq` (from 0) of an uploaded file's content.
pub async fn store_file_chunk(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    file: ImportFileId,
    seq: u32,
    content: Vec<u8>,
) -> Result<()> {
    import_file_chunk::ActiveModel {
        organisation_id: Set(org.0),
        import_file_id: Set(file.0),
        seq: Set(i32::try_from(seq).unwrap_or(i32::MAX)),
        content: Set(content),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Keeps an uploaded file (held in memory: small files, tests) until its run
/// has read it; the web upload streams with [`create_file`] and [`store_file_chunk`].
pub async fn store_file(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    user: Option<UserId>,
    file_name: &str,
    sha256: &str,
    content: Vec<u8>,
) -> Result<ImportFileId> {
    let id = create_file(
        conn,
        org,
        &NewFile {
            user,
            file_name,
            sha256,
            size: content.len() as u64,
        },
    )
    .await?;
    for (seq, chunk) in (0u32..).zip(content.chunks(FILE_CHUNK_BYTES)) {
        store_file_chunk(conn, org, id, seq, chunk.to_vec()).await?;
    }
    Ok(id)
}

/// An uploaded file's record; its content is read with [`file_chunk`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub id: ImportFileId,
    pub file_name: String,
    pub sha256: String,
    pub size: u64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the content was deleted (after its import or the retention period).
    pub deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn file(conn: &impl ConnectionTrait, org: OrganisationId, id: ImportFileId) -> Result<StoredFile> {
    let model: (
        i64,
        String,
        String,
        i64,
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
    ) = import_file::Entity::find_in(org)
        .select_only()
        .columns([
            import_file::Column::Id,
            import_file::Column::FileName,
            import_file::Column::Sha256,
            import_file::Column::Size,
            import_file::Column::CreatedAt,
            import_file::Column::DeletedAt,
        ])
        .filter(import_file::Column::Id.eq(id.0))
        .into_tuple()
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("uploaded file {id}")))?;
    Ok(StoredFile {
        id: ImportFileId(model.0),
        file_name: model.1,
        sha256: model.2,
        size: to_u64(model.3),
        created_at: model.4,
        deleted_at: model.5,
    })
}

/// Chunk `seq` (from 0) of a file's content; `None` past the end. A file
/// uploaded before chunks existed is one chunk, its `content`.
pub async fn file_chunk(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: ImportFileId,
    seq: u32,
) -> Result<Option<Vec<u8>>> {
    let chunk: Option<Vec<u8>> = import_file_chunk::Entity::find_in(org)
        .select_only()
        .column(import_file_chunk::Column::Content)
        .filter(import_file_chunk::Column::ImportFileId.eq(id.0))
        .filter(import_file_chunk::Column::Seq.eq(i32::try_from(seq).unwrap_or(i32::MAX)))
        .into_tuple()
        .one(conn)
        .await?;
    if chunk.is_some() || seq > 0 {
        return Ok(chunk);
    }
    let legacy: Option<Vec<u8>> = import_file::Entity::find_in(org)
        .select_only()
        .column(import_file::Column::Content)
        .filter(import_file::Column::Id.eq(id.0))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(legacy.filter(|content| !content.is_empty()))
}

/// Deletes a file's content (its record stays, marked deleted, for the runs
/// that name it). `false` when it was deleted before.
pub async fn delete_file_content(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: ImportFileId,
) -> Result<bool> {
    let marked = Query::update()
        .table(import_file::Entity)
        .value(import_file::Column::DeletedAt, Expr::val(now()))
        .value(import_file::Column::Content, Expr::val(Vec::<u8>::new()))
        .and_where(import_file::Column::Id.eq(id.0))
        .and_where(import_file::Entity::in_org(org))
        .and_where(import_file::Column::DeletedAt.is_null())
        .to_owned();
    let deleted = conn.execute(&marked).await?.rows_affected() == 1;
    import_file_chunk::Entity::delete_many()
        .filter(import_file_chunk::Entity::in_org(org))
        .filter(import_file_chunk::Column::ImportFileId.eq(id.0))
        .exec(conn)
        .await?;
    Ok(deleted)
}

/// Files of any organisation uploaded before `before` whose content is still
/// held and that no queued or running import is about to read, oldest first.
pub async fn files_past_retention(
    conn: &impl ConnectionTrait,
    before: chrono::DateTime<chrono::Utc>,
    limit: u64,
) -> Result<Vec<(OrganisationId, ImportFileId)>> {
    let busy = Query::select()
        .column(import_run::Column::ImportFileId)
        .from(import_run::Entity)
        .and_where(import_run::Column::ImportFileId.is_not_null())
        .and_where(import_run::Column::Status.is_in([RunStatus::Queued.code(), RunStatus::Running.code()]))
        .to_owned();
    let files: Vec<(i64, i64)> = import_file::Entity::find()
        .select_only()
        .columns([import_file::Column::OrganisationId, import_file::Column::Id])
        .filter(import_file::Column::DeletedAt.is_null())
        .filter(import_file::Column::CreatedAt.lt(before))
        .filter(import_file::Column::Id.not_in_subquery(busy))
        .order_by_asc(import_file::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(files
        .into_iter()
        .map(|(org, id)| (OrganisationId(org), ImportFileId(id)))
        .collect())
}

/// Saves (or replaces) a named mapping; `mapping` is JSON.
pub async fn save_mapping(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    name: &str,
    mapping: &str,
) -> Result<()> {
    let existing = import_mapping::Entity::find_in(org)
        .filter(import_mapping::Column::Name.eq(name))
        .one(conn)
        .await?;
    match existing {
        Some(model) => {
            let mut active: import_mapping::ActiveModel = model.into();
            active.mapping = Set(mapping.to_owned());
            active.updated_at = Set(now());
            active.update(conn).await?;
        }
        None => {
            import_mapping::ActiveModel {
                organisation_id: Set(org.0),
                name: Set(name.to_owned()),
                mapping: Set(mapping.to_owned()),
                updated_at: Set(now()),
                ..Default::default()
            }
            .insert(conn)
            .await
            .map_err(|err| StorageError::from_insert(err, || format!("a mapping named {name}")))?;
        }
    }
    Ok(())
}

/// The saved mapping's JSON, if one has that name.
pub async fn mapping(conn: &impl ConnectionTrait, org: OrganisationId, name: &str) -> Result<Option<String>> {
    Ok(import_mapping::Entity::find_in(org)
        .filter(import_mapping::Column::Name.eq(name))
        .one(conn)
        .await?
        .map(|model| model.mapping))
}

pub async fn mapping_names(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<String>> {
    Ok(import_mapping::Entity::find()
        .select_only()
        .column(import_mapping::Column::Name)
        .filter(import_mapping::Entity::in_org(org))
        .order_by_asc(import_mapping::Column::Name)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Records the mapping a run used and the SHA-256 of the file it read (known
/// once the file has been read to its end).
pub async fn describe_run(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    run: ImportRunId,
    mapping: Option<&str>,
    sha256: Option<&str>,
) -> Result<()> {
    let mut update = Query::update();
    update.table(import_run::Entity);
    if let Some(mapping) = mapping {
        update.value(import_run::Column::Mapping, mapping);
    }
    if let Some(sha256) = sha256 {
        update.value(import_run::Column::Sha256, sha256);
    }
    if mapping.is_none() && sha256.is_none() {
        return Ok(());
    }
    update
        .and_where(import_run::Column::Id.eq(run.0))
        .and_where(import_run::Entity::in_org(org));
    conn.execute(&update).await?;
    Ok(())
}
