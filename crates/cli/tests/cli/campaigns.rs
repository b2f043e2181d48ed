//! A campaign over 1,000 learners sent by `onward worker` processes that are
//! killed (SIGKILL) mid-batch and started again (issue 15, done-means 2):
//! every learner who never answered gets each step's email exactly once,
//! nobody gets an email after answering, and the unanswered end in the phone
//! call queue. Time is moved by `repo::campaigns::move_start_back` (the
//! campaign's start moved a week earlier, as if a week had passed); the
//! steps are planned on demand with `onward campaign run`.

use std::collections::HashMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use onward_domain::campaign::{CampaignStatus, MessageStatus, QuietHours};
use onward_domain::contact::{ContactChannel, ContactPointKind};
use onward_domain::destination::{DestinationCategory, DestinationKind};
use onward_domain::tracking::TaskStatus;
use onward_storage::repo::calls::{open_tasks, task_progress};
use onward_storage::repo::campaigns::{
    NewCampaign, campaign, create_campaign, has_unsent_messages, messages, move_start_back, set_status,
};
use onward_storage::repo::contacts::{NewContactPoint, add_contact_point};
use onward_storage::repo::destinations::record_destination;
use onward_storage::{CampaignId, LearnerId, OrganisationId};
use onward_test_support::smtp::SmtpSink;
use onward_test_support::{TestDatabase, fixtures};

use super::{onward, run};

const LEARNERS: usize = 1_000;
const STEPS: usize = 3;

/// A name of letters only for learner `index` ("Baa", "Bab", …).
fn name(index: usize) -> String {
    let letters = |n: usize| char::from(b'a' + u8::try_from(n % 26).unwrap_or(0));
    format!(
        "B{}{}{}",
        letters(index / 676),
        letters(index / 26),
        letters(index)
    )
}

struct Campaign {
    org: OrganisationId,
    id: CampaignId,
    learners: Vec<LearnerId>,
}

async fn setup(db: &TestDatabase) -> Campaign {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "college").await;
    // More tries than the schedule's steps: the email stage ends by running out.
    let plan = fixtures::follow_up_plan(&[ContactChannel::Email, ContactChannel::Phone], 5);
    let names: Vec<String> = (0..LEARNERS).map(name).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, &plan, &names).await;
    for (index, learner) in queue.learners.iter().enumerate() {
        add_contact_point(
            conn,
            organisation.id,
            *learner,
            &NewContactPoint {
                kind: ContactPointKind::Email,
                value: format!("learner{index}@kill.example"),
                consent: true,
            },
        )
        .await
        .expect("email");
    }
    let id = create_campaign(
        conn,
        organisation.id,
        &NewCampaign {
            wording: Default::default(),
            cohort: queue.cohort,
            checkpoint: queue.plan.checkpoints[0].id,
            schedule_days: vec![0, 7, 14],
            quiet: QuietHours::none(),
            created_by: None,
        },
    )
    .await
    .expect("campaign");
    Campaign {
        org: organisation.id,
        id,
        learners: queue.learners,
    }
}

fn environment(sink: &SmtpSink) -> Vec<(&'static str, String)> {
    vec![
        ("ONWARD_SMTP__URL", sink.url()),
        ("ONWARD_SMTP__FROM", "onward@kill.example".to_owned()),
        ("ONWARD_PUBLIC_URL", "http://onward.test".to_owned()),
    ]
}

fn spawn_worker(db: &TestDatabase, sink: &SmtpSink) -> Child {
    onward()
        .args(["worker", "--lease", "3", "--database-url", &db.url])
        .envs(environment(sink))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start onward worker")
}

fn plan_now(db: &TestDatabase, sink: &SmtpSink, id: CampaignId) -> String {
    let (ok, output) = run(onward()
        .args(["campaign", "run", &id.0.to_string(), "--database-url", &db.url])
        .envs(environment(sink)));
    assert!(ok, "{output}");
    output
}

/// Kills the worker with SIGKILL once the sink holds `count` messages.
async fn kill_at(worker: &mut Child, sink: &SmtpSink, count: usize) {
    let started = Instant::now();
    while sink.count() < count {
        assert!(
            worker.try_wait().expect("poll worker").is_none(),
            "the worker stopped"
        );
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the worker sent nothing for 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    worker.kill().expect("SIGKILL the worker");
    worker.wait().expect("reap the worker");
}

/// Waits until none of the campaign's messages waits to be sent.
async fn drained(db: &TestDatabase, c: &Campaign) {
    let started = Instant::now();
    while has_unsent_messages(db.conn(), c.org, c.id).await.expect("unsent") {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "messages still unsent after 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn complete(db: &TestDatabase, c: &Campaign, range: std::ops::Range<usize>) -> DateTime<Utc> {
    for index in range {
        record_destination(
            db.conn(),
            c.org,
            c.learners[index],
            &fixtures::destination_record(
                DestinationKind::Actual,
                DestinationCategory::EmploymentFullTime,
                Utc::now().date_naive(),
            ),
            None,
            None,
        )
        .await
        .expect("destination");
    }
    Utc::now()
}

/// The key a message's `Message-ID` was made from (`:` became `.`).
fn message_key(data: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(data);
    let line = text
        .lines()
        .take_while(|line| !line.is_empty())
        .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))?;
    let id = line.split_once(':')?.1.trim().trim_start_matches('<');
    Some(id.split('@').next()?.to_owned())
}

async fn a_killed_worker_sends_each_message_once(db: TestDatabase) {
    let c = setup(&db).await;
    let sink = SmtpSink::start().await;
    set_status(db.conn(), c.org, c.id, CampaignStatus::Running)
        .await
        .expect("start");

    // Step 1 (the invitation): kill the worker a third of the way through.
    let output = plan_now(&db, &sink, c.id);
    assert!(output.contains("messages queued"), "{output}");
    let mut worker = spawn_worker(&db, &sink);
    kill_at(&mut worker, &sink, 300).await;
    let first_answers = complete(&db, &c, 0..100).await;
    let mut worker = spawn_worker(&db, &sink);
    drained(&db, &c).await;

    // A week later, step 2: killed again; a hundred more answer.
    move_start_back(db.conn(), c.org, c.id, chrono::Duration::days(7))
        .await
        .expect("a week passes");
    let before = sink.count();
    let output = plan_now(&db, &sink, c.id);
    assert!(output.contains("step 2"), "{output}");
    kill_at(&mut worker, &sink, before + 300).await;
    let second_answers = complete(&db, &c, 100..200).await;
    let mut worker = spawn_worker(&db, &sink);
    drained(&db, &c).await;

    // Step 3, then a week with no answer: the email stage has run out.
    move_start_back(db.conn(), c.org, c.id, chrono::Duration::days(7))
        .await
        .expect("a week passes");
    let output = plan_now(&db, &sink, c.id);
    assert!(output.contains("step 3"), "{output}");
    drained(&db, &c).await;
    move_start_back(db.conn(), c.org, c.id, chrono::Duration::days(7))
        .await
        .expect("a week passes");
    let output = plan_now(&db, &sink, c.id);
    assert!(output.contains("finished"), "{output}");
    worker.kill().expect("stop the worker");
    worker.wait().expect("reap the worker");

    // What arrived, per key.
    let mut arrived: HashMap<String, usize> = HashMap::new();
    for message in sink.messages() {
        let key = message_key(&message.data).expect("every message has a Message-ID");
        *arrived.entry(key).or_default() += 1;
    }
    let rows = messages(db.conn(), c.org, c.id).await.expect("messages");
    let row_of: HashMap<(LearnerId, usize), _> =
        rows.iter().map(|row| ((row.learner, row.step), row)).collect();
    let mut resent = 0;
    for (index, learner) in c.learners.iter().enumerate() {
        let answered_at = match index {
            0..100 => Some(first_answers),
            100..200 => Some(second_answers),
            _ => None,
        };
        for step in 0..STEPS {
            let row = row_of.get(&(*learner, step));
            let received = row.map_or(0, |row| {
                arrived.get(&row.key.replace(':', ".")).copied().unwrap_or(0)
            });
            match (answered_at, row) {
                (None, Some(row)) => {
                    assert_eq!(row.status, MessageStatus::Sent, "learner {index} step {step}");
                    // Sent twice only when a worker died between sending and recording it.
                    if received == 2 && row.attempts > 1 {
                        resent += 1;
                    } else {
                        assert_eq!(received, 1, "learner {index} step {step}: {row:?}");
                    }
                }
                (None, None) => panic!("learner {index} never answered but has no step {step}"),
                (Some(at), Some(row)) => {
                    assert!(received <= 2, "learner {index} step {step}");
                    match row.status {
                        MessageStatus::Sent => {
                            assert!(
                                row.sent_at.is_some_and(|sent| sent <= at),
                                "learner {index} got step {step} after answering"
                            );
                            assert!(
                                received >= 1,
                                "learner {index} step {step} recorded sent but not received"
                            );
                        }
                        MessageStatus::Cancelled => {
                            // Received only when a killed worker had sent it before recording it.
                            assert!(
                                received == 0 || row.attempts > 1,
                                "learner {index} step {step} cancelled but received"
                            );
                            if received > 0 {
                                resent += 1;
                            }
                        }
                        other => panic!("learner {index} step {step}: {other:?}"),
                    }
                }
                (Some(_), None) => {}
            }
        }
    }
    // Each kill can interrupt at most the two sends a worker runs at once.
    assert!(resent <= 4, "{resent} messages sent twice");
    let total: usize = arrived.values().sum();
    println!(
        "{} messages arrived, {} keys, {resent} sent again after a kill",
        total,
        arrived.len()
    );
    for (step, expected) in [(0, LEARNERS), (1, LEARNERS - 100), (2, LEARNERS - 200)] {
        assert_eq!(
            rows.iter().filter(|row| row.step == step).count(),
            expected,
            "step {step}"
        );
    }
    // Learners who answered before a step got no row for it.
    assert!(
        !rows
            .iter()
            .any(|row| row.step >= 1 && c.learners[..100].contains(&row.learner))
    );
    assert!(
        !rows
            .iter()
            .any(|row| row.step == 2 && c.learners[100..200].contains(&row.learner))
    );

    // The 800 who never answered wait in the phone call queue.
    let found = campaign(db.conn(), c.org, c.id).await.expect("campaign");
    assert_eq!(found.status, CampaignStatus::Finished);
    let queue = open_tasks(
        db.conn(),
        c.org,
        found.checkpoint,
        chrono::NaiveDate::from_ymd_opt(2030, 1, 1).expect("date"),
    )
    .await
    .expect("open tasks");
    assert_eq!(queue.len(), LEARNERS - 200);
    for (task, _, learner) in &queue {
        assert!(!c.learners[..200].contains(learner));
        let progress = task_progress(db.conn(), c.org, *task).await.expect("progress");
        assert_eq!(
            (progress.status, progress.channel_index),
            (TaskStatus::InProgress, 1),
            "on the phone stage"
        );
    }
}

/// `onward campaign run ID --dry-run` says who would be sent what and who is
/// left out and why, writes nothing, and says so when the audience is empty.
async fn a_dry_run_lists_the_audience_and_the_excluded(db: TestDatabase) {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "college").await;
    let plan = fixtures::follow_up_plan(&[ContactChannel::Email, ContactChannel::Phone], 3);
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, &plan, &["Ann", "Cat", "Eve"]).await;
    for (index, consent) in [(0, true), (1, false)] {
        add_contact_point(
            conn,
            organisation.id,
            queue.learners[index],
            &NewContactPoint {
                kind: ContactPointKind::Email,
                value: format!("learner{index}@dry.example"),
                consent,
            },
        )
        .await
        .expect("email");
    }
    onward_storage::repo::calls::mark_learner(conn, organisation.id, queue.learners[2], true, false)
        .await
        .expect("opt out");
    let new = |cohort| NewCampaign {
        wording: Default::default(),
        cohort,
        checkpoint: queue.plan.checkpoints[0].id,
        schedule_days: vec![0, 7],
        quiet: QuietHours::none(),
        created_by: None,
    };
    let id = create_campaign(conn, organisation.id, &new(queue.cohort))
        .await
        .expect("campaign");
    let (ok, output) = run(onward().args([
        "campaign",
        "run",
        &id.0.to_string(),
        "--dry-run",
        "--database-url",
        &db.url,
    ]));
    assert!(ok, "{output}");
    assert!(output.contains("Would reach 2 learners"), "{output}");
    assert!(
        output.contains("Ann Leaver  email  learner0@dry.example"),
        "{output}"
    );
    assert!(output.contains("Cat Leaver  phone"), "{output}");
    assert!(
        output.contains("email passed over: no consent to be contacted by Email"),
        "{output}"
    );
    assert!(output.contains("Eve Leaver  opted out of contact"), "{output}");
    assert!(
        messages(conn, organisation.id, id)
            .await
            .expect("messages")
            .is_empty(),
        "a dry run writes nothing"
    );
    assert_eq!(
        campaign(conn, organisation.id, id)
            .await
            .expect("campaign")
            .status,
        CampaignStatus::Draft
    );

    let (ok, output) =
        run(onward().args(["campaign", "list", "--org", "college", "--database-url", &db.url]));
    assert!(
        ok && output.contains("draft") && output.contains("email → phone"),
        "{output}"
    );

    // A cohort nobody is enrolled in.
    let empty = onward_storage::repo::cohorts::create_cohort(
        conn,
        organisation.id,
        &onward_storage::repo::cohorts::NewCohort {
            name: "Empty".to_owned(),
            tracking_plan: Some(queue.plan.id),
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let id = create_campaign(conn, organisation.id, &new(empty))
        .await
        .expect("campaign");
    let (ok, output) = run(onward().args([
        "campaign",
        "run",
        &id.0.to_string(),
        "--dry-run",
        "--database-url",
        &db.url,
    ]));
    assert!(ok, "{output}");
    assert!(output.contains("The audience is empty"), "{output}");
    let (ok, output) = run(onward().args(["campaign", "run", "999999", "--database-url", &db.url]));
    assert!(!ok && output.contains("there is no campaign 999999"), "{output}");
}

/// `onward letters ID --out PATH.pdf` prints the letter-stage learners' letters.
async fn letters_print_the_letter_stage(db: TestDatabase) {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "college").await;
    let plan = fixtures::follow_up_plan(&[ContactChannel::Letter, ContactChannel::Phone], 1);
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, &plan, &["Ann", "Ben"]).await;
    add_contact_point(
        conn,
        organisation.id,
        queue.learners[0],
        &NewContactPoint {
            kind: ContactPointKind::Address,
            value: "1 High Street, Leeds, LS6 2AB".to_owned(),
            consent: true,
        },
    )
    .await
    .expect("address");
    let id = create_campaign(
        conn,
        organisation.id,
        &NewCampaign {
            wording: Default::default(),
            cohort: queue.cohort,
            checkpoint: queue.plan.checkpoints[0].id,
            schedule_days: vec![0],
            quiet: QuietHours::none(),
            created_by: None,
        },
    )
    .await
    .expect("campaign");
    let out = super::scratch_dir().join(format!("letters-{}-{:?}.pdf", std::process::id(), db.backend));
    let (ok, output) = run(onward()
        .args([
            "letters",
            &id.0.to_string(),
            "--out",
            out.to_str().expect("path"),
            "--database-url",
            &db.url,
        ])
        .env("ONWARD_PUBLIC_URL", "http://onward.test"));
    assert!(ok, "{output}");
    assert!(output.contains("1 letters written"), "{output}");
    assert!(
        output.contains("1 learners without a postal address left out"),
        "{output}"
    );
    let pdf = std::fs::read(&out).expect("the PDF");
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let _ = std::fs::remove_file(&out);
}

onward_test_support::on_both_backends!(
    a_killed_worker_sends_each_message_once,
    a_dry_run_lists_the_audience_and_the_excluded,
    letters_print_the_letter_stage
);
