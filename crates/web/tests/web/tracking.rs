//! Tracking over HTTP, on both backends: a destination learned by any route
//! closes the task it answers (issue 13 item 18), destinations by hand with
//! corrections, verification and offer history (item 22), adding a learner by
//! hand with the import's checks (item 23), and the first administrator's
//! one-time setup link (item 19).

use chrono::NaiveDate;
use onward_domain::contact::ContactChannel;
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TaskStatus, TrackingPlan};
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::calls::{open_tasks, task_progress};
use onward_storage::repo::destinations::{destination_history, task_answered_by};
use onward_storage::{LearnerId, OrganisationId, TaskId};
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// One checkpoint on `channels` only (no phone: the call queue never sees it).
fn plan(anchor: Anchor, offset_days: i32, channels: &[ContactChannel]) -> TrackingPlan {
    TrackingPlan {
        name: "Routes".to_owned(),
        description: String::new(),
        checkpoints: vec![Checkpoint {
            key: "check".to_owned(),
            name: "The check".to_owned(),
            anchor,
            fixed_month_day: None,
            offset_days,
            channels: channels.to_vec(),
            responsible: Role::ProgressionLead,
            max_attempts: 2,
            survey: None,
        }],
    }
}

/// Signed in as a progression lead, with leavers of March 2025 on `plan`
/// (tasks generated): the learners and each one's open task.
async fn leavers_with_tasks(
    db: TestDatabase,
    plan: &TrackingPlan,
    names: &[&str],
) -> (TestApp, OrganisationId, Vec<(LearnerId, TaskId)>) {
    let (app, org) = TestApp::signed_in(db, "tracking", Role::ProgressionLead).await;
    let queue = fixtures::leavers_due_a_call(app.db.conn(), org.id, plan, names).await;
    let open = open_tasks(
        app.db.conn(),
        org.id,
        queue.plan.checkpoints[0].id,
        date(2026, 11, 1),
    )
    .await
    .expect("open tasks");
    let tasks = queue
        .learners
        .iter()
        .map(|learner| {
            let task = open
                .iter()
                .find(|(_, _, l)| l == learner)
                .map(|(task, _, _)| *task)
                .expect("an open task for every leaver");
            (*learner, task)
        })
        .collect();
    (app, org.id, tasks)
}

async fn status_and_link(app: &TestApp, org: OrganisationId, task: TaskId) -> (TaskStatus, Option<i64>) {
    let status = task_progress(app.db.conn(), org, task)
        .await
        .expect("task")
        .status;
    let link = task_answered_by(app.db.conn(), org, task)
        .await
        .expect("task")
        .map(|id| id.0);
    (status, link)
}

async fn latest_record(app: &TestApp, org: OrganisationId, learner: LearnerId) -> i64 {
    destination_history(app.db.conn(), org, learner)
        .await
        .expect("history")
        .iter()
        .max_by_key(|stored| stored.id.0)
        .expect("a record")
        .id
        .0
}

async fn the_known_form_closes_an_email_stage_task_and_links_the_record(db: TestDatabase) {
    let plan = plan(Anchor::Leaving, 90, &[ContactChannel::Email, ContactChannel::Sms]);
    let (app, org, tasks) = leavers_with_tasks(db, &plan, &["Known", "Other"]).await;
    let (learner, task) = tasks[0];
    let (_, page) = app.get_text(&format!("/learners/{learner}")).await;
    let csrf = csrf_from(&page).expect("csrf");
    let saved = app
        .post_form(
            &format!("/learners/{learner}/known"),
            &[
                ("csrf", &csrf),
                ("category", "edu_fe_full_time"),
                ("source", "sibling_peer"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let record = latest_record(&app, org, learner).await;
    assert_eq!(
        status_and_link(&app, org, task).await,
        (TaskStatus::Done, Some(record)),
        "the email-stage task is done and names the record"
    );
    assert_eq!(
        status_and_link(&app, org, tasks[1].1).await,
        (TaskStatus::Due, None),
        "another learner's task is untouched"
    );
}

async fn an_intention_recorded_in_person_closes_the_intention_task(db: TestDatabase) {
    // Due 30 days before the planned end (1 March 2025): it asks what they intend.
    let plan = plan(Anchor::PlannedEnd, -30, &[ContactChannel::InPerson]);
    let (app, org, tasks) = leavers_with_tasks(db, &plan, &["Intends"]).await;
    let (learner, task) = tasks[0];
    let (_, form) = app.get_text(&format!("/learners/{learner}/intentions/new")).await;
    let csrf = csrf_from(&form).expect("csrf");
    let intention = |day: &'static str, month: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("stage", "exit".to_owned()),
            ("category", "apprenticeship".to_owned()),
            ("day", day.to_owned()),
            ("month", month.to_owned()),
            ("year", "2025".to_owned()),
        ]
    };
    // More than two weeks before it falls due (30 January 2025): not an answer.
    let early = intention("2", "1");
    let early: Vec<(&str, &str)> = early.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&format!("/learners/{learner}/intentions"), &early)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_and_link(&app, org, task).await, (TaskStatus::Due, None));
    let on_time = intention("25", "1");
    let on_time: Vec<(&str, &str)> = on_time.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&format!("/learners/{learner}/intentions"), &on_time)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let record = latest_record(&app, org, learner).await;
    assert_eq!(
        status_and_link(&app, org, task).await,
        (TaskStatus::Done, Some(record)),
        "an intention five days before the in-person check answers it"
    );
}

fn destination_form<'a>(csrf: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("kind", "actual"),
        ("category", "apprenticeship"),
        ("day", "20"),
        ("month", "9"),
        ("year", "2025"),
        ("start_date", "1/9/2025"),
        ("employer", "Aire Logistics"),
        ("job_role", "Apprentice technician"),
        ("hours_per_week", "37"),
        ("sector", "4"),
        ("course", "Engineering technician"),
        ("level", "3"),
        ("source", "results_day"),
        ("verification", "unverified"),
        ("notes", "Told us on results day"),
    ];
    for (key, value) in extra {
        if let Some(slot) = form.iter_mut().find(|(k, _)| k == key) {
            slot.1 = value;
        } else {
            form.push((key, value));
        }
    }
    form
}

async fn the_manual_form_records_every_field_closes_the_task_and_corrections_keep_history(db: TestDatabase) {
    let plan = plan(Anchor::Leaving, 90, &[ContactChannel::Letter]);
    let (app, org, tasks) = leavers_with_tasks(db, &plan, &["Manual"]).await;
    let (learner, task) = tasks[0];
    let (status, form) = app
        .get_text(&format!("/learners/{learner}/destinations/new"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for source in [
        "Results day",
        "September roll-call",
        "UCAS",
        "Sibling or peer",
        "Social media",
        "Staff knowledge",
    ] {
        assert!(form.contains(source), "the form offers {source}");
    }
    let csrf = csrf_from(&form).expect("csrf");
    let path = format!("/learners/{learner}/destinations");

    // Problems are named by field, and nothing is written.
    let refused = app
        .post_form(
            &path,
            &destination_form(
                &csrf,
                &[
                    ("hours_per_week", "200"),
                    ("end_date", "1/8/2025"),
                    ("source", ""),
                ],
            ),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("body");
    assert!(page.contains("href=\"#hours_per_week\""), "{page}");
    assert!(page.contains("href=\"#end_date\"") && page.contains("href=\"#source\""));
    assert!(
        destination_history(app.db.conn(), org, learner)
            .await
            .expect("history")
            .is_empty()
    );

    let saved = app.post_form(&path, &destination_form(&csrf, &[])).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let history = destination_history(app.db.conn(), org, learner)
        .await
        .expect("history");
    let first = &history[0];
    assert_eq!(first.record.course.as_deref(), Some("Engineering technician"));
    assert_eq!(first.record.level.map(|l| l.code()), Some("3"));
    assert_eq!(first.record.sector.map(|s| s.code()), Some("4"));
    assert_eq!(first.record.hours_per_week, Some(37));
    assert_eq!(first.record.source.code(), "results_day");
    assert_eq!(
        status_and_link(&app, org, task).await,
        (TaskStatus::Done, Some(first.id.0)),
        "the manual form is a route like any other"
    );

    // A correction is a new record naming the old one; both stay.
    let (_, correct) = app
        .get_text(&format!(
            "/learners/{learner}/destinations/new?corrects={}",
            first.id
        ))
        .await;
    assert!(correct.contains("Aire Logistics") && correct.contains("Engineering technician"));
    let corrects = first.id.0.to_string();
    let corrected = app
        .post_form(
            &path,
            &destination_form(
                &csrf,
                &[("employer", "Aire Engineering"), ("corrects", &corrects)],
            ),
        )
        .await;
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    let history = destination_history(app.db.conn(), org, learner)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].record.employer.as_deref(), Some("Aire Logistics"));
    assert_eq!(history[1].record.employer.as_deref(), Some("Aire Engineering"));
    assert_eq!(history[1].corrects, Some(first.id));
    assert_eq!(
        count_audit_events(
            app.db.conn(),
            org,
            "learner.destination_corrected",
            Some(learner.0)
        )
        .await
        .expect("count"),
        1
    );
    let (_, record) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(
        record.contains("Corrects: Apprenticeship as of 20/09/2025"),
        "the timeline says so"
    );
}

async fn verification_is_upgraded_only_upwards_with_evidence(db: TestDatabase) {
    let plan = plan(Anchor::Leaving, 90, &[ContactChannel::Email]);
    let (app, org, tasks) = leavers_with_tasks(db, &plan, &["Verified"]).await;
    let (learner, _) = tasks[0];
    let (_, form) = app
        .get_text(&format!("/learners/{learner}/destinations/new"))
        .await;
    let csrf = csrf_from(&form).expect("csrf");
    app.post_form(
        &format!("/learners/{learner}/destinations"),
        &destination_form(&csrf, &[("verification", "learner_confirmed")]),
    )
    .await;
    let record = latest_record(&app, org, learner).await;
    let path = format!("/learners/{learner}/destinations/{record}/verify");
    let (status, page) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("value=\"unverified\""), "no downgrade is offered");
    let no_evidence = app
        .post_form(&path, &[("csrf", &csrf), ("verification", "evidence_attached")])
        .await;
    assert_eq!(no_evidence.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let downgrade = app
        .post_form(
            &path,
            &[("csrf", &csrf), ("verification", "unverified"), ("evidence", "x")],
        )
        .await;
    assert_eq!(downgrade.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let upgraded = app
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("verification", "third_party_confirmed"),
                ("evidence", "Enrolment confirmed by the college's admissions team"),
            ],
        )
        .await;
    assert_eq!(upgraded.status(), StatusCode::SEE_OTHER);
    let history = destination_history(app.db.conn(), org, learner)
        .await
        .expect("history");
    assert_eq!(history.len(), 1, "verifying adds no record");
    assert_eq!(history[0].record.verification.code(), "third_party_confirmed");
    let (_, timeline) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(
        timeline.contains("Enrolment confirmed by the college&#39;s admissions team")
            || timeline.contains("Enrolment confirmed by the college's admissions team")
    );
    assert_eq!(
        count_audit_events(
            app.db.conn(),
            org,
            "learner.destination_verified",
            Some(learner.0)
        )
        .await
        .expect("count"),
        1
    );
    // Tutors record but do not verify.
    let tutor = app.new_client();
    fixtures::user(
        app.db.conn(),
        &onward_storage::repo::organisations::organisation(app.db.conn(), org)
            .await
            .expect("org"),
        Role::Tutor,
        "tutor@tracking.example",
    )
    .await;
    tutor.sign_in("tutor@tracking.example", fixtures::PASSWORD).await;
    assert_eq!(tutor.get(&path).await.status(), StatusCode::FORBIDDEN);
}

async fn offer_status_changes_keep_their_history(db: TestDatabase) {
    use onward_domain::support::OfferStatus;
    use onward_storage::repo::guarantee::{NewOffer, offer_history, record_offer};
    let (app, org) = TestApp::signed_in(db, "offers", Role::IagAdviser).await;
    let learner = onward_storage::repo::learners::insert_learner(
        app.db.conn(),
        org.id,
        &fixtures::new_learner("Ola", "Offered", None, Some("O1")),
    )
    .await
    .expect("learner");
    let offer = record_offer(
        app.db.conn(),
        org.id,
        learner,
        &NewOffer {
            provider: "Leeds City College".to_owned(),
            course: None,
            status: OfferStatus::Applied,
        },
        None,
    )
    .await
    .expect("offer");
    let (_, page) = app.get_text(&format!("/learners/{learner}")).await;
    let csrf = csrf_from(&page).expect("csrf");
    for status in ["offered", "offered", "accepted"] {
        let moved = app
            .post_form(
                &format!("/learners/{learner}/offers/status"),
                &[
                    ("csrf", &csrf),
                    ("offer", &offer.0.to_string()),
                    ("status", status),
                ],
            )
            .await;
        assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    }
    let history = offer_history(app.db.conn(), org.id, learner)
        .await
        .expect("history");
    let statuses: Vec<OfferStatus> = history[&offer].iter().map(|change| change.status).collect();
    assert_eq!(
        statuses,
        [OfferStatus::Applied, OfferStatus::Offered, OfferStatus::Accepted],
        "each change kept once, the repeat changed nothing"
    );
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "learner.offer_updated", Some(learner.0))
            .await
            .expect("count"),
        2
    );
    let (_, record) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(
        record.contains("Earlier:"),
        "the record shows the earlier statuses"
    );
}

async fn a_learner_added_by_hand_is_checked_like_an_import(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "byhand", Role::IagAdviser).await;
    let programme = fixtures::programme(
        app.db.conn(),
        org.id,
        "ESOL Entry 3",
        onward_domain::programme::ProgrammeType::Esol,
    )
    .await;
    let cohort = onward_storage::repo::cohorts::create_cohort(
        app.db.conn(),
        org.id,
        &onward_storage::repo::cohorts::NewCohort {
            name: "ESOL 2026".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let (status, form) = app.get_text("/learners/new").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let (programme, cohort) = (programme.0.to_string(), cohort.0.to_string());
    let learner = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        let mut fields: Vec<(&'static str, String)> = vec![
            ("csrf", csrf.clone()),
            ("given_name", "Amira".to_owned()),
            ("family_name", "Haddad".to_owned()),
            ("uln", "9276308686".to_owned()),
            ("day", "14".to_owned()),
            ("month", "5".to_owned()),
            ("year", "1990".to_owned()),
            ("postcode", "ls6 2ab".to_owned()),
            ("mobile", "07700 900123".to_owned()),
            ("programme", programme.clone()),
            ("cohort", cohort.clone()),
            ("start_date", "6/1/2026".to_owned()),
            ("planned_end_date", "27/3/2026".to_owned()),
        ];
        for (key, value) in extra {
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = (*value).to_owned(),
                None => fields.push((key, (*value).to_owned())),
            }
        }
        fields
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/learners/new", &borrowed).await
        }
    };
    // The import's own messages: a ULN with a wrong check digit, an end before the start.
    let refused = post(learner(&[
        ("uln", "9276308687"),
        ("planned_end_date", "1/1/2026"),
    ]))
    .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("body");
    assert!(
        page.contains("href=\"#uln\"") && page.contains("href=\"#planned_end_date\""),
        "{page}"
    );
    assert_eq!(
        onward_storage::repo::learners::count_learners(app.db.conn(), org.id)
            .await
            .expect("count"),
        0
    );

    let added = post(learner(&[])).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let location = added
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .to_owned();
    let id: i64 = location
        .trim_start_matches("/learners/")
        .parse()
        .expect("learner id");
    let stored = onward_storage::repo::learners::learner(app.db.conn(), org.id, LearnerId(id))
        .await
        .expect("learner");
    assert_eq!(
        stored.postcode.as_deref(),
        Some("LS6 2AB"),
        "normalised as the import does"
    );
    let phones = onward_storage::repo::contacts::contact_points(app.db.conn(), org.id, stored.id)
        .await
        .expect("contacts");
    assert_eq!(phones[0].value, "+447700900123");
    let enrolments =
        onward_storage::repo::enrolments::enrolments_for_learner(app.db.conn(), org.id, stored.id)
            .await
            .expect("enrolments");
    assert_eq!(enrolments.len(), 1);
    assert_eq!(enrolments[0].programme_title, "ESOL Entry 3");
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "learner.create", Some(id))
            .await
            .expect("count"),
        1
    );

    // The same ULN again is refused with a link to the learner, never merged.
    let again = post(learner(&[("given_name", "Someone"), ("family_name", "Else")])).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = again.text().await.expect("body");
    assert!(
        page.contains(&format!("href=\"/learners/{id}\"")),
        "links the existing learner"
    );
    assert_eq!(
        onward_storage::repo::learners::count_learners(app.db.conn(), org.id)
            .await
            .expect("count"),
        1
    );
}

async fn the_setup_link_creates_the_first_organisation_and_admin_once(db: TestDatabase) {
    let token = onward_web::issue_setup_token(&db.database)
        .await
        .expect("token")
        .expect("no administrator yet");
    let app = TestApp::spawn(db).await;
    let path = format!("/setup/{token}");
    let (status, page) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&page).expect("csrf");
    let fields = [
        ("csrf", csrf.as_str()),
        ("organisation_name", "St Mary's School"),
        ("slug", ""),
        ("kind", "school"),
        ("country", "GB"),
        ("plans", "shipped"),
        ("admin_name", "Ada Admin"),
        ("email", "ada@stmarys.example"),
        ("password", "correct horse battery staple"),
        ("confirm", "correct horse battery staple"),
    ];
    let mismatched: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| {
            if k == "confirm" {
                (k, "something else entirely")
            } else {
                (k, v)
            }
        })
        .collect();
    assert_eq!(
        app.post_form(&path, &mismatched).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a form error does not use the link up"
    );
    let done = app.post_form(&path, &fields).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let organisation =
        onward_storage::repo::organisations::organisation_by_slug(app.db.conn(), "st-mary-s-school")
            .await
            .expect("lookup")
            .expect("the organisation");
    let plans = onward_storage::repo::plans::list_plans(app.db.conn(), organisation.id)
        .await
        .expect("plans");
    assert_eq!(plans.len(), 1, "a school gets the school leavers plan");
    assert_eq!(
        app.sign_in("ada@stmarys.example", "correct horse battery staple")
            .await
            .status(),
        StatusCode::SEE_OTHER,
        "the administrator signs in"
    );
    // Used once: the same link is gone, and no new link is issued now.
    let visitor = app.new_client();
    assert_eq!(visitor.get(&path).await.status(), StatusCode::GONE);
    assert!(
        onward_web::issue_setup_token(&app.db.database)
            .await
            .expect("check")
            .is_none()
    );
}

async fn a_setup_link_is_refused_when_expired_or_once_an_admin_exists(db: TestDatabase) {
    let expired = "e".repeat(64);
    onward_storage::repo::setup::create_setup_token(
        db.conn(),
        &onward_web_token_hash(&expired),
        onward_storage::repo::now() - chrono::Duration::minutes(1),
    )
    .await
    .expect("expired token");
    let token = onward_web::issue_setup_token(&db.database)
        .await
        .expect("token")
        .expect("no administrator yet");
    let org = fixtures::organisation(db.conn(), "already").await;
    fixtures::user(db.conn(), &org, Role::Admin, "admin@already.example").await;
    let app = TestApp::spawn(db).await;
    assert_eq!(
        app.get(&format!("/setup/{expired}")).await.status(),
        StatusCode::GONE
    );
    let (status, _) = app.get_text(&format!("/setup/{token}")).await;
    assert_eq!(status, StatusCode::GONE, "an administrator exists now");
    let (_, login) = app.get_text("/login").await;
    let csrf = csrf_from(&login).expect("csrf");
    let refused = app
        .post_form(
            &format!("/setup/{token}"),
            &[
                ("csrf", &csrf),
                ("organisation_name", "Intruder"),
                ("kind", "school"),
                ("country", "GB"),
                ("admin_name", "Mallory"),
                ("email", "mallory@evil.example"),
                ("password", "correct horse battery staple"),
                ("confirm", "correct horse battery staple"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::GONE);
    assert!(
        onward_storage::repo::organisations::organisation_by_slug(app.db.conn(), "intruder")
            .await
            .expect("lookup")
            .is_none()
    );
}

/// The SHA-256 hex the web crate stores for a link token.
fn onward_web_token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

on_both_backends!(
    the_known_form_closes_an_email_stage_task_and_links_the_record,
    an_intention_recorded_in_person_closes_the_intention_task,
    the_manual_form_records_every_field_closes_the_task_and_corrections_keep_history,
    verification_is_upgraded_only_upwards_with_evidence,
    offer_status_changes_keep_their_history,
    a_learner_added_by_hand_is_checked_like_an_import,
    the_setup_link_creates_the_first_organisation_and_admin_once,
    a_setup_link_is_refused_when_expired_or_once_an_admin_exists,
);
