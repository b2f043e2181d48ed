//! Demo intentions, September Guarantee offers, at-risk flags and referrals.
//! A separate RNG keeps the rest of the demo identical whatever is added here.

use chrono::{Duration, NaiveDate};
use onward_domain::destination::DestinationCategory as Cat;
use onward_domain::role::Role;
use onward_domain::support::{IntentionStage, OfferStatus, ReferralOutcome, ReferralType};
use onward_storage::repo::cohorts::list_cohorts;
use onward_storage::repo::guarantee::{NewOffer, record_offer};
use onward_storage::repo::intentions::{NewIntention, record_intention};
use onward_storage::repo::learner_search::{LearnerQuery, search_learners};
use onward_storage::repo::scope::LearnerScope;
use onward_storage::repo::support::{
    NewReferral, at_risk_in_cohort, close_referral, open_referral, raise_flag,
};
use onward_storage::{LearnerId, OrganisationId, UserId, Write};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::{CohortSpec, DemoError, OrganisationSpec, date, invalid, weighted};

const SEED: u64 = 20_261_126;

const ASPIRATIONS: &[&str] = &[
    "To become an electrician",
    "Work in digital marketing",
    "Train as a nurse",
    "Run my own business one day",
    "Veterinary nurse",
    "Software developer",
    "Chef in a good restaurant",
    "Teaching assistant, then a teacher",
    "Something with cars: mechanic",
    "Not sure yet; likes art and design",
];

const FLAG_REASONS: &[&str] = &[
    "Not attending since results day",
    "Says they have no plans and seems low",
    "Lost their job after two weeks",
    "Caring for a parent; may not take up the college place",
];

/// The staff the demo's support work is done by.
pub(super) struct Staff {
    pub adviser: Option<UserId>,
    pub tutor: Option<UserId>,
}

impl Staff {
    pub fn from(staff: &[(Role, UserId)]) -> Self {
        let find = |role| staff.iter().find(|(r, _)| *r == role).map(|(_, id)| *id);
        Self {
            adviser: find(Role::IagAdviser),
            tutor: find(Role::Tutor),
        }
    }
}

async fn cohort_learners(
    txn: &Write,
    org: OrganisationId,
    cohort: onward_storage::CohortId,
) -> Result<Vec<LearnerId>, DemoError> {
    let query = LearnerQuery {
        text: String::new(),
        cohort: Some(cohort),
        programme: None,
        status: None,
    };
    Ok(search_learners(txn, org, &LearnerScope::All, &query, None, 1000)
        .await?
        .into_iter()
        .map(|learner| learner.id)
        .collect())
}

/// Intentions at each stage for part of every cohort, offers for the Year 11
/// leavers (some with none), and flags and referrals for some at-risk learners.
pub(super) async fn seed_support(
    txn: &Write,
    org: OrganisationId,
    spec: &OrganisationSpec,
    staff: &Staff,
    today: NaiveDate,
) -> Result<(), DemoError> {
    let mut rng = StdRng::seed_from_u64(SEED ^ org.0.unsigned_abs());
    for summary in list_cohorts(txn, org).await? {
        let Some(cohort) = spec.cohorts.iter().find(|c| c.name == summary.name) else {
            continue;
        };
        let learners = cohort_learners(txn, org, summary.id).await?;
        seed_intentions(txn, &mut rng, org, cohort, &learners, staff).await?;
        if cohort.name.starts_with("Year 11") {
            seed_offers(txn, &mut rng, org, &learners, staff).await?;
        }
        // Staff concerns about a few learners who are otherwise fine on paper.
        for (learner, reason) in learners.iter().step_by(37).zip(FLAG_REASONS) {
            raise_flag(txn, org, *learner, reason, staff.tutor.or(staff.adviser)).await?;
        }
        seed_referrals(txn, &mut rng, org, summary.id, staff, today).await?;
    }
    Ok(())
}

async fn seed_intentions(
    txn: &Write,
    rng: &mut StdRng,
    org: OrganisationId,
    cohort: &CohortSpec,
    learners: &[LearnerId],
    staff: &Staff,
) -> Result<(), DemoError> {
    // Schools record intentions through Year 11/13 (the last year of a
    // two-year course); adult providers across the course.
    let first_year_end = cohort.start + Duration::days(365);
    let induction = if cohort.planned_end > first_year_end {
        first_year_end + Duration::days(10)
    } else {
        cohort.start + Duration::days(7)
    };
    let review = induction + (cohort.planned_end - induction) / 2;
    let exit = cohort.planned_end - Duration::days(5);
    for learner in learners.iter().take(learners.len() * 2 / 5) {
        let stages = match rng.random_range(0..10) {
            0..=3 => &[
                IntentionStage::Induction,
                IntentionStage::IlpReview,
                IntentionStage::Exit,
            ][..],
            4..=7 => &[IntentionStage::Induction, IntentionStage::IlpReview][..],
            _ => &[IntentionStage::Induction][..],
        };
        for stage in stages {
            let as_of = match stage {
                IntentionStage::Induction => induction,
                IntentionStage::IlpReview => review,
                IntentionStage::Exit => exit,
            };
            // Early on, more learners are undecided.
            let category = if *stage == IntentionStage::Induction && rng.random_bool(0.25) {
                Cat::NotKnown
            } else {
                weighted(rng, cohort.intended)?
            };
            record_intention(
                txn,
                org,
                *learner,
                &NewIntention {
                    stage: *stage,
                    category,
                    as_of,
                    place: None,
                    aspiration: rng
                        .random_bool(0.6)
                        .then(|| ASPIRATIONS.choose(rng).copied().unwrap_or("Undecided").to_owned()),
                    notes: None,
                },
                staff.tutor,
            )
            .await?;
        }
    }
    Ok(())
}

async fn seed_offers(
    txn: &Write,
    rng: &mut StdRng,
    org: OrganisationId,
    learners: &[LearnerId],
    staff: &Staff,
) -> Result<(), DemoError> {
    let places: &[(&str, &str)] = &[
        ("Northfield Academy Sixth Form", "A levels"),
        ("Leeds City College", "Level 2 Engineering"),
        ("Leeds City College", "Level 3 Health and Social Care"),
        ("Leeds College of Building", "Level 2 Electrical Installation"),
        ("Aire Logistics (apprenticeship)", "Level 2 Warehouse Operative"),
        ("Notre Dame Sixth Form College", "BTEC Applied Science"),
    ];
    for learner in learners {
        // (statuses recorded) — about one in eight ends up with no offer.
        let statuses: &[OfferStatus] = match rng.random_range(0..100) {
            0..=57 => &[OfferStatus::Applied, OfferStatus::Accepted],
            58..=72 => &[OfferStatus::Offered],
            73..=82 => &[OfferStatus::Applied],
            83..=87 => &[OfferStatus::Declined],
            88..=90 => &[OfferStatus::NoOffer],
            _ => &[],
        };
        let (provider, course) = places.choose(rng).copied().ok_or_else(|| invalid("places"))?;
        // An application that became an acceptance is one offer moved on: record the final status.
        if let Some(status) = statuses.last() {
            record_offer(
                txn,
                org,
                *learner,
                &NewOffer {
                    provider: provider.to_owned(),
                    course: Some(course.to_owned()),
                    status: *status,
                },
                staff.adviser,
            )
            .await?;
        }
    }
    Ok(())
}

async fn seed_referrals(
    txn: &Write,
    rng: &mut StdRng,
    org: OrganisationId,
    cohort: onward_storage::CohortId,
    staff: &Staff,
    today: NaiveDate,
) -> Result<(), DemoError> {
    let Some(adviser) = staff.adviser else {
        return Ok(());
    };
    let at_risk = at_risk_in_cohort(txn, org, &LearnerScope::All, cohort, today).await?;
    let types = [
        ReferralType::CareersGuidance,
        ReferralType::EmployabilityCoaching,
        ReferralType::FurtherTraining,
        ReferralType::MentalHealthSupport,
    ];
    for (index, learner) in at_risk.iter().take(5).enumerate() {
        let referral_type = *types.choose(rng).ok_or_else(|| invalid("types"))?;
        let follow_up_on = date(2026, 11, 16)? + Duration::days(i64::try_from(index * 6).unwrap_or(0));
        let id = open_referral(
            txn,
            org,
            learner.learner.id,
            &NewReferral {
                referral_type,
                owner: adviser,
                follow_up_on,
                notes: Some("Agreed with the learner at the follow-up call".to_owned()),
            },
            Some(adviser),
        )
        .await?;
        // The last two are already done with; the first ones are open (and
        // overdue) in My work.
        if index >= 3 {
            let outcome = [ReferralOutcome::Engaged, ReferralOutcome::NoResponse][index - 3];
            close_referral(
                txn,
                org,
                learner.learner.id,
                id,
                outcome,
                Some("Followed up by phone"),
                Some(adviser),
            )
            .await?;
        }
    }
    Ok(())
}
