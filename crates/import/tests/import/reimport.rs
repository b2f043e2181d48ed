//! Re-importing a file (issue 13, item 21): a row exactly as the import last
//! wrote it is skipped by its fingerprint, writing nothing, while a change to
//! any one cell of a row is still found and applied. On SQLite and PostgreSQL.

use onward_domain::learner::NewLearner;
use onward_domain::person::PersonName;
use onward_domain::uln::Uln;
use onward_storage::entities::{audit_event, contact_point, enrolment, learner};
use onward_storage::repo::learners::update_learner;
use onward_storage::{LearnerId, OrganisationId};
use onward_test_support::{TestDatabase, fixtures, generate, on_both_backends};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::runs::{import, request};

const ROWS: u64 = 1000;

/// The generated 23-column MIS file of `ROWS` rows.
fn generated_file() -> String {
    let mut bytes = Vec::new();
    generate::import_csv(ROWS, &mut bytes).expect("generate");
    String::from_utf8(bytes).expect("UTF-8")
}

/// `file` with cell `column` of data row `line` (1 is the first under the
/// header) set to `value`. The generated file has no commas inside cells.
fn with_cell(file: &str, line: usize, column: usize, value: &str) -> String {
    let mut lines: Vec<String> = file.lines().map(str::to_owned).collect();
    let mut cells: Vec<&str> = lines[line].split(',').collect();
    assert_eq!(cells.len(), 23, "{}", lines[line]);
    cells[column] = value;
    lines[line] = cells.join(",");
    lines.join("\n") + "\n"
}

fn cell(file: &str, line: usize, column: usize) -> String {
    file.lines()
        .nth(line)
        .expect("line")
        .split(',')
        .nth(column)
        .expect("cell")
        .to_owned()
}

/// Every row the import writes for the organisation, as stored (timestamps
/// and fingerprints included), and how many audit events it has.
async fn stored(db: &TestDatabase, org: OrganisationId) -> (Vec<String>, u64) {
    let learners = learner::Entity::find()
        .filter(learner::Column::OrganisationId.eq(org.0))
        .order_by_asc(learner::Column::Id)
        .all(db.conn())
        .await
        .expect("learners");
    let enrolments = enrolment::Entity::find()
        .filter(enrolment::Column::OrganisationId.eq(org.0))
        .order_by_asc(enrolment::Column::Id)
        .all(db.conn())
        .await
        .expect("enrolments");
    let contacts = contact_point::Entity::find()
        .filter(contact_point::Column::OrganisationId.eq(org.0))
        .order_by_asc(contact_point::Column::Id)
        .all(db.conn())
        .await
        .expect("contacts");
    let mut rows: Vec<String> = learners.iter().map(|l| format!("{l:?}")).collect();
    rows.extend(enrolments.iter().map(|e| format!("{e:?}")));
    rows.extend(contacts.iter().map(|c| format!("{c:?}")));
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::OrganisationId.eq(org.0))
        .count(db.conn())
        .await
        .expect("audit events");
    (rows, events)
}

async fn an_unchanged_reimport_skips_every_row_and_writes_nothing(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = generated_file();
    let (first, issues) = import(&db, &request(org.id, "mis.csv"), &file).await;
    assert_eq!(first.refusal, None, "{issues:?}");
    assert_eq!(first.progress.counts.rows_imported, ROWS);
    let (before, events_before) = stored(&db, org.id).await;

    let (again, _) = import(&db, &request(org.id, "mis.csv"), &file).await;
    let counts = again.progress.counts;
    assert_eq!(counts.changes(), 0, "{counts:?}");
    assert_eq!(
        counts.rows_unchanged, ROWS,
        "every row skipped by its fingerprint"
    );
    assert_eq!(counts.rows_imported, ROWS);
    assert_eq!(counts.learners_unchanged, first.progress.counts.learners_created);
    assert_eq!(
        counts.enrolments_unchanged,
        first.progress.counts.enrolments_created
    );
    let (after, events_after) = stored(&db, org.id).await;
    assert!(
        after == before,
        "no learner, enrolment or contact row was written"
    );
    assert_eq!(events_after, events_before + 1, "only the run's own event");
}

async fn a_reimport_with_one_changed_row_changes_exactly_that_learner(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = generated_file();
    import(&db, &request(org.id, "mis.csv"), &file).await;
    let (before, _) = stored(&db, org.id).await;
    // Data row 501 is learner 450's only row (every ninth learner has two); they move to another postcode.
    let mis_id = cell(&file, 501, 1);
    let postcode = if cell(&file, 501, 11) == "LS1 1AA" {
        "YO1 7HH"
    } else {
        "LS1 1AA"
    };
    let changed = with_cell(&file, 501, 11, postcode);

    let (outcome, _) = import(&db, &request(org.id, "mis.csv"), &changed).await;
    let counts = outcome.progress.counts;
    assert_eq!(counts.learners_updated, 1, "{counts:?}");
    assert_eq!(counts.changes(), 1, "{counts:?}");
    assert_eq!(counts.rows_unchanged, ROWS - 1);
    let (after, _) = stored(&db, org.id).await;
    let differing: Vec<(&String, &String)> = before.iter().zip(&after).filter(|(b, a)| b != a).collect();
    assert_eq!(differing.len(), 1, "{differing:#?}");
    assert!(
        differing[0].1.contains(&format!("mis_id: Some(\"{mis_id}\")"))
            && differing[0]
                .1
                .contains(&format!("postcode: Some(\"{postcode}\")")),
        "{differing:#?}"
    );
    let updates = audit_event::Entity::find()
        .filter(audit_event::Column::OrganisationId.eq(org.id.0))
        .filter(audit_event::Column::Action.eq("learner.import_update"))
        .all(db.conn())
        .await
        .expect("events");
    assert_eq!(updates.len(), 1);
    assert!(
        updates[0]
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("postcode")
    );
}

async fn a_change_to_any_one_cell_is_never_hidden_by_a_fingerprint(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = generated_file();
    import(&db, &request(org.id, "mis.csv"), &file).await;
    // Data row 5 is learner 4's only row. Each column in turn gets another
    // valid value; the row must be compared (not skipped), the others skipped.
    let choices: [(usize, [&str; 2]); 23] = [
        (0, ["1000000043", "1000000078"]),
        (1, ["ZZ001", "ZZ002"]),
        (2, ["Xavier", "Yolanda"]),
        (3, ["Quill", "Quince"]),
        (4, ["01/01/2008", "02/01/2008"]),
        (5, ["F", "M"]),
        (6, ["31", "32"]),
        (7, ["Y", "N"]),
        (8, ["Y", "N"]),
        (9, ["1 New Road", "2 New Road"]),
        (10, ["Leeds", "York"]),
        (11, ["LS1 1AA", "YO1 7HH"]),
        (12, ["x@example.org", "y@example.org"]),
        (13, ["07700 900001", "07700 900002"]),
        (14, ["Art", "Music"]),
        (15, ["1", "2"]),
        (16, ["1", "2"]),
        (17, ["FT", "PT"]),
        (18, ["01/09/2023", "02/09/2023"]),
        (19, ["30/06/2027", "31/07/2026"]),
        (20, ["14/02/2025", "15/02/2025"]),
        (21, ["Completed", "Break"]),
        (22, ["Cohort X", "Cohort Y"]),
    ];
    let header: Vec<&str> = file.lines().next().expect("header").split(',').collect();
    for (column, [one, other]) in choices {
        let value = if cell(&file, 5, column) == one { other } else { one };
        let changed = with_cell(&file, 5, column, value);
        let (outcome, issues) = import(&db, &request(org.id, "mis.csv"), &changed).await;
        assert_eq!(
            outcome.progress.counts.rows_unchanged,
            ROWS - 1,
            "{} changed to {value}: {:?} {issues:?}",
            header[column],
            outcome.progress.counts
        );
    }
    // And back to the file as first imported: that row is compared again.
    let (outcome, _) = import(&db, &request(org.id, "mis.csv"), &file).await;
    assert_eq!(outcome.progress.counts.rows_unchanged, ROWS - 1);
    let (outcome, _) = import(&db, &request(org.id, "mis.csv"), &file).await;
    assert_eq!(outcome.progress.counts.rows_unchanged, ROWS, "then skipped");
}

async fn an_edit_by_hand_is_compared_in_full_at_the_next_import(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "college").await;
    let file = generated_file();
    import(&db, &request(org.id, "mis.csv"), &file).await;
    let mis_id = cell(&file, 5, 1);
    let stored = learner::Entity::find()
        .filter(learner::Column::OrganisationId.eq(org.id.0))
        .filter(learner::Column::MisId.eq(mis_id.as_str()))
        .one(db.conn())
        .await
        .expect("read")
        .expect("learner");
    let edited = NewLearner {
        uln: stored.uln.as_deref().map(|u| Uln::parse(u).expect("ULN")),
        mis_id: stored.mis_id.clone(),
        date_of_birth: stored.date_of_birth,
        postcode: stored.postcode.clone(),
        ..NewLearner::named(
            PersonName::parse("Renamed").expect("name"),
            PersonName::parse(&stored.family_name).expect("name"),
        )
    };
    update_learner(db.conn(), org.id, LearnerId(stored.id), &edited)
        .await
        .expect("edit");

    let (outcome, _) = import(&db, &request(org.id, "mis.csv"), &file).await;
    assert_eq!(outcome.progress.counts.rows_unchanged, ROWS - 1);
    assert_eq!(
        outcome.progress.counts.learners_updated, 1,
        "the file's name is back"
    );
    let now = learner::Entity::find_by_id(stored.id)
        .one(db.conn())
        .await
        .expect("read")
        .expect("learner");
    assert_eq!(now.given_name, stored.given_name);
}

on_both_backends!(
    an_unchanged_reimport_skips_every_row_and_writes_nothing,
    a_reimport_with_one_changed_row_changes_exactly_that_learner,
    a_change_to_any_one_cell_is_never_hidden_by_a_fingerprint,
    an_edit_by_hand_is_compared_in_full_at_the_next_import,
);
