//! The `onward` process at its edges: open-file exhaustion by idle sockets,
//! what it logs for unknown methods, the SQLite file's mode, environment
//! variables it does not know, the operations guide, and `scripts/test`.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{Server, onward, run, scratch_dir};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

fn fresh_sqlite_url(name: &str) -> (PathBuf, String) {
    let dir = scratch_dir().join(format!("{name}-{}", rand_suffix()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("onward.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    (file, url)
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()))
}

/// Starts `onward serve` through `bash -c 'ulimit -n FILES; exec …'` when
/// `open_files` is given, with stderr written to `log`.
fn serve_logged(url: &str, env: &[(&str, &str)], open_files: Option<u32>, log: &Path) -> (Server, String) {
    let template = onward();
    let mut command = match open_files {
        Some(files) => {
            let mut command = Command::new("bash");
            command
                .arg("-c")
                // `ulimit -n` sets the soft and the hard limit: serve cannot raise it.
                .arg(format!("ulimit -n {files} && exec \"$@\""))
                .arg("bash")
                .arg(template.get_program());
            command
        }
        None => Command::new(template.get_program()),
    };
    for (key, value) in template.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    let mut child = command
        .current_dir(scratch_dir())
        .envs(env.iter().copied())
        .args(["serve", "--database-url", url, "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if let Some(rest) = line.split("serving at ").nth(1) {
            let base = rest
                .split_whitespace()
                .next()
                .expect("url")
                .trim_end_matches('/')
                .to_owned();
            return (server, base);
        }
    }
    panic!(
        "onward serve did not report its address: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// The reproduction of issue 13 item 5 in small: more idle sockets than the
/// process may open files. Before, `accept` failed with "Too many open files"
/// and nothing was answered while they stayed open.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_keeps_answering_with_more_idle_sockets_than_it_may_open_files() {
    let (_, url) = fresh_sqlite_url("nofile");
    let log = scratch_dir().join(format!("nofile-{}.log", rand_suffix()));
    let (server, base) = serve_logged(
        &url,
        &[("ONWARD_HTTP__HEADER_READ_TIMEOUT_SECONDS", "1")],
        Some(256),
        &log,
    );
    let address = base.trim_start_matches("http://").to_owned();
    let idle: Vec<TcpStream> = (0..400)
        .map(|_| TcpStream::connect(&address).expect("connect"))
        .collect();
    let started = Instant::now();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let response = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("the health check is answered");
    assert_eq!(response.status(), 200);
    let waited = started.elapsed();
    // 128 connections fit (256 files less 128 kept for the database and
    // logs); idle ones are closed after 1 s, so 400 go in about 4 s.
    assert!(waited < Duration::from_secs(12), "answered after {waited:?}");
    drop(idle);
    drop(server);
    let log = std::fs::read_to_string(&log).expect("log");
    assert!(!log.contains("Too many open files"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_and_unknown_methods_are_answered_405_without_an_error_log() {
    let (_, url) = fresh_sqlite_url("methods");
    let log = scratch_dir().join(format!("methods-{}.log", rand_suffix()));
    let (server, base) = serve_logged(&url, &[("ONWARD_LOG", "info")], None, &log);
    let client = reqwest::Client::new();
    for (method, path) in [("TRACE", "/login"), ("TRACE", "/learners/1"), ("BREW", "/")] {
        let response = client
            .request(method.parse().expect("method"), format!("{base}{path}"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 405, "{method} {path}");
    }
    assert_eq!(
        client
            .get(format!("{base}/login"))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );
    drop(server);
    let log = std::fs::read_to_string(&log).expect("log");
    assert!(!log.contains("ERROR"), "{log}");
}

#[test]
fn a_new_sqlite_database_file_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (file, url) = fresh_sqlite_url("mode");
    let (ok, output) = run(onward().args(["migrate", "--database-url", &url]));
    assert!(ok, "{output}");
    for suffix in ["", "-wal", "-shm"] {
        let mut path = file.clone().into_os_string();
        path.push(suffix);
        if let Ok(metadata) = std::fs::metadata(&path) {
            assert_eq!(
                metadata.permissions().mode() & 0o777,
                0o600,
                "{}",
                PathBuf::from(path).display()
            );
        } else {
            assert!(!suffix.is_empty(), "the database file exists");
        }
    }
}

#[test]
fn unknown_onward_variables_are_warned_about_with_the_nearest_setting() {
    let (_, url) = fresh_sqlite_url("env");
    let (ok, output) = run(onward()
        .env("ONWARD_DATABSE_URL", "sqlite://elsewhere.db")
        .env("ONWARD_SECURE_COOKIE", "true")
        .env("ONWARD_MAIL__HOST", "mail.example")
        .args(["migrate", "--database-url", &url]));
    assert!(ok, "{output}");
    assert!(
        output.contains(
            "warning: ONWARD_DATABSE_URL is not an Onward setting and is ignored; did you mean ONWARD_DATABASE_URL?"
        ),
        "{output}"
    );
    assert!(
        output.contains("ONWARD_SECURE_COOKIE is not an Onward setting and is ignored; did you mean ONWARD_SECURE_COOKIES?"),
        "{output}"
    );
    assert!(
        output.contains("ONWARD_MAIL__HOST is not an Onward setting"),
        "{output}"
    );
    // Under a table Onward has ([smtp]), an unknown key is an error, not a warning.
    let (ok, output) =
        run(onward()
            .env("ONWARD_SMTP__HOST", "mail.example")
            .args(["migrate", "--database-url", &url]));
    assert!(!ok, "{output}");
    assert!(output.contains("host"), "{output}");
    // Known settings and the test tooling's variables draw no warning.
    let (ok, output) = run(onward()
        .env("ONWARD_LOG", "info")
        .env("ONWARD_SKIP_POSTGRES", "1")
        .args(["migrate", "--database-url", &url]));
    assert!(ok, "{output}");
    assert!(!output.contains("warning"), "{output}");
}

/// Every command `onward --help` lists is in the operations guide's command
/// table, and every `ONWARD_*` variable the guide names is one Onward reads.
#[test]
fn the_operations_guide_lists_every_command_and_only_settings_that_exist() {
    let guide = std::fs::read_to_string(repository_root().join("docs/operations.md")).expect("guide");
    let (ok, help) = run(onward().arg("--help"));
    assert!(ok, "{help}");
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|command| *command != "help")
        .collect();
    assert!(commands.len() >= 7, "{help}");
    for command in commands {
        assert!(
            guide.contains(&format!("| `onward {command}")),
            "`onward {command}` is missing from the command table of docs/operations.md"
        );
    }
    // The guide's example of the warning names a misspelt variable on purpose.
    let mut documented: Vec<&str> = guide
        .lines()
        .filter(|line| !line.contains("is not an Onward setting"))
        .flat_map(|line| line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
        .filter(|word| word.starts_with("ONWARD_") && word.len() > "ONWARD_".len())
        .collect();
    documented.sort_unstable();
    documented.dedup();
    assert!(documented.contains(&"ONWARD_DATABASE_URL"), "{documented:?}");
    let mut command = onward();
    for name in &documented {
        command.env(name, "");
    }
    // The settings may not parse (empty values); the warnings come first.
    let (_, output) = run(command.args(["migrate", "--database-url", "sqlite:///proc/onward/none.db"]));
    assert!(
        !output.contains("is not an Onward setting"),
        "docs/operations.md names a variable Onward does not read: {output}"
    );
}

/// `scripts/test` stops before running anything when PostgreSQL is
/// unreachable, unless ONWARD_SKIP_POSTGRES=1 says to skip it knowingly.
#[test]
fn scripts_test_fails_when_postgres_is_unreachable_unless_skipping_is_explicit() {
    // A `cargo` that fails at once, so a script that went on would stop there
    // (exit 97) instead of running the suite inside this test.
    let bin = scratch_dir().join(format!("fake-cargo-{}", rand_suffix()));
    std::fs::create_dir_all(&bin).expect("dir");
    let cargo = bin.join("cargo");
    std::fs::write(&cargo, "#!/bin/sh\nexit 97\n").expect("write");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let script = |skip: Option<&str>| {
        let mut command = Command::new("bash");
        command
            .arg(repository_root().join("scripts/test"))
            .env("PATH", &path)
            .env(
                "ONWARD_TEST_POSTGRES_URL",
                "postgres://postgres@127.0.0.1:9/postgres",
            )
            .env("ONWARD_SKIP_BROWSER", "1")
            .env_remove("CI")
            .env_remove("ONWARD_SKIP_POSTGRES")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(skip) = skip {
            command.env("ONWARD_SKIP_POSTGRES", skip);
        }
        let output = command.output().expect("run scripts/test");
        let mut text = String::new();
        output.stdout.as_slice().read_to_string(&mut text).expect("utf-8");
        output.stderr.as_slice().read_to_string(&mut text).expect("utf-8");
        (output.status.code(), text)
    };
    let (code, output) = script(None);
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains("PostgreSQL is not reachable at 127.0.0.1:9")
            && output.contains("ONWARD_SKIP_POSTGRES=1"),
        "{output}"
    );
    let (code, output) = script(Some("1"));
    assert_eq!(code, Some(97), "went on to run cargo: {output}");
    assert!(output.contains("SKIPPED"), "{output}");
}
