//! Employer corroboration (issue 15, seed 000): a member of staff asks the
//! employer on an apprenticeship record to confirm it; the email arrives at
//! the real SMTP sink, its link opens the one-question page without signing
//! in, "yes" upgrades the record's verification, and the link then no longer
//! works. Refused without the learner's consent. On both backends.

use chrono::NaiveDate;
use onward_domain::destination::{DestinationCategory, DestinationKind, DestinationRecord, Verification};
use onward_domain::role::Role;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::destinations::{append_destination, destination_history, verification_upgrades};
use onward_storage::repo::learners::insert_learner;
use onward_storage::repo::surveys::record_consent;
use onward_storage::{ConnectionTrait, DestinationRecordId, LearnerId, OrganisationId};
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

fn apprenticeship() -> DestinationRecord {
    DestinationRecord {
        employer: Some("Aire Logistics".to_owned()),
        job_role: Some("apprentice electrician".to_owned()),
        start_date: NaiveDate::from_ymd_opt(2026, 5, 4),
        ..fixtures::destination_record(
            DestinationKind::Actual,
            DestinationCategory::Apprenticeship,
            NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
        )
    }
}

async fn learner_with_job(app: &TestApp, org: OrganisationId) -> (LearnerId, DestinationRecordId) {
    let conn = app.db.conn();
    let learner = insert_learner(
        conn,
        org,
        &fixtures::new_learner("Sam", "Patel", None, Some("SP1")),
    )
    .await
    .expect("learner");
    let record = append_destination(conn, org, learner, &apprenticeship(), None)
        .await
        .expect("record");
    (learner, record)
}

/// Asks the employer through the staff form; returns the response.
async fn ask(
    app: &TestApp,
    learner: LearnerId,
    record: DestinationRecordId,
    email: &str,
) -> reqwest::Response {
    let path = format!("/learners/{learner}/destinations/{record}/employer-check");
    let (status, form) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    app.post_form(&path, &[("csrf", &csrf), ("employer_email", email)])
        .await
}

async fn the_employer_confirms_by_a_single_use_link_from_a_real_email(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "employer", Role::ProgressionLead).await;
    let (learner, record) = learner_with_job(&app, org.id).await;
    let conn = app.db.conn();

    // The learner record offers the action on the apprenticeship.
    let (_, page) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(page.contains(&format!(
        "/learners/{learner}/destinations/{record}/employer-check"
    )));

    // No consent recorded yet: the form says why, and a POST sends nothing.
    let path = format!("/learners/{learner}/destinations/{record}/employer-check");
    let (status, form) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("has not agreed to be contacted"), "{form}");
    assert!(!form.contains("name=\"employer_email\""));
    let csrf = csrf_from(&form).expect("csrf");
    let refused = app
        .post_form(&path, &[("csrf", &csrf), ("employer_email", "boss@aire.example")])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.sent_mail().is_empty());

    // A "no" to contact is not consent either.
    record_consent(conn, org.id, learner, "contact", false)
        .await
        .expect("consent");
    let (_, form) = app.get_text(&path).await;
    assert!(form.contains("has not agreed to be contacted"));

    record_consent(conn, org.id, learner, "contact", true)
        .await
        .expect("consent");
    let bad = ask(&app, learner, record, "not an address").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let sent = ask(&app, learner, record, "Boss@Aire.example").await;
    assert_eq!(sent.status(), StatusCode::SEE_OTHER);

    let mail = app.sent_mail();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].recipients, ["<boss@aire.example>"]);
    assert!(mail[0].subject().contains("Sam Patel"), "{}", mail[0].subject());
    let text = mail[0].text();
    assert!(
        text.contains("works for Aire Logistics as apprentice electrician since May 2026"),
        "{text}"
    );
    let link = mail[0].link_starting(&app.url("/e/")).expect("a link");
    assert_eq!(
        count_audit_events(
            conn,
            org.id,
            "destination.employer_check_requested",
            Some(learner.0)
        )
        .await
        .expect("audit"),
        1
    );
    let (_, page) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(
        page.contains("No answer yet"),
        "the timeline shows the waiting check"
    );

    // The employer: no session, no form token.
    let employer = reqwest::Client::new();
    let question = employer.get(&link).send().await.expect("get");
    assert_eq!(question.status(), StatusCode::OK);
    let html = question.text().await.expect("body");
    assert!(
        html.contains("Has Sam Patel worked for you as apprentice electrician since May 2026?"),
        "{html}"
    );
    let welsh = employer
        .get(format!("{link}?lang=cy"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(
        welsh.contains("Ydy Sam Patel wedi gweithio i chi fel apprentice electrician ers Mai 2026?"),
        "{welsh}"
    );
    let nothing_chosen = employer
        .post(&link)
        .form(&[("other", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(nothing_chosen.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let yes = employer
        .post(&link)
        .form(&[("answer", "yes")])
        .send()
        .await
        .expect("post");
    assert_eq!(yes.status(), StatusCode::OK);
    assert!(yes.text().await.expect("body").contains("Thank you"));

    let history = destination_history(conn, org.id, learner).await.expect("history");
    assert_eq!(history.len(), 1, "confirming adds no record");
    assert_eq!(history[0].record.verification, Verification::ThirdPartyConfirmed);
    let upgrades = verification_upgrades(conn, org.id, learner)
        .await
        .expect("upgrades");
    assert_eq!(upgrades.len(), 1);
    assert_eq!(upgrades[0].from, Verification::LearnerConfirmed);
    assert!(
        upgrades[0]
            .evidence
            .contains("Confirmed by the employer (boss@aire.example)")
    );
    assert_eq!(
        count_audit_events(conn, org.id, "destination.employer_answered", Some(learner.0))
            .await
            .expect("audit"),
        1
    );

    // Used: the same "link does not work" page as an unknown link, for GET and POST.
    assert_eq!(
        employer.get(&link).send().await.expect("get").status(),
        StatusCode::NOT_FOUND
    );
    let again = employer
        .post(&link)
        .form(&[("answer", "no")])
        .send()
        .await
        .expect("post");
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    for bad in [format!("/e/{}", "0".repeat(64)), "/e/not-a-token".to_owned()] {
        assert_eq!(
            employer.get(app.url(&bad)).send().await.expect("get").status(),
            StatusCode::NOT_FOUND
        );
    }
    let (_, page) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(
        page.contains("Answered by boss@aire.example: Yes, confirmed"),
        "{page}"
    );

    // Guessing links is rate-limited per client, as on the rest of the learner site.
    let mut limited = false;
    for _ in 0..30 {
        let status = employer.get(&link).send().await.expect("get").status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    assert!(limited, "misses are rate-limited");
}

async fn no_and_not_sure_are_kept_for_follow_up_and_expired_links_do_not_work(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "employerno", Role::IagAdviser).await;
    let (learner, record) = learner_with_job(&app, org.id).await;
    let conn = app.db.conn();
    record_consent(conn, org.id, learner, "contact", true)
        .await
        .expect("consent");

    // Two answers at once (a double click, two people): exactly one counts.
    assert_eq!(
        ask(&app, learner, record, "first@aire.example").await.status(),
        StatusCode::SEE_OTHER
    );
    let link = app.sent_mail()[0].link_starting(&app.url("/e/")).expect("link");
    let client = reqwest::Client::new();
    let (first, second) = tokio::join!(
        client.post(&link).form(&[("answer", "not_sure")]).send(),
        client.post(&link).form(&[("answer", "no")]).send(),
    );
    let mut statuses = [first.expect("post").status(), second.expect("post").status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::NOT_FOUND]);
    assert_eq!(
        count_audit_events(conn, org.id, "destination.employer_answered", Some(learner.0))
            .await
            .expect("audit"),
        1
    );
    conn.execute_unprepared("DELETE FROM employer_checks")
        .await
        .expect("start again");
    let sent_before = app.sent_mail().len();

    // An expired link is refused like an unknown one.
    assert_eq!(
        ask(&app, learner, record, "hr@aire.example").await.status(),
        StatusCode::SEE_OTHER
    );
    let expired = app.sent_mail()[sent_before]
        .link_starting(&app.url("/e/"))
        .expect("link");
    conn.execute_unprepared("UPDATE employer_checks SET expires_at = created_at")
        .await
        .expect("expire");
    let client = reqwest::Client::new();
    assert_eq!(
        client.get(&expired).send().await.expect("get").status(),
        StatusCode::NOT_FOUND
    );
    let late = client
        .post(&expired)
        .form(&[("answer", "yes")])
        .send()
        .await
        .expect("post");
    assert_eq!(late.status(), StatusCode::NOT_FOUND);

    assert_eq!(
        ask(&app, learner, record, "boss@aire.example").await.status(),
        StatusCode::SEE_OTHER
    );
    let link = app.sent_mail()[sent_before + 1]
        .link_starting(&app.url("/e/"))
        .expect("link");
    let no = client
        .post(&link)
        .form(&[("answer", "no")])
        .send()
        .await
        .expect("post");
    assert_eq!(no.status(), StatusCode::OK);
    let history = destination_history(conn, org.id, learner).await.expect("history");
    assert_eq!(
        history[0].record.verification,
        Verification::LearnerConfirmed,
        "a no changes nothing"
    );
    let (_, page) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(
        page.contains("Answered by boss@aire.example: No: follow up with the learner"),
        "{page}"
    );
    assert!(
        page.contains("An employer did not confirm a job on this record"),
        "{page}"
    );
    assert!(page.contains("The link expired on"), "{page}");

    // A mail server that refuses: the form says so and no check is left behind.
    let checks = app.db.count_rows("employer_checks").await;
    let sink = app.mail.as_ref().expect("a mail sink");
    sink.set_mode(onward_test_support::smtp::SinkMode::RefusePermanently);
    let refused = ask(&app, learner, record, "boss@aire.example").await;
    assert_eq!(refused.status(), StatusCode::BAD_GATEWAY);
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("did not accept the email")
    );
    sink.set_mode(onward_test_support::smtp::SinkMode::Accept);
    assert_eq!(app.db.count_rows("employer_checks").await, checks);
    assert_eq!(
        count_audit_events(
            conn,
            org.id,
            "destination.employer_check_not_sent",
            Some(learner.0)
        )
        .await
        .expect("audit"),
        1
    );

    // A record without an employer has no such action.
    let neet = append_destination(
        conn,
        org.id,
        learner,
        &fixtures::destination_record(
            DestinationKind::Actual,
            DestinationCategory::NeetSeeking,
            NaiveDate::from_ymd_opt(2026, 9, 1).expect("date"),
        ),
        None,
    )
    .await
    .expect("record");
    let (status, _) = app
        .get_text(&format!("/learners/{learner}/destinations/{neet}/employer-check"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_backends!(
    the_employer_confirms_by_a_single_use_link_from_a_real_email,
    no_and_not_sure_are_kept_for_follow_up_and_expired_links_do_not_work,
);
