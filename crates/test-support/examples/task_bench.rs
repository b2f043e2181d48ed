//! Task generation at scale: enrolments × the adult 5-stage plan, first run
//! (creates every task) and second run (creates none), against the named
//! baseline "inserting the same number of enrolments" measured in the same run.
//!
//! cargo run --release -p onward-test-support --example task_bench -- [ENROLMENTS] [sqlite|postgres]

use std::time::Instant;

use chrono::{Duration, NaiveDate};
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::programme::ProgrammeType;
use onward_domain::tracking::shipped_plans;
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolments_bulk};
use onward_storage::repo::learners::insert_learners_bulk;
use onward_storage::repo::plans::install_plan;
use onward_storage::repo::tasks::generate_tasks;
use onward_storage::{Actor, CohortId, LearnerId, ProgrammeId};
use onward_test_support::{TestBackend, TestDatabase, fixtures, generate};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let total: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(1_000_000);
    let backend = match args.next().as_deref() {
        Some("postgres") => TestBackend::Postgres,
        _ => TestBackend::Sqlite,
    };
    let db = TestDatabase::fresh(backend)
        .await
        .expect("database (is PostgreSQL running?)");
    let org = fixtures::organisation(db.conn(), "bench").await;
    let plan = shipped_plans().remove(0);
    let checkpoints = plan.checkpoints.len();
    let plan_id = install_plan(db.conn(), org.id, &plan).await.expect("plan");
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
            name: "Bench cohort".to_owned(),
            tracking_plan: Some(plan_id),
            results_day: None,
        },
    )
    .await
    .expect("cohort");

    let started = Instant::now();
    let batch = 20_000;
    let mut first = 0;
    while first < total {
        let count = batch.min(total - first);
        let txn = db.database.write(Actor::system(org.id)).await.expect("begin");
        insert_learners_bulk(&txn, org.id, &generate::learners(11, first, count))
            .await
            .expect("learners");
        txn.commit().await.expect("commit");
        first += count;
    }
    eprintln!("learners: {:.1} s", started.elapsed().as_secs_f64());

    // Baseline: inserting the enrolments themselves (one row each).
    let start = NaiveDate::from_ymd_opt(2025, 9, 1).expect("date");
    let started = Instant::now();
    let mut first = 0;
    while first < total {
        let count = batch.min(total - first);
        let rows: Vec<NewEnrolment> = (first..first + count)
            .map(|n| enrolment(n, start, programme, cohort))
            .collect();
        let txn = db.database.write(Actor::system(org.id)).await.expect("begin");
        insert_enrolments_bulk(&txn, org.id, &rows)
            .await
            .expect("enrolments");
        txn.commit().await.expect("commit");
        first += count;
    }
    let baseline = started.elapsed();

    let started = Instant::now();
    let report = generate_tasks(db.conn(), org.id).await.expect("generate");
    let first_run = started.elapsed();
    let started = Instant::now();
    let again = generate_tasks(db.conn(), org.id).await.expect("generate again");
    let second_run = started.elapsed();
    assert_eq!(
        report.created,
        total * checkpoints as u64,
        "every enrolment gets every checkpoint"
    );
    assert_eq!(again.created, 0, "idempotent");

    println!(
        "backend: {:?}, enrolments: {total}, checkpoints per plan: {checkpoints}",
        db.backend
    );
    println!(
        "baseline (bulk insert of the {total} enrolments): {:.1} s",
        baseline.as_secs_f64()
    );
    println!(
        "first generation: {} tasks in {:.1} s ({:.2}x baseline)",
        report.created,
        first_run.as_secs_f64(),
        first_run.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "second generation: {} tasks in {:.1} s ({:.2}x baseline)",
        again.created,
        second_run.as_secs_f64(),
        second_run.as_secs_f64() / baseline.as_secs_f64()
    );
}

fn enrolment(n: u64, start: NaiveDate, programme: ProgrammeId, cohort: CohortId) -> NewEnrolment {
    let planned_end = start + Duration::days(100 + (n % 200) as i64);
    // One in ten leaves early, so the plan runs from their actual leaving date.
    let early = n.is_multiple_of(10);
    NewEnrolment {
        learner: LearnerId(n as i64 + 1),
        programme,
        cohort,
        dates: EnrolmentDates {
            start,
            planned_end,
            actual_end: early.then(|| start + Duration::days(30 + (n % 60) as i64)),
        },
        status: if early {
            CompletionStatus::WithdrewEarly
        } else {
            CompletionStatus::Completed
        },
    }
}
