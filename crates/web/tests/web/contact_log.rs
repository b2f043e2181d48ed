//! Contacts logged by hand on the learner record, on both backends.

use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome};
use onward_domain::role::Role;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::contacts::contact_attempts;
use onward_storage::repo::learners::insert_learner;
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

/// The form's one-time key.
fn key_from(page: &str) -> String {
    let start = page.find("name=\"key\" value=\"").expect("a key field") + "name=\"key\" value=\"".len();
    page[start..].split('"').next().expect("key value").to_owned()
}

async fn a_letter_logged_by_hand_is_recorded_once_audited_and_shown_on_the_record(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "contactlog", Role::IagAdviser).await;
    let learner = insert_learner(
        app.db.conn(),
        org.id,
        &fixtures::new_learner("Lowri", "Parry", None, Some("LP1")),
    )
    .await
    .expect("learner");
    let (status, record) = app.get_text(&format!("/learners/{learner}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        record.contains(&format!("/learners/{learner}/contact-log/new")),
        "{record}"
    );
    let (status, form) = app
        .get_text(&format!("/learners/{learner}/contact-log/new"))
        .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    let csrf = csrf_from(&form).expect("csrf");
    let key = key_from(&form);
    let today = chrono::Utc::now().date_naive();
    let (day, month, year) = (
        today.format("%-d").to_string(),
        today.format("%-m").to_string(),
        today.format("%Y").to_string(),
    );
    let fields = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("channel", "letter"),
        ("direction", "outbound"),
        ("outcome", "sent"),
        ("day", day.as_str()),
        ("month", month.as_str()),
        ("year", year.as_str()),
        ("notes", "Letter with the survey link sent to the home address"),
    ];
    let path = format!("/learners/{learner}/contact-log");
    // Submitted twice (a double click): one attempt, one audit event.
    for _ in 0..2 {
        let response = app.post_form(&path, &fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let attempts = contact_attempts(app.db.conn(), org.id, learner)
        .await
        .expect("attempts");
    assert_eq!(attempts.len(), 1);
    let attempt = &attempts[0].attempt;
    assert_eq!(attempt.channel, ContactChannel::Letter);
    assert_eq!(attempt.direction, ContactDirection::Outbound);
    assert_eq!(attempt.outcome, ContactOutcome::Sent);
    assert_eq!(attempt.task, None);
    assert!(attempt.user.is_some());
    assert_eq!(attempt.attempted_at.date_naive(), today);
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "learner.contact_logged", Some(learner.0))
            .await
            .expect("audit"),
        1
    );
    let (_, record) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(record.contains("Letter: Sent, no reply yet"), "{record}");
    assert!(record.contains("Letter with the survey link sent"), "{record}");
}

async fn a_contact_that_cannot_be_is_refused_with_messages_and_nothing_is_saved(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "contactlog", Role::ProgressionLead).await;
    let learner = insert_learner(
        app.db.conn(),
        org.id,
        &fixtures::new_learner("Ffion", "Rees", None, Some("FR1")),
    )
    .await
    .expect("learner");
    let (_, form) = app
        .get_text(&format!("/learners/{learner}/contact-log/new"))
        .await;
    let csrf = csrf_from(&form).expect("csrf");
    let key = key_from(&form);
    let path = format!("/learners/{learner}/contact-log");
    let response = app
        .post_form(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("key", key.as_str()),
                ("channel", "sms"),
                ("direction", "inbound"),
                ("outcome", "no_answer"),
                ("day", "1"),
                ("month", "1"),
                ("year", "2100"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("When the learner got in touch, choose Reached, Replied or Refused"),
        "{page}"
    );
    assert!(page.contains("The date must be today or in the past"), "{page}");
    // A channel the form does not offer, and no key at all.
    let response = app
        .post_form(
            &path,
            &[
                ("csrf", csrf.as_str()),
                ("key", key.as_str()),
                ("channel", "partner_data"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .post_form(&path, &[("csrf", csrf.as_str()), ("channel", "sms")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        contact_attempts(app.db.conn(), org.id, learner)
            .await
            .expect("read")
            .is_empty()
    );
}

on_both_backends!(
    a_letter_logged_by_hand_is_recorded_once_audited_and_shown_on_the_record,
    a_contact_that_cannot_be_is_refused_with_messages_and_nothing_is_saved,
);
