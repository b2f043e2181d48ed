//! The cohort lists and counts computed by the database (issue 13 item 27):
//! they agree with the domain's rules learner by learner, page by page, and
//! their queries use the indexes. Each runs on SQLite and on PostgreSQL.

use std::collections::HashMap;

use chrono::NaiveDate;
use onward_domain::destination::{
    DestinationCategory, DestinationGroup, DestinationKind, DestinationRecord, current_destination,
};
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::programme::ProgrammeType;
use onward_domain::role::Role;
use onward_domain::support::{OfferStatus, best_offer};
use onward_domain::tracking::shipped_plans;
use onward_storage::repo::cohort_lists::{
    MAX_PAGE_SIZE, PageRequest, destination_counts, query_plans, unknown_learners_page,
};
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::destinations::{append_destination, destination_history};
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
use onward_storage::repo::guarantee::{
    NewOffer, learners_without_offer, learners_without_offer_page, record_offer,
};
use onward_storage::repo::learners::{insert_learner, search_key};
use onward_storage::repo::plans::install_plan;
use onward_storage::repo::scope::LearnerScope;
use onward_storage::repo::support::{
    at_risk_in_cohort, at_risk_in_cohort_page, clear_flag, learner_at_risk, raise_flag,
};
use onward_storage::{CohortId, LearnerId, OrganisationId};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn record(kind: DestinationKind, category: DestinationCategory, as_of: NaiveDate) -> DestinationRecord {
    fixtures::destination_record(kind, category, as_of)
}

/// 80 learners on the Adult provider plan with every shape of history (none, not
/// known, NEET, superseded records, two on one day, intended only, moved away),
/// offers of every status, open and cleared flags; half left long ago (past the
/// plan's last checkpoint), half leave next summer. Another organisation holds
/// learners with the same names in a cohort of its own.
async fn varied_cohort(db: &TestDatabase, org: OrganisationId) -> (CohortId, Vec<LearnerId>) {
    use DestinationCategory as C;
    use DestinationKind::{Actual, Intended};
    let adviser = fixtures::user(
        db.conn(),
        &fixtures_org(db, org).await,
        Role::IagAdviser,
        "iag@lists.example",
    )
    .await;
    let plan = shipped_plans()
        .into_iter()
        .find(|plan| plan.name.starts_with("Adult provider"))
        .expect("adult plan");
    let plan_id = install_plan(db.conn(), org, &plan).await.expect("plan");
    let programme = fixtures::programme(db.conn(), org, "Bootcamp", ProgrammeType::SkillsBootcamp).await;
    let cohort = create_cohort(
        db.conn(),
        org,
        &NewCohort {
            name: "Lists 2025".to_owned(),
            tracking_plan: Some(plan_id),
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let mut learners = Vec::new();
    for index in 0..80_u32 {
        // Family names out of id order, so name order is not insertion order.
        let family = ["Zeta", "Alpha", "Moss", "Alpha"][index as usize % 4];
        let learner = insert_learner(
            db.conn(),
            org,
            &fixtures::new_learner(
                &format!("Pupil{:02}", (index * 37) % 80),
                family,
                None,
                Some(&format!("V{index}")),
            ),
        )
        .await
        .expect("learner");
        let left_long_ago = index % 2 == 0;
        insert_enrolment(
            db.conn(),
            org,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start: date(2025, 3, 3),
                    planned_end: if left_long_ago {
                        date(2025, 7, 1)
                    } else {
                        date(2026, 6, 30)
                    },
                    actual_end: left_long_ago.then(|| date(2025, 7, 1)),
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        let history: &[(DestinationKind, C, NaiveDate)] = match index % 8 {
            0 => &[],
            1 => &[(Actual, C::NotKnown, date(2025, 10, 1))],
            2 => &[(Actual, C::NeetSeeking, date(2025, 10, 1))],
            3 => &[
                (Actual, C::EmploymentFullTime, date(2025, 10, 1)),
                (Actual, C::NeetNotSeeking, date(2026, 2, 1)),
            ],
            4 => &[
                (Actual, C::NeetSeeking, date(2025, 10, 1)),
                (Actual, C::EmploymentFullTime, date(2026, 2, 1)),
            ],
            // Two on one day: the one recorded last is current.
            5 => &[
                (Actual, C::EmploymentFullTime, date(2026, 1, 5)),
                (Actual, C::NotKnown, date(2026, 1, 5)),
            ],
            6 => &[(Intended, C::EducationSixthFormCollege, date(2025, 5, 1))],
            _ => &[
                (Actual, C::MovedAway, date(2026, 3, 1)),
                (Actual, C::EmploymentFullTime, date(2025, 11, 1)),
            ],
        };
        for (kind, category, as_of) in history {
            append_destination(db.conn(), org, learner, &record(*kind, *category, *as_of), None)
                .await
                .expect("destination");
        }
        let offers: &[OfferStatus] = match index % 5 {
            0 => &[],
            1 => &[OfferStatus::Applied],
            2 => &[OfferStatus::Declined],
            3 => &[OfferStatus::Applied, OfferStatus::Accepted],
            _ => &[OfferStatus::Offered, OfferStatus::NoOffer],
        };
        for status in offers {
            record_offer(
                db.conn(),
                org,
                learner,
                &NewOffer {
                    provider: "Leeds College".to_owned(),
                    course: None,
                    status: *status,
                },
                None,
            )
            .await
            .expect("offer");
        }
        if index % 11 == 0 {
            raise_flag(db.conn(), org, learner, "Worried", Some(adviser.id))
                .await
                .expect("flag");
        }
        if index % 13 == 4 {
            let flag = raise_flag(db.conn(), org, learner, "Sorted since", Some(adviser.id))
                .await
                .expect("flag");
            clear_flag(db.conn(), org, learner, flag, None, Some(adviser.id))
                .await
                .expect("clear");
        }
        learners.push(learner);
    }
    (cohort, learners)
}

async fn fixtures_org(
    db: &TestDatabase,
    org: OrganisationId,
) -> onward_storage::repo::organisations::Organisation {
    onward_storage::repo::organisations::organisation(db.conn(), org)
        .await
        .expect("organisation")
}

/// Everyone in the other organisation is NEET, flagged and without offers: none
/// of it may leak into the first organisation's lists.
async fn another_organisation(db: &TestDatabase) {
    let other = fixtures::organisation(db.conn(), "other-lists").await;
    let programme = fixtures::programme(db.conn(), other.id, "Other", ProgrammeType::SkillsBootcamp).await;
    let cohort = create_cohort(
        db.conn(),
        other.id,
        &NewCohort {
            name: "Lists 2025".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    for index in 0..5 {
        let learner = insert_learner(
            db.conn(),
            other.id,
            &fixtures::new_learner(
                &format!("Pupil{index:02}"),
                "Alpha",
                None,
                Some(&format!("O{index}")),
            ),
        )
        .await
        .expect("learner");
        insert_enrolment(
            db.conn(),
            other.id,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start: date(2025, 3, 3),
                    planned_end: date(2025, 7, 1),
                    actual_end: None,
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        append_destination(
            db.conn(),
            other.id,
            learner,
            &record(
                DestinationKind::Actual,
                DestinationCategory::NeetSeeking,
                date(2025, 9, 1),
            ),
            None,
        )
        .await
        .expect("destination");
    }
}

/// Reads every page of a list of `size` rows and checks the pages' own figures.
async fn all_pages<T, F, Fut>(total_expected: usize, size: u64, mut fetch: F) -> Vec<T>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = onward_storage::repo::cohort_lists::Page<T>>,
{
    let mut all = Vec::new();
    let pages = (total_expected as u64).div_ceil(size).max(1);
    for number in 1..=pages {
        let page = fetch(PageRequest::new(number, size)).await;
        assert_eq!(page.number, number);
        assert_eq!(
            page.total, total_expected as u64,
            "page {number} knows the list's size"
        );
        assert_eq!(page.pages(), pages);
        assert!(
            page.items.len() as u64 <= size,
            "page {number} holds at most {size} rows"
        );
        if number < pages {
            assert_eq!(page.items.len() as u64, size, "page {number} is full");
        }
        all.extend(page.items);
    }
    let past_the_end = fetch(PageRequest::new(pages + 5, size)).await;
    assert_eq!(
        past_the_end.number, pages,
        "a page past the end shows the last page"
    );
    all
}

async fn cohort_lists_agree_with_the_domain_rules_page_by_page(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "lists").await;
    let (cohort, learners) = varied_cohort(&db, org.id).await;
    another_organisation(&db).await;
    let today = date(2026, 12, 2);

    // What the domain says, learner by learner.
    let mut names: HashMap<LearnerId, String> = HashMap::new();
    let mut expected_counts: HashMap<DestinationGroup, u64> = HashMap::new();
    let mut expected_unknown = Vec::new();
    let mut expected_at_risk = Vec::new();
    let mut expected_no_offer = Vec::new();
    for (index, learner) in learners.iter().enumerate() {
        let stored = onward_storage::repo::learners::learner(db.conn(), org.id, *learner)
            .await
            .expect("learner");
        names.insert(*learner, search_key(&stored.family_name, &stored.given_name));
        let history: Vec<DestinationRecord> = destination_history(db.conn(), org.id, *learner)
            .await
            .expect("history")
            .into_iter()
            .map(|stored| stored.record)
            .collect();
        let current = current_destination(&history).map(|record| record.category);
        let group = current.map_or(DestinationGroup::NotKnown, DestinationCategory::group);
        *expected_counts.entry(group).or_default() += 1;
        if group == DestinationGroup::NotKnown {
            expected_unknown.push(*learner);
        }
        let reasons = learner_at_risk(db.conn(), org.id, *learner, current, today)
            .await
            .expect("reasons");
        if !reasons.is_empty() {
            expected_at_risk.push((*learner, reasons));
        }
        let offers: &[OfferStatus] = match index % 5 {
            0 => &[],
            1 => &[OfferStatus::Applied],
            2 => &[OfferStatus::Declined],
            3 => &[OfferStatus::Applied, OfferStatus::Accepted],
            _ => &[OfferStatus::Offered, OfferStatus::NoOffer],
        };
        if best_offer(offers.iter().copied()).is_none() {
            expected_no_offer.push(*learner);
        }
    }
    let by_name = |ids: &mut Vec<LearnerId>| ids.sort_by_key(|id| (names[id].clone(), id.0));
    by_name(&mut expected_unknown);
    by_name(&mut expected_no_offer);
    expected_at_risk.sort_by_key(|(id, _)| (names[id].clone(), id.0));
    assert!(
        expected_unknown.len() > 10 && expected_at_risk.len() > 10 && expected_no_offer.len() > 10,
        "the fixture exercises every list"
    );

    let counts = destination_counts(db.conn(), org.id, cohort)
        .await
        .expect("counts");
    for (group, count) in &counts {
        assert_eq!(
            *count,
            expected_counts.get(group).copied().unwrap_or(0),
            "learners whose current destination is in {group:?}"
        );
    }
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), 80);

    let unknown: Vec<LearnerId> = all_pages(expected_unknown.len(), 7, |page| {
        let conn = db.conn();
        async move {
            unknown_learners_page(conn, org.id, &LearnerScope::All, cohort, Some(page))
                .await
                .expect("page")
                .map(|learner| learner.id)
        }
    })
    .await;
    assert_eq!(
        unknown, expected_unknown,
        "the not-known list, in name order, over its pages"
    );
    let whole = unknown_learners_page(db.conn(), org.id, &LearnerScope::All, cohort, None)
        .await
        .expect("whole");
    assert_eq!(
        whole.items.len(),
        expected_unknown.len(),
        "the CSV gets the whole list"
    );

    let at_risk: Vec<(LearnerId, Vec<onward_domain::support::AtRiskReason>)> =
        all_pages(expected_at_risk.len(), 6, |page| {
            let conn = db.conn();
            async move {
                at_risk_in_cohort_page(conn, org.id, &LearnerScope::All, cohort, today, page)
                    .await
                    .expect("page")
                    .map(|entry| (entry.learner.id, entry.reasons))
            }
        })
        .await;
    assert_eq!(
        at_risk, expected_at_risk,
        "the at-risk list and reasons, over its pages"
    );
    assert_eq!(
        at_risk_in_cohort(db.conn(), org.id, &LearnerScope::All, cohort, today)
            .await
            .expect("all")
            .len(),
        expected_at_risk.len()
    );
    // Before anyone's last checkpoint, not known is not yet a risk.
    let early = at_risk_in_cohort(db.conn(), org.id, &LearnerScope::All, cohort, date(2025, 8, 1))
        .await
        .expect("early");
    for entry in &early {
        let reasons = learner_at_risk(db.conn(), org.id, entry.learner.id, None, date(2025, 8, 1))
            .await
            .expect("reasons");
        assert!(
            entry.reasons.iter().all(|reason| !matches!(
                reason,
                onward_domain::support::AtRiskReason::NotKnownAfterLastCheckpoint { .. }
            )),
            "{reasons:?}"
        );
    }

    let no_offer: Vec<LearnerId> = all_pages(expected_no_offer.len(), 9, |page| {
        let conn = db.conn();
        async move {
            learners_without_offer_page(conn, org.id, &LearnerScope::All, cohort, page)
                .await
                .expect("page")
                .0
                .map(|entry| entry.learner.id)
        }
    })
    .await;
    assert_eq!(no_offer, expected_no_offer, "the no-offer list over its pages");
    let (whole, counts) = learners_without_offer(db.conn(), org.id, &LearnerScope::All, cohort)
        .await
        .expect("whole");
    assert_eq!(whole.len(), expected_no_offer.len());
    assert_eq!(
        (counts.accepted, counts.offered, counts.applied, counts.no_offer),
        (16, 16, 16, 32),
        "each learner counted once, by their most advanced offer"
    );

    let huge = unknown_learners_page(
        db.conn(),
        org.id,
        &LearnerScope::All,
        cohort,
        Some(PageRequest::new(1, 1_000_000)),
    )
    .await
    .expect("page");
    assert_eq!(
        huge.size, MAX_PAGE_SIZE,
        "a page never holds more than {MAX_PAGE_SIZE} rows"
    );
}

async fn the_cohort_queries_start_from_the_cohort_and_use_the_indexes(db: TestDatabase) {
    use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
    let org = fixtures::organisation(db.conn(), "plans").await;
    let (cohort, _) = varied_cohort(&db, org.id).await;
    let postgres = db.conn().get_database_backend() == DbBackend::Postgres;
    let txn = db.conn().begin().await.expect("transaction");
    if postgres {
        // A test database is tiny, where a sequential scan is cheapest; forbid it
        // to see which indexes the planner can use for these queries at scale.
        txn.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await
            .expect("set");
    }
    let plan = query_plans(&txn, org.id, cohort).await.expect("plans").join("\n");
    txn.rollback().await.expect("rollback");
    eprintln!("query plans:\n{plan}");
    for table in ["destination_records", "learners", "enrolments", "support_flags"] {
        assert!(
            !plan.contains(&format!(" {table}")) && !plan.contains(&format!("{table}_")),
            "the counts and the list read only the cohort's rows of cohort_members, not {table}:\n{plan}"
        );
    }
    let range = if postgres {
        "cohort_members_by_name"
    } else {
        "USING COVERING INDEX cohort_members_by_name"
    };
    assert!(
        plan.lines().filter(|line| line.contains(range)).count() >= 2,
        "the counts and the list each read one range of cohort_members_by_name:\n{plan}"
    );
    // A full scan of a table shows as `Seq Scan on <table>` (PostgreSQL) or as a
    // `SCAN <alias>` without an index (SQLite); `SCAN (subquery-N)` is SQLite
    // reading back the rows of the list's window (`COUNT(*) OVER ()`).
    let full_scans: Vec<&str> = plan
        .lines()
        .map(str::trim)
        .filter(|line| {
            if postgres {
                line.contains("Seq Scan")
            } else {
                line.starts_with("SCAN ") && !line.contains(" USING ") && !line.starts_with("SCAN (subquery-")
            }
        })
        .collect();
    assert!(
        full_scans.is_empty(),
        "no table is read whole: {full_scans:?}\n{plan}"
    );
}

on_both_backends!(
    cohort_lists_agree_with_the_domain_rules_page_by_page,
    the_cohort_queries_start_from_the_cohort_and_use_the_indexes,
);
