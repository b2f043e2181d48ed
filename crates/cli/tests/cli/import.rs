//! `onward import learners` as a process: killed (SIGKILL) at several points
//! and run again, it ends exactly where one clean run ends; an unchanged file
//! imported again reports no changes; a refused file exits non-zero.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use onward_storage::OrganisationId;
use onward_storage::repo::learners::count_learners;
use onward_test_support::snapshot::organisation_snapshot;
use onward_test_support::{TestDatabase, fixtures, generate};

use super::{onward, run, scratch_dir};

const ROWS: u64 = 6_000;
/// Small transactions, so the process commits often and can be killed between commits.
const COMMIT_ROWS: &str = "200";

fn import_command(file: &Path, db: &TestDatabase) -> std::process::Command {
    let mut command = onward();
    command.args([
        "import",
        "learners",
        file.to_str().expect("path"),
        "--org",
        "college",
        "--commit-rows",
        COMMIT_ROWS,
        "--database-url",
        &db.url,
    ]);
    command
}

fn spawn_import(file: &Path, db: &TestDatabase) -> Child {
    import_command(file, db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start onward import")
}

/// Waits until the import has committed at least `learners`, then kills it
/// with SIGKILL. Returns whether it was still running when killed.
async fn kill_when(child: &mut Child, db: &TestDatabase, org: OrganisationId, learners: u64) -> bool {
    let started = Instant::now();
    loop {
        if child.try_wait().expect("poll import").is_some() {
            return false;
        }
        let committed = count_learners(db.conn(), org).await.expect("count");
        if committed >= learners {
            child.kill().expect("SIGKILL the import");
            child.wait().expect("reap the import");
            return true;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "import made no progress"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn a_killed_import_run_again_equals_a_clean_import(db: TestDatabase) {
    let file = scratch_dir().join(format!("kill-{}-{:?}.csv", std::process::id(), db.backend));
    generate::import_csv(ROWS, std::fs::File::create(&file).expect("create file")).expect("write file");
    let learners = ROWS - ROWS / 10;

    let clean = TestDatabase::fresh(db.backend).await.expect("second database");
    let clean_org = fixtures::organisation(clean.conn(), "college").await;
    let (ok, output) = run(&mut import_command(&file, &clean));
    assert!(ok, "{output}");
    assert!(
        output.contains(&format!("{ROWS} rows read, {ROWS} imported, 0 skipped")),
        "{output}"
    );
    let expected = organisation_snapshot(clean.conn(), clean_org.id).await;
    assert!(
        expected.len() as u64 > 2 * learners,
        "learners, contacts and enrolments"
    );

    let org = fixtures::organisation(db.conn(), "college").await;
    let mut kills = 0;
    for share in [1, 35, 70] {
        let mut child = spawn_import(&file, &db);
        if kill_when(&mut child, &db, org.id, learners * share / 100).await {
            kills += 1;
        }
    }
    assert!(
        kills >= 2,
        "the import was killed mid-run at least twice ({kills})"
    );
    let killed_at = count_learners(db.conn(), org.id).await.expect("count");
    assert!(
        killed_at < learners,
        "the last kill left work to do ({killed_at} of {learners})"
    );
    let (ok, output) = run(&mut import_command(&file, &db));
    assert!(ok, "{output}");
    assert_eq!(
        organisation_snapshot(db.conn(), org.id).await,
        expected,
        "killed and resumed equals clean"
    );

    let (ok, output) = run(&mut import_command(&file, &db));
    assert!(ok, "{output}");
    assert!(
        output.contains("No changes"),
        "an unchanged file changes nothing: {output}"
    );
    std::fs::remove_file(&file).ok();
}

async fn a_refused_file_exits_non_zero_and_a_report_is_written(db: TestDatabase) {
    fixtures::organisation(db.conn(), "college").await;
    let dir = scratch_dir();
    let file = dir.join(format!("bad-{}-{:?}.csv", std::process::id(), db.backend));
    std::fs::write(
        &file,
        "ULN,Forename,Surname,DOB\n1234567890,Ada,Lovelace,31/02/2009\n,=HYPERLINK(\"x\"),Smith,\n",
    )
    .expect("write");
    let report = dir.join(format!("bad-{}-{:?}-report.csv", std::process::id(), db.backend));
    let (ok, output) = run(import_command(&file, &db).args([
        "--on-error",
        "abort",
        "--report",
        report.to_str().expect("path"),
    ]));
    assert!(!ok, "refused means a non-zero exit: {output}");
    assert!(output.contains("Refused:"), "{output}");
    let written = std::fs::read_to_string(&report).expect("report written");
    assert!(
        written.starts_with("row,column,value,severity,reason"),
        "{written}"
    );
    assert!(written.contains("2,A (ULN),1234567890,error"), "{written}");
    assert!(written.contains("2,D (DOB),31/02/2009,error"), "{written}");
    assert!(
        written.contains("3,,,error,the row has neither a ULN nor an MIS id"),
        "{written}"
    );

    let (ok, output) = run(onward().args([
        "import",
        "learners",
        "/nonexistent/file.csv",
        "--database-url",
        &db.url,
    ]));
    assert!(!ok);
    assert!(output.contains("cannot open /nonexistent/file.csv"), "{output}");
    std::fs::remove_file(&file).ok();
    std::fs::remove_file(&report).ok();
}

onward_test_support::on_both_backends!(
    a_killed_import_run_again_equals_a_clean_import,
    a_refused_file_exits_non_zero_and_a_report_is_written,
);

/// An organisation with a run queued as the Import page queues one (two learners).
async fn queue_two_learners(
    db: &TestDatabase,
) -> (onward_storage::OrganisationId, onward_storage::ImportRunId) {
    use onward_storage::repo::imports::{self, NewRun, RunStatus};
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = imports::store_file(
        db.conn(),
        org.id,
        None,
        "queued.csv",
        "0",
        b"Learner Ref,Forename,Surname\nQ1,Ada,Lovelace\nQ2,Ben,Okafor\n".to_vec(),
    )
    .await
    .expect("file");
    let run_id = imports::create_run(
        db.conn(),
        org.id,
        &NewRun {
            user: None,
            file: Some(file),
            file_name: "queued.csv".to_owned(),
            sheet: None,
            sha256: None,
            mapping_name: None,
            mapping: "{}".to_owned(),
            dry_run: false,
            on_error: onward_storage::repo::imports::OnError::Skip,
            status: RunStatus::Queued,
        },
    )
    .await
    .expect("queued run");
    (org.id, run_id)
}

async fn the_worker_does_imports_queued_on_the_page(db: TestDatabase) {
    use onward_storage::repo::imports::{self, RunStatus};
    let (org, run_id) = queue_two_learners(&db).await;
    let (ok, output) = run(onward().args(["worker", "--once", "--database-url", &db.url]));
    assert!(ok, "{output}");
    assert!(
        output.contains(&format!("Import run {run_id}: Imported: 2 rows read")),
        "{output}"
    );
    assert_eq!(count_learners(db.conn(), org).await.expect("count"), 2);
    let run = imports::run(db.conn(), org, run_id).await.expect("run");
    assert_eq!(run.status, RunStatus::Finished);
}

/// `onward serve` works the three kinds of background job: a queued import,
/// task generation and the deletion of expired sessions.
async fn serve_works_imports_tasks_and_session_clean_up(db: TestDatabase) {
    use onward_jobs::Job;
    use onward_storage::ConnectionTrait;
    use onward_storage::repo::imports::{self, RunStatus};
    use onward_storage::repo::jobs::{JobStatus, jobs_of_kind};
    let (org, run_id) = queue_two_learners(&db).await;
    db.conn()
        .execute_unprepared(
            "INSERT INTO sessions (id, data, expires_at) VALUES ('expired', '{}', '2000-01-01 00:00:00+00:00')",
        )
        .await
        .expect("expired session");
    let app = onward_test_support::TestApp::spawn(db).await;
    let conn = app.db.conn();
    let kinds = [
        onward_import::jobs::RunQueuedImports::KIND,
        onward_jobs::tasks::GenerateTasks::KIND,
        onward_jobs::sessions::DeleteExpiredSessions::KIND,
    ];
    let mut all_done = false;
    for _ in 0..200 {
        all_done = true;
        for kind in kinds {
            let jobs = jobs_of_kind(conn, kind).await.expect("jobs");
            all_done &= !jobs.is_empty() && jobs.iter().all(|job| job.status == JobStatus::Done);
        }
        if all_done {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(all_done, "serve ran the three kinds of job within 20 s");
    assert_eq!(count_learners(conn, org).await.expect("count"), 2);
    let run = imports::run(conn, org, run_id).await.expect("run");
    assert_eq!(run.status, RunStatus::Finished);
    let left = onward_storage::session_store::DatabaseSessionStore::new(app.db.database.clone())
        .delete_expired()
        .await
        .expect("delete");
    assert_eq!(left, 0, "the expired session was already deleted by the job");
}

onward_test_support::on_both_backends!(
    the_worker_does_imports_queued_on_the_page,
    serve_works_imports_tasks_and_session_clean_up,
);
