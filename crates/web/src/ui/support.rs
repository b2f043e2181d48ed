//! Intentions, the September Guarantee and support for non-progressors on the
//! learner record, and the cohort lists that go with them: learners with no
//! offer (printable, CSV) and learners at risk. Referrals appear in their
//! owner's My work (`ui::work`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use onward_domain::destination::{DestinationCategory, current_destination};
use onward_domain::organisation::OrganisationKind;
use onward_domain::permissions::{Action, allows};
use onward_domain::support::{
    IntentionMatch, IntentionStage, OfferStatus, ReferralOutcome, ReferralType, compare_intention,
};
use onward_storage::repo::cohorts::{CohortSummary, cohort};
use onward_storage::repo::destinations::StoredDestination;
use onward_storage::repo::guarantee::{
    LearnerWithoutOffer, NewOffer, Offer, OfferCounts, learners_without_offer, offers_for_learner,
    record_offer, update_offer_status,
};
use onward_storage::repo::intentions::{Intention, NewIntention, intentions_for_learner, record_intention};
use onward_storage::repo::learners::{Learner, learner};
use onward_storage::repo::organisations::organisation;
use onward_storage::repo::support::{
    AtRiskLearner, Flag, NewReferral, Referral, at_risk_in_cohort, clear_flag, close_referral,
    flags_for_learner, learner_at_risk, open_referral, raise_flag, referral, referrals_for_learner,
};
use onward_storage::repo::users::list_users;
use onward_storage::{CohortId, LearnerId, OfferId, ReferralId, SupportFlagId, UserId};
use serde::Deserialize;
use tower_sessions::Session;

use super::audit::audit;
use super::chrome::{Chrome, FieldError, error_for, localised};
use super::download::CsvDownload;
use super::forms::{parse_date_input, required_text};
use crate::auth::{CurrentUser, verify_csrf};
use crate::{AppState, WebError};

localised! {
    IntentionForm => chrome.tr;
    OfferForm => chrome.tr;
    FlagForm => chrome.tr;
    ReferralForm => chrome.tr;
    CloseReferralForm => chrome.tr;
    GuaranteePage => chrome.tr;
    AtRiskPage => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/intentions/new", get(new_intention))
        .route("/learners/{id}/intentions", post(create_intention))
        .route("/learners/{id}/offers/new", get(new_offer))
        .route("/learners/{id}/offers", post(create_offer))
        .route("/learners/{id}/offers/status", post(change_offer_status))
        .route("/learners/{id}/flags/new", get(new_flag))
        .route("/learners/{id}/flags", post(create_flag))
        .route("/learners/{id}/flags/clear", post(clear))
        .route("/learners/{id}/referrals/new", get(new_referral))
        .route("/learners/{id}/referrals", post(create_referral))
        .route("/learners/{id}/referrals/close", get(close_form).post(close))
        .route("/cohorts/{id}/guarantee", get(guarantee))
        .route("/cohorts/{id}/guarantee.csv", get(guarantee_export))
        .route("/cohorts/{id}/at-risk", get(at_risk))
}

type Peer = ConnectInfo<std::net::SocketAddr>;

/// An optional, trimmed text of at most `max` characters.
fn optional_text(
    field: &'static str,
    label: &str,
    value: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(FieldError {
            field,
            message: format!("{label} must be {max} characters or fewer"),
        });
    }
    Ok((!value.is_empty()).then(|| value.to_owned()))
}

fn error(field: &'static str, message: &str) -> FieldError {
    FieldError {
        field,
        message: message.to_owned(),
    }
}

/// A date the form's `day` input must hold, within the range `allowed` accepts;
/// any problem goes to `errors`.
fn required_date(
    errors: &mut Vec<FieldError>,
    parsed: Result<Option<NaiveDate>, FieldError>,
    missing: &str,
    allowed: impl Fn(NaiveDate) -> bool,
    out_of_range: &str,
) -> Option<NaiveDate> {
    match parsed {
        Ok(Some(date)) if allowed(date) => Some(date),
        Ok(Some(_)) => {
            errors.push(error("day", out_of_range));
            None
        }
        Ok(None) => {
            errors.push(error("day", missing));
            None
        }
        Err(err) => {
            errors.push(err);
            None
        }
    }
}

fn back_to(learner: LearnerId) -> Response {
    Redirect::to(&format!("/learners/{learner}#support")).into_response()
}

// ---------------------------------------------------------------- the learner record

/// One stage of the "intended vs actual" summary.
pub struct StageRow {
    pub stage: IntentionStage,
    pub intention: Option<Intention>,
    pub comparison: Option<IntentionMatch>,
}

impl StageRow {
    /// The GOV.UK tag colour for the comparison.
    pub fn tag_class(&self) -> &'static str {
        match self.comparison {
            Some(IntentionMatch::Matches) => "govuk-tag--green",
            Some(IntentionMatch::SameGroup) => "govuk-tag--turquoise",
            Some(IntentionMatch::Differs) => "govuk-tag--orange",
            _ => "govuk-tag--grey",
        }
    }
}

/// One dated line of the support log.
pub struct LogEntry {
    pub date: NaiveDate,
    pub title: String,
    pub detail: String,
}

/// Everything the learner record shows about intentions, offers and support.
pub struct LearnerSupport {
    pub at_risk: Vec<String>,
    pub current: Option<DestinationCategory>,
    pub stages: Vec<StageRow>,
    pub intentions: Vec<Intention>,
    pub show_offers: bool,
    pub offers: Vec<Offer>,
    pub offer_statuses: &'static [OfferStatus],
    pub open_flags: Vec<Flag>,
    pub open_referrals: Vec<Referral>,
    pub log: Vec<LogEntry>,
    pub today: NaiveDate,
}

/// Loads the learner record's intentions, offers and support log.
pub async fn learner_support(
    state: &AppState,
    user: &CurrentUser,
    learner: LearnerId,
    destinations: &[StoredDestination],
) -> Result<LearnerSupport, WebError> {
    let conn = state.database.conn();
    let org = user.organisation_id;
    let today = chrono::Utc::now().date_naive();
    let current = current_destination(destinations.iter().map(|d| &d.record)).map(|record| record.category);
    let at_risk = learner_at_risk(conn, org, learner, current, today)
        .await?
        .iter()
        .map(|reason| reason.describe())
        .collect();
    let intentions = intentions_for_learner(conn, org, learner).await?;
    let stages = IntentionStage::ALL
        .iter()
        .map(|stage| {
            // The latest intention at each stage (the list is oldest first).
            let intention = intentions.iter().rev().find(|i| i.stage == *stage).cloned();
            StageRow {
                stage: *stage,
                comparison: intention
                    .as_ref()
                    .map(|i| compare_intention(i.record.category, current)),
                intention,
            }
        })
        .collect();
    let offers = offers_for_learner(conn, org, learner).await?;
    let kind = organisation(conn, org).await?.kind;
    let show_offers =
        !offers.is_empty() || matches!(kind, OrganisationKind::School | OrganisationKind::College);
    let flags = flags_for_learner(conn, org, learner).await?;
    let referrals = referrals_for_learner(conn, org, learner).await?;
    let mut log = Vec::new();
    for flag in &flags {
        log.push(LogEntry {
            date: flag.raised_at.date_naive(),
            title: "Flagged at risk".to_owned(),
            detail: format!(
                "{} ({})",
                flag.reason,
                flag.raised_by_name.as_deref().unwrap_or("staff")
            ),
        });
        if let Some(cleared) = flag.cleared_at {
            log.push(LogEntry {
                date: cleared.date_naive(),
                title: "Flag cleared".to_owned(),
                detail: format!(
                    "{}{} ({})",
                    flag.reason,
                    flag.cleared_note
                        .as_deref()
                        .map(|note| format!(": {note}"))
                        .unwrap_or_default(),
                    flag.cleared_by_name.as_deref().unwrap_or("staff")
                ),
            });
        }
    }
    for referral in &referrals {
        log.push(LogEntry {
            date: referral.opened_at.date_naive(),
            title: format!("Referred: {}", referral.referral_type.label()),
            detail: format!(
                "Owner: {}. Follow up by {}.{}",
                referral.owner_name.as_deref().unwrap_or("none"),
                referral.follow_up_on.format("%d/%m/%Y"),
                referral
                    .notes
                    .as_deref()
                    .map(|notes| format!(" {notes}"))
                    .unwrap_or_default()
            ),
        });
        if let (Some(closed), Some(outcome)) = (referral.closed_at, referral.outcome) {
            log.push(LogEntry {
                date: closed.date_naive(),
                title: format!(
                    "Referral closed ({}): {}",
                    referral.referral_type.label(),
                    outcome.label()
                ),
                detail: format!(
                    "{}{}",
                    referral.outcome_note.as_deref().unwrap_or_default(),
                    referral
                        .closed_by_name
                        .as_deref()
                        .map(|name| format!(" ({name})"))
                        .unwrap_or_default()
                )
                .trim()
                .to_owned(),
            });
        }
    }
    log.sort_by_key(|entry| std::cmp::Reverse(entry.date));
    Ok(LearnerSupport {
        at_risk,
        current,
        stages,
        intentions,
        show_offers,
        offers,
        offer_statuses: OfferStatus::ALL,
        open_flags: flags.into_iter().filter(Flag::is_open).collect(),
        open_referrals: referrals.into_iter().filter(Referral::is_open).collect(),
        log,
        today,
    })
}

// ---------------------------------------------------------------- intentions

#[derive(Deserialize, Default, Clone)]
struct IntentionFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    aspiration: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "intention_form.html")]
struct IntentionForm {
    chrome: Chrome,
    learner: Learner,
    fields: IntentionFields,
    day: String,
    month: String,
    year: String,
    stages: &'static [IntentionStage],
    categories: &'static [DestinationCategory],
    errors: Vec<FieldError>,
}

impl IntentionForm {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

fn intention_form(
    chrome: Chrome,
    learner: Learner,
    fields: IntentionFields,
    errors: Vec<FieldError>,
) -> IntentionForm {
    IntentionForm {
        chrome,
        learner,
        day: fields.day.clone(),
        month: fields.month.clone(),
        year: fields.year.clone(),
        fields,
        stages: IntentionStage::ALL,
        categories: DestinationCategory::ALL,
        errors,
    }
}

fn parse_intention(fields: &IntentionFields, today: NaiveDate) -> Result<NewIntention, Vec<FieldError>> {
    let mut errors = Vec::new();
    let stage = IntentionStage::from_code(fields.stage.trim());
    if stage.is_none() {
        errors.push(error("stage", "Select when the intention was recorded"));
    }
    let category = DestinationCategory::from_code(fields.category.trim());
    if category.is_none() {
        errors.push(error("category", "Select what the learner intends to do"));
    }
    let as_of = required_date(
        &mut errors,
        parse_date_input("day", "The date", &fields.day, &fields.month, &fields.year),
        "Enter the date of the conversation",
        |date| date <= today,
        "The date must be today or in the past",
    );
    let place = optional_text("place", "The provider or employer", &fields.place, 200)
        .map_err(|err| errors.push(err))
        .ok()
        .flatten();
    let aspiration = optional_text("aspiration", "The aspiration", &fields.aspiration, 1000)
        .map_err(|err| errors.push(err))
        .ok()
        .flatten();
    let notes = optional_text("notes", "The notes", &fields.notes, 1000)
        .map_err(|err| errors.push(err))
        .ok()
        .flatten();
    match (stage, category, as_of) {
        (Some(stage), Some(category), Some(as_of)) if errors.is_empty() => Ok(NewIntention {
            stage,
            category,
            as_of,
            place,
            aspiration,
            notes,
        }),
        _ => Err(errors),
    }
}

async fn new_intention(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<IntentionForm, WebError> {
    let learner = learner(state.database.conn(), user.organisation_id, LearnerId(id)).await?;
    let today = chrono::Utc::now().date_naive();
    let fields = IntentionFields {
        day: today.day().to_string(),
        month: today.month().to_string(),
        year: today.year().to_string(),
        ..Default::default()
    };
    Ok(intention_form(
        Chrome::new(user, &session, "learners").await?,
        learner,
        fields,
        Vec::new(),
    ))
}

async fn create_intention(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<IntentionFields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    match parse_intention(&fields, chrono::Utc::now().date_naive()) {
        Ok(new) => {
            record_intention(conn, user.organisation_id, learner.id, &new, Some(user.id)).await?;
            audit(
                &state,
                &user,
                peer,
                "learner.intention_recorded",
                "learner",
                learner.id.0,
            )
            .await?;
            Ok(back_to(learner.id))
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            intention_form(
                Chrome::new(user, &session, "learners").await?,
                learner,
                fields,
                errors,
            ),
        )
            .into_response()),
    }
}

// ---------------------------------------------------------------- September Guarantee offers

#[derive(Deserialize, Default, Clone)]
struct OfferFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    offer: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "offer_form.html")]
struct OfferForm {
    chrome: Chrome,
    learner: Learner,
    fields: OfferFields,
    statuses: &'static [OfferStatus],
    errors: Vec<FieldError>,
}

impl OfferForm {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

fn parse_offer(fields: &OfferFields) -> Result<NewOffer, Vec<FieldError>> {
    let mut errors = Vec::new();
    let provider = required_text("provider", "the provider", &fields.provider, 200)
        .map_err(|err| errors.push(err))
        .ok();
    let course = optional_text("course", "The course", &fields.course, 200)
        .map_err(|err| errors.push(err))
        .ok()
        .flatten();
    let status = OfferStatus::from_code(fields.status.trim());
    if status.is_none() {
        errors.push(error("status", "Select where the offer stands"));
    }
    match (provider, status) {
        (Some(provider), Some(status)) if errors.is_empty() => Ok(NewOffer {
            provider,
            course,
            status,
        }),
        _ => Err(errors),
    }
}

async fn new_offer(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<OfferForm, WebError> {
    let learner = learner(state.database.conn(), user.organisation_id, LearnerId(id)).await?;
    Ok(OfferForm {
        chrome: Chrome::new(user, &session, "learners").await?,
        learner,
        fields: OfferFields::default(),
        statuses: OfferStatus::ALL,
        errors: Vec::new(),
    })
}

async fn create_offer(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<OfferFields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    match parse_offer(&fields) {
        Ok(new) => {
            record_offer(conn, user.organisation_id, learner.id, &new, Some(user.id)).await?;
            audit(
                &state,
                &user,
                peer,
                "learner.offer_recorded",
                "learner",
                learner.id.0,
            )
            .await?;
            Ok(back_to(learner.id))
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            OfferForm {
                chrome: Chrome::new(user, &session, "learners").await?,
                learner,
                fields,
                statuses: OfferStatus::ALL,
                errors,
            },
        )
            .into_response()),
    }
}

async fn change_offer_status(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<OfferFields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    let offer = fields
        .offer
        .trim()
        .parse::<i64>()
        .map(OfferId)
        .map_err(|_| WebError::BadRequest("Go back and choose an offer to update."))?;
    let status = OfferStatus::from_code(fields.status.trim())
        .ok_or(WebError::BadRequest("Go back and choose where the offer stands."))?;
    update_offer_status(conn, user.organisation_id, learner.id, offer, status).await?;
    audit(
        &state,
        &user,
        peer,
        "learner.offer_updated",
        "learner",
        learner.id.0,
    )
    .await?;
    Ok(back_to(learner.id))
}

// ---------------------------------------------------------------- flags

#[derive(Deserialize, Default, Clone)]
struct FlagFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    flag: String,
    #[serde(default)]
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "flag_form.html")]
struct FlagForm {
    chrome: Chrome,
    learner: Learner,
    reason: String,
    errors: Vec<FieldError>,
}

impl FlagForm {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

async fn new_flag(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<FlagForm, WebError> {
    let learner = learner(state.database.conn(), user.organisation_id, LearnerId(id)).await?;
    Ok(FlagForm {
        chrome: Chrome::new(user, &session, "learners").await?,
        learner,
        reason: String::new(),
        errors: Vec::new(),
    })
}

async fn create_flag(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<FlagFields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    match required_text("reason", "why the learner is at risk", &fields.reason, 1000) {
        Ok(reason) => {
            raise_flag(conn, user.organisation_id, learner.id, &reason, Some(user.id)).await?;
            audit(
                &state,
                &user,
                peer,
                "learner.flag_raised",
                "learner",
                learner.id.0,
            )
            .await?;
            Ok(back_to(learner.id))
        }
        Err(err) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FlagForm {
                chrome: Chrome::new(user, &session, "learners").await?,
                learner,
                reason: fields.reason,
                errors: vec![err],
            },
        )
            .into_response()),
    }
}

async fn clear(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<FlagFields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    let flag = fields
        .flag
        .trim()
        .parse::<i64>()
        .map(SupportFlagId)
        .map_err(|_| WebError::BadRequest("Go back and choose the flag to clear."))?;
    let note = fields.note.trim();
    if note.chars().count() > 1000 {
        return Err(WebError::BadRequest(
            "Go back and shorten the note to 1,000 characters or fewer.",
        ));
    }
    let note = (!note.is_empty()).then_some(note);
    // A flag already cleared (a second click) is simply not cleared again.
    let still_open = flags_for_learner(conn, user.organisation_id, learner.id)
        .await?
        .iter()
        .any(|f| f.id == flag && f.is_open());
    if still_open {
        clear_flag(conn, user.organisation_id, learner.id, flag, note, Some(user.id)).await?;
        audit(
            &state,
            &user,
            peer,
            "learner.flag_cleared",
            "learner",
            learner.id.0,
        )
        .await?;
    }
    Ok(back_to(learner.id))
}

// ---------------------------------------------------------------- referrals

#[derive(Deserialize, Default, Clone)]
struct ReferralFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    referral_type: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "referral_form.html")]
struct ReferralForm {
    chrome: Chrome,
    learner: Learner,
    fields: ReferralFields,
    day: String,
    month: String,
    year: String,
    types: &'static [ReferralType],
    /// Staff who can follow a referral up: (id, name, role).
    owners: Vec<(UserId, String, String)>,
    errors: Vec<FieldError>,
}

impl ReferralForm {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

/// Active staff whose role may follow up referrals.
async fn possible_owners(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<(UserId, String, String)>, WebError> {
    Ok(list_users(state.database.conn(), user.organisation_id)
        .await?
        .into_iter()
        .filter(|u| u.active && allows(u.role, Action::ManageReferrals))
        .map(|u| (u.id, u.display_name, u.role.label().to_owned()))
        .collect())
}

async fn referral_form(
    state: &AppState,
    user: CurrentUser,
    session: &Session,
    learner: Learner,
    fields: ReferralFields,
    errors: Vec<FieldError>,
) -> Result<ReferralForm, WebError> {
    let owners = possible_owners(state, &user).await?;
    Ok(ReferralForm {
        chrome: Chrome::new(user, session, "learners").await?,
        learner,
        day: fields.day.clone(),
        month: fields.month.clone(),
        year: fields.year.clone(),
        fields,
        types: ReferralType::ALL,
        owners,
        errors,
    })
}

fn parse_referral(
    fields: &ReferralFields,
    owners: &[(UserId, String, String)],
    today: NaiveDate,
) -> Result<NewReferral, Vec<FieldError>> {
    let mut errors = Vec::new();
    let referral_type = ReferralType::from_code(fields.referral_type.trim());
    if referral_type.is_none() {
        errors.push(error("referral_type", "Select what the learner is referred to"));
    }
    let owner = fields
        .owner
        .trim()
        .parse::<i64>()
        .ok()
        .map(UserId)
        .filter(|id| owners.iter().any(|(owner, _, _)| owner == id));
    if owner.is_none() {
        errors.push(error("owner", "Select who will follow the referral up"));
    }
    let follow_up_on = required_date(
        &mut errors,
        parse_date_input(
            "day",
            "The follow-up date",
            &fields.day,
            &fields.month,
            &fields.year,
        ),
        "Enter the follow-up date",
        |date| date >= today,
        "The follow-up date must be today or in the future",
    );
    let notes = optional_text("notes", "The notes", &fields.notes, 2000)
        .map_err(|err| errors.push(err))
        .ok()
        .flatten();
    match (referral_type, owner, follow_up_on) {
        (Some(referral_type), Some(owner), Some(follow_up_on)) if errors.is_empty() => Ok(NewReferral {
            referral_type,
            owner,
            follow_up_on,
            notes,
        }),
        _ => Err(errors),
    }
}

async fn new_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<ReferralForm, WebError> {
    let learner = learner(state.database.conn(), user.organisation_id, LearnerId(id)).await?;
    // A fortnight is a usual first follow-up.
    let follow_up = chrono::Utc::now().date_naive() + chrono::Duration::days(14);
    let fields = ReferralFields {
        owner: user.id.to_string(),
        day: follow_up.day().to_string(),
        month: follow_up.month().to_string(),
        year: follow_up.year().to_string(),
        ..Default::default()
    };
    referral_form(&state, user, &session, learner, fields, Vec::new()).await
}

async fn create_referral(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<ReferralFields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    let owners = possible_owners(&state, &user).await?;
    match parse_referral(&fields, &owners, chrono::Utc::now().date_naive()) {
        Ok(new) => {
            open_referral(conn, user.organisation_id, learner.id, &new, Some(user.id)).await?;
            audit(
                &state,
                &user,
                peer,
                "learner.referral_opened",
                "learner",
                learner.id.0,
            )
            .await?;
            Ok(back_to(learner.id))
        }
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            referral_form(&state, user, &session, learner, fields, errors).await?,
        )
            .into_response()),
    }
}

#[derive(Deserialize, Default, Clone)]
struct CloseFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    referral: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "referral_close.html")]
struct CloseReferralForm {
    chrome: Chrome,
    learner: Learner,
    referral: Referral,
    fields: CloseFields,
    outcomes: &'static [ReferralOutcome],
    errors: Vec<FieldError>,
}

impl CloseReferralForm {
    fn error(&self, field: &str) -> Option<&str> {
        error_for(&self.errors, field)
    }
}

fn referral_id(value: &str) -> Result<ReferralId, WebError> {
    value
        .trim()
        .parse::<i64>()
        .map(ReferralId)
        .map_err(|_| WebError::BadRequest("Go back and choose the referral to close."))
}

#[derive(Deserialize)]
struct CloseQuery {
    #[serde(default)]
    referral: String,
}

async fn close_form(
    State(state): State<AppState>,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Query(query): Query<CloseQuery>,
) -> Result<Response, WebError> {
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    let referral = referral(
        conn,
        user.organisation_id,
        learner.id,
        referral_id(&query.referral)?,
    )
    .await?;
    if !referral.is_open() {
        return Ok(back_to(learner.id));
    }
    Ok(CloseReferralForm {
        chrome: Chrome::new(user, &session, "learners").await?,
        learner,
        fields: CloseFields {
            referral: referral.id.to_string(),
            ..Default::default()
        },
        referral,
        outcomes: ReferralOutcome::ALL,
        errors: Vec::new(),
    }
    .into_response())
}

async fn close(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<CloseFields>,
) -> Result<Response, WebError> {
    verify_csrf(&session, &fields.csrf).await?;
    let conn = state.database.conn();
    let learner = learner(conn, user.organisation_id, LearnerId(id)).await?;
    let referral = referral(
        conn,
        user.organisation_id,
        learner.id,
        referral_id(&fields.referral)?,
    )
    .await?;
    if !referral.is_open() {
        // Closed already (a double submission): the first outcome stands.
        return Ok(back_to(learner.id));
    }
    let mut errors = Vec::new();
    let outcome = ReferralOutcome::from_code(fields.outcome.trim());
    if outcome.is_none() {
        errors.push(error("outcome", "Select the outcome of the referral"));
    }
    let note = optional_text("note", "The note", &fields.note, 2000)
        .map_err(|err| errors.push(err))
        .ok()
        .flatten();
    if outcome == Some(ReferralOutcome::Other) && note.is_none() && errors.is_empty() {
        errors.push(error("note", "Describe the outcome"));
    }
    match outcome {
        Some(outcome) if errors.is_empty() => {
            close_referral(
                conn,
                user.organisation_id,
                learner.id,
                referral.id,
                outcome,
                note.as_deref(),
                Some(user.id),
            )
            .await?;
            audit(
                &state,
                &user,
                peer,
                "learner.referral_closed",
                "learner",
                learner.id.0,
            )
            .await?;
            Ok(back_to(learner.id))
        }
        _ => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            CloseReferralForm {
                chrome: Chrome::new(user, &session, "learners").await?,
                learner,
                referral,
                fields,
                outcomes: ReferralOutcome::ALL,
                errors,
            },
        )
            .into_response()),
    }
}

// ---------------------------------------------------------------- cohort lists

#[derive(Template, WebTemplate)]
#[template(path = "guarantee.html")]
struct GuaranteePage {
    chrome: Chrome,
    cohort: CohortSummary,
    learners: Vec<LearnerWithoutOffer>,
    counts: OfferCounts,
}

/// What was recorded for a learner without an offer, for the list and the CSV.
fn offers_summary(offers: &[Offer]) -> String {
    offers
        .iter()
        .map(|offer| match &offer.course {
            Some(course) => format!("{}: {} ({course})", offer.status.label(), offer.provider),
            None => format!("{}: {}", offer.status.label(), offer.provider),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl GuaranteePage {
    fn summary(&self, offers: &[Offer]) -> String {
        offers_summary(offers)
    }
}

async fn guarantee(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<GuaranteePage, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let (learners, counts) = learners_without_offer(conn, user.organisation_id, cohort.id).await?;
    audit(
        &state,
        &user,
        peer,
        "cohort.guarantee_view",
        "cohort",
        cohort.id.0,
    )
    .await?;
    Ok(GuaranteePage {
        chrome: Chrome::new(user, &session, "cohorts").await?,
        cohort,
        learners,
        counts,
    })
}

async fn guarantee_export(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let (learners, _) = learners_without_offer(conn, user.organisation_id, cohort.id).await?;
    let mut file = CsvDownload::new(&[
        "Family name",
        "Given name",
        "ULN",
        "MIS id",
        "Date of birth",
        "Postcode",
        "Offers recorded",
    ])?;
    for entry in &learners {
        let l = &entry.learner;
        file.row([
            l.family_name.clone(),
            l.given_name.clone(),
            l.uln
                .as_ref()
                .map(|uln| uln.as_str().to_owned())
                .unwrap_or_default(),
            l.mis_id.clone().unwrap_or_default(),
            l.date_of_birth
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            l.postcode.clone().unwrap_or_default(),
            offers_summary(&entry.offers),
        ])?;
    }
    audit(
        &state,
        &user,
        peer,
        "cohort.guarantee_export",
        "cohort",
        cohort.id.0,
    )
    .await?;
    file.into_response(&format!("no-offer-cohort-{}.csv", cohort.id))
}

#[derive(Template, WebTemplate)]
#[template(path = "at_risk.html")]
struct AtRiskPage {
    chrome: Chrome,
    cohort: CohortSummary,
    learners: Vec<AtRiskLearner>,
}

async fn at_risk(
    State(state): State<AppState>,
    ConnectInfo(peer): Peer,
    user: CurrentUser,
    session: Session,
    Path(id): Path<i64>,
) -> Result<AtRiskPage, WebError> {
    let conn = state.database.conn();
    let cohort = cohort(conn, user.organisation_id, CohortId(id)).await?;
    let learners = at_risk_in_cohort(
        conn,
        user.organisation_id,
        cohort.id,
        chrono::Utc::now().date_naive(),
    )
    .await?;
    audit(&state, &user, peer, "cohort.at_risk_view", "cohort", cohort.id.0).await?;
    Ok(AtRiskPage {
        chrome: Chrome::new(user, &session, "cohorts").await?,
        cohort,
        learners,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn intentions_need_a_stage_a_destination_and_a_past_date() {
        let today = day(2026, 11, 26);
        let fields = IntentionFields {
            stage: "ilp_review".to_owned(),
            category: "apprenticeship".to_owned(),
            day: "2".to_owned(),
            month: "3".to_owned(),
            year: "2026".to_owned(),
            aspiration: "  Electrician ".to_owned(),
            ..Default::default()
        };
        let parsed = parse_intention(&fields, today).expect("valid");
        assert_eq!(parsed.stage, IntentionStage::IlpReview);
        assert_eq!(parsed.aspiration.as_deref(), Some("Electrician"));
        let future = IntentionFields {
            year: "2027".to_owned(),
            ..fields.clone()
        };
        assert_eq!(
            parse_intention(&future, today).expect_err("future")[0].field,
            "day"
        );
        let empty = parse_intention(&IntentionFields::default(), today).expect_err("empty");
        let fields: Vec<&str> = empty.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["stage", "category", "day"]);
    }

    #[test]
    fn referrals_need_an_eligible_owner_and_a_future_follow_up() {
        let today = day(2026, 11, 26);
        let owners = vec![(UserId(7), "Sam".to_owned(), "IAG adviser".to_owned())];
        let fields = ReferralFields {
            referral_type: "careers_guidance".to_owned(),
            owner: "7".to_owned(),
            day: "1".to_owned(),
            month: "12".to_owned(),
            year: "2026".to_owned(),
            ..Default::default()
        };
        assert_eq!(
            parse_referral(&fields, &owners, today).expect("valid").owner,
            UserId(7)
        );
        let stranger = ReferralFields {
            owner: "8".to_owned(),
            ..fields.clone()
        };
        assert_eq!(
            parse_referral(&stranger, &owners, today).expect_err("owner")[0].field,
            "owner"
        );
        let past = ReferralFields {
            month: "11".to_owned(),
            day: "1".to_owned(),
            ..fields
        };
        assert_eq!(
            parse_referral(&past, &owners, today).expect_err("past")[0].field,
            "day"
        );
    }

    #[test]
    fn offers_need_a_provider_and_status() {
        let errors = parse_offer(&OfferFields::default()).expect_err("empty");
        assert_eq!(
            errors.iter().map(|e| e.field).collect::<Vec<_>>(),
            vec!["provider", "status"]
        );
        let offer = parse_offer(&OfferFields {
            provider: "Leeds City College".to_owned(),
            status: "offered".to_owned(),
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(offer.course, None);
        assert_eq!(offers_summary(&[]), "");
    }
}
