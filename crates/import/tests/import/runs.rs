//! The MIS import end to end on SQLite and PostgreSQL: files in, learners,
//! programmes, cohorts and enrolments out, with the run and its issues recorded.

use std::io::Cursor;

use chrono::NaiveDate;
use onward_domain::organisation::CountryCode;
use onward_import::row::{Issue, Severity};
use onward_import::{ImportOutcome, ImportRequest, OnError, Silent, import_learners};
use onward_storage::OrganisationId;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::imports::{self, RunStatus};
use onward_test_support::snapshot::organisation_snapshot;
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

pub(crate) const HEADER: &str = "ULN,Learner Ref,Forename,Surname,DOB,Email,Mobile,Course,Level,Start date,Planned end date,Actual end date,Status,Cohort";

/// Three learners, one on two programmes, one who left early.
pub(crate) fn good_file() -> String {
    format!(
        "{HEADER}\n\
         1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,07700 900123,A levels,3,01/09/2024,30/06/2026,,Continuing,Year 13 leavers 2026\n\
         1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,07700 900123,EPQ,3,01/09/2025,30/06/2026,,,Year 13 leavers 2026\n\
         ,B2,Ben,O'Brien,2009-03-01,,07700 900456,A levels,L3,01/09/2024,30/06/2026,14/02/2025,Withdrawn,Year 13 leavers 2026\n\
         ,C3,Chloe,Patel,1-Mar-09,chloe@example.org,,BTEC Sport,3,01/09/2024,30/06/2026,,1,Year 13 leavers 2026\n"
    )
}

pub(crate) fn request(org: OrganisationId, name: &str) -> ImportRequest {
    ImportRequest::new(
        org,
        CountryCode::gb(),
        name,
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
    )
}

pub(crate) async fn import(
    db: &TestDatabase,
    request: &ImportRequest,
    text: &str,
) -> (ImportOutcome, Vec<Issue>) {
    let mut issues = Vec::new();
    let outcome = import_learners(
        db.conn(),
        request,
        Cursor::new(text.as_bytes().to_vec()),
        &Silent,
        &mut issues,
    )
    .await
    .expect("import runs");
    (outcome, issues)
}

async fn first_import_creates_and_second_changes_nothing(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let (first, issues) = import(&db, &request(org.id, "learners.csv"), &good_file()).await;
    assert_eq!(first.refusal, None, "{issues:?}");
    assert_eq!(first.status, RunStatus::Finished);
    let counts = first.progress.counts;
    assert_eq!(first.progress.rows_read, 4);
    assert_eq!(counts.rows_imported, 4);
    assert_eq!(counts.learners_created, 3);
    assert_eq!(counts.enrolments_created, 4);
    assert_eq!(counts.programmes_created, 3);
    assert_eq!(counts.cohorts_created, 1);
    assert_eq!(counts.contacts_created, 4);
    assert_eq!(first.progress.errors, 0);
    let after_first = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        after_first.iter().any(|l| l.contains(
            "enrolment -/B2 A levels Year 13 leavers 2026 2024-09-01 2026-06-30 Some(2025-02-14) withdrew"
        )),
        "{after_first:#?}"
    );

    let (second, _) = import(&db, &request(org.id, "learners.csv"), &good_file()).await;
    assert_eq!(
        second.progress.counts.changes(),
        0,
        "{:?}",
        second.progress.counts
    );
    assert_eq!(second.progress.counts.learners_unchanged, 3);
    assert_eq!(second.progress.counts.enrolments_unchanged, 4);
    assert!(second.summary().contains("No changes"), "{}", second.summary());
    assert_eq!(organisation_snapshot(db.conn(), org.id).await, after_first);

    let run = imports::run(db.conn(), org.id, second.run)
        .await
        .expect("run recorded");
    assert_eq!(run.status, RunStatus::Finished);
    assert_eq!(run.rows_read, 4);
    assert_eq!(run.sha256.as_deref().map(str::len), Some(64));
    assert!(run.mapping.contains("given_name"), "{}", run.mapping);
}

async fn changed_values_update_the_learner_and_are_audited(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    import(&db, &request(org.id, "learners.csv"), &good_file()).await;
    let audits_before = count_audit_events(db.conn(), org.id, "learner.import_update", None)
        .await
        .expect("count");
    let changed = good_file().replace("Chloe,Patel,1-Mar-09", "Chloe,Patel-Shah,1-Mar-09");
    let (outcome, _) = import(&db, &request(org.id, "learners.csv"), &changed).await;
    assert_eq!(outcome.progress.counts.learners_updated, 1);
    assert_eq!(outcome.progress.counts.learners_created, 0);
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        snapshot
            .iter()
            .any(|l| l.starts_with("learner -/C3 Chloe Patel-Shah")),
        "{snapshot:#?}"
    );
    let audits_after = count_audit_events(db.conn(), org.id, "learner.import_update", None)
        .await
        .expect("count");
    assert_eq!(audits_after, audits_before + 1);
}

async fn a_same_name_and_birth_date_learner_is_flagged_not_merged(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    import(&db, &request(org.id, "learners.csv"), &good_file()).await;
    let twin = format!("{HEADER}\n,Z9,Ada,Lovelace,10/12/2009,,,,,,,,,\n");
    let (outcome, issues) = import(&db, &request(org.id, "more.csv"), &twin).await;
    assert_eq!(
        outcome.progress.counts.learners_created, 1,
        "a new learner, never merged"
    );
    assert_eq!(outcome.progress.counts.probable_duplicates, 1);
    assert!(
        issues
            .iter()
            .any(|i| i.row == 2 && i.reason.starts_with("probable duplicate")),
        "{issues:?}"
    );
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        snapshot.contains(&"duplicate -/Z9 of 1000000043/A1".to_owned()),
        "{snapshot:#?}"
    );
}

async fn the_same_learner_twice_with_different_details_is_reported(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = format!(
        "{HEADER}\n\
         ,A1,Ada,Lovelace,10/12/2009,ada@example.org,,A levels,3,01/09/2024,30/06/2026,,,Y13\n\
         ,A1,Ada,Byron,10/12/2009,ada.byron@example.org,,EPQ,3,01/09/2025,30/06/2026,,,Y13\n"
    );
    let (outcome, issues) = import(&db, &request(org.id, "twice.csv"), &file).await;
    assert_eq!(outcome.progress.counts.learners_created, 1);
    assert_eq!(outcome.progress.counts.enrolments_created, 2);
    let warning = issues
        .iter()
        .find(|i| i.row == 3 && i.reason.contains("on row 2"))
        .expect("row 3 reported");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(
        warning.reason.contains("on row 2 with different details"),
        "{}",
        warning.reason
    );
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        snapshot
            .iter()
            .any(|l| l.starts_with("learner -/A1 Ada Lovelace")),
        "row 2's details kept"
    );
    let contacts: Vec<&String> = snapshot.iter().filter(|l| l.starts_with("contact ")).collect();
    assert_eq!(
        contacts,
        ["contact -/A1 email ada@example.org true true"],
        "row 2's email kept, row 3's not added"
    );
}

async fn identifiers_held_by_other_learners_are_errors(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    import(&db, &request(org.id, "learners.csv"), &good_file()).await;
    let before = organisation_snapshot(db.conn(), org.id).await;
    // Ada's ULN with Ben's MIS id; a new ULN with Ada's MIS id.
    let file = format!(
        "{HEADER}\n\
         1000000043,B2,Ada,Lovelace,10/12/2009,,,A levels,3,01/09/2024,30/06/2026,,,Year 13 leavers 2026\n\
         1000000078,A1,Ada,Lovelace,10/12/2009,,,A levels,3,01/09/2024,30/06/2026,,,Year 13 leavers 2026\n"
    );
    let (outcome, issues) = import(&db, &request(org.id, "clash.csv"), &file).await;
    assert_eq!(outcome.progress.counts.rows_skipped, 2, "{issues:?}");
    let reasons: Vec<(u64, &str)> = issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.row, i.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].0 == 2 && reasons[0].1.contains("belong to two different learners"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].0 == 3
            && reasons[1]
                .1
                .contains("belongs to a learner whose ULN is 1000000043"),
        "{reasons:?}"
    );
    assert_eq!(
        organisation_snapshot(db.conn(), org.id).await,
        before,
        "nothing changed"
    );
}

async fn abort_refuses_the_whole_file_and_dry_run_writes_nothing(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let bad = format!("{}\n,D4,Dan,Smith,31/02/2025,,,,,,,,,\n", good_file().trim_end());
    let mut abort = request(org.id, "bad.csv");
    abort.on_error = OnError::Abort;
    let (outcome, issues) = import(&db, &abort, &bad).await;
    assert_eq!(outcome.status, RunStatus::Refused);
    assert!(
        outcome
            .refusal
            .as_deref()
            .unwrap_or_default()
            .contains("1 errors"),
        "{:?}",
        outcome.refusal
    );
    let error = issues
        .iter()
        .find(|i| i.severity == Severity::Error)
        .expect("error");
    assert_eq!(
        (error.row, error.column.as_str(), error.value.as_str()),
        (6, "E (DOB)", "31/02/2025")
    );
    assert!(
        organisation_snapshot(db.conn(), org.id).await.is_empty(),
        "nothing written"
    );
    let stored = imports::run_issues(db.conn(), org.id, outcome.run, 0, 100)
        .await
        .expect("issues");
    assert!(
        stored.iter().any(|i| i.row == 6 && i.severity == "error"),
        "{stored:?}"
    );

    let mut dry = request(org.id, "good.csv");
    dry.dry_run = true;
    let (outcome, _) = import(&db, &dry, &good_file()).await;
    assert_eq!(outcome.refusal, None);
    assert_eq!(
        outcome.progress.counts.learners_created, 3,
        "the dry run says what would happen"
    );
    assert!(
        organisation_snapshot(db.conn(), org.id).await.is_empty(),
        "and writes nothing"
    );

    let (skipping, _) = import(&db, &request(org.id, "bad.csv"), &bad).await;
    assert_eq!(skipping.status, RunStatus::Finished);
    assert_eq!(skipping.progress.counts.rows_skipped, 1);
    assert_eq!(skipping.progress.counts.learners_created, 3);
}

async fn bad_files_are_refused_with_a_reason(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let cases: [(&str, &[u8], &str); 6] = [
        ("empty.csv", b"", "the file is empty"),
        (
            "header.csv",
            b"ULN,Forename,Surname\n",
            "header row but no learner rows",
        ),
        (
            "colours.csv",
            b"Colour,Shape\nred,square\n",
            "no column is recognised",
        ),
        (
            "twice.csv",
            b"ULN,Forename,Surname,Last name\n1000000043,Ada,Lovelace,L\n",
            "columns C (Surname) and D (Last name) both hold Surname",
        ),
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0IHDR",
            "not a text or spreadsheet file (an image)",
        ),
        (
            "noid.csv",
            b"Forename,Surname\nAda,Lovelace\n",
            "a column for the learner's ULN or MIS id is needed",
        ),
    ];
    for (name, bytes, reason) in cases {
        let mut issues = Vec::new();
        let outcome = import_learners(
            db.conn(),
            &request(org.id, name),
            Cursor::new(bytes.to_vec()),
            &Silent,
            &mut issues,
        )
        .await
        .expect("import runs");
        let refusal = outcome.refusal.clone().unwrap_or_default();
        assert!(refusal.contains(reason), "{name}: {refusal}");
        let run = imports::run(db.conn(), org.id, outcome.run)
            .await
            .expect("run recorded");
        assert_eq!(run.status, RunStatus::Refused, "{name}");
        assert_eq!(run.message.as_deref(), Some(refusal.as_str()));
    }
    assert!(organisation_snapshot(db.conn(), org.id).await.is_empty());
}

async fn bad_rows_are_reported_and_risky_text_kept_inert(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    // Ragged rows, a bad check digit, an impossible date, HTML and a formula.
    let file = "ULN;MIS id;Forename;Surname;DOB;Shoe size\n\
                1234567890;E1;Eve;Adams;01/01/2009;5\n\
                ;E2;<b>Bold</b>;=HYPERLINK(\"http://x\");31/02/2025;6\n\
                ;E3;Fay;Gray;01/01/2009;7;extra\n\
                ;E4;Gus;Hill\n";
    let (outcome, issues) = import(&db, &request(org.id, "ragged.txt"), file).await;
    let find = |row: u64| issues.iter().filter(move |i| i.row == row).collect::<Vec<_>>();
    assert!(
        issues.iter().any(|i| i.row == 0 && i.column == "Shoe size"),
        "unrecognised column reported"
    );
    assert!(
        find(2)
            .iter()
            .any(|i| i.column == "A (ULN)" && i.reason.contains("check digit"))
    );
    assert!(
        find(3)
            .iter()
            .any(|i| i.column == "E (DOB)" && i.reason.contains("not a real date"))
    );
    assert!(
        find(4)
            .iter()
            .any(|i| i.reason.contains("7 cells but the header has 6"))
    );
    assert!(
        find(5)
            .iter()
            .any(|i| i.severity == Severity::Warning && i.reason.contains("4 cells"))
    );
    assert_eq!(outcome.progress.counts.learners_created, 1, "only E4 is clean");
    let html = format!("{HEADER}\n,E9,<b>Bold</b>,\"=HYPERLINK(\"\"http://x\"\")\",,,,,,,,,,\n");
    import(&db, &request(org.id, "html.csv"), &html).await;
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        snapshot
            .iter()
            .any(|l| l.starts_with("learner -/E9 <b>Bold</b> =HYPERLINK(\"http://x\")")),
        "stored as text, as given: {snapshot:#?}"
    );
}

async fn a_saved_mapping_is_reused_by_name(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = "Ref,Forename,Surname\nQ1,Ada,Lovelace\n";
    let mut first = request(org.id, "odd.csv");
    first.mapping_name = Some("Arbor".to_owned());
    first.mapping_overrides = Some(onward_import::mapping::SavedMapping {
        columns: vec![("Ref".to_owned(), Some(onward_import::mapping::Field::MisId))],
    });
    let (outcome, _) = import(&db, &first, file).await;
    assert_eq!(
        outcome.progress.counts.learners_created, 1,
        "{:?}",
        outcome.refusal
    );
    let mut again = request(org.id, "odd.csv");
    again.mapping_name = Some("Arbor".to_owned());
    let (outcome, _) = import(&db, &again, "Ref,Forename,Surname\nQ2,Bo,Diddley\n").await;
    assert_eq!(outcome.refusal, None, "the saved mapping knows Ref is the MIS id");
    assert_eq!(outcome.progress.counts.learners_created, 1);
    let (outcome, _) = import(&db, &request(org.id, "odd.csv"), file).await;
    assert!(
        outcome.refusal.is_some(),
        "without the mapping, Ref is not recognised"
    );
}

async fn a_spreadsheet_imports_like_its_csv(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet().set_name("Leavers").expect("sheet name");
    let header = [
        "ULN",
        "Learner Ref",
        "Forename",
        "Surname",
        "DOB",
        "Course",
        "Start date",
        "Planned end date",
    ];
    for (column, text) in header.iter().enumerate() {
        sheet.write_string(0, column as u16, *text).expect("write");
    }
    sheet
        .write_number(1, 0, 1000000043.0)
        .expect("ULN typed as a number");
    sheet.write_string(1, 1, "A1").expect("write");
    sheet.write_string(1, 2, "Ada").expect("write");
    sheet.write_string(1, 3, "Lovelace").expect("write");
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2009, 12, 10).expect("date");
    let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_datetime_with_format(1, 4, &date, &format)
        .expect("write");
    sheet.write_string(1, 5, "A levels").expect("write");
    sheet.write_number(1, 6, 45536.0).expect("Excel serial date");
    sheet.write_string(1, 7, "30/06/2026").expect("write");
    let bytes = workbook.save_to_buffer().expect("xlsx");
    let mut wanted = request(org.id, "leavers.xlsx");
    wanted.sheet = Some("leavers".to_owned());
    let mut issues = Vec::new();
    let outcome = import_learners(
        db.conn(),
        &wanted,
        Cursor::new(bytes.clone()),
        &Silent,
        &mut issues,
    )
    .await
    .expect("import");
    assert_eq!(outcome.refusal, None, "{issues:?}");
    assert_eq!(outcome.progress.counts.enrolments_created, 1, "{issues:?}");
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        snapshot
            .iter()
            .any(|l| l.starts_with("enrolment 1000000043/A1 A levels Leavers 2026 2024-09-01")),
        "{snapshot:#?}"
    );
    assert!(
        snapshot.iter().any(|l| l.contains("Some(2009-12-10)")),
        "{snapshot:#?}"
    );
    let mut missing = request(org.id, "leavers.xlsx");
    missing.sheet = Some("Staff".to_owned());
    let (outcome, _) = {
        let mut issues = Vec::new();
        let outcome = import_learners(db.conn(), &missing, Cursor::new(bytes), &Silent, &mut issues)
            .await
            .expect("import");
        (outcome, issues)
    };
    assert_eq!(
        outcome.refusal.as_deref(),
        Some("the workbook has no sheet named `Staff`; its sheets are: Leavers")
    );
}

on_both_backends!(
    first_import_creates_and_second_changes_nothing,
    changed_values_update_the_learner_and_are_audited,
    a_same_name_and_birth_date_learner_is_flagged_not_merged,
    the_same_learner_twice_with_different_details_is_reported,
    identifiers_held_by_other_learners_are_errors,
    abort_refuses_the_whole_file_and_dry_run_writes_nothing,
    bad_files_are_refused_with_a_reason,
    bad_rows_are_reported_and_risky_text_kept_inert,
    a_saved_mapping_is_reused_by_name,
    a_spreadsheet_imports_like_its_csv,
);

async fn a_queued_run_is_done_by_the_worker_and_abandoned_runs_are_marked(db: TestDatabase) {
    use onward_storage::entities::import_run;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};

    let org = fixtures::organisation(db.conn(), "college").await;
    let file = imports::store_file(db.conn(), org.id, None, "web.csv", "0", good_file().into_bytes())
        .await
        .expect("file");
    let queued = imports::create_run(
        db.conn(),
        org.id,
        &imports::NewRun {
            user: None,
            file: Some(file),
            file_name: "web.csv".to_owned(),
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
    let outcome = onward_import::jobs::run_next_queued_import(db.conn())
        .await
        .expect("worker")
        .expect("one run to do");
    assert_eq!(outcome.run, queued);
    assert_eq!(outcome.progress.counts.learners_created, 3);
    assert!(
        onward_import::jobs::run_next_queued_import(db.conn())
            .await
            .expect("worker")
            .is_none()
    );

    // A run left `running` by a process that stopped long ago is marked interrupted.
    let mut stale: import_run::ActiveModel = import_run::Entity::find_by_id(queued.0)
        .one(db.conn())
        .await
        .expect("read")
        .expect("run")
        .into();
    stale.status = Set("running".to_owned());
    stale.updated_at = Set(chrono::Utc::now() - chrono::Duration::hours(1));
    stale.update(db.conn()).await.expect("make it stale");
    assert_eq!(imports::mark_abandoned_runs(db.conn()).await.expect("mark"), 1);
    let run = imports::run(db.conn(), org.id, queued).await.expect("run");
    assert_eq!(run.status, RunStatus::Interrupted);
    assert_eq!(run.counts.learners_created, 3, "its recorded progress is kept");
    assert_eq!(imports::mark_abandoned_runs(db.conn()).await.expect("mark"), 0);
}

on_both_backends!(a_queued_run_is_done_by_the_worker_and_abandoned_runs_are_marked);

async fn a_class_column_sets_the_tutor_group_and_a_blank_keeps_it(db: TestDatabase) {
    use onward_storage::repo::learner_search::{LearnerQuery, search_learners};
    use onward_storage::repo::learners::learner;
    use onward_storage::repo::scope::LearnerScope;

    let org = fixtures::organisation(db.conn(), "college").await;
    let groups = async |db: &TestDatabase| {
        let mut found = Vec::new();
        for summary in search_learners(
            db.conn(),
            org.id,
            &LearnerScope::All,
            &LearnerQuery::default(),
            None,
            10,
        )
        .await
        .expect("search")
        {
            let stored = learner(db.conn(), org.id, summary.id).await.expect("learner");
            found.push((
                stored.mis_id.unwrap_or_default(),
                stored.tutor_group.map(|g| g.as_str().to_owned()),
            ));
        }
        found.sort();
        found
    };
    let first = "Learner Ref,Forename,Surname,Class\nA1,Ada,Lovelace,11A\nB2,Ben,Obi,11B\n";
    let (outcome, issues) = import(&db, &request(org.id, "first.csv"), first).await;
    assert_eq!(outcome.refusal, None, "{issues:?}");
    assert_eq!(
        groups(&db).await,
        vec![
            ("A1".to_owned(), Some("11A".to_owned())),
            ("B2".to_owned(), Some("11B".to_owned()))
        ]
    );
    // Ada moves group; Ben's cell is blank, which never erases a stored value.
    let second = "Learner Ref,Forename,Surname,Tutor group\nA1,Ada,Lovelace,11C\nB2,Ben,Obi,\n";
    let (outcome, issues) = import(&db, &request(org.id, "second.csv"), second).await;
    assert_eq!(outcome.refusal, None, "{issues:?}");
    assert_eq!(outcome.progress.counts.learners_updated, 1);
    assert_eq!(
        groups(&db).await,
        vec![
            ("A1".to_owned(), Some("11C".to_owned())),
            ("B2".to_owned(), Some("11B".to_owned()))
        ]
    );
    assert_eq!(
        count_audit_events(db.conn(), org.id, "learner.import_update", None)
            .await
            .expect("count"),
        1
    );
}

on_both_backends!(a_class_column_sets_the_tutor_group_and_a_blank_keeps_it);
