use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbErr, Statement};
use sea_orm_migration::MigratorTrait;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::StorageError;
use crate::migrations::Migrator;

/// Which SQL server stands behind a [`Database`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chooses the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, StorageError> {
        let scheme = url.split_once(':').map_or(url, |(scheme, _)| scheme);
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            other => Err(StorageError::UnsupportedScheme {
                scheme: other.to_owned(),
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// How long a unit of work waits for SQLite's writer turn: the same as the
/// busy timeout it replaces.
pub(crate) const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// A pooled connection to Onward's database.
#[derive(Clone, Debug)]
pub struct Database {
    connection: DatabaseConnection,
    backend: Backend,
    /// SQLite only: one unit of work writes at a time, the others wait their
    /// turn here, first come first served. SQLite allows one writer anyway; left
    /// to its busy handler, writers that find the lock taken sleep 1, 2, 5,
    /// 10… ms and retry, so under load most of the time goes to sleeping (the
    /// survey answer POSTs of `bench/survey.sh`). PostgreSQL has no gate.
    write_turn: Option<Arc<Semaphore>>,
}

impl Database {
    /// Opens the database named by `url`. SQLite is opened in WAL mode with a busy
    /// timeout and foreign keys on, so concurrent web requests and jobs do not fail
    /// with "database is locked" and references are enforced as on PostgreSQL.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let backend = Backend::from_url(url)?;
        let mut options = ConnectOptions::new(url.to_owned());
        // Every statement with its time at debug (target `sqlx::query`: shown with
        // `ONWARD_LOG=info,sqlx::query=debug`), and any taking over a second at
        // warn, which the default log level shows. SQL text only, never values.
        options
            .sqlx_logging(true)
            .sqlx_logging_level(log::LevelFilter::Debug)
            .sqlx_slow_statements_logging_settings(log::LevelFilter::Warn, Duration::from_secs(1))
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            options.max_connections(8).map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    // A 32 MB page cache (the default is 2 MB): index lookups
                    // during imports and searches mostly stay in memory.
                    .pragma("cache_size", "-32768")
            });
        } else {
            options.max_connections(16);
        }
        let connection =
            sea_orm::Database::connect(options)
                .await
                .map_err(|source| StorageError::Connect {
                    backend: backend.name(),
                    target: redact_url(url),
                    source,
                })?;
        let write_turn = (backend == Backend::Sqlite).then(|| Arc::new(Semaphore::new(1)));
        Ok(Self {
            connection,
            backend,
            write_turn,
        })
    }

    /// Opens the database and brings its schema up to date.
    pub async fn connect_and_migrate(url: &str) -> Result<Self, StorageError> {
        let database = Self::connect(url).await?;
        database.migrate().await?;
        Ok(database)
    }

    /// Applies pending migrations; a no-op when the schema is current.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        Migrator::up(&self.connection, None)
            .await
            .map_err(StorageError::Migrate)
    }

    /// Drops every table and re-creates the schema: used by `onward demo` to
    /// reset a demo database on either backend.
    pub async fn reset_schema(&self) -> Result<(), StorageError> {
        Migrator::refresh(&self.connection)
            .await
            .map_err(StorageError::Migrate)
    }

    /// A real round trip to the server, for health checks.
    pub async fn ping(&self) -> Result<(), StorageError> {
        let backend = self.connection.get_database_backend();
        self.connection
            .query_one_raw(Statement::from_string(backend, "SELECT 1"))
            .await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Waits for this process's turn to write (SQLite; `None` on PostgreSQL).
    pub(crate) async fn write_turn(&self) -> Result<Option<OwnedSemaphorePermit>, StorageError> {
        let Some(turn) = &self.write_turn else {
            return Ok(None);
        };
        match tokio::time::timeout(WRITE_TURN_TIMEOUT, Arc::clone(turn).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Some(permit)),
            Ok(Err(_closed)) => Err(StorageError::Db(DbErr::Custom(
                "the database is closing".to_owned(),
            ))),
            Err(_elapsed) => Err(StorageError::Db(DbErr::Custom(format!(
                "database is busy: no turn to write within {} s",
                WRITE_TURN_TIMEOUT.as_secs()
            )))),
        }
    }

    /// The pooled connection, for repository calls outside a transaction.
    pub fn conn(&self) -> &DatabaseConnection {
        &self.connection
    }

    pub async fn close(self) -> Result<(), StorageError> {
        self.connection.close().await?;
        Ok(())
    }
}

/// Hides a password in a database URL so it can be shown in messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => {
            let user = credentials.split(':').next().unwrap_or_default();
            if credentials.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgresql://h/db").ok(),
            Some(Backend::Postgres)
        );
        let err = Backend::from_url("mysql://root@localhost/db")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("`mysql`")));
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite://onward.db"), "sqlite://onward.db");
    }
}
