//! Uploaded MIS files: stored a chunk at a time as they arrive, read back
//! through a temporary file (so a reader gets a plain `File` and no copy of
//! the whole file is held in memory), and deleted when they have done their
//! job: once a real import has read them (`pipeline`), or after the retention
//! period by [`DeleteOldImportFiles`].

use std::io::{Read, Seek, SeekFrom, Write as _};
use std::time::Duration;

use chrono::Utc;
use onward_jobs::{Job, JobContext, JobError, JobReport};
use onward_storage::repo::imports::{self, FILE_CHUNK_BYTES, NewFile};
use onward_storage::{Actor, ConnectionTrait, ImportFileId, OrganisationId, StorageError, UserId, Write};
use serde::{Deserialize, Serialize};

/// How long an uploaded file is kept when no import has read it (a check
/// never confirmed, an upload abandoned), unless configured otherwise.
pub const DEFAULT_RETENTION_HOURS: u32 = 24;
/// How often [`DeleteOldImportFiles`] runs.
pub const RETENTION_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Files deleted per transaction by the retention job.
const DELETE_BATCH: u64 = 100;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("the uploaded file cannot be kept or read: {0}")]
    Io(#[from] std::io::Error),
    #[error("the uploaded file was deleted on {deleted}; upload it again")]
    Deleted { deleted: String },
}

/// An uploaded file written to a temporary file as it arrives, with its size
/// and SHA-256 counted on the way.
pub struct Upload {
    spool: std::fs::File,
    size: u64,
    hasher: sha2::Sha256,
}

impl Upload {
    pub fn new() -> Result<Self, FileError> {
        Ok(Self {
            spool: tempfile::tempfile()?,
            size: 0,
            hasher: <sha2::Sha256 as sha2::Digest>::new(),
        })
    }

    /// Appends a piece of the upload.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), FileError> {
        sha2::Digest::update(&mut self.hasher, bytes);
        self.spool.write_all(bytes)?;
        self.size += bytes.len() as u64;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Stores the upload in `write` a chunk at a time, as the file `file_name`.
    pub async fn store(
        mut self,
        write: &Write,
        org: OrganisationId,
        user: Option<UserId>,
        file_name: &str,
    ) -> Result<ImportFileId, FileError> {
        let sha256: String = sha2::Digest::finalize(self.hasher)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let id = imports::create_file(
            write,
            org,
            &NewFile {
                user,
                file_name,
                sha256: &sha256,
                size: self.size,
            },
        )
        .await?;
        self.spool.seek(SeekFrom::Start(0))?;
        let mut seq = 0u32;
        loop {
            let mut chunk = Vec::with_capacity(FILE_CHUNK_BYTES);
            (&mut self.spool)
                .take(FILE_CHUNK_BYTES as u64)
                .read_to_end(&mut chunk)?;
            if chunk.is_empty() {
                break;
            }
            imports::store_file_chunk(write, org, id, seq, chunk).await?;
            seq += 1;
        }
        Ok(id)
    }
}

/// The content of an uploaded file in a temporary file (gone when dropped),
/// read from the database a chunk at a time.
pub async fn spool(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: ImportFileId,
) -> Result<std::fs::File, FileError> {
    let file = imports::file(conn, org, id).await?;
    if let Some(deleted) = file.deleted_at {
        return Err(FileError::Deleted {
            deleted: deleted.format("%d/%m/%Y %H:%M").to_string(),
        });
    }
    let mut spool = tempfile::tempfile()?;
    let mut seq = 0;
    while let Some(chunk) = imports::file_chunk(conn, org, id, seq).await? {
        spool.write_all(&chunk)?;
        seq += 1;
    }
    spool.seek(SeekFrom::Start(0))?;
    Ok(spool)
}

/// The recurring job: deletes the content of uploaded files older than
/// `retention_hours` that no queued or running import is about to read.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct DeleteOldImportFiles {
    pub retention_hours: u32,
}

impl Default for DeleteOldImportFiles {
    fn default() -> Self {
        Self {
            retention_hours: DEFAULT_RETENTION_HOURS,
        }
    }
}

impl Job for DeleteOldImportFiles {
    const KIND: &'static str = "imports.delete_old_files";

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        let db = ctx.database.conn();
        let before = Utc::now() - chrono::Duration::hours(i64::from(self.retention_hours));
        let mut deleted = 0u64;
        loop {
            let files = imports::files_past_retention(db, before, DELETE_BATCH).await?;
            if files.is_empty() {
                break;
            }
            for (org, file) in files {
                let write = Write::open(
                    db,
                    Actor {
                        organisation: org,
                        user: None,
                        remote_addr: None,
                    },
                )
                .await?;
                if imports::delete_file_content(&write, org, file).await? {
                    write
                        .audit_detail(
                            "import.file_deleted",
                            "import_file",
                            file.0,
                            format!("kept {} hours without an import", self.retention_hours),
                        )
                        .await?;
                    deleted += 1;
                }
                write.commit().await?;
            }
        }
        let mut report = JobReport::default();
        if deleted > 0 {
            report.line(format!(
                "{deleted} uploaded import files older than {} hours deleted.",
                self.retention_hours
            ));
        }
        Ok(report)
    }
}
