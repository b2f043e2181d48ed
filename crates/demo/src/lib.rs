//! Deterministic demo data: a secondary school with Year 11 and Year 13 leaver
//! cohorts and an adult training provider with Skills Bootcamp, ESOL and short
//! course cohorts, with intentions, September Guarantee offers and at-risk
//! learners with referrals. The same seed gives the same data every time, so
//! the demo, screenshots and browser tests can rely on it.

mod names;
mod support;

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use onward_domain::contact::{ContactChannel, ContactDirection, ContactOutcome, ContactPointKind};
use onward_domain::destination::{
    DestinationCategory as Cat, DestinationKind, DestinationRecord, DestinationSource, Verification,
};
use onward_domain::email::EmailAddress;
use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
use onward_domain::learner::{Ethnicity, Lldd, NewLearner, Sex};
use onward_domain::organisation::{CountryCode, OrgSlug, OrganisationKind};
use onward_domain::person::PersonName;
use onward_domain::programme::{ProgrammeType, QualificationLevel, SectorSubjectArea, StudyMode};
use onward_domain::role::Role;
use onward_domain::tracking::shipped_plans;
use onward_domain::tutor_group::TutorGroup;
use onward_domain::uln::Uln;
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::contacts::{
    NewContactAttempt, NewContactPoint, add_contact_point, record_contact_attempt,
};
use onward_storage::repo::destinations::append_destination;
use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
use onward_storage::repo::learners::insert_learner;
use onward_storage::repo::organisations::{NewOrganisation, create_organisation};
use onward_storage::repo::plans::install_plan;
use onward_storage::repo::programmes::{NewProgramme, create_programme};
use onward_storage::repo::tutor_groups::set_groups_of_tutor;
use onward_storage::repo::users::{NewUser, create_user};
use onward_storage::{Database, OrganisationId, StorageError, TrackingPlanId, UserId, Write};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// The password of every demo account (printed by `onward demo`).
pub const DEMO_PASSWORD: &str = "onward-demo-2026";

const SEED: u64 = 20_261_124;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("demo data is inconsistent: {0}")]
    Invalid(String),
}

impl From<onward_storage::DbErr> for DemoError {
    fn from(err: onward_storage::DbErr) -> Self {
        Self::Storage(StorageError::Db(err))
    }
}

fn invalid(err: impl std::fmt::Display) -> DemoError {
    DemoError::Invalid(err.to_string())
}

/// What was created, for the summary `onward demo` prints.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    pub organisations: Vec<DemoOrganisation>,
}

#[derive(Clone, Debug)]
pub struct DemoOrganisation {
    pub name: String,
    pub slug: String,
    pub learners: usize,
    /// One login per staff role: (role, email).
    pub logins: Vec<(Role, String)>,
}

struct OrganisationSpec {
    slug: &'static str,
    name: &'static str,
    kind: OrganisationKind,
    email_domain: &'static str,
    mis_prefix: &'static str,
    postcode_area: &'static str,
    plan_name_prefix: &'static str,
    cohorts: Vec<CohortSpec>,
}

struct CohortSpec {
    name: &'static str,
    /// The learners' tutor groups, dealt in turn; the demo tutor has the first.
    tutor_groups: &'static [&'static str],
    programme: NewProgramme,
    learners: usize,
    start: NaiveDate,
    planned_end: NaiveDate,
    results_day: Option<NaiveDate>,
    age_at_end: (i32, i32),
    early_leaver_rate: f64,
    /// Intended destinations with weights; recorded on `intended_as_of`.
    intended: &'static [(Cat, u32)],
    intended_as_of: NaiveDate,
    /// Actual destinations with weights; `None` means still not known.
    actual: &'static [(Option<Cat>, u32)],
    actual_as_of: NaiveDate,
    free_school_meals: bool,
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, DemoError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DemoError::Invalid(format!("bad date {y}-{m}-{d}")))
}

fn programme(
    title: &str,
    programme_type: ProgrammeType,
    level: QualificationLevel,
    ssa: SectorSubjectArea,
    mode: StudyMode,
    funding: &str,
) -> NewProgramme {
    NewProgramme {
        title: title.to_owned(),
        programme_type,
        level: Some(level),
        sector_subject_area: Some(ssa),
        mode,
        funding_stream: Some(funding.to_owned()),
    }
}

fn specs() -> Result<Vec<OrganisationSpec>, DemoError> {
    use Cat::*;
    Ok(vec![
        OrganisationSpec {
            slug: "northfield-academy",
            name: "Northfield Academy",
            kind: OrganisationKind::School,
            email_domain: "northfield.example",
            mis_prefix: "NFA",
            postcode_area: "LS",
            plan_name_prefix: "School leavers",
            cohorts: vec![
                CohortSpec {
                    name: "Year 11 leavers 2026",
                    tutor_groups: &["11A", "11B", "11C", "11D"],
                    programme: programme(
                        "Key Stage 4 (GCSE)",
                        ProgrammeType::Gcse,
                        QualificationLevel::Level1_2,
                        SectorSubjectArea::from_code("14").ok_or_else(|| invalid("SSA 14"))?,
                        StudyMode::FullTime,
                        "Pre-16",
                    ),
                    learners: 180,
                    start: date(2024, 9, 4)?,
                    planned_end: date(2026, 6, 26)?,
                    results_day: Some(date(2026, 8, 20)?),
                    age_at_end: (16, 16),
                    early_leaver_rate: 0.02,
                    intended: &[
                        (EducationSchoolSixthForm, 45),
                        (EducationFurtherFullTime, 30),
                        (Apprenticeship, 10),
                        (EducationSixthFormCollege, 8),
                        (NotKnown, 7),
                    ],
                    intended_as_of: date(2026, 3, 13)?,
                    actual: &[
                        (Some(EducationSchoolSixthForm), 40),
                        (Some(EducationFurtherFullTime), 28),
                        (Some(Apprenticeship), 8),
                        (Some(EducationSixthFormCollege), 7),
                        (Some(EmploymentPartTime), 2),
                        (Some(NeetSeeking), 5),
                        (Some(NeetNotAvailableIllness), 1),
                        (Some(MovedAway), 1),
                        (None, 8),
                    ],
                    actual_as_of: date(2026, 9, 18)?,
                    free_school_meals: true,
                },
                CohortSpec {
                    name: "Year 13 leavers 2026",
                    tutor_groups: &["13A", "13B"],
                    programme: programme(
                        "Sixth form A levels",
                        ProgrammeType::ALevel,
                        QualificationLevel::Level3,
                        SectorSubjectArea::from_code("2").ok_or_else(|| invalid("SSA 2"))?,
                        StudyMode::FullTime,
                        "16-19 study programme",
                    ),
                    learners: 120,
                    start: date(2024, 9, 4)?,
                    planned_end: date(2026, 6, 19)?,
                    results_day: Some(date(2026, 8, 13)?),
                    age_at_end: (18, 18),
                    early_leaver_rate: 0.05,
                    intended: &[
                        (EducationHigher, 55),
                        (Apprenticeship, 15),
                        (EmploymentFullTime, 12),
                        (GapYear, 8),
                        (NotKnown, 10),
                    ],
                    intended_as_of: date(2026, 3, 13)?,
                    actual: &[
                        (Some(EducationHigher), 50),
                        (Some(Apprenticeship), 13),
                        (Some(EmploymentFullTime), 14),
                        (Some(GapYear), 6),
                        (Some(EmploymentPartTime), 4),
                        (Some(NeetSeeking), 3),
                        (None, 10),
                    ],
                    actual_as_of: date(2026, 10, 2)?,
                    free_school_meals: true,
                },
            ],
        },
        OrganisationSpec {
            slug: "salt-training",
            name: "Salt Training Ltd",
            kind: OrganisationKind::Provider,
            email_domain: "salt-training.example",
            mis_prefix: "STL",
            postcode_area: "BD",
            plan_name_prefix: "Adult provider",
            cohorts: vec![
                CohortSpec {
                    name: "Skills Bootcamp: Digital Marketing, Spring 2026",
                    tutor_groups: &["DM1", "DM2"],
                    programme: programme(
                        "Skills Bootcamp in Digital Marketing",
                        ProgrammeType::SkillsBootcamp,
                        QualificationLevel::Level3,
                        SectorSubjectArea::from_code("6").ok_or_else(|| invalid("SSA 6"))?,
                        StudyMode::PartTime,
                        "Skills Bootcamps",
                    ),
                    learners: 70,
                    start: date(2026, 2, 2)?,
                    planned_end: date(2026, 5, 15)?,
                    results_day: None,
                    age_at_end: (19, 55),
                    early_leaver_rate: 0.12,
                    intended: &[
                        (EmploymentFullTime, 50),
                        (SelfEmployed, 15),
                        (EmploymentPartTime, 15),
                        (EducationFurtherPartTime, 10),
                        (NotKnown, 10),
                    ],
                    intended_as_of: date(2026, 5, 15)?,
                    actual: &[
                        (Some(EmploymentFullTime), 38),
                        (Some(EmploymentPartTime), 14),
                        (Some(SelfEmployed), 8),
                        (Some(EducationFurtherPartTime), 6),
                        (Some(NeetSeeking), 14),
                        (Some(NeetNotAvailableCaring), 3),
                        (None, 17),
                    ],
                    actual_as_of: date(2026, 8, 20)?,
                    free_school_meals: false,
                },
                CohortSpec {
                    name: "ESOL Entry 3, 2025-26",
                    tutor_groups: &["ESOL E3"],
                    programme: programme(
                        "ESOL Entry Level 3",
                        ProgrammeType::Esol,
                        QualificationLevel::Entry3,
                        SectorSubjectArea::from_code("12").ok_or_else(|| invalid("SSA 12"))?,
                        StudyMode::PartTime,
                        "Adult Skills Fund",
                    ),
                    learners: 70,
                    start: date(2025, 9, 15)?,
                    planned_end: date(2026, 6, 26)?,
                    results_day: None,
                    age_at_end: (19, 64),
                    early_leaver_rate: 0.15,
                    intended: &[
                        (EducationFurtherPartTime, 45),
                        (EmploymentPartTime, 20),
                        (Volunteering, 10),
                        (EmploymentFullTime, 10),
                        (NotKnown, 15),
                    ],
                    intended_as_of: date(2026, 6, 26)?,
                    actual: &[
                        (Some(EducationFurtherPartTime), 35),
                        (Some(EmploymentPartTime), 15),
                        (Some(Volunteering), 8),
                        (Some(EmploymentFullTime), 6),
                        (Some(NeetNotSeeking), 8),
                        (Some(NeetSeeking), 8),
                        (None, 20),
                    ],
                    actual_as_of: date(2026, 10, 5)?,
                    free_school_meals: false,
                },
                CohortSpec {
                    name: "Short courses, Summer 2026",
                    tutor_groups: &["SC1", "SC2"],
                    programme: programme(
                        "Food Safety and Customer Service (short course)",
                        ProgrammeType::ShortVocational,
                        QualificationLevel::Level2,
                        SectorSubjectArea::from_code("7").ok_or_else(|| invalid("SSA 7"))?,
                        StudyMode::PartTime,
                        "Adult Skills Fund",
                    ),
                    learners: 60,
                    start: date(2026, 6, 1)?,
                    planned_end: date(2026, 7, 24)?,
                    results_day: None,
                    age_at_end: (19, 60),
                    early_leaver_rate: 0.08,
                    intended: &[
                        (EmploymentFullTime, 35),
                        (EmploymentPartTime, 30),
                        (EducationFurtherPartTime, 15),
                        (NotKnown, 20),
                    ],
                    intended_as_of: date(2026, 7, 24)?,
                    actual: &[
                        (Some(EmploymentFullTime), 25),
                        (Some(EmploymentPartTime), 25),
                        (Some(NeetSeeking), 15),
                        (None, 35),
                    ],
                    actual_as_of: date(2026, 10, 26)?,
                    free_school_meals: false,
                },
            ],
        },
    ])
}

fn weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> Result<T, DemoError> {
    let total: u32 = choices.iter().map(|(_, weight)| weight).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (value, weight) in choices {
        if pick < *weight {
            return Ok(*value);
        }
        pick -= weight;
    }
    choices
        .first()
        .map(|(value, _)| *value)
        .ok_or_else(|| invalid("empty choice list"))
}

/// Creates both demo organisations in one transaction: on any failure nothing is left behind.
pub async fn seed(database: &Database, password_hash: &str) -> Result<DemoSummary, DemoError> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let txn = database.write_unattributed().await?;
    let mut organisations = Vec::new();
    for spec in specs()? {
        organisations.push(seed_organisation(&txn, &mut rng, &spec, password_hash).await?);
    }
    txn.commit().await?;
    Ok(DemoSummary { organisations })
}

async fn seed_organisation(
    txn: &Write,
    rng: &mut StdRng,
    spec: &OrganisationSpec,
    password_hash: &str,
) -> Result<DemoOrganisation, DemoError> {
    let organisation = create_organisation(
        txn,
        &NewOrganisation {
            slug: OrgSlug::parse(spec.slug).map_err(invalid)?,
            name: spec.name.to_owned(),
            kind: spec.kind,
            country: CountryCode::gb(),
        },
    )
    .await?;
    let org = organisation.id;
    let mut logins = Vec::new();
    let mut staff: Vec<(Role, UserId)> = Vec::new();
    for (role, local, name) in [
        (Role::Admin, "admin", "Alex Morgan"),
        (Role::ProgressionLead, "progression.lead", "Priya Shah"),
        (Role::IagAdviser, "iag.adviser", "Sam Okafor"),
        (Role::Tutor, "tutor", "Jo Whitfield"),
        (Role::QualityViewer, "quality", "Chris Lowe"),
        (Role::Partner, "partner", "Local Authority Youth Service"),
    ] {
        let email = format!("{local}@{}", spec.email_domain);
        let user = create_user(
            txn,
            org,
            &NewUser {
                email: EmailAddress::parse(&email).map_err(invalid)?,
                display_name: name.to_owned(),
                role,
                password_hash: password_hash.to_owned(),
            },
        )
        .await?;
        staff.push((role, user.id));
        logins.push((role, email));
        if role == Role::Tutor {
            // The demo tutor has the first group of each cohort, so their
            // pages show some learners and not others.
            let groups = spec
                .cohorts
                .iter()
                .filter_map(|cohort| cohort.tutor_groups.first())
                .map(|group| TutorGroup::parse(group).map_err(invalid))
                .collect::<Result<Vec<_>, _>>()?;
            set_groups_of_tutor(txn, org, user.id, &groups).await?;
        }
    }
    // The plans `onward org add` and the setup link install for this kind;
    // the demo's cohorts follow the one its spec names.
    let installed = onward_storage::repo::plans::install_shipped_plans(txn, org, spec.kind).await?;
    let plan_id = match installed
        .iter()
        .find(|(_, name)| name.starts_with(spec.plan_name_prefix))
    {
        Some((id, _)) => *id,
        None => {
            let plan = shipped_plans()
                .into_iter()
                .find(|plan| plan.name.starts_with(spec.plan_name_prefix))
                .ok_or_else(|| invalid(format!("no shipped plan named {}…", spec.plan_name_prefix)))?;
            install_plan(txn, org, &plan).await?
        }
    };
    let lead = staff
        .iter()
        .find(|(role, _)| *role == Role::ProgressionLead)
        .map(|(_, id)| *id);

    let mut learners = 0;
    let mut unknown = std::collections::HashSet::new();
    for cohort in &spec.cohorts {
        learners += seed_cohort(txn, rng, spec, org, plan_id, cohort, lead, learners, &mut unknown).await?;
    }
    // Intentions, September Guarantee offers, flags and referrals, as they stood
    // on a fixed day (so the same learners are referred every time).
    support::seed_support(txn, org, spec, &support::Staff::from(&staff), date(2026, 11, 20)?).await?;
    // The tasks the plan calls for, so "My work" shows due follow-ups at once.
    onward_storage::repo::tasks::generate_tasks(txn, org).await?;
    escalate_to_phone(txn, org, plan_id, &unknown, lead).await?;
    Ok(DemoOrganisation {
        name: organisation.name,
        slug: organisation.slug.to_string(),
        learners,
        logins,
    })
}

#[allow(clippy::too_many_arguments)]
async fn seed_cohort(
    txn: &Write,
    rng: &mut StdRng,
    spec: &OrganisationSpec,
    org: OrganisationId,
    plan: TrackingPlanId,
    cohort: &CohortSpec,
    lead: Option<UserId>,
    numbered_from: usize,
    unknown: &mut std::collections::HashSet<onward_storage::LearnerId>,
) -> Result<usize, DemoError> {
    let programme_id = create_programme(txn, org, &cohort.programme).await?;
    let cohort_id = create_cohort(
        txn,
        org,
        &NewCohort {
            name: cohort.name.to_owned(),
            tracking_plan: Some(plan),
            results_day: cohort.results_day,
        },
    )
    .await?;
    for index in 0..cohort.learners {
        let number = numbered_from + index + 1;
        let mut learner = new_learner(rng, spec, cohort, number)?;
        if let Some(group) = cohort.tutor_groups.get(index % cohort.tutor_groups.len().max(1)) {
            learner.tutor_group = Some(TutorGroup::parse(group).map_err(invalid)?);
        }
        let learner_id = insert_learner(txn, org, &learner).await?;
        let email = format!(
            "{}.{}{}@example.net",
            learner
                .given_name
                .as_str()
                .to_lowercase()
                .replace(['\'', ' '], ""),
            learner
                .family_name
                .as_str()
                .to_lowercase()
                .replace(['\'', ' '], ""),
            number
        );
        add_contact_point(
            txn,
            org,
            learner_id,
            &NewContactPoint {
                kind: ContactPointKind::Email,
                value: email,
                consent: rng.random_bool(0.9),
            },
        )
        .await?;
        // Ofcom's drama range: numbers that can never reach a real person.
        add_contact_point(
            txn,
            org,
            learner_id,
            &NewContactPoint {
                kind: ContactPointKind::Phone,
                value: format!("+447700900{:03}", rng.random_range(0..1000)),
                consent: rng.random_bool(0.85),
            },
        )
        .await?;

        let early_leaver = rng.random_bool(cohort.early_leaver_rate);
        let (status, actual_end) = if early_leaver {
            let span = (cohort.planned_end - cohort.start).num_days().max(2);
            let left = cohort.start + Duration::days(rng.random_range(1..span));
            (CompletionStatus::WithdrewEarly, Some(left))
        } else {
            (CompletionStatus::Completed, Some(cohort.planned_end))
        };
        insert_enrolment(
            txn,
            org,
            &NewEnrolment {
                learner: learner_id,
                programme: programme_id,
                cohort: cohort_id,
                dates: EnrolmentDates {
                    start: cohort.start,
                    planned_end: cohort.planned_end,
                    actual_end,
                },
                status,
            },
        )
        .await?;

        let intended = weighted(rng, cohort.intended)?;
        if intended != Cat::NotKnown {
            append_destination(
                txn,
                org,
                learner_id,
                &DestinationRecord {
                    kind: DestinationKind::Intended,
                    category: intended,
                    as_of: cohort.intended_as_of,
                    start_date: None,
                    end_date: None,
                    institution: None,
                    employer: None,
                    job_role: None,
                    hours_per_week: None,
                    sector: None,
                    course: None,
                    level: None,
                    source: DestinationSource::Staff,
                    verification: Verification::LearnerConfirmed,
                    notes: Some("Recorded at the exit / intentions review".to_owned()),
                },
                lead,
            )
            .await?;
        }
        let actual = weighted(rng, cohort.actual)?;
        if actual.is_none() {
            unknown.insert(learner_id);
        }
        seed_follow_up(txn, rng, org, learner_id, cohort, actual, lead).await?;
    }
    Ok(cohort.learners)
}

/// The mixed method's cheaper routes already tried: for the progression lead's
/// checkpoints that try email or SMS before the phone, the learners still not
/// known have had their emails and texts go unanswered, so their tasks wait
/// in the call queue (the 1 November demo cut-off keeps the demo the same
/// whatever day it is made).
async fn escalate_to_phone(
    txn: &Write,
    org: OrganisationId,
    plan: TrackingPlanId,
    unknown: &std::collections::HashSet<onward_storage::LearnerId>,
    lead: Option<UserId>,
) -> Result<(), DemoError> {
    use onward_storage::repo::calls::{open_tasks, record_task_attempt};
    let cut_off = date(2026, 11, 1)?;
    for stored in onward_storage::repo::plans::stored_plan(txn, org, plan)
        .await?
        .checkpoints
    {
        let point = &stored.checkpoint;
        let Some(phone_at) = point.channels.iter().position(|c| *c == ContactChannel::Phone) else {
            continue;
        };
        if point.responsible != Role::ProgressionLead || phone_at == 0 {
            continue;
        }
        for (task, due_on, learner) in open_tasks(txn, org, stored.id, cut_off).await? {
            if !unknown.contains(&learner) {
                continue;
            }
            let mut day = 0;
            for channel in &point.channels[..phone_at] {
                for _ in 0..point.max_attempts {
                    let at = Utc
                        .with_ymd_and_hms(due_on.year(), due_on.month(), due_on.day(), 9, 30, 0)
                        .single()
                        .ok_or_else(|| invalid("attempt time"))?
                        + Duration::days(day);
                    day += 3;
                    record_task_attempt(txn, org, task, *channel, ContactOutcome::NoAnswer, lead, at).await?;
                }
            }
        }
    }
    Ok(())
}

fn new_learner(
    rng: &mut StdRng,
    spec: &OrganisationSpec,
    cohort: &CohortSpec,
    number: usize,
) -> Result<NewLearner, DemoError> {
    let (given, sex) = if rng.random_bool(0.5) {
        (names::GIVEN_FEMALE.choose(rng), Sex::Female)
    } else {
        (names::GIVEN_MALE.choose(rng), Sex::Male)
    };
    let family = names::FAMILY.choose(rng);
    let age = rng.random_range(cohort.age_at_end.0..=cohort.age_at_end.1);
    let born = cohort.planned_end.year() - age - 1;
    let date_of_birth =
        NaiveDate::from_yo_opt(born, rng.random_range(1..=365)).or_else(|| NaiveDate::from_yo_opt(born, 1));
    let uln = loop {
        if let Some(uln) = Uln::from_first_nine(rng.random_range(100_000_000..=999_999_999)) {
            break uln;
        }
    };
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let postcode = format!(
        "{}{} {}{}{}",
        spec.postcode_area,
        rng.random_range(1..=29),
        rng.random_range(1..=9),
        char::from(letters[rng.random_range(0..letters.len())]),
        char::from(letters[rng.random_range(0..letters.len())]),
    );
    let ethnicity_code = weighted(
        rng,
        &[
            ("31", 70),
            ("39", 6),
            ("40", 8),
            ("44", 4),
            ("35", 3),
            ("34", 4),
            ("43", 2),
            ("99", 3),
        ],
    )?;
    Ok(NewLearner {
        uln: Some(uln),
        upn: None,
        mis_id: Some(format!("{}{:06}", spec.mis_prefix, number)),
        given_name: PersonName::parse(given.copied().unwrap_or("Sam")).map_err(invalid)?,
        family_name: PersonName::parse(family.copied().unwrap_or("Smith")).map_err(invalid)?,
        date_of_birth,
        sex: Some(sex),
        ethnicity: Ethnicity::from_code(ethnicity_code),
        lldd: Some(if rng.random_bool(0.14) {
            Lldd::Yes
        } else {
            Lldd::No
        }),
        free_school_meals: cohort.free_school_meals.then(|| rng.random_bool(0.22)),
        care_leaver: Some(rng.random_bool(0.02)),
        send: Some(rng.random_bool(0.12)),
        postcode: Some(postcode),
        preferred_language: None,
        tutor_group: None,
    })
}

/// Records the follow-up: contact attempts, and the actual destination when one was found.
async fn seed_follow_up(
    txn: &Write,
    rng: &mut StdRng,
    org: OrganisationId,
    learner: onward_storage::LearnerId,
    cohort: &CohortSpec,
    actual: Option<Cat>,
    lead: Option<UserId>,
) -> Result<(), DemoError> {
    let attempt_at = |day: NaiveDate, hour: u32| {
        Utc.with_ymd_and_hms(day.year(), day.month(), day.day(), hour, 15, 0)
            .single()
            .ok_or_else(|| invalid("attempt time"))
    };
    let Some(category) = actual else {
        // Not reached yet: a few failed tries on the record.
        for (offset, outcome) in [
            (0, ContactOutcome::NoAnswer),
            (7, ContactOutcome::Voicemail),
            (14, ContactOutcome::WrongNumber),
        ]
        .into_iter()
        .take(rng.random_range(1..=3))
        {
            record_contact_attempt(
                txn,
                org,
                &NewContactAttempt {
                    learner,
                    task: None,
                    channel: ContactChannel::Phone,
                    direction: ContactDirection::Outbound,
                    outcome,
                    notes: None,
                    user: lead,
                    attempted_at: attempt_at(cohort.actual_as_of + Duration::days(offset), 10)?,
                },
            )
            .await?;
        }
        return Ok(());
    };
    let source = *[
        DestinationSource::Phone,
        DestinationSource::Survey,
        DestinationSource::Staff,
        DestinationSource::SiblingPeer,
        DestinationSource::RollCall,
    ]
    .choose(rng)
    .ok_or_else(|| invalid("sources"))?;
    if source == DestinationSource::Phone {
        record_contact_attempt(
            txn,
            org,
            &NewContactAttempt {
                learner,
                task: None,
                channel: ContactChannel::Phone,
                direction: ContactDirection::Outbound,
                outcome: ContactOutcome::Reached,
                notes: Some("Spoke to the learner; destination confirmed.".to_owned()),
                user: lead,
                attempted_at: attempt_at(cohort.actual_as_of, 14)?,
            },
        )
        .await?;
    }
    let employed = matches!(
        category,
        Cat::EmploymentFullTime | Cat::EmploymentPartTime | Cat::Apprenticeship
    );
    let in_education = category.group() == onward_domain::destination::DestinationGroup::Education;
    let verification = match source {
        DestinationSource::Phone | DestinationSource::Survey => Verification::LearnerConfirmed,
        DestinationSource::RollCall => Verification::ThirdPartyConfirmed,
        _ => Verification::Unverified,
    };
    append_destination(
        txn,
        org,
        learner,
        &DestinationRecord {
            kind: DestinationKind::Actual,
            category,
            as_of: cohort.actual_as_of,
            start_date: Some(cohort.actual_as_of - Duration::days(rng.random_range(1..20))),
            end_date: None,
            institution: in_education.then(|| names::institution_for(category, rng).to_owned()),
            // Some employment records lack the employer: flagged incomplete, as in real returns.
            employer: (employed && rng.random_bool(0.85)).then(|| {
                names::EMPLOYERS
                    .choose(rng)
                    .copied()
                    .unwrap_or("Local employer")
                    .to_owned()
            }),
            job_role: None,
            hours_per_week: match category {
                Cat::EmploymentFullTime | Cat::Apprenticeship => Some(37),
                Cat::EmploymentPartTime => Some(rng.random_range(8..=24)),
                _ => None,
            },
            sector: None,
            course: None,
            level: None,
            source,
            verification,
            notes: None,
        },
        lead,
    )
    .await?;
    Ok(())
}
