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
    "import_file_retention_hours",
];

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `sqlite://PATH?mode=rwc` or `postgres://USER@HOST:PORT/DB`. When unset,
    /// each command picks its own default file.
    pub database_url: Option<String>,
    /// Address `serve` listens on.
    pub bind: String,
    /// Mark cookies Secure and send HSTS: turn on when served over HTTPS.
    pub secure_cookies: bool,
    /// Log filter in `tracing` syntax, e.g. `info` or `onward=debug`.
    pub log: String,
    /// Hours an uploaded import file is kept when no import reads it (an
    /// import deletes the file it read at once).
    pub import_file_retention_hours: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: None,
            bind: "127.0.0.1:8080".to_owned(),
            secure_cookies: false,
            log: "info".to_owned(),
            import_file_retention_hours: onward_import::files::DEFAULT_RETENTION_HOURS,
        }
    }
}

impl Settings {
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
        let dir = std::env::temp_dir().join(format!("onward-config-{}-{}", std::process::id(), toml.len()));
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
    fn malformed_file_is_an_error_naming_the_problem() {
        let err = load("bind = \n", &[]).expect_err("malformed");
        assert!(err.to_string().contains("onward.toml"), "{err}");
        let err = load("colour = \"blue\"\n", &[]).expect_err("unknown key");
        assert!(err.to_string().contains("colour"), "{err}");
    }
}
