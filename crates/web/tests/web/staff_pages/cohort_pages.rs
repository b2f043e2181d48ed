//! The cohort pages of a large cohort (issue 13 item 27): the lists come a
//! page at a time with the GOV.UK pagination component, every page stays small
//! however large the cohort, and the CSV exports still hold everyone.

use chrono::NaiveDate;
use onward_domain::destination::{DestinationCategory, DestinationKind};
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::programme::ProgrammeType;
use onward_domain::role::Role;
use onward_domain::tracking::shipped_plans;
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::destinations::append_destination;
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolments_bulk};
use onward_storage::repo::learner_search::{LearnerQuery, search_learners};
use onward_storage::repo::learners::insert_learners_bulk;
use onward_storage::repo::plans::install_plan;
use onward_storage::repo::scope::LearnerScope;
use onward_storage::{CohortId, LearnerId};
use onward_test_support::{TestApp, TestDatabase, fixtures, generate};
use reqwest::StatusCode;

const LEARNERS: u64 = 2_000;
const KNOWN: usize = 100;
/// What issue 13 allows a staff page at 200,000 learners.
const MAX_HTML: usize = 200 * 1024;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// 2,000 learners who left in July 2025 (past the Adult provider plan's last
/// checkpoint), the first 100 in name order employed, the rest not known.
async fn large_cohort(app: &TestApp, org: onward_storage::OrganisationId) -> (CohortId, Vec<LearnerId>) {
    let conn = app.db.conn();
    let plan = shipped_plans()
        .into_iter()
        .find(|plan| plan.name.starts_with("Adult provider"))
        .expect("adult plan");
    let plan_id = install_plan(conn, org, &plan).await.expect("plan");
    let programme = fixtures::programme(conn, org, "Bootcamp", ProgrammeType::SkillsBootcamp).await;
    let cohort = create_cohort(
        conn,
        org,
        &NewCohort {
            name: "Bootcamp 2025".to_owned(),
            tracking_plan: Some(plan_id),
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    insert_learners_bulk(conn, org, &generate::learners(5, 0, LEARNERS))
        .await
        .expect("learners");
    let learners: Vec<LearnerId> = search_learners(
        conn,
        org,
        &LearnerScope::All,
        &LearnerQuery::default(),
        None,
        LEARNERS,
    )
    .await
    .expect("ids")
    .into_iter()
    .map(|summary| summary.id)
    .collect();
    assert_eq!(learners.len() as u64, LEARNERS);
    let enrolments: Vec<NewEnrolment> = learners
        .iter()
        .map(|learner| NewEnrolment {
            learner: *learner,
            programme,
            cohort,
            dates: EnrolmentDates {
                start: date(2025, 3, 3),
                planned_end: date(2025, 7, 1),
                actual_end: Some(date(2025, 7, 1)),
            },
            status: CompletionStatus::Completed,
        })
        .collect();
    insert_enrolments_bulk(conn, org, &enrolments)
        .await
        .expect("enrolments");
    for learner in &learners[..KNOWN] {
        let record = fixtures::destination_record(
            DestinationKind::Actual,
            DestinationCategory::EmploymentFullTime,
            date(2025, 10, 1),
        );
        append_destination(conn, org, *learner, &record, None)
            .await
            .expect("destination");
    }
    (cohort, learners)
}

async fn page(app: &TestApp, path: &str) -> String {
    let (status, html) = app.get_text(path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    assert!(
        html.len() <= MAX_HTML,
        "{path} is {} bytes, over the {MAX_HTML}-byte bound",
        html.len()
    );
    html
}

fn learner_links(html: &str, suffix: &str) -> Vec<String> {
    html.match_indices("href=\"/learners/")
        .filter_map(|(at, _)| {
            let rest = &html[at + "href=\"/learners/".len()..];
            let end = rest.find('"')?;
            let target = &rest[..end];
            target
                .strip_suffix(suffix)
                .filter(|id| id.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty())
                .map(str::to_owned)
        })
        .collect()
}

pub(super) async fn the_lists_of_a_2000_learner_cohort_come_a_page_at_a_time(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "scale", Role::Admin).await;
    let (cohort, _) = large_cohort(&app, org.id).await;
    let not_known = LEARNERS as usize - KNOWN;

    let overview = page(&app, &format!("/cohorts/{cohort}")).await;
    assert!(
        overview.contains(&not_known.to_string()),
        "the cohort page counts the not known"
    );

    // Not known: 1,900 learners, 25 a page.
    let base = format!("/cohorts/{cohort}/unknowns");
    let first = page(&app, &base).await;
    let first_ids = learner_links(&first, "");
    assert_eq!(first_ids.len(), 25, "one page holds 25 learners");
    assert!(
        first.contains(&not_known.to_string()),
        "the page says how many there are in all"
    );
    assert!(
        first.contains("govuk-pagination"),
        "the GOV.UK pagination component"
    );
    assert!(
        first.contains(&format!("href=\"{base}?page=2\"")),
        "a link to page 2"
    );
    assert!(
        first.contains(&format!("href=\"{base}?page=76\"")),
        "a link to the last page"
    );
    let second = page(&app, &format!("{base}?page=2")).await;
    let second_ids = learner_links(&second, "");
    assert_eq!(second_ids.len(), 25);
    assert!(
        second_ids.iter().all(|id| !first_ids.contains(id)),
        "page 2 shows the next learners"
    );
    let last = page(&app, &format!("{base}?page=76")).await;
    assert_eq!(learner_links(&last, "").len(), not_known - 75 * 25);
    let past_the_end = page(&app, &format!("{base}?page=999999999999")).await;
    assert_eq!(
        learner_links(&past_the_end, ""),
        learner_links(&last, ""),
        "past the end: the last page"
    );
    let hostile = page(&app, &format!("{base}?page=%27%3B--")).await;
    assert_eq!(
        learner_links(&hostile, ""),
        first_ids,
        "an unreadable page number is page 1"
    );

    // The CSV stays whole.
    let (status, csv) = app.get_text(&format!("{base}.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        csv.lines().count(),
        not_known + 1,
        "header and every learner not known"
    );

    // At risk: the same 1,900 (not known after the plan's last checkpoint), 50 a page.
    let at_risk = page(&app, &format!("/cohorts/{cohort}/at-risk")).await;
    let at_risk_ids = learner_links(&at_risk, "#support");
    assert_eq!(at_risk_ids.len(), 50);
    assert!(at_risk.contains(&format!("href=\"/cohorts/{cohort}/at-risk?page=2\"")));
    let at_risk_2 = page(&app, &format!("/cohorts/{cohort}/at-risk?page=2")).await;
    let at_risk_2_ids = learner_links(&at_risk_2, "#support");
    assert_eq!(at_risk_2_ids.len(), 50);
    assert!(at_risk_2_ids.iter().all(|id| !at_risk_ids.contains(id)));

    // September Guarantee: nobody has an offer, 50 a page.
    let guarantee = page(&app, &format!("/cohorts/{cohort}/guarantee")).await;
    assert_eq!(learner_links(&guarantee, "").len(), 50);
    assert!(guarantee.contains(&format!("href=\"/cohorts/{cohort}/guarantee?page=40\"")));
    let guarantee_40 = page(&app, &format!("/cohorts/{cohort}/guarantee?page=40")).await;
    assert_eq!(learner_links(&guarantee_40, "").len(), 50);
    let (status, csv) = app.get_text(&format!("/cohorts/{cohort}/guarantee.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        csv.lines().count(),
        LEARNERS as usize + 1,
        "the no-offer CSV holds everyone"
    );
}
