//! The employer's one-question page, `/e/{token}` (seed 000): "Does Sam Patel
//! work for you as an apprentice electrician since May 2026?" yes / no / not
//! sure. No sign-in: the single-use, expiring link's token is the authority
//! (as on the rest of the learner site, so no form token either). Unknown,
//! answered and expired links get the learner site's one "this link does not
//! work" page (404), and misses count against the same per-client limit.
//!
//! Employers get English or Welsh (the staff catalogues, `locales/{en-GB,cy}/
//! employer.ftl`): `?lang=cy` or the organisation's default language chooses.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Datelike;
use onward_storage::repo::employer_checks::{
    AnsweredCheck, EmployerAnswer, OpenEmployerCheck, answer_employer_check, open_employer_check,
};

use super::views::{Chrome, MessagePage};
use super::{LangQuery, Refused, learner_write, text};
use crate::AppState;
use crate::client::ClientAddress;

/// The employer page's languages.
const EMPLOYER_LANGUAGES: [&str; 2] = ["en-GB", "cy"];

/// The most an answer POST may carry (`answer=not_sure` and little else).
const MAX_BODY_BYTES: usize = 1024;

pub fn router() -> Router<AppState> {
    Router::new().route("/e/{token}", get(question).post(answer))
}

fn employer_lang(code: &str) -> Option<&'static str> {
    let primary = code.split(['-', '_']).next().unwrap_or_default();
    EMPLOYER_LANGUAGES
        .iter()
        .copied()
        .find(|lang| lang.eq_ignore_ascii_case(code) || lang.split('-').next() == Some(primary))
}

struct OpenCheck {
    check: OpenEmployerCheck,
    lang: &'static str,
    organisation_name: String,
}

impl OpenCheck {
    fn chrome(&self, title: String) -> Chrome {
        let mut chrome = Chrome::new(self.lang, title, &self.organisation_name, "", "");
        chrome
            .languages
            .retain(|language| EMPLOYER_LANGUAGES.contains(&language.code));
        chrome
    }

    fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        text::text(self.lang, key, args)
    }

    /// "May 2026" in the page's language.
    fn since(&self) -> String {
        let month = self.t(&format!("month-{}", self.check.since.month()), &[]);
        format!("{month} {}", self.check.since.year())
    }

    fn question(&self) -> String {
        let since = self.since();
        let mut args = vec![
            ("learner", self.check.learner_name.as_str()),
            ("since", since.as_str()),
        ];
        match &self.check.role {
            Some(role) => {
                args.push(("role", role.as_str()));
                self.t("employer-page-question", &args)
            }
            None => self.t("employer-page-question-no-role", &args),
        }
    }
}

async fn open(
    state: &AppState,
    client: std::net::IpAddr,
    token: &str,
    query: &LangQuery,
) -> Result<OpenCheck, Refused> {
    let asked = query.lang.as_deref().and_then(employer_lang);
    let conn = state.database.conn();
    let Some(check) = open_employer_check(conn, token).await? else {
        tracing::info!(client = %client, "employer confirmation link does not work");
        let lang = asked.unwrap_or(EMPLOYER_LANGUAGES[0]);
        return Err(if state.survey_link_limits.miss(client) {
            Refused::NoLink(lang)
        } else {
            Refused::TooMany(lang)
        });
    };
    let organisation = onward_storage::repo::organisations::organisation(conn, check.organisation).await?;
    let lang = asked
        .or_else(|| employer_lang(&organisation.default_locale))
        .unwrap_or(EMPLOYER_LANGUAGES[0]);
    Ok(OpenCheck {
        check,
        lang,
        organisation_name: organisation.name,
    })
}

/// One answer the page offers.
pub struct AnswerOption {
    pub value: &'static str,
    pub label: String,
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "survey/employer.html")]
struct QuestionPage {
    chrome: Chrome,
    heading: String,
    intro: String,
    legend: String,
    options: Vec<AnswerOption>,
    button: String,
    action: String,
    error: Option<String>,
}

fn question_page(open: &OpenCheck, token: &str, error: Option<String>) -> QuestionPage {
    let org = [("organisation", open.organisation_name.as_str())];
    let heading = open.t("employer-page-title", &[]);
    QuestionPage {
        chrome: open.chrome(heading.clone()),
        heading,
        intro: open.t("employer-page-intro", &org),
        legend: open.question(),
        options: EmployerAnswer::ALL
            .into_iter()
            .map(|answer| AnswerOption {
                value: answer.code(),
                label: open.t(&format!("employer-page-answer-{}", answer.code()), &[]),
            })
            .collect(),
        button: open.t("employer-page-send", &[]),
        action: format!("/e/{token}?lang={}", open.lang),
        error,
    }
}

async fn question(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
) -> Result<Response, Refused> {
    let open = open(&state, client, &token, &query).await?;
    Ok(question_page(&open, &token, None).into_response())
}

async fn answer(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    Path(token): Path<String>,
    Query(query): Query<LangQuery>,
    body: Bytes,
) -> Result<Response, Refused> {
    if body.len() > MAX_BODY_BYTES {
        return Ok(StatusCode::PAYLOAD_TOO_LARGE.into_response());
    }
    let open = open(&state, client, &token, &query).await?;
    let chosen = form_urlencoded::parse(&body)
        .find(|(name, _)| name == "answer")
        .and_then(|(_, value)| EmployerAnswer::from_code(&value));
    let Some(chosen) = chosen else {
        let error = open.t("employer-page-choose", &[]);
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            question_page(&open, &token, Some(error)),
        )
            .into_response());
    };
    let write = learner_write(&state, open.check.organisation, client).await?;
    match answer_employer_check(&write, &token, chosen).await? {
        AnsweredCheck::Recorded { .. } => write.commit().await?,
        // Answered by someone else a moment ago, or just expired.
        AnsweredCheck::Gone => return Err(Refused::NoLink(open.lang)),
    }
    let title = open.t("employer-page-thanks-title", &[]);
    Ok(MessagePage {
        chrome: open.chrome(title.clone()),
        heading: title,
        body: open.t(
            "employer-page-thanks-body",
            &[("organisation", open.organisation_name.as_str())],
        ),
    }
    .into_response())
}
