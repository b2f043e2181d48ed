//! A canonical dump of what an organisation holds, by natural keys rather than
//! row ids, so two databases filled in different ways can be compared.

use std::collections::HashMap;

use onward_storage::OrganisationId;
use onward_storage::entities::{cohort, contact_point, enrolment, learner, probable_duplicate, programme};
use onward_storage::repo::tenant::TenantScoped;
use sea_orm::ConnectionTrait;

/// Learners, contact points, programmes, cohorts, enrolments and probable
/// duplicates of `org`, one sorted line each.
pub async fn organisation_snapshot(conn: &impl ConnectionTrait, org: OrganisationId) -> Vec<String> {
    let learners = learner::Entity::find_in(org)
        .all(conn)
        .await
        .expect("read learners");
    let key: HashMap<i64, String> = learners
        .iter()
        .map(|l| {
            (
                l.id,
                format!(
                    "{}/{}",
                    l.uln.as_deref().unwrap_or("-"),
                    l.mis_id.as_deref().unwrap_or("-")
                ),
            )
        })
        .collect();
    let mut lines: Vec<String> = learners
        .iter()
        .map(|l| {
            format!(
                "learner {} {} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                key[&l.id],
                l.given_name,
                l.family_name,
                l.upn,
                l.date_of_birth,
                l.sex,
                l.ethnicity,
                l.lldd,
                l.free_school_meals,
                l.postcode,
                l.search_name
            )
        })
        .collect();
    for c in contact_point::Entity::find_in(org)
        .all(conn)
        .await
        .expect("read contacts")
    {
        lines.push(format!(
            "contact {} {} {} {} {}",
            key[&c.learner_id], c.kind, c.value, c.consent, c.valid
        ));
    }
    let programmes: HashMap<i64, String> = programme::Entity::find_in(org)
        .all(conn)
        .await
        .expect("read programmes")
        .into_iter()
        .map(|p| {
            lines.push(format!(
                "programme {} {:?} {:?} {}",
                p.title, p.level, p.sector_subject_area, p.mode
            ));
            (p.id, p.title)
        })
        .collect();
    let cohorts: HashMap<i64, String> = cohort::Entity::find_in(org)
        .all(conn)
        .await
        .expect("read cohorts")
        .into_iter()
        .map(|c| {
            lines.push(format!("cohort {}", c.name));
            (c.id, c.name)
        })
        .collect();
    for e in enrolment::Entity::find_in(org)
        .all(conn)
        .await
        .expect("read enrolments")
    {
        lines.push(format!(
            "enrolment {} {} {} {} {} {:?} {}",
            key[&e.learner_id],
            programmes[&e.programme_id],
            cohorts[&e.cohort_id],
            e.start_date,
            e.planned_end_date,
            e.actual_end_date,
            e.completion_status
        ));
    }
    for d in probable_duplicate::Entity::find_in(org)
        .all(conn)
        .await
        .expect("read probable duplicates")
    {
        lines.push(format!(
            "duplicate {} of {}",
            key[&d.learner_id], key[&d.duplicate_of_id]
        ));
    }
    lines.sort();
    lines
}
