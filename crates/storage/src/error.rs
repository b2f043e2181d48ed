use sea_orm::DbErr;

/// What can go wrong in storage. Messages are for the operator; the web layer
/// turns them into user-facing pages and keeps the cause chain in the logs.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(
        "unsupported database URL scheme `{scheme}`: use `sqlite://PATH?mode=rwc` or `postgres://USER@HOST:PORT/DB`"
    )]
    UnsupportedScheme { scheme: String },
    #[error("cannot open the {backend} database at {target}: {source}")]
    Connect {
        backend: &'static str,
        target: String,
        #[source]
        source: DbErr,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[source] DbErr),
    #[error("{what} already exists")]
    Duplicate { what: String },
    #[error("{what} was not found")]
    NotFound { what: String },
    #[error("stored value `{value}` in {table}.{column} is not valid: {reason}")]
    InvalidStoredValue {
        table: &'static str,
        column: &'static str,
        value: String,
        reason: String,
    },
    #[error("a change was audited before anyone acted for an organisation (Write::act_for)")]
    NoActor,
    #[error("database error: {0}")]
    Db(#[from] DbErr),
}

impl StorageError {
    pub(crate) fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    /// Maps a unique-constraint violation to [`StorageError::Duplicate`], anything else to `Db`.
    pub(crate) fn from_insert(err: DbErr, what: impl FnOnce() -> String) -> Self {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Self::Duplicate { what: what() },
            _ => Self::Db(err),
        }
    }
}
