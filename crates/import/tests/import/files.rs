//! Hostile and awkward files, and what happens to uploaded files: spreadsheet
//! and CSV bombs refused before any grid is built, control characters
//! stripped with a warning, and uploaded files deleted after their import or
//! the retention period. On SQLite and PostgreSQL.

use std::io::{Cursor, Read, Write as _};

use chrono::NaiveDate;
use onward_domain::organisation::CountryCode;
use onward_import::files::DeleteOldImportFiles;
use onward_import::row::Severity;
use onward_import::{ImportOutcome, ImportRequest, Silent, import_learners};
use onward_jobs::{Job, JobContext};
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::imports::{self, RunStatus};
use onward_storage::{ImportFileId, JobId, OrganisationId};
use onward_test_support::snapshot::organisation_snapshot;
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

fn request(org: OrganisationId, name: &str) -> ImportRequest {
    ImportRequest::new(
        org,
        CountryCode::gb(),
        name,
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
    )
}

async fn import_bytes(db: &TestDatabase, org: OrganisationId, name: &str, bytes: Vec<u8>) -> ImportOutcome {
    let mut issues = Vec::new();
    import_learners(
        db.conn(),
        &request(org, name),
        Cursor::new(bytes),
        &Silent,
        &mut issues,
    )
    .await
    .expect("import runs")
}

/// The issue's 1.7 KB XLSX: a header from A1 and one cell at XFD1048576, so
/// the sheet spans 1,048,576 rows × 16,384 columns.
fn xlsx_bomb() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in ["ULN", "Forename", "Surname"].into_iter().enumerate() {
        sheet.write_string(0, column as u16, header).expect("header");
    }
    sheet.write_string(1_048_575, 16_383, "x").expect("XFD1048576");
    workbook.save_to_buffer().expect("xlsx")
}

/// The same workbook with the sheet's `<dimension>` removed, so only the
/// cells themselves tell how far the sheet reaches.
fn xlsx_bomb_without_dimension() -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx_bomb())).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("entry name").into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read entry");
        if name.starts_with("xl/worksheets/") {
            let text = String::from_utf8(content).expect("xml");
            let start = text.find("<dimension").expect("a declared dimension");
            let end = start + text[start..].find("/>").expect("closed") + 2;
            content = format!("{}{}", &text[..start], &text[end..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start entry");
        out.write_all(&content).expect("write entry");
    }
    out.finish().expect("zip").into_inner()
}

/// The process's peak resident memory in MB (Linux), to show a refusal did
/// not allocate the grid first.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

async fn an_xlsx_spanning_a1_to_xfd1048576_is_refused_without_building_a_grid(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let bomb = xlsx_bomb();
    assert!(bomb.len() < 8 * 1024, "a small file: {} bytes", bomb.len());
    let started = std::time::Instant::now();
    let declared = import_bytes(&db, org.id, "bomb.xlsx", bomb).await;
    let refusal = declared.refusal.clone().unwrap_or_default();
    assert!(
        refusal.contains("A1:XFD1048576")
            && refusal.contains("16384 columns")
            && refusal.contains("at most 500"),
        "the declared extent is refused, naming it and the limit: {refusal}"
    );
    assert_eq!(declared.status, RunStatus::Refused);

    let hidden = import_bytes(&db, org.id, "hidden.xlsx", xlsx_bomb_without_dimension()).await;
    let refusal = hidden.refusal.clone().unwrap_or_default();
    assert!(
        refusal.contains("row 1048576")
            && refusal.contains("column XFD")
            && refusal.contains("500-column limit"),
        "a sheet that declares nothing is stopped at the first cell past the limit: {refusal}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "refused quickly: {:?}",
        started.elapsed()
    );
    // A grid of the sheet would be 17 billion cells (the old reader asked for 512 GB).
    assert!(peak_rss_mb() < 1024, "peak memory {} MB", peak_rss_mb());
    assert!(organisation_snapshot(db.conn(), org.id).await.is_empty());
}

async fn a_csv_with_more_than_500_columns_is_refused_naming_the_limit(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let mut header: Vec<String> = vec!["ULN".into(), "Forename".into(), "Surname".into()];
    header.extend((0..200_000).map(|n| format!("c{n}")));
    let file = format!("{}\n1000000043,Ada,Lovelace\n", header.join(","));
    let outcome = import_bytes(&db, org.id, "wide.csv", file.into_bytes()).await;
    assert_eq!(
        outcome.refusal.as_deref(),
        Some(
            "the file has 200003 columns; at most 500 can be imported: remove the columns Onward does not need, or split the file"
        )
    );
    let at_limit: Vec<String> = (0..500)
        .map(|n| match n {
            0 => "ULN".to_owned(),
            1 => "Forename".to_owned(),
            2 => "Surname".to_owned(),
            n => format!("c{n}"),
        })
        .collect();
    let file = format!("{}\n1000000043,Ada,Lovelace\n", at_limit.join(","));
    let outcome = import_bytes(&db, org.id, "500.csv", file.into_bytes()).await;
    assert_eq!(outcome.refusal, None, "500 columns are allowed");
}

async fn nul_and_control_characters_are_stripped_with_a_warning_naming_row_and_field(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    // Enough ordinary rows first that the file reads as text, as a real export
    // with a stray NUL does.
    let mut file = String::from("Learner Ref,Forename,Surname,DOB,Email\n");
    for n in 0..40 {
        file.push_str(&format!("P{n},Pat,Smith{n},01/02/2009,pat{n}@example.org\n"));
    }
    file.push_str("A1,A\0da,Love\x01lace,10/12/2009,ada@exa\0mple.org\n");
    let mut issues = Vec::new();
    let outcome = import_learners(
        db.conn(),
        &request(org.id, "nul.csv"),
        Cursor::new(file.into_bytes()),
        &Silent,
        &mut issues,
    )
    .await
    .expect("the import runs to its end on both backends");
    assert_eq!(outcome.status, RunStatus::Finished, "{:?}", outcome.refusal);
    assert_eq!(outcome.progress.counts.learners_created, 41, "{issues:?}");
    let stripped: Vec<_> = issues
        .iter()
        .filter(|issue| issue.reason.contains("control characters"))
        .map(|issue| {
            (
                issue.row,
                issue.column.as_str(),
                issue.value.as_str(),
                issue.severity,
            )
        })
        .collect();
    assert_eq!(
        stripped,
        vec![
            (42, "B (Forename)", "Ada", Severity::Warning),
            (42, "C (Surname)", "Lovelace", Severity::Warning),
            (42, "E (Email)", "ada@example.org", Severity::Warning),
        ]
    );
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        snapshot
            .iter()
            .any(|l| l.contains("Ada") && l.contains("Lovelace")),
        "{snapshot:#?}"
    );
    assert!(
        snapshot.iter().any(|l| l.contains("ada@example.org")),
        "{snapshot:#?}"
    );
    assert!(snapshot.iter().all(|l| !l.contains('\0')));
    let stored = imports::run_issues(db.conn(), org.id, outcome.run, 0, 100)
        .await
        .expect("issues");
    assert_eq!(
        stored
            .iter()
            .filter(|i| i.reason.contains("control characters"))
            .count(),
        3
    );
}

async fn queue(db: &TestDatabase, org: OrganisationId, file: ImportFileId, dry_run: bool) {
    imports::create_run(
        db.conn(),
        org,
        &imports::NewRun {
            user: None,
            file: Some(file),
            file_name: "web.csv".to_owned(),
            sheet: None,
            sha256: None,
            mapping_name: None,
            mapping: "{}".to_owned(),
            dry_run,
            on_error: imports::OnError::Skip,
            status: RunStatus::Queued,
        },
    )
    .await
    .expect("queued run");
}

const SMALL_FILE: &str = "Learner Ref,Forename,Surname\nA1,Ada,Lovelace\nB2,Ben,Jones\n";

async fn a_confirmed_import_deletes_its_uploaded_file_and_a_check_keeps_it(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    // Over a megabyte (two chunks), so the file is stored and read back in pieces.
    let notes = "x".repeat(1000);
    let mut content = b"Learner Ref,Forename,Surname,Notes\n".to_vec();
    for n in 0..1_500 {
        content.extend_from_slice(format!("R{n},Rowan,Row{n},{notes}\n").as_bytes());
    }
    assert!(content.len() > imports::FILE_CHUNK_BYTES);
    let file = imports::store_file(db.conn(), org.id, None, "web.csv", "0", content.clone())
        .await
        .expect("file");
    let mut spooled = Vec::new();
    onward_import::files::spool(db.conn(), org.id, file)
        .await
        .expect("spool")
        .read_to_end(&mut spooled)
        .expect("read");
    assert!(spooled == content, "the chunks read back as the file");

    queue(&db, org.id, file, true).await;
    let checked = onward_import::jobs::run_next_queued_import(db.conn())
        .await
        .expect("worker")
        .expect("a run");
    assert_eq!(checked.status, RunStatus::Finished);
    assert!(
        imports::file(db.conn(), org.id, file)
            .await
            .expect("file")
            .deleted_at
            .is_none(),
        "a check keeps the file for its confirmation"
    );

    queue(&db, org.id, file, false).await;
    let imported = onward_import::jobs::run_next_queued_import(db.conn())
        .await
        .expect("worker")
        .expect("a run");
    assert_eq!(imported.progress.counts.learners_created, 1_500);
    assert!(
        imports::file(db.conn(), org.id, file)
            .await
            .expect("file")
            .deleted_at
            .is_some(),
        "the import deleted the file it read"
    );
    assert_eq!(
        imports::file_chunk(db.conn(), org.id, file, 0)
            .await
            .expect("chunk"),
        None
    );
    assert_eq!(
        count_audit_events(db.conn(), org.id, "import.file_deleted", Some(file.0))
            .await
            .expect("count"),
        1
    );
    let again = onward_import::files::spool(db.conn(), org.id, file).await;
    assert!(
        matches!(again, Err(onward_import::files::FileError::Deleted { .. })),
        "a deleted file cannot be read again"
    );
}

async fn backdate(db: &TestDatabase, file: ImportFileId, hours: i64) {
    use onward_storage::entities::import_file;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let mut model: import_file::ActiveModel = import_file::Entity::find_by_id(file.0)
        .one(db.conn())
        .await
        .expect("read")
        .expect("file")
        .into();
    model.created_at = Set(chrono::Utc::now() - chrono::Duration::hours(hours));
    model.update(db.conn()).await.expect("backdate");
}

async fn is_deleted(db: &TestDatabase, org: OrganisationId, file: ImportFileId) -> bool {
    imports::file(db.conn(), org, file)
        .await
        .expect("file")
        .deleted_at
        .is_some()
}

async fn uploaded_files_left_unimported_are_deleted_after_the_retention_period(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let store = |name: &'static str| {
        imports::store_file(db.conn(), org.id, None, name, "0", SMALL_FILE.as_bytes().to_vec())
    };
    let abandoned = store("abandoned.csv").await.expect("file");
    let recent = store("recent.csv").await.expect("file");
    let waiting = store("waiting.csv").await.expect("file");
    backdate(&db, abandoned, 25).await;
    backdate(&db, waiting, 25).await;
    queue(&db, org.id, waiting, false).await;

    let job = DeleteOldImportFiles { retention_hours: 24 };
    let ctx = JobContext {
        database: db.database.clone(),
        job: JobId(0),
        attempt: 1,
        resources: onward_jobs::Resources::default(),
    };
    let report = job.run(&ctx).await.expect("the job runs");
    assert_eq!(
        report.lines,
        vec!["1 uploaded import files older than 24 hours deleted."]
    );
    assert!(
        is_deleted(&db, org.id, abandoned).await,
        "kept longer than the retention period: deleted"
    );
    assert_eq!(
        imports::file_chunk(db.conn(), org.id, abandoned, 0)
            .await
            .expect("chunk"),
        None
    );
    assert!(
        !is_deleted(&db, org.id, recent).await,
        "within the retention period: kept"
    );
    assert!(
        !is_deleted(&db, org.id, waiting).await,
        "an import is about to read it: kept"
    );
    assert_eq!(
        count_audit_events(db.conn(), org.id, "import.file_deleted", Some(abandoned.0))
            .await
            .expect("count"),
        1
    );
    let again = job.run(&ctx).await.expect("the job runs again");
    assert!(
        again.lines.is_empty(),
        "nothing more to delete: {:?}",
        again.lines
    );
}

on_both_backends!(
    an_xlsx_spanning_a1_to_xfd1048576_is_refused_without_building_a_grid,
    a_csv_with_more_than_500_columns_is_refused_naming_the_limit,
    nul_and_control_characters_are_stripped_with_a_warning_naming_row_and_field,
    a_confirmed_import_deletes_its_uploaded_file_and_a_check_keeps_it,
    uploaded_files_left_unimported_are_deleted_after_the_retention_period,
);
