//! The HTTP edge: control characters, slow and idle connections, caching,
//! unknown methods and the language switch's return path, on both backends.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use onward_domain::role::Role;
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::contacts::contact_points;
use onward_storage::repo::learners::insert_learner;
use onward_storage::repo::support::flags_for_learner;
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use onward_web::ServerLimits;
use reqwest::StatusCode;

async fn a_control_character_in_the_learner_search_is_refused_naming_the_field(db: TestDatabase) {
    let (app, _) = TestApp::signed_in(db, "edge", Role::Admin).await;
    for query in ["q=%00", "q=smith%00", "q=a%1Bb"] {
        let (status, page) = app.get_text(&format!("/learners?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {page}");
        assert!(
            page.contains("The field “q” contains a control character"),
            "{query}: {page}"
        );
    }
    let (status, page) = app.get_text("/learners/%00").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(
        page.contains("The web address contains a control character (U+0000)"),
        "{page}"
    );
    // Ordinary searches still work.
    let (status, _) = app.get_text("/learners?q=Si%C3%A2n+O%27Neill").await;
    assert_eq!(status, StatusCode::OK);
}

async fn a_control_character_in_a_contact_detail_is_refused_and_nothing_is_saved(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "edge", Role::Admin).await;
    let learner = insert_learner(
        app.db.conn(),
        org.id,
        &fixtures::new_learner("Nia", "Null", None, Some("N1")),
    )
    .await
    .expect("learner");
    let (_, form) = app.get_text(&format!("/learners/{learner}/contacts/new")).await;
    let csrf = csrf_from(&form).expect("csrf");
    let path = format!("/learners/{learner}/contacts");
    for value in ["a\0b", "nia\u{7}@example.com", "07700\u{85}900123"] {
        let response = app
            .post_form(&path, &[("csrf", &csrf), ("kind", "email"), ("value", value)])
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{value:?}");
        let page = response.text().await.expect("body");
        assert!(
            page.contains("The field “value” contains a control character"),
            "{page}"
        );
    }
    assert!(
        contact_points(app.db.conn(), org.id, learner)
            .await
            .expect("read")
            .is_empty(),
        "nothing was saved"
    );
    // A clean value is saved as before.
    let response = app
        .post_form(
            &path,
            &[("csrf", &csrf), ("kind", "email"), ("value", "nia@example.com")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

async fn line_breaks_and_tabs_in_a_multi_line_field_are_kept(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "edge", Role::Admin).await;
    let learner = insert_learner(
        app.db.conn(),
        org.id,
        &fixtures::new_learner("Lin", "Breaks", None, Some("L1")),
    )
    .await
    .expect("learner");
    let (_, form) = app.get_text(&format!("/learners/{learner}/flags/new")).await;
    let csrf = csrf_from(&form).expect("csrf");
    let response = app
        .post_form(
            &format!("/learners/{learner}/flags"),
            &[("csrf", &csrf), ("reason", "Not attending\r\nsince\tresults day")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let flags = flags_for_learner(app.db.conn(), org.id, learner)
        .await
        .expect("flags");
    assert_eq!(flags.len(), 1);
    assert!(
        flags[0].reason.contains("since\tresults day"),
        "{:?}",
        flags[0].reason
    );
}

fn short_limits() -> ServerLimits {
    ServerLimits {
        max_connections: 8,
        header_read_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(2),
        ..ServerLimits::default()
    }
}

/// Reads until the server closes the socket; returns what it sent and how long that took.
fn read_until_closed(mut socket: TcpStream, give_up: Duration) -> (String, Duration) {
    let started = Instant::now();
    socket.set_read_timeout(Some(give_up)).expect("timeout");
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match socket.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(err) => panic!("the server kept the socket open for {give_up:?}: {err}"),
        }
    }
    (String::from_utf8_lossy(&received).into_owned(), started.elapsed())
}

async fn idle_and_header_less_connections_are_closed_after_the_header_timeout(db: TestDatabase) {
    let app = TestApp::spawn_with_limits(db, short_limits()).await;
    let address = app.address;
    tokio::task::spawn_blocking(move || {
        // Sends nothing at all.
        let silent = TcpStream::connect(address).expect("connect");
        // Starts a request and never finishes its headers.
        let mut partial = TcpStream::connect(address).expect("connect");
        partial
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: onward\r\nX-Slow: ")
            .expect("write");
        for socket in [silent, partial] {
            let (_, waited) = read_until_closed(socket, Duration::from_secs(10));
            assert!(waited < Duration::from_secs(4), "closed after {waited:?}");
        }
        // A kept-alive connection that goes quiet after its response is closed too.
        let mut kept = TcpStream::connect(address).expect("connect");
        kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: onward\r\n\r\n")
            .expect("write");
        let (answer, waited) = read_until_closed(kept, Duration::from_secs(10));
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(waited < Duration::from_secs(4), "closed after {waited:?}");
    })
    .await
    .expect("socket checks");
}

async fn more_idle_sockets_than_the_connection_limit_leave_health_checks_answering(db: TestDatabase) {
    let limits = short_limits();
    let app = TestApp::spawn_with_limits(db, limits).await;
    let address = app.address;
    // Three times the limit, holding every socket open without a byte sent.
    let idle: Vec<TcpStream> = (0..limits.max_connections * 3)
        .map(|_| TcpStream::connect(address).expect("connect"))
        .collect();
    let started = Instant::now();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .expect("client");
    let response = client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("the health check is answered");
    assert_eq!(response.status(), StatusCode::OK);
    // The idle sockets are served and closed a limit's worth per header timeout.
    let bound = limits.header_read_timeout * 4 + Duration::from_secs(2);
    assert!(
        started.elapsed() < bound,
        "answered after {:?}",
        started.elapsed()
    );
    drop(idle);
}

async fn a_request_whose_body_never_arrives_gets_503_after_the_request_timeout(db: TestDatabase) {
    let limits = short_limits();
    let app = TestApp::spawn_with_limits(db, limits).await;
    let address = app.address;
    tokio::task::spawn_blocking(move || {
        let mut socket = TcpStream::connect(address).expect("connect");
        socket
            .write_all(
                b"POST /login HTTP/1.1\r\nHost: onward\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                  Content-Length: 100\r\n\r\nemail=slow",
            )
            .expect("write");
        let started = Instant::now();
        socket
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut buffer = [0; 2048];
        let n = socket.read(&mut buffer).expect("an answer before 10 s");
        let answer = String::from_utf8_lossy(&buffer[..n]);
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    })
    .await
    .expect("slow body");
}

async fn pages_and_exports_with_personal_data_are_not_cached(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "edge", Role::Admin).await;
    let cohort = create_cohort(
        app.db.conn(),
        org.id,
        &NewCohort {
            name: "Leavers".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    for path in [
        "/".to_owned(),
        "/learners".to_owned(),
        "/login".to_owned(),
        format!("/cohorts/{}/unknowns.csv", cohort.0),
        format!("/cohorts/{}/guarantee.csv", cohort.0),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let css = app.get("/static/onward.css").await;
    assert_eq!(css.headers()["cache-control"], "public, max-age=86400");
}

async fn trace_and_unknown_methods_get_405(db: TestDatabase) {
    let (app, _) = TestApp::signed_in(db, "edge", Role::Admin).await;
    for (method, path) in [
        ("TRACE", "/login"),
        ("OPTIONS", "/learners"),
        ("BREW", "/"),
        ("PUT", "/settings"),
    ] {
        let response = app
            .visitor
            .client
            .request(method.parse().expect("method"), app.url(path))
            .send()
            .await
            .expect("request");
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        let allow = response.headers()["allow"].to_str().expect("ascii").to_owned();
        assert!(allow.contains("GET"), "{method} {path}: {allow}");
    }
}

async fn the_language_switch_refuses_backslashes_and_control_characters_in_the_return_path(db: TestDatabase) {
    let app = TestApp::spawn(db).await;
    let host = app.address.to_string();
    for referer in [
        format!("http://{host}/\\evil.example/"),
        format!("http://{host}/\\/evil.example/"),
        format!("http://{host}/\t/evil.example/"),
    ] {
        let switched = app
            .visitor
            .client
            .get(app.url("/language/cy"))
            .header("referer", &referer)
            .send()
            .await
            .expect("switch");
        assert_eq!(switched.status(), StatusCode::SEE_OTHER);
        assert_eq!(switched.headers()["location"], "/", "{referer:?}");
    }
    let switched = app
        .visitor
        .client
        .get(app.url("/language/en-GB"))
        .header("referer", format!("http://{host}/learners?q=smith"))
        .send()
        .await
        .expect("switch");
    assert_eq!(switched.headers()["location"], "/learners?q=smith");
}

on_both_backends!(
    a_control_character_in_the_learner_search_is_refused_naming_the_field,
    a_control_character_in_a_contact_detail_is_refused_and_nothing_is_saved,
    line_breaks_and_tabs_in_a_multi_line_field_are_kept,
    idle_and_header_less_connections_are_closed_after_the_header_timeout,
    more_idle_sockets_than_the_connection_limit_leave_health_checks_answering,
    a_request_whose_body_never_arrives_gets_503_after_the_request_timeout,
    pages_and_exports_with_personal_data_are_not_cached,
    trace_and_unknown_methods_get_405,
    the_language_switch_refuses_backslashes_and_control_characters_in_the_return_path,
);
