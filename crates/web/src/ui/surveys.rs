//! Staff side of the learner surveys: the list of shipped surveys with a
//! preview of any survey in any language; a cohort's response rates per
//! checkpoint; and on a learner's record their links (invitations) and
//! answers, "copy personal link" (the link is shown once), revoking a link,
//! and accepting or rejecting the contact details they proposed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use onward_storage::repo::learners::Learner;
use onward_storage::repo::surveys::{
    Decision, Invitation, LinkState, ProposedContactChange, ResponseCounts, cohort_response_counts,
    contact_changes_for_learner, decide_contact_change, invitations_for_learner, revoke_invitation,
    saved_pages,
};
use onward_storage::{CohortId, ContactChangeId, LearnerId, SurveyInvitationId};
use onward_survey::answers::{Answers, display, on_route};
use onward_survey::{LANGUAGES, Survey, language_name, supported_language};
use serde::Deserialize;

use crate::survey::{LinkRequest, issue_link};
use crate::ui::chrome::Chrome;
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    SurveyList => chrome.tr;
    SurveyPreview => chrome.tr;
    CohortSurveys => chrome.tr;
    LearnerSurveys => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/surveys", get(list))
        .route("/surveys/{name}", get(preview))
        .route("/cohorts/{id}/surveys", get(cohort))
        .route("/learners/{id}/surveys", get(learner))
        .route("/learners/{id}/survey-links", post(new_link))
        .route("/learners/{id}/survey-links/revoke", post(revoke))
        .route("/learners/{id}/contact-changes", post(decide))
}

fn catalogue() -> Result<&'static onward_survey::Catalogue, WebError> {
    onward_survey::shipped().map_err(|error| WebError::Internal(anyhow::anyhow!("survey files: {error}")))
}

pub struct LanguageChoice {
    pub code: &'static str,
    pub name: &'static str,
}

fn languages() -> Vec<LanguageChoice> {
    LANGUAGES
        .iter()
        .map(|code| LanguageChoice {
            code,
            name: language_name(code),
        })
        .collect()
}

pub struct SurveyRow {
    pub name: String,
    pub version: u32,
    pub purpose: &'static str,
    pub pages: usize,
    pub questions: usize,
    pub title: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "surveys/list.html")]
struct SurveyList {
    chrome: Chrome,
    surveys: Vec<SurveyRow>,
    languages: Vec<LanguageChoice>,
}

async fn list(staff: Staff) -> Result<SurveyList, WebError> {
    let chrome = staff.chrome("surveys").await?;
    let lang = chrome.tr.locale;
    let surveys = catalogue()?
        .latest()
        .into_iter()
        .map(|survey| SurveyRow {
            name: survey.name.clone(),
            version: survey.version,
            purpose: survey.purpose.code(),
            pages: survey.pages.len(),
            questions: survey.questions().count(),
            title: survey.text(lang, &survey.title),
        })
        .collect();
    Ok(SurveyList {
        chrome,
        surveys,
        languages: languages(),
    })
}

#[derive(Deserialize, Default)]
struct PreviewQuery {
    lang: Option<String>,
    version: Option<u32>,
}

pub struct PreviewQuestion {
    pub id: String,
    pub kind: &'static str,
    pub text: String,
    pub hint: Option<String>,
    pub required: bool,
    pub maps_to: &'static str,
    pub options: Vec<String>,
}

pub struct PreviewPage {
    pub id: String,
    pub title: String,
    pub questions: Vec<PreviewQuestion>,
    /// Where the page's rules lead: "(question = a, b) → page".
    pub routes: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "surveys/preview.html")]
struct SurveyPreview {
    chrome: Chrome,
    name: String,
    version: u32,
    language: &'static str,
    language_name: &'static str,
    title: String,
    intro: String,
    consent: String,
    pages: Vec<PreviewPage>,
    languages: Vec<LanguageChoice>,
}

async fn preview(
    staff: Staff,
    Path(name): Path<String>,
    Query(query): Query<PreviewQuery>,
) -> Result<SurveyPreview, WebError> {
    let catalogue = catalogue()?;
    let survey: &Survey = match query.version {
        Some(version) => catalogue.get(&name, version),
        None => catalogue.newest(&name),
    }
    .ok_or(WebError::NotFound)?;
    let chrome = staff.chrome("surveys").await?;
    let lang = query
        .lang
        .as_deref()
        .and_then(supported_language)
        .unwrap_or(chrome.tr.locale);
    let pages = survey
        .pages
        .iter()
        .map(|page| PreviewPage {
            id: page.id.clone(),
            title: survey.text(lang, &page.title),
            questions: page
                .questions
                .iter()
                .map(|question| PreviewQuestion {
                    id: question.id.clone(),
                    kind: question.kind.type_name(),
                    text: survey.text(lang, &question.text),
                    hint: question.hint.as_ref().map(|hint| survey.text(lang, hint)),
                    required: question.required,
                    maps_to: question.maps_to.map_or("", |target| target.name()),
                    options: question
                        .options
                        .iter()
                        .map(|option| survey.text(lang, &option.text))
                        .collect(),
                })
                .collect(),
            routes: page
                .next
                .iter()
                .map(|rule| match &rule.when {
                    Some(condition) => format!(
                        "{} = {} → {}",
                        condition.question,
                        condition.any_of.join(", "),
                        rule.page
                    ),
                    None => format!("→ {}", rule.page),
                })
                .collect(),
        })
        .collect();
    Ok(SurveyPreview {
        chrome,
        name: survey.name.clone(),
        version: survey.version,
        language: lang,
        language_name: language_name(lang),
        title: survey.text(lang, &survey.title),
        intro: survey.intro_for(lang, "Sam"),
        consent: survey.text(lang, &survey.consent),
        pages,
        languages: languages(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "surveys/cohort.html")]
struct CohortSurveys {
    chrome: Chrome,
    cohort_id: i64,
    cohort_name: String,
    rows: Vec<ResponseCounts>,
}

async fn cohort(staff: Staff, Path(id): Path<i64>) -> Result<CohortSurveys, WebError> {
    let cohort =
        onward_storage::repo::cohorts::cohort(staff.conn(), staff.organisation(), CohortId(id)).await?;
    let rows = cohort_response_counts(staff.conn(), staff.organisation(), cohort.id).await?;
    Ok(CohortSurveys {
        chrome: staff.chrome("cohorts").await?,
        cohort_id: cohort.id.0,
        cohort_name: cohort.name,
        rows,
    })
}

pub struct AnswerRow {
    pub question: String,
    pub answer: String,
}

pub struct InvitationView {
    pub id: i64,
    pub survey: String,
    pub language: String,
    pub state: &'static str,
    pub created: String,
    pub expires: String,
    pub started: String,
    pub completed: String,
    pub open: bool,
    pub answers: Vec<AnswerRow>,
}

pub struct ChangeView {
    pub id: i64,
    pub kind: String,
    pub value: String,
    pub proposed: String,
    pub decision: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "surveys/learner.html")]
struct LearnerSurveys {
    chrome: Chrome,
    learner: Learner,
    invitations: Vec<InvitationView>,
    changes: Vec<ChangeView>,
    surveys: Vec<(String, String)>,
    languages: Vec<LanguageChoice>,
    /// A link just made, shown once.
    new_link: Option<String>,
    no_public_url: bool,
}

fn day(at: Option<chrono::DateTime<Utc>>) -> String {
    at.map(|at| at.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

async fn invitation_view(staff: &Staff, invitation: Invitation) -> Result<InvitationView, WebError> {
    let state = match invitation.state(Utc::now()) {
        LinkState::Open if invitation.started_at.is_some() => "surveys-state-started",
        LinkState::Open => "surveys-state-open",
        LinkState::Completed => "surveys-state-completed",
        LinkState::Expired => "surveys-state-expired",
        LinkState::Revoked => "surveys-state-revoked",
    };
    let mut answers = Vec::new();
    if let Some(survey) = catalogue()?.get(&invitation.survey_name, invitation.survey_version) {
        let mut all = Answers::new();
        for page in saved_pages(staff.conn(), staff.organisation(), invitation.id).await? {
            if let Ok(page_answers) = serde_json::from_str::<Answers>(&page.answers_json) {
                all.extend(page_answers);
            }
        }
        let (kept, _) = on_route(survey, &all);
        for question in survey.questions() {
            if let Some(answer) = kept.get(&question.id) {
                answers.push(AnswerRow {
                    question: survey.text("en-GB", &question.text),
                    answer: display(survey, question, answer, "en-GB").join("; "),
                });
            }
        }
    }
    Ok(InvitationView {
        id: invitation.id.0,
        survey: format!("{} v{}", invitation.survey_name, invitation.survey_version),
        language: language_name(&invitation.language).to_owned(),
        state,
        created: day(Some(invitation.created_at)),
        expires: day(Some(invitation.expires_at)),
        started: day(invitation.started_at),
        completed: day(invitation.completed_at),
        open: invitation.state(Utc::now()) == LinkState::Open,
        answers,
    })
}

fn change_view(change: ProposedContactChange) -> ChangeView {
    ChangeView {
        id: change.id.0,
        kind: change.kind.label_key().to_owned(),
        value: change.value,
        proposed: day(Some(change.proposed_at)),
        decision: match change.decision {
            None => "",
            Some(Decision::Accepted) => "accepted",
            Some(Decision::Rejected) => "rejected",
        },
    }
}

async fn learner_page(
    staff: &Staff,
    learner: Learner,
    new_link: Option<String>,
) -> Result<LearnerSurveys, WebError> {
    let org = staff.organisation();
    let mut invitations = Vec::new();
    for invitation in invitations_for_learner(staff.conn(), org, learner.id).await? {
        invitations.push(invitation_view(staff, invitation).await?);
    }
    let changes = contact_changes_for_learner(staff.conn(), org, learner.id)
        .await?
        .into_iter()
        .map(change_view)
        .collect();
    let chrome = staff.chrome("learners").await?;
    let lang = chrome.tr.locale;
    let surveys = catalogue()?
        .latest()
        .into_iter()
        .map(|survey| (survey.name.clone(), survey.text(lang, &survey.title)))
        .collect();
    Ok(LearnerSurveys {
        chrome,
        learner,
        invitations,
        changes,
        surveys,
        languages: languages(),
        new_link,
        no_public_url: staff.state.config.public_url.is_none(),
    })
}

async fn learner(staff: Staff, Path(id): Path<i64>) -> Result<LearnerSurveys, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    staff
        .audit_view("learner.surveys_view", "learner", learner.id.0)
        .await?;
    learner_page(&staff, learner, None).await
}

#[derive(Deserialize, Default)]
struct LinkFields {
    #[serde(default)]
    survey: String,
    #[serde(default)]
    language: String,
}

async fn new_link(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<LinkFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let Some(public_url) = staff.state.config.public_url.clone() else {
        return Ok(learner_page(&staff, learner, None).await?.into_response());
    };
    let language = fields.language.trim();
    let write = staff.write().await?;
    let issued = issue_link(
        &write,
        staff.organisation(),
        learner.id,
        &LinkRequest {
            survey: fields.survey.trim(),
            language: (!language.is_empty()).then_some(language),
            days: Some(staff.state.config.survey_link_days),
            ..LinkRequest::default()
        },
        Some(staff.user.id),
    )
    .await
    .map_err(|error| match error {
        crate::survey::IssueError::Storage(error) => WebError::Storage(error),
        _ => WebError::BadRequest("surveys-choose-survey"),
    })?;
    write
        .audit("survey.link_created", "survey_invitation", issued.invitation.0)
        .await?;
    write.commit().await?;
    let link = public_url.join(&issued.path());
    // Shown once, on this response; never stored or logged.
    Ok(learner_page(&staff, learner, Some(link)).await?.into_response())
}

#[derive(Deserialize, Default)]
struct RevokeFields {
    #[serde(default)]
    invitation: String,
}

async fn revoke(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<RevokeFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let invitation = fields
        .invitation
        .trim()
        .parse::<i64>()
        .map(SurveyInvitationId)
        .map_err(|_| WebError::BadRequest("surveys-choose-link"))?;
    let write = staff.write().await?;
    if revoke_invitation(&write, staff.organisation(), learner.id, invitation).await? {
        write
            .audit("survey.link_revoked", "survey_invitation", invitation.0)
            .await?;
        write.commit().await?;
    }
    Ok(Redirect::to(&format!("/learners/{}/surveys", learner.id)).into_response())
}

#[derive(Deserialize, Default)]
struct DecideFields {
    #[serde(default)]
    change: String,
    #[serde(default)]
    decision: String,
}

async fn decide(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<DecideFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let change = fields
        .change
        .trim()
        .parse::<i64>()
        .map(ContactChangeId)
        .map_err(|_| WebError::BadRequest("surveys-choose-change"))?;
    let decision = match fields.decision.as_str() {
        "accept" => Decision::Accepted,
        "reject" => Decision::Rejected,
        _ => return Err(WebError::BadRequest("surveys-choose-change")),
    };
    let write = staff.write().await?;
    if decide_contact_change(
        &write,
        staff.organisation(),
        learner.id,
        change,
        decision,
        Some(staff.user.id),
    )
    .await?
    .is_some()
    {
        let action = match decision {
            Decision::Accepted => "learner.contact_change_accepted",
            Decision::Rejected => "learner.contact_change_rejected",
        };
        write.audit(action, "learner", learner.id.0).await?;
        write.commit().await?;
    }
    Ok(Redirect::to(&format!("/learners/{}/surveys", learner.id)).into_response())
}
