//! Learner search at scale: first-page latency (p50/p95) of the search the
//! Learners page runs, against a primary-key lookup measured in the same run.
//!
//! cargo run --release -p onward-test-support --example search_bench -- [LEARNERS] [sqlite|postgres]

use std::time::{Duration, Instant};

use onward_storage::repo::learner_search::{LearnerQuery, PageAfter, search_learners};
use onward_storage::repo::learners::{insert_learners_bulk, learner};
use onward_storage::repo::scope::LearnerScope;
use onward_storage::{Actor, LearnerId};
use onward_test_support::{TestBackend, TestDatabase, fixtures, generate};
use sea_orm::{ConnectionTrait, Statement};

const RUNS: usize = 200;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index]
}

async fn time<F, Fut>(mut run: F) -> (Duration, Duration)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut samples = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let started = Instant::now();
        let rows = run(i).await;
        samples.push(started.elapsed());
        assert!(
            rows > 0,
            "the query found nothing: the benchmark would be meaningless"
        );
    }
    (percentile(&mut samples, 0.5), percentile(&mut samples, 0.95))
}

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
    let started = Instant::now();
    let batch = 20_000;
    let mut first = 0;
    while first < total {
        let count = batch.min(total - first);
        let txn = db.database.write(Actor::system(org.id)).await.expect("begin");
        insert_learners_bulk(&txn, org.id, &generate::learners(7, first, count))
            .await
            .expect("insert");
        txn.commit().await.expect("commit");
        first += count;
        eprint!("\rgenerated {first}/{total} learners");
    }
    eprintln!(" in {:.1} s", started.elapsed().as_secs_f64());
    db.conn()
        .execute_raw(Statement::from_string(
            db.conn().get_database_backend(),
            "ANALYZE",
        ))
        .await
        .expect("analyze");

    let conn = db.conn();
    let org_id = org.id;
    let probe = |text: &str| LearnerQuery {
        text: text.to_owned(),
        ..LearnerQuery::default()
    };
    let (base50, base95) = time(|i| async move {
        let id = LearnerId(1 + (i as i64 * 4_999) % total as i64);
        learner(conn, org_id, id).await.map(|_| 1).unwrap_or(0)
    })
    .await;
    println!(
        "backend: {:?}, learners: {total}, runs per query: {RUNS}",
        db.backend
    );
    println!("baseline (primary-key lookup of one learner): p50 {base50:?}, p95 {base95:?}");
    // Probes taken from a learner the generator made, so each query finds rows.
    let sample = generate::learners(7, total / 2, 1).remove(0);
    let uln = sample.uln.map(|uln| uln.as_str().to_owned()).unwrap_or_default();
    let mis_id = sample.mis_id.clone().unwrap_or_default();
    let postcode_area: String = sample
        .postcode
        .clone()
        .unwrap_or_default()
        .chars()
        .take(3)
        .collect();
    let full_name = format!("{} {}", sample.given_name.as_str(), sample.family_name.as_str());
    let cases = [
        ("everyone, first page".to_owned(), probe("")),
        ("family-name prefix 'smi'".to_owned(), probe("smi")),
        (format!("given + family '{full_name}'"), probe(&full_name)),
        (
            format!("exact ULN {uln}"),
            probe(if uln.is_empty() { &mis_id } else { &uln }),
        ),
        (
            format!("postcode prefix '{postcode_area}'"),
            probe(&postcode_area),
        ),
        (format!("MIS id {mis_id}"), probe(&mis_id)),
    ];
    for (label, query) in &cases {
        let (p50, p95) = time(|_| async {
            search_learners(conn, org_id, &LearnerScope::All, query, None, 26)
                .await
                .map(|rows| rows.len())
                .unwrap_or(0)
        })
        .await;
        println!(
            "{label:<34} p50 {p50:>10.3?}  p95 {p95:>10.3?}  ({:.1}x baseline p95)",
            p95.as_secs_f64() / base95.as_secs_f64()
        );
    }
    let deep = PageAfter {
        search_name: "patel".to_owned(),
        id: LearnerId(0),
    };
    let (p50, p95) = time(|_| async {
        search_learners(conn, org_id, &LearnerScope::All, &probe(""), Some(&deep), 26)
            .await
            .map(|rows| rows.len())
            .unwrap_or(0)
    })
    .await;
    println!(
        "{:<34} p50 {p50:>10.3?}  p95 {p95:>10.3?}  ({:.1}x baseline p95)",
        "a page deep in the list (keyset)",
        p95.as_secs_f64() / base95.as_secs_f64()
    );
}
