//! A destination recorded by any route closes the learner's open tasks it
//! answers, linked to the record (issue 13 item 18); verification upgrades
//! only go up and keep their evidence (item 22). On SQLite and PostgreSQL.

use chrono::{NaiveDate, TimeZone, Utc};
use onward_domain::contact::{ContactChannel, ContactOutcome};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TaskStatus, TrackingPlan};
use onward_storage::repo::calls::{RecordedCall, open_tasks, record_call, task_progress};
use onward_storage::repo::destinations::{
    VerifyError, append_destination, record_destination, task_answered_by, verification_upgrades,
    verify_destination,
};
use onward_storage::{Actor, LearnerId, OrganisationId, TaskId, UserId};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn checkpoint(key: &str, anchor: Anchor, offset_days: i32, channels: &[ContactChannel]) -> Checkpoint {
    Checkpoint {
        key: key.to_owned(),
        name: key.to_owned(),
        anchor,
        fixed_month_day: None,
        offset_days,
        channels: channels.to_vec(),
        responsible: Role::ProgressionLead,
        max_attempts: 2,
        survey: None,
    }
}

fn record(kind: DestinationKind, category: DestinationCategory, as_of: NaiveDate) -> DestinationRecord {
    DestinationRecord {
        source: DestinationSource::Staff,
        verification: Verification::Unverified,
        ..fixtures::destination_record(kind, category, as_of)
    }
}

struct World {
    org: OrganisationId,
    user: UserId,
    learners: Vec<LearnerId>,
    /// Each learner's task per checkpoint, in plan order.
    tasks: Vec<Vec<TaskId>>,
}

/// Leavers of 1 March 2025 (one day apart) on a plan of `checkpoints`.
async fn world(db: &TestDatabase, checkpoints: Vec<Checkpoint>, names: &[&str]) -> World {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "answers").await;
    let user = fixtures::user(conn, &organisation, Role::ProgressionLead, "lead@answers.example").await;
    let plan = TrackingPlan {
        name: "Answers".to_owned(),
        description: String::new(),
        checkpoints,
    };
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, &plan, names).await;
    let mut tasks = vec![Vec::new(); queue.learners.len()];
    for point in &queue.plan.checkpoints {
        let open = open_tasks(conn, organisation.id, point.id, date(2030, 1, 1))
            .await
            .expect("open tasks");
        for (index, learner) in queue.learners.iter().enumerate() {
            let task = open
                .iter()
                .find(|(_, _, l)| l == learner)
                .map(|(task, _, _)| *task)
                .expect("a task per learner and checkpoint");
            tasks[index].push(task);
        }
    }
    World {
        org: organisation.id,
        user: user.id,
        learners: queue.learners,
        tasks,
    }
}

async fn state(db: &TestDatabase, org: OrganisationId, task: TaskId) -> (TaskStatus, Option<i64>) {
    (
        task_progress(db.conn(), org, task).await.expect("task").status,
        task_answered_by(db.conn(), org, task)
            .await
            .expect("task")
            .map(|id| id.0),
    )
}

async fn a_call_that_learns_the_destination_closes_and_links_its_task(db: TestDatabase) {
    let w = world(
        &db,
        vec![checkpoint(
            "follow_up",
            Anchor::Leaving,
            90,
            &[ContactChannel::Phone],
        )],
        &["Cat"],
    )
    .await;
    let task = w.tasks[0][0];
    let write = db.database.write(Actor::system(w.org)).await.expect("begin");
    record_call(
        &write,
        &RecordedCall {
            task,
            idempotency_key: "reached".to_owned(),
            outcome: ContactOutcome::Reached,
            number: None,
            notes: None,
            destination: Some(record(
                DestinationKind::Actual,
                DestinationCategory::EmploymentFullTime,
                date(2026, 11, 20),
            )),
            opt_out: false,
            user: w.user,
            at: Utc
                .with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
                .single()
                .expect("time"),
        },
    )
    .await
    .expect("call");
    write.commit().await.expect("commit");
    let history = onward_storage::repo::destinations::destination_history(db.conn(), w.org, w.learners[0])
        .await
        .expect("history");
    assert_eq!(
        state(&db, w.org, task).await,
        (TaskStatus::Done, Some(history[0].id.0))
    );
}

async fn a_destination_closes_only_the_open_tasks_it_answers(db: TestDatabase) {
    use ContactChannel::{Email, InPerson, Sms};
    let w = world(
        &db,
        vec![
            // Due 30 January 2025 (before leaving): asks what they intend.
            checkpoint("intentions", Anchor::PlannedEnd, -30, &[InPerson]),
            // Due 30 May 2025: what they are doing; email and SMS only.
            checkpoint("follow_up", Anchor::Leaving, 90, &[Email, Sms]),
            // Due 1 March 2026: the sustained check, not yet answered by a 2025 record.
            checkpoint("sustained", Anchor::Leaving, 365, &[Email]),
        ],
        &["Ann", "Ben"],
    )
    .await;
    let conn = db.conn();
    let (ann, ben) = (w.learners[0], w.learners[1]);
    // "Not known" answers nothing.
    append_destination(
        conn,
        w.org,
        ann,
        &record(
            DestinationKind::Actual,
            DestinationCategory::NotKnown,
            date(2025, 6, 1),
        ),
        None,
    )
    .await
    .expect("not known");
    assert_eq!(state(&db, w.org, w.tasks[0][1]).await, (TaskStatus::Due, None));
    // An actual destination in June 2025 answers the May follow-up only.
    let answered = record_destination(
        conn,
        w.org,
        ann,
        &record(
            DestinationKind::Actual,
            DestinationCategory::EducationFurtherFullTime,
            date(2025, 6, 1),
        ),
        None,
        None,
    )
    .await
    .expect("record");
    assert_eq!(answered.answered, [w.tasks[0][1]]);
    assert_eq!(
        state(&db, w.org, w.tasks[0][1]).await,
        (TaskStatus::Done, Some(answered.id.0))
    );
    assert_eq!(
        state(&db, w.org, w.tasks[0][0]).await,
        (TaskStatus::Due, None),
        "intention task"
    );
    assert_eq!(
        state(&db, w.org, w.tasks[0][2]).await,
        (TaskStatus::Due, None),
        "not due for months"
    );
    assert_eq!(
        state(&db, w.org, w.tasks[1][1]).await,
        (TaskStatus::Due, None),
        "Ben's task"
    );
    // A task closed another way keeps its outcome: Ben opted out of the follow-up.
    let write = db.database.write(Actor::system(w.org)).await.expect("begin");
    onward_storage::repo::calls::record_task_attempt(
        &write,
        w.org,
        w.tasks[1][1],
        Email,
        ContactOutcome::Refused,
        None,
        Utc::now(),
    )
    .await
    .expect("refused");
    write.commit().await.expect("commit");
    let late = record_destination(
        conn,
        w.org,
        ben,
        &record(
            DestinationKind::Actual,
            DestinationCategory::Apprenticeship,
            date(2026, 2, 20),
        ),
        None,
        None,
    )
    .await
    .expect("record");
    assert_eq!(
        state(&db, w.org, w.tasks[1][1]).await,
        (TaskStatus::OptedOut, None)
    );
    assert_eq!(
        late.answered,
        [w.tasks[1][2]],
        "ten days before the sustained check is an answer to it"
    );
    // An intention answers the intentions check.
    let intended = record_destination(
        conn,
        w.org,
        ben,
        &record(
            DestinationKind::Intended,
            DestinationCategory::Apprenticeship,
            date(2025, 1, 30),
        ),
        None,
        None,
    )
    .await
    .expect("intention");
    assert_eq!(intended.answered, [w.tasks[1][0]]);
}

async fn verification_only_goes_up_and_keeps_its_evidence(db: TestDatabase) {
    let w = world(
        &db,
        vec![checkpoint(
            "follow_up",
            Anchor::Leaving,
            90,
            &[ContactChannel::Email],
        )],
        &["Vic"],
    )
    .await;
    let conn = db.conn();
    let learner = w.learners[0];
    let id = append_destination(
        conn,
        w.org,
        learner,
        &record(
            DestinationKind::Actual,
            DestinationCategory::EducationHigher,
            date(2025, 9, 20),
        ),
        Some(w.user),
    )
    .await
    .expect("record");
    let upgrade = verify_destination(
        conn,
        w.org,
        learner,
        id,
        Verification::ThirdPartyConfirmed,
        "UCAS confirmation",
        Some(w.user),
    )
    .await
    .expect("upgrade");
    assert_eq!(upgrade.from, Verification::Unverified);
    assert!(matches!(
        verify_destination(
            conn,
            w.org,
            learner,
            id,
            Verification::LearnerConfirmed,
            "x",
            None
        )
        .await,
        Err(VerifyError::NotStronger {
            current: Verification::ThirdPartyConfirmed
        })
    ));
    let other = fixtures::organisation(conn, "elsewhere").await;
    assert!(matches!(
        verify_destination(
            conn,
            other.id,
            learner,
            id,
            Verification::EvidenceAttached,
            "x",
            None
        )
        .await,
        Err(VerifyError::Storage(
            onward_storage::StorageError::NotFound { .. }
        ))
    ));
    let kept = verification_upgrades(conn, w.org, learner)
        .await
        .expect("upgrades");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].evidence, "UCAS confirmation");
    assert_eq!(kept[0].to, Verification::ThirdPartyConfirmed);
}

async fn tasks_generated_after_the_destination_is_recorded_are_closed_by_it(db: TestDatabase) {
    use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
    use onward_storage::repo::cohorts::{NewCohort, create_cohort};
    use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
    use onward_storage::repo::tasks::generate_tasks;
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "later").await;
    let org = organisation.id;
    let plan = onward_storage::repo::plans::install_plan(
        conn,
        org,
        &TrackingPlan {
            name: "Later".to_owned(),
            description: String::new(),
            checkpoints: vec![
                checkpoint("follow_up", Anchor::Leaving, 90, &[ContactChannel::Email]),
                checkpoint("sustained", Anchor::Leaving, 365, &[ContactChannel::Email]),
            ],
        },
    )
    .await
    .expect("plan");
    let programme =
        fixtures::programme(conn, org, "ESOL", onward_domain::programme::ProgrammeType::Esol).await;
    let cohort = create_cohort(
        conn,
        org,
        &NewCohort {
            name: "ESOL 2025".to_owned(),
            tracking_plan: Some(plan),
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let learner = onward_storage::repo::learners::insert_learner(
        conn,
        org,
        &fixtures::new_learner("Lea", "Later", None, Some("L1")),
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
                start: date(2025, 1, 6),
                planned_end: date(2025, 3, 1),
                actual_end: None,
            },
            status: CompletionStatus::Completed,
        },
    )
    .await
    .expect("enrolment");
    // Known before the scheduler's next run made the tasks.
    let id = append_destination(
        conn,
        org,
        learner,
        &record(
            DestinationKind::Actual,
            DestinationCategory::Apprenticeship,
            date(2025, 6, 10),
        ),
        None,
    )
    .await
    .expect("record");
    generate_tasks(conn, org).await.expect("tasks");
    let checkpoints = onward_storage::repo::plans::stored_plan(conn, org, plan)
        .await
        .expect("plan")
        .checkpoints;
    let open = |point: usize| {
        let point = checkpoints[point].id;
        async move {
            open_tasks(conn, org, point, date(2030, 1, 1))
                .await
                .expect("open")
                .len()
        }
    };
    assert_eq!(open(0).await, 0, "the follow-up was answered before it existed");
    assert_eq!(open(1).await, 1, "the sustained check was not");
    let tasks = onward_storage::repo::tasks::learner_tasks(conn, org, learner)
        .await
        .expect("tasks");
    let states: Vec<(TaskStatus, Option<i64>)> = tasks
        .iter()
        .map(|task| (task.status, task.answered_by.map(|r| r.0)))
        .collect();
    assert_eq!(states, [(TaskStatus::Done, Some(id.0)), (TaskStatus::Due, None)]);
}

on_both_backends!(
    tasks_generated_after_the_destination_is_recorded_are_closed_by_it,
    a_call_that_learns_the_destination_closes_and_links_its_task,
    a_destination_closes_only_the_open_tasks_it_answers,
    verification_only_goes_up_and_keeps_its_evidence,
);
