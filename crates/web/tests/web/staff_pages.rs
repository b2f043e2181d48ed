//! The staff pages over HTTP, on both backends: search, the learner record and
//! its audit trail, validation, invitations and lockout.

use onward_domain::role::Role;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::contacts::contact_points;
use onward_storage::repo::learners::insert_learner;
use onward_storage::{LearnerId, OrganisationId};
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

mod cohort_pages;
mod imports;

use cohort_pages::the_lists_of_a_2000_learner_cohort_come_a_page_at_a_time;

async fn add_learner(
    db: &TestDatabase,
    org: OrganisationId,
    given: &str,
    family: &str,
    uln: Option<&str>,
) -> LearnerId {
    // In the tutor group of the tutors these tests sign in as.
    insert_learner(
        db.conn(),
        org,
        &onward_domain::learner::NewLearner {
            tutor_group: Some(tutor_group()),
            ..fixtures::new_learner(given, family, uln, Some(&format!("MIS-{given}-{family}")))
        },
    )
    .await
    .expect("learner")
}

fn tutor_group() -> onward_domain::tutor_group::TutorGroup {
    onward_domain::tutor_group::TutorGroup::parse("T1").expect("group")
}

/// Gives a tutor the group [`add_learner`] puts learners in.
async fn teach_the_test_group(db: &TestDatabase, email: &str) {
    let user = onward_storage::repo::users::user_by_email(
        db.conn(),
        &onward_domain::email::EmailAddress::parse(email).expect("email"),
    )
    .await
    .expect("read")
    .expect("user");
    onward_storage::repo::tutor_groups::set_groups_of_tutor(
        db.conn(),
        user.organisation_id,
        user.id,
        &[tutor_group()],
    )
    .await
    .expect("assign");
}

async fn signed_in(db: TestDatabase, role: Role) -> (TestApp, OrganisationId) {
    let (app, org) = TestApp::signed_in(db, "staff", role).await;
    if role == Role::Tutor {
        teach_the_test_group(&app.db, "me@staff.example").await;
    }
    (app, org.id)
}

async fn search_finds_by_name_uln_and_pages_by_keyset(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "staff").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "me@staff.example").await;
    teach_the_test_group(&db, "me@staff.example").await;
    for index in 0..30 {
        add_learner(&db, org.id, &format!("Pupil{index:02}"), "Smith", None).await;
    }
    add_learner(&db, org.id, "Ada", "Lovelace", Some("9276308686")).await;
    let app = TestApp::spawn(db).await;
    app.sign_in("me@staff.example", fixtures::PASSWORD).await;

    let (status, page) = app.get_text("/learners?q=smith").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("Smith, Pupil").count(), 25, "first page holds 25");
    assert!(page.contains("Smith, Pupil00") && !page.contains("Smith, Pupil25"));
    let next = page
        .split("href=\"/learners?")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|q| q.replace("&#38;", "&").replace("&amp;", "&"));
    let next = next.expect("a next-page link");
    let (_, second) = app.get_text(&format!("/learners?{next}")).await;
    assert_eq!(second.matches("Smith, Pupil").count(), 5, "the rest on page two");
    assert!(second.contains("Smith, Pupil29") && !second.contains("Smith, Pupil00"));

    let (_, by_uln) = app.get_text("/learners?q=9276308686").await;
    assert!(by_uln.contains("Lovelace, Ada") && !by_uln.contains("Smith, Pupil"));
    let (_, by_full_name) = app.get_text("/learners?q=ada+lovelace").await;
    assert!(by_full_name.contains("Lovelace, Ada"));
    let (_, by_postcode) = app.get_text("/learners?q=ls6").await;
    assert!(by_postcode.contains("Lovelace, Ada"));
    let (_, nothing) = app.get_text("/learners?q=zzz").await;
    assert!(nothing.contains("No learners match your search."));
}

async fn viewing_a_record_is_audited_and_names_are_escaped(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "staff").await;
    let me = fixtures::user(db.conn(), &org, Role::IagAdviser, "me@staff.example").await;
    let learner = add_learner(&db, org.id, "<script>alert(1)</script>", "O'Brien", None).await;
    let app = TestApp::spawn(db).await;
    app.sign_in("me@staff.example", fixtures::PASSWORD).await;
    let (status, page) = app.get_text(&format!("/learners/{learner}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !page.contains("<script>alert(1)</script>"),
        "HTML in names is never executed"
    );
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "shown escaped"
    );
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "learner.view", Some(learner.0))
            .await
            .expect("count"),
        1
    );
    let _ = me;
    assert_eq!(
        app.get(&format!("/learners/{}", learner.0 + 1000)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/learners/not-a-number").await.status(),
        StatusCode::BAD_REQUEST
    );
}

async fn invalid_contact_details_show_the_error_summary_and_save_nothing(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::Tutor).await;
    let learner = add_learner(&app.db, org, "Cy", "Contact", None).await;
    let (_, form) = app.get_text(&format!("/learners/{learner}/contacts/new")).await;
    let csrf = csrf_from(&form).expect("csrf");
    let path = format!("/learners/{learner}/contacts");
    let response = app
        .post_form(
            &path,
            &[("csrf", &csrf), ("kind", "email"), ("value", "not-an-email")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(page.contains("govuk-error-summary"));
    assert!(page.contains("href=\"#value\""));
    assert!(page.contains("value=\"not-an-email\""), "what was typed is kept");
    assert!(
        contact_points(app.db.conn(), org, learner)
            .await
            .expect("read")
            .is_empty()
    );

    let over_long = "x".repeat(600);
    let response = app
        .post_form(
            &path,
            &[("csrf", &csrf), ("kind", "address"), ("value", &over_long)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let forged = app
        .post_form(
            &path,
            &[("csrf", "forged"), ("kind", "phone"), ("value", "07700 900123")],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        contact_points(app.db.conn(), org, learner)
            .await
            .expect("read")
            .is_empty()
    );

    let saved = app
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("kind", "phone"),
                ("value", "07700 900123"),
                ("consent", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = contact_points(app.db.conn(), org, learner).await.expect("read");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].value, "+447700900123");
    assert!(stored[0].consent);
}

async fn an_invitation_link_works_once(db: TestDatabase) {
    let (app, _) = signed_in(db, Role::Admin).await;
    let (_, users) = app.get_text("/users").await;
    let csrf = csrf_from(&users).expect("csrf");
    let response = app
        .post_form(
            "/users",
            &[
                ("csrf", &csrf),
                ("email", "new.tutor@staff.example"),
                ("name", "New Tutor"),
                ("role", "tutor"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.expect("body");
    assert!(
        !page.contains("/invite/"),
        "the link is emailed, never shown to the inviter"
    );
    let mail = app.sent_mail();
    assert_eq!(mail.len(), 1, "one invitation email");
    assert_eq!(mail[0].recipients, ["<new.tutor@staff.example>"]);
    let link = mail[0]
        .link_starting(&app.url("/invite/"))
        .expect("the email holds the invitation link");
    let token = link.rsplit('/').next().expect("token");
    assert_eq!(token.len(), 64, "256-bit token");
    let invite_path = format!("/invite/{token}");

    let visitor = app.new_client();
    let (status, form) = visitor.get_text(&invite_path).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let mismatch = visitor
        .post_form(
            &invite_path,
            &[
                ("csrf", &csrf),
                ("password", "a long new password"),
                ("confirm", "different"),
            ],
        )
        .await;
    assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = visitor
        .post_form(
            &invite_path,
            &[
                ("csrf", &csrf),
                ("password", "a long new password"),
                ("confirm", "a long new password"),
            ],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        visitor
            .sign_in("new.tutor@staff.example", "a long new password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    let replay = app.new_client();
    let (status, page) = replay.get_text(&invite_path).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("expired or has already been used"));
}

async fn repeated_failures_lock_the_account(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "staff").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "me@staff.example").await;
    let app = TestApp::spawn(db).await;
    for attempt in 1..=4 {
        assert_eq!(
            app.sign_in("me@staff.example", "wrong").await.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let fifth = app.sign_in("me@staff.example", "wrong").await;
    assert_eq!(fifth.status(), StatusCode::UNAUTHORIZED);
    let locked = app.sign_in("me@staff.example", fixtures::PASSWORD).await;
    assert_eq!(
        locked.status(),
        StatusCode::UNAUTHORIZED,
        "even the right password waits out the lock, answered like a wrong one"
    );
    assert!(
        locked
            .text()
            .await
            .expect("body")
            .contains("locked for 15 minutes")
    );
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "not signed in"
    );
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "user.locked_out", None)
            .await
            .expect("count"),
        1
    );
}

async fn a_tutor_cannot_open_user_admin_and_a_quality_viewer_sees_no_names(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "staff").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "tutor@staff.example").await;
    fixtures::user(db.conn(), &org, Role::QualityViewer, "quality@staff.example").await;
    let learner = add_learner(&db, org.id, "Named", "Person", None).await;
    let app = TestApp::spawn(db).await;
    app.sign_in("tutor@staff.example", fixtures::PASSWORD).await;
    let (status, page) = app.get_text("/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("You cannot see this page"));
    let (_, home) = app.get_text("/").await;
    assert!(
        !home.contains("href=\"/users\""),
        "no menu item for what the role cannot open"
    );

    let quality = app.new_client();
    quality.sign_in("quality@staff.example", fixtures::PASSWORD).await;
    assert_eq!(
        quality.get(&format!("/learners/{learner}")).await.status(),
        StatusCode::FORBIDDEN
    );
    let (_, search) = quality.get_text("/learners?q=person").await;
    assert!(!search.contains("Named"));
}

async fn cohorts_and_programmes_are_created_validated_and_archived(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::ProgressionLead).await;
    let (_, form) = app.get_text("/cohorts/new").await;
    let csrf = csrf_from(&form).expect("csrf");
    let impossible = app
        .post_form(
            "/cohorts",
            &[
                ("csrf", &csrf),
                ("name", "Year 11 leavers 2027"),
                ("day", "31"),
                ("month", "2"),
                ("year", "2027"),
            ],
        )
        .await;
    assert_eq!(impossible.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        impossible
            .text()
            .await
            .expect("body")
            .contains("Results day must be a real date")
    );
    let created = app
        .post_form(
            "/cohorts",
            &[
                ("csrf", &csrf),
                ("name", "Year 11 leavers 2027"),
                ("day", "19"),
                ("month", "8"),
                ("year", "2027"),
            ],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let location = created.headers()["location"].to_str().expect("ascii").to_owned();
    let audited = |action: &'static str| count_audit_events(app.db.conn(), org, action, None);
    assert_eq!(
        audited("cohort.create").await.expect("count"),
        1,
        "changes are audited"
    );
    let duplicate = app
        .post_form("/cohorts", &[("csrf", &csrf), ("name", "Year 11 leavers 2027")])
        .await;
    assert_eq!(duplicate.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        duplicate
            .text()
            .await
            .expect("body")
            .contains("A cohort with this name already exists")
    );
    let (_, edit) = app.get_text(&format!("{location}/edit")).await;
    assert!(
        edit.contains("value=\"19\"") && edit.contains("value=\"2027\""),
        "results day shown for editing"
    );
    let archived = app
        .post_form(
            &format!("{location}/archive"),
            &[("csrf", &csrf), ("archived", "true")],
        )
        .await;
    assert_eq!(archived.status(), StatusCode::SEE_OTHER);
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("Year 11 leavers 2027") && home.contains("Archived"));

    let missing = app
        .post_form("/programmes", &[("csrf", &csrf), ("title", "")])
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = missing.text().await.expect("body");
    for message in [
        "Enter the programme title",
        "Select the type of programme",
        "Select full-time or part-time",
    ] {
        assert!(page.contains(message), "{message}");
    }
    let saved = app
        .post_form(
            "/programmes",
            &[
                ("csrf", &csrf),
                ("title", "Skills Bootcamp in Welding"),
                ("programme_type", "skills_bootcamp"),
                ("level", "3"),
                ("sector_subject_area", "4"),
                ("mode", "part_time"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(audited("programme.create").await.expect("count"), 1);
    let (_, list) = app.get_text("/programmes").await;
    assert!(
        list.contains("Skills Bootcamp in Welding")
            && list.contains("Engineering and Manufacturing Technologies")
    );
}

async fn an_administrator_issues_a_single_use_reset_link(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "staff").await;
    fixtures::user(db.conn(), &org, Role::Admin, "me@staff.example").await;
    let forgetful = fixtures::user(db.conn(), &org, Role::Tutor, "forgetful@staff.example").await;
    let app = TestApp::spawn(db).await;
    app.sign_in("me@staff.example", fixtures::PASSWORD).await;
    let (_, users) = app.get_text("/users").await;
    let csrf = csrf_from(&users).expect("csrf");
    let page = app
        .post_form(&format!("/users/{}/reset", forgetful.id), &[("csrf", &csrf)])
        .await
        .text()
        .await
        .expect("body");
    let token = page
        .split("/reset/")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("reset link")
        .to_owned();
    let visitor = app.new_client();
    let (status, form) = visitor.get_text(&format!("/reset/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let fields = [
        ("csrf", csrf.as_str()),
        ("password", "brand new password"),
        ("confirm", "brand new password"),
    ];
    assert_eq!(
        visitor
            .post_form(&format!("/reset/{token}"), &fields)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        visitor
            .post_form(&format!("/reset/{token}"), &fields)
            .await
            .status(),
        StatusCode::GONE,
        "replayed"
    );
    assert_eq!(
        visitor
            .sign_in("forgetful@staff.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        visitor
            .sign_in("forgetful@staff.example", "brand new password")
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // An invitation link is not a reset link.
    assert_eq!(
        app.new_client().get(&format!("/invite/{token}")).await.status(),
        StatusCode::GONE
    );
}

async fn settings_change_the_name_and_default_language(db: TestDatabase) {
    let (app, _) = signed_in(db, Role::Admin).await;
    let (_, form) = app.get_text("/settings").await;
    let csrf = csrf_from(&form).expect("csrf");
    let bad = app
        .post_form("/settings", &[("csrf", &csrf), ("name", " "), ("locale", "fr")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await.expect("body");
    assert!(page.contains("Enter the organisation") && page.contains("Select a language from the list"));
    let saved = app
        .post_form(
            "/settings",
            &[("csrf", &csrf), ("name", "Ysgol Gogledd"), ("locale", "cy")],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, confirmed) = app.get_text("/settings?saved=1").await;
    assert!(confirmed.contains("govuk-notification-banner--success"));
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("Ysgol Gogledd"));
    assert!(
        home.contains("lang=\"cy\"") && home.contains("Allgofnodi"),
        "the organisation's default language"
    );
}

async fn learner_details_are_validated_and_changes_audited(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::IagAdviser).await;
    let learner = add_learner(&app.db, org, "Di", "Edit", None).await;
    add_learner(&app.db, org, "Other", "Person", None).await;
    let (status, form) = app.get_text(&format!("/learners/{learner}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let path = format!("/learners/{learner}/details");
    let base = [
        ("csrf", csrf.as_str()),
        ("given_name", "Di"),
        ("family_name", "Edit"),
        ("mis_id", "MIS-Di-Edit"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut fields: Vec<(&str, &str)> = base.to_vec();
        for (key, value) in extra {
            fields.retain(|(k, _)| k != key);
            fields.push((key, value));
        }
        fields
    };
    let bad_uln = app.post_form(&path, &with(&[("uln", "1234567890")])).await;
    assert_eq!(bad_uln.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_uln
            .text()
            .await
            .expect("body")
            .contains("ULN check digit is wrong")
    );
    let bad_date = app
        .post_form(&path, &with(&[("day", "31"), ("month", "2"), ("year", "2009")]))
        .await;
    assert!(
        bad_date
            .text()
            .await
            .expect("body")
            .contains("Date of birth must be a real date")
    );
    let bad_postcode = app
        .post_form(&path, &with(&[("postcode", "NOT A POSTCODE")]))
        .await;
    assert!(
        bad_postcode
            .text()
            .await
            .expect("body")
            .contains("Enter a real postcode")
    );
    let taken = app
        .post_form(&path, &with(&[("mis_id", "MIS-Other-Person")]))
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken
            .text()
            .await
            .expect("body")
            .contains("Another learner already has this ULN or MIS id")
    );
    assert_eq!(
        count_audit_events(app.db.conn(), org, "learner.update", None)
            .await
            .expect("count"),
        0,
        "nothing changed yet"
    );

    let saved = app
        .post_form(
            &path,
            &with(&[
                ("uln", "9276308686"),
                ("postcode", "ls62ab"),
                ("day", "1"),
                ("month", "9"),
                ("year", "2009"),
            ]),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stored = onward_storage::repo::learners::learner(app.db.conn(), org, learner)
        .await
        .expect("learner");
    assert_eq!(stored.uln.as_ref().map(|uln| uln.as_str()), Some("9276308686"));
    assert_eq!(stored.postcode.as_deref(), Some("LS6 2AB"));
    assert_eq!(
        count_audit_events(app.db.conn(), org, "learner.update", Some(learner.0))
            .await
            .expect("count"),
        1
    );
}

async fn the_unknowns_list_is_exported_and_staff_knowledge_recorded(db: TestDatabase) {
    use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
    use onward_storage::repo::cohorts::{NewCohort, create_cohort};
    use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
    let (app, org) = signed_in(db, Role::Tutor).await;
    let conn = app.db.conn();
    let programme =
        fixtures::programme(conn, org, "GCSE", onward_domain::programme::ProgrammeType::Gcse).await;
    let cohort = create_cohort(
        conn,
        org,
        &NewCohort {
            name: "Year 11 leavers 2026".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let formula = add_learner(&app.db, org, "=HYPERLINK(\"http://x\")", "Formula", None).await;
    let quiet = add_learner(&app.db, org, "Quinn", "Quiet", None).await;
    for learner in [formula, quiet] {
        let dates = EnrolmentDates {
            start: chrono::NaiveDate::from_ymd_opt(2024, 9, 4).expect("date"),
            planned_end: chrono::NaiveDate::from_ymd_opt(2026, 6, 26).expect("date"),
            actual_end: None,
        };
        insert_enrolment(
            conn,
            org,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates,
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
    }
    let (status, page) = app.get_text(&format!("/cohorts/{cohort}/unknowns")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Quiet, Quinn") && page.contains("2 learners in this cohort"));

    let csv = app.get(&format!("/cohorts/{cohort}/unknowns.csv")).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.expect("csv");
    assert!(body.starts_with("Family name,Given name,ULN"));
    assert!(
        body.contains("'=HYPERLINK"),
        "formula-looking names are written as text: {body}"
    );
    assert_eq!(
        count_audit_events(app.db.conn(), org, "cohort.unknowns_export", Some(cohort.0))
            .await
            .expect("count"),
        1
    );

    let csrf = csrf_from(&page).expect("csrf");
    let cohort_field = cohort.to_string();
    let known = app
        .post_form(
            &format!("/learners/{quiet}/known"),
            &[
                ("csrf", &csrf),
                ("category", "apprenticeship"),
                ("source", "sibling_peer"),
                ("notes", "Her brother says she started in September"),
                ("cohort", &cohort_field),
            ],
        )
        .await;
    assert_eq!(known.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        known.headers()["location"],
        format!("/cohorts/{cohort}/unknowns").as_str()
    );
    let (_, page) = app.get_text(&format!("/cohorts/{cohort}/unknowns")).await;
    assert!(!page.contains("Quiet, Quinn") && page.contains("1 learners in this cohort"));
    let (_, record) = app.get_text(&format!("/learners/{quiet}")).await;
    assert!(record.contains("Source: Sibling or peer") && record.contains("Verification: Unverified"));
    let refused = app
        .post_form(
            &format!("/learners/{formula}/known"),
            &[
                ("csrf", &csrf),
                ("category", "apprenticeship"),
                ("source", "ucas"),
            ],
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::BAD_REQUEST,
        "only staff-knowledge sources on this form"
    );
}

on_both_backends!(
    the_lists_of_a_2000_learner_cohort_come_a_page_at_a_time,
    the_unknowns_list_is_exported_and_staff_knowledge_recorded,
    learner_details_are_validated_and_changes_audited,
    settings_change_the_name_and_default_language,
    an_administrator_issues_a_single_use_reset_link,
    cohorts_and_programmes_are_created_validated_and_archived,
    search_finds_by_name_uln_and_pages_by_keyset,
    viewing_a_record_is_audited_and_names_are_escaped,
    invalid_contact_details_show_the_error_summary_and_save_nothing,
    an_invitation_link_works_once,
    repeated_failures_lock_the_account,
    a_tutor_cannot_open_user_admin_and_a_quality_viewer_sees_no_names,
);

// ---------------------------------------------------------------- intentions, guarantee, support

async fn enrolled_in_new_cohort(
    app: &TestApp,
    org: OrganisationId,
    names: &[(&str, &str)],
) -> (onward_storage::CohortId, Vec<LearnerId>) {
    use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
    use onward_storage::repo::cohorts::{NewCohort, create_cohort};
    use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
    let conn = app.db.conn();
    let programme =
        fixtures::programme(conn, org, "GCSE", onward_domain::programme::ProgrammeType::Gcse).await;
    let cohort = create_cohort(
        conn,
        org,
        &NewCohort {
            name: "Year 11 leavers 2026".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let mut learners = Vec::new();
    for (given, family) in names {
        let learner = add_learner(&app.db, org, given, family, None).await;
        insert_enrolment(
            conn,
            org,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start: chrono::NaiveDate::from_ymd_opt(2024, 9, 4).expect("date"),
                    planned_end: chrono::NaiveDate::from_ymd_opt(2026, 6, 26).expect("date"),
                    actual_end: None,
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        learners.push(learner);
    }
    (cohort, learners)
}

async fn a_tutor_records_an_intention_shown_beside_the_actual_destination(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::Tutor).await;
    let learner = add_learner(&app.db, org, "Iris", "Intent", None).await;
    let (status, form) = app.get_text(&format!("/learners/{learner}/intentions/new")).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let path = format!("/learners/{learner}/intentions");
    let invalid = app
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("stage", "exit"),
                ("day", "1"),
                ("month", "1"),
                ("year", "2099"),
            ],
        )
        .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = invalid.text().await.expect("body");
    assert!(page.contains("govuk-error-summary") && page.contains("Select what the learner intends to do"));
    assert!(page.contains("The date must be today or in the past"));

    let saved = app
        .post_form(
            &path,
            &[
                ("csrf", &csrf),
                ("stage", "ilp_review"),
                ("category", "apprenticeship"),
                ("day", "2"),
                ("month", "3"),
                ("year", "2026"),
                ("place", "Aire Logistics"),
                ("aspiration", "To be an HGV mechanic"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        count_audit_events(app.db.conn(), org, "learner.intention_recorded", Some(learner.0))
            .await
            .expect("count"),
        1
    );
    onward_storage::repo::destinations::append_destination(
        app.db.conn(),
        org,
        learner,
        &fixtures::destination_record(
            onward_domain::destination::DestinationKind::Actual,
            onward_domain::destination::DestinationCategory::EducationFurtherFullTime,
            chrono::NaiveDate::from_ymd_opt(2026, 9, 20).expect("date"),
        ),
        None,
    )
    .await
    .expect("actual");
    let (_, record) = app.get_text(&format!("/learners/{learner}")).await;
    let summary = record
        .split_once("Intended and actual destinations")
        .and_then(|(_, rest)| rest.split_once("Aspirations and intentions"))
        .map(|(summary, _)| summary)
        .expect("the intended vs actual summary");
    assert!(summary.contains("Apprenticeship (Aire Logistics)"), "{summary}");
    assert!(summary.contains("Education: further education, full-time"));
    assert!(
        summary.contains("govuk-tag--orange\">Different"),
        "intended and actual differ"
    );
    assert!(record.contains("To be an HGV mechanic"));
    assert!(
        record.contains("Mid-programme (ILP) review"),
        "the timeline names the stage"
    );
    // Tutors do not run referrals or offers.
    assert_eq!(
        app.get(&format!("/learners/{learner}/referrals/new"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert!(!record.contains("Make a referral"));
}

async fn the_no_offer_list_is_exported_and_offers_move_on(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::IagAdviser).await;
    let (cohort, learners) = enrolled_in_new_cohort(
        &app,
        org,
        &[("Nia", "Nooffer"), ("=cmd", "Formula"), ("Ola", "Offered")],
    )
    .await;
    let (_, form) = app
        .get_text(&format!("/learners/{}/offers/new", learners[2]))
        .await;
    let csrf = csrf_from(&form).expect("csrf");
    let empty = app
        .post_form(&format!("/learners/{}/offers", learners[2]), &[("csrf", &csrf)])
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for (learner, status) in [(learners[2], "offered"), (learners[1], "declined")] {
        let saved = app
            .post_form(
                &format!("/learners/{learner}/offers"),
                &[
                    ("csrf", &csrf),
                    ("provider", "Leeds City College"),
                    ("course", "Level 2 Engineering"),
                    ("status", status),
                ],
            )
            .await;
        assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    }
    let (status, page) = app.get_text(&format!("/cohorts/{cohort}/guarantee")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2 learners with no offer"), "{page}");
    assert!(
        page.contains("Nooffer, Nia") && page.contains("Declined: Leeds City College (Level 2 Engineering)")
    );
    assert!(!page.contains("Offered, Ola"));
    let csv = app.get(&format!("/cohorts/{cohort}/guarantee.csv")).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.expect("csv");
    assert!(body.starts_with("Family name,Given name,ULN,MIS id,Date of birth,Postcode,Offers recorded"));
    assert!(body.contains("'=cmd"), "formula-looking cells are text: {body}");
    assert_eq!(
        count_audit_events(app.db.conn(), org, "cohort.guarantee_export", Some(cohort.0))
            .await
            .expect("count"),
        1
    );
    // The declined offer becomes an acceptance on the learner record.
    let offer = onward_storage::repo::guarantee::offers_for_learner(app.db.conn(), org, learners[1])
        .await
        .expect("offers")[0]
        .id;
    let moved = app
        .post_form(
            &format!("/learners/{}/offers/status", learners[1]),
            &[
                ("csrf", &csrf),
                ("offer", &offer.to_string()),
                ("status", "accepted"),
            ],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get_text(&format!("/cohorts/{cohort}/guarantee")).await;
    assert!(page.contains("1 learners with no offer"));
    let someone_elses = app
        .post_form(
            &format!("/learners/{}/offers/status", learners[0]),
            &[
                ("csrf", &csrf),
                ("offer", &offer.to_string()),
                ("status", "declined"),
            ],
        )
        .await;
    assert_eq!(someone_elses.status(), StatusCode::NOT_FOUND);
}

async fn an_adviser_refers_a_flagged_learner_follows_up_in_my_work_and_closes_it(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::IagAdviser).await;
    let (cohort, learners) =
        enrolled_in_new_cohort(&app, org, &[("Fran", "Flagged"), ("Nico", "Neet")]).await;
    let learner = learners[0];
    let (_, form) = app.get_text(&format!("/learners/{learner}/flags/new")).await;
    let csrf = csrf_from(&form).expect("csrf");
    let blank = app
        .post_form(
            &format!("/learners/{learner}/flags"),
            &[("csrf", &csrf), ("reason", "  ")],
        )
        .await;
    assert_eq!(blank.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let flagged = app
        .post_form(
            &format!("/learners/{learner}/flags"),
            &[("csrf", &csrf), ("reason", "Not attending since results day")],
        )
        .await;
    assert_eq!(flagged.status(), StatusCode::SEE_OTHER);
    let (_, at_risk) = app.get_text(&format!("/cohorts/{cohort}/at-risk")).await;
    assert!(
        at_risk.contains("Flagged, Fran")
            && at_risk.contains("Flagged by staff: Not attending since results day")
    );
    assert!(at_risk.contains("No open referral") && !at_risk.contains("Neet, Nico"));

    let (_, form) = app.get_text(&format!("/learners/{learner}/referrals/new")).await;
    assert!(
        form.contains("iag_adviser user (IAG adviser)"),
        "the adviser can own it"
    );
    let me = onward_storage::repo::users::list_users(app.db.conn(), org)
        .await
        .expect("users")[0]
        .id;
    let referral_path = format!("/learners/{learner}/referrals");
    let past = app
        .post_form(
            &referral_path,
            &[
                ("csrf", &csrf),
                ("referral_type", "careers_guidance"),
                ("owner", &me.to_string()),
                ("day", "1"),
                ("month", "1"),
                ("year", "2020"),
            ],
        )
        .await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let opened = app
        .post_form(
            &referral_path,
            &[
                ("csrf", &csrf),
                ("referral_type", "mental_health_support"),
                ("owner", &me.to_string()),
                ("day", "1"),
                ("month", "1"),
                ("year", "2099"),
                ("notes", "Agreed with the learner"),
            ],
        )
        .await;
    assert_eq!(opened.status(), StatusCode::SEE_OTHER);
    let (_, work) = app.get_text("/work").await;
    assert!(
        work.contains("Referrals to follow up") && work.contains("1 open, 0 due"),
        "{work}"
    );
    assert!(work.contains("Fran Flagged") && work.contains("Mental health support"));
    let close_href = work
        .split("href=\"")
        .find(|part| part.contains("/referrals/close?referral="))
        .and_then(|part| part.split('"').next())
        .expect("a record-the-outcome link")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let (status, close_form) = app.get_text(&close_href).await;
    assert_eq!(status, StatusCode::OK);
    let referral = close_href.rsplit('=').next().expect("id").to_owned();
    let other_without_note = app
        .post_form(
            &format!("/learners/{learner}/referrals/close"),
            &[("csrf", &csrf), ("referral", &referral), ("outcome", "other")],
        )
        .await;
    assert_eq!(other_without_note.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(close_form.contains("Record the outcome"));
    for _ in 0..2 {
        // The second submission changes nothing: the first outcome stands.
        let closed = app
            .post_form(
                &format!("/learners/{learner}/referrals/close"),
                &[
                    ("csrf", &csrf),
                    ("referral", &referral),
                    ("outcome", "engaged"),
                    ("note", "Seeing the counsellor weekly"),
                ],
            )
            .await;
        assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        count_audit_events(app.db.conn(), org, "learner.referral_closed", Some(learner.0))
            .await
            .expect("count"),
        1
    );
    let (_, work) = app.get_text("/work").await;
    assert!(!work.contains("Referrals to follow up"));
    let (_, record) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(
        record.contains("Support log")
            && record.contains("Referral closed (Mental health support): Engaged or progressed")
    );
    assert!(record.contains("This learner is at risk"));

    let flag = onward_storage::repo::support::flags_for_learner(app.db.conn(), org, learner)
        .await
        .expect("flags")[0]
        .id;
    let cleared = app
        .post_form(
            &format!("/learners/{learner}/flags/clear"),
            &[
                ("csrf", &csrf),
                ("flag", &flag.to_string()),
                ("note", "Back in college"),
            ],
        )
        .await;
    assert_eq!(cleared.status(), StatusCode::SEE_OTHER);
    let (_, record) = app.get_text(&format!("/learners/{learner}")).await;
    assert!(!record.contains("This learner is at risk") && record.contains("Flag cleared"));
    let (_, at_risk) = app.get_text(&format!("/cohorts/{cohort}/at-risk")).await;
    assert!(at_risk.contains("No learner in this cohort is at risk."));
}

/// The cohort lists read the learner's name from the rows kept for them
/// (`cohort_members`): an edit by hand renames and re-sorts them at once.
async fn the_cohort_lists_follow_a_learner_renamed_by_hand(db: TestDatabase) {
    let (app, org) = signed_in(db, Role::IagAdviser).await;
    let (cohort, learners) = enrolled_in_new_cohort(&app, org, &[("Ann", "Able"), ("Bob", "Baker")]).await;
    let unknowns = format!("/cohorts/{cohort}/unknowns");
    let (_, page) = app.get_text(&unknowns).await;
    let at = |page: &str, name: &str| page.find(name).unwrap_or_else(|| panic!("{name} in {page}"));
    assert!(at(&page, "Able, Ann") < at(&page, "Baker, Bob"), "in name order");
    let (_, form) = app.get_text(&format!("/learners/{}/edit", learners[0])).await;
    let csrf = csrf_from(&form).expect("csrf");
    let saved = app
        .post_form(
            &format!("/learners/{}/details", learners[0]),
            &[
                ("csrf", csrf.as_str()),
                ("given_name", "Ann"),
                ("family_name", "Zane"),
                ("mis_id", "MIS-Ann-Able"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    for list in [unknowns, format!("/cohorts/{cohort}/guarantee")] {
        let (_, page) = app.get_text(&list).await;
        assert!(!page.contains("Able, Ann"), "the old name has gone from {list}");
        assert!(
            at(&page, "Baker, Bob") < at(&page, "Zane, Ann"),
            "{list} is in the new name order"
        );
    }
}

on_both_backends!(
    the_cohort_lists_follow_a_learner_renamed_by_hand,
    a_tutor_records_an_intention_shown_beside_the_actual_destination,
    the_no_offer_list_is_exported_and_offers_move_on,
    an_adviser_refers_a_flagged_learner_follows_up_in_my_work_and_closes_it,
);
