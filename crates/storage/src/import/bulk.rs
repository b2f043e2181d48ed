//! Bulk writing, for the MIS import: a connection held for a whole run, write
//! transactions on it that every SeaORM repository call accepts (they implement
//! [`ConnectionTrait`]), and the driver's fastest way in for the rows that
//! dominate an import: prepared multi-row `INSERT`s on SQLite and `COPY` on
//! PostgreSQL, with ids reserved up front so nothing has to be read back.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::postgres::PgRow;
use sea_orm::sqlx::sqlite::SqliteRow;
use sea_orm::sqlx::{self, Postgres, Sqlite};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, RuntimeErr, Statement,
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::Mutex;

/// The page cache of an import's SQLite connection: the learners' five indexes
/// of a large organisation stay in memory while rows go in at random places.
/// The connection is closed after the run, so the pool keeps its 32 MB caches.
const IMPORT_CACHE_KIB: i64 = 196_608;

/// Rows a SQLite `INSERT` statement carries: one prepared statement reused for
/// every full chunk of a run.
const SQLITE_ROWS_PER_STATEMENT: usize = 200;
/// SQLite's limit on bound values in one statement.
const SQLITE_MAX_VALUES: usize = 32_766;

/// One value of a bulk-inserted row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Bool(bool),
    Text(&'a str),
    Date(NaiveDate),
    Stamp(DateTime<Utc>),
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(value: Option<&'a str>) -> Self {
        value.map_or(Cell::Null, Cell::Text)
    }
}

impl From<Option<NaiveDate>> for Cell<'_> {
    fn from(value: Option<NaiveDate>) -> Self {
        value.map_or(Cell::Null, Cell::Date)
    }
}

impl From<Option<bool>> for Cell<'_> {
    fn from(value: Option<bool>) -> Self {
        value.map_or(Cell::Null, Cell::Bool)
    }
}

impl From<Option<i64>> for Cell<'_> {
    fn from(value: Option<i64>) -> Self {
        value.map_or(Cell::Null, Cell::Int)
    }
}

enum HeldConnection {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A pooled connection kept for a whole import, so its caches (and on SQLite
/// its larger page cache) last from batch to batch. It is closed when
/// dropped, never handed back to the pool: a transaction left open by an
/// error ends with it.
pub struct BulkConnection {
    held: Mutex<HeldConnection>,
    backend: DbBackend,
    /// A transaction was dropped without commit or rollback.
    abandoned: AtomicBool,
}

impl BulkConnection {
    pub async fn acquire(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let backend = db.get_database_backend();
        let held = match backend {
            DbBackend::Sqlite => {
                let mut conn = db
                    .get_sqlite_connection_pool()
                    .acquire()
                    .await
                    .map_err(conn_err)?;
                conn.close_on_drop();
                for pragma in [
                    format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}"),
                    // A multi-row INSERT keeps a statement journal of the pages
                    // it changes; past 64 KB SQLite spills it to a temporary
                    // file, a write for every page an indexed insert touches.
                    "PRAGMA temp_store = MEMORY".to_owned(),
                    // Pages written by many batches are copied into the database
                    // once, by the checkpoint in `finish`, not after every commit.
                    "PRAGMA wal_autocheckpoint = 0".to_owned(),
                ] {
                    sqlx::query(sqlx::AssertSqlSafe(pragma))
                        .execute(&mut *conn)
                        .await
                        .map_err(exec_err)?;
                }
                HeldConnection::Sqlite(conn)
            }
            DbBackend::Postgres => {
                let mut conn = db
                    .get_postgres_connection_pool()
                    .acquire()
                    .await
                    .map_err(conn_err)?;
                conn.close_on_drop();
                HeldConnection::Postgres(conn)
            }
            other => {
                return Err(DbErr::Custom(format!(
                    "bulk writing is not supported on {other:?}"
                )));
            }
        };
        Ok(Self {
            held: Mutex::new(held),
            backend,
            abandoned: AtomicBool::new(false),
        })
    }

    /// Ends a run: on SQLite, copies what the run wrote into the database
    /// file (a checkpoint) so the write-ahead log does not stay large.
    pub async fn finish(&self) -> Result<(), DbErr> {
        if self.backend == DbBackend::Sqlite {
            self.run("PRAGMA wal_checkpoint(PASSIVE)").await?;
        }
        Ok(())
    }

    /// Starts a write transaction (one at a time). On SQLite it takes the
    /// write lock at once (`BEGIN IMMEDIATE`), as [`crate::begin_write`] does.
    /// On PostgreSQL a commit does not wait for its WAL flush: an interrupted
    /// import is re-run to the same end state, so a batch lost with a server
    /// crash costs nothing.
    pub async fn transaction(&self) -> Result<BulkTransaction<'_>, DbErr> {
        if self.abandoned.swap(false, Ordering::AcqRel) {
            self.run("ROLLBACK").await?;
        }
        match self.backend {
            DbBackend::Postgres => {
                self.run("BEGIN").await?;
                self.run("SET LOCAL synchronous_commit = off").await?;
            }
            _ => {
                self.run("BEGIN IMMEDIATE").await?;
                self.run("PRAGMA defer_foreign_keys = ON").await?;
            }
        }
        Ok(BulkTransaction {
            conn: self,
            finished: false,
        })
    }

    async fn run(&self, sql: &'static str) -> Result<(), DbErr> {
        let mut held = self.held.lock().await;
        match &mut *held {
            HeldConnection::Sqlite(conn) => sqlx::query(sql).execute(&mut **conn).await.map(drop),
            HeldConnection::Postgres(conn) => sqlx::query(sql).execute(&mut **conn).await.map(drop),
        }
        .map_err(exec_err)
    }
}

/// A write transaction on a [`BulkConnection`]. Dropped without
/// [`commit`](Self::commit), it is rolled back.
pub struct BulkTransaction<'c> {
    conn: &'c BulkConnection,
    finished: bool,
}

impl Drop for BulkTransaction<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.conn.abandoned.store(true, Ordering::Release);
        }
    }
}

impl BulkTransaction<'_> {
    pub async fn commit(mut self) -> Result<(), DbErr> {
        self.finished = true;
        self.conn.run("COMMIT").await
    }

    pub async fn rollback(mut self) -> Result<(), DbErr> {
        self.finished = true;
        self.conn.run("ROLLBACK").await
    }

    /// Reserves `count` ids of `table`'s `id` column for rows this transaction
    /// will insert with [`insert_rows`](Self::insert_rows).
    pub async fn reserve_ids(&self, table: &str, count: usize) -> Result<Vec<i64>, DbErr> {
        if count == 0 {
            return Ok(Vec::new());
        }
        let mut held = self.conn.held.lock().await;
        match &mut *held {
            HeldConnection::Sqlite(conn) => {
                // The transaction holds the write lock, so no one else can take
                // these ids; AUTOINCREMENT's counter never goes back, so neither
                // do they.
                let sql = format!(
                    "SELECT MAX(COALESCE((SELECT MAX(id) FROM \"{table}\"), 0), \
                     COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0))"
                );
                let (last,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&mut **conn)
                    .await
                    .map_err(query_err)?;
                Ok((1..=count as i64).map(|n| last + n).collect())
            }
            HeldConnection::Postgres(conn) => {
                let sql = format!(
                    "SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, $1)"
                );
                let ids: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(count as i64)
                    .fetch_all(&mut **conn)
                    .await
                    .map_err(query_err)?;
                Ok(ids.into_iter().map(|(id,)| id).collect())
            }
        }
    }

    /// Inserts rows given as `cells`, `columns.len()` to a row. Returns the
    /// rows inserted.
    pub async fn insert_rows(&self, table: &str, columns: &[&str], cells: &[Cell<'_>]) -> Result<u64, DbErr> {
        let width = columns.len();
        if cells.is_empty() || width == 0 {
            return Ok(0);
        }
        if !cells.len().is_multiple_of(width) {
            return Err(DbErr::Custom(format!(
                "{} values do not make whole rows of {width} columns for {table}",
                cells.len()
            )));
        }
        let mut held = self.conn.held.lock().await;
        match &mut *held {
            HeldConnection::Sqlite(conn) => {
                let per_statement = SQLITE_ROWS_PER_STATEMENT.min(SQLITE_MAX_VALUES / width).max(1);
                // Every chunk but the last has the same statement, prepared once.
                let full = sqlite_insert(table, columns, per_statement);
                let mut inserted = 0;
                for chunk in cells.chunks(per_statement * width) {
                    let rows = chunk.len() / width;
                    let sql = if rows == per_statement {
                        full.clone()
                    } else {
                        sqlite_insert(table, columns, rows)
                    };
                    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for cell in chunk {
                        query = match *cell {
                            Cell::Null => query.bind(None::<i64>),
                            Cell::Int(value) => query.bind(value),
                            Cell::Bool(value) => query.bind(value),
                            Cell::Text(value) => query.bind(value),
                            Cell::Date(value) => query.bind(value),
                            Cell::Stamp(value) => query.bind(value),
                        };
                    }
                    inserted += query
                        .execute(&mut **conn)
                        .await
                        .map_err(exec_err)?
                        .rows_affected();
                }
                Ok(inserted)
            }
            HeldConnection::Postgres(conn) => {
                let statement = format!(
                    "COPY \"{table}\" ({}) FROM STDIN (FORMAT text)",
                    quoted_columns(columns)
                );
                let mut copy = conn.copy_in_raw(&statement).await.map_err(exec_err)?;
                let mut buffer = String::with_capacity(64 * 1024);
                for row in cells.chunks(width) {
                    copy_text_row(&mut buffer, row);
                    if buffer.len() >= 60 * 1024 {
                        copy.send(std::mem::take(&mut buffer).into_bytes())
                            .await
                            .map_err(exec_err)?;
                        buffer.reserve(64 * 1024);
                    }
                }
                if !buffer.is_empty() {
                    copy.send(buffer.into_bytes()).await.map_err(exec_err)?;
                }
                copy.finish().await.map_err(exec_err)
            }
        }
    }
}

fn quoted_columns(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sqlite_insert(table: &str, columns: &[&str], rows: usize) -> String {
    let placeholders = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut sql = format!("INSERT INTO \"{table}\" ({}) VALUES ", quoted_columns(columns));
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&placeholders);
    }
    sql
}

/// One row of PostgreSQL's `COPY` text format: tab-separated, `\N` for null,
/// backslash escapes for the characters the format reserves.
fn copy_text_row(buffer: &mut String, row: &[Cell<'_>]) {
    for (index, cell) in row.iter().enumerate() {
        if index > 0 {
            buffer.push('\t');
        }
        // Writing to a String cannot fail.
        let _ = match *cell {
            Cell::Null => write!(buffer, "\\N"),
            Cell::Int(value) => write!(buffer, "{value}"),
            Cell::Bool(value) => write!(buffer, "{}", if value { 't' } else { 'f' }),
            Cell::Date(value) => write!(buffer, "{}", value.format("%Y-%m-%d")),
            Cell::Stamp(value) => write!(buffer, "{}", value.to_rfc3339_opts(SecondsFormat::Micros, true)),
            Cell::Text(value) => {
                for c in value.chars() {
                    match c {
                        '\\' => buffer.push_str("\\\\"),
                        '\t' => buffer.push_str("\\t"),
                        '\n' => buffer.push_str("\\n"),
                        '\r' => buffer.push_str("\\r"),
                        other => buffer.push(other),
                    }
                }
                Ok(())
            }
        };
    }
    buffer.push('\n');
}

/// A SeaORM statement as a sqlx query with its values bound, for either backend.
fn bound<DB: sqlx::Database>(stmt: &Statement) -> sqlx::query::Query<'_, DB, SqlxValues>
where
    SqlxValues: sqlx::IntoArguments<DB>,
{
    let values = stmt
        .values
        .clone()
        .unwrap_or(sea_orm::sea_query::Values(Vec::new()));
    sqlx::query_with(sqlx::AssertSqlSafe(stmt.sql.as_str()), SqlxValues(values))
}

fn exec_err(err: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(err.into()))
}

fn query_err(err: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(err.into()))
}

fn conn_err(err: sqlx::Error) -> DbErr {
    DbErr::Conn(RuntimeErr::SqlxError(err.into()))
}

#[async_trait::async_trait]
impl ConnectionTrait for BulkTransaction<'_> {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.backend
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        let mut held = self.conn.held.lock().await;
        match &mut *held {
            HeldConnection::Sqlite(conn) => bound::<Sqlite>(&stmt)
                .execute(&mut **conn)
                .await
                .map(ExecResult::from)
                .map_err(exec_err),
            HeldConnection::Postgres(conn) => bound::<Postgres>(&stmt)
                .execute(&mut **conn)
                .await
                .map(ExecResult::from)
                .map_err(exec_err),
        }
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        use sqlx::Executor;
        let mut held = self.conn.held.lock().await;
        match &mut *held {
            HeldConnection::Sqlite(conn) => (&mut **conn)
                .execute(sqlx::AssertSqlSafe(sql.to_owned()))
                .await
                .map(ExecResult::from)
                .map_err(exec_err),
            HeldConnection::Postgres(conn) => (&mut **conn)
                .execute(sqlx::AssertSqlSafe(sql.to_owned()))
                .await
                .map(ExecResult::from)
                .map_err(exec_err),
        }
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let mut held = self.conn.held.lock().await;
        match &mut *held {
            HeldConnection::Sqlite(conn) => bound::<Sqlite>(&stmt)
                .fetch_optional(&mut **conn)
                .await
                .map(|row: Option<SqliteRow>| row.map(QueryResult::from))
                .map_err(query_err),
            HeldConnection::Postgres(conn) => bound::<Postgres>(&stmt)
                .fetch_optional(&mut **conn)
                .await
                .map(|row: Option<PgRow>| row.map(QueryResult::from))
                .map_err(query_err),
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let mut held = self.conn.held.lock().await;
        match &mut *held {
            HeldConnection::Sqlite(conn) => bound::<Sqlite>(&stmt)
                .fetch_all(&mut **conn)
                .await
                .map(|rows| rows.into_iter().map(QueryResult::from).collect())
                .map_err(query_err),
            HeldConnection::Postgres(conn) => bound::<Postgres>(&stmt)
                .fetch_all(&mut **conn)
                .await
                .map(|rows| rows.into_iter().map(QueryResult::from).collect())
                .map_err(query_err),
        }
    }
}
