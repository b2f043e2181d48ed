//! Employer corroboration (seed 000): with the learner's consent, the employer
//! named on an employment or apprenticeship record is emailed a single-use,
//! expiring link (`/e/{token}`: 256 random bits, only the SHA-256 stored in
//! `employer_checks`) to a page asking whether the learner works for them.
//! "Yes" upgrades the record's verification to confirmed by a third party,
//! with the employer named as the source in the upgrade's evidence (the
//! upgrade history keeps it); "no" and "not sure" are kept for staff to follow
//! up. Every step is audited in the same unit of work.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use onward_domain::destination::Verification;
use onward_domain::email::EmailAddress;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::destinations::{VerifyError, stored_destination, verify_destination};
use super::{decode, now};
use crate::entities::{employer_check, survey_consent};
use crate::link_tokens::{is_plausible, new_token, token_hash};
use crate::repo::tenant::TenantScoped;
use crate::{DestinationRecordId, LearnerId, OrganisationId, Result, StorageError, UserId, Write};

/// How long an employer's link works.
pub const EMPLOYER_CHECK_DAYS: i64 = 30;

/// What an employer answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmployerAnswer {
    Yes,
    No,
    NotSure,
}

impl EmployerAnswer {
    pub const ALL: [EmployerAnswer; 3] = [Self::Yes, Self::No, Self::NotSure];

    pub fn code(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
            Self::NotSure => "not_sure",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|answer| answer.code() == code)
    }
}

impl std::str::FromStr for EmployerAnswer {
    type Err = String;
    fn from_str(code: &str) -> std::result::Result<Self, String> {
        Self::from_code(code).ok_or_else(|| format!("not an employer answer: {code}"))
    }
}

/// Why an employer check was not made.
#[derive(Debug, thiserror::Error)]
pub enum EmployerCheckError {
    /// The record is not employment or an apprenticeship, or names no employer.
    #[error("the destination record names no employer")]
    NoEmployer,
    /// The learner's latest answer to the contact consent is not "yes", or
    /// they have opted out.
    #[error("the learner has not consented to being contacted about their destination")]
    NoConsent,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Whether the learner's consent allows asking their employer. Onward keeps
/// no consent specific to employers yet, so the check is the learner's own
/// answer to the survey's contact consent (`survey_consents`, kind
/// `contact`): the latest one must be "yes", and the learner must not have
/// opted out since.
pub async fn employer_contact_allowed(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<bool> {
    if super::opt_outs::is_opted_out(conn, org, learner).await? {
        return Ok(false);
    }
    let latest = survey_consent::Entity::find_in(org)
        .filter(survey_consent::Column::LearnerId.eq(learner.0))
        .filter(survey_consent::Column::Kind.eq("contact"))
        .order_by_desc(survey_consent::Column::RecordedAt)
        .order_by_desc(survey_consent::Column::Id)
        .one(conn)
        .await?;
    Ok(latest.is_some_and(|consent| consent.given))
}

/// A check just made: the token is returned once and never stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedEmployerCheck {
    pub id: i64,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl IssuedEmployerCheck {
    /// The link's path, to join to the public URL: `/e/<token>`.
    pub fn path(&self) -> String {
        format!("/e/{}", self.token)
    }
}

/// Makes an employer check for a record of a learner of the write's
/// organisation, in the caller's unit of work (audited
/// `destination.employer_check_requested`; the caller commits and then
/// sends the email).
pub async fn request_employer_check(
    write: &Write,
    learner: LearnerId,
    record: DestinationRecordId,
    employer_email: &EmailAddress,
    requested_by: Option<UserId>,
) -> std::result::Result<IssuedEmployerCheck, EmployerCheckError> {
    let org = write.organisation()?;
    let stored = stored_destination(write, org, learner, record).await?;
    if !stored.record.category.is_employment() || stored.record.employer.is_none() {
        return Err(EmployerCheckError::NoEmployer);
    }
    if !employer_contact_allowed(write, org, learner).await? {
        return Err(EmployerCheckError::NoConsent);
    }
    let token = new_token();
    let created_at = now();
    let expires_at = created_at + Duration::days(EMPLOYER_CHECK_DAYS);
    let model = employer_check::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner.0),
        destination_record_id: Set(record.0),
        token_hash: Set(token_hash(&token)),
        employer_email: Set(employer_email.as_str().to_owned()),
        requested_by: Set(requested_by.map(|user| user.0)),
        created_at: Set(created_at),
        expires_at: Set(expires_at),
        answered_at: Set(None),
        answer: Set(None),
        ..Default::default()
    }
    .insert(write)
    .await
    .map_err(StorageError::from)?;
    write
        .audit_detail(
            "destination.employer_check_requested",
            "learner",
            learner.0,
            format!("record {record}; check {}", model.id),
        )
        .await?;
    Ok(IssuedEmployerCheck {
        id: model.id,
        token,
        expires_at,
    })
}

/// Removes a check whose email the mail server refused, so the learner record
/// does not show it as sent; audited (`destination.employer_check_not_sent`)
/// in the caller's unit of work.
pub async fn remove_unsent_employer_check(write: &Write, learner: LearnerId, id: i64) -> Result<()> {
    let org = write.organisation()?;
    let removed = employer_check::Entity::delete_many()
        .filter(employer_check::Entity::in_org(org))
        .filter(employer_check::Column::Id.eq(id))
        .filter(employer_check::Column::LearnerId.eq(learner.0))
        .filter(employer_check::Column::AnsweredAt.is_null())
        .exec(write)
        .await?
        .rows_affected;
    if removed > 0 {
        write
            .audit_detail(
                "destination.employer_check_not_sent",
                "learner",
                learner.0,
                format!("check {id}"),
            )
            .await?;
    }
    Ok(())
}

/// An employer check whose link still works (unanswered, not expired), with
/// what its page asks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEmployerCheck {
    pub id: i64,
    pub organisation: OrganisationId,
    pub learner: LearnerId,
    pub record: DestinationRecordId,
    pub learner_name: String,
    pub employer: String,
    pub role: Option<String>,
    /// The start date, or the record's as-of date when no start was recorded.
    pub since: NaiveDate,
    pub preferred_language: Option<String>,
}

/// The working check whose token is `token`; `None` for an unknown, answered
/// or expired one (the caller answers all three the same way).
pub async fn open_employer_check(
    conn: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<OpenEmployerCheck>> {
    if !is_plausible(token) {
        return Ok(None);
    }
    let Some(model) = employer_check::Entity::find()
        .filter(employer_check::Column::TokenHash.eq(token_hash(token)))
        .filter(employer_check::Column::AnsweredAt.is_null())
        .filter(employer_check::Column::ExpiresAt.gt(now()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let org = OrganisationId(model.organisation_id);
    let learner_id = LearnerId(model.learner_id);
    let learner = super::learners::learner(conn, org, learner_id).await?;
    let stored = stored_destination(
        conn,
        org,
        learner_id,
        DestinationRecordId(model.destination_record_id),
    )
    .await?;
    let Some(employer) = stored.record.employer.clone() else {
        return Ok(None);
    };
    Ok(Some(OpenEmployerCheck {
        id: model.id,
        organisation: org,
        learner: learner_id,
        record: stored.id,
        learner_name: format!("{} {}", learner.given_name, learner.family_name),
        employer,
        role: stored.record.job_role.clone(),
        since: stored.record.start_date.unwrap_or(stored.record.as_of),
        preferred_language: learner.preferred_language,
    }))
}

/// What answering did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnsweredCheck {
    /// Recorded; for "yes", whether the record's verification was upgraded
    /// (it is not when it was already as strong or stronger).
    Recorded { verified: bool },
    /// The link no longer works (answered meanwhile, expired, unknown).
    Gone,
}

/// Records the employer's answer through a working link, in the caller's
/// unit of work. The first statement claims the check (a conditional stamp
/// of `answered_at`), so of two answers at once only one counts.
pub async fn answer_employer_check(
    write: &Write,
    token: &str,
    answer: EmployerAnswer,
) -> Result<AnsweredCheck> {
    let org = write.organisation()?;
    if !is_plausible(token) {
        return Ok(AnsweredCheck::Gone);
    }
    let at = now();
    let hash = token_hash(token);
    let claimed = employer_check::Entity::update_many()
        .col_expr(employer_check::Column::AnsweredAt, Expr::value(at))
        .col_expr(employer_check::Column::Answer, Expr::value(answer.code()))
        .filter(employer_check::Entity::in_org(org))
        .filter(employer_check::Column::TokenHash.eq(hash.clone()))
        .filter(employer_check::Column::AnsweredAt.is_null())
        .filter(employer_check::Column::ExpiresAt.gt(at))
        .exec(write)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Ok(AnsweredCheck::Gone);
    }
    let model = employer_check::Entity::find_in(org)
        .filter(employer_check::Column::TokenHash.eq(hash))
        .one(write)
        .await?
        .ok_or_else(|| StorageError::not_found("employer check"))?;
    let learner = LearnerId(model.learner_id);
    let record = DestinationRecordId(model.destination_record_id);
    let mut verified = false;
    if answer == EmployerAnswer::Yes {
        let evidence = format!(
            "Confirmed by the employer ({}) through the employer confirmation link",
            model.employer_email
        );
        match verify_destination(
            write,
            org,
            learner,
            record,
            Verification::ThirdPartyConfirmed,
            &evidence,
            None,
        )
        .await
        {
            Ok(_) => verified = true,
            Err(VerifyError::NotStronger { .. }) => {}
            Err(VerifyError::Storage(err)) => return Err(err),
        }
    }
    write
        .audit_detail(
            "destination.employer_answered",
            "learner",
            learner.0,
            format!(
                "record {record}; check {}; answer {}{}",
                model.id,
                answer.code(),
                if verified { "; verified" } else { "" }
            ),
        )
        .await?;
    Ok(AnsweredCheck::Recorded { verified })
}

/// One employer check of a learner, for the learner record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmployerCheck {
    pub id: i64,
    pub record: DestinationRecordId,
    pub employer_email: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer: Option<EmployerAnswer>,
}

/// A learner's employer checks, newest first.
pub async fn employer_checks_for_learner(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
) -> Result<Vec<EmployerCheck>> {
    employer_check::Entity::find_in(org)
        .filter(employer_check::Column::LearnerId.eq(learner.0))
        .order_by_desc(employer_check::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok(EmployerCheck {
                id: model.id,
                record: DestinationRecordId(model.destination_record_id),
                employer_email: model.employer_email,
                created_at: model.created_at,
                expires_at: model.expires_at,
                answered_at: model.answered_at,
                answer: model
                    .answer
                    .as_deref()
                    .map(|code| decode("employer_checks", "answer", code))
                    .transpose()?,
            })
        })
        .collect()
}
