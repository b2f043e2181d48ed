//! Small, explicit fixtures: an organisation, a user of a given role, learners,
//! programmes, and learners waiting in the call queue.

use chrono::NaiveDate;
use onward_domain::contact::{ContactChannel, ContactPointKind};
use onward_domain::destination::{
    DestinationCategory, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_domain::email::EmailAddress;
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::organisation::{CountryCode, OrgSlug, OrganisationKind};
use onward_domain::programme::ProgrammeType;
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TrackingPlan};
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::contacts::{NewContactPoint, add_contact_point};
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
use onward_storage::repo::learners::insert_learner;
use onward_storage::repo::organisations::{NewOrganisation, Organisation, create_organisation};
use onward_storage::repo::plans::{StoredPlan, install_plan, stored_plan};
use onward_storage::repo::tasks::generate_tasks;
use onward_storage::repo::users::{NewUser, User, create_user};
use onward_storage::{CohortId, LearnerId, OrganisationId};
use sea_orm::ConnectionTrait;

/// A destination record with only its kind, category and date: told by the
/// learner on the phone and confirmed by them. Tests change what they need
/// with `DestinationRecord { employer: .., ..destination_record(..) }`.
pub fn destination_record(
    kind: DestinationKind,
    category: DestinationCategory,
    as_of: NaiveDate,
) -> DestinationRecord {
    DestinationRecord {
        kind,
        category,
        as_of,
        start_date: None,
        end_date: None,
        institution: None,
        employer: None,
        job_role: None,
        hours_per_week: None,
        sector: None,
        course: None,
        level: None,
        source: DestinationSource::Phone,
        verification: Verification::LearnerConfirmed,
        notes: None,
    }
}

/// The password of every fixture user.
pub const PASSWORD: &str = "test-password-123";

/// The argon2id PHC hash of [`PASSWORD`], as `onward user add` stores it. A
/// constant keeps this crate free of the web crate (which owns hashing) and
/// spares every test process the deliberately slow hash; `TestApp`'s tests
/// sign in with it, which proves it matches.
pub const PASSWORD_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$CrrIW6u+WK8fWLz8UQy61A$5B2S4BghUde0nWlrvMUs116/hiGZ66+mc8aFBipccKo";

pub async fn organisation(conn: &impl ConnectionTrait, slug: &str) -> Organisation {
    create_organisation(
        conn,
        &NewOrganisation {
            slug: OrgSlug::parse(slug).expect("valid slug"),
            name: format!("{slug} organisation"),
            kind: OrganisationKind::College,
            country: CountryCode::gb(),
        },
    )
    .await
    .expect("create organisation")
}

/// A user with [`PASSWORD`].
pub async fn user(conn: &impl ConnectionTrait, organisation: &Organisation, role: Role, email: &str) -> User {
    create_user(
        conn,
        organisation.id,
        &NewUser {
            email: EmailAddress::parse(email).expect("valid email"),
            display_name: format!("{} user", role.code()),
            role,
            password_hash: PASSWORD_HASH.to_owned(),
        },
    )
    .await
    .expect("create user")
}

/// A learner born 28/02/2010 living in LS6 2AB, with the given identifiers.
pub fn new_learner(
    given: &str,
    family: &str,
    uln: Option<&str>,
    mis_id: Option<&str>,
) -> onward_domain::learner::NewLearner {
    use onward_domain::person::PersonName;
    onward_domain::learner::NewLearner {
        uln: uln.map(|value| onward_domain::uln::Uln::parse(value).expect("valid ULN")),
        mis_id: mis_id.map(str::to_owned),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(2010, 2, 28),
        postcode: Some("LS6 2AB".to_owned()),
        ..onward_domain::learner::NewLearner::named(
            PersonName::parse(given).expect("valid name"),
            PersonName::parse(family).expect("valid name"),
        )
    }
}

/// A programme of the given type (part-time, no level or sector) for tests that
/// only need something to enrol learners on.
pub async fn programme(
    conn: &impl ConnectionTrait,
    org: onward_storage::OrganisationId,
    title: &str,
    programme_type: onward_domain::programme::ProgrammeType,
) -> onward_storage::ProgrammeId {
    onward_storage::repo::programmes::create_programme(
        conn,
        org,
        &onward_storage::repo::programmes::NewProgramme {
            title: title.to_owned(),
            programme_type,
            level: None,
            sector_subject_area: None,
            mode: onward_domain::programme::StudyMode::PartTime,
            funding_stream: None,
        },
    )
    .await
    .expect("create programme")
}

/// Learners waiting in the call queue: what [`leavers_due_a_call`] made.
pub struct CallQueue {
    /// The installed plan, with its checkpoints' ids in the plan's order.
    pub plan: StoredPlan,
    pub cohort: CohortId,
    /// In the order of the names given, which is the queue's order.
    pub learners: Vec<LearnerId>,
}

/// A plan of one checkpoint, the "3–6 month follow-up" 90 days after leaving,
/// that sends the `follow-up-3-6-month` survey through `channels` in order,
/// `max_attempts` tries each, with the progression lead responsible.
pub fn follow_up_plan(channels: &[ContactChannel], max_attempts: u8) -> TrackingPlan {
    TrackingPlan {
        name: "Follow-up".to_owned(),
        description: String::new(),
        checkpoints: vec![Checkpoint {
            key: "follow_up".to_owned(),
            name: "3–6 month follow-up".to_owned(),
            anchor: Anchor::Leaving,
            fixed_month_day: None,
            offset_days: 90,
            channels: channels.to_vec(),
            responsible: Role::ProgressionLead,
            max_attempts,
            survey: Some("follow-up-3-6-month".to_owned()),
        }],
    }
}

/// A cohort tracked by `plan` and one learner per name ("NAME Leaver", MIS id
/// `L0`, `L1`, …), each with one consented mobile (`+44770090010N`), who
/// completed a programme in March 2025 one day apart (so the queue order is
/// the order of `names`); the plan's tasks are generated, so every checkpoint
/// due by late 2025 is long due.
pub async fn leavers_due_a_call(
    conn: &sea_orm::DatabaseConnection,
    org: OrganisationId,
    plan: &TrackingPlan,
    names: &[&str],
) -> CallQueue {
    let plan_id = install_plan(conn, org, plan).await.expect("plan");
    let programme = programme(conn, org, "Bootcamp", ProgrammeType::SkillsBootcamp).await;
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
    let mut learners = Vec::new();
    for (index, name) in names.iter().enumerate() {
        let learner = insert_learner(
            conn,
            org,
            &new_learner(name, "Leaver", None, Some(&format!("L{index}"))),
        )
        .await
        .expect("learner");
        add_contact_point(
            conn,
            org,
            learner,
            &NewContactPoint {
                kind: ContactPointKind::Phone,
                value: format!("+4477009001{index:02}"),
                consent: true,
            },
        )
        .await
        .expect("phone");
        let start = NaiveDate::from_ymd_opt(2025, 1, 6).expect("date");
        let planned_end =
            NaiveDate::from_ymd_opt(2025, 3, 1).expect("date") + chrono::Days::new(index as u64);
        insert_enrolment(
            conn,
            org,
            &NewEnrolment {
                learner,
                programme,
                cohort,
                dates: EnrolmentDates {
                    start,
                    planned_end,
                    actual_end: None,
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        learners.push(learner);
    }
    generate_tasks(conn, org).await.expect("tasks");
    CallQueue {
        plan: stored_plan(conn, org, plan_id).await.expect("plan"),
        cohort,
        learners,
    }
}
