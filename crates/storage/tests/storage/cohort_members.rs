//! The rows the cohort lists read (`cohort_members`) follow every writer of
//! what they are made of: after each change, the stored rows equal the rows
//! rewritten from scratch from learners, enrolments, destinations, offers and
//! flags, and hold the values the change made. On SQLite and PostgreSQL.

use chrono::NaiveDate;
use onward_domain::destination::{DestinationCategory, DestinationKind};
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::import::{EnrolmentRow, ImportRow, ProgrammeSpec};
use onward_domain::programme::{ProgrammeType, StudyMode};
use onward_domain::support::OfferStatus;
use onward_storage::bulk::BulkConnection;
use onward_storage::import::ImportActor;
use onward_storage::import::batch::{ImportCaches, apply_import_batch};
use onward_storage::repo::cohort_members::{MemberRow, stored_and_derived};
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::destinations::append_destination;
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment, insert_enrolments_bulk};
use onward_storage::repo::guarantee::{NewOffer, change_offer_status, record_offer};
use onward_storage::repo::learners::{insert_learner, search_key, update_learner};
use onward_storage::repo::support::{clear_flag, raise_flag};
use onward_storage::{CohortId, LearnerId, OrganisationId};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// The stored rows, after checking they are what a rewrite from scratch gives.
async fn kept_rows(db: &TestDatabase, org: OrganisationId, after: &str) -> Vec<MemberRow> {
    let (stored, derived) = stored_and_derived(db.conn(), org).await.expect("rows");
    assert_eq!(stored, derived, "the cohort list rows after {after}");
    stored
}

/// The row of `learner` in `cohort`.
fn row(rows: &[MemberRow], cohort: CohortId, learner: LearnerId) -> MemberRow {
    rows.iter()
        .find(|row| row.0 == cohort.0 && row.1 == learner.0)
        .cloned()
        .unwrap_or_else(|| panic!("a row for learner {learner} in cohort {cohort}: {rows:?}"))
}

async fn cohort(db: &TestDatabase, org: OrganisationId, name: &str) -> CohortId {
    create_cohort(
        db.conn(),
        org,
        &NewCohort {
            name: name.to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort")
}

fn import_row(number: u64, given: &str, family: &str, mis_id: &str, cohort: &str) -> ImportRow {
    ImportRow {
        number,
        learner: fixtures::new_learner(given, family, None, Some(mis_id)),
        contacts: Vec::new(),
        enrolment: Some(EnrolmentRow {
            programme: ProgrammeSpec {
                title: "Plumbing".to_owned(),
                level: None,
                sector_subject_area: None,
                mode: StudyMode::PartTime,
            },
            dates: EnrolmentDates {
                start: date(2026, 9, 7),
                planned_end: date(2027, 6, 30),
                actual_end: None,
            },
            status: CompletionStatus::Continuing,
            cohort: cohort.to_owned(),
        }),
        repeat_of: None,
    }
}

/// `row` with its enrolment's start, planned end and actual end (year, month, day).
fn dated(
    mut row: ImportRow,
    start: (i32, u32, u32),
    planned_end: (i32, u32, u32),
    actual_end: Option<(i32, u32, u32)>,
) -> ImportRow {
    let ymd = |(y, m, d): (i32, u32, u32)| date(y, m, d);
    if let Some(enrolment) = row.enrolment.as_mut() {
        enrolment.dates = EnrolmentDates {
            start: ymd(start),
            planned_end: ymd(planned_end),
            actual_end: actual_end.map(ymd),
        };
    }
    row
}

async fn the_cohort_list_rows_follow_every_writer(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "members").await.id;
    let programme = fixtures::programme(db.conn(), org, "Plumbing", ProgrammeType::SkillsBootcamp).await;
    let first = cohort(&db, org, "First 2025").await;
    let second = cohort(&db, org, "Second 2025").await;
    let ada = insert_learner(
        db.conn(),
        org,
        &fixtures::new_learner("Ada", "Zeta", None, Some("X1")),
    )
    .await
    .expect("learner");
    assert!(
        kept_rows(&db, org, "a learner with no enrolment")
            .await
            .is_empty(),
        "a learner in no cohort is in no cohort's lists"
    );

    // An enrolment by hand.
    let enrolment = |learner, cohort, start, planned_end, actual_end| NewEnrolment {
        learner,
        programme,
        cohort,
        dates: EnrolmentDates {
            start,
            planned_end,
            actual_end,
        },
        status: CompletionStatus::Continuing,
    };
    insert_enrolment(
        db.conn(),
        org,
        &enrolment(ada, first, date(2025, 3, 3), date(2025, 7, 1), None),
    )
    .await
    .expect("enrolment");
    let rows = kept_rows(&db, org, "an enrolment").await;
    assert_eq!(
        row(&rows, first, ada),
        (
            first.0,
            ada.0,
            search_key("Zeta", "Ada"),
            None,
            None,
            false,
            "2025-03-03".to_owned(),
            "2025-07-01".to_owned(),
            "2025-07-01".to_owned()
        )
    );

    // A destination: the current one is kept, an earlier-dated one changes nothing.
    let record = |category, as_of| fixtures::destination_record(DestinationKind::Actual, category, as_of);
    append_destination(
        db.conn(),
        org,
        ada,
        &record(DestinationCategory::NeetSeeking, date(2025, 10, 1)),
        None,
    )
    .await
    .expect("destination");
    let rows = kept_rows(&db, org, "a destination").await;
    let neet = Some(DestinationCategory::NeetSeeking.code().to_owned());
    assert_eq!(row(&rows, first, ada).3, neet);
    append_destination(
        db.conn(),
        org,
        ada,
        &record(DestinationCategory::EmploymentFullTime, date(2025, 8, 1)),
        None,
    )
    .await
    .expect("destination");
    let rows = kept_rows(&db, org, "an earlier-dated destination").await;
    assert_eq!(row(&rows, first, ada).3, neet, "the latest by date stays current");

    // An offer, then its status moved on to one that does not count.
    let offer = record_offer(
        db.conn(),
        org,
        ada,
        &NewOffer {
            provider: "Leeds College".to_owned(),
            course: None,
            status: OfferStatus::Applied,
        },
        None,
    )
    .await
    .expect("offer");
    let rows = kept_rows(&db, org, "an offer").await;
    assert_eq!(row(&rows, first, ada).4.as_deref(), Some("applied"));
    change_offer_status(db.conn(), org, ada, offer, OfferStatus::Declined, None)
        .await
        .expect("declined");
    let rows = kept_rows(&db, org, "an offer declined").await;
    assert_eq!(row(&rows, first, ada).4, None, "a declined offer does not count");

    // A support flag raised and cleared.
    let flag = raise_flag(db.conn(), org, ada, "Worried", None)
        .await
        .expect("flag");
    assert!(row(&kept_rows(&db, org, "a flag").await, first, ada).5);
    clear_flag(db.conn(), org, ada, flag, None, None)
        .await
        .expect("clear");
    assert!(!row(&kept_rows(&db, org, "a flag cleared").await, first, ada).5);

    // An edit by hand of the learner's name.
    update_learner(
        db.conn(),
        org,
        ada,
        &fixtures::new_learner("Ada", "Young", None, Some("X1")),
    )
    .await
    .expect("edit");
    let rows = kept_rows(&db, org, "an edit of the name").await;
    assert_eq!(row(&rows, first, ada).2, search_key("Young", "Ada"));

    // Enrolments in bulk: a second programme in the same cohort (still one
    // row, with the latest dates of the two) and a learner in another cohort.
    let bea = insert_learner(
        db.conn(),
        org,
        &fixtures::new_learner("Bea", "Alpha", None, Some("X2")),
    )
    .await
    .expect("learner");
    insert_enrolments_bulk(
        db.conn(),
        org,
        &[
            enrolment(
                ada,
                first,
                date(2025, 1, 6),
                date(2026, 6, 30),
                Some(date(2025, 12, 19)),
            ),
            enrolment(bea, second, date(2025, 9, 1), date(2026, 6, 30), None),
        ],
    )
    .await
    .expect("enrolments");
    let rows = kept_rows(&db, org, "enrolments in bulk").await;
    assert_eq!(rows.len(), 2, "one row per learner per cohort: {rows:?}");
    let ada_first = row(&rows, first, ada);
    assert_eq!(
        (ada_first.6.as_str(), ada_first.7.as_str(), ada_first.8.as_str()),
        ("2025-03-03", "2026-06-30", "2025-12-19"),
        "the latest start, planned end and leaving date over the learner's enrolments"
    );
    assert_eq!(row(&rows, second, bea).2, search_key("Alpha", "Bea"));

    // The MIS import: a learner it renames and enrols in a cohort it creates,
    // and a learner it creates in an existing cohort.
    let bulk = BulkConnection::acquire(db.conn()).await.expect("connection");
    let txn = bulk.transaction().await.expect("begin");
    let mut caches = ImportCaches::load(&txn, org).await.expect("caches");
    let (counts, issues) = apply_import_batch(
        &txn,
        org,
        ImportActor {
            user: None,
            run: None,
        },
        &mut caches,
        &[
            import_row(2, "Ada", "Xavier", "X1", "Imported 2026"),
            import_row(3, "Cai", "Moss", "X3", "First 2025"),
            // A new learner on two rows of one cohort: one row with the
            // latest start, the other with the latest planned and actual end.
            dated(
                import_row(4, "Dee", "Nash", "X4", "First 2025"),
                (2026, 9, 7),
                (2027, 6, 30),
                Some((2027, 8, 1)),
            ),
            dated(
                import_row(5, "Dee", "Nash", "X4", "First 2025"),
                (2027, 1, 5),
                (2027, 3, 1),
                None,
            ),
        ],
    )
    .await
    .expect("import");
    txn.commit().await.expect("commit");
    assert!(issues.is_empty(), "{issues:?}");
    assert_eq!((counts.learners_updated, counts.learners_created), (1, 2));
    let rows = kept_rows(&db, org, "an import").await;
    assert_eq!(rows.len(), 5, "{rows:?}");
    let dee = rows
        .iter()
        .find(|row| row.2 == search_key("Nash", "Dee"))
        .expect("Dee's row");
    assert_eq!(
        (dee.6.as_str(), dee.7.as_str(), dee.8.as_str()),
        ("2027-01-05", "2027-06-30", "2027-08-01"),
        "the latest start, planned end and leaving date of her two rows"
    );
    let imported: Vec<&MemberRow> = rows
        .iter()
        .filter(|row| row.0 != first.0 && row.0 != second.0)
        .collect();
    assert_eq!(imported.len(), 1, "the imported cohort has Ada: {rows:?}");
    assert_eq!(imported[0].1, ada.0);
    assert_eq!(
        row(&rows, first, ada).2,
        search_key("Xavier", "Ada"),
        "the import's new name is in every cohort's rows"
    );
    assert!(
        rows.iter()
            .any(|row| row.0 == first.0 && row.2 == search_key("Moss", "Cai")),
        "the imported learner is in the existing cohort: {rows:?}"
    );
}

on_both_backends!(the_cohort_list_rows_follow_every_writer);
