//! The learner survey site: `/s/{token}`, a personal link that opens a survey
//! with no account. Its own layout (`templates/survey/layout.html`, GOV.UK look,
//! a small stylesheet, no script), one page of questions at a time, answers
//! saved on every page (so a learner can stop and carry on from another
//! device), "check your answers", and a confirmation. A completed survey can
//! be viewed, not sent again. Unknown, expired and revoked links get the same
//! "this link does not work" page, and misses are rate-limited.

mod employer;
mod fixed;
pub mod limits;
mod links;
mod opt_out;
pub mod text;
mod views;

pub use links::{IssueError, IssuedLink, LinkRequest, issue_link, link_path};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::Utc;
use onward_domain::organisation::CountryCode;
use onward_storage::repo::surveys::{
    Completion, Invitation, LinkState, complete_survey, open_link, save_page,
};
use onward_storage::{Actor, StorageError};
use onward_survey::answers::{
    Answers, first_unfinished, next_page, outcome, parse_page, previous_page, route,
};
use onward_survey::{LANGUAGES, Survey, supported_language};
use serde::Deserialize;

use crate::AppState;
use crate::client::ClientAddress;
use views::{Chrome, QuestionView, SummaryRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/s/{token}", get(start))
        .route("/s/{token}/p/{page}", get(show_page).post(save))
        .route("/s/{token}/check", get(check).post(submit))
        .route("/s/{token}/done", get(done))
        .merge(opt_out::router())
        .merge(employer::router())
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// An open personal link: its invitation, survey, learner and language.
struct Link {
    token: String,
    invitation: Invitation,
    survey: &'static Survey,
    given_name: String,
    organisation_name: String,
    country: CountryCode,
    lang: &'static str,
    answers: Answers,
    saved: Vec<String>,
}

impl Link {
    fn chrome(&self, title: String) -> Chrome {
        Chrome::new(self.lang, title, &self.organisation_name, &self.base(), "")
    }

    /// The link's own address, `/s/<token>`.
    fn base(&self) -> String {
        format!("/s/{}", self.token)
    }

    /// An address on the site that keeps the page's language.
    fn href(&self, path: &str) -> String {
        format!("{}{path}?lang={}", self.base(), self.lang)
    }

    fn is_completed(&self) -> bool {
        self.invitation.state(Utc::now()) == LinkState::Completed
    }
}

/// What the visitor gets instead of a survey page.
enum Refused {
    /// The same page for unknown, expired and revoked links.
    NoLink(&'static str),
    TooMany(&'static str),
    Failed(&'static str, anyhow::Error),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        let (status, lang, title, body) = match self {
            Refused::NoLink(lang) => (
                StatusCode::NOT_FOUND,
                lang,
                "survey-site-no-link-title",
                "survey-site-no-link-body",
            ),
            Refused::TooMany(lang) => (
                StatusCode::TOO_MANY_REQUESTS,
                lang,
                "survey-site-no-link-title",
                "survey-site-too-many",
            ),
            Refused::Failed(lang, error) => {
                tracing::error!(error = ?error, "survey page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    "survey-site-problem-title",
                    "survey-site-problem-body",
                )
            }
        };
        let title = text::text(lang, title, &[]);
        let page = views::MessagePage {
            chrome: Chrome::new(lang, title.clone(), "", "", ""),
            heading: title,
            body: text::text(lang, body, &[]),
        };
        (status, page).into_response()
    }
}

impl From<StorageError> for Refused {
    fn from(error: StorageError) -> Self {
        Refused::Failed("en-GB", error.into())
    }
}

fn query_lang(query: &LangQuery) -> Option<&'static str> {
    query.lang.as_deref().and_then(supported_language)
}

async fn open(
    state: &AppState,
    client: std::net::IpAddr,
    token: &str,
    query: &LangQuery,
    allow: &[LinkState],
) -> Result<Link, Refused> {
    let asked = query_lang(query).unwrap_or(LANGUAGES[0]);
    let miss = |reason: &str| {
        tracing::info!(reason, client = %client, "survey link does not work");
        if state.survey_link_limits.miss(client) {
            Refused::NoLink(asked)
        } else {
            Refused::TooMany(asked)
        }
    };
    if !crate::tokens::is_plausible(token) {
        return Err(miss("malformed"));
    }
    let Some(opened) = open_link(state.database.conn(), &crate::tokens::token_hash(token)).await? else {
        return Err(miss("unknown"));
    };
    let invitation = opened.invitation;
    let link_state = invitation.state(Utc::now());
    if !allow.contains(&link_state) {
        return Err(match link_state {
            LinkState::Expired => miss("expired"),
            LinkState::Revoked => miss("revoked"),
            _ => Refused::NoLink(asked),
        });
    }
    let catalogue =
        onward_survey::shipped().map_err(|error| Refused::Failed(asked, anyhow::anyhow!("{error}")))?;
    let Some(survey) = catalogue.get(&invitation.survey_name, invitation.survey_version) else {
        tracing::error!(survey = %invitation.survey_name, version = invitation.survey_version, "an invitation names a survey this binary does not have");
        return Err(Refused::NoLink(asked));
    };
    let lang = query_lang(query)
        .or_else(|| supported_language(&invitation.language))
        .or_else(|| opened.learner_language.as_deref().and_then(supported_language))
        .or_else(|| supported_language(&opened.organisation_language))
        .unwrap_or(LANGUAGES[0]);
    let mut answers = Answers::new();
    let mut saved = Vec::with_capacity(opened.saved.len());
    for page in opened.saved {
        match serde_json::from_str::<Answers>(&page.answers_json) {
            Ok(page_answers) => answers.extend(page_answers),
            Err(error) => {
                tracing::warn!(%error, page = %page.page_id, "saved survey answers do not parse; ignored")
            }
        }
        saved.push(page.page_id);
    }
    Ok(Link {
        token: token.to_owned(),
        invitation,
        survey,
        given_name: opened.given_name,
        organisation_name: opened.organisation_name,
        country: opened.country,
        lang,
        answers,
        saved,
    })
}

/// A unit of work for the learner behind a link: no user, the client's address.
async fn learner_write(
    state: &AppState,
    organisation: onward_storage::OrganisationId,
    client: std::net::IpAddr,
) -> Result<onward_storage::Write, StorageError> {
    state
        .database
        .write(Actor {
            organisation,
            user: None,
            remote_addr: Some(client.to_string()),
        })
        .await
}

const OPEN_OR_DONE: &[LinkState] = &[LinkState::Open, LinkState::Completed];

/// The start page: the survey's introduction and consent wording, then
/// "Start now" (or "Carry on" where answers were saved). A completed survey
/// shows its answers instead.
async fn start(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, Refused> {
    let link = open(&state, client, &token, &query, OPEN_OR_DONE).await?;
    if link.is_completed() {
        return Ok(Redirect::to(&link.href("/done")).into_response());
    }
    let survey = link.survey;
    let resume = !link.saved.is_empty();
    let next = match first_unfinished(survey, &link.answers, &link.saved) {
        Some(index) => link.href(&format!("/p/{}", survey.pages[index].id)),
        None => link.href("/check"),
    };
    let title = survey.text(link.lang, &survey.title);
    let page = views::StartPage {
        chrome: link.chrome(title.clone()),
        heading: title,
        intro: survey.intro_for(link.lang, &link.given_name),
        consent: survey.text(link.lang, &survey.consent),
        resume,
        next,
    };
    Ok(page.into_response())
}

fn question_views(
    link: &Link,
    page_index: usize,
    values: &[(String, String)],
    problems: &[(String, String)],
) -> Vec<QuestionView> {
    link.survey.pages[page_index]
        .questions
        .iter()
        .map(|question| {
            let error = problems
                .iter()
                .find(|(id, _)| *id == question.id)
                .map(|(_, message)| message.clone());
            QuestionView::new(link.survey, question, link.lang, values, error)
        })
        .collect()
}

fn saved_values(link: &Link, page_index: usize) -> Vec<(String, String)> {
    link.survey.pages[page_index]
        .questions
        .iter()
        .filter_map(|question| {
            link.answers
                .get(&question.id)
                .map(|answer| onward_survey::answers::form_values(question, answer))
        })
        .flatten()
        .collect()
}

fn render_page(
    link: &Link,
    page_index: usize,
    values: &[(String, String)],
    problems: &[(String, String)],
) -> views::QuestionPage {
    let survey = link.survey;
    let page = &survey.pages[page_index];
    let title = survey.text(link.lang, &page.title);
    let questions = question_views(link, page_index, values, problems);
    let errors: Vec<(String, String)> = questions
        .iter()
        .filter_map(|question| {
            question
                .error
                .clone()
                .map(|error| (question.first_field_id(), error))
        })
        .collect();
    let mut chrome = link.chrome(title.clone());
    if !errors.is_empty() {
        chrome.title = format!(
            "{} {}",
            text::text(link.lang, "survey-site-error-prefix", &[]),
            chrome.title
        );
    }
    views::QuestionPage {
        chrome,
        heading: title,
        back: back_href(link, page_index),
        action: link.href(&format!("/p/{}", page.id)),
        errors,
        questions,
    }
}

/// The back link of a page: the page before it on the learner's route, else the start.
fn back_href(link: &Link, page_index: usize) -> String {
    match previous_page(link.survey, page_index, &link.answers) {
        Some(previous) => link.href(&format!("/p/{}", link.survey.pages[previous].id)),
        None => link.href(""),
    }
}

/// A page with the learner's saved answers and no errors: the page's fixed
/// HTML with their values written in, else the template.
fn show_saved(link: &Link, page_index: usize) -> Response {
    let values = saved_values(link, page_index);
    let filled = fixed::page(link.survey, page_index, link.lang).and_then(|page| {
        page.fill(&fixed::Filling {
            organisation: &link.organisation_name,
            back: &back_href(link, page_index),
            action: &link.href(&format!("/p/{}", link.survey.pages[page_index].id)),
            values: &values,
        })
    });
    match filled {
        Some(html) => axum::response::Html(html).into_response(),
        None => render_page(link, page_index, &values, &[]).into_response(),
    }
}

/// The page index of `page_id` if the learner's route (as their answers
/// decide it) passes through it.
fn on_route(link: &Link, page_id: &str) -> Option<usize> {
    let index = link.survey.page_index(page_id)?;
    route(link.survey, &link.answers)
        .contains(&index)
        .then_some(index)
}

async fn show_page(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path((token, page_id)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
) -> Result<Response, Refused> {
    let link = open(&state, client, &token, &query, OPEN_OR_DONE).await?;
    if link.is_completed() {
        return Ok(Redirect::to(&link.href("/done")).into_response());
    }
    let Some(index) = on_route(&link, &page_id) else {
        return Ok(Redirect::to(&link.href("")).into_response());
    };
    Ok(show_saved(&link, index))
}

async fn save(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path((token, page_id)): Path<(String, String)>,
    Query(query): Query<LangQuery>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, Refused> {
    let mut link = open(&state, client, &token, &query, OPEN_OR_DONE).await?;
    if link.is_completed() {
        return Ok(Redirect::to(&link.href("/done")).into_response());
    }
    let Some(index) = on_route(&link, &page_id) else {
        tracing::info!(page = %page_id, "answers to a page off the learner's route ignored");
        return Ok(Redirect::to(&link.href("")).into_response());
    };
    let today = Utc::now().date_naive();
    let submission = parse_page(&link.survey.pages[index], &fields, today, &link.country);
    if !submission.ignored.is_empty() {
        tracing::info!(fields = ?submission.ignored, page = %page_id, "survey fields that are not on this page ignored");
    }
    if !submission.problems.is_empty() {
        let problems: Vec<(String, String)> = submission
            .problems
            .iter()
            .map(|problem| {
                (
                    problem.question.clone(),
                    views::problem_message(link.survey, link.lang, problem),
                )
            })
            .collect();
        let page = render_page(&link, index, &fields, &problems);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let json = serde_json::to_string(&submission.answers)
        .map_err(|error| Refused::Failed(link.lang, error.into()))?;
    let org = link.invitation.organisation;
    let write = learner_write(&state, org, client).await?;
    let saved = save_page(&write, org, link.invitation.id, &page_id, &json).await?;
    write.commit().await?;
    if !saved {
        return Err(Refused::NoLink(link.lang));
    }
    // The page's questions take the new answers (a changed answer may change the route).
    for question in &link.survey.pages[index].questions {
        link.answers.remove(&question.id);
    }
    link.answers.extend(submission.answers);
    if !link.saved.contains(&page_id) {
        link.saved.push(page_id);
    }
    let next = match next_page(link.survey, index, &link.answers) {
        Some(next) if !link.saved.contains(&link.survey.pages[next].id) => {
            link.href(&format!("/p/{}", link.survey.pages[next].id))
        }
        // Changing an answer from "check your answers": go on to the first
        // page the new route still needs, else back to the check.
        _ => match first_unfinished(link.survey, &link.answers, &link.saved) {
            Some(unfinished) => link.href(&format!("/p/{}", link.survey.pages[unfinished].id)),
            None => link.href("/check"),
        },
    };
    Ok(Redirect::to(&next).into_response())
}

fn summary(link: &Link, with_changes: bool) -> Vec<SummaryRow> {
    let survey = link.survey;
    let mut rows = Vec::new();
    for index in route(survey, &link.answers) {
        let page = &survey.pages[index];
        for question in &page.questions {
            let answer = link
                .answers
                .get(&question.id)
                .map(|answer| onward_survey::answers::display(survey, question, answer, link.lang))
                .unwrap_or_else(|| vec![text::text(link.lang, "survey-site-check-not-answered", &[])]);
            rows.push(SummaryRow {
                key: survey.text(link.lang, &question.text),
                lines: answer,
                change: with_changes
                    .then(|| format!("{}#{}", link.href(&format!("/p/{}", page.id)), question.id)),
            });
        }
    }
    rows
}

/// Where a learner goes instead of "check your answers" (and instead of
/// sending): to the confirmation once the survey is sent, or to the first page
/// of their route still unanswered.
fn not_ready_to_check(link: &Link) -> Option<Response> {
    if link.is_completed() {
        return Some(Redirect::to(&link.href("/done")).into_response());
    }
    first_unfinished(link.survey, &link.answers, &link.saved).map(|unfinished| {
        Redirect::to(&link.href(&format!("/p/{}", link.survey.pages[unfinished].id))).into_response()
    })
}

async fn check(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, Refused> {
    let link = open(&state, client, &token, &query, OPEN_OR_DONE).await?;
    if let Some(elsewhere) = not_ready_to_check(&link) {
        return Ok(elsewhere);
    }
    let route_pages = route(link.survey, &link.answers);
    let last = route_pages.last().copied().unwrap_or(0);
    let title = text::text(link.lang, "survey-site-check-heading", &[]);
    let page = views::CheckPage {
        chrome: link.chrome(title.clone()),
        heading: title,
        back: link.href(&format!("/p/{}", link.survey.pages[last].id)),
        rows: summary(&link, true),
        action: link.href("/check"),
    };
    Ok(page.into_response())
}

async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, Refused> {
    let link = open(&state, client, &token, &query, OPEN_OR_DONE).await?;
    if let Some(elsewhere) = not_ready_to_check(&link) {
        return Ok(elsewhere);
    }
    let today = Utc::now().date_naive();
    let result = outcome(link.survey, &link.answers, today);
    if !result.ignored.is_empty() {
        tracing::info!(questions = ?result.ignored, survey = %link.survey.label(), "answers off the learner's route ignored");
    }
    let org = link.invitation.organisation;
    let write = learner_write(&state, org, client).await?;
    let completion = complete_survey(&write, org, link.invitation.id, &result, today).await?;
    match completion {
        Completion::Done { .. } => {
            write
                .audit("survey.completed", "survey_invitation", link.invitation.id.0)
                .await?;
            write.commit().await?;
            Ok(Redirect::to(&link.href("/done")).into_response())
        }
        // A double submit: the first wrote the records.
        Completion::AlreadyCompleted => Ok(Redirect::to(&link.href("/done")).into_response()),
        Completion::NotOpen => Err(Refused::NoLink(link.lang)),
    }
}

async fn done(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, Refused> {
    let link = open(&state, client, &token, &query, OPEN_OR_DONE).await?;
    if !link.is_completed() {
        return Ok(Redirect::to(&link.href("")).into_response());
    }
    let title = text::text(link.lang, "survey-site-done-title", &[]);
    let date = link
        .invitation
        .completed_at
        .map(|at| at.date_naive().format("%d/%m/%Y").to_string())
        .unwrap_or_default();
    let page = views::DonePage {
        chrome: link.chrome(title.clone()),
        heading: title,
        body: text::text(link.lang, "survey-site-done-body", &[]),
        viewing: text::text(link.lang, "survey-site-done-viewing", &[("date", &date)]),
        rows: summary(&link, false),
    };
    Ok(page.into_response())
}
