//! Tutor groups over HTTP (issue 13 items 15–17), on both backends: a tutor
//! sees, exports and calls only their groups' learners; administrators assign
//! the groups; the learner search and the not-known list are audited views;
//! aggregate-only roles see small counts as "fewer than 6".

use onward_domain::contact::ContactChannel;
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TrackingPlan};
use onward_domain::tutor_group::TutorGroup;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::destinations::destination_history;
use onward_storage::repo::learners::learner;
use onward_storage::repo::organisations::Organisation;
use onward_storage::repo::tutor_groups::{groups_of_tutor, set_groups_of_tutor, set_learner_group};
use onward_storage::repo::users::User;
use onward_storage::{CheckpointId, CohortId, LearnerId};
use onward_test_support::{TestApp, TestClient, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

fn group(name: &str) -> TutorGroup {
    TutorGroup::parse(name).expect("group")
}

/// One phone checkpoint that tutors are responsible for (so it is in their My work).
fn tutor_plan() -> TrackingPlan {
    TrackingPlan {
        name: "Tutor calls".to_owned(),
        description: String::new(),
        checkpoints: vec![Checkpoint {
            key: "follow_up".to_owned(),
            name: "Tutor follow-up".to_owned(),
            anchor: Anchor::Leaving,
            fixed_month_day: None,
            offset_days: 90,
            channels: vec![ContactChannel::Phone],
            responsible: Role::Tutor,
            max_attempts: 3,
            survey: None,
        }],
    }
}

struct School {
    app: TestApp,
    org: Organisation,
    tutor: User,
    admin: TestClient,
    cohort: CohortId,
    checkpoint: CheckpointId,
    /// Inga (group 11A, the tutor's), Otto (11B), Nell (no group).
    inside: LearnerId,
    outside: LearnerId,
    no_group: LearnerId,
}

/// A school whose tutor (signed in as the default visitor) has group 11A, and
/// an administrator signed in as a second visitor.
async fn school(db: TestDatabase) -> School {
    let conn = db.conn();
    let org = fixtures::organisation(conn, "school").await;
    let tutor = fixtures::user(conn, &org, Role::Tutor, "tutor@school.example").await;
    fixtures::user(conn, &org, Role::Admin, "admin@school.example").await;
    let queue = fixtures::leavers_due_a_call(conn, org.id, &tutor_plan(), &["Inga", "Otto", "Nell"]).await;
    let [inside, outside, no_group] = [queue.learners[0], queue.learners[1], queue.learners[2]];
    set_learner_group(conn, org.id, inside, Some(&group("11A")))
        .await
        .expect("group");
    set_learner_group(conn, org.id, outside, Some(&group("11B")))
        .await
        .expect("group");
    set_groups_of_tutor(conn, org.id, tutor.id, &[group("11A")])
        .await
        .expect("assign");
    let app = TestApp::spawn(db).await;
    assert_eq!(
        app.sign_in("tutor@school.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let admin = app.new_client();
    assert_eq!(
        admin
            .sign_in("admin@school.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    School {
        checkpoint: queue.plan.checkpoints[0].id,
        cohort: queue.cohort,
        app,
        org,
        tutor,
        admin,
        inside,
        outside,
        no_group,
    }
}

async fn a_tutor_sees_exports_and_calls_only_their_groups_learners(db: TestDatabase) {
    let s = school(db).await;
    let (app, cohort) = (&s.app, s.cohort);

    // Lists and exports: the tutor's learner, never another group's.
    for path in [
        "/learners".to_owned(),
        format!("/learners?cohort={cohort}"),
        format!("/cohorts/{cohort}/unknowns"),
        format!("/cohorts/{cohort}/unknowns.csv"),
        format!("/cohorts/{cohort}/guarantee"),
        format!("/cohorts/{cohort}/guarantee.csv"),
        format!("/cohorts/{cohort}/at-risk"),
        "/work".to_owned(),
        format!("/calls/{}?cohort={cohort}", s.checkpoint),
        format!("/calls/{}?saved={}", s.checkpoint, s.outside),
    ] {
        let (status, body) = app.get_text(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            !body.contains("Otto") && !body.contains("Nell"),
            "{path} shows another group's learner"
        );
        if !path.contains("saved=") {
            assert!(body.contains("Inga"), "{path} shows the tutor's own learner");
        }
        // The same page for an administrator lists everyone.
        let response = s.admin.get(&path).await;
        let everyone = response.text().await.expect("body");
        if !path.starts_with("/work") && !path.starts_with("/calls") {
            assert!(
                everyone.contains("Otto") && everyone.contains("Nell"),
                "admin {path}"
            );
        }
    }
    let (_, by_name) = app.get_text("/learners?q=otto").await;
    assert!(!by_name.contains("Otto"), "not found by name either");

    // Records: another group's learner, or one with no group, is not found.
    for other in [s.outside, s.no_group] {
        for path in [
            format!("/learners/{other}"),
            format!("/learners/{other}/contacts/new"),
            format!("/learners/{other}/intentions/new"),
            format!("/learners/{other}/flags/new"),
        ] {
            let (status, body) = app.get_text(&path).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(!body.contains("Otto") && !body.contains("Nell"), "{path}");
        }
    }
    let (status, record) = app.get_text(&format!("/learners/{}", s.inside)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(record.contains("11A"), "the record shows the tutor group");
    let csrf = csrf_from(&record).expect("csrf");
    let known = app
        .post_form(
            &format!("/learners/{}/known", s.outside),
            &[
                ("csrf", csrf.as_str()),
                ("category", "apprenticeship"),
                ("source", "staff"),
            ],
        )
        .await;
    assert_eq!(
        known.status(),
        StatusCode::NOT_FOUND,
        "no recording for another group"
    );
    assert!(
        destination_history(app.db.conn(), s.org.id, s.outside)
            .await
            .expect("history")
            .is_empty()
    );

    // The call queue offers the tutor's learner, then nobody else.
    let (_, call) = app.get_text(&format!("/calls/{}", s.checkpoint)).await;
    assert!(call.contains("Inga"));
    let task = call
        .split("name=\"task\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the call form names its task")
        .to_owned();
    let after = app
        .get_text(&format!("/calls/{}?after={task}", s.checkpoint))
        .await
        .1;
    assert!(
        !after.contains("Otto") && !after.contains("Nell"),
        "skipping does not reach other groups"
    );
}

async fn an_admin_assigns_tutor_groups_and_sets_a_learners_group(db: TestDatabase) {
    let s = school(db).await;
    let conn = s.app.db.conn();
    let (status, page) = s.admin.get_text("/tutor-groups").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("tutor user") && page.contains("11B"),
        "tutors and learner groups listed"
    );
    let csrf = csrf_from(&page).expect("csrf");
    let path = format!("/tutor-groups/{}", s.tutor.id);

    let too_long = format!("11A, {}", "G".repeat(51));
    let refused = s
        .admin
        .post_form(&path, &[("csrf", csrf.as_str()), ("groups", too_long.as_str())])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = refused.text().await.expect("body");
    assert!(
        body.contains("govuk-error-summary") && body.contains("longer than 50 characters"),
        "{body}"
    );
    assert_eq!(
        groups_of_tutor(conn, s.org.id, s.tutor.id).await.expect("groups"),
        vec![group("11A")],
        "nothing saved"
    );

    let saved = s
        .admin
        .post_form(&path, &[("csrf", csrf.as_str()), ("groups", "11A, 11B")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        count_audit_events(conn, s.org.id, "user.tutor_groups", Some(s.tutor.id.0))
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        s.app.get(&format!("/learners/{}", s.outside)).await.status(),
        StatusCode::OK,
        "the tutor now sees group 11B"
    );

    // Only tutors are given groups.
    let (_, users) = s.admin.get_text("/users").await;
    assert!(
        users.contains("/tutor-groups"),
        "the users page links to tutor groups"
    );
    let admin_id = onward_storage::repo::users::list_users(conn, s.org.id)
        .await
        .expect("users")
        .into_iter()
        .find(|user| user.role == Role::Admin)
        .expect("admin")
        .id;
    let not_a_tutor = s
        .admin
        .post_form(
            &format!("/tutor-groups/{admin_id}"),
            &[("csrf", csrf.as_str()), ("groups", "11A")],
        )
        .await;
    assert_eq!(not_a_tutor.status(), StatusCode::NOT_FOUND);

    // The learner form sets a learner's group, with the change audited.
    assert_eq!(
        s.app.get(&format!("/learners/{}", s.no_group)).await.status(),
        StatusCode::NOT_FOUND
    );
    let form_path = format!("/learners/{}/details", s.no_group);
    let (_, form) = s.admin.get_text(&format!("/learners/{}/edit", s.no_group)).await;
    assert!(
        form.contains("name=\"tutor_group\""),
        "the edit form has the group"
    );
    let fields = |group: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("given_name", "Nell".to_owned()),
            ("family_name", "Leaver".to_owned()),
            ("mis_id", "L2".to_owned()),
            ("day", "28".to_owned()),
            ("month", "2".to_owned()),
            ("year", "2010".to_owned()),
            ("postcode", "LS6 2AB".to_owned()),
            ("tutor_group", group.to_owned()),
        ]
    };
    let bad = s
        .admin
        .client
        .post(s.admin.url(&form_path))
        .form(&fields("11A, 11B"))
        .send()
        .await
        .expect("post");
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let good = s
        .admin
        .client
        .post(s.admin.url(&form_path))
        .form(&fields(" 11B "))
        .send()
        .await
        .expect("post");
    assert_eq!(good.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        learner(conn, s.org.id, s.no_group)
            .await
            .expect("learner")
            .tutor_group,
        Some(group("11B"))
    );
    assert_eq!(
        count_audit_events(conn, s.org.id, "learner.update", Some(s.no_group.0))
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        s.app.get(&format!("/learners/{}", s.no_group)).await.status(),
        StatusCode::OK
    );
}

async fn the_learner_search_and_the_unknowns_page_are_audited_views(db: TestDatabase) {
    let s = school(db).await;
    let conn = s.app.db.conn();
    let searches = || count_audit_events(conn, s.org.id, "learner.search", Some(s.org.id.0));
    let unknowns_views = || count_audit_events(conn, s.org.id, "cohort.unknowns_view", Some(s.cohort.0));
    assert_eq!(searches().await.expect("count"), 0);
    assert_eq!(unknowns_views().await.expect("count"), 0);
    let (status, _) = s.admin.get_text("/learners?q=leaver").await;
    assert_eq!(status, StatusCode::OK);
    s.app.get_text("/learners").await;
    assert_eq!(
        searches().await.expect("count"),
        2,
        "each page of results is a view"
    );
    let (status, _) = s.admin.get_text(&format!("/cohorts/{}/unknowns", s.cohort)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unknowns_views().await.expect("count"), 1);
}

async fn aggregate_only_roles_see_counts_under_six_as_fewer_than_six(db: TestDatabase) {
    let conn = db.conn();
    let org = fixtures::organisation(conn, "counts").await;
    fixtures::user(conn, &org, Role::QualityViewer, "quality@counts.example").await;
    fixtures::user(conn, &org, Role::Admin, "admin@counts.example").await;
    let names = ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus"];
    let queue = fixtures::leavers_due_a_call(conn, org.id, &tutor_plan(), &names).await;
    let app = TestApp::spawn(db).await;
    app.sign_in("quality@counts.example", fixtures::PASSWORD).await;
    let admin = app.new_client();
    admin.sign_in("admin@counts.example", fixtures::PASSWORD).await;
    let path = format!("/cohorts/{}", queue.cohort);
    let zero = "govuk-table__cell--numeric\">0<";

    let (status, page) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("7 learners."), "a count of 6 or more is exact");
    assert!(page.contains("govuk-table__cell--numeric\">7<"), "7 not known");
    assert!(page.contains("govuk-table__cell--numeric\">fewer than 6<"));
    assert!(!page.contains(zero), "no small count is shown exactly");
    let (_, admin_page) = admin.get_text(&path).await;
    assert!(admin_page.contains(zero) && !admin_page.contains("fewer than 6"));

    // In Welsh too.
    app.get("/language/cy").await;
    let (_, welsh) = app.get_text(&path).await;
    assert!(welsh.contains("llai na 6") && !welsh.contains(zero), "{welsh}");
}

on_both_backends!(
    a_tutor_sees_exports_and_calls_only_their_groups_learners,
    an_admin_assigns_tutor_groups_and_sets_a_learners_group,
    the_learner_search_and_the_unknowns_page_are_audited_views,
    aggregate_only_roles_see_counts_under_six_as_fewer_than_six,
);
