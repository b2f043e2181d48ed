//! Campaign sends against a real SMTP listener (test-support's sink), on
//! SQLite and PostgreSQL: what arrives (both parts, the personal link, the
//! unsubscribe header), a completion cancelling a queued send, a send never
//! repeated, and temporary and permanent refusals.

use onward_domain::campaign::{CampaignStatus, MessageStatus, QuietHours};
use onward_domain::contact::{ContactChannel, ContactPointKind};
use onward_domain::destination::{DestinationCategory, DestinationKind};
use onward_jobs::{Registry, Runner};
use onward_notify::email::{SmtpConfig, SmtpMailer};
use onward_outreach::{SendCampaignMessage, SendOutcome, Senders, plan_campaign, send_message};
use onward_storage::repo::campaigns::{HELD_REASON, NewCampaign, create_campaign, messages, set_status};
use onward_storage::repo::contacts::{NewContactPoint, add_contact_point, contact_points};
use onward_storage::repo::destinations::record_destination;
use onward_storage::repo::surveys::invitation_by_token_hash;
use onward_storage::{CampaignId, LearnerId, OrganisationId};
use onward_test_support::smtp::{SinkMode, SmtpSink};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};
use sha2::{Digest, Sha256};

struct World {
    org: OrganisationId,
    campaign: CampaignId,
    learners: Vec<LearnerId>,
    sink: SmtpSink,
    senders: Senders,
}

async fn world(db: &TestDatabase) -> World {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "outreach").await;
    let plan = fixtures::follow_up_plan(&[ContactChannel::Email, ContactChannel::Phone], 3);
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, &plan, &["Ann", "Ben"]).await;
    for (index, learner) in queue.learners.iter().enumerate() {
        add_contact_point(
            conn,
            organisation.id,
            *learner,
            &NewContactPoint {
                kind: ContactPointKind::Email,
                value: format!("learner{index}@outreach.example"),
                consent: true,
            },
        )
        .await
        .expect("email");
    }
    let campaign = create_campaign(
        conn,
        organisation.id,
        &NewCampaign {
            wording: Default::default(),
            cohort: queue.cohort,
            checkpoint: queue.plan.checkpoints[0].id,
            schedule_days: vec![0, 7],
            quiet: QuietHours::none(),
            created_by: None,
        },
    )
    .await
    .expect("campaign");
    set_status(conn, organisation.id, campaign, CampaignStatus::Running)
        .await
        .expect("start");
    let sink = SmtpSink::start().await;
    let config = SmtpConfig::parse(&sink.url(), "onward@outreach.example").expect("smtp config");
    let senders = Senders {
        email: Some(SmtpMailer::new(&config).expect("mailer")),
        sms: None,
        public_url: Some("http://onward.test".to_owned()),
        link_days: 90,
    };
    World {
        org: organisation.id,
        campaign,
        learners: queue.learners,
        sink,
        senders,
    }
}

async fn keys(db: &TestDatabase, w: &World) -> Vec<String> {
    messages(db.conn(), w.org, w.campaign)
        .await
        .expect("messages")
        .into_iter()
        .map(|m| m.key)
        .collect()
}

async fn an_email_arrives_once_with_its_link_and_a_completion_cancels(db: TestDatabase) {
    let w = world(&db).await;
    let report = plan_now(&db, &w).await;
    assert_eq!((report.step, report.queued), (Some(0), 2), "{report:?}");
    let again = plan_now(&db, &w).await;
    assert_eq!(
        (again.queued, again.already),
        (0, 2),
        "planning twice queues nothing twice"
    );
    let keys = keys(&db, &w).await;

    // Ben answers before his invitation goes.
    record_destination(
        db.conn(),
        w.org,
        w.learners[1],
        &fixtures::destination_record(
            DestinationKind::Actual,
            DestinationCategory::EmploymentFullTime,
            chrono::Utc::now().date_naive(),
        ),
        None,
        None,
    )
    .await
    .expect("destination");

    let sent = send_message(&db.database, &w.senders, w.org, &keys[0])
        .await
        .expect("send");
    assert_eq!(sent, SendOutcome::Sent);
    let cancelled = send_message(&db.database, &w.senders, w.org, &keys[1])
        .await
        .expect("send");
    assert!(matches!(cancelled, SendOutcome::Cancelled(_)), "{cancelled:?}");
    let repeat = send_message(&db.database, &w.senders, w.org, &keys[0])
        .await
        .expect("send");
    assert_eq!(repeat, SendOutcome::AlreadyDone);

    let mail = w.sink.messages();
    assert_eq!(mail.len(), 1, "one email, to Ann only");
    assert_eq!(mail[0].recipients, vec!["<learner0@outreach.example>".to_owned()]);
    let raw = String::from_utf8_lossy(&mail[0].data).to_string();
    assert!(
        raw.contains("text/plain") && raw.contains("text/html"),
        "both parts"
    );
    assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    // The unsubscribe address is the learner's own opt-out link (`/o/<token>`;
    // the web tests POST one-click to such a link and see the opt-out).
    let header = "List-Unsubscribe: <http://onward.test/o/";
    let start = raw
        .find(header)
        .unwrap_or_else(|| panic!("an opt-out link in {raw}"))
        + header.len();
    let opt_out_token: String = raw[start..].chars().take_while(char::is_ascii_hexdigit).collect();
    let opt_out = onward_storage::repo::opt_outs::opt_out_link_by_token(db.conn(), &opt_out_token)
        .await
        .expect("lookup")
        .expect("the header's link is a working opt-out link");
    assert_eq!(
        opt_out.learner, w.learners[0],
        "for the learner the email went to"
    );
    assert!(raw.contains("campaign."), "the Message-ID names the send: {raw}");
    let link = mail[0]
        .link_starting("http://onward.test/s/")
        .expect("the personal link");
    let token = link.trim_start_matches("http://onward.test/s/");
    let hash: String = Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let invitation = invitation_by_token_hash(db.conn(), &hash)
        .await
        .expect("lookup")
        .expect("the link opens Ann's survey");
    assert_eq!(invitation.learner, w.learners[0]);
    assert_eq!(invitation.survey_name, "follow-up-3-6-month");

    let stored = messages(db.conn(), w.org, w.campaign).await.expect("messages");
    assert_eq!(stored[0].status, MessageStatus::Sent);
    assert_eq!(stored[0].invitation, Some(invitation.id));
    assert_eq!(stored[1].status, MessageStatus::Cancelled);
    assert_eq!(stored[1].invitation, None, "no link is made for a cancelled send");
}

async fn refusals_are_retried_or_recorded_on_the_contact_point(db: TestDatabase) {
    let w = world(&db).await;
    plan_now(&db, &w).await;
    let keys = keys(&db, &w).await;

    w.sink.set_mode(SinkMode::RefuseTemporarily);
    let outcome = send_message(&db.database, &w.senders, w.org, &keys[0])
        .await
        .expect("send");
    assert!(matches!(outcome, SendOutcome::Retry(_)), "{outcome:?}");
    let stored = messages(db.conn(), w.org, w.campaign).await.expect("messages");
    assert_eq!(
        stored[0].status,
        MessageStatus::Queued,
        "queued again for the retry"
    );
    assert!(stored[0].reason.is_some());

    w.sink.set_mode(SinkMode::RefusePermanently);
    let outcome = send_message(&db.database, &w.senders, w.org, &keys[0])
        .await
        .expect("send");
    assert!(matches!(outcome, SendOutcome::Failed(_)), "{outcome:?}");
    let stored = messages(db.conn(), w.org, w.campaign).await.expect("messages");
    assert_eq!((stored[0].status, stored[0].attempts), (MessageStatus::Failed, 2));
    let points = contact_points(db.conn(), w.org, w.learners[0])
        .await
        .expect("points");
    let email = points
        .iter()
        .find(|p| p.kind == ContactPointKind::Email)
        .expect("email");
    assert!(!email.valid, "a permanent refusal marks the address invalid");
    assert_eq!(w.sink.count(), 0);
}

/// A runner that works the send jobs only (no recurring planner, so each
/// planning pass is the test's own).
fn send_runner(db: &TestDatabase, w: &World) -> Runner {
    let mut registry = Registry::new();
    registry.register::<SendCampaignMessage>();
    registry.provide(w.senders.clone());
    Runner::new(db.database.clone(), registry)
}

async fn plan_now(db: &TestDatabase, w: &World) -> onward_outreach::PlanReport {
    plan_campaign(
        &db.database,
        w.org,
        w.campaign,
        &[ContactChannel::Email],
        chrono::Utc::now(),
    )
    .await
    .expect("plan")
}

async fn pausing_holds_queued_sends_and_resuming_sends_each_once(db: TestDatabase) {
    let w = world(&db).await;
    assert_eq!(plan_now(&db, &w).await.queued, 2);
    set_status(db.conn(), w.org, w.campaign, CampaignStatus::Paused)
        .await
        .expect("pause");
    let runner = send_runner(&db, &w);
    let worked = runner.run_once().await.expect("work");
    assert_eq!(worked.len(), 2, "both send jobs ran");
    assert_eq!(w.sink.count(), 0, "nothing is sent while the campaign is paused");
    for message in messages(db.conn(), w.org, w.campaign).await.expect("messages") {
        assert_eq!(message.status, MessageStatus::Queued, "held, not cancelled");
        assert_eq!(message.reason.as_deref(), Some(HELD_REASON));
        assert_eq!(message.attempts, 0, "a held claim is not counted");
    }
    let paused = plan_now(&db, &w).await;
    assert_eq!(
        paused.released, 0,
        "a paused campaign releases nothing: {paused:?}"
    );

    set_status(db.conn(), w.org, w.campaign, CampaignStatus::Running)
        .await
        .expect("resume");
    let resumed = plan_now(&db, &w).await;
    assert_eq!((resumed.released, resumed.queued), (2, 0), "{resumed:?}");
    runner.run_once().await.expect("work");
    assert_eq!(w.sink.count(), 2, "each held message goes once the campaign runs");
    let stored = messages(db.conn(), w.org, w.campaign).await.expect("messages");
    assert!(
        stored.iter().all(|m| m.status == MessageStatus::Sent),
        "{stored:?}"
    );

    let again = plan_now(&db, &w).await;
    assert_eq!(again.released, 0, "sent messages are not released again");
    runner.run_once().await.expect("work");
    assert_eq!(w.sink.count(), 2, "and nothing goes twice");
}

async fn finishing_cancels_queued_sends(db: TestDatabase) {
    let w = world(&db).await;
    assert_eq!(plan_now(&db, &w).await.queued, 2);
    set_status(db.conn(), w.org, w.campaign, CampaignStatus::Finished)
        .await
        .expect("finish");
    let keys = keys(&db, &w).await;
    let outcome = send_message(&db.database, &w.senders, w.org, &keys[0])
        .await
        .expect("send");
    assert!(matches!(outcome, SendOutcome::Cancelled(_)), "{outcome:?}");
    send_runner(&db, &w).run_once().await.expect("work");
    assert_eq!(w.sink.count(), 0, "nothing is sent once the campaign is finished");
    for message in messages(db.conn(), w.org, w.campaign).await.expect("messages") {
        assert_eq!(message.status, MessageStatus::Cancelled);
        assert!(
            message.reason.as_deref().is_some_and(|r| r.contains("finished")),
            "{message:?}"
        );
    }
}

async fn a_later_step_sends_the_reminder_wording(db: TestDatabase) {
    let w = world(&db).await;
    let runner = send_runner(&db, &w);
    assert_eq!(plan_now(&db, &w).await.queued, 2);
    runner.run_once().await.expect("work");
    // A week on: step 2 of the schedule 0, 7 is its last reminder.
    onward_storage::repo::campaigns::move_start_back(db.conn(), w.org, w.campaign, chrono::Duration::days(7))
        .await
        .expect("a week passes");
    let report = plan_now(&db, &w).await;
    assert_eq!((report.step, report.queued), (Some(1), 2), "{report:?}");
    runner.run_once().await.expect("work");
    let mail = w.sink.messages();
    assert_eq!(mail.len(), 4);
    for message in &mail[..2] {
        assert_eq!(
            message.subject(),
            "outreach organisation: tell us what you are doing now"
        );
        assert!(!message.text().contains("reminder") && !message.text().contains("Last chance"));
    }
    for message in &mail[2..] {
        assert_eq!(
            message.subject(),
            "outreach organisation: last chance to tell us what you are doing now"
        );
        assert!(
            message
                .text()
                .contains("Last chance: this is the last time we will ask."),
            "{}",
            message.text()
        );
    }
}

on_both_backends!(
    a_later_step_sends_the_reminder_wording,
    an_email_arrives_once_with_its_link_and_a_completion_cancels,
    refusals_are_retried_or_recorded_on_the_contact_point,
    pausing_holds_queued_sends_and_resuming_sends_each_once,
    finishing_cancels_queued_sends
);
