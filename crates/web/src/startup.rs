//! Builds the router and binds the listener, so `onward serve` and the tests
//! start exactly the same application.

use std::net::SocketAddr;

use axum::Router;
use onward_storage::Database;
use onward_storage::session_store::DatabaseSessionStore;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::AppState;

/// Settings of the web edge. `secure_cookies` should be on whenever Onward is
/// reached over HTTPS (directly or behind a TLS-terminating proxy); it also turns on HSTS.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub bind: String,
    pub secure_cookies: bool,
}

/// A bound, not yet running, Onward web server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    database: Database,
}

impl Application {
    /// Binds the configured address. A port already in use is reported with the address.
    pub async fn build(config: WebConfig, database: Database) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&config.bind)
            .await
            .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", config.bind))?;
        let session_store = DatabaseSessionStore::new(database.clone());
        let router = router(AppState::new(database.clone(), config), session_store);
        Ok(Self {
            listener,
            router,
            database,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process receives Ctrl-C / SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tokio::spawn(onward_jobs::Runner::new(self.database.clone(), background_jobs()).run_forever());
        axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

/// Every kind of background job, with the schedules of the recurring ones:
/// queued imports (every minute), task generation and expired-session clean-up
/// (hourly). `serve` and `onward worker` run the same set.
pub fn background_jobs() -> onward_jobs::Registry {
    let mut registry = onward_jobs::Registry::new();
    registry.recurring(
        onward_import::jobs::RunQueuedImports,
        onward_import::jobs::INTERVAL,
    );
    onward_jobs::register_standard_jobs(&mut registry);
    registry
}

fn router(state: AppState, session_store: DatabaseSessionStore) -> Router {
    let sessions = SessionManagerLayer::new(session_store)
        .with_name("onward_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::hours(8),
        ));
    let secure = state.config.secure_cookies;
    Router::new()
        .merge(crate::ui::router())
        .merge(crate::health::router())
        .merge(crate::assets::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::access::authorize,
        ))
        .layer(axum::middleware::from_fn(crate::error::localise_error_pages))
        .layer(sessions)
        // Every extractor reading a body (forms, multipart) stops at 2 MB; the
        // import upload route raises its own limit.
        .layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(axum::middleware::from_fn(move |request, next| {
            crate::security_headers::add(secure, request, next)
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
