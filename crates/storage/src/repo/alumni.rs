//! The alumni list and success stories (issue 15; seeds 003 and 004).
//!
//! A learner is on the organisation's alumni list when their latest alumni
//! answer (`survey_alumni.opt_in`, written when they complete a survey) is
//! "yes", their latest contact consent (`survey_consents`, kind `contact`)
//! is not "no", they have not opted out and their record is not erased.
//!
//! A story a learner submits is shown nowhere until staff approve it: the
//! moderation list shows every story; approving needs the learner's
//! permission to publish (`survey_alumni.publish`); an edit is kept beside the
//! learner's own words; withdrawing hides it again. Each step is audited in
//! the same unit of work.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Utc};
use onward_domain::destination::DestinationCategory;
use onward_domain::programme::SectorSubjectArea;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{decode, decode_opt, now};
use crate::entities::{
    contact_point, destination_record, enrolment, learner, programme, survey_alumni, survey_consent,
};
use crate::repo::tenant::TenantScoped;
use crate::{LearnerId, OrganisationId, ProgrammeId, Result, StorageError, UserId, Write};

/// Which alumni to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlumniFilter {
    pub programme: Option<ProgrammeId>,
    /// The year the learner left a programme (an enrolment's actual end).
    pub leaving_year: Option<i32>,
    /// The sector of their current job or course when recorded, else of a
    /// programme they studied.
    pub sector: Option<SectorSubjectArea>,
}

/// One member of the alumni list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlumniMember {
    pub learner: LearnerId,
    pub given_name: String,
    pub family_name: String,
    /// The programmes they studied, by title.
    pub programmes: Vec<String>,
    /// The latest year they left a programme.
    pub leaving_year: Option<i32>,
    pub sector: Option<SectorSubjectArea>,
    pub current: Option<DestinationCategory>,
    pub employer: Option<String>,
    /// A valid email address they consented to be contacted at, if any.
    pub email: Option<String>,
    pub opted_in_at: DateTime<Utc>,
}

/// What the filters can offer: the values present on the list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlumniChoices {
    pub programmes: Vec<(ProgrammeId, String)>,
    pub years: Vec<i32>,
    pub sectors: Vec<SectorSubjectArea>,
}

struct Enrolled {
    programme: ProgrammeId,
    left: Option<i32>,
}

/// The alumni list of `org` with the values its filters offer, sorted by
/// family then given name. The whole list is read (an organisation's alumni
/// are hundreds or a few thousands); callers page it.
pub async fn alumni(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    filter: &AlumniFilter,
) -> Result<(Vec<AlumniMember>, AlumniChoices)> {
    // Latest alumni answer per learner.
    let mut latest: HashMap<i64, survey_alumni::Model> = HashMap::new();
    for row in survey_alumni::Entity::find_in(org)
        .filter(survey_alumni::Column::OptIn.is_not_null())
        .order_by_asc(survey_alumni::Column::RecordedAt)
        .order_by_asc(survey_alumni::Column::Id)
        .all(conn)
        .await?
    {
        latest.insert(row.learner_id, row);
    }
    let mut contact_consent: HashMap<i64, bool> = HashMap::new();
    for row in survey_consent::Entity::find_in(org)
        .filter(survey_consent::Column::Kind.eq("contact"))
        .order_by_asc(survey_consent::Column::RecordedAt)
        .order_by_asc(survey_consent::Column::Id)
        .all(conn)
        .await?
    {
        contact_consent.insert(row.learner_id, row.given);
    }
    let opted_in: Vec<i64> = latest
        .values()
        .filter(|row| row.opt_in == Some(true))
        .filter(|row| contact_consent.get(&row.learner_id) != Some(&false))
        .map(|row| row.learner_id)
        .collect();
    if opted_in.is_empty() {
        return Ok((Vec::new(), AlumniChoices::default()));
    }
    let learners = learner::Entity::find_in(org)
        .filter(learner::Column::Id.is_in(opted_in.clone()))
        .filter(learner::Column::OptedOutAt.is_null())
        .filter(learner::Column::ErasedAt.is_null())
        .all(conn)
        .await?;
    let programmes: HashMap<i64, programme::Model> = programme::Entity::find_in(org)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| (model.id, model))
        .collect();
    let mut enrolled: HashMap<i64, Vec<Enrolled>> = HashMap::new();
    for row in enrolment::Entity::find_in(org)
        .filter(enrolment::Column::LearnerId.is_in(opted_in.clone()))
        .order_by_asc(enrolment::Column::StartDate)
        .all(conn)
        .await?
    {
        enrolled.entry(row.learner_id).or_default().push(Enrolled {
            programme: ProgrammeId(row.programme_id),
            left: row.actual_end_date.map(|date| date.year()),
        });
    }
    // The latest actual record per learner (as `current_destination` reads it).
    let mut current: HashMap<i64, destination_record::Model> = HashMap::new();
    for row in destination_record::Entity::find_in(org)
        .filter(destination_record::Column::LearnerId.is_in(opted_in.clone()))
        .filter(destination_record::Column::Kind.eq("actual"))
        .order_by_asc(destination_record::Column::AsOf)
        .order_by_asc(destination_record::Column::Id)
        .all(conn)
        .await?
    {
        current.insert(row.learner_id, row);
    }
    let mut emails: HashMap<i64, String> = HashMap::new();
    for row in contact_point::Entity::find_in(org)
        .filter(contact_point::Column::LearnerId.is_in(opted_in))
        .filter(contact_point::Column::Kind.eq("email"))
        .filter(contact_point::Column::Consent.eq(true))
        .filter(contact_point::Column::Valid.eq(true))
        .order_by_desc(contact_point::Column::Id)
        .all(conn)
        .await?
    {
        emails.insert(row.learner_id, row.value);
    }

    let mut choices_programmes = BTreeSet::new();
    let mut choices_years = BTreeSet::new();
    let mut choices_sectors = BTreeSet::new();
    let mut members = Vec::new();
    for model in learners {
        let enrolments = enrolled.remove(&model.id).unwrap_or_default();
        let record = current.get(&model.id);
        let destination_sector = record
            .and_then(|record| record.sector.as_deref())
            .map(|code| decode::<SectorSubjectArea>("destination_records", "sector", code))
            .transpose()?;
        let mut programme_sector = None;
        let mut titles = Vec::new();
        for enrolment in &enrolments {
            if let Some(programme) = programmes.get(&enrolment.programme.0) {
                titles.push(programme.title.clone());
                choices_programmes.insert((programme.title.clone(), enrolment.programme));
                if programme_sector.is_none() {
                    programme_sector = decode_opt(
                        "programmes",
                        "sector_subject_area",
                        programme.sector_subject_area.as_deref(),
                    )?;
                }
            }
        }
        let sector = destination_sector.or(programme_sector);
        let leaving_year = enrolments.iter().filter_map(|e| e.left).max();
        choices_years.extend(enrolments.iter().filter_map(|e| e.left));
        if let Some(sector) = sector {
            choices_sectors.insert(sector.code());
        }
        let matches = filter
            .programme
            .is_none_or(|wanted| enrolments.iter().any(|e| e.programme == wanted))
            && filter
                .leaving_year
                .is_none_or(|year| enrolments.iter().any(|e| e.left == Some(year)))
            && filter.sector.is_none_or(|wanted| sector == Some(wanted));
        if !matches {
            continue;
        }
        let opted_in_at = latest
            .get(&model.id)
            .map(|row| row.recorded_at)
            .ok_or_else(|| StorageError::not_found("alumni answer"))?;
        members.push(AlumniMember {
            learner: LearnerId(model.id),
            given_name: model.given_name,
            family_name: model.family_name,
            programmes: titles,
            leaving_year,
            sector,
            current: record
                .map(|record| decode("destination_records", "category", &record.category))
                .transpose()?,
            employer: record.and_then(|record| record.employer.clone()),
            email: emails.remove(&model.id),
            opted_in_at,
        });
    }
    members.sort_by(|a, b| {
        (
            a.family_name.to_lowercase(),
            a.given_name.to_lowercase(),
            a.learner.0,
        )
            .cmp(&(
                b.family_name.to_lowercase(),
                b.given_name.to_lowercase(),
                b.learner.0,
            ))
    });
    let choices = AlumniChoices {
        programmes: choices_programmes
            .into_iter()
            .map(|(title, id)| (id, title))
            .collect(),
        years: choices_years.into_iter().rev().collect(),
        sectors: choices_sectors
            .into_iter()
            .filter_map(SectorSubjectArea::from_code)
            .collect(),
    };
    Ok((members, choices))
}

/// Records a learner's alumni answer given outside a survey (told to staff,
/// or a test's fixture): the same row a completed survey writes.
pub async fn record_alumni_answer(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner_id: LearnerId,
    opt_in: Option<bool>,
    story: Option<&str>,
    publish: Option<bool>,
) -> Result<i64> {
    super::learners::learner(conn, org, learner_id).await?;
    let model = survey_alumni::ActiveModel {
        organisation_id: Set(org.0),
        learner_id: Set(learner_id.0),
        invitation_id: Set(None),
        opt_in: Set(opt_in),
        story: Set(story.map(str::to_owned)),
        publish: Set(publish),
        recorded_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(model.id)
}

// ------------------------------------------------------------- success stories

/// Where a story stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoryStatus {
    Pending,
    Approved,
    Withdrawn,
}

impl StoryStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Withdrawn => "withdrawn",
        }
    }

    fn from_stored(code: Option<&str>) -> Result<Self> {
        match code {
            None | Some("pending") => Ok(Self::Pending),
            Some("approved") => Ok(Self::Approved),
            Some("withdrawn") => Ok(Self::Withdrawn),
            Some(other) => Err(StorageError::InvalidStoredValue {
                table: "survey_alumni",
                column: "story_status",
                value: other.to_owned(),
                reason: "not a story status".to_owned(),
            }),
        }
    }
}

/// A success story as submitted and as moderated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Story {
    pub id: i64,
    pub learner: LearnerId,
    pub learner_name: String,
    /// The learner's own words.
    pub submitted: String,
    /// What is shown once approved: the edit if there is one, else the submitted words.
    pub text: String,
    pub edited: bool,
    /// Whether the learner agreed to the story being published.
    pub may_publish: bool,
    pub status: StoryStatus,
    pub submitted_at: DateTime<Utc>,
    pub moderated_at: Option<DateTime<Utc>>,
    pub moderated_by: Option<UserId>,
}

/// The stories of `org`, newest first; with `status`, only those.
pub async fn stories(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    status: Option<StoryStatus>,
) -> Result<Vec<Story>> {
    let rows = survey_alumni::Entity::find_in(org)
        .filter(survey_alumni::Column::Story.is_not_null())
        .order_by_desc(survey_alumni::Column::RecordedAt)
        .order_by_desc(survey_alumni::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|row| row.learner_id).collect();
    let learners: HashMap<i64, learner::Model> = learner::Entity::find_in(org)
        .filter(learner::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|model| (model.id, model))
        .collect();
    let mut out = Vec::new();
    for row in rows {
        let Some(submitted) = row.story.clone().filter(|story| !story.trim().is_empty()) else {
            continue;
        };
        let Some(person) = learners.get(&row.learner_id) else {
            continue;
        };
        // An erased or opted-out learner's story is shown nowhere, not even for moderation.
        if person.erased_at.is_some() {
            continue;
        }
        let story_status = StoryStatus::from_stored(row.story_status.as_deref())?;
        if status.is_some_and(|wanted| wanted != story_status) {
            continue;
        }
        if story_status == StoryStatus::Approved && person.opted_out_at.is_some() {
            continue;
        }
        out.push(Story {
            id: row.id,
            learner: LearnerId(row.learner_id),
            learner_name: format!("{} {}", person.given_name, person.family_name),
            text: row.story_text.clone().unwrap_or_else(|| submitted.clone()),
            edited: row.story_text.is_some(),
            submitted,
            may_publish: row.publish == Some(true),
            status: story_status,
            submitted_at: row.recorded_at,
            moderated_at: row.moderated_at,
            moderated_by: row.moderated_by.map(UserId),
        });
    }
    Ok(out)
}

/// Whether `org` has a story `id`.
pub async fn story_exists(conn: &impl ConnectionTrait, org: OrganisationId, id: i64) -> Result<bool> {
    Ok(survey_alumni::Entity::find_in(org)
        .filter(survey_alumni::Column::Id.eq(id))
        .filter(survey_alumni::Column::Story.is_not_null())
        .one(conn)
        .await?
        .is_some())
}

/// What staff do to a story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Moderation {
    /// Show it, with this text (the learner's words or an edit of them).
    Approve { text: String },
    /// Change the text; the status stays.
    Edit { text: String },
    /// Show it nowhere.
    Withdraw,
}

/// Why a moderation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    /// The learner did not agree to the story being published.
    #[error("the learner did not agree to their story being published")]
    NoPermissionToPublish,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Moderates story `id` of the write's organisation, audited
/// (`story.approved`, `story.edited`, `story.withdrawn`); the caller commits.
pub async fn moderate_story(
    write: &Write,
    id: i64,
    moderation: &Moderation,
    by: Option<UserId>,
) -> std::result::Result<(), ModerationError> {
    let org = write.organisation()?;
    let row = survey_alumni::Entity::find_in(org)
        .filter(survey_alumni::Column::Id.eq(id))
        .filter(survey_alumni::Column::Story.is_not_null())
        .one(write)
        .await
        .map_err(StorageError::from)?
        .ok_or_else(|| StorageError::not_found(format!("story {id}")))?;
    let submitted = row.story.clone().unwrap_or_default();
    // An edit that gives back the learner's words keeps no separate text.
    let edit = |text: &str| (text != submitted).then(|| text.to_owned());
    let (action, status, text) = match moderation {
        Moderation::Approve { text } => {
            if row.publish != Some(true) {
                return Err(ModerationError::NoPermissionToPublish);
            }
            ("story.approved", Some(StoryStatus::Approved), Some(edit(text)))
        }
        Moderation::Edit { text } => ("story.edited", None, Some(edit(text))),
        Moderation::Withdraw => ("story.withdrawn", Some(StoryStatus::Withdrawn), None),
    };
    let mut update = survey_alumni::Entity::update_many()
        .col_expr(survey_alumni::Column::ModeratedAt, Expr::value(now()))
        .col_expr(
            survey_alumni::Column::ModeratedBy,
            Expr::value(by.map(|user| user.0)),
        )
        .filter(survey_alumni::Entity::in_org(org))
        .filter(survey_alumni::Column::Id.eq(id));
    if let Some(status) = status {
        update = update.col_expr(survey_alumni::Column::StoryStatus, Expr::value(status.code()));
    }
    if let Some(text) = text {
        update = update.col_expr(survey_alumni::Column::StoryText, Expr::value(text));
    }
    update.exec(write).await.map_err(StorageError::from)?;
    write
        .audit_detail(action, "learner", row.learner_id, format!("story {id}"))
        .await?;
    Ok(())
}
