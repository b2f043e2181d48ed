//! Getting started (issue 13 item 19, PRODUCT.md journey 1): `org add`
//! installs the shipped plans for its kind, and `serve` on a database with no
//! administrator prints a one-time setup link that creates the first
//! organisation and administrator in the browser. On both backends.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use onward_test_support::{TestClient, TestDatabase, csrf_from, on_both_backends};

use super::{Server, onward, run};

async fn plan_names(db: &TestDatabase, slug: &str) -> Vec<String> {
    let organisation = onward_storage::repo::organisations::organisation_by_slug(db.conn(), slug)
        .await
        .expect("lookup")
        .expect("the organisation");
    onward_storage::repo::plans::list_plans(db.conn(), organisation.id)
        .await
        .expect("plans")
        .into_iter()
        .map(|(_, name)| name)
        .collect()
}

async fn org_add_installs_the_shipped_plans_for_its_kind(db: TestDatabase) {
    let url = db.url.clone();
    let add = |slug: &str, kind: &str, plans: Option<&str>| {
        let mut args = vec![
            "org",
            "add",
            slug,
            "--name",
            "Test",
            "--kind",
            kind,
            "--database-url",
            url.as_str(),
        ];
        if let Some(plans) = plans {
            args.extend(["--plans", plans]);
        }
        run(onward().args(&args))
    };
    let (ok, output) = add("a-school", "school", None);
    assert!(ok, "{output}");
    assert!(
        output.contains("Tracking plans installed: School leavers"),
        "{output}"
    );
    let (ok, output) = add("a-vet-school", "vet", None);
    assert!(ok, "{output}");
    let (ok, output) = add("no-plans", "provider", Some("none"));
    assert!(ok, "{output}");
    let (ok, output) = add("bad-plans", "provider", Some("some"));
    assert!(!ok, "{output}");
    assert_eq!(plan_names(&db, "a-school").await, ["School leavers (Year 11/13)"]);
    assert_eq!(
        plan_names(&db, "a-vet-school").await,
        [
            "Long-term (1 and 5 years)",
            "VET graduate (graduation + 6 months)"
        ]
    );
    assert!(plan_names(&db, "no-plans").await.is_empty());
}

/// Starts `onward serve` and reads its address and, when it prints one, the setup link.
fn serve_reading_setup_link(url: &str) -> (Server, String, Option<String>) {
    let mut child = onward()
        .args(["serve", "--database-url", url, "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let (lines_out, lines_in) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_out.send(line).is_err() {
                break;
            }
        }
    });
    // The setup link, if any, is printed before the "serving at" line.
    let started = Instant::now();
    let mut link = None;
    while started.elapsed() < Duration::from_secs(60) {
        let Ok(line) = lines_in.recv_timeout(Duration::from_secs(2)) else {
            continue;
        };
        if let Some(rest) = line
            .trim()
            .strip_prefix("http://")
            .filter(|l| l.contains("/setup/"))
        {
            link = Some(format!("http://{rest}"));
        }
        if let Some(rest) = line.split("serving at ").nth(1) {
            let base = rest
                .split_whitespace()
                .next()
                .map(|u| u.trim_end_matches('/').to_owned())
                .expect("url");
            return (server, base, link);
        }
    }
    panic!("onward serve did not report its address");
}

async fn serve_with_no_admin_prints_a_setup_link_that_makes_the_first_admin(db: TestDatabase) {
    let url = db.url.clone();
    let (server, base, link) = serve_reading_setup_link(&url);
    let link = link.expect("a setup link is printed");
    let path = link.trim_start_matches(&base).to_owned();
    let address = base.trim_start_matches("http://").parse().expect("address");
    let browser = TestClient::new(address);
    let (status, page) = browser.get_text(&path).await;
    assert_eq!(status, 200, "{page}");
    let csrf = csrf_from(&page).expect("csrf");
    let created = browser
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("organisation_name", "Aire Valley College"),
                ("kind", "college"),
                ("country", "GB"),
                ("plans", "shipped"),
                ("admin_name", "Ada Admin"),
                ("email", "ada@airevalley.example"),
                ("password", "correct horse battery staple"),
                ("confirm", "correct horse battery staple"),
            ],
        )
        .await;
    assert_eq!(created.status(), 303);
    assert_eq!(
        browser
            .sign_in("ada@airevalley.example", "correct horse battery staple")
            .await
            .status(),
        303
    );
    let (_, plans) = browser.get_text("/plans").await;
    assert!(
        plans.contains("School leavers") && plans.contains("Adult provider"),
        "{plans}"
    );
    assert_eq!(plan_names(&db, "aire-valley-college").await.len(), 2);
    drop(server);
    // With an administrator, serve prints no link.
    let (server, _, link) = serve_reading_setup_link(&url);
    assert_eq!(link, None);
    drop(server);
}

on_both_backends!(
    org_add_installs_the_shipped_plans_for_its_kind,
    serve_with_no_admin_prints_a_setup_link_that_makes_the_first_admin,
);
