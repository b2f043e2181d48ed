//! Learner surveys (issue 14, done-means 1): a completed 6-month survey writes
//! exactly one destination record with source survey and closes its task;
//! proposed contact changes wait for staff; asking for support opens a
//! referral; links expire and can be revoked; a double submit writes one set
//! of records. On SQLite and PostgreSQL.

use chrono::{Duration, NaiveDate, Utc};
use onward_domain::contact::{ContactChannel, ContactPointKind};
use onward_domain::destination::{DestinationCategory, DestinationSource, Verification};
use onward_domain::organisation::CountryCode;
use onward_domain::role::Role;
use onward_domain::survey::Outcome;
use onward_domain::tracking::TaskStatus;
use onward_storage::repo::calls::{open_tasks, task_progress};
use onward_storage::repo::contacts::contact_points;
use onward_storage::repo::destinations::{destination_history, task_answered_by};
use onward_storage::repo::support::referrals_for_learner;
use onward_storage::repo::surveys::{
    Completion, Decision, LinkState, NewInvitation, alumni_for_learner, cohort_response_counts,
    complete_survey, consents_for_learner, contact_changes_for_learner, create_invitation,
    decide_contact_change, invitation, invitation_by_token_hash, open_link, record_survey, revoke_invitation,
    save_page, saved_pages,
};
use onward_storage::{Actor, CohortId, LearnerId, OrganisationId, SurveyInvitationId, TaskId, UserId};
use onward_survey::answers::{Answers, outcome, parse_page};
use onward_survey::{Survey, shipped};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

fn six_month() -> &'static Survey {
    shipped()
        .unwrap_or_else(|error| panic!("{error}"))
        .newest("follow-up-3-6-month")
        .expect("the 6-month follow-up ships")
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

struct World {
    org: OrganisationId,
    user: UserId,
    learner: LearnerId,
    cohort: CohortId,
    task: TaskId,
    checkpoint: onward_storage::CheckpointId,
}

async fn world(db: &TestDatabase) -> World {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "surveys").await;
    let user = fixtures::user(conn, &organisation, Role::ProgressionLead, "lead@surveys.example").await;
    let plan = fixtures::follow_up_plan(&[ContactChannel::Email], 2);
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, &plan, &["Siân"]).await;
    let point = &queue.plan.checkpoints[0];
    assert_eq!(
        point.checkpoint.survey.as_deref(),
        Some("follow-up-3-6-month"),
        "a checkpoint keeps the survey it sends"
    );
    let open = open_tasks(
        conn,
        organisation.id,
        point.id,
        NaiveDate::from_ymd_opt(2030, 1, 1).expect("date"),
    )
    .await
    .expect("open tasks");
    World {
        org: organisation.id,
        user: user.id,
        learner: queue.learners[0],
        cohort: queue.cohort,
        task: open[0].0,
        checkpoint: point.id,
    }
}

async fn invite(db: &TestDatabase, w: &World, token_hash: &str, expires_in: Duration) -> SurveyInvitationId {
    create_invitation(
        db.conn(),
        w.org,
        &NewInvitation {
            learner: w.learner,
            survey_name: "follow-up-3-6-month".to_owned(),
            survey_version: 1,
            language: "cy".to_owned(),
            checkpoint: Some(w.checkpoint),
            task: Some(w.task),
            expires_at: Utc::now() + expires_in,
        },
        token_hash,
        Some(w.user),
    )
    .await
    .expect("invitation")
}

/// Answers the survey page by page as the learner site does, saving each page.
async fn answer(
    db: &TestDatabase,
    w: &World,
    id: SurveyInvitationId,
    pages: &[(&str, &[(&str, &str)])],
) -> Answers {
    let survey = six_month();
    let gb: CountryCode = "GB".parse().expect("GB");
    let mut answers = Answers::new();
    for (page, fields) in pages {
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        let submission = parse_page(survey.page(page).expect("page"), &fields, today(), &gb);
        assert!(
            submission.problems.is_empty(),
            "{page}: {:?}",
            submission.problems
        );
        let json = serde_json::to_string(&submission.answers).expect("json");
        assert!(save_page(db.conn(), w.org, id, page, &json).await.expect("save"));
        answers.extend(submission.answers);
    }
    answers
}

const EMPLOYED: &[(&str, &[(&str, &str)])] = &[
    ("activity", &[("activity", "employed-full-time")]),
    (
        "job",
        &[
            ("employer", "Acme Ltd"),
            ("job-title", "Fitter"),
            ("hours", "37"),
            ("sector", "engineering"),
            ("relates", "yes"),
        ],
    ),
    (
        "contact",
        &[
            ("email", "sian@example.com"),
            ("mobile", "07700 900555"),
            ("address", "1 High St"),
        ],
    ),
    (
        "alumni",
        &[
            ("alumni", "yes"),
            ("story", "<b>I got a job</b>"),
            ("publish", "yes"),
        ],
    ),
    ("keep-in-touch", &[("optout", "keep")]),
];

async fn complete(db: &TestDatabase, w: &World, id: SurveyInvitationId, outcome: &Outcome) -> Completion {
    let write = db.database.write(Actor::system(w.org)).await.expect("begin");
    let done = complete_survey(&write, w.org, id, outcome, today())
        .await
        .expect("complete");
    write.commit().await.expect("commit");
    done
}

async fn a_completed_six_month_survey_writes_one_survey_destination_and_closes_its_task(db: TestDatabase) {
    let w = world(&db).await;
    let id = invite(&db, &w, &"a".repeat(64), Duration::days(90)).await;
    let fresh = open_link(db.conn(), &"a".repeat(64))
        .await
        .expect("open")
        .expect("the link opens");
    assert!(fresh.saved.is_empty(), "nothing saved yet");
    let answers = answer(&db, &w, id, EMPLOYED).await;
    // Saving the first page again keeps its place (pages come in the order first saved).
    answer(&db, &w, id, &EMPLOYED[..1]).await;
    assert_eq!(saved_pages(db.conn(), w.org, id).await.expect("pages").len(), 5);
    let started = invitation(db.conn(), w.org, id).await.expect("invitation");
    assert!(started.started_at.is_some() && started.completed_at.is_none());
    // The learner site's one query: the invitation, learner, organisation and
    // saved pages, the pages in the order first saved.
    let opened = open_link(db.conn(), &"a".repeat(64))
        .await
        .expect("open")
        .expect("the link opens");
    assert_eq!(opened.invitation, started);
    assert_eq!(opened.given_name, "Siân");
    assert_eq!(opened.country, CountryCode::gb());
    assert_eq!(opened.organisation_name, "surveys organisation");
    assert_eq!(
        opened.saved,
        saved_pages(db.conn(), w.org, id).await.expect("pages")
    );
    let order: Vec<&str> = opened.saved.iter().map(|page| page.page_id.as_str()).collect();
    assert_eq!(order, ["activity", "job", "contact", "alumni", "keep-in-touch"]);
    assert!(
        opened.saved[3].answers_json.contains("<b>I got a job</b>"),
        "answers come back as saved: {}",
        opened.saved[3].answers_json
    );
    assert!(
        open_link(db.conn(), &"b".repeat(64))
            .await
            .expect("open")
            .is_none()
    );
    let out = outcome(six_month(), &answers, today());
    let Completion::Done {
        destination: Some(record_id),
        referral: None,
        answered,
    } = complete(&db, &w, id, &out).await
    else {
        panic!("the first submission completes the survey");
    };
    assert!(answered.contains(&w.task), "the checkpoint's task is closed");
    let history = destination_history(db.conn(), w.org, w.learner)
        .await
        .expect("history");
    assert_eq!(history.len(), 1, "exactly one destination record");
    let record = &history[0].record;
    assert_eq!(record.source, DestinationSource::Survey);
    assert_eq!(record.verification, Verification::LearnerConfirmed);
    assert_eq!(record.category, DestinationCategory::EmploymentFullTime);
    assert_eq!(record.employer.as_deref(), Some("Acme Ltd"));
    assert_eq!(
        record_survey(db.conn(), w.org, record_id).await.expect("survey"),
        Some(("follow-up-3-6-month".to_owned(), 1))
    );
    assert_eq!(
        task_progress(db.conn(), w.org, w.task)
            .await
            .expect("task")
            .status,
        TaskStatus::Done
    );
    assert_eq!(
        task_answered_by(db.conn(), w.org, w.task).await.expect("task"),
        Some(record_id)
    );
    let done = invitation(db.conn(), w.org, id).await.expect("invitation");
    assert_eq!(done.state(Utc::now()), LinkState::Completed);
    assert_eq!(done.destination_record, Some(record_id));
    // Alumni story kept as typed (inert), consent recorded.
    let alumni = alumni_for_learner(db.conn(), w.org, w.learner)
        .await
        .expect("alumni");
    assert_eq!(alumni.len(), 1);
    assert_eq!(alumni[0].story.as_deref(), Some("<b>I got a job</b>"));
    assert_eq!((alumni[0].opt_in, alumni[0].publish), (Some(true), Some(true)));
    let consents = consents_for_learner(db.conn(), w.org, w.learner)
        .await
        .expect("consents");
    assert_eq!(consents.len(), 1);
    assert_eq!((consents[0].0.as_str(), consents[0].1), ("opt_out", false));

    // A completed survey takes no more answers, and a second submit writes nothing.
    assert!(
        !save_page(db.conn(), w.org, id, "activity", "{}")
            .await
            .expect("save")
    );
    assert_eq!(complete(&db, &w, id, &out).await, Completion::AlreadyCompleted);
    assert_eq!(
        destination_history(db.conn(), w.org, w.learner)
            .await
            .expect("history")
            .len(),
        1
    );
    assert_eq!(
        alumni_for_learner(db.conn(), w.org, w.learner)
            .await
            .expect("alumni")
            .len(),
        1
    );
    assert_eq!(
        contact_changes_for_learner(db.conn(), w.org, w.learner)
            .await
            .expect("changes")
            .len(),
        3
    );
}

async fn two_submits_at_once_write_one_set_of_records(db: TestDatabase) {
    let w = world(&db).await;
    let id = invite(&db, &w, &"b".repeat(64), Duration::days(90)).await;
    let answers = answer(&db, &w, id, EMPLOYED).await;
    let out = outcome(six_month(), &answers, today());
    let (first, second) = tokio::join!(complete(&db, &w, id, &out), complete(&db, &w, id, &out));
    let done = [&first, &second]
        .iter()
        .filter(|c| matches!(c, Completion::Done { .. }))
        .count();
    assert_eq!(done, 1, "{first:?} / {second:?}");
    assert!([&first, &second].contains(&&Completion::AlreadyCompleted));
    assert_eq!(
        destination_history(db.conn(), w.org, w.learner)
            .await
            .expect("history")
            .len(),
        1
    );
    assert_eq!(db.count_rows("survey_contact_changes").await, 3);
    assert_eq!(db.count_rows("survey_alumni").await, 1);
    assert_eq!(db.count_rows("survey_consents").await, 1);
}

async fn proposed_contact_changes_wait_for_staff(db: TestDatabase) {
    let w = world(&db).await;
    let id = invite(&db, &w, &"c".repeat(64), Duration::days(90)).await;
    let answers = answer(&db, &w, id, EMPLOYED).await;
    complete(&db, &w, id, &outcome(six_month(), &answers, today())).await;
    let before = contact_points(db.conn(), w.org, w.learner).await.expect("points");
    assert_eq!(before.len(), 1, "only the fixture's phone: nothing changed yet");
    let changes = contact_changes_for_learner(db.conn(), w.org, w.learner)
        .await
        .expect("changes");
    assert_eq!(changes.len(), 3);
    assert!(
        changes.iter().all(|change| change.decision.is_none()),
        "all wait for staff"
    );
    let email = changes
        .iter()
        .find(|change| change.kind == ContactPointKind::Email)
        .expect("email");
    let mobile = changes
        .iter()
        .find(|change| change.kind == ContactPointKind::Phone)
        .expect("mobile");
    assert_eq!(mobile.value, "+447700900555");
    let accepted = decide_contact_change(
        db.conn(),
        w.org,
        w.learner,
        email.id,
        Decision::Accepted,
        Some(w.user),
    )
    .await
    .expect("accept");
    assert!(
        matches!(accepted, Some(Some(_))),
        "accepting adds a contact point"
    );
    let rejected = decide_contact_change(
        db.conn(),
        w.org,
        w.learner,
        mobile.id,
        Decision::Rejected,
        Some(w.user),
    )
    .await
    .expect("reject");
    assert_eq!(rejected, Some(None));
    assert_eq!(
        decide_contact_change(
            db.conn(),
            w.org,
            w.learner,
            email.id,
            Decision::Rejected,
            Some(w.user)
        )
        .await
        .expect("again"),
        None,
        "a decided change stays decided"
    );
    let after = contact_points(db.conn(), w.org, w.learner).await.expect("points");
    assert_eq!(after.len(), 2);
    assert!(after.iter().any(|point| point.value == "sian@example.com"));
    assert!(!after.iter().any(|point| point.value == "+447700900555"));
    // Another organisation cannot decide this learner's changes.
    let other = fixtures::organisation(db.conn(), "other").await;
    let address = changes
        .iter()
        .find(|change| change.kind == ContactPointKind::Address)
        .expect("address");
    assert_eq!(
        decide_contact_change(
            db.conn(),
            other.id,
            w.learner,
            address.id,
            Decision::Accepted,
            None
        )
        .await
        .expect("other org"),
        None
    );
}

async fn asking_for_support_opens_a_referral_for_staff(db: TestDatabase) {
    let w = world(&db).await;
    let id = invite(&db, &w, &"d".repeat(64), Duration::days(90)).await;
    let answers = answer(
        &db,
        &w,
        id,
        &[
            ("activity", &[("activity", "looking")]),
            (
                "support",
                &[
                    ("support", "finding-work"),
                    ("support", "careers-guidance"),
                    ("support-notes", "Mornings"),
                ],
            ),
            ("contact", &[]),
            ("alumni", &[]),
            ("keep-in-touch", &[("optout", "stop")]),
        ],
    )
    .await;
    let Completion::Done {
        referral: Some(referral),
        ..
    } = complete(&db, &w, id, &outcome(six_month(), &answers, today())).await
    else {
        panic!("asking for support opens a referral");
    };
    let referrals = referrals_for_learner(db.conn(), w.org, w.learner)
        .await
        .expect("referrals");
    assert_eq!(referrals.len(), 1);
    assert_eq!(referrals[0].id, referral);
    assert_eq!(
        referrals[0].owner,
        Some(w.user),
        "the maker of the link follows it up"
    );
    let notes = referrals[0].notes.clone().unwrap_or_default();
    assert!(
        notes.contains("Finding a job") && notes.contains("Mornings"),
        "{notes}"
    );
    let history = destination_history(db.conn(), w.org, w.learner)
        .await
        .expect("history");
    assert_eq!(history[0].record.category, DestinationCategory::NeetSeeking);
    assert!(
        onward_storage::repo::calls::opted_out_at(db.conn(), w.org, w.learner)
            .await
            .expect("opted out")
            .is_some(),
        "choosing to stop contact opts the learner out"
    );
    // No support asked: no referral.
    let quiet = invite(&db, &w, &"e".repeat(64), Duration::days(90)).await;
    let answers = answer(
        &db,
        &w,
        quiet,
        &[
            ("activity", &[("activity", "looking")]),
            ("support", &[("support", "none")]),
            ("contact", &[]),
            ("alumni", &[]),
            ("keep-in-touch", &[("optout", "keep")]),
        ],
    )
    .await;
    assert!(matches!(
        complete(&db, &w, quiet, &outcome(six_month(), &answers, today())).await,
        Completion::Done { referral: None, .. }
    ));
    assert_eq!(
        referrals_for_learner(db.conn(), w.org, w.learner)
            .await
            .expect("referrals")
            .len(),
        1
    );
}

async fn links_expire_and_can_be_revoked(db: TestDatabase) {
    let w = world(&db).await;
    let expired = invite(&db, &w, &"f".repeat(64), Duration::seconds(-1)).await;
    let found = invitation_by_token_hash(db.conn(), &"f".repeat(64))
        .await
        .expect("lookup")
        .expect("found by hash");
    assert_eq!(found.id, expired);
    assert_eq!(found.state(Utc::now()), LinkState::Expired);
    assert!(
        !save_page(db.conn(), w.org, expired, "activity", "{}")
            .await
            .expect("save")
    );
    let out = Outcome::default();
    assert_eq!(complete(&db, &w, expired, &out).await, Completion::NotOpen);
    assert!(
        invitation_by_token_hash(db.conn(), &"0".repeat(64))
            .await
            .expect("lookup")
            .is_none()
    );

    let open = invite(&db, &w, &"9".repeat(64), Duration::days(90)).await;
    assert_eq!(
        invitation(db.conn(), w.org, open)
            .await
            .expect("open")
            .state(Utc::now()),
        LinkState::Open
    );
    let other = fixtures::organisation(db.conn(), "elsewhere").await;
    assert!(
        !revoke_invitation(db.conn(), other.id, w.learner, open)
            .await
            .expect("other org"),
        "another organisation cannot revoke it"
    );
    assert!(
        revoke_invitation(db.conn(), w.org, w.learner, open)
            .await
            .expect("revoke")
    );
    assert!(
        !revoke_invitation(db.conn(), w.org, w.learner, open)
            .await
            .expect("again")
    );
    assert_eq!(
        invitation(db.conn(), w.org, open)
            .await
            .expect("revoked")
            .state(Utc::now()),
        LinkState::Revoked
    );
    assert!(
        !save_page(db.conn(), w.org, open, "activity", "{}")
            .await
            .expect("save")
    );
    assert_eq!(complete(&db, &w, open, &out).await, Completion::NotOpen);
    assert_eq!(db.count_rows("destination_records").await, 0);
}

async fn response_counts_per_checkpoint(db: TestDatabase) {
    let w = world(&db).await;
    let done = invite(&db, &w, &"1".repeat(64), Duration::days(90)).await;
    let answers = answer(&db, &w, done, EMPLOYED).await;
    complete(&db, &w, done, &outcome(six_month(), &answers, today())).await;
    let started = invite(&db, &w, &"2".repeat(64), Duration::days(90)).await;
    answer(&db, &w, started, &EMPLOYED[..1]).await;
    invite(&db, &w, &"3".repeat(64), Duration::days(90)).await;
    let revoked = invite(&db, &w, &"4".repeat(64), Duration::days(90)).await;
    revoke_invitation(db.conn(), w.org, w.learner, revoked)
        .await
        .expect("revoke");
    let counts = cohort_response_counts(db.conn(), w.org, w.cohort)
        .await
        .expect("counts");
    assert_eq!(counts.len(), 1);
    let row = &counts[0];
    assert_eq!(row.checkpoint, Some(w.checkpoint));
    assert_eq!(row.checkpoint_name.as_deref(), Some("3–6 month follow-up"));
    assert_eq!((row.invited, row.started, row.completed), (3, 2, 1));
    assert_eq!(row.response_rate(), 33);
}

on_both_backends!(
    a_completed_six_month_survey_writes_one_survey_destination_and_closes_its_task,
    two_submits_at_once_write_one_set_of_records,
    proposed_contact_changes_wait_for_staff,
    asking_for_support_opens_a_referral_for_staff,
    links_expire_and_can_be_revoked,
    response_counts_per_checkpoint,
);
