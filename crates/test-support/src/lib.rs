//! Test helpers: a fresh database of either backend per test, the real router
//! on a random port (`TestApp`, behind the `app` feature so that crates below
//! the web crate test without building it), and fixtures.
//!
//! Every storage and HTTP test runs on SQLite *and* PostgreSQL through
//! [`on_both_backends!`]. PostgreSQL is found at `ONWARD_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`); each test gets its own
//! database, dropped afterwards. When PostgreSQL is unreachable the PostgreSQL
//! variant fails, naming `ONWARD_SKIP_POSTGRES=1`, which skips the PostgreSQL
//! variants explicitly (outside `CI=true`, where nothing is skipped).

#[cfg(feature = "app")]
mod app;
mod database;
pub mod fixtures;
pub mod generate;
pub mod smtp;
pub mod snapshot;

#[cfg(feature = "app")]
pub use app::{TestApp, TestClient, csrf_from};
pub use database::{PostgresPolicy, TestBackend, TestDatabase};

/// Runs an `async fn(TestDatabase)` as two tests, `NAME::sqlite` and `NAME::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(database) = $crate::TestDatabase::fresh($crate::TestBackend::Sqlite).await {
                    super::$test(database).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(database) = $crate::TestDatabase::fresh($crate::TestBackend::Postgres).await {
                    super::$test(database).await;
                }
            }
        }
    )+};
}
