//! The job queue and its runner, on both backends.

use std::collections::HashSet;
use std::time::Duration;

use chrono::Utc;
use onward_jobs::{Job, JobContext, JobError, JobReport, Registry, Runner, enqueue, enqueue_once};
use onward_storage::repo::jobs::{self, JobStatus, NewJob};
use onward_storage::repo::now;
use onward_test_support::{TestDatabase, on_both_backends};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Noop {
    n: u32,
}

impl Job for Noop {
    const KIND: &'static str = "test.noop";

    async fn run(&self, _ctx: &JobContext) -> Result<JobReport, JobError> {
        let mut report = JobReport::default();
        report.line(format!("noop {}", self.n));
        Ok(report)
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct AlwaysFails;

impl Job for AlwaysFails {
    const KIND: &'static str = "test.always_fails";
    const MAX_ATTEMPTS: u32 = 3;

    async fn run(&self, ctx: &JobContext) -> Result<JobReport, JobError> {
        Err(JobError::failed(format!("refused on attempt {}", ctx.attempt)))
    }
}

async fn enqueue_twice_with_one_key_gives_one_job(db: TestDatabase) {
    let conn = db.conn();
    let first = enqueue_once(conn, &Noop { n: 1 }, "letter-42")
        .await
        .expect("enqueue");
    let second = enqueue_once(conn, &Noop { n: 2 }, "letter-42")
        .await
        .expect("enqueue again");
    assert!(first.is_some());
    assert_eq!(second, None, "the second enqueue with the key is a no-op");
    // Another key, and jobs without a key, are queued as often as asked.
    let other = enqueue_once(conn, &Noop { n: 3 }, "letter-43")
        .await
        .expect("other key");
    assert!(other.is_some());
    enqueue(conn, &Noop { n: 4 }).await.expect("no key");
    enqueue(conn, &Noop { n: 4 }).await.expect("no key again");
    let stored = jobs::jobs_of_kind(conn, Noop::KIND).await.expect("jobs");
    let payloads: Vec<_> = stored.iter().map(|job| job.payload.as_str()).collect();
    assert_eq!(payloads, [r#"{"n":1}"#, r#"{"n":3}"#, r#"{"n":4}"#, r#"{"n":4}"#]);
    assert_eq!(stored[0].idempotency_key.as_deref(), Some("letter-42"));
    assert_eq!(stored[0].status, JobStatus::Queued);
}

async fn concurrent_claimers_never_take_the_same_job(db: TestDatabase) {
    const JOBS: usize = 24;
    for n in 0..JOBS {
        enqueue(db.conn(), &Noop { n: n as u32 }).await.expect("enqueue");
    }
    let mut claimers = tokio::task::JoinSet::new();
    for worker in 0..6 {
        let database = db.database.clone();
        claimers.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claimed = jobs::claim(
                    &database,
                    &format!("claimer-{worker}"),
                    &[Noop::KIND],
                    Duration::from_secs(60),
                )
                .await
                .expect("claim");
                match claimed {
                    Some(job) => mine.push(job.id),
                    None => break mine,
                }
            }
        });
    }
    let mut all = Vec::new();
    while let Some(claimed) = claimers.join_next().await {
        all.extend(claimed.expect("claimer"));
    }
    let distinct: HashSet<_> = all.iter().copied().collect();
    assert_eq!(all.len(), JOBS, "every job claimed once: {all:?}");
    assert_eq!(distinct.len(), JOBS, "no job claimed twice: {all:?}");
}

async fn a_failing_job_is_retried_with_backoff_then_dead(db: TestDatabase) {
    let base = Duration::from_millis(300);
    let mut registry = Registry::new();
    registry.register::<AlwaysFails>();
    let runner = Runner::new(db.database.clone(), registry).with_backoff_base(base);
    let id = enqueue(db.conn(), &AlwaysFails).await.expect("enqueue");

    for attempt in 1..=2u32 {
        let failed_at = Utc::now();
        let finished = runner.work_one().await.expect("work").expect("a due job");
        assert_eq!((finished.job.id, finished.job.attempt), (id, attempt));
        assert!(finished.will_retry);
        let stored = jobs::job(db.conn(), id).await.expect("job");
        assert_eq!(stored.status, JobStatus::Queued);
        assert_eq!(stored.attempts, attempt);
        assert_eq!(
            stored.last_error.as_deref(),
            Some(format!("refused on attempt {attempt}").as_str())
        );
        let wait = onward_jobs::backoff(base, attempt);
        assert!(
            stored.run_at >= failed_at + chrono::Duration::from_std(wait).expect("wait"),
            "attempt {attempt} is retried after {wait:?}: {stored:?}"
        );
        assert!(
            runner.work_one().await.expect("work").is_none(),
            "not due before its backoff"
        );
        tokio::time::sleep(wait + Duration::from_millis(50)).await;
    }
    let finished = runner.work_one().await.expect("work").expect("the last attempt");
    assert_eq!(finished.job.attempt, 3);
    assert!(!finished.will_retry);
    let stored = jobs::job(db.conn(), id).await.expect("job");
    assert_eq!(stored.status, JobStatus::Dead);
    assert_eq!(stored.attempts, 3);
    assert_eq!(stored.last_error.as_deref(), Some("refused on attempt 3"));
    assert!(stored.finished_at.is_some() && stored.locked_by.is_none());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        runner.work_one().await.expect("work").is_none(),
        "a dead job stays dead"
    );
}

async fn an_expired_lock_is_reclaimed(db: TestDatabase) {
    let id = enqueue(db.conn(), &Noop { n: 1 }).await.expect("enqueue");
    let kinds = [Noop::KIND];
    let crashed = jobs::claim(&db.database, "crashed", &kinds, Duration::from_millis(200))
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!((crashed.id, crashed.attempt), (id, 1));
    // While the lock holds, nobody else gets the job.
    let early = jobs::claim(&db.database, "other", &kinds, Duration::from_secs(60))
        .await
        .expect("claim");
    assert_eq!(early, None);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again = jobs::claim(&db.database, "other", &kinds, Duration::from_secs(60))
        .await
        .expect("claim")
        .expect("the expired job");
    assert_eq!((again.id, again.attempt), (id, 2));
    // The first worker lost the job: its late outcome is not recorded.
    assert!(!jobs::complete(db.conn(), id, "crashed").await.expect("complete"));
    assert!(jobs::complete(db.conn(), id, "other").await.expect("complete"));
    let stored = jobs::job(db.conn(), id).await.expect("job");
    assert_eq!(stored.status, JobStatus::Done);
}

/// A lock that expired during the last allowed attempt makes the job dead,
/// without a further run.
async fn a_job_whose_last_attempt_crashed_is_dead(db: TestDatabase) {
    let id = jobs::enqueue(
        db.conn(),
        &NewJob {
            kind: Noop::KIND.to_owned(),
            payload: r#"{"n":1}"#.to_owned(),
            organisation: None,
            idempotency_key: None,
            max_attempts: 1,
            run_at: now(),
        },
    )
    .await
    .expect("enqueue")
    .expect("id");
    jobs::claim(&db.database, "crashed", &[Noop::KIND], Duration::from_millis(100))
        .await
        .expect("claim")
        .expect("job");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut registry = Registry::new();
    registry.register::<Noop>();
    let finished = Runner::new(db.database.clone(), registry)
        .work_one()
        .await
        .expect("work")
        .expect("the expired job");
    assert!(finished.outcome.is_err() && !finished.will_retry);
    assert_eq!(
        jobs::job(db.conn(), id).await.expect("job").status,
        JobStatus::Dead
    );
}

async fn insert_expired_session(db: &TestDatabase) {
    onward_storage::entities::session::ActiveModel {
        id: Set("expired-session".to_owned()),
        data: Set("{}".to_owned()),
        expires_at: Set(Utc::now() - chrono::Duration::hours(1)),
    }
    .insert(db.conn())
    .await
    .expect("session");
}

async fn session_count(db: &TestDatabase) -> usize {
    onward_storage::entities::session::Entity::find()
        .all(db.conn())
        .await
        .expect("sessions")
        .len()
}

/// The worker path (`onward worker --once`): every recurring job runs once.
async fn run_once_runs_the_standard_jobs(db: TestDatabase) {
    insert_expired_session(&db).await;
    onward_test_support::fixtures::organisation(db.conn(), "once-college").await;
    let mut registry = Registry::new();
    onward_jobs::register_standard_jobs(&mut registry);
    let runner = Runner::new(db.database.clone(), registry);
    let finished = runner.run_once().await.expect("run once");
    let lines: Vec<String> = finished
        .iter()
        .flat_map(|job| job.outcome.as_ref().expect("success").lines.clone())
        .collect();
    assert!(
        lines
            .iter()
            .any(|line| line == "once-college: 0 tasks created, 0 without a date (e.g. no results day)"),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|line| line == "1 expired sessions deleted."),
        "{lines:?}"
    );
    assert_eq!(session_count(&db).await, 0);
    // A second --once runs them again (no period key), finding nothing to do.
    let again = runner.run_once().await.expect("run once");
    assert_eq!(again.len(), 2);
}

/// The serve path: the runner enqueues the recurring jobs for the period once,
/// however many instances run, and works them.
async fn two_running_runners_enqueue_each_recurring_job_once(db: TestDatabase) {
    insert_expired_session(&db).await;
    let mut instances = Vec::new();
    for _ in 0..2 {
        let mut registry = Registry::new();
        onward_jobs::register_standard_jobs(&mut registry);
        let runner = Runner::new(db.database.clone(), registry).with_poll(Duration::from_millis(50));
        instances.push(tokio::spawn(runner.run_forever()));
    }
    let kinds = [
        onward_jobs::tasks::GenerateTasks::KIND,
        onward_jobs::sessions::DeleteExpiredSessions::KIND,
    ];
    let mut done = false;
    for _ in 0..100 {
        let mut all_done = true;
        for kind in kinds {
            let stored = jobs::jobs_of_kind(db.conn(), kind).await.expect("jobs");
            all_done &= !stored.is_empty() && stored.iter().all(|job| job.status == JobStatus::Done);
        }
        if all_done {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for instance in &instances {
        instance.abort();
    }
    assert!(done, "the recurring jobs ran");
    for kind in kinds {
        let stored = jobs::jobs_of_kind(db.conn(), kind).await.expect("jobs");
        assert_eq!(stored.len(), 1, "one {kind} job for the period: {stored:?}");
        assert!(stored[0].idempotency_key.is_some());
    }
    assert_eq!(session_count(&db).await, 0);
}

on_both_backends!(
    enqueue_twice_with_one_key_gives_one_job,
    concurrent_claimers_never_take_the_same_job,
    a_failing_job_is_retried_with_backoff_then_dead,
    an_expired_lock_is_reclaimed,
    a_job_whose_last_attempt_crashed_is_dead,
    run_once_runs_the_standard_jobs,
    two_running_runners_enqueue_each_recurring_job_once,
);

#[test]
fn backoff_doubles_and_is_capped() {
    let base = Duration::from_secs(30);
    assert_eq!(onward_jobs::backoff(base, 1), Duration::from_secs(30));
    assert_eq!(onward_jobs::backoff(base, 2), Duration::from_secs(60));
    assert_eq!(onward_jobs::backoff(base, 4), Duration::from_secs(240));
    assert_eq!(onward_jobs::backoff(base, 40), Duration::from_secs(24 * 3600));
}
