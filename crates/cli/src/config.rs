//! Configuration: built-in defaults, then `onward.toml` (optional), then
//! `ONWARD_*` environment variables (`__` for nesting; `ONWARD_X_FILE` reads
//! the value of `x` from a file, for secrets), then command-line flags.

use std::path::Path;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The SQLite file `serve` uses when no database is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://onward.db?mode=rwc";
/// The SQLite file `demo` uses when no database is configured.
pub const DEFAULT_DEMO_DATABASE_URL: &str = "sqlite://onward-demo.db?mode=rwc";

/// The top-level keys of [`Settings`], for reading only these from the environment.
const SETTINGS: &[&str] = &[
    "database_url",
    "bind",
    "secure_cookies",
    "log",
    "public_url",
    "trusted_proxies",
    "session_lifetime_hours",
    "import_file_retention_hours",
    "survey_link_days",
    "http",
    "smtp",
    "sms",
];
/// The keys of the `[http]` table ([`HttpSettings`]).
const HTTP_SETTINGS: &[&str] = &[
    "max_connections",
    "header_read_timeout_seconds",
    "request_timeout_seconds",
    "upload_timeout_seconds",
];
/// The keys of the `[smtp]` table ([`SmtpSettings`]).
const SMTP_SETTINGS: &[&str] = &["url", "from", "max_connections", "webhook_secret"];
/// The keys of the `[sms]` table ([`SmsSettings`]).
const SMS_SETTINGS: &[&str] = &["url", "key", "template_id", "webhook_secret"];
/// `ONWARD_*` variables that are not configuration: the test suite's, the
/// benchmarks' and the browser tests'.
const TOOLING_VARIABLES: &[&str] = &["ONWARD_BIN", "ONWARD_ABORT_BEFORE_COMMIT"];
const TOOLING_PREFIXES: &[&str] = &["ONWARD_TEST_", "ONWARD_BENCH_", "ONWARD_BROWSER_", "ONWARD_SKIP_"];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH?mode=rwc` or `postgres://USER@HOST:PORT/DB`. When unset,
    /// each command picks its own default file.
    pub database_url: Option<String>,
    /// Address `serve` listens on.
    pub bind: String,
    /// Mark cookies Secure and send HSTS: turn on when served over HTTPS.
    /// When unset, on exactly when `public_url` is an `https://` address.
    pub secure_cookies: Option<bool>,
    /// Log filter in `tracing` syntax, e.g. `info` or `onward=debug`.
    pub log: String,
    /// The address people reach Onward at, e.g. `https://onward.school.example`:
    /// invitation and reset links are built from it. `serve` makes no links
    /// without it; `demo` uses its own listen address.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` header is believed: addresses or
    /// ranges, as a list or one comma-separated string (`10.0.0.1, 10.1.0.0/16`).
    #[serde(deserialize_with = "list_or_commas")]
    pub trusted_proxies: Vec<String>,
    /// The longest a signed-in session lasts, however active (hours).
    pub session_lifetime_hours: u32,
    /// Hours an uploaded import file is kept when no import reads it (an
    /// import deletes the file it read at once).
    pub import_file_retention_hours: u32,
    /// Days a personal survey link works (default 90).
    pub survey_link_days: u32,
    /// Connection limits and timeouts of `serve`.
    pub http: HttpSettings,
    /// Where email is sent through (off when unset).
    pub smtp: SmtpSettings,
    /// The SMS gateway and its delivery receipts (off when unset).
    pub sms: SmsSettings,
}

/// `[sms]`: the HTTP gateway SMS go through and the secret its delivery
/// receipts are signed with (see docs/outreach.md). `key` and
/// `webhook_secret` are secrets: `ONWARD_SMS__KEY_FILE`,
/// `ONWARD_SMS__WEBHOOK_SECRET_FILE`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmsSettings {
    /// The gateway's base URL, e.g. `https://sms-gateway.example`.
    pub url: Option<String>,
    /// The gateway's API key.
    pub key: Option<String>,
    /// The gateway's template whose content is `((body))`.
    pub template_id: Option<String>,
    /// The shared secret of `POST /webhooks/sms/{org}/receipts` (16 characters or more).
    pub webhook_secret: Option<String>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

impl SmsSettings {
    /// The checked gateway settings, `None` when SMS is off (no `url`).
    pub fn config(&self) -> anyhow::Result<Option<onward_notify::sms::SmsConfig>> {
        let Some(url) = non_empty(&self.url) else {
            return Ok(None);
        };
        let key = non_empty(&self.key).unwrap_or_default();
        let template = non_empty(&self.template_id).unwrap_or_default();
        onward_notify::sms::SmsConfig::parse(&url, &key, &template)
            .map(Some)
            .map_err(|err| anyhow::anyhow!("{err}"))
    }

    /// The receipts' secret, `None` when unset (the webhook then answers 404).
    pub fn webhook_secret(&self) -> anyhow::Result<Option<onward_notify::sms::WebhookSecret>> {
        non_empty(&self.webhook_secret)
            .map(|secret| {
                onward_notify::sms::WebhookSecret::new(&secret).map_err(|err| anyhow::anyhow!("{err}"))
            })
            .transpose()
    }
}

/// `[smtp]`: the mail server email goes through (see docs/operations.md).
/// Both `url` and `from` set turns email on; neither leaves it off.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpSettings {
    /// `smtp://HOST:PORT`, `smtp://HOST:PORT?tls=required` (STARTTLS) or
    /// `smtps://USER:PASSWORD@HOST[:PORT]`; a secret, so
    /// `ONWARD_SMTP__URL_FILE` may name a file holding it.
    pub url: Option<String>,
    /// The sending address, e.g. `noreply@college.example`; each
    /// organisation's name is shown as the sender.
    pub from: Option<String>,
    /// SMTP connections kept open at most.
    pub max_connections: Option<u32>,
    /// The shared secret of `POST /webhooks/email/{org}/bounces` (16
    /// characters or more; `ONWARD_SMTP__WEBHOOK_SECRET_FILE` may name a file).
    pub webhook_secret: Option<String>,
}

impl SmtpSettings {
    /// The bounce reports' secret, `None` when unset (the webhook then answers 404).
    pub fn webhook_secret(&self) -> anyhow::Result<Option<onward_notify::sms::WebhookSecret>> {
        non_empty(&self.webhook_secret)
            .map(|secret| {
                onward_notify::sms::WebhookSecret::new(&secret)
                    .map_err(|err| anyhow::anyhow!("smtp.webhook_secret: {err}"))
            })
            .transpose()
    }

    /// The checked SMTP configuration, `None` when email is off. A malformed
    /// URL or address, or one of the two without the other, is refused with
    /// the setting named (and never the password).
    pub fn config(&self) -> anyhow::Result<Option<onward_notify::email::SmtpConfig>> {
        let set = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        match (set(&self.url), set(&self.from)) {
            (None, None) => Ok(None),
            (Some(_), None) => anyhow::bail!(
                "smtp.url is set but smtp.from is not: set ONWARD_SMTP__FROM to the sending address"
            ),
            (None, Some(_)) => {
                anyhow::bail!("smtp.from is set but smtp.url is not: set ONWARD_SMTP__URL to the mail server")
            }
            (Some(url), Some(from)) => {
                let mut config = onward_notify::email::SmtpConfig::parse(&url, &from)
                    .map_err(|err| anyhow::anyhow!("{err}"))?;
                if let Some(max) = self.max_connections {
                    if max == 0 {
                        anyhow::bail!("smtp.max_connections must be at least 1");
                    }
                    config = config.with_max_connections(max);
                }
                Ok(Some(config))
            }
        }
    }
}

/// `[http]`: what `serve` accepts from the network (see docs/operations.md).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// Open client connections at most (lowered to fit the open-file limit).
    pub max_connections: usize,
    /// Close a connection whose request headers have not arrived in this time.
    pub header_read_timeout_seconds: u64,
    /// Answer 503 to a request not answered in this time.
    pub request_timeout_seconds: u64,
    /// The same for the import upload.
    pub upload_timeout_seconds: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        let limits = onward_web::ServerLimits::default();
        Self {
            max_connections: limits.max_connections,
            header_read_timeout_seconds: limits.header_read_timeout.as_secs(),
            request_timeout_seconds: limits.request_timeout.as_secs(),
            upload_timeout_seconds: limits.upload_timeout.as_secs(),
        }
    }
}

impl HttpSettings {
    /// The limits for `serve`; zero durations and zero connections are refused.
    pub fn limits(&self) -> anyhow::Result<onward_web::ServerLimits> {
        let seconds = |value: u64, key: &str| {
            if value == 0 {
                anyhow::bail!("http.{key} must be at least 1 second");
            }
            Ok(std::time::Duration::from_secs(value))
        };
        if self.max_connections == 0 {
            anyhow::bail!("http.max_connections must be at least 1");
        }
        Ok(onward_web::ServerLimits {
            max_connections: self.max_connections,
            header_read_timeout: seconds(self.header_read_timeout_seconds, "header_read_timeout_seconds")?,
            request_timeout: seconds(self.request_timeout_seconds, "request_timeout_seconds")?,
            upload_timeout: seconds(self.upload_timeout_seconds, "upload_timeout_seconds")?,
        })
    }
}

/// An `ONWARD_*` environment variable that names no setting, so it is ignored.
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownVariable {
    pub name: String,
    /// The known variable spelt most like it, when one is close.
    pub nearest: Option<String>,
}

impl std::fmt::Display for UnknownVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not an Onward setting and is ignored", self.name)?;
        match &self.nearest {
            Some(nearest) => write!(f, "; did you mean {nearest}?"),
            None => write!(f, " (settings: {})", known_variables().join(", ")),
        }
    }
}

/// The environment variables that set something, nested keys spelt with `__`.
fn known_variables() -> Vec<String> {
    SETTINGS
        .iter()
        .filter(|key| !["http", "smtp", "sms"].contains(key))
        .map(|key| format!("ONWARD_{}", key.to_ascii_uppercase()))
        .chain(
            HTTP_SETTINGS
                .iter()
                .map(|key| format!("ONWARD_HTTP__{}", key.to_ascii_uppercase())),
        )
        .chain(
            SMTP_SETTINGS
                .iter()
                .map(|key| format!("ONWARD_SMTP__{}", key.to_ascii_uppercase())),
        )
        .chain(
            SMS_SETTINGS
                .iter()
                .map(|key| format!("ONWARD_SMS__{}", key.to_ascii_uppercase())),
        )
        .collect()
}

/// The `ONWARD_*` variables among `vars` that configure nothing (a typo, or a
/// setting Onward does not have), each with the nearest known variable.
/// Keys under a known table (`ONWARD_HTTP__…`) are checked when the settings
/// are read: an unknown one there is an error.
pub fn unknown_variables(vars: impl Iterator<Item = (String, String)>) -> Vec<UnknownVariable> {
    let known = known_variables();
    let mut unknown: Vec<UnknownVariable> = vars
        .map(|(name, _)| name)
        .filter(|name| name.starts_with("ONWARD_"))
        .filter(|name| {
            !TOOLING_VARIABLES.contains(&name.as_str())
                && !TOOLING_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
        })
        .filter(|name| {
            let key = name["ONWARD_".len()..].to_ascii_lowercase();
            let key = key.strip_suffix("_file").unwrap_or(&key);
            let top = key.split("__").next().unwrap_or_default();
            !SETTINGS.contains(&top)
        })
        .map(|name| {
            let bare = name.strip_suffix("_FILE").unwrap_or(&name).to_ascii_uppercase();
            let nearest = known
                .iter()
                .map(|candidate| (strsim::levenshtein(&bare, candidate), candidate))
                .min()
                .filter(|(distance, _)| *distance <= 4)
                .map(|(_, candidate)| candidate.clone());
            UnknownVariable { name, nearest }
        })
        .collect();
    unknown.sort_by(|a, b| a.name.cmp(&b.name));
    unknown
}

/// A list given as a TOML array or as one comma-separated string (the
/// environment's form: `ONWARD_TRUSTED_PROXIES=10.0.0.1,10.0.0.2`).
fn list_or_commas<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum ListOrCommas {
        List(Vec<String>),
        Commas(String),
    }
    Ok(match ListOrCommas::deserialize(deserializer)? {
        ListOrCommas::List(items) => items,
        ListOrCommas::Commas(text) => text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: None,
            bind: "127.0.0.1:8080".to_owned(),
            secure_cookies: None,
            log: "info".to_owned(),
            import_file_retention_hours: onward_import::files::DEFAULT_RETENTION_HOURS,
            http: HttpSettings::default(),
            smtp: SmtpSettings::default(),
            sms: SmsSettings::default(),
            public_url: None,
            trusted_proxies: Vec::new(),
            session_lifetime_hours: 12,
            survey_link_days: 90,
        }
    }
}

impl Settings {
    /// The web server's settings, checked: `public_url` parsed, trusted
    /// proxies parsed, Secure cookies on by default for an https public URL.
    /// `demo` builds links from the listen address when no public URL is set.
    pub fn web_config(&self, bind: String, demo: bool) -> anyhow::Result<onward_web::WebConfig> {
        let public_url = self
            .public_url
            .as_deref()
            .filter(|url| !url.trim().is_empty())
            .map(onward_web::PublicUrl::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?;
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|proxy| onward_web::client::parse_trusted_proxy(proxy))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| anyhow::anyhow!("trusted_proxies: {err}"))?;
        if self.session_lifetime_hours == 0 {
            anyhow::bail!("session_lifetime_hours must be at least 1");
        }
        if self.survey_link_days == 0 {
            anyhow::bail!("survey_link_days must be at least 1");
        }
        let secure_cookies = self
            .secure_cookies
            .unwrap_or_else(|| public_url.as_ref().is_some_and(onward_web::PublicUrl::is_https));
        Ok(onward_web::WebConfig {
            bind,
            secure_cookies,
            public_url,
            public_url_from_listener: demo,
            trusted_proxies,
            session_lifetime: std::time::Duration::from_secs(u64::from(self.session_lifetime_hours) * 3600),
            import_file_retention_hours: self.import_file_retention_hours,
            survey_link_days: self.survey_link_days,
            sms_webhook_secret: self.sms.webhook_secret()?,
            smtp: self.smtp.config()?,
            email_webhook_secret: self.smtp.webhook_secret()?,
        })
    }

    /// Loads the layered configuration. `config_file` defaults to `onward.toml`
    /// in the working directory and may be absent.
    pub fn load(config_file: &Path) -> anyhow::Result<Self> {
        Self::figment(config_file, std::env::vars())?
            .extract()
            .with_context(|| {
                format!(
                    "invalid configuration (defaults, {}, ONWARD_* variables)",
                    config_file.display()
                )
            })
    }

    fn figment(config_file: &Path, vars: impl Iterator<Item = (String, String)>) -> anyhow::Result<Figment> {
        // Only variables naming a setting are read: other ONWARD_* variables (such as
        // the test suite's ONWARD_TEST_POSTGRES_URL) are not configuration.
        fn is_setting(key: &str) -> bool {
            let top = key.split('.').next().unwrap_or_default().to_ascii_lowercase();
            SETTINGS.contains(&top.as_str())
        }
        let mut figment = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(config_file))
            .merge(
                Env::prefixed("ONWARD_")
                    .split("__")
                    .filter(|key| is_setting(key.as_str())),
            );
        for (name, path) in vars {
            let Some(key) = name
                .strip_prefix("ONWARD_")
                .and_then(|rest| rest.strip_suffix("_FILE"))
            else {
                continue;
            };
            let key = key.to_lowercase().replace("__", ".");
            if !is_setting(&key) {
                continue;
            }
            let value =
                std::fs::read_to_string(&path).with_context(|| format!("cannot read {name}={path}"))?;
            figment = figment.merge(Serialized::default(&key, value.trim_end_matches(['\r', '\n'])));
        }
        Ok(figment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(toml: &str, vars: &[(&str, &str)]) -> Result<Settings, Box<figment::Error>> {
        // One directory per call: tests run in parallel threads of one process.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("onward-config-{}-{call}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("onward.toml");
        std::fs::write(&file, toml).expect("write");
        let vars = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<Vec<_>>();
        Settings::figment(&file, vars.into_iter())
            .expect("readable secret files")
            .extract()
            .map_err(Box::new)
    }

    #[test]
    fn defaults_apply_without_any_config() {
        let settings = Settings::figment(Path::new("/nonexistent/onward.toml"), std::iter::empty())
            .expect("no secret files")
            .extract::<Settings>()
            .expect("defaults");
        assert_eq!(settings.bind, "127.0.0.1:8080");
        assert!(settings.database_url.is_none());
    }

    #[test]
    fn file_values_override_defaults() {
        let settings = load("bind = \"0.0.0.0:9000\"\n", &[]).expect("valid");
        assert_eq!(settings.bind, "0.0.0.0:9000");
    }

    #[test]
    fn secrets_come_from_files() {
        let dir = std::env::temp_dir().join(format!("onward-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let secret = dir.join("db-url");
        std::fs::write(&secret, "postgres://u:pw@h/db\n").expect("write");
        let path = secret.to_string_lossy().into_owned();
        let settings = load("", &[("ONWARD_DATABASE_URL_FILE", &path)]).expect("valid");
        assert_eq!(settings.database_url.as_deref(), Some("postgres://u:pw@h/db"));
    }

    #[test]
    fn an_unreadable_secret_file_is_an_error() {
        let vars = [(
            "ONWARD_DATABASE_URL_FILE".to_owned(),
            "/nonexistent/secret".to_owned(),
        )];
        let err = Settings::figment(Path::new("/nonexistent/onward.toml"), vars.into_iter())
            .expect_err("unreadable");
        assert!(err.to_string().contains("ONWARD_DATABASE_URL_FILE"), "{err}");
    }

    #[test]
    fn unknown_onward_variables_are_named_with_the_nearest_setting() {
        let vars = [
            ("ONWARD_DATABSE_URL", "sqlite://x.db"),
            ("ONWARD_MAIL__HOST", "mail.example"),
            ("ONWARD_SMTP__URL", "smtp://127.0.0.1:2525"),
            ("ONWARD_BIND", "127.0.0.1:1"),
            ("ONWARD_DATABASE_URL_FILE", "/run/secrets/db"),
            ("ONWARD_HTTP__MAX_CONNECTIONS", "10"),
            ("ONWARD_TEST_POSTGRES_URL", "postgres://"),
            ("ONWARD_SKIP_POSTGRES", "1"),
            ("ONWARD_LOGG_FILE", "/tmp/x"),
            ("HOME", "/root"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()));
        let unknown = unknown_variables(vars.into_iter());
        assert_eq!(
            unknown,
            vec![
                UnknownVariable {
                    name: "ONWARD_DATABSE_URL".to_owned(),
                    nearest: Some("ONWARD_DATABASE_URL".to_owned())
                },
                UnknownVariable {
                    name: "ONWARD_LOGG_FILE".to_owned(),
                    nearest: Some("ONWARD_LOG".to_owned())
                },
                UnknownVariable {
                    name: "ONWARD_MAIL__HOST".to_owned(),
                    nearest: None
                },
            ]
        );
        assert!(
            unknown[2].to_string().contains("settings: ONWARD_DATABASE_URL"),
            "{}",
            unknown[2]
        );
    }

    #[test]
    fn every_top_level_setting_is_listed_for_the_environment() {
        let settings = Settings {
            database_url: Some(String::new()),
            ..Settings::default()
        };
        type Dict = std::collections::BTreeMap<String, figment::value::Value>;
        let top: Dict = Figment::from(Serialized::defaults(settings))
            .extract()
            .expect("serialisable settings");
        for key in top.keys() {
            assert!(SETTINGS.contains(&key.as_str()), "{key} is missing from SETTINGS");
        }
        let http: Dict = Figment::from(Serialized::defaults(HttpSettings::default()))
            .extract()
            .expect("serialisable");
        let mut http_keys: Vec<&str> = http.keys().map(String::as_str).collect();
        http_keys.sort_unstable();
        let mut listed = HTTP_SETTINGS.to_vec();
        listed.sort_unstable();
        assert_eq!(http_keys, listed);
        let smtp = SmtpSettings {
            url: Some(String::new()),
            from: Some(String::new()),
            max_connections: Some(1),
            webhook_secret: Some(String::new()),
        };
        let smtp: Dict = Figment::from(Serialized::defaults(smtp))
            .extract()
            .expect("serialisable");
        let mut smtp_keys: Vec<&str> = smtp.keys().map(String::as_str).collect();
        smtp_keys.sort_unstable();
        let mut listed = SMTP_SETTINGS.to_vec();
        listed.sort_unstable();
        assert_eq!(smtp_keys, listed);
        let sms = SmsSettings {
            url: Some(String::new()),
            key: Some(String::new()),
            template_id: Some(String::new()),
            webhook_secret: Some(String::new()),
        };
        let sms: Dict = Figment::from(Serialized::defaults(sms))
            .extract()
            .expect("serialisable");
        let mut sms_keys: Vec<&str> = sms.keys().map(String::as_str).collect();
        sms_keys.sort_unstable();
        let mut listed = SMS_SETTINGS.to_vec();
        listed.sort_unstable();
        assert_eq!(sms_keys, listed);
    }

    #[test]
    fn sms_settings_are_checked_and_a_short_webhook_secret_is_refused() {
        let settings = load("", &[]).expect("defaults");
        assert!(settings.sms.config().expect("valid").is_none());
        assert!(settings.sms.webhook_secret().expect("valid").is_none());
        let settings = load(
            "[sms]\nurl = \"https://sms.example\"\nkey = \"k\"\ntemplate_id = \"t\"\nwebhook_secret = \"0123456789abcdef\"\n",
            &[],
        )
        .expect("valid");
        assert!(settings.sms.config().expect("valid").is_some());
        let secret = settings.sms.webhook_secret().expect("valid").expect("set");
        assert!(!format!("{secret:?}").contains("0123"));
        let settings = load(
            "[sms]\nurl = \"https://sms.example\"\nwebhook_secret = \"short\"\n",
            &[],
        )
        .expect("valid toml");
        assert!(
            settings
                .sms
                .config()
                .expect_err("no key")
                .to_string()
                .contains("sms.key")
        );
        let err = settings
            .web_config("127.0.0.1:0".to_owned(), false)
            .expect_err("short secret");
        assert!(err.to_string().contains("sms.webhook_secret"), "{err}");
    }

    #[test]
    fn smtp_is_off_without_settings_and_its_url_is_read_from_a_secret_file() {
        let settings = load("", &[]).expect("defaults");
        assert!(settings.smtp.config().expect("valid").is_none());

        let dir = std::env::temp_dir().join(format!("onward-smtp-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let secret = dir.join("smtp-url");
        std::fs::write(&secret, "smtps://apikey:topsecret@smtp.example:465\n").expect("write");
        let path = secret.to_string_lossy().into_owned();
        let settings = load(
            "[smtp]\nfrom = \"noreply@college.example\"\n",
            &[("ONWARD_SMTP__URL_FILE", &path)],
        )
        .expect("valid");
        let config = settings.smtp.config().expect("valid").expect("on");
        assert_eq!(config.redacted_url(), "smtps://apikey:***@smtp.example:465");
        assert_eq!(config.from_address().to_string(), "noreply@college.example");

        let settings = load("[smtp]\nurl = \"smtp://127.0.0.1:2525\"\n", &[]).expect("valid toml");
        let err = settings.smtp.config().expect_err("no from");
        assert!(err.to_string().contains("smtp.from"), "{err}");
    }

    #[test]
    fn a_malformed_smtp_url_is_refused_naming_the_setting_and_hiding_the_password() {
        let settings = load(
            "[smtp]\nurl = \"smtps//user:topsecret@mail.example\"\nfrom = \"noreply@college.example\"\n",
            &[],
        )
        .expect("valid");
        let err = settings.smtp.config().expect_err("malformed");
        let message = err.to_string();
        assert!(message.starts_with("smtp.url:"), "{message}");
        assert!(!message.contains("topsecret"), "{message}");
        let err = load("[smtp]\nhost = \"mail\"\n", &[]).expect_err("unknown key");
        assert!(err.to_string().contains("host"), "{err}");
    }

    #[test]
    fn http_limits_are_read_from_the_file_and_zero_is_refused() {
        let settings = load("", &[]).expect("defaults");
        assert_eq!(
            settings.http.limits().expect("valid"),
            onward_web::ServerLimits::default()
        );
        let settings = load(
            "[http]\nmax_connections = 7\nheader_read_timeout_seconds = 0\n",
            &[],
        )
        .expect("valid");
        assert_eq!(settings.http.max_connections, 7);
        let err = settings.http.limits().expect_err("zero timeout");
        assert!(err.to_string().contains("header_read_timeout_seconds"), "{err}");
        let err = load("[http]\nmax_conections = 7\n", &[]).expect_err("typo in a table");
        assert!(err.to_string().contains("max_conections"), "{err}");
    }

    #[test]
    fn secure_cookies_are_on_by_default_exactly_when_the_public_url_is_https() {
        let web = |toml: &str| {
            load(toml, &[])
                .expect("valid")
                .web_config("127.0.0.1:0".to_owned(), false)
                .expect("valid web settings")
        };
        let https = web("public_url = \"https://onward.school.example/\"\n");
        assert!(https.secure_cookies);
        assert_eq!(
            https.public_url.as_ref().map(onward_web::PublicUrl::as_str),
            Some("https://onward.school.example")
        );
        assert!(!web("public_url = \"http://10.0.0.5:8080\"\n").secure_cookies);
        assert!(!web("").secure_cookies);
        assert!(
            !web("public_url = \"https://onward.school.example\"\nsecure_cookies = false\n").secure_cookies
        );
        assert!(web("secure_cookies = true\n").secure_cookies);
    }

    #[test]
    fn public_url_and_trusted_proxies_are_checked() {
        let settings = load(
            "trusted_proxies = \"10.0.0.1, 192.168.0.0/16\"\nsession_lifetime_hours = 4\n",
            &[],
        )
        .expect("valid");
        let web = settings
            .web_config("127.0.0.1:0".to_owned(), false)
            .expect("valid");
        assert_eq!(web.trusted_proxies.len(), 2);
        assert_eq!(web.session_lifetime, std::time::Duration::from_secs(4 * 3600));
        assert!(web.public_url.is_none() && !web.public_url_from_listener);
        let listed = load("trusted_proxies = [\"::1\"]\n", &[]).expect("valid");
        assert_eq!(listed.trusted_proxies, vec!["::1".to_owned()]);
        let bad_url = load("public_url = \"onward.school.example\"\n", &[]).expect("valid toml");
        let err = bad_url
            .web_config("127.0.0.1:0".to_owned(), false)
            .expect_err("no scheme");
        assert!(err.to_string().contains("public_url"), "{err}");
        let bad_proxy = load("trusted_proxies = \"proxy.local\"\n", &[]).expect("valid toml");
        let err = bad_proxy
            .web_config("127.0.0.1:0".to_owned(), false)
            .expect_err("not an address");
        assert!(err.to_string().contains("proxy.local"), "{err}");
    }

    #[test]
    fn malformed_file_is_an_error_naming_the_problem() {
        let err = load("bind = \n", &[]).expect_err("malformed");
        assert!(err.to_string().contains("onward.toml"), "{err}");
        let err = load("colour = \"blue\"\n", &[]).expect_err("unknown key");
        assert!(err.to_string().contains("colour"), "{err}");
    }
}
