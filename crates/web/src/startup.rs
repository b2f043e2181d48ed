//! Builds the router and binds the listener, so `onward serve` and the tests
//! start exactly the same application.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use onward_storage::Database;
use onward_storage::session_store::DatabaseSessionStore;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
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
    /// Hours an uploaded import file is kept when no import reads it.
    pub import_file_retention_hours: u32,
    /// The address people reach Onward at: invitation and reset links are
    /// built from it, never from the request's `Host` header. Without one
    /// (and without `public_url_from_listener`) no link can be made.
    pub public_url: Option<PublicUrl>,
    /// With no `public_url`, use `http://<the bound address>` (the demo and tests).
    pub public_url_from_listener: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or ranges).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long a signed-in session lasts at most, however active.
    pub session_lifetime: std::time::Duration,
    /// Days a personal survey link works.
    pub survey_link_days: u32,
    /// The secret SMS delivery receipts are signed with; without one the
    /// receipt webhook answers 404.
    pub sms_webhook_secret: Option<onward_notify::sms::WebhookSecret>,
    /// The mail server staff invitations go through; without one, staff
    /// cannot be invited from the users page (it says so).
    pub smtp: Option<onward_notify::email::SmtpConfig>,
    /// The secret the mail service signs bounce reports with; without one
    /// the bounce webhook answers 404.
    pub email_webhook_secret: Option<onward_notify::sms::WebhookSecret>,
}

/// The longest a session lasts by default (one long working day).
pub const DEFAULT_SESSION_LIFETIME: std::time::Duration = std::time::Duration::from_secs(12 * 60 * 60);

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".to_owned(),
            secure_cookies: false,
            public_url: None,
            public_url_from_listener: false,
            trusted_proxies: Vec::new(),
            session_lifetime: DEFAULT_SESSION_LIFETIME,
            import_file_retention_hours: onward_import::files::DEFAULT_RETENTION_HOURS,
            survey_link_days: 90,
            sms_webhook_secret: None,
            smtp: None,
            email_webhook_secret: None,
        }
    }
}

/// An absolute `http` or `https` URL with a host and no query, without a
/// trailing slash: where Onward is reached, e.g. `https://onward.school.example`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().trim_end_matches('/');
        let refuse = || {
            format!(
                "public_url `{text}` must be an http or https address with a host and no query, \
                 like https://onward.school.example"
            )
        };
        let uri: axum::http::Uri = text.parse().map_err(|_| refuse())?;
        let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
        let host_ok = uri.host().is_some_and(|host| !host.is_empty());
        let plain = uri.query().is_none() && !text.contains('#') && !text.contains('@');
        if scheme_ok && host_ok && plain {
            Ok(Self(text.to_owned()))
        } else {
            Err(refuse())
        }
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What one Onward process accepts from the network before it refuses or
/// closes: slow or idle clients must not use up its file descriptors. A
/// reverse proxy in front (see docs/operations.md) absorbs most of this; these
/// limits keep a directly exposed server answering too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    /// Open client connections at most. Beyond it new connections wait in the
    /// kernel's accept queue (using no file descriptor of the process) until
    /// one closes.
    pub max_connections: usize,
    /// A connection that has not sent a request's complete headers this long
    /// after it opened (or after its previous response) is closed.
    pub header_read_timeout: Duration,
    /// A request (its body included) that is not answered in this time gets a 503.
    pub request_timeout: Duration,
    /// The same for the import upload (`POST /imports`), whose body is large.
    pub upload_timeout: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            upload_timeout: Duration::from_secs(15 * 60),
        }
    }
}

/// A bound, not yet running, Onward web server.
pub struct Application {
    listener: TcpListener,
    /// The router is made when serving starts, so `with_sms` can still add a sender.
    state: AppState,
    session_store: DatabaseSessionStore,
    database: Database,
    import_file_retention_hours: u32,
    limits: ServerLimits,
    /// What campaign messages are sent through (`onward_outreach`).
    senders: onward_outreach::Senders,
}

impl Application {
    /// Binds the configured address. A port already in use is reported with the address.
    pub async fn build(mut config: WebConfig, database: Database) -> anyhow::Result<Self> {
        // A broken survey file refuses the start, naming the file and item.
        onward_survey::shipped().map_err(|error| anyhow::anyhow!("survey files: {error}"))?;
        let listener = TcpListener::bind(&config.bind)
            .await
            .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", config.bind))?;
        if config.public_url.is_none() && config.public_url_from_listener {
            let address = listener.local_addr()?;
            config.public_url =
                Some(PublicUrl::parse(&format!("http://{address}")).map_err(anyhow::Error::msg)?);
        }
        let session_store = DatabaseSessionStore::new(database.clone());
        let import_file_retention_hours = config.import_file_retention_hours;
        let senders_base = (
            config.public_url.as_ref().map(|url| url.as_str().to_owned()),
            config.survey_link_days,
        );
        let mailer = config
            .smtp
            .as_ref()
            .map(onward_notify::email::SmtpMailer::new)
            .transpose()
            .map_err(|err| anyhow::anyhow!("{err}"))?;
        let senders = onward_outreach::Senders {
            email: mailer.clone(),
            sms: None,
            public_url: senders_base.0,
            link_days: senders_base.1,
        };
        let state = AppState::new(database.clone(), config)
            .with_mailer(mailer)
            .with_sendable(&senders.sendable());
        Ok(Self {
            listener,
            state,
            session_store,
            database,
            import_file_retention_hours,
            limits: ServerLimits::default(),
            senders,
        })
    }

    /// Serves with these connection limits and timeouts instead of the defaults.
    #[must_use]
    pub fn with_limits(mut self, limits: ServerLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Sends campaign SMS through this gateway (email goes through `smtp`).
    #[must_use]
    pub fn with_sms(mut self, gateway: Option<onward_notify::sms::HttpSmsGateway>) -> Self {
        self.senders.sms = gateway;
        self.state = self.state.with_sendable(&self.senders.sendable());
        self
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process receives Ctrl-C / SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tokio::spawn(
            onward_jobs::Runner::new(
                self.database.clone(),
                background_jobs(self.import_file_retention_hours, self.senders.clone()),
            )
            .run_forever(),
        );
        let router = router(self.state, self.session_store).layer(axum::middleware::from_fn_with_state(
            self.limits,
            crate::edge::request_deadline,
        ));
        serve(self.listener, router, self.limits, shutdown_signal()).await
    }
}

/// The accept loop. `axum::serve` has no limits or timeouts ("use hyper or
/// hyper-util if you need configuration"), so this is its loop with three
/// additions: at most `max_connections` connections are open at once (a
/// semaphore permit per connection, taken before `accept`), hyper closes a
/// connection whose request headers do not arrive within
/// `header_read_timeout`, and HTTP/1 only, as axum is built here.
async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let http = Arc::new(http);
    // Dropped when the loop ends: every connection then finishes its current
    // request and closes.
    let (stop_tx, stop_rx) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    accept_failed(&err).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let http = http.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(remote));
                    tower::ServiceExt::oneshot(router.clone(), request)
                });
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(%remote, error = %err, "connection ended with an error");
                    }
                }
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.as_mut().await;
                }
            }
            drop(permit);
        });
    }
    drop(stop_tx);
    drop(listener);
    // Every connection holds a permit until it has closed.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = connections.acquire_many(all).await;
    Ok(())
}

/// `accept` failed. Per-connection errors (the client went away first) are
/// ignored; anything else (out of file descriptors) is logged and the loop
/// waits a moment rather than spinning.
async fn accept_failed(err: &std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        err.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!(error = %err, "accept failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Every kind of background job, with the schedules of the recurring ones:
/// queued imports (every minute), deleting uploaded import files kept
/// `import_file_retention_hours` (every 15 minutes), task generation and
/// expired-session clean-up (hourly), and campaigns (planning every 5 minutes,
/// one send job per message, through `senders`). `serve` and `onward worker`
/// run the same set.
pub fn background_jobs(
    import_file_retention_hours: u32,
    senders: onward_outreach::Senders,
) -> onward_jobs::Registry {
    let mut registry = onward_jobs::Registry::new();
    registry.recurring(
        onward_import::jobs::RunQueuedImports,
        onward_import::jobs::INTERVAL,
    );
    registry.recurring(
        onward_import::files::DeleteOldImportFiles {
            retention_hours: import_file_retention_hours,
        },
        onward_import::files::RETENTION_INTERVAL,
    );
    onward_jobs::register_standard_jobs(&mut registry);
    onward_outreach::register(&mut registry, senders);
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
        .merge(crate::webhooks::router())
        .merge(crate::assets::router())
        .merge(crate::survey::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::access::authorize,
        ))
        // Inside the session layer, so a refusal is in the visitor's language.
        .layer(axum::middleware::from_fn(crate::edge::refuse_control_characters))
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
