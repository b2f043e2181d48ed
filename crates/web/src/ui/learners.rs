//! Learners: search, the learner record (one timeline of everything known),
//! and adding contact details. Every view of a named record is audited.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use onward_domain::contact::ContactPointKind;
use onward_domain::email::EmailAddress;
use onward_domain::enrolment::CompletionStatus;
use onward_domain::organisation::CountryCode;
use onward_domain::phone::PhoneNumber;
use onward_storage::repo::cohorts::{CohortName, cohort_names};
use onward_storage::repo::contacts::{
    ContactPoint, NewContactPoint, add_contact_point, contact_attempts, contact_points,
};
use onward_storage::repo::destinations::destination_history;
use onward_storage::repo::enrolments::{EnrolmentView, enrolments_for_learner};
use onward_storage::repo::learner_search::{LearnerQuery, LearnerSummary, PageAfter, search_learners};
use onward_storage::repo::learners::Learner;
use onward_storage::repo::organisations::organisation;
use onward_storage::repo::programmes::{Programme, list_programmes};
use onward_storage::{CohortId, LearnerId, ProgrammeId};
use serde::Deserialize;

use super::chrome::{Chrome, FieldError};
use super::staff::{CsrfForm, Staff};
use crate::ui::form_errors::FormErrors;
use crate::{AppState, WebError};

super::chrome::localised! {
    SearchPage => chrome.tr;
    LearnerPage => chrome.tr;
    ContactForm => chrome.tr;
}

const PAGE_SIZE: u64 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/learners", get(search))
        .route("/learners/{id}", get(show_learner))
        .route("/learners/{id}/contacts/new", get(new_contact))
        .route("/learners/{id}/contacts", post(create_contact))
}

#[derive(Deserialize, Default)]
struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    cohort: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    programme: String,
    /// Keyset cursor: "<id>:<search key>" of the last row of the previous page.
    #[serde(default)]
    after: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "learners/learners.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    cohort: Option<CohortId>,
    programme: Option<ProgrammeId>,
    status: Option<CompletionStatus>,
    cohorts: Vec<CohortName>,
    programmes: Vec<Programme>,
    statuses: &'static [CompletionStatus],
    learners: Vec<LearnerSummary>,
    next_page: Option<String>,
    first_page: bool,
}

impl SearchPage {
    /// The query string of the next page, keeping the search and filters.
    fn next_href(&self) -> Option<String> {
        let after = self.next_page.as_ref()?;
        let mut params = vec![("q", self.q.clone()), ("after", after.clone())];
        if let Some(cohort) = self.cohort {
            params.push(("cohort", cohort.to_string()));
        }
        if let Some(programme) = self.programme {
            params.push(("programme", programme.to_string()));
        }
        if let Some(status) = self.status {
            params.push(("status", status.code().to_owned()));
        }
        Some(format!("/learners?{}", encode_query(&params)))
    }
}

fn encode_query(params: &[(&str, String)]) -> String {
    params
        .iter()
        .map(|(key, value)| format!("{key}={}", percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

async fn search(staff: Staff, Query(params): Query<SearchParams>) -> Result<SearchPage, WebError> {
    let conn = staff.conn();
    let cohort = params.cohort.trim().parse::<i64>().ok().map(CohortId);
    let status = CompletionStatus::from_code(params.status.trim());
    let programme = params.programme.trim().parse::<i64>().ok().map(ProgrammeId);
    let after = params.after.split_once(':').and_then(|(id, key)| {
        Some(PageAfter {
            id: LearnerId(id.parse().ok()?),
            search_name: key.to_owned(),
        })
    });
    let query = LearnerQuery {
        text: params.q.chars().take(100).collect(),
        cohort,
        programme,
        status,
    };
    let mut learners = search_learners(
        conn,
        staff.organisation(),
        &staff.scope,
        &query,
        after.as_ref(),
        PAGE_SIZE + 1,
    )
    .await?;
    let next_page = if learners.len() as u64 > PAGE_SIZE {
        learners.truncate(PAGE_SIZE as usize);
        learners
            .last()
            .map(|last| format!("{}:{}", last.id, last.search_name))
    } else {
        None
    };
    // A list of named learners is a view of each of them: who searched for
    // what, and which learners the page showed.
    let shown: Vec<String> = learners.iter().map(|l| l.id.to_string()).collect();
    staff
        .audit_list_view(
            "learner.search",
            "organisation",
            staff.organisation().0,
            search_audit_detail(&query, &shown),
        )
        .await?;
    Ok(SearchPage {
        cohorts: cohort_names(conn, staff.organisation()).await?,
        programmes: list_programmes(conn, staff.organisation()).await?,
        chrome: staff.chrome("learners").await?,
        q: query.text,
        cohort,
        programme,
        status,
        statuses: CompletionStatus::ALL,
        learners,
        next_page,
        first_page: after.is_none(),
    })
}

/// What the audit trail keeps of a search: the text and filters, and the ids
/// of the learners shown (at most a page of them).
fn search_audit_detail(query: &LearnerQuery, shown: &[String]) -> String {
    // Control characters (a NUL in a crafted URL) are not kept in the trail.
    let text: String = query.text.chars().filter(|c| !c.is_control()).collect();
    let mut detail = format!("q=\"{text}\"");
    if let Some(cohort) = query.cohort {
        detail.push_str(&format!(" cohort={cohort}"));
    }
    if let Some(programme) = query.programme {
        detail.push_str(&format!(" programme={programme}"));
    }
    if let Some(status) = query.status {
        detail.push_str(&format!(" status={}", status.code()));
    }
    detail.push_str(&format!("; shown: {}", shown.join(" ")));
    detail
}

/// One dated line of the learner's timeline.
struct TimelineEvent {
    date: NaiveDate,
    title: String,
    detail: String,
    tag: String,
    /// The destination record the line shows, for its "correct" and "verify" links.
    record: Option<onward_storage::DestinationRecordId>,
    /// A job or apprenticeship with an employer: offer "Ask the employer to confirm".
    ask_employer: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "learners/learner.html")]
struct LearnerPage {
    chrome: Chrome,
    learner: Learner,
    contacts: Vec<ContactPoint>,
    enrolments: Vec<EnrolmentView>,
    current: Option<String>,
    timeline: Vec<TimelineEvent>,
    support: super::support::LearnerSupport,
    /// The day the learner asked not to be contacted again.
    opted_out: Option<NaiveDate>,
    /// The newest employer answer that was not "yes", for staff to follow up.
    employer_follow_up: Option<String>,
    /// The campaigns of the learner's cohorts and what they sent them.
    campaigns: Vec<super::learner_campaigns::LearnerCampaign>,
    /// After "Send now": whether it was sent, and the banner's text.
    campaign_banner: Option<(bool, String)>,
}

/// What "Send now" reports back to the learner's record.
#[derive(Deserialize, Default)]
struct RecordQuery {
    #[serde(default)]
    sent_now: Option<i64>,
    #[serde(default)]
    step: Option<u32>,
    #[serde(default)]
    send_now_refused: Option<i64>,
}

async fn show_learner(
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<RecordQuery>,
) -> Result<LearnerPage, WebError> {
    let conn = staff.conn();
    let org = staff.organisation();
    let learner = staff.learner(LearnerId(id)).await?;
    staff.audit_view("learner.view", "learner", learner.id.0).await?;
    let enrolments = enrolments_for_learner(conn, org, learner.id).await?;
    let destinations = destination_history(conn, org, learner.id).await?;
    let attempts = contact_attempts(conn, org, learner.id).await?;
    let chrome = staff.chrome("learners").await?;
    let tr = &chrome.tr;
    let current = onward_domain::destination::current_destination(destinations.iter().map(|d| &d.record))
        .map(|record| tr.t(record.category.label_key()));
    let support = super::support::learner_support(&staff, tr, learner.id, &destinations).await?;
    let stages = onward_storage::repo::intentions::intention_stages(conn, org, learner.id).await?;

    let mut timeline = Vec::new();
    for enrolment in &enrolments {
        timeline.push(TimelineEvent {
            date: enrolment.dates.start,
            title: tr.t_with("timeline-started", &[("programme", &enrolment.programme_title)]),
            detail: tr.t_with("timeline-cohort", &[("cohort", &enrolment.cohort_name)]),
            tag: tr.t("timeline-tag-enrolment"),
            record: None,
            ask_employer: false,
        });
        if let Some(end) = enrolment.dates.actual_end {
            timeline.push(TimelineEvent {
                date: end,
                title: tr.t_with("timeline-left", &[("programme", &enrolment.programme_title)]),
                detail: tr.t(enrolment.status.label_key()),
                tag: tr.t("timeline-tag-enrolment"),
                record: None,
                ask_employer: false,
            });
        }
    }
    for stored in &destinations {
        let record = &stored.record;
        let mut detail = vec![
            tr.t_with("timeline-source", &[("source", &tr.t(record.source.label_key()))]),
            tr.t_with(
                "timeline-verification",
                &[("verification", &tr.t(record.verification.label_key()))],
            ),
        ];
        for (key, value) in [
            ("timeline-institution", &record.institution),
            ("timeline-employer", &record.employer),
            ("timeline-job-role", &record.job_role),
            ("timeline-course", &record.course),
        ] {
            if let Some(value) = value {
                detail.push(tr.t_with(key, &[("value", value)]));
            }
        }
        if let Some(level) = record.level {
            detail.push(format!("Level: {}", level.label()));
        }
        if let Some(sector) = record.sector {
            detail.push(format!("Sector: {}", sector.label()));
        }
        if let Some(hours) = record.hours_per_week {
            detail.push(format!("Hours a week: {hours}"));
        }
        if let Some(notes) = &record.notes {
            detail.push(notes.clone());
        }
        if let Some(earlier) = stored
            .corrects
            .and_then(|id| destinations.iter().find(|d| d.id == id))
        {
            detail.push(format!(
                "Corrects: {} as of {}",
                earlier.record.category.label(),
                earlier.record.as_of.format("%d/%m/%Y")
            ));
        }
        // An intention need not name the employer yet; a recorded job should.
        if record.is_incomplete() && record.kind == onward_domain::destination::DestinationKind::Actual {
            detail.push(tr.t("timeline-incomplete"));
        }
        timeline.push(TimelineEvent {
            date: record.as_of,
            title: tr.t(record.category.label_key()),
            detail: detail.join(". "),
            tag: match stages.get(&stored.id) {
                Some(stage) => tr.t(stage.label_key()),
                None if record.kind == onward_domain::destination::DestinationKind::Intended => {
                    tr.t("timeline-tag-intended")
                }
                None => tr.t("timeline-tag-destination"),
            },
            record: Some(stored.id),
            ask_employer: record.category.is_employment() && record.employer.is_some(),
        });
    }
    for upgrade in onward_storage::repo::destinations::verification_upgrades(conn, org, learner.id).await? {
        let Some(stored) = destinations.iter().find(|d| d.id == upgrade.record) else {
            continue;
        };
        timeline.push(TimelineEvent {
            date: upgrade.verified_at.date_naive(),
            title: tr.t_with(
                "timeline-verified",
                &[
                    ("category", &tr.t(stored.record.category.label_key())),
                    ("from", &tr.t(upgrade.from.label_key())),
                    ("to", &tr.t(upgrade.to.label_key())),
                ],
            ),
            detail: upgrade.evidence.clone(),
            tag: tr.t("timeline-tag-verification"),
            record: None,
            ask_employer: false,
        });
    }
    let checks =
        onward_storage::repo::employer_checks::employer_checks_for_learner(conn, org, learner.id).await?;
    let mut employer_follow_up = None;
    for check in &checks {
        let Some(stored) = destinations.iter().find(|d| d.id == check.record) else {
            continue;
        };
        let answer = check
            .answer
            .map(|answer| tr.t(&format!("employer-answer-{}", answer.code())));
        let detail = match &answer {
            Some(answer) => tr.t_with(
                "timeline-employer-check-answered",
                &[("email", &check.employer_email), ("answer", answer)],
            ),
            None => {
                let date = check.expires_at.format("%d/%m/%Y").to_string();
                let key = if check.expires_at <= chrono::Utc::now() {
                    "timeline-employer-check-expired"
                } else {
                    "timeline-employer-check-waiting"
                };
                tr.t_with(key, &[("email", &check.employer_email), ("date", &date)])
            }
        };
        if employer_follow_up.is_none()
            && let (Some(answer), Some(code)) = (&answer, check.answer)
            && code != onward_storage::repo::employer_checks::EmployerAnswer::Yes
        {
            employer_follow_up = Some(tr.t_with("employer-check-follow-up", &[("answer", answer)]));
        }
        timeline.push(TimelineEvent {
            date: check.answered_at.unwrap_or(check.created_at).date_naive(),
            title: tr.t_with(
                "timeline-employer-check-asked",
                &[("category", &tr.t(stored.record.category.label_key()))],
            ),
            detail,
            tag: tr.t("timeline-tag-employer-check"),
            record: None,
            ask_employer: false,
        });
    }
    for attempt in &attempts {
        let attempt = &attempt.attempt;
        timeline.push(TimelineEvent {
            date: attempt.attempted_at.date_naive(),
            title: format!(
                "{}: {}",
                tr.t(attempt.channel.label_key()),
                tr.t(attempt.outcome.label_key())
            ),
            detail: attempt.notes.clone().unwrap_or_default(),
            tag: tr.t("timeline-tag-contact-attempt"),
            record: None,
            ask_employer: false,
        });
    }
    timeline.sort_by_key(|event| std::cmp::Reverse(event.date));
    let campaigns = super::learner_campaigns::learner_campaigns(&staff, &chrome, learner.id).await?;
    let campaign_banner =
        super::learner_campaigns::banner(&chrome, query.sent_now, query.step, query.send_now_refused);

    Ok(LearnerPage {
        campaigns,
        campaign_banner,
        opted_out: onward_storage::repo::calls::opted_out_at(conn, org, learner.id)
            .await?
            .map(|at| at.date_naive()),
        contacts: contact_points(conn, org, learner.id).await?,
        chrome,
        learner,
        enrolments,
        current,
        timeline,
        support,
        employer_follow_up,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "learners/contact_form.html")]
struct ContactForm {
    chrome: Chrome,
    learner: Learner,
    kinds: &'static [ContactPointKind],
    kind: String,
    value: String,
    consent: bool,
    errors: FormErrors,
}

impl ContactForm {}

async fn new_contact(staff: Staff, Path(id): Path<i64>) -> Result<ContactForm, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    Ok(ContactForm {
        chrome: staff.chrome("learners").await?,
        learner,
        kinds: ContactPointKind::ALL,
        kind: String::new(),
        value: String::new(),
        consent: false,
        errors: FormErrors::new(),
    })
}

#[derive(Deserialize)]
struct ContactFields {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    consent: Option<String>,
}

/// Parses the form into a contact point, or the messages to show.
fn parse_contact(fields: &ContactFields, country: &CountryCode) -> Result<NewContactPoint, FormErrors> {
    let Some(kind) = ContactPointKind::from_code(fields.kind.trim()) else {
        return Err(FormErrors::from(FieldError {
            field: "kind",
            message: "validation-contact-kind".to_owned(),
        }));
    };
    let value = fields.value.trim();
    let parsed = match kind {
        _ if value.is_empty() => Err("validation-contact-value".to_owned()),
        ContactPointKind::Email => EmailAddress::parse(value)
            .map(|email| email.as_str().to_owned())
            .map_err(|_| "validation-email".to_owned()),
        ContactPointKind::Phone => PhoneNumber::parse(value, country)
            .map(|phone| phone.as_str().to_owned())
            .map_err(|_| "validation-phone".to_owned()),
        ContactPointKind::Address if value.chars().count() > 500 => {
            Err("validation-address-too-long".to_owned())
        }
        ContactPointKind::Address => Ok(value.to_owned()),
    };
    parsed
        .map(|value| NewContactPoint {
            kind,
            value,
            consent: fields.consent.is_some(),
        })
        .map_err(|message| {
            FormErrors::from(FieldError {
                field: "value",
                message,
            })
        })
}

async fn create_contact(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ContactFields>,
) -> Result<Response, WebError> {
    let conn = staff.conn();
    let learner = staff.learner(LearnerId(id)).await?;
    let country = organisation(conn, staff.organisation()).await?.country;
    match parse_contact(&fields, &country) {
        Ok(contact) => {
            let write = staff.write().await?;
            add_contact_point(&write, staff.organisation(), learner.id, &contact).await?;
            write
                .audit("learner.contact_added", "learner", learner.id.0)
                .await?;
            write.commit().await?;
            Ok(Redirect::to(&format!("/learners/{}", learner.id)).into_response())
        }
        Err(errors) => Ok((
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ContactForm {
                chrome: staff.chrome("learners").await?,
                learner,
                kinds: ContactPointKind::ALL,
                kind: fields.kind,
                value: fields.value,
                consent: fields.consent.is_some(),
                errors,
            },
        )
            .into_response()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(kind: &str, value: &str) -> ContactFields {
        ContactFields {
            kind: kind.to_owned(),
            value: value.to_owned(),
            consent: Some("yes".to_owned()),
        }
    }

    #[test]
    fn contact_details_are_validated_by_kind() {
        let gb = CountryCode::gb();
        let phone = parse_contact(&fields("phone", "07700 900982"), &gb).expect("valid");
        assert_eq!(phone.value, "+447700900982");
        assert!(phone.consent);
        let errors = parse_contact(&fields("email", "not-an-email"), &gb).expect_err("invalid");
        assert_eq!(errors[0].field, "value");
        let shown = crate::i18n::Translator::new("en-GB").message(&errors[0].message);
        assert!(shown.contains("correct format"), "{shown}");
        assert_eq!(
            parse_contact(&fields("fax", "123"), &gb).expect_err("kind")[0].field,
            "kind"
        );
        assert!(parse_contact(&fields("address", &"x".repeat(501)), &gb).is_err());
    }
}
