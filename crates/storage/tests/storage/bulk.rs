//! Bulk writing (the MIS import's way in), on SQLite and PostgreSQL: rows
//! inserted through `COPY` or multi-row statements read back exactly as
//! SeaORM wrote them, reserved ids are never reused, repository calls run in
//! the same transaction, and a transaction dropped without commit leaves
//! nothing behind.

use chrono::{NaiveDate, TimeZone, Utc};
use onward_storage::OrganisationId;
use onward_storage::bulk::{BulkConnection, Cell};
use onward_storage::entities::learner;
use onward_storage::repo::learners::{count_learners, insert_learner};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};
use sea_orm::EntityTrait;

const COLUMNS: [&str; 11] = [
    "id",
    "organisation_id",
    "uln",
    "given_name",
    "family_name",
    "search_name",
    "date_of_birth",
    "free_school_meals",
    "postcode",
    "created_at",
    "updated_at",
];

/// A learner row whose names hold every character PostgreSQL's COPY text
/// format reserves, and markup that must stay text.
fn awkward_row<'a>(
    id: i64,
    org: OrganisationId,
    given: &'a str,
    stamp: chrono::DateTime<Utc>,
) -> Vec<Cell<'a>> {
    vec![
        Cell::Int(id),
        Cell::Int(org.0),
        Cell::Null,
        Cell::Text(given),
        Cell::Text("O'Brien\\Tab\there\nNew line\r<b>x</b>"),
        Cell::Text("o'brien"),
        Cell::Date(NaiveDate::from_ymd_opt(2008, 2, 29).expect("date")),
        Cell::Bool(true),
        Cell::Null,
        Cell::Stamp(stamp),
        Cell::Stamp(stamp),
    ]
}

async fn rows_read_back_as_written(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let stamp = Utc
        .with_ymd_and_hms(2026, 11, 26, 8, 30, 15)
        .single()
        .expect("stamp");
    let bulk = BulkConnection::acquire(db.conn()).await.expect("connection");
    let txn = bulk.transaction().await.expect("begin");
    let ids = txn.reserve_ids("learners", 2).await.expect("ids");
    assert_eq!(ids.len(), 2);
    assert!(ids[1] > ids[0]);
    let mut cells = awkward_row(ids[0], org.id, "=HYPERLINK(\"x\")", stamp);
    cells.extend(awkward_row(ids[1], org.id, "Zoë", stamp));
    let inserted = txn
        .insert_rows("learners", &COLUMNS, &cells)
        .await
        .expect("insert");
    assert_eq!(inserted, 2);
    // A repository call on the same transaction sees the rows.
    assert_eq!(count_learners(&txn, org.id).await.expect("count"), 2);
    txn.commit().await.expect("commit");
    bulk.finish().await.expect("finish");

    let stored = learner::Entity::find_by_id(ids[0])
        .one(db.conn())
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(stored.given_name, "=HYPERLINK(\"x\")");
    assert_eq!(stored.family_name, "O'Brien\\Tab\there\nNew line\r<b>x</b>");
    assert_eq!(stored.uln, None);
    assert_eq!(stored.postcode, None);
    assert_eq!(stored.date_of_birth, NaiveDate::from_ymd_opt(2008, 2, 29));
    assert_eq!(stored.free_school_meals, Some(true));
    assert_eq!(stored.created_at, stamp);
    let second = learner::Entity::find_by_id(ids[1])
        .one(db.conn())
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(second.given_name, "Zoë");

    // Ids taken by the bulk path are not handed out again, by either path.
    let next = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Ada", "Lovelace", None, Some("A1")),
    )
    .await
    .expect("insert after bulk");
    assert!(next.0 > ids[1], "{next:?} after {ids:?}");
    let bulk = BulkConnection::acquire(db.conn()).await.expect("connection");
    let txn = bulk.transaction().await.expect("begin");
    let more = txn.reserve_ids("learners", 1).await.expect("ids");
    assert!(more[0] > next.0, "{more:?} after {next:?}");
    txn.rollback().await.expect("rollback");
}

async fn a_dropped_transaction_leaves_nothing(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let stamp = Utc::now();
    let bulk = BulkConnection::acquire(db.conn()).await.expect("connection");
    {
        let txn = bulk.transaction().await.expect("begin");
        let ids = txn.reserve_ids("learners", 1).await.expect("ids");
        txn.insert_rows("learners", &COLUMNS, &awkward_row(ids[0], org.id, "Gone", stamp))
            .await
            .expect("insert");
        // Dropped here, as when an error stops a batch half-way.
    }
    // The connection carries on with a fresh transaction.
    let txn = bulk.transaction().await.expect("begin again");
    let ids = txn.reserve_ids("learners", 1).await.expect("ids");
    txn.insert_rows("learners", &COLUMNS, &awkward_row(ids[0], org.id, "Kept", stamp))
        .await
        .expect("insert");
    txn.commit().await.expect("commit");
    drop(bulk);
    let names: Vec<String> = learner::Entity::find()
        .all(db.conn())
        .await
        .expect("read")
        .into_iter()
        .map(|l| l.given_name)
        .collect();
    assert_eq!(names, ["Kept"]);
}

async fn rows_must_be_whole(db: TestDatabase) {
    fixtures::organisation(db.conn(), "college").await;
    let bulk = BulkConnection::acquire(db.conn()).await.expect("connection");
    let txn = bulk.transaction().await.expect("begin");
    let err = txn
        .insert_rows("learners", &COLUMNS, &[Cell::Int(1), Cell::Int(2)])
        .await
        .expect_err("two values are not a row of eleven");
    assert!(err.to_string().contains("whole rows"), "{err}");
}

on_both_backends!(
    rows_read_back_as_written,
    a_dropped_transaction_leaves_nothing,
    rows_must_be_whole
);
