use std::sync::atomic::{AtomicU32, Ordering};

use onward_storage::Database;
use sea_orm::{ConnectionTrait, Statement};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// A freshly created, migrated database that is removed when dropped.
pub struct TestDatabase {
    pub backend: TestBackend,
    pub url: String,
    pub database: Database,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    format!(
        "onward_test_{}_{}_{:08x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand::random::<u32>()
    )
}

/// The PostgreSQL server tests use, as an admin URL (database `postgres`).
pub fn postgres_admin_url() -> String {
    std::env::var("ONWARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// Where the PostgreSQL variants of the tests run, and whether they may be skipped.
#[derive(Clone, Debug)]
pub struct PostgresPolicy {
    /// The server's admin URL (database `postgres`).
    pub admin_url: String,
    /// `ONWARD_SKIP_POSTGRES=1` (and not `CI=true`): PostgreSQL variants are
    /// skipped, with a message, without trying the server.
    pub skip: bool,
}

impl PostgresPolicy {
    /// From `ONWARD_TEST_POSTGRES_URL`, `ONWARD_SKIP_POSTGRES` and `CI`.
    pub fn from_env() -> Self {
        let skip_asked = std::env::var("ONWARD_SKIP_POSTGRES").is_ok_and(|value| value == "1");
        Self {
            admin_url: postgres_admin_url(),
            skip: skip_asked && !in_ci(),
        }
    }
}

impl TestDatabase {
    /// Creates and migrates a new database. Returns `None` (test skipped) only for
    /// PostgreSQL when `ONWARD_SKIP_POSTGRES=1` is set outside CI; an unreachable
    /// PostgreSQL server otherwise fails the test, so a PostgreSQL variant never
    /// passes without running.
    pub async fn fresh(backend: TestBackend) -> Option<Self> {
        Self::fresh_with(backend, &PostgresPolicy::from_env()).await
    }

    /// [`TestDatabase::fresh`] with an explicit PostgreSQL policy.
    pub async fn fresh_with(backend: TestBackend, policy: &PostgresPolicy) -> Option<Self> {
        let name = unique_name();
        let (url, cleanup) = match backend {
            TestBackend::Sqlite => {
                let dir = std::env::temp_dir().join("onward-tests");
                std::fs::create_dir_all(&dir).expect("create temp dir for SQLite test databases");
                let path = dir.join(format!("{name}.db"));
                (
                    format!("sqlite://{}?mode=rwc", path.display()),
                    Cleanup::SqliteFile(path),
                )
            }
            TestBackend::Postgres => {
                if policy.skip {
                    eprintln!("SKIPPED on PostgreSQL: ONWARD_SKIP_POSTGRES=1");
                    return None;
                }
                let admin_url = policy.admin_url.clone();
                let admin = Database::connect(&admin_url).await.unwrap_or_else(|err| {
                    panic!(
                        "PostgreSQL is unreachable ({err}). Start it (tests use ONWARD_TEST_POSTGRES_URL, \
                         default postgres://postgres@127.0.0.1:5432/postgres) or set \
                         ONWARD_SKIP_POSTGRES=1 to skip the PostgreSQL variants knowingly."
                    )
                });
                admin
                    .conn()
                    .execute_raw(Statement::from_string(
                        admin.conn().get_database_backend(),
                        format!("CREATE DATABASE {name}"),
                    ))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                (
                    format!("{base}/{name}"),
                    Cleanup::PostgresDatabase { admin_url, name },
                )
            }
        };
        let database = Database::connect_and_migrate(&url)
            .await
            .unwrap_or_else(|err| panic!("open test database {url}: {err}"));
        Some(Self {
            backend,
            url,
            database,
            cleanup,
        })
    }

    pub fn conn(&self) -> &sea_orm::DatabaseConnection {
        self.database.conn()
    }

    /// How many rows `table` holds (for tests that check what requests wrote).
    pub async fn count_rows(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let row = self
            .conn()
            .query_one_raw(Statement::from_string(self.conn().get_database_backend(), sql))
            .await
            .expect("count rows")
            .expect("a count");
        row.try_get::<i64>("", "n").expect("count")
    }

    /// The first column of the first row `sql` returns, as text (None for no row or NULL).
    pub async fn text(&self, sql: &str) -> Option<String> {
        let row = self
            .conn()
            .query_one_raw(Statement::from_string(
                self.conn().get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .expect("query")?;
        row.try_get_by_index::<Option<String>>(0).expect("text column")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                let admin_url = admin_url.clone();
                let name = name.clone();
                // Drop runs inside the test's runtime; use a separate one on its own thread.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?;
                    runtime.block_on(async {
                        let admin = Database::connect(&admin_url)
                            .await
                            .map_err(std::io::Error::other)?;
                        admin
                            .conn()
                            .execute_raw(Statement::from_string(
                                admin.conn().get_database_backend(),
                                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                            ))
                            .await
                            .map_err(std::io::Error::other)?;
                        admin.close().await.map_err(std::io::Error::other)
                    })
                })
                .join();
                if !matches!(dropped, Ok(Ok(()))) {
                    eprintln!("warning: could not drop test database {}", self.url);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreachable(skip: bool) -> PostgresPolicy {
        PostgresPolicy {
            // Port 9 (discard) is closed on test machines.
            admin_url: "postgres://postgres@127.0.0.1:9/postgres".to_owned(),
            skip,
        }
    }

    #[tokio::test]
    #[should_panic(expected = "ONWARD_SKIP_POSTGRES=1")]
    async fn an_unreachable_postgres_fails_the_test_unless_skipping_was_asked_for() {
        let _ = TestDatabase::fresh_with(TestBackend::Postgres, &unreachable(false)).await;
    }

    #[tokio::test]
    async fn skipping_postgres_is_explicit() {
        assert!(
            TestDatabase::fresh_with(TestBackend::Postgres, &unreachable(true))
                .await
                .is_none()
        );
    }
}
