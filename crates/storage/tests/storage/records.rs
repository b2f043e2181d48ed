//! Storage tests: each runs on SQLite and on PostgreSQL.

use chrono::{NaiveDate, TimeZone, Utc};
use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, current_destination,
};
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::programme::ProgrammeType;
use onward_domain::role::Role;
use onward_domain::tracking::shipped_plans;
use onward_storage::repo::cohorts::{NewCohort, create_cohort, list_cohorts};
use onward_storage::repo::contacts::{NewContactAttempt, contact_attempts, record_contact_attempt};
use onward_storage::repo::destinations::{append_destination, destination_history};
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
use onward_storage::repo::learner_search::{LearnerQuery, search_learners};
use onward_storage::repo::learners::{count_learners, insert_learner, learner};
use onward_storage::repo::plans::{install_plan, tracking_plan};
use onward_storage::repo::scope::LearnerScope;
use onward_storage::repo::users::user_by_email;
use onward_storage::session_store::DatabaseSessionStore;
use onward_storage::{LearnerId, StorageError};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

fn destination(category: DestinationCategory, as_of: (i32, u32, u32)) -> DestinationRecord {
    let as_of = NaiveDate::from_ymd_opt(as_of.0, as_of.1, as_of.2).expect("date");
    fixtures::destination_record(DestinationKind::Actual, category, as_of)
}

async fn migrations_are_idempotent(db: TestDatabase) {
    db.database.migrate().await.expect("second migrate is a no-op");
    db.database.ping().await.expect("ping");
}

async fn timestamps_round_trip_in_utc(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "round-trip").await;
    let learner_id = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Ada", "Lovelace", Some("9276308686"), None),
    )
    .await
    .expect("insert");
    let at = Utc
        .with_ymd_and_hms(2026, 3, 29, 0, 59, 59)
        .single()
        .expect("time")
        + chrono::Duration::microseconds(123_456);
    let attempt = NewContactAttempt {
        learner: learner_id,
        task: None,
        channel: ContactChannel::Phone,
        direction: ContactDirection::Outbound,
        outcome: ContactOutcome::Voicemail,
        notes: Some("left a message".to_owned()),
        user: None,
        attempted_at: at,
    };
    record_contact_attempt(db.conn(), org.id, &attempt)
        .await
        .expect("record");
    let stored = contact_attempts(db.conn(), org.id, learner_id)
        .await
        .expect("read");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].attempt, attempt,
        "the timestamp comes back exactly, in UTC"
    );
    let back = learner(db.conn(), org.id, learner_id).await.expect("learner");
    assert_eq!(back.date_of_birth, NaiveDate::from_ymd_opt(2010, 2, 28));
    assert_eq!(back.uln.as_ref().map(|uln| uln.as_str()), Some("9276308686"));
}

async fn another_organisations_learner_is_not_found(db: TestDatabase) {
    let mine = fixtures::organisation(db.conn(), "mine").await;
    let theirs = fixtures::organisation(db.conn(), "theirs").await;
    let their_learner = insert_learner(
        db.conn(),
        theirs.id,
        &fixtures::new_learner("Bo", "Other", None, Some("T1")),
    )
    .await
    .expect("insert");
    let err = learner(db.conn(), mine.id, their_learner)
        .await
        .expect_err("scoped");
    assert!(matches!(err, StorageError::NotFound { .. }), "{err}");
    let err = append_destination(
        db.conn(),
        mine.id,
        their_learner,
        &destination(DestinationCategory::EducationHigher, (2026, 10, 1)),
        None,
    )
    .await
    .expect_err("cannot write to another organisation's learner");
    assert!(matches!(err, StorageError::NotFound { .. }), "{err}");
    assert_eq!(count_learners(db.conn(), mine.id).await.expect("count"), 0);
    assert_eq!(count_learners(db.conn(), theirs.id).await.expect("count"), 1);
}

async fn duplicate_identifiers_are_refused_per_organisation(db: TestDatabase) {
    let first = fixtures::organisation(db.conn(), "first").await;
    let second = fixtures::organisation(db.conn(), "second").await;
    let learner = fixtures::new_learner("Cy", "Twin", Some("9276308686"), Some("M1"));
    insert_learner(db.conn(), first.id, &learner)
        .await
        .expect("first insert");
    let err = insert_learner(db.conn(), first.id, &learner)
        .await
        .expect_err("duplicate");
    assert!(
        matches!(&err, StorageError::Duplicate { what } if what.contains("9276308686")),
        "{err}"
    );
    // The same learner may be known to another organisation.
    insert_learner(db.conn(), second.id, &learner)
        .await
        .expect("other organisation");
}

async fn destination_history_is_appended_never_overwritten(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "history").await;
    let id = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Di", "Path", None, Some("H1")),
    )
    .await
    .expect("insert");
    let intended = DestinationRecord {
        kind: DestinationKind::Intended,
        ..destination(DestinationCategory::Apprenticeship, (2026, 3, 1))
    };
    append_destination(db.conn(), org.id, id, &intended, None)
        .await
        .expect("intended");
    append_destination(
        db.conn(),
        org.id,
        id,
        &destination(DestinationCategory::NeetSeeking, (2026, 9, 20)),
        None,
    )
    .await
    .expect("first actual");
    append_destination(
        db.conn(),
        org.id,
        id,
        &destination(DestinationCategory::Apprenticeship, (2026, 11, 2)),
        None,
    )
    .await
    .expect("second actual");
    let history = destination_history(db.conn(), org.id, id).await.expect("history");
    assert_eq!(history.len(), 3, "every record is kept");
    assert_eq!(history[0].record, intended);
    let current = current_destination(history.iter().map(|stored| &stored.record)).expect("current");
    assert_eq!(current.category, DestinationCategory::Apprenticeship);
    assert_eq!(current.kind, DestinationKind::Actual);
}

async fn enrolments_link_only_the_organisations_own_rows(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let other = fixtures::organisation(db.conn(), "elsewhere").await;
    let programme = fixtures::programme(
        db.conn(),
        org.id,
        "Skills Bootcamp",
        ProgrammeType::SkillsBootcamp,
    )
    .await;
    let cohort = create_cohort(
        db.conn(),
        org.id,
        &NewCohort {
            name: "Bootcamp Spring 2026".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let mine = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Ed", "Mine", None, Some("E1")),
    )
    .await
    .expect("learner");
    let foreign = insert_learner(
        db.conn(),
        other.id,
        &fixtures::new_learner("Fi", "Foreign", None, Some("F1")),
    )
    .await
    .expect("learner");
    let dates = EnrolmentDates {
        start: NaiveDate::from_ymd_opt(2026, 2, 2).expect("date"),
        planned_end: NaiveDate::from_ymd_opt(2026, 5, 15).expect("date"),
        actual_end: None,
    };
    let enrol = |learner: LearnerId| NewEnrolment {
        learner,
        programme,
        cohort,
        dates: dates.clone(),
        status: CompletionStatus::Continuing,
    };
    insert_enrolment(db.conn(), org.id, &enrol(mine))
        .await
        .expect("own learner");
    insert_enrolment(db.conn(), org.id, &enrol(mine))
        .await
        .expect("a second enrolment of the same learner");
    let err = insert_enrolment(db.conn(), org.id, &enrol(foreign))
        .await
        .expect_err("foreign learner");
    assert!(matches!(err, StorageError::NotFound { .. }), "{err}");
    let unenrolled = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Gil", "Mine", None, Some("E2")),
    )
    .await
    .expect("learner");
    for query in [
        LearnerQuery {
            programme: Some(programme),
            ..LearnerQuery::default()
        },
        LearnerQuery {
            cohort: Some(cohort),
            ..LearnerQuery::default()
        },
        LearnerQuery {
            status: Some(CompletionStatus::Continuing),
            text: "mine".to_owned(),
            ..LearnerQuery::default()
        },
    ] {
        let found = search_learners(db.conn(), org.id, &LearnerScope::All, &query, None, 10)
            .await
            .expect("search");
        let ids: Vec<LearnerId> = found.iter().map(|row| row.id).collect();
        assert_eq!(
            ids,
            vec![mine],
            "{query:?} finds the enrolled learner once, not {unenrolled}"
        );
    }
    let cohorts = list_cohorts(db.conn(), org.id).await.expect("cohorts");
    assert_eq!(cohorts.len(), 1);
    assert_eq!(cohorts[0].learners, 1, "distinct learners, not enrolments");
    assert!(
        list_cohorts(db.conn(), other.id)
            .await
            .expect("cohorts")
            .is_empty()
    );
}

async fn shipped_plans_round_trip(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "plans").await;
    for plan in shipped_plans() {
        let id = install_plan(db.conn(), org.id, &plan).await.expect("install");
        let back = tracking_plan(db.conn(), org.id, id).await.expect("load");
        assert_eq!(back, plan);
    }
}

async fn users_are_found_by_email_and_duplicates_refused(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "staff").await;
    let user = fixtures::user(db.conn(), &org, Role::Tutor, "tutor@staff.example").await;
    let email = onward_domain::email::EmailAddress::parse("Tutor@STAFF.example").expect("email");
    let found = user_by_email(db.conn(), &email)
        .await
        .expect("lookup")
        .expect("found");
    assert_eq!(found.id, user.id);
    assert_eq!(found.role, Role::Tutor);
    assert!(
        !format!("{found:?}").contains("argon2"),
        "Debug never shows the password hash"
    );
    let err = onward_storage::repo::users::create_user(
        db.conn(),
        org.id,
        &onward_storage::repo::users::NewUser {
            email,
            display_name: "Again".to_owned(),
            role: Role::Admin,
            password_hash: "x".to_owned(),
        },
    )
    .await
    .expect_err("duplicate email");
    assert!(matches!(err, StorageError::Duplicate { .. }), "{err}");
}

async fn sessions_are_stored_loaded_and_expire(db: TestDatabase) {
    let store = DatabaseSessionStore::new(db.database.clone());
    let mut record = Record {
        id: Id::default(),
        data: [("user".to_owned(), serde_json::json!({"user_id": 7}))]
            .into_iter()
            .collect(),
        expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc()
            + tower_sessions::cookie::time::Duration::hours(1),
    };
    store.create(&mut record).await.expect("create");
    let loaded = store.load(&record.id).await.expect("load").expect("present");
    assert_eq!(loaded.data, record.data);
    record.expiry_date = tower_sessions::cookie::time::OffsetDateTime::now_utc()
        - tower_sessions::cookie::time::Duration::minutes(1);
    store.save(&record).await.expect("save");
    assert!(
        store.load(&record.id).await.expect("load").is_none(),
        "expired sessions are not loaded"
    );
    assert_eq!(store.delete_expired().await.expect("purge"), 1);
}

on_both_backends!(
    migrations_are_idempotent,
    timestamps_round_trip_in_utc,
    another_organisations_learner_is_not_found,
    duplicate_identifiers_are_refused_per_organisation,
    destination_history_is_appended_never_overwritten,
    enrolments_link_only_the_organisations_own_rows,
    shipped_plans_round_trip,
    users_are_found_by_email_and_duplicates_refused,
    sessions_are_stored_loaded_and_expire,
);

async fn tasks_are_generated_once_per_enrolment_and_checkpoint(db: TestDatabase) {
    use onward_domain::role::Role;
    use onward_storage::repo::tasks::{due_tasks_for_role, generate_tasks};
    let org = fixtures::organisation(db.conn(), "tasks").await;
    let plan = shipped_plans()
        .into_iter()
        .find(|plan| plan.name.starts_with("School leavers"))
        .expect("school plan");
    let plan_id = install_plan(db.conn(), org.id, &plan).await.expect("plan");
    let programme = fixtures::programme(db.conn(), org.id, "GCSE", ProgrammeType::Gcse).await;
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let cohort = create_cohort(
        db.conn(),
        org.id,
        &NewCohort {
            name: "Year 11 leavers 2026".to_owned(),
            tracking_plan: Some(plan_id),
            results_day: Some(date(2026, 8, 20)),
        },
    )
    .await
    .expect("cohort");
    for (mis, actual_end, status) in [
        ("T1", None, CompletionStatus::Continuing),
        // An early leaver: the plan runs from the day they left.
        ("T2", Some(date(2025, 12, 12)), CompletionStatus::WithdrewEarly),
    ] {
        let learner = insert_learner(
            db.conn(),
            org.id,
            &fixtures::new_learner("Tia", "Task", None, Some(mis)),
        )
        .await
        .expect("learner");
        insert_enrolment(
            db.conn(),
            org.id,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start: date(2024, 9, 4),
                    planned_end: date(2026, 6, 26),
                    actual_end,
                },
                status,
            },
        )
        .await
        .expect("enrolment");
    }
    let first = generate_tasks(db.conn(), org.id).await.expect("generate");
    assert_eq!(first.created, 12, "6 checkpoints x 2 enrolments");
    assert_eq!(first.undated, 0);
    let second = generate_tasks(db.conn(), org.id).await.expect("generate again");
    assert_eq!(second.created, 0, "idempotent");

    let lead = due_tasks_for_role(
        db.conn(),
        org.id,
        &LearnerScope::All,
        Role::ProgressionLead,
        date(2027, 12, 31),
        100,
    )
    .await
    .expect("due");
    let dates: Vec<(&str, NaiveDate)> = lead
        .iter()
        .map(|t| (t.checkpoint_name.as_str(), t.due_on))
        .collect();
    // Fixed dates fall on or after leaving: both learners' next 15 September and
    // 1 November are in 2026 (the early leaver left on 12/12/2025).
    assert_eq!(
        dates,
        vec![
            ("September roll-call", date(2026, 9, 15)),
            ("September roll-call", date(2026, 9, 15)),
            ("November activity check", date(2026, 11, 1)),
            ("November activity check", date(2026, 11, 1)),
        ]
    );
    // The NEET follow-up (1 February) crosses the year boundary: the early leaver's is
    // 01/02/2026, the completer's (left 26/06/2026) 01/02/2027.
    let iag = due_tasks_for_role(
        db.conn(),
        org.id,
        &LearnerScope::All,
        Role::IagAdviser,
        date(2027, 12, 31),
        100,
    )
    .await
    .expect("due");
    let follow_ups: Vec<NaiveDate> = iag
        .iter()
        .filter(|t| t.checkpoint_name.starts_with("NEET"))
        .map(|t| t.due_on)
        .collect();
    assert_eq!(follow_ups, vec![date(2026, 2, 1), date(2027, 2, 1)]);
    let nothing_yet = due_tasks_for_role(
        db.conn(),
        org.id,
        &LearnerScope::All,
        Role::ProgressionLead,
        date(2025, 1, 1),
        100,
    )
    .await
    .expect("due");
    assert!(nothing_yet.is_empty(), "nothing is due before its date");
}

on_both_backends!(tasks_are_generated_once_per_enrolment_and_checkpoint);

async fn sustained_progression_is_computed_from_history(db: TestDatabase) {
    use onward_storage::repo::cohorts::sustained_counts;
    let org = fixtures::organisation(db.conn(), "sustained").await;
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let programme =
        fixtures::programme(db.conn(), org.id, "Level 3 Diploma", ProgrammeType::Vocational).await;
    let cohort = create_cohort(
        db.conn(),
        org.id,
        &NewCohort {
            name: "Leavers 2026".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let stays = |category, from| DestinationRecord {
        start_date: Some(from),
        ..destination(category, (2026, 9, 1))
    };
    let histories: [(&str, Vec<DestinationRecord>); 3] = [
        (
            "S1",
            vec![stays(DestinationCategory::Apprenticeship, date(2026, 9, 1))],
        ),
        (
            "S2",
            vec![
                stays(DestinationCategory::EducationFurtherFullTime, date(2026, 9, 1)),
                DestinationRecord {
                    as_of: date(2027, 1, 20),
                    ..stays(DestinationCategory::NeetSeeking, date(2027, 1, 15))
                },
            ],
        ),
        ("S3", vec![]),
    ];
    for (mis, records) in histories {
        let learner = insert_learner(
            db.conn(),
            org.id,
            &fixtures::new_learner("Sam", "Stay", None, Some(mis)),
        )
        .await
        .expect("learner");
        insert_enrolment(
            db.conn(),
            org.id,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start: date(2024, 9, 1),
                    planned_end: date(2026, 6, 30),
                    actual_end: None,
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        for record in records {
            append_destination(db.conn(), org.id, learner, &record, None)
                .await
                .expect("destination");
        }
    }
    // October to March (the DfE's first two terms): one sustained, one dropped out, one unknown.
    assert_eq!(
        sustained_counts(db.conn(), org.id, cohort, date(2026, 10, 1), 6)
            .await
            .expect("counts"),
        (1, 1, 1)
    );
    // Over the first three months both were still in their destinations.
    assert_eq!(
        sustained_counts(db.conn(), org.id, cohort, date(2026, 10, 1), 3)
            .await
            .expect("counts"),
        (2, 0, 1)
    );
}

on_both_backends!(sustained_progression_is_computed_from_history);

// ---------------------------------------------------------------- intentions, guarantee, support

async fn intentions_are_intended_destinations_with_a_stage(db: TestDatabase) {
    use onward_domain::support::IntentionStage;
    use onward_storage::repo::intentions::{NewIntention, intentions_for_learner, record_intention};
    let org = fixtures::organisation(db.conn(), "intentions").await;
    let other = fixtures::organisation(db.conn(), "elsewhere").await;
    let tutor = fixtures::user(db.conn(), &org, Role::Tutor, "tutor@intentions.example").await;
    let learner = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Ina", "Tent", None, Some("I1")),
    )
    .await
    .expect("learner");
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
    let intention = |stage, category, as_of| NewIntention {
        stage,
        category,
        as_of,
        place: Some("Leeds City College".to_owned()),
        aspiration: Some("To be a veterinary nurse".to_owned()),
        notes: None,
    };
    record_intention(
        db.conn(),
        org.id,
        learner,
        &intention(
            IntentionStage::IlpReview,
            DestinationCategory::EducationFurtherFullTime,
            date(3, 2),
        ),
        Some(tutor.id),
    )
    .await
    .expect("review");
    record_intention(
        db.conn(),
        org.id,
        learner,
        &intention(
            IntentionStage::Induction,
            DestinationCategory::NotKnown,
            date(1, 10),
        ),
        Some(tutor.id),
    )
    .await
    .expect("induction");
    let found = intentions_for_learner(db.conn(), org.id, learner)
        .await
        .expect("list");
    let summary: Vec<(IntentionStage, DestinationCategory)> =
        found.iter().map(|i| (i.stage, i.record.category)).collect();
    assert_eq!(
        summary,
        vec![
            (IntentionStage::Induction, DestinationCategory::NotKnown),
            (
                IntentionStage::IlpReview,
                DestinationCategory::EducationFurtherFullTime
            ),
        ],
        "oldest conversation first"
    );
    assert_eq!(found[1].record.kind, DestinationKind::Intended);
    assert_eq!(found[1].record.institution.as_deref(), Some("Leeds City College"));
    assert_eq!(found[1].aspiration.as_deref(), Some("To be a veterinary nurse"));
    assert_eq!(found[1].recorded_by_name.as_deref(), Some("tutor user"));
    // Intentions are destination records, but never the current destination.
    let history = destination_history(db.conn(), org.id, learner)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert!(current_destination(history.iter().map(|s| &s.record)).is_none());
    let refused = record_intention(
        db.conn(),
        other.id,
        learner,
        &intention(
            IntentionStage::Exit,
            DestinationCategory::Apprenticeship,
            date(6, 1),
        ),
        None,
    )
    .await;
    assert!(
        matches!(refused, Err(StorageError::NotFound { .. })),
        "{refused:?}"
    );
    assert_eq!(
        destination_history(db.conn(), org.id, learner)
            .await
            .expect("history")
            .len(),
        2,
        "nothing half-written"
    );
}

async fn learners_without_a_september_guarantee_offer_are_listed(db: TestDatabase) {
    use onward_domain::support::OfferStatus;
    use onward_storage::repo::guarantee::{
        NewOffer, OfferCounts, learners_without_offer, offers_for_learner, record_offer, update_offer_status,
    };
    let org = fixtures::organisation(db.conn(), "guarantee").await;
    let programme = fixtures::programme(db.conn(), org.id, "GCSE", ProgrammeType::Gcse).await;
    let cohort = create_cohort(
        db.conn(),
        org.id,
        &NewCohort {
            name: "Year 11 leavers 2026".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let mut learners = Vec::new();
    for (given, mis) in [
        ("Accepted", "G1"),
        ("Declined", "G2"),
        ("Nothing", "G3"),
        ("Applied", "G4"),
    ] {
        let learner = insert_learner(
            db.conn(),
            org.id,
            &fixtures::new_learner(given, "Offer", None, Some(mis)),
        )
        .await
        .expect("learner");
        insert_enrolment(
            db.conn(),
            org.id,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start: NaiveDate::from_ymd_opt(2024, 9, 4).expect("date"),
                    planned_end: NaiveDate::from_ymd_opt(2026, 6, 26).expect("date"),
                    actual_end: None,
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        learners.push(learner);
    }
    let offer = |status| NewOffer {
        provider: "Leeds City College".to_owned(),
        course: Some("Level 2 Engineering".to_owned()),
        status,
    };
    record_offer(
        db.conn(),
        org.id,
        learners[0],
        &offer(OfferStatus::Declined),
        None,
    )
    .await
    .expect("offer");
    record_offer(
        db.conn(),
        org.id,
        learners[0],
        &offer(OfferStatus::Accepted),
        None,
    )
    .await
    .expect("offer");
    let declined = record_offer(
        db.conn(),
        org.id,
        learners[1],
        &offer(OfferStatus::Declined),
        None,
    )
    .await
    .expect("offer");
    record_offer(db.conn(), org.id, learners[1], &offer(OfferStatus::NoOffer), None)
        .await
        .expect("offer");
    record_offer(db.conn(), org.id, learners[3], &offer(OfferStatus::Applied), None)
        .await
        .expect("offer");

    let (without, counts) = learners_without_offer(db.conn(), org.id, &LearnerScope::All, cohort)
        .await
        .expect("list");
    let names: Vec<&str> = without.iter().map(|w| w.learner.given_name.as_str()).collect();
    assert_eq!(names, vec!["Declined", "Nothing"]);
    assert_eq!(without[0].offers.len(), 2, "what was recorded is shown");
    assert_eq!(
        counts,
        OfferCounts {
            accepted: 1,
            offered: 0,
            applied: 1,
            no_offer: 2
        }
    );

    update_offer_status(db.conn(), org.id, learners[1], declined, OfferStatus::Offered)
        .await
        .expect("update");
    let (without, counts) = learners_without_offer(db.conn(), org.id, &LearnerScope::All, cohort)
        .await
        .expect("list");
    assert_eq!(without.len(), 1);
    assert_eq!(counts.offered, 1);
    let wrong_learner =
        update_offer_status(db.conn(), org.id, learners[2], declined, OfferStatus::Accepted).await;
    assert!(matches!(wrong_learner, Err(StorageError::NotFound { .. })));
    assert_eq!(
        offers_for_learner(db.conn(), org.id, learners[1])
            .await
            .expect("offers")[0]
            .status,
        OfferStatus::Offered
    );
}

async fn at_risk_learners_flags_and_referrals(db: TestDatabase) {
    use onward_domain::support::{AtRiskReason, ReferralOutcome, ReferralType};
    use onward_storage::repo::support::{
        NewReferral, at_risk_in_cohort, clear_flag, close_referral, flags_for_learner, learner_at_risk,
        open_referral, open_referrals_for_owner, raise_flag, referrals_for_learner,
    };
    let org = fixtures::organisation(db.conn(), "support").await;
    let other = fixtures::organisation(db.conn(), "other-support").await;
    let adviser = fixtures::user(db.conn(), &org, Role::IagAdviser, "iag@support.example").await;
    let outsider = fixtures::user(db.conn(), &other, Role::IagAdviser, "iag@other.example").await;
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let plan = shipped_plans()
        .into_iter()
        .find(|plan| plan.name.starts_with("Adult provider"))
        .expect("adult plan");
    let plan_id = install_plan(db.conn(), org.id, &plan).await.expect("plan");
    let programme = fixtures::programme(db.conn(), org.id, "Bootcamp", ProgrammeType::SkillsBootcamp).await;
    let cohort = create_cohort(
        db.conn(),
        org.id,
        &NewCohort {
            name: "Bootcamp 2025".to_owned(),
            tracking_plan: Some(plan_id),
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let mut learners = Vec::new();
    // Left 01/07/2025: the 12-month sustained check was due 01/07/2026.
    for (given, mis) in [
        ("Neet", "R1"),
        ("Unknown", "R2"),
        ("Flagged", "R3"),
        ("Fine", "R4"),
    ] {
        let learner = insert_learner(
            db.conn(),
            org.id,
            &fixtures::new_learner(given, "Risk", None, Some(mis)),
        )
        .await
        .expect("learner");
        insert_enrolment(
            db.conn(),
            org.id,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start: date(2025, 3, 3),
                    planned_end: date(2025, 7, 1),
                    actual_end: Some(date(2025, 7, 1)),
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        learners.push(learner);
    }
    append_destination(
        db.conn(),
        org.id,
        learners[0],
        &destination(DestinationCategory::NeetSeeking, (2025, 10, 1)),
        None,
    )
    .await
    .expect("neet");
    for learner in [learners[2], learners[3]] {
        append_destination(
            db.conn(),
            org.id,
            learner,
            &destination(DestinationCategory::EmploymentFullTime, (2025, 10, 1)),
            None,
        )
        .await
        .expect("employed");
    }
    let flag = raise_flag(
        db.conn(),
        org.id,
        learners[2],
        "Lost their job last week",
        Some(adviser.id),
    )
    .await
    .expect("flag");

    let before_deadline = at_risk_in_cohort(db.conn(), org.id, &LearnerScope::All, cohort, date(2026, 6, 30))
        .await
        .expect("at risk");
    let names: Vec<&str> = before_deadline
        .iter()
        .map(|a| a.learner.given_name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["Flagged", "Neet"],
        "not known is not at risk before the last checkpoint"
    );
    let after = at_risk_in_cohort(db.conn(), org.id, &LearnerScope::All, cohort, date(2026, 7, 2))
        .await
        .expect("at risk");
    let reasons: Vec<(&str, &AtRiskReason)> = after
        .iter()
        .map(|a| (a.learner.given_name.as_str(), &a.reasons[0]))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                "Flagged",
                &AtRiskReason::FlaggedByStaff(vec!["Lost their job last week".to_owned()])
            ),
            ("Neet", &AtRiskReason::Neet(DestinationCategory::NeetSeeking)),
            (
                "Unknown",
                &AtRiskReason::NotKnownAfterLastCheckpoint {
                    last_checkpoint: date(2026, 7, 1)
                }
            ),
        ]
    );
    assert_eq!(
        learner_at_risk(db.conn(), org.id, learners[1], None, date(2026, 7, 2))
            .await
            .expect("one learner"),
        vec![AtRiskReason::NotKnownAfterLastCheckpoint {
            last_checkpoint: date(2026, 7, 1)
        }]
    );

    clear_flag(
        db.conn(),
        org.id,
        learners[2],
        flag,
        Some("Found a new job"),
        Some(adviser.id),
    )
    .await
    .expect("clear");
    let again = clear_flag(db.conn(), org.id, learners[2], flag, None, Some(adviser.id)).await;
    assert!(
        matches!(again, Err(StorageError::NotFound { .. })),
        "cleared once"
    );
    let flags = flags_for_learner(db.conn(), org.id, learners[2])
        .await
        .expect("flags");
    assert!(!flags[0].is_open());
    assert_eq!(flags[0].cleared_note.as_deref(), Some("Found a new job"));
    assert_eq!(flags[0].raised_by_name.as_deref(), Some("iag_adviser user"));
    let after_clear = at_risk_in_cohort(db.conn(), org.id, &LearnerScope::All, cohort, date(2026, 7, 2))
        .await
        .expect("at risk");
    assert_eq!(after_clear.len(), 2);

    let referral = |referral_type, owner, day| NewReferral {
        referral_type,
        owner,
        follow_up_on: date(2026, 12, day),
        notes: Some("Agreed at the review".to_owned()),
    };
    let later = open_referral(
        db.conn(),
        org.id,
        learners[0],
        &referral(ReferralType::EmployabilityCoaching, adviser.id, 10),
        Some(adviser.id),
    )
    .await
    .expect("referral");
    let sooner = open_referral(
        db.conn(),
        org.id,
        learners[1],
        &referral(ReferralType::CareersGuidance, adviser.id, 3),
        Some(adviser.id),
    )
    .await
    .expect("referral");
    let foreign_owner = open_referral(
        db.conn(),
        org.id,
        learners[0],
        &referral(ReferralType::Other, outsider.id, 3),
        None,
    )
    .await;
    assert!(
        matches!(foreign_owner, Err(StorageError::NotFound { .. })),
        "owner from another organisation"
    );
    let mine = open_referrals_for_owner(db.conn(), org.id, &LearnerScope::All, adviser.id, 100)
        .await
        .expect("mine");
    assert_eq!(
        mine.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![sooner, later],
        "oldest follow-up first"
    );
    assert_eq!(mine[0].learner_name, "Unknown Risk");
    let at_risk = at_risk_in_cohort(db.conn(), org.id, &LearnerScope::All, cohort, date(2026, 7, 2))
        .await
        .expect("at risk");
    assert!(at_risk.iter().all(|a| a.open_referrals == 1));

    close_referral(
        db.conn(),
        org.id,
        learners[0],
        later,
        ReferralOutcome::Engaged,
        Some("Started coaching"),
        Some(adviser.id),
    )
    .await
    .expect("close");
    let twice = close_referral(
        db.conn(),
        org.id,
        learners[0],
        later,
        ReferralOutcome::Declined,
        None,
        None,
    )
    .await;
    assert!(
        matches!(twice, Err(StorageError::NotFound { .. })),
        "the first outcome stands"
    );
    let wrong_learner = close_referral(
        db.conn(),
        org.id,
        learners[0],
        sooner,
        ReferralOutcome::Declined,
        None,
        None,
    )
    .await;
    assert!(matches!(wrong_learner, Err(StorageError::NotFound { .. })));
    let log = referrals_for_learner(db.conn(), org.id, learners[0])
        .await
        .expect("log");
    assert_eq!(log[0].outcome, Some(ReferralOutcome::Engaged));
    assert_eq!(log[0].closed_by_name.as_deref(), Some("iag_adviser user"));
    assert_eq!(
        open_referrals_for_owner(db.conn(), org.id, &LearnerScope::All, adviser.id, 100)
            .await
            .expect("mine")
            .len(),
        1
    );
    assert!(
        open_referrals_for_owner(db.conn(), other.id, &LearnerScope::All, adviser.id, 100)
            .await
            .expect("theirs")
            .is_empty(),
        "tenant-scoped"
    );
}

on_both_backends!(
    intentions_are_intended_destinations_with_a_stage,
    learners_without_a_september_guarantee_offer_are_listed,
    at_risk_learners_flags_and_referrals,
);
