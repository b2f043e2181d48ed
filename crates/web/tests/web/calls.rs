//! The call queue and plan editing over HTTP, on both backends.

use futures::future::join_all;
use onward_domain::role::Role;
use onward_domain::tracking::shipped_plans;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::contacts::contact_attempts;
use onward_storage::repo::destinations::destination_history;
use onward_storage::repo::organisations::organisation;
use onward_storage::repo::plans::plan_summaries;
use onward_storage::{CheckpointId, CohortId, LearnerId, OrganisationId};
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

async fn signed_in(db: TestDatabase, role: Role) -> (TestApp, OrganisationId) {
    let (app, org) = TestApp::signed_in(db, "calls", role).await;
    (app, org.id)
}

/// Adult leavers of March 2025 on the 5-stage plan: their 3–6 month follow-up
/// (email, SMS, then phone) is long due. Returns the follow-up checkpoint.
async fn leavers(
    app: &TestApp,
    org: OrganisationId,
    names: &[&str],
) -> (CheckpointId, CohortId, Vec<LearnerId>) {
    let mut plan = shipped_plans().remove(0);
    // This organisation rings first for the follow-up.
    plan.checkpoints[3].channels = vec![onward_domain::contact::ContactChannel::Phone];
    let queue = fixtures::leavers_due_a_call(app.db.conn(), org, &plan, names).await;
    (queue.plan.checkpoints[3].id, queue.cohort, queue.learners)
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker).unwrap_or_else(|| panic!("{name} in page")) + marker.len();
    page[at..at + page[at..].find('"').expect("quote")].to_owned()
}

async fn a_call_is_recorded_once_and_the_queue_moves_on(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::ProgressionLead).await;
    let (checkpoint, cohort, learners) = leavers(&app, org, &["Ada", "Ben"]).await;

    // Reachable from My work and from the cohort page.
    let (_, work) = app.get_text("/work").await;
    assert!(work.contains(&format!("href=\"/calls/{checkpoint}\"")), "{work}");
    let (_, cohort_page) = app.get_text(&format!("/cohorts/{cohort}")).await;
    assert!(cohort_page.contains(&format!("/calls/{checkpoint}?cohort={cohort}")));

    let queue = format!("/calls/{checkpoint}?cohort={cohort}");
    let (status, page) = app.get_text(&queue).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Call Ada Leaver") && page.contains("+447700900100"),
        "{page}"
    );
    assert!(
        page.contains("what are you doing now?"),
        "an actual destination is asked for"
    );
    let csrf = csrf_from(&page).expect("csrf");
    let key = hidden(&page, "key");
    let task = hidden(&page, "task");
    let cohort_field = cohort.to_string();

    // A destination with a no-answer outcome is refused with the error summary.
    let refused = app
        .post_form(
            &format!("/calls/{checkpoint}"),
            &[
                ("csrf", &csrf),
                ("key", &key),
                ("task", &task),
                ("cohort", &cohort_field),
                ("outcome", "no_answer"),
                ("category", "emp_full_time"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("govuk-error-summary")
            && body.contains("only record what they are doing when you reached them")
    );
    assert!(
        body.contains("Call Ada Leaver"),
        "the same learner is shown again"
    );
    assert!(
        contact_attempts(app.db.conn(), org, learners[0])
            .await
            .expect("attempts")
            .is_empty()
    );

    let reached = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("task", task.as_str()),
        ("cohort", cohort_field.as_str()),
        ("outcome", "reached"),
        ("category", "emp_full_time"),
        ("place", "Aire Logistics"),
        ("job_role", "Warehouse supervisor"),
        ("day", "1"),
        ("month", "9"),
        ("year", "2025"),
        ("notes", "Started in September"),
    ];
    let saved = app.post_form(&format!("/calls/{checkpoint}"), &reached).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let location = saved.headers()["location"].to_str().expect("location").to_owned();
    assert_eq!(
        location,
        format!("/calls/{checkpoint}?cohort={cohort}&saved={}", learners[0])
    );
    // The same form again (a double click): nothing more, the same redirect.
    let again = app.post_form(&format!("/calls/{checkpoint}"), &reached).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.headers()["location"].to_str().expect("location"), location);
    let conn = app.db.conn();
    assert_eq!(
        contact_attempts(conn, org, learners[0])
            .await
            .expect("attempts")
            .len(),
        1
    );
    let history = destination_history(conn, org, learners[0])
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].record.employer.as_deref(), Some("Aire Logistics"));
    assert_eq!(
        count_audit_events(conn, org, "learner.call_recorded", Some(learners[0].0))
            .await
            .expect("audit"),
        1
    );

    // The queue moves on to Ben, with a confirmation for Ada.
    let (_, page) = app.get_text(&location).await;
    assert!(page.contains("Call to Ada Leaver saved."), "{page}");
    assert!(page.contains("Call Ben Leaver"), "{page}");
    let (_, record) = app.get_text(&format!("/learners/{}", learners[0])).await;
    assert!(record.contains("Source: Phone call") && record.contains("Confirmed by the learner"));

    // Ben: a wrong number, and (through a relative) a request not to be called again.
    let wrong = app
        .post_form(
            &format!("/calls/{checkpoint}"),
            &[
                ("csrf", &csrf),
                ("key", &hidden(&page, "key")),
                ("task", &hidden(&page, "task")),
                ("number", &hidden(&page, "number")),
                ("outcome", "wrong_number"),
                ("opt_out", "yes"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::SEE_OTHER);
    let (_, record) = app.get_text(&format!("/learners/{}", learners[1])).await;
    assert!(
        record.contains("Marked wrong") && record.contains("Asked not to be contacted again"),
        "{record}"
    );
    let (_, page) = app.get_text(&format!("/calls/{checkpoint}")).await;
    assert!(page.contains("No one left to call"), "{page}");
}

async fn admins_create_copy_and_edit_plans_with_clear_errors(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::Admin).await;
    let (_, page) = app.get_text("/plans/new").await;
    let csrf = csrf_from(&page).expect("csrf");
    let checkpoint = |name: &'static str, anchor: &'static str, offset: &'static str| {
        vec![
            ("name", name),
            ("anchor", anchor),
            ("offset_days", offset),
            ("channel_1", "email"),
            ("channel_2", "phone"),
            ("responsible", "progression_lead"),
            ("max_attempts", "3"),
            ("position", "1"),
        ]
    };
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("plan_name", "Apprentices"),
        ("description", ""),
    ];
    fields.extend(checkpoint("Before they start", "start", "-10"));
    let response = app.post_form("/plans", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.expect("body");
    assert!(
        body.contains("govuk-error-summary")
            && body.contains("falls before the learner&#39;s start date")
            && body.contains("href=\"#offset_days\""),
        "{body}"
    );
    assert!(
        plan_summaries(app.db.conn(), org)
            .await
            .expect("plans")
            .is_empty()
    );

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("plan_name", "Apprentices"),
        ("description", ""),
    ];
    fields.extend(checkpoint("Spring intentions", "planned_end", "-100"));
    let created = app.post_form("/plans", &fields).await;
    assert_eq!(
        created.status(),
        StatusCode::SEE_OTHER,
        "a negative offset from the end is normal"
    );
    let plan_url = created.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();

    // A 6-month check put before the intentions is out of order.
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend(checkpoint("6-month check", "leaving", "182"));
    let out_of_order = app.post_form(&format!("{plan_url}/checkpoints"), &fields).await;
    assert_eq!(out_of_order.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = out_of_order.text().await.expect("body");
    assert!(
        body.contains("put checkpoints in date order") && body.contains("href=\"#position\""),
        "{body}"
    );
    let in_order: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| if k == "position" { (k, "2") } else { (k, v) })
        .collect();
    let added = app.post_form(&format!("{plan_url}/checkpoints"), &in_order).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_text(&plan_url).await;
    assert!(
        page.contains("100 days before the planned end date")
            && page.contains("182 days after the leaving date"),
        "{page}"
    );

    let copied = app
        .post_form(&format!("{plan_url}/copy"), &[("csrf", &csrf)])
        .await;
    assert_eq!(copied.status(), StatusCode::SEE_OTHER);
    let plans = plan_summaries(app.db.conn(), org).await.expect("plans");
    let names: Vec<(&str, u64)> = plans.iter().map(|p| (p.name.as_str(), p.checkpoints)).collect();
    assert_eq!(names, [("Apprentices", 2), ("Copy of Apprentices", 2)]);
    let (status, list) = app.get_text("/plans").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Copy of Apprentices"));
}

/// A name made of letters only (names refuse digits): 0 -> "Aa", 27 -> "Bb".
fn letters(n: usize) -> String {
    let letter = |k: usize| char::from(b'a' + u8::try_from(k % 26).expect("letter"));
    format!("{}{}", letter(n / 26).to_ascii_uppercase(), letter(n))
}

/// Four callers work one call queue while 50 learner edits (25 learners once,
/// and one learner 25 times) arrive at the same moment, over real HTTP. Nothing
/// fails (SQLite used to answer 500 "database is locked"), each call is recorded
/// once (a form submitted twice at once included) with exactly one audit event,
/// and each edit is audited once.
async fn callers_and_editors_working_at_once_get_no_errors(db: TestDatabase) {
    const CALLERS: usize = 4;
    const CALLS_EACH: usize = 25;
    const LEARNERS: usize = CALLERS * CALLS_EACH;
    let (app, org) = signed_in(db, Role::ProgressionLead).await;
    let names: Vec<String> = (0..LEARNERS)
        .map(|n| format!("Q{}", letters(n).to_lowercase()))
        .collect();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (checkpoint, _, learners) = leavers(&app, org, &name_refs).await;
    let mut staff = Vec::new();
    for n in 0..CALLERS + 1 {
        let email = format!("staff{n}@calls.example");
        let organisation = organisation(app.db.conn(), org).await.expect("organisation");
        fixtures::user(app.db.conn(), &organisation, Role::ProgressionLead, &email).await;
        let client = app.new_client();
        assert_eq!(
            client.sign_in(&email, fixtures::PASSWORD).await.status(),
            StatusCode::SEE_OTHER
        );
        staff.push(client);
    }
    let editor = staff.pop().expect("an editor");
    let queue = format!("/calls/{checkpoint}");

    let callers = staff.iter().enumerate().map(|(caller, client)| {
        let queue = queue.clone();
        async move {
            let mut statuses = Vec::new();
            for call in 0..CALLS_EACH {
                let (status, page) = client.get_text(&queue).await;
                statuses.push(status);
                let Some(csrf) = csrf_from(&page) else { continue };
                let (key, task) = (hidden(&page, "key"), hidden(&page, "task"));
                let form = [
                    ("csrf", csrf.as_str()),
                    ("key", key.as_str()),
                    ("task", task.as_str()),
                    ("outcome", "no_answer"),
                ];
                if call == 0 {
                    // A double click: the same form twice at the same moment.
                    let (first, second) =
                        tokio::join!(client.post_form(&queue, &form), client.post_form(&queue, &form));
                    statuses.extend([first.status(), second.status()]);
                } else {
                    statuses.push(client.post_form(&queue, &form).await.status());
                }
            }
            (caller, statuses)
        }
    });
    let (edit_page_status, edit_page) = editor.get_text(&format!("/learners/{}/edit", learners[0])).await;
    assert_eq!(edit_page_status, StatusCode::OK);
    let csrf = csrf_from(&edit_page).expect("csrf");
    // 25 learners edited once each, and the last learner 25 times, each with its own new name.
    let ids = &learners;
    let edits = (0..50).map(|n| {
        let learner = if n < 25 { ids[n] } else { ids[LEARNERS - 1] };
        let (editor, csrf) = (&editor, csrf.clone());
        async move {
            let given = format!("Edit{}", letters(n).to_lowercase());
            let mis = format!("L{}", ids.iter().position(|l| *l == learner).expect("index"));
            let form = [
                ("csrf", csrf.as_str()),
                ("given_name", given.as_str()),
                ("family_name", "Leaver"),
                ("mis_id", mis.as_str()),
                ("day", "28"),
                ("month", "2"),
                ("year", "2010"),
                ("postcode", "LS6 2AB"),
            ];
            editor
                .post_form(&format!("/learners/{learner}/details"), &form)
                .await
                .status()
        }
    });
    let (calls, edits): (Vec<(usize, Vec<StatusCode>)>, Vec<StatusCode>) =
        tokio::join!(join_all(callers), join_all(edits));

    for (caller, statuses) in &calls {
        assert!(
            statuses.iter().all(|s| !s.is_server_error()),
            "caller {caller} got {statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(),
            CALLS_EACH + 1,
            "caller {caller}: every save (and the repeated one) redirects: {statuses:?}"
        );
    }
    assert!(
        edits.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "every edit is saved: {edits:?}"
    );

    let conn = app.db.conn();
    let mut attempts = 0;
    for learner in &learners {
        let made = contact_attempts(conn, org, *learner)
            .await
            .expect("attempts")
            .len();
        assert!(made <= 1, "learner {learner} was called {made} times");
        attempts += made;
    }
    assert_eq!(attempts, LEARNERS, "100 outcomes, each recorded once");
    assert_eq!(
        count_audit_events(conn, org, "learner.call_recorded", None)
            .await
            .expect("count"),
        LEARNERS as u64,
        "one audit event per recorded call"
    );
    assert_eq!(
        count_audit_events(conn, org, "learner.update", None)
            .await
            .expect("count"),
        50,
        "one audit event per edit"
    );
    assert_eq!(
        count_audit_events(conn, org, "learner.update", Some(learners[LEARNERS - 1].0))
            .await
            .expect("count"),
        25
    );
}

on_both_backends!(
    a_call_is_recorded_once_and_the_queue_moves_on,
    callers_and_editors_working_at_once_get_no_errors,
    admins_create_copy_and_edit_plans_with_clear_errors,
);
