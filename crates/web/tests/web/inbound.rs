//! Bounces and SMS replies (issue 15): signed webhooks that mark addresses
//! invalid and move email-stage tasks on, read one-question replies into
//! destination records, opt out on STOP and send the rest to the SMS inbox;
//! the bounce list import; on both backends.

use onward_domain::contact::{ContactChannel, ContactOutcome, ContactPointKind};
use onward_domain::destination::{DestinationCategory, DestinationSource, Verification};
use onward_domain::role::Role;
use onward_domain::tracking::TaskStatus;
use onward_notify::sms::{WebhookSecret, sign};
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::calls::{open_tasks, opted_out_at, task_progress};
use onward_storage::repo::contacts::{NewContactPoint, add_contact_point, contact_attempts, contact_points};
use onward_storage::repo::destinations::destination_history;
use onward_storage::repo::sms_replies::{InboxReason, sms_inbox};
use onward_storage::{CheckpointId, LearnerId, OrganisationId, TaskId};
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use onward_web::WebConfig;
use reqwest::StatusCode;

use crate::opt_out::plan;

const SMS_SECRET: &str = "sms-secret-0123456789";
const EMAIL_SECRET: &str = "email-secret-0123456789";

fn config() -> WebConfig {
    WebConfig {
        sms_webhook_secret: Some(WebhookSecret::new(SMS_SECRET).expect("secret")),
        email_webhook_secret: Some(WebhookSecret::new(EMAIL_SECRET).expect("secret")),
        ..TestApp::config()
    }
}

async fn post(app: &TestApp, path: &str, body: &[u8], signature: Option<&str>) -> StatusCode {
    let mut request = reqwest::Client::new()
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("X-Onward-Signature", signature);
    }
    request.send().await.expect("request").status()
}

struct World {
    org: OrganisationId,
    checkpoint: CheckpointId,
    learners: Vec<LearnerId>,
}

/// Leavers long due a follow-up on email, then SMS, then phone; each with a
/// phone (from the fixture) and an email address `<name>@learner.example`.
async fn world(db: &TestDatabase, slug: &str, names: &[&str]) -> World {
    let org = fixtures::organisation(db.conn(), slug).await;
    let queue = fixtures::leavers_due_a_call(
        db.conn(),
        org.id,
        &plan(&[ContactChannel::Email, ContactChannel::Sms, ContactChannel::Phone]),
        names,
    )
    .await;
    for (learner, name) in queue.learners.iter().zip(names) {
        add_contact_point(
            db.conn(),
            org.id,
            *learner,
            &NewContactPoint {
                kind: ContactPointKind::Email,
                value: format!("{}@learner.example", name.to_lowercase()),
                consent: true,
            },
        )
        .await
        .expect("email");
    }
    World {
        org: org.id,
        checkpoint: queue.plan.checkpoints[0].id,
        learners: queue.learners,
    }
}

async fn task_of(app: &TestApp, w: &World, learner: LearnerId) -> Option<TaskId> {
    open_tasks(
        app.db.conn(),
        w.org,
        w.checkpoint,
        chrono::Utc::now().date_naive(),
    )
    .await
    .expect("tasks")
    .into_iter()
    .find(|(_, _, l)| *l == learner)
    .map(|(task, _, _)| task)
}

async fn a_signed_bounce_marks_the_address_invalid_and_moves_the_task_to_sms(db: TestDatabase) {
    let w = world(&db, "bounces", &["Sam", "Ann"]).await;
    let slug = "bounces";
    let app = TestApp::spawn_with(db, config()).await;
    let conn = app.db.conn();
    let sam = w.learners[0];
    let task = task_of(&app, &w, sam).await.expect("Sam's task");
    let path = format!("/webhooks/email/{slug}/bounces");
    let body = br#"{"id":"b-1","recipient":"SAM@learner.example","type":"permanent","reason":"550 5.1.1 unknown user"}"#;

    // Refused, and nothing written: no signature, the SMS secret's, a tampered body.
    assert_eq!(post(&app, &path, body, None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(&app, &path, body, Some(&sign(SMS_SECRET.as_bytes(), body))).await,
        StatusCode::UNAUTHORIZED
    );
    let tampered = br#"{"id":"b-1","recipient":"ann@learner.example","type":"permanent"}"#;
    assert_eq!(
        post(&app, &path, tampered, Some(&sign(EMAIL_SECRET.as_bytes(), body))).await,
        StatusCode::UNAUTHORIZED
    );
    let big = vec![b' '; 64 * 1024];
    assert_eq!(
        post(&app, &path, &big, Some(&sign(EMAIL_SECRET.as_bytes(), &big))).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert!(
        contact_points(conn, w.org, sam)
            .await
            .expect("points")
            .iter()
            .all(|p| p.valid)
    );
    assert!(
        contact_attempts(conn, w.org, sam)
            .await
            .expect("attempts")
            .is_empty()
    );

    // Signed: the address is invalid, a bounced attempt is logged, the task is on SMS now.
    let signature = sign(EMAIL_SECRET.as_bytes(), body);
    for _ in 0..2 {
        assert_eq!(
            post(&app, &path, body, Some(&signature)).await,
            StatusCode::NO_CONTENT
        );
    }
    let points = contact_points(conn, w.org, sam).await.expect("points");
    let email = points
        .iter()
        .find(|p| p.kind == ContactPointKind::Email)
        .expect("email");
    assert!(!email.valid);
    assert!(
        points
            .iter()
            .find(|p| p.kind == ContactPointKind::Phone)
            .expect("phone")
            .valid
    );
    let attempts = contact_attempts(conn, w.org, sam).await.expect("attempts");
    assert_eq!(attempts.len(), 1, "a repeat of the report is handled once");
    assert_eq!(attempts[0].attempt.outcome, ContactOutcome::Bounced);
    assert_eq!(attempts[0].attempt.channel, ContactChannel::Email);
    assert_eq!(attempts[0].attempt.task, Some(task));
    let progress = task_progress(conn, w.org, task).await.expect("progress");
    assert_eq!(progress.channel_index, 1, "moved on to SMS: {progress:?}");
    assert_eq!(progress.status, TaskStatus::InProgress);
    assert_eq!(
        count_audit_events(conn, w.org, "contact_point.bounced", Some(email.id.0))
            .await
            .expect("audit"),
        1
    );
    // Ann is untouched.
    assert!(
        contact_points(conn, w.org, w.learners[1])
            .await
            .expect("points")
            .iter()
            .all(|p| p.valid)
    );

    // Signed but not a report, an unknown organisation, and a complaint (an opt-out).
    let junk = br#"{"id":"b-2","recipient":"=HYPERLINK()","type":"permanent"}"#;
    assert_eq!(
        post(&app, &path, junk, Some(&sign(EMAIL_SECRET.as_bytes(), junk))).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&app, "/webhooks/email/nobody/bounces", body, Some(&signature)).await,
        StatusCode::NOT_FOUND
    );
    let complaint = br#"{"id":"c-1","recipient":"ann@learner.example","type":"complaint"}"#;
    assert_eq!(
        post(
            &app,
            &path,
            complaint,
            Some(&sign(EMAIL_SECRET.as_bytes(), complaint))
        )
        .await,
        StatusCode::NO_CONTENT
    );
    assert!(
        opted_out_at(conn, w.org, w.learners[1])
            .await
            .expect("read")
            .is_some()
    );
}

async fn without_a_secret_the_bounce_webhook_is_off(db: TestDatabase) {
    let w = world(&db, "nobounce", &["Sam"]).await;
    let app = TestApp::spawn(db).await;
    let body = br#"{"id":"b-1","recipient":"sam@learner.example","type":"permanent"}"#;
    assert_eq!(
        post(
            &app,
            "/webhooks/email/nobounce/bounces",
            body,
            Some(&sign(EMAIL_SECRET.as_bytes(), body))
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert!(
        contact_points(app.db.conn(), w.org, w.learners[0])
            .await
            .expect("points")
            .iter()
            .all(|p| p.valid)
    );
}

async fn reply(app: &TestApp, slug: &str, id: &str, from: &str, text: &str) -> StatusCode {
    let body = serde_json::json!({"id": id, "from": from, "body": text}).to_string();
    post(
        app,
        &format!("/webhooks/sms/{slug}/replies"),
        body.as_bytes(),
        Some(&sign(SMS_SECRET.as_bytes(), body.as_bytes())),
    )
    .await
}

async fn sms_replies_become_destinations_opt_outs_or_inbox_messages(db: TestDatabase) {
    let w = world(&db, "replies", &["Sam", "Ann", "Bea"]).await;
    let app = TestApp::spawn_with(db, config()).await;
    let conn = app.db.conn();
    let (sam, ann, bea) = (w.learners[0], w.learners[1], w.learners[2]);
    // The fixture's numbers are +44770090010N; the gateway may send them nationally.
    let sam_task = task_of(&app, &w, sam).await.expect("task");

    // A bad signature is refused and nothing is written.
    let body = br#"{"id":"in-0","from":"+447700900100","body":"1"}"#;
    assert_eq!(
        post(
            &app,
            "/webhooks/sms/replies/replies",
            body,
            Some(&sign(b"wrong-secret-0123456789", body))
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        destination_history(conn, w.org, sam)
            .await
            .expect("history")
            .is_empty()
    );

    // "3" from Sam (national spelling): an apprenticeship, learner-confirmed, by SMS reply; the task closes.
    assert_eq!(
        reply(&app, "replies", "in-1", "07700 900100", "3").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        reply(&app, "replies", "in-1", "07700 900100", "3").await,
        StatusCode::NO_CONTENT
    );
    let history = destination_history(conn, w.org, sam).await.expect("history");
    assert_eq!(history.len(), 1, "a repeated message is handled once");
    assert_eq!(history[0].record.category, DestinationCategory::Apprenticeship);
    assert_eq!(history[0].record.source, DestinationSource::SmsReply);
    assert_eq!(history[0].record.verification, Verification::LearnerConfirmed);
    assert_eq!(
        task_progress(conn, w.org, sam_task)
            .await
            .expect("progress")
            .status,
        TaskStatus::Done
    );

    // STOP from Ann: opted out, her task closed as opted out.
    let ann_task = task_of(&app, &w, ann).await.expect("task");
    assert_eq!(
        reply(&app, "replies", "in-2", "+447700900101", "STOP").await,
        StatusCode::NO_CONTENT
    );
    assert!(opted_out_at(conn, w.org, ann).await.expect("read").is_some());
    assert_eq!(
        task_progress(conn, w.org, ann_task)
            .await
            .expect("progress")
            .status,
        TaskStatus::OptedOut
    );

    // Bea's question, an unknown number, and hostile text: the inbox, nothing recorded.
    assert_eq!(
        reply(
            &app,
            "replies",
            "in-3",
            "+447700900102",
            "who is this? =cmd|'/C calc'!A0 <script>"
        )
        .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        reply(&app, "replies", "in-4", "+447700900999", "1").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        reply(&app, "replies", "in-5", "+447700900102", "a\u{0000}b").await,
        StatusCode::NO_CONTENT,
        "control characters are dropped, not stored"
    );
    assert!(
        destination_history(conn, w.org, bea)
            .await
            .expect("history")
            .is_empty()
    );
    let inbox = sms_inbox(conn, w.org, false, 10).await.expect("inbox");
    assert_eq!(inbox.len(), 3, "{inbox:?}");
    let unknown = inbox
        .iter()
        .find(|m| m.reason == InboxReason::UnknownNumber)
        .expect("unknown");
    assert_eq!(unknown.learner, None);
    let question = inbox
        .iter()
        .find(|m| m.body.starts_with("who is this"))
        .expect("Bea's message");
    assert_eq!(question.learner, Some(bea));
    assert_eq!(question.reason, InboxReason::Unparsed);
    // An oversize reply and a sender that is not a number are refused.
    let big =
        serde_json::json!({"id": "in-6", "from": "+447700900102", "body": "x".repeat(20_000)}).to_string();
    assert_eq!(
        post(
            &app,
            "/webhooks/sms/replies/replies",
            big.as_bytes(),
            Some(&sign(SMS_SECRET.as_bytes(), big.as_bytes()))
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        reply(&app, "replies", "in-7", "=1+1", "1").await,
        StatusCode::BAD_REQUEST
    );

    // Staff see the inbox, with a link to Bea, and mark her message handled (audited).
    let user_email = "lead@replies.example";
    let organisation = onward_storage::repo::organisations::organisation(conn, w.org)
        .await
        .expect("org");
    fixtures::user(conn, &organisation, Role::ProgressionLead, user_email).await;
    assert_eq!(
        app.sign_in(user_email, fixtures::PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let (status, page) = app.get_text("/sms-inbox").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(&format!("/learners/{bea}")), "{page}");
    assert!(
        page.contains("who is this? =cmd|") && page.contains("&#60;script&#62;"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
    let csrf = csrf_from(&page).expect("csrf");
    let response = app
        .post_form(
            "/sms-inbox/handled",
            &[("csrf", csrf.as_str()), ("message", &question.id.to_string())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(sms_inbox(conn, w.org, false, 10).await.expect("inbox").len(), 2);
    assert_eq!(
        count_audit_events(conn, w.org, "sms_inbox.handled", Some(question.id))
            .await
            .expect("audit"),
        1
    );
}

async fn an_administrator_imports_a_bounce_list_and_each_row_is_named(db: TestDatabase) {
    let w = world(&db, "bouncelist", &["Sam", "Ann"]).await;
    let organisation = onward_storage::repo::organisations::organisation(db.conn(), w.org)
        .await
        .expect("org");
    fixtures::user(db.conn(), &organisation, Role::Admin, "admin@bouncelist.example").await;
    let app = TestApp::spawn(db).await;
    assert_eq!(
        app.sign_in("admin@bouncelist.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (status, page) = app.get_text("/bounces").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let csrf = csrf_from(&page).expect("csrf");
    let upload = |csv: Vec<u8>, csrf: String| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(csv).file_name("bounces.csv"),
        );
        app.visitor
            .client
            .post(app.url("/bounces"))
            .multipart(form)
            .send()
    };
    let csv = b"email\nSAM@learner.example\nnobody@learner.example\n=HYPERLINK(\"x\")\nsam@learner.example\n"
        .to_vec();
    let response = upload(csv, csrf.clone()).await.expect("upload");
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("page");
    assert!(page.contains("1 contact details marked invalid"), "{page}");
    assert!(page.contains("No learner has this address"), "{page}");
    assert!(page.contains("Not an email address"), "{page}");
    assert!(page.contains("Already marked invalid"), "{page}");
    let conn = app.db.conn();
    let sam_points = contact_points(conn, w.org, w.learners[0]).await.expect("points");
    assert!(
        !sam_points
            .iter()
            .find(|p| p.kind == ContactPointKind::Email)
            .expect("email")
            .valid
    );
    assert!(
        contact_points(conn, w.org, w.learners[1])
            .await
            .expect("points")
            .iter()
            .all(|p| p.valid)
    );
    // Too large: refused, saying so.
    // Over the file's 1 MB but within the request's body limit, so the
    // server reads the whole upload and the answer always arrives (a body past
    // the limit is cut off, which a client may see as a reset connection).
    let response = upload(vec![b'a'; 1024 * 1024 + 32 * 1024], csrf.clone())
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.expect("page").contains("larger than 1 MB"));
    // Without the form token: refused.
    let response = upload(b"ann@learner.example\n".to_vec(), "wrong".to_owned())
        .await
        .expect("upload");
    assert!(response.status().is_client_error(), "{}", response.status());
    assert!(
        contact_points(conn, w.org, w.learners[1])
            .await
            .expect("points")
            .iter()
            .all(|p| p.valid)
    );
}

on_both_backends!(
    a_signed_bounce_marks_the_address_invalid_and_moves_the_task_to_sms,
    without_a_secret_the_bounce_webhook_is_off,
    sms_replies_become_destinations_opt_outs_or_inbox_messages,
    an_administrator_imports_a_bounce_list_and_each_row_is_named,
);
