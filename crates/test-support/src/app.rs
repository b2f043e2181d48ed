use std::net::SocketAddr;

use onward_domain::role::Role;
use onward_storage::repo::organisations::Organisation;
use onward_web::{Application, ServerLimits, WebConfig};
use reqwest::redirect::Policy;

use crate::{TestDatabase, fixtures};

/// The real Onward router served on a random local port against a fresh database.
pub struct TestApp {
    pub address: SocketAddr,
    /// The SMTP sink the server sends email to (staff invitations), unless it
    /// was started without a mail server.
    pub mail: Option<crate::smtp::SmtpSink>,
    /// The default visitor: a cookie jar that does not follow redirects.
    pub visitor: TestClient,
    pub db: TestDatabase,
}

/// One browser-like visitor of a [`TestApp`], with its own cookies (session).
pub struct TestClient {
    address: SocketAddr,
    pub client: reqwest::Client,
}

impl TestApp {
    /// Serves with the default settings; links are built from the listen
    /// address, as in the demo.
    pub async fn spawn(db: TestDatabase) -> Self {
        Self::spawn_with(db, Self::config()).await
    }

    /// The settings [`TestApp::spawn`] uses, to change some for
    /// [`TestApp::spawn_with`].
    pub fn config() -> WebConfig {
        WebConfig {
            bind: "127.0.0.1:0".to_owned(),
            public_url_from_listener: true,
            ..WebConfig::default()
        }
    }

    /// [`TestApp::spawn`] with other connection limits and timeouts.
    pub async fn spawn_with_limits(db: TestDatabase, limits: ServerLimits) -> Self {
        Self::spawn_configured(db, Self::config(), limits).await
    }

    /// Serves with the given settings (its `bind` should be a random port).
    pub async fn spawn_with(db: TestDatabase, config: WebConfig) -> Self {
        Self::spawn_configured(db, config, ServerLimits::default()).await
    }

    /// Serves with no mail server configured (`smtp` unset).
    pub async fn spawn_without_mail_server(db: TestDatabase, config: WebConfig) -> Self {
        Self::serve(db, config, ServerLimits::default(), None).await
    }

    /// Serves with `config`; without an `smtp` setting of its own, email goes
    /// to a fresh [`crate::smtp::SmtpSink`] (`TestApp::mail`).
    async fn spawn_configured(db: TestDatabase, mut config: WebConfig, limits: ServerLimits) -> Self {
        let mail = if config.smtp.is_none() {
            let sink = crate::smtp::SmtpSink::start().await;
            config.smtp = Some(
                onward_notify::email::SmtpConfig::parse(&sink.url(), "onward@test.example")
                    .expect("the sink's URL"),
            );
            Some(sink)
        } else {
            None
        };
        Self::serve(db, config, limits, mail).await
    }

    async fn serve(
        db: TestDatabase,
        config: WebConfig,
        limits: ServerLimits,
        mail: Option<crate::smtp::SmtpSink>,
    ) -> Self {
        let app = Application::build(config, db.database.clone())
            .await
            .expect("bind a random port")
            .with_limits(limits);
        let address = app.local_addr().expect("local address");
        tokio::spawn(app.run_until_stopped());
        Self {
            address,
            mail,
            visitor: TestClient::new(address),
            db,
        }
    }

    /// Serves an organisation `slug` whose user `me@SLUG.example` of `role` is
    /// signed in as the default visitor.
    pub async fn signed_in(db: TestDatabase, slug: &str, role: Role) -> (Self, Organisation) {
        let organisation = fixtures::organisation(db.conn(), slug).await;
        let email = format!("me@{slug}.example");
        fixtures::user(db.conn(), &organisation, role, &email).await;
        let app = Self::spawn(db).await;
        let status = app.sign_in(&email, fixtures::PASSWORD).await.status();
        assert_eq!(status, reqwest::StatusCode::SEE_OTHER, "{email} signs in");
        (app, organisation)
    }

    /// The messages the server has emailed so far.
    pub fn sent_mail(&self) -> Vec<crate::smtp::ReceivedMessage> {
        self.mail
            .as_ref()
            .map(crate::smtp::SmtpSink::messages)
            .unwrap_or_default()
    }

    /// A second visitor with its own session.
    pub fn new_client(&self) -> TestClient {
        TestClient::new(self.address)
    }

    pub fn url(&self, path: &str) -> String {
        self.visitor.url(path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.visitor.get(path).await
    }

    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        self.visitor.get_text(path).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.visitor.post_form(path, fields).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.visitor.sign_in(email, password).await
    }
}

impl TestClient {
    /// A visitor of an Onward server at `address` (e.g. one started as a process).
    pub fn new(address: SocketAddr) -> Self {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("http client");
        Self { address, client }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in through the real form (fetching its CSRF token first).
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        let (_, page) = self.get_text("/login").await;
        let csrf = csrf_from(&page).expect("sign-in page has a CSRF token");
        self.post_form(
            "/login",
            &[("email", email), ("password", password), ("csrf", &csrf)],
        )
        .await
    }
}

/// The value of the first `name="csrf"` hidden input in a page.
pub fn csrf_from(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    let rest = &html[at..];
    Some(rest[..rest.find('"')?].to_owned())
}
