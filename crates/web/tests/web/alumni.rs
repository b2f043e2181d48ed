//! The alumni list and success-story moderation (issue 15), on both backends:
//! who is on the list (opted in, consent current, not opted out), its
//! filters and pages, the CSV and XLSX exports with formula-safe cells, and
//! stories shown only once approved.

use chrono::NaiveDate;
use onward_domain::destination::{DestinationCategory, DestinationKind, DestinationRecord};
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::programme::{ProgrammeType, SectorSubjectArea, StudyMode};
use onward_domain::role::Role;
use onward_storage::repo::alumni::record_alumni_answer;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::destinations::append_destination;
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
use onward_storage::repo::learners::insert_learner;
use onward_storage::repo::programmes::{NewProgramme, create_programme};
use onward_storage::repo::surveys::record_consent;
use onward_storage::{CohortId, LearnerId, OrganisationId, ProgrammeId};
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

async fn programme(
    app: &TestApp,
    org: OrganisationId,
    title: &str,
    sector: SectorSubjectArea,
) -> ProgrammeId {
    create_programme(
        app.db.conn(),
        org,
        &NewProgramme {
            title: title.to_owned(),
            programme_type: ProgrammeType::Vocational,
            level: None,
            sector_subject_area: Some(sector),
            mode: StudyMode::FullTime,
            funding_stream: None,
        },
    )
    .await
    .expect("programme")
}

async fn leaver(
    app: &TestApp,
    org: OrganisationId,
    cohort: CohortId,
    (given, family): (&str, &str),
    programme: ProgrammeId,
    left: NaiveDate,
) -> LearnerId {
    let conn = app.db.conn();
    let learner = insert_learner(
        conn,
        org,
        &fixtures::new_learner(given, family, None, Some(family)),
    )
    .await
    .expect("learner");
    insert_enrolment(
        conn,
        org,
        &NewEnrolment {
            learner,
            programme,
            cohort,
            dates: EnrolmentDates {
                start: NaiveDate::from_ymd_opt(2023, 9, 4).expect("date"),
                planned_end: left,
                actual_end: Some(left),
            },
            status: CompletionStatus::Completed,
        },
    )
    .await
    .expect("enrolment");
    learner
}

async fn the_alumni_list_keeps_to_consent_filters_pages_and_exports_safely(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "alumni", Role::ProgressionLead).await;
    let conn = app.db.conn();
    let cohort = create_cohort(
        conn,
        org.id,
        &NewCohort {
            name: "Leavers".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let electrical = programme(
        &app,
        org.id,
        "Electrical installation",
        SectorSubjectArea::EngineeringManufacturing,
    )
    .await;
    let hair = programme(
        &app,
        org.id,
        "Hair and beauty",
        SectorSubjectArea::RetailCommercial,
    )
    .await;
    let july_2025 = NaiveDate::from_ymd_opt(2025, 7, 18).expect("date");
    let july_2024 = NaiveDate::from_ymd_opt(2024, 7, 19).expect("date");

    let sam = leaver(&app, org.id, cohort, ("Sam", "Patel"), electrical, july_2025).await;
    let ann = leaver(&app, org.id, cohort, ("Ann", "Evans"), hair, july_2024).await;
    // A name a spreadsheet would run as a formula.
    let eve = leaver(
        &app,
        org.id,
        cohort,
        ("=HYPERLINK(\"x\")", "Zed"),
        electrical,
        july_2024,
    )
    .await;
    let withdrew = leaver(&app, org.id, cohort, ("Wyn", "Withdrew"), electrical, july_2025).await;
    let no_consent = leaver(&app, org.id, cohort, ("Nia", "Noconsent"), electrical, july_2025).await;
    let opted_out = leaver(&app, org.id, cohort, ("Owen", "Optedout"), electrical, july_2025).await;
    let never = leaver(&app, org.id, cohort, ("Nev", "Never"), electrical, july_2025).await;
    for learner in [sam, ann, eve, withdrew, no_consent, opted_out] {
        record_alumni_answer(conn, org.id, learner, Some(true), None, None)
            .await
            .expect("alumni");
    }
    // A later "no" takes the learner off the list; so do a "no" to contact and an opt-out.
    record_alumni_answer(conn, org.id, withdrew, Some(false), None, None)
        .await
        .expect("alumni");
    record_consent(conn, org.id, no_consent, "contact", false)
        .await
        .expect("consent");
    let write = app
        .db
        .database
        .write(onward_storage::Actor {
            organisation: org.id,
            user: None,
            remote_addr: None,
        })
        .await
        .expect("write");
    onward_storage::repo::opt_outs::opt_out_learner(
        &write,
        opted_out,
        onward_storage::repo::opt_outs::OptOutRoute::LinkPage,
    )
    .await
    .expect("opt out");
    write.commit().await.expect("commit");
    let _ = never;
    // Sam works as an apprentice: the sector of the job wins over the programme's.
    append_destination(
        conn,
        org.id,
        sam,
        &DestinationRecord {
            employer: Some("Aire Logistics".to_owned()),
            sector: Some(SectorSubjectArea::ConstructionPlanning),
            ..fixtures::destination_record(
                DestinationKind::Actual,
                DestinationCategory::Apprenticeship,
                NaiveDate::from_ymd_opt(2025, 9, 1).expect("date"),
            )
        },
        None,
    )
    .await
    .expect("record");

    let (status, page) = app.get_text("/alumni").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("3 on the list"), "{page}");
    for name in ["Patel, Sam", "Evans, Ann", "Zed, "] {
        assert!(page.contains(name), "{name} is listed");
    }
    for name in ["Withdrew", "Noconsent", "Optedout", "Never"] {
        assert!(!page.contains(name), "{name} is not listed");
    }
    assert!(page.contains("Aire Logistics"));

    let (_, by_programme) = app.get_text(&format!("/alumni?programme={electrical}")).await;
    assert!(by_programme.contains("2 on the list") && !by_programme.contains("Evans"));
    let (_, by_year) = app.get_text("/alumni?year=2024").await;
    assert!(by_year.contains("2 on the list") && !by_year.contains("Patel"));
    let (_, by_sector) = app.get_text("/alumni?sector=5").await;
    assert!(
        by_sector.contains("1 on the list") && by_sector.contains("Patel"),
        "{by_sector}"
    );
    let (_, nonsense) = app
        .get_text("/alumni?programme=x&year=99999&sector=zz&page=-1")
        .await;
    assert!(nonsense.contains("3 on the list"), "bad filters are ignored");

    let csv = app.get(&format!("/alumni.csv?programme={electrical}")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let csv = csv.text().await.expect("body");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("Family name,Given name,Email,Programmes"));
    assert!(lines[1].starts_with("Patel,Sam,"));
    assert!(lines[2].starts_with("Zed,\"'=HYPERLINK(\"\"x\"\")\""), "{csv}");
    let xlsx = app.get("/alumni.xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(xlsx.bytes().await.expect("body").starts_with(b"PK"));
    assert_eq!(
        count_audit_events(conn, org.id, "alumni.exported", Some(org.id.0))
            .await
            .expect("audit"),
        2
    );
    assert!(
        count_audit_events(conn, org.id, "alumni.view", Some(org.id.0))
            .await
            .expect("audit")
            >= 1
    );

    // 30 more alumni: two pages of 25.
    for index in 0..30 {
        let learner = leaver(
            &app,
            org.id,
            cohort,
            ("Page", &format!("Person{index:02}")),
            hair,
            july_2024,
        )
        .await;
        record_alumni_answer(conn, org.id, learner, Some(true), None, None)
            .await
            .expect("alumni");
    }
    let (_, first) = app.get_text("/alumni").await;
    assert!(first.contains("33 on the list") && first.contains("Page 1 of 2"));
    assert!(first.contains("Evans, Ann") && !first.contains("Zed, "));
    let (_, second) = app.get_text("/alumni?page=2").await;
    assert!(second.contains("Page 2 of 2") && second.contains("Zed, ") && !second.contains("Evans, Ann"));

    // Tutors do not see the alumni list.
    let tutor = app.new_client();
    fixtures::user(conn, &org, Role::Tutor, "tutor@alumni.example").await;
    tutor.sign_in("tutor@alumni.example", fixtures::PASSWORD).await;
    assert_eq!(tutor.get("/alumni").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(tutor.get("/alumni.csv").await.status(), StatusCode::FORBIDDEN);
}

async fn stories_are_shown_only_once_approved_and_can_be_edited_and_withdrawn(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "stories", Role::IagAdviser).await;
    let conn = app.db.conn();
    let sam = insert_learner(
        conn,
        org.id,
        &fixtures::new_learner("Sam", "Patel", None, Some("S1")),
    )
    .await
    .expect("learner");
    let ann = insert_learner(
        conn,
        org.id,
        &fixtures::new_learner("Ann", "Evans", None, Some("A1")),
    )
    .await
    .expect("learner");
    let story = record_alumni_answer(
        conn,
        org.id,
        sam,
        Some(true),
        Some("I wired my first house last week <b>!</b>"),
        Some(true),
    )
    .await
    .expect("story");
    let private = record_alumni_answer(conn, org.id, ann, None, Some("Only for you to read"), Some(false))
        .await
        .expect("story");

    // Waiting: on the moderation page, not among the approved.
    let (status, moderation) = app.get_text("/stories").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        moderation.contains("I wired my first house last week &#60;b&#62;!&#60;/b&#62;"),
        "{moderation}"
    );
    assert!(moderation.contains("did not agree to it being published"));
    let (_, approved) = app.get_text("/stories/approved").await;
    assert!(!approved.contains("I wired my first house"));
    let csrf = csrf_from(&moderation).expect("csrf");

    // A story the learner did not agree to publish cannot be approved.
    let refused = app
        .post_form(
            &format!("/stories/{private}"),
            &[
                ("csrf", &csrf),
                ("action", "approve"),
                ("text", "Only for you to read"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let empty = app
        .post_form(
            &format!("/stories/{story}"),
            &[("csrf", &csrf), ("action", "approve"), ("text", "  ")],
        )
        .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Approve with an edit: the edited text is shown, the learner's words kept.
    let approve = app
        .post_form(
            &format!("/stories/{story}"),
            &[
                ("csrf", &csrf),
                ("action", "approve"),
                ("text", "I wired my first house last week!"),
            ],
        )
        .await;
    assert_eq!(approve.status(), StatusCode::SEE_OTHER);
    let (_, approved) = app.get_text("/stories/approved").await;
    assert!(
        approved.contains("I wired my first house last week!"),
        "{approved}"
    );
    assert!(!approved.contains("Only for you to read"));
    let (_, moderation) = app.get_text("/stories").await;
    assert!(moderation.contains("The learner&#39;s own words"));

    let edit = app
        .post_form(
            &format!("/stories/{story}"),
            &[
                ("csrf", &csrf),
                ("action", "edit"),
                ("text", "I wired a whole house!"),
            ],
        )
        .await;
    assert_eq!(edit.status(), StatusCode::SEE_OTHER);
    let (_, approved) = app.get_text("/stories/approved").await;
    assert!(approved.contains("I wired a whole house!"));

    let withdraw = app
        .post_form(
            &format!("/stories/{story}"),
            &[("csrf", &csrf), ("action", "withdraw"), ("text", "")],
        )
        .await;
    assert_eq!(withdraw.status(), StatusCode::SEE_OTHER);
    let (_, approved) = app.get_text("/stories/approved").await;
    assert!(!approved.contains("I wired"));
    for action in ["story.approved", "story.edited", "story.withdrawn"] {
        assert_eq!(
            count_audit_events(conn, org.id, action, Some(sam.0))
                .await
                .expect("audit"),
            1,
            "{action}"
        );
    }
    // Another organisation's story is not found.
    let other = fixtures::organisation(conn, "otherstories").await;
    let theirs_learner = insert_learner(
        conn,
        other.id,
        &fixtures::new_learner("Tom", "Other", None, Some("T1")),
    )
    .await
    .expect("learner");
    let theirs = record_alumni_answer(conn, other.id, theirs_learner, None, Some("Mine"), Some(true))
        .await
        .expect("story");
    let cross = app
        .post_form(
            &format!("/stories/{theirs}"),
            &[("csrf", &csrf), ("action", "withdraw"), ("text", "")],
        )
        .await;
    assert_eq!(cross.status(), StatusCode::NOT_FOUND);
}

on_both_backends!(
    the_alumni_list_keeps_to_consent_filters_pages_and_exports_safely,
    stories_are_shown_only_once_approved_and_can_be_edited_and_withdrawn,
);
