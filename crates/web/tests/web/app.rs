//! HTTP tests against the real router on a random port, on both backends.

use onward_domain::role::Role;
use onward_storage::repo::audit::count_audit_events;
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

async fn health_check_reports_the_backend(db: TestDatabase) {
    let expected = match db.backend {
        onward_test_support::TestBackend::Sqlite => "sqlite",
        onward_test_support::TestBackend::Postgres => "postgres",
    };
    let app = TestApp::spawn(db).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body, serde_json::json!({ "status": "ok", "database": expected }));
}

async fn signed_out_visitors_are_sent_to_sign_in(db: TestDatabase) {
    let app = TestApp::spawn(db).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    let (status, page) = app.get_text("/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Sign in to Onward"));
    assert!(page.contains("/static/onward.css"));
}

async fn wrong_password_shows_an_error_summary(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "school").await;
    fixtures::user(db.conn(), &org, Role::Admin, "admin@school.example").await;
    let app = TestApp::spawn(db).await;
    let response = app.sign_in("admin@school.example", "not the password").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let page = response.text().await.expect("body");
    assert!(page.contains("govuk-error-summary"));
    assert!(page.contains("Enter a correct email address and password"));
    assert!(
        page.contains("value=\"admin@school.example\""),
        "the email is kept"
    );
    // An unknown account gets exactly the same answer.
    let response = app.sign_in("nobody@school.example", "not the password").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "still signed out"
    );
}

async fn signing_in_shows_the_organisations_cohorts_only(db: TestDatabase) {
    use onward_storage::repo::cohorts::{NewCohort, create_cohort};
    let org = fixtures::organisation(db.conn(), "college").await;
    let other = fixtures::organisation(db.conn(), "other").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "tutor@college.example").await;
    for (owner, name) in [
        (org.id, "Year 11 leavers 2026"),
        (other.id, "Someone else's cohort"),
    ] {
        let cohort = NewCohort {
            name: name.to_owned(),
            tracking_plan: None,
            results_day: None,
        };
        create_cohort(db.conn(), owner, &cohort).await.expect("cohort");
    }
    let app = TestApp::spawn(db).await;
    let response = app.sign_in("tutor@college.example", fixtures::PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/");
    let (status, page) = app.get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Year 11 leavers 2026"));
    assert!(!page.contains("Someone else"), "no other organisation's data");
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "user.sign_in", None)
            .await
            .expect("count"),
        1
    );

    // Signing out needs the CSRF token; without it nothing changes.
    let response = app.post_form("/logout", &[("csrf", "forged")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("This form has expired")
    );
    assert_eq!(app.get("/").await.status(), StatusCode::OK, "still signed in");
    let csrf = csrf_from(&page).expect("token on the page");
    let response = app.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER, "signed out");
}

async fn sign_in_without_a_csrf_token_is_refused(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "csrf").await;
    fixtures::user(db.conn(), &org, Role::Admin, "admin@csrf.example").await;
    let app = TestApp::spawn(db).await;
    let response = app
        .post_form(
            "/login",
            &[("email", "admin@csrf.example"), ("password", fixtures::PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "not signed in"
    );
}

async fn responses_carry_security_headers_and_assets_are_embedded(db: TestDatabase) {
    let app = TestApp::spawn(db).await;
    let response = app.get("/login").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "same-origin");
    assert!(
        response.headers().get("strict-transport-security").is_none(),
        "no HSTS without TLS"
    );
    let css = app.get("/static/onward.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.text().await.expect("css").contains(".govuk-button"));
    assert_eq!(
        app.get("/static/missing.css").await.status(),
        StatusCode::NOT_FOUND
    );
}

async fn the_language_switch_gives_welsh_pages(db: TestDatabase) {
    let app = TestApp::spawn(db).await;
    let (_, english) = app.get_text("/login").await;
    assert!(english.contains("lang=\"en-GB\"") && english.contains("Sign in to Onward"));
    let switched = app
        .visitor
        .client
        .get(app.url("/language/cy"))
        .header("referer", app.url("/login"))
        .send()
        .await
        .expect("switch");
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/login", "back to the same page");
    let (_, welsh) = app.get_text("/login").await;
    assert!(
        welsh.contains("lang=\"cy\"") && welsh.contains("Mewngofnodi i Onward"),
        "{welsh}"
    );
    let elsewhere = app
        .visitor
        .client
        .get(app.url("/language/en-GB"))
        .header("referer", "https://evil.example/phish")
        .send()
        .await
        .expect("switch");
    assert_eq!(elsewhere.headers()["location"], "/", "never redirects off-site");
}

on_both_backends!(
    the_language_switch_gives_welsh_pages,
    health_check_reports_the_backend,
    signed_out_visitors_are_sent_to_sign_in,
    wrong_password_shows_an_error_summary,
    signing_in_shows_the_organisations_cohorts_only,
    sign_in_without_a_csrf_token_is_refused,
    responses_carry_security_headers_and_assets_are_embedded,
);
