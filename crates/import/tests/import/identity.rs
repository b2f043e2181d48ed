//! Who a row is about (issue 13, item 20): a ULN or MIS id shared by rows, or
//! by a row and a stored learner, that disagree on the other identifier is
//! two people, and the later row is an error naming the earlier row (or the
//! stored learner), never merged into the first. On SQLite and PostgreSQL.

use onward_import::row::Severity;
use onward_test_support::snapshot::organisation_snapshot;
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

use crate::runs::{HEADER, good_file, import, request};

async fn two_people_sharing_a_uln_in_one_file_are_never_merged(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    // Row 3 has Ada's ULN but another MIS id, name and date of birth.
    let file = format!(
        "{HEADER}\n\
         1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,,A levels,3,01/09/2024,30/06/2026,,,Y13\n\
         1000000043,Z9,Zed,Other,01/01/2008,zed@example.org,,BTEC Sport,3,01/09/2024,30/06/2026,,,Y13\n"
    );
    let (outcome, issues) = import(&db, &request(org.id, "shared-uln.csv"), &file).await;
    let error = issues
        .iter()
        .find(|i| i.row == 3 && i.severity == Severity::Error)
        .unwrap_or_else(|| panic!("row 3 is an error: {issues:?}"));
    assert_eq!(error.column, "A (ULN)");
    assert_eq!(error.value, "1000000043");
    assert!(
        error.reason.contains("on row 2"),
        "names the earlier row: {error:?}"
    );
    let counts = outcome.progress.counts;
    assert_eq!(
        (
            counts.learners_created,
            counts.enrolments_created,
            counts.rows_skipped
        ),
        (1, 1, 1)
    );
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        !snapshot.iter().any(|l| l.contains("BTEC Sport")),
        "row 3's enrolment is not given to Ada: {snapshot:#?}"
    );
    assert!(
        !snapshot.iter().any(|l| l.contains("Zed") || l.contains("zed@")),
        "nothing of row 3 is stored: {snapshot:#?}"
    );
}

async fn two_people_sharing_an_mis_id_are_never_merged_across_batches(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = format!(
        "{HEADER}\n\
         1000000043,A1,Ada,Lovelace,10/12/2009,,,A levels,3,01/09/2024,30/06/2026,,,Y13\n\
         ,B2,Ben,Brown,01/03/2009,,,A levels,3,01/09/2024,30/06/2026,,,Y13\n\
         1000000078,A1,Zed,Other,01/01/2008,,,BTEC Sport,3,01/09/2024,30/06/2026,,,Y13\n"
    );
    let mut one_row_batches = request(org.id, "shared-mis.csv");
    one_row_batches.batch_rows = 1;
    let (outcome, issues) = import(&db, &one_row_batches, &file).await;
    let error = issues
        .iter()
        .find(|i| i.row == 4 && i.severity == Severity::Error)
        .unwrap_or_else(|| panic!("row 4 is an error: {issues:?}"));
    assert_eq!(error.column, "B (Learner Ref)");
    assert!(
        error
            .reason
            .contains("MIS id A1 is on row 2 with a different ULN"),
        "{error:?}"
    );
    assert_eq!(outcome.progress.counts.learners_created, 2);
    assert_eq!(outcome.progress.counts.enrolments_created, 2);
    let snapshot = organisation_snapshot(db.conn(), org.id).await;
    assert!(
        !snapshot
            .iter()
            .any(|l| l.contains("BTEC Sport") || l.contains("1000000078")),
        "{snapshot:#?}"
    );
}

async fn a_uln_stored_with_another_mis_id_is_an_error_naming_the_learner(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    import(&db, &request(org.id, "learners.csv"), &good_file()).await;
    let before = organisation_snapshot(db.conn(), org.id).await;
    let file = format!(
        "{HEADER}\n\
         1000000043,Z9,Zed,Other,01/01/2008,zed@example.org,,BTEC Sport,3,01/09/2024,30/06/2026,,,Year 13 leavers 2026\n"
    );
    let (outcome, issues) = import(&db, &request(org.id, "later.csv"), &file).await;
    let error = issues
        .iter()
        .find(|i| i.severity == Severity::Error)
        .unwrap_or_else(|| panic!("an error: {issues:?}"));
    assert_eq!((error.row, error.value.as_str()), (2, "Z9"));
    assert!(
        error
            .reason
            .contains("ULN 1000000043 belongs to a learner whose MIS id is A1"),
        "{error:?}"
    );
    assert_eq!(outcome.progress.counts.rows_skipped, 1);
    assert_eq!(
        organisation_snapshot(db.conn(), org.id).await,
        before,
        "Ada keeps her MIS id, name and enrolments"
    );
}

async fn a_repeated_learner_warning_names_only_the_columns_that_differ(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = format!(
        "{HEADER}\n\
         1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,07700 900123,A levels,3,01/09/2024,30/06/2026,,,Y13\n\
         1000000043,A1,Ada,Byron,10/12/2009,ada.byron@example.org,07700 900123,EPQ,3,01/09/2025,30/06/2026,,,Y13\n\
         1000000043,A1,Ada,Lovelace,10/12/2009,ada@example.org,07700 900123,Maths,2,01/09/2025,30/06/2026,,,Y12\n"
    );
    let (outcome, issues) = import(&db, &request(org.id, "twice.csv"), &file).await;
    let warnings: Vec<(u64, &str)> = issues
        .iter()
        .filter(|i| i.reason.contains("same learner"))
        .map(|i| (i.row, i.reason.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            3,
            "the same learner is on row 2 with different details (Surname, Email); the details on row 2 were kept"
        )],
        "row 4 differs only in its enrolment"
    );
    assert_eq!(outcome.progress.counts.learners_created, 1);
    assert_eq!(outcome.progress.counts.enrolments_created, 3);
}

on_both_backends!(
    two_people_sharing_a_uln_in_one_file_are_never_merged,
    two_people_sharing_an_mis_id_are_never_merged_across_batches,
    a_uln_stored_with_another_mis_id_is_an_error_naming_the_learner,
    a_repeated_learner_warning_names_only_the_columns_that_differ,
);
