//! Making a personal survey link: a 256-bit random token, of which only the
//! SHA-256 is stored, for one learner and one survey (its newest version), in
//! the language asked for, else the learner's, else the organisation's.

use chrono::{Duration, Utc};
use onward_storage::repo::surveys::{NewInvitation, create_invitation};
use onward_storage::{
    CheckpointId, ConnectionTrait, LearnerId, OrganisationId, StorageError, SurveyInvitationId, TaskId,
    UserId,
};
use onward_survey::supported_language;

/// A new link: its invitation and the token, shown once and never stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedLink {
    pub invitation: SurveyInvitationId,
    pub token: String,
    pub survey_name: String,
    pub survey_version: u32,
    pub language: &'static str,
}

impl IssuedLink {
    pub fn path(&self) -> String {
        link_path(&self.token)
    }
}

/// The path of a personal link.
pub fn link_path(token: &str) -> String {
    format!("/s/{token}")
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("there is no survey called \"{0}\" (see `onward survey list`)")]
    UnknownSurvey(String),
    #[error("\"{0}\" is not a survey language: use en-GB, cy, es, it, nl or et")]
    UnknownLanguage(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// What a link is for.
#[derive(Clone, Debug, Default)]
pub struct LinkRequest<'a> {
    pub survey: &'a str,
    pub language: Option<&'a str>,
    pub checkpoint: Option<CheckpointId>,
    pub task: Option<TaskId>,
    /// Days it works; `None` for the default (90).
    pub days: Option<u32>,
}

/// Makes a personal link for a learner of `org`.
pub async fn issue_link(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    learner: LearnerId,
    request: &LinkRequest<'_>,
    created_by: Option<UserId>,
) -> Result<IssuedLink, IssueError> {
    let catalogue = onward_survey::shipped().map_err(|error| StorageError::InvalidStoredValue {
        table: "surveys",
        column: "files",
        value: String::new(),
        reason: error.to_string(),
    })?;
    let survey = catalogue
        .newest(request.survey)
        .ok_or_else(|| IssueError::UnknownSurvey(request.survey.to_owned()))?;
    let person = onward_storage::repo::learners::learner(conn, org, learner).await?;
    let language = match request.language {
        Some(asked) => {
            supported_language(asked).ok_or_else(|| IssueError::UnknownLanguage(asked.to_owned()))?
        }
        None => {
            let organisation = onward_storage::repo::organisations::organisation(conn, org).await?;
            person
                .preferred_language
                .as_deref()
                .and_then(supported_language)
                .or_else(|| supported_language(&organisation.default_locale))
                .unwrap_or("en-GB")
        }
    };
    let token = crate::tokens::new_token();
    let days = request
        .days
        .map_or(onward_storage::repo::surveys::DEFAULT_LINK_DAYS, i64::from);
    let invitation = create_invitation(
        conn,
        org,
        &NewInvitation {
            learner,
            survey_name: survey.name.clone(),
            survey_version: survey.version,
            language: language.to_owned(),
            checkpoint: request.checkpoint,
            task: request.task,
            expires_at: Utc::now() + Duration::days(days),
        },
        &crate::tokens::token_hash(&token),
        created_by,
    )
    .await?;
    Ok(IssuedLink {
        invitation,
        token,
        survey_name: survey.name.clone(),
        survey_version: survey.version,
        language,
    })
}
