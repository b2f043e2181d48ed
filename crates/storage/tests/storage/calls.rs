//! The call queue, escalation and plan editing, on SQLite and PostgreSQL.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use onward_domain::contact::{ContactChannel, ContactOutcome};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TaskStatus, TrackingPlan};
use onward_storage::repo::calls::{
    CallSaved, QueueFilter, RecordedCall, mark_learner, next_call, queue_checkpoint, queue_counts,
    record_call, task_progress,
};
use onward_storage::repo::contacts::{contact_attempts, contact_points};
use onward_storage::repo::destinations::destination_history;
use onward_storage::repo::plans::{
    PlanEditError, copy_plan, remove_checkpoint, save_checkpoint, stored_plan, update_plan_details,
};
use onward_storage::repo::scope::LearnerScope;
use onward_storage::repo::tasks::generate_tasks;
use onward_storage::{Actor, CheckpointId, LearnerId, OrganisationId, TaskId, UserId};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn call_plan(channels: &[ContactChannel], max_attempts: u8) -> TrackingPlan {
    TrackingPlan {
        name: "Calls".to_owned(),
        description: String::new(),
        checkpoints: vec![Checkpoint {
            key: "follow_up".to_owned(),
            name: "3–6 month follow-up".to_owned(),
            anchor: Anchor::Leaving,
            fixed_month_day: None,
            offset_days: 90,
            channels: channels.to_vec(),
            responsible: Role::ProgressionLead,
            max_attempts,
            survey: None,
        }],
    }
}

struct World {
    org: OrganisationId,
    user: UserId,
    checkpoint: CheckpointId,
    learners: Vec<LearnerId>,
}

/// One organisation, a plan with one checkpoint, and `names.len()` leavers of
/// 2025 (so the checkpoint is long due), each with one consented phone number.
async fn world(db: &TestDatabase, plan: &TrackingPlan, names: &[&str]) -> World {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "calls").await;
    let user = fixtures::user(conn, &organisation, Role::ProgressionLead, "lead@calls.example").await;
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, plan, names).await;
    World {
        org: organisation.id,
        user: user.id,
        checkpoint: queue.plan.checkpoints[0].id,
        learners: queue.learners,
    }
}

fn filter(tried_since: chrono::DateTime<Utc>) -> QueueFilter {
    QueueFilter {
        cohort: None,
        after: None,
        today: date(2026, 11, 26),
        tried_since,
        claim_for: None,
    }
}

fn call(
    task: TaskId,
    key: &str,
    outcome: ContactOutcome,
    user: UserId,
    at: chrono::DateTime<Utc>,
) -> RecordedCall {
    RecordedCall {
        task,
        idempotency_key: key.to_owned(),
        outcome,
        number: None,
        notes: None,
        destination: None,
        opt_out: false,
        user,
        at,
    }
}

async fn save(db: &TestDatabase, org: OrganisationId, call: &RecordedCall) -> CallSaved {
    let txn = db.database.write(Actor::system(org)).await.expect("begin");
    let saved = record_call(&txn, call).await.expect("record call");
    txn.commit().await.expect("commit");
    saved
}

async fn the_queue_escalates_and_a_key_records_one_attempt(db: TestDatabase) {
    let w = world(
        &db,
        &call_plan(&[ContactChannel::Phone, ContactChannel::Email], 2),
        &["Ada"],
    )
    .await;
    let conn = db.conn();
    let point = queue_checkpoint(conn, w.org, w.checkpoint)
        .await
        .expect("checkpoint");
    let day = |d: u32| {
        Utc.with_ymd_and_hms(2026, 11, d, 10, 0, 0)
            .single()
            .expect("time")
    };
    let next = next_call(conn, w.org, &LearnerScope::All, &point, &filter(day(20)))
        .await
        .expect("next")
        .expect("Ada is due");
    assert_eq!(next.learner.given_name, "Ada");
    assert_eq!(next.kind, DestinationKind::Actual);
    assert_eq!(next.phones.len(), 1);

    // First no-answer: in progress, still on the phone; not offered again the same day.
    let first = call(next.task, "key-1", ContactOutcome::NoAnswer, w.user, day(20));
    assert!(matches!(
        save(&db, w.org, &first).await,
        CallSaved::Recorded { .. }
    ));
    // The same form submitted twice records nothing more.
    assert_eq!(
        save(&db, w.org, &first).await,
        CallSaved::AlreadyRecorded {
            learner: w.learners[0]
        }
    );
    assert_eq!(
        contact_attempts(conn, w.org, w.learners[0])
            .await
            .expect("attempts")
            .len(),
        1
    );
    let progress = task_progress(conn, w.org, next.task).await.expect("progress");
    assert_eq!(
        (progress.status, progress.channel_index, progress.attempts),
        (TaskStatus::InProgress, 0, 1)
    );
    assert!(
        next_call(conn, w.org, &LearnerScope::All, &point, &filter(day(20)))
            .await
            .expect("next")
            .is_none(),
        "tried today: wait for another day"
    );
    assert_eq!(
        queue_counts(conn, w.org, &LearnerScope::All, &point, &filter(day(20)))
            .await
            .expect("counts")
            .tried,
        1
    );

    // Second no-answer the next day: max attempts on the phone, so the task moves to
    // email and leaves the call queue.
    let again = next_call(conn, w.org, &LearnerScope::All, &point, &filter(day(21)))
        .await
        .expect("next")
        .expect("offered again the next day");
    save(
        &db,
        w.org,
        &call(again.task, "key-2", ContactOutcome::Voicemail, w.user, day(21)),
    )
    .await;
    let progress = task_progress(conn, w.org, next.task).await.expect("progress");
    assert_eq!(
        (progress.status, progress.channel_index, progress.attempts),
        (TaskStatus::InProgress, 1, 0)
    );
    assert!(
        next_call(conn, w.org, &LearnerScope::All, &point, &filter(day(25)))
            .await
            .expect("next")
            .is_none()
    );
}

async fn after_every_channel_the_task_is_unreachable(db: TestDatabase) {
    let w = world(&db, &call_plan(&[ContactChannel::Phone], 1), &["Ben", "Cat"]).await;
    let conn = db.conn();
    let point = queue_checkpoint(conn, w.org, w.checkpoint)
        .await
        .expect("checkpoint");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
        .single()
        .expect("time");
    let ben = next_call(conn, w.org, &LearnerScope::All, &point, &filter(at))
        .await
        .expect("next")
        .expect("Ben");
    assert_eq!(ben.learner.given_name, "Ben");
    let number = ben.phones[0].id;
    let wrong = RecordedCall {
        number: Some(number),
        ..call(ben.task, "wrong", ContactOutcome::WrongNumber, w.user, at)
    };
    let CallSaved::Recorded { progress, .. } = save(&db, w.org, &wrong).await else {
        panic!("recorded");
    };
    assert_eq!(progress.status, TaskStatus::Unreachable);
    let points = contact_points(conn, w.org, w.learners[0]).await.expect("points");
    assert!(!points[0].valid, "the wrong number is marked as such");

    // Cat is reached and says what she is doing: one transaction, task done.
    let cat = next_call(conn, w.org, &LearnerScope::All, &point, &filter(at))
        .await
        .expect("next")
        .expect("Cat");
    assert_eq!(cat.learner.given_name, "Cat");
    let reached = RecordedCall {
        destination: Some(DestinationRecord {
            kind: DestinationKind::Actual,
            category: DestinationCategory::EmploymentFullTime,
            as_of: date(2026, 11, 20),
            start_date: Some(date(2026, 10, 1)),
            end_date: None,
            institution: None,
            employer: Some("Aire Logistics".to_owned()),
            job_role: None,
            hours_per_week: None,
            sector: None,
            course: None,
            level: None,
            source: DestinationSource::Phone,
            verification: Verification::LearnerConfirmed,
            notes: None,
        }),
        ..call(cat.task, "reached", ContactOutcome::Reached, w.user, at)
    };
    let CallSaved::Recorded { progress, .. } = save(&db, w.org, &reached).await else {
        panic!("recorded");
    };
    assert_eq!(progress.status, TaskStatus::Done);
    let history = destination_history(conn, w.org, w.learners[1])
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].recorded_by, Some(w.user));
    assert!(
        next_call(conn, w.org, &LearnerScope::All, &point, &filter(at))
            .await
            .expect("next")
            .is_none()
    );
}

async fn opted_out_erased_and_already_known_learners_are_skipped(db: TestDatabase) {
    let w = world(
        &db,
        &call_plan(&[ContactChannel::Phone], 3),
        &["Dan", "Eve", "Fay", "Gus"],
    )
    .await;
    let conn = db.conn();
    mark_learner(conn, w.org, w.learners[0], true, false)
        .await
        .expect("opt out");
    mark_learner(conn, w.org, w.learners[1], false, true)
        .await
        .expect("erase");
    // Fay's destination came in by another route after the checkpoint fell due.
    onward_storage::repo::destinations::append_destination(
        conn,
        w.org,
        w.learners[2],
        &DestinationRecord {
            kind: DestinationKind::Actual,
            category: DestinationCategory::EducationHigher,
            as_of: date(2026, 9, 20),
            start_date: None,
            end_date: None,
            institution: None,
            employer: None,
            job_role: None,
            hours_per_week: None,
            sector: None,
            course: None,
            level: None,
            source: DestinationSource::Ucas,
            verification: Verification::ThirdPartyConfirmed,
            notes: None,
        },
        None,
    )
    .await
    .expect("destination");
    let point = queue_checkpoint(conn, w.org, w.checkpoint)
        .await
        .expect("checkpoint");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
        .single()
        .expect("time");
    let next = next_call(conn, w.org, &LearnerScope::All, &point, &filter(at))
        .await
        .expect("next")
        .expect("Gus");
    assert_eq!(next.learner.given_name, "Gus");
    let plan = stored_plan(conn, w.org, point.plan).await.expect("plan");
    assert_eq!(plan.checkpoints[0].tasks, 4);
    let counts = queue_counts(conn, w.org, &LearnerScope::All, &point, &filter(at))
        .await
        .expect("counts");
    assert_eq!(counts.waiting, 1, "the other three were closed on the way");
    // Skipping Gus leaves no one.
    let skipped = QueueFilter {
        after: Some(next.task),
        ..filter(at)
    };
    assert!(
        next_call(conn, w.org, &LearnerScope::All, &point, &skipped)
            .await
            .expect("next")
            .is_none()
    );
    // Another organisation's task cannot be recorded against.
    let outsider = fixtures::organisation(conn, "outsider").await;
    let txn = db
        .database
        .write(Actor::system(outsider.id))
        .await
        .expect("begin");
    assert!(
        record_call(&txn, &call(next.task, "x", ContactOutcome::NoAnswer, w.user, at))
            .await
            .is_err()
    );
}

async fn plans_are_edited_validated_and_copied(db: TestDatabase) {
    let w = world(&db, &call_plan(&[ContactChannel::Phone], 3), &["Hal"]).await;
    let conn = db.conn();
    let point = queue_checkpoint(conn, w.org, w.checkpoint)
        .await
        .expect("checkpoint");
    let plan_id = point.plan;
    let new_point = |name: &str, anchor: Anchor, offset_days: i32| Checkpoint {
        key: String::new(),
        name: name.to_owned(),
        anchor,
        fixed_month_day: None,
        offset_days,
        channels: vec![ContactChannel::Email, ContactChannel::Phone],
        responsible: Role::ProgressionLead,
        max_attempts: 2,
        survey: None,
    };
    // Spring intentions: 100 days before leaving is normal, placed first.
    save_checkpoint(
        conn,
        w.org,
        plan_id,
        None,
        0,
        new_point("Spring intentions", Anchor::PlannedEnd, -100),
    )
    .await
    .expect("negative offset from leaving is fine");
    // A 12-month check placed before the 90-day follow-up is out of order.
    let err = save_checkpoint(
        conn,
        w.org,
        plan_id,
        None,
        1,
        new_point("12-month check", Anchor::Leaving, 365),
    )
    .await
    .expect_err("out of order");
    assert!(
        matches!(&err, PlanEditError::Invalid(e) if e.message.contains("date order")),
        "{err}"
    );
    // Before the start date.
    let err = save_checkpoint(
        conn,
        w.org,
        plan_id,
        None,
        0,
        new_point("Too early", Anchor::Start, -5),
    )
    .await
    .expect_err("before start");
    assert!(
        err.to_string().contains("before the learner's start date"),
        "{err}"
    );
    // At the end it is fine.
    save_checkpoint(
        conn,
        w.org,
        plan_id,
        None,
        9,
        new_point("12-month check", Anchor::Leaving, 365),
    )
    .await
    .expect("in order");
    let plan = stored_plan(conn, w.org, plan_id).await.expect("plan");
    let names: Vec<&str> = plan
        .checkpoints
        .iter()
        .map(|c| c.checkpoint.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Spring intentions", "3–6 month follow-up", "12-month check"]
    );
    assert_eq!(plan.checkpoints[0].checkpoint.key, "spring_intentions");

    // Editing the follow-up keeps its key and its task; the task keeps its date.
    let task_before = next_call(conn, w.org, &LearnerScope::All, &point, &filter(Utc::now()))
        .await
        .expect("next")
        .expect("Hal");
    let mut edited = plan.checkpoints[1].checkpoint.clone();
    edited.offset_days = 120;
    edited.name = "4-month follow-up".to_owned();
    save_checkpoint(conn, w.org, plan_id, Some(w.checkpoint), 1, edited)
        .await
        .expect("edit");
    let plan = stored_plan(conn, w.org, plan_id).await.expect("plan");
    assert_eq!(plan.checkpoints[1].id, w.checkpoint);
    assert_eq!(plan.checkpoints[1].checkpoint.key, "follow_up");
    assert_eq!(plan.checkpoints[1].tasks, 1);
    let point = queue_checkpoint(conn, w.org, w.checkpoint)
        .await
        .expect("checkpoint");
    let task_after = next_call(conn, w.org, &LearnerScope::All, &point, &filter(Utc::now()))
        .await
        .expect("next")
        .expect("Hal");
    assert_eq!(
        (task_after.task, task_after.due_on),
        (task_before.task, task_before.due_on)
    );

    // New checkpoints get tasks on the next pass; the old ones are not duplicated.
    assert_eq!(generate_tasks(conn, w.org).await.expect("tasks").created, 2);
    // A checkpoint with tasks cannot be removed; the copy is independent.
    assert!(matches!(
        remove_checkpoint(conn, w.org, w.checkpoint).await,
        Err(PlanEditError::HasTasks(1))
    ));
    let copy = copy_plan(conn, w.org, plan_id, "Calls (copy)")
        .await
        .expect("copy");
    let copied = stored_plan(conn, w.org, copy).await.expect("copy");
    assert_eq!(copied.checkpoints.len(), 3);
    assert!(copied.checkpoints.iter().all(|c| c.tasks == 0));
    remove_checkpoint(conn, w.org, copied.checkpoints[0].id)
        .await
        .expect("remove from the copy");
    let copied = stored_plan(conn, w.org, copy).await.expect("copy");
    assert_eq!(copied.checkpoints.len(), 2);
    assert_eq!(
        stored_plan(conn, w.org, plan_id)
            .await
            .expect("plan")
            .checkpoints
            .len(),
        3
    );
    let err = update_plan_details(conn, w.org, copy, "  ", "")
        .await
        .expect_err("empty name");
    assert!(err.to_string().contains("needs a name"), "{err}");
    update_plan_details(conn, w.org, copy, "Calls, short", "Without intentions")
        .await
        .expect("rename");
    assert_eq!(
        stored_plan(conn, w.org, copy).await.expect("copy").name,
        "Calls, short"
    );
}

async fn two_callers_sharing_a_queue_get_different_learners(db: TestDatabase) {
    let w = world(&db, &call_plan(&[ContactChannel::Phone], 3), &["Ida", "Jo"]).await;
    let conn = db.conn();
    let organisation = onward_storage::repo::organisations::list_organisations(conn)
        .await
        .expect("organisations")
        .remove(0);
    let other = fixtures::user(conn, &organisation, Role::IagAdviser, "other@calls.example").await;
    let point = queue_checkpoint(conn, w.org, w.checkpoint)
        .await
        .expect("checkpoint");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
        .single()
        .expect("time");
    let as_caller = |user: UserId, now: chrono::DateTime<Utc>| QueueFilter {
        claim_for: Some((user, now)),
        ..filter(at)
    };
    let first = next_call(conn, w.org, &LearnerScope::All, &point, &as_caller(w.user, at))
        .await
        .expect("next")
        .expect("Ida");
    let second = next_call(conn, w.org, &LearnerScope::All, &point, &as_caller(other.id, at))
        .await
        .expect("next")
        .expect("Jo");
    assert_eq!(
        (
            first.learner.given_name.as_str(),
            second.learner.given_name.as_str()
        ),
        ("Ida", "Jo")
    );
    // Reloading keeps one's own learner; a third look by the other caller finds no one free.
    let again = next_call(conn, w.org, &LearnerScope::All, &point, &as_caller(w.user, at))
        .await
        .expect("next")
        .expect("Ida");
    assert_eq!(again.task, first.task);
    let later = at + Duration::minutes(5);
    let skipped = QueueFilter {
        after: Some(second.task),
        ..as_caller(other.id, later)
    };
    assert!(
        next_call(conn, w.org, &LearnerScope::All, &point, &skipped)
            .await
            .expect("next")
            .is_none()
    );
    // After the claim runs out, Ida is free for the other caller.
    let much_later = at + Duration::minutes(11);
    let freed = next_call(
        conn,
        w.org,
        &LearnerScope::All,
        &point,
        &as_caller(other.id, much_later),
    )
    .await
    .expect("next")
    .expect("someone");
    assert_eq!(freed.learner.given_name, "Ida");
}

on_both_backends!(
    two_callers_sharing_a_queue_get_different_learners,
    the_queue_escalates_and_a_key_records_one_attempt,
    after_every_channel_the_task_is_unreachable,
    opted_out_erased_and_already_known_learners_are_skipped,
    plans_are_edited_validated_and_copied,
);
