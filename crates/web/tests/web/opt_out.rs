//! Opting out without signing in (issue 15): the personal link's page in the
//! learner's language, its button, and a mail client's one-click POST to the
//! URL of a real email's `List-Unsubscribe` header. On both backends.

use onward_domain::contact::ContactChannel;
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TrackingPlan};
use onward_notify::Language;
use onward_notify::email::{Email, EmailChannel, Sender, SmtpConfig, SmtpMailer};
use onward_notify::templates::{Invitation, PersonalLink, invitation_email};
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::calls::{open_tasks, opted_out_at};
use onward_storage::repo::opt_outs::{issue_opt_out_link, revoke_opt_out_links};
use onward_storage::repo::surveys::consents_for_learner;
use onward_storage::{ConnectionTrait, LearnerId};
use onward_test_support::{TestApp, TestDatabase, fixtures, on_both_backends};
use reqwest::StatusCode;

pub fn plan(channels: &[ContactChannel]) -> TrackingPlan {
    TrackingPlan {
        name: "Outreach".to_owned(),
        description: String::new(),
        checkpoints: vec![Checkpoint {
            key: "follow_up".to_owned(),
            name: "Follow-up".to_owned(),
            anchor: Anchor::Leaving,
            fixed_month_day: None,
            offset_days: 90,
            channels: channels.to_vec(),
            responsible: Role::ProgressionLead,
            max_attempts: 2,
            survey: None,
        }],
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The `List-Unsubscribe` URL of a raw message (headers may be folded).
fn list_unsubscribe(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw)
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ");
    let line = text
        .lines()
        .find(|line| line.starts_with("List-Unsubscribe: "))
        .expect("a List-Unsubscribe header");
    let start = line.find('<').expect("<") + 1;
    let end = line.find('>').expect(">");
    line[start..end].split_whitespace().collect()
}

async fn one_click_from_a_real_emails_header_opts_the_learner_out_and_closes_their_tasks(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "optout").await;
    let queue = fixtures::leavers_due_a_call(
        db.conn(),
        org.id,
        &plan(&[ContactChannel::Email, ContactChannel::Phone]),
        &["Sam", "Ann"],
    )
    .await;
    let checkpoint = queue.plan.checkpoints[0].id;
    let (sam, ann) = (queue.learners[0], queue.learners[1]);
    let app = TestApp::spawn(db).await;
    let conn = app.db.conn();
    let link = issue_opt_out_link(conn, org.id, sam).await.expect("link");
    assert_eq!(link.token.len(), 64);

    // The email a campaign would send, through the real mailer to the test's SMTP sink.
    let sink = app.mail.as_ref().expect("a mail sink");
    let mailer = SmtpMailer::new(&SmtpConfig::parse(&sink.url(), "noreply@optout.example").expect("url"))
        .expect("mailer");
    let unsubscribe = PersonalLink::parse(&app.url(&link.path())).expect("link");
    let survey_link = PersonalLink::parse(&app.url("/s/0000")).expect("link");
    let content = invitation_email(
        Language::EnglishGb,
        &Invitation {
            given_name: "Sam",
            organisation: "Opt-out College",
            link: &survey_link,
        },
        &unsubscribe,
    );
    mailer
        .send(&Email {
            to_address: "sam@learner.example".to_owned(),
            to_name: None,
            sender: Sender {
                organisation_name: "Opt-out College".to_owned(),
                reply_to: None,
            },
            content,
            unsubscribe: Some(unsubscribe),
            key: Some("optout-test-1".to_owned()),
        })
        .await
        .expect("sent");
    let mail = app.sent_mail();
    assert_eq!(mail.len(), 1);
    let url = list_unsubscribe(&mail[0].data);
    assert_eq!(url, app.url(&link.path()));
    assert!(
        String::from_utf8_lossy(&mail[0].data).contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
    );

    // A mail client's one-click POST: no cookie, no form token.
    let client = reqwest::Client::new();
    let response = client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), StatusCode::OK);

    assert!(opted_out_at(conn, org.id, sam).await.expect("read").is_some());
    assert!(opted_out_at(conn, org.id, ann).await.expect("read").is_none());
    let consents = consents_for_learner(conn, org.id, sam).await.expect("consents");
    assert_eq!(consents.len(), 1, "{consents:?}");
    assert_eq!(
        count_audit_events(conn, org.id, "learner.opted_out", Some(sam.0))
            .await
            .expect("audit"),
        1
    );
    // Sam's task is closed as opted out; Ann's is still open.
    let open: Vec<LearnerId> = open_tasks(conn, org.id, checkpoint, today())
        .await
        .expect("tasks")
        .into_iter()
        .map(|(_, _, learner)| learner)
        .collect();
    assert_eq!(open, [ann]);

    // A second one-click (mail clients retry) changes nothing and still answers 200.
    let again = client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        count_audit_events(conn, org.id, "learner.opted_out", Some(sam.0))
            .await
            .expect("audit"),
        1
    );
}

async fn set_language(conn: &impl ConnectionTrait, learner: LearnerId, code: &str) {
    conn.execute_unprepared(&format!(
        "UPDATE learners SET preferred_language = '{code}' WHERE id = {}",
        learner.0
    ))
    .await
    .expect("language");
}

async fn the_page_speaks_the_learners_language_and_its_button_opts_out(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "optpage").await;
    let queue =
        fixtures::leavers_due_a_call(db.conn(), org.id, &plan(&[ContactChannel::Email]), &["Siân"]).await;
    let learner = queue.learners[0];
    set_language(db.conn(), learner, "cy").await;
    let app = TestApp::spawn(db).await;
    let conn = app.db.conn();
    let link = issue_opt_out_link(conn, org.id, learner).await.expect("link");

    let (status, page) = app.visitor.get_text(&link.path()).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("lang=\"cy\"") && page.contains("Optio allan o negeseuon"),
        "{page}"
    );
    assert!(!page.contains("name=\"csrf\""), "{page}");
    // Every one of the six languages.
    for (code, words) in [
        ("en-GB", "Opt out of messages"),
        ("es", "Darse de baja"),
        ("it", "Rinuncia ai messaggi"),
        ("nl", "Afmelden voor berichten"),
        ("et", "Loobu sõnumitest"),
    ] {
        let (status, page) = app
            .visitor
            .get_text(&format!("{}?lang={code}", link.path()))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(words), "{code}: {page}");
    }
    // A POST that is neither the form nor one-click records nothing.
    let response = app
        .visitor
        .post_form(&link.path(), &[("confirm", "something-else")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(opted_out_at(conn, org.id, learner).await.expect("read").is_none());

    let response = app
        .visitor
        .post_form(&format!("{}?lang=cy", link.path()), &[("confirm", "opt-out")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("body");
    assert!(page.contains("Rydych chi wedi optio allan"), "{page}");
    assert!(opted_out_at(conn, org.id, learner).await.expect("read").is_some());
    // Visiting the link again says so rather than asking again.
    let (_, page) = app.visitor.get_text(&link.path()).await;
    assert!(page.contains("Rydych chi wedi optio allan"), "{page}");
}

async fn unknown_revoked_and_hostile_requests_change_nothing(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "opthostile").await;
    let queue =
        fixtures::leavers_due_a_call(db.conn(), org.id, &plan(&[ContactChannel::Email]), &["Tom"]).await;
    let learner = queue.learners[0];
    let app = TestApp::spawn(db).await;
    let conn = app.db.conn();
    let link = issue_opt_out_link(conn, org.id, learner).await.expect("link");
    let one_click = |path: String| {
        let client = reqwest::Client::new();
        let url = app.url(&path);
        async move {
            client
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click")
                .send()
                .await
                .expect("post")
                .status()
        }
    };
    // Unknown (well-formed and malformed) tokens: the same 404 page.
    let unknown = format!("/o/{}", "ab".repeat(32));
    assert_eq!(one_click(unknown.clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(app.visitor.get(&unknown).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.visitor.get("/o/short").await.status(), StatusCode::NOT_FOUND);
    // A control character in the path is refused at the edge.
    assert_eq!(
        app.visitor.get("/o/ab%00cd").await.status(),
        StatusCode::BAD_REQUEST
    );
    // An oversize body is refused before it is read.
    let big = reqwest::Client::new()
        .post(app.url(&link.path()))
        .header("content-type", "text/plain")
        .body(vec![b'x'; 64 * 1024])
        .send()
        .await
        .expect("post")
        .status();
    assert_eq!(big, StatusCode::PAYLOAD_TOO_LARGE);
    // A revoked link no longer works.
    assert_eq!(
        revoke_opt_out_links(conn, org.id, learner).await.expect("revoke"),
        1
    );
    assert_eq!(one_click(link.path()).await, StatusCode::NOT_FOUND);
    assert!(opted_out_at(conn, org.id, learner).await.expect("read").is_none());
    assert_eq!(
        count_audit_events(conn, org.id, "learner.opted_out", None)
            .await
            .expect("audit"),
        0
    );
}

on_both_backends!(
    one_click_from_a_real_emails_header_opts_the_learner_out_and_closes_their_tasks,
    the_page_speaks_the_learners_language_and_its_button_opts_out,
    unknown_revoked_and_hostile_requests_change_nothing,
);
