//! Route access: every route is listed in [`ROUTES`] with what it needs, and one
//! middleware enforces it. A route missing from the table is refused (fail
//! closed), and the route × role test walks this table.

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onward_domain::permissions::{Action, allows};
use tower_sessions::Session;

use crate::auth::load_current_user;
use crate::{AppState, WebError};

/// What a route requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in staff member.
    SignedIn,
    /// A signed-in staff member whose role allows the action.
    Action(Action),
}

#[derive(Clone, Copy, Debug)]
pub struct RouteAccess {
    pub method: &'static str,
    /// The axum route pattern, e.g. `/learners/{id}`.
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> RouteAccess {
    RouteAccess { method, path, access }
}

use Access::{Public, SignedIn};
use Action::*;

/// Every route of the staff app and what it requires.
pub const ROUTES: &[RouteAccess] = &[
    route("GET", "/healthz", Public),
    // The gateway's signature is the credential (webhooks.rs).
    route("POST", "/webhooks/sms/{org}/receipts", Public),
    route("GET", "/static/{file}", Public),
    route("GET", "/favicon.ico", Public),
    // The learner survey site (survey::): a personal link's token is the only key.
    route("GET", "/s/{token}", Public),
    route("GET", "/s/{token}/p/{page}", Public),
    route("POST", "/s/{token}/p/{page}", Public),
    route("GET", "/s/{token}/check", Public),
    route("POST", "/s/{token}/check", Public),
    route("GET", "/s/{token}/done", Public),
    route("GET", "/login", Public),
    route("GET", "/language/{code}", Public),
    route("POST", "/login", Public),
    route("POST", "/logout", Public),
    route("GET", "/invite/{token}", Public),
    route("POST", "/invite/{token}", Public),
    route("GET", "/setup/{token}", Public),
    route("POST", "/setup/{token}", Public),
    route("GET", "/reset/{token}", Public),
    route("POST", "/reset/{token}", Public),
    route("GET", "/", SignedIn),
    route("GET", "/account/password", Access::Action(ChangeOwnPassword)),
    route("POST", "/account/password", Access::Action(ChangeOwnPassword)),
    route("GET", "/cohorts/{id}", Access::Action(ViewCohorts)),
    route("GET", "/cohorts/new", Access::Action(ManageCohorts)),
    route("POST", "/cohorts", Access::Action(ManageCohorts)),
    route("GET", "/cohorts/{id}/edit", Access::Action(ManageCohorts)),
    route("POST", "/cohorts/{id}", Access::Action(ManageCohorts)),
    route("POST", "/cohorts/{id}/archive", Access::Action(ManageCohorts)),
    route("GET", "/programmes", Access::Action(ViewCohorts)),
    route("POST", "/programmes", Access::Action(ManageCohorts)),
    route("GET", "/programmes/new", Access::Action(ManageCohorts)),
    route("GET", "/programmes/{id}/edit", Access::Action(ManageCohorts)),
    route("POST", "/programmes/{id}", Access::Action(ManageCohorts)),
    route("POST", "/programmes/{id}/archive", Access::Action(ManageCohorts)),
    route("GET", "/work", Access::Action(ViewLearners)),
    route("GET", "/cohorts/{id}/unknowns", Access::Action(ViewLearners)),
    route("GET", "/cohorts/{id}/unknowns.csv", Access::Action(ViewLearners)),
    route("POST", "/learners/{id}/known", Access::Action(RecordDestination)),
    route(
        "GET",
        "/learners/{id}/destinations/new",
        Access::Action(RecordDestination),
    ),
    route(
        "POST",
        "/learners/{id}/destinations",
        Access::Action(RecordDestination),
    ),
    route(
        "GET",
        "/learners/{id}/destinations/{record}/verify",
        Access::Action(VerifyDestination),
    ),
    route(
        "POST",
        "/learners/{id}/destinations/{record}/verify",
        Access::Action(VerifyDestination),
    ),
    route("GET", "/learners/new", Access::Action(EditLearnerDetails)),
    route("POST", "/learners/new", Access::Action(EditLearnerDetails)),
    route("GET", "/learners", Access::Action(ViewLearners)),
    route("GET", "/learners/{id}", Access::Action(ViewLearnerRecord)),
    route("GET", "/learners/{id}/edit", Access::Action(EditLearnerDetails)),
    route(
        "POST",
        "/learners/{id}/details",
        Access::Action(EditLearnerDetails),
    ),
    route(
        "GET",
        "/learners/{id}/contacts/new",
        Access::Action(EditLearnerContacts),
    ),
    route(
        "POST",
        "/learners/{id}/contacts",
        Access::Action(EditLearnerContacts),
    ),
    route("GET", "/settings", Access::Action(ManageSettings)),
    route("POST", "/settings", Access::Action(ManageSettings)),
    route("GET", "/users", Access::Action(ManageUsers)),
    route("POST", "/users", Access::Action(ManageUsers)),
    route("POST", "/users/{id}/role", Access::Action(ManageUsers)),
    route("POST", "/users/{id}/active", Access::Action(ManageUsers)),
    route("POST", "/users/{id}/reset", Access::Action(ManageUsers)),
    route(
        "POST",
        "/users/invitations/{id}/withdraw",
        Access::Action(ManageUsers),
    ),
    route("GET", "/tutor-groups", Access::Action(ManageUsers)),
    route("POST", "/tutor-groups/{id}", Access::Action(ManageUsers)),
    route("GET", "/imports", Access::Action(ImportLearners)),
    route("POST", "/imports", Access::Action(ImportLearners)),
    route("GET", "/imports/template.csv", Access::Action(ImportLearners)),
    route("GET", "/imports/files/{id}", Access::Action(ImportLearners)),
    route("POST", "/imports/files/{id}/run", Access::Action(ImportLearners)),
    route("GET", "/imports/runs/{id}", Access::Action(ImportLearners)),
    route(
        "POST",
        "/imports/runs/{id}/confirm",
        Access::Action(ImportLearners),
    ),
    route(
        "GET",
        "/imports/runs/{id}/issues.csv",
        Access::Action(ImportLearners),
    ),
    // Intentions, September Guarantee and support for non-progressors (ui::support).
    route(
        "GET",
        "/learners/{id}/intentions/new",
        Access::Action(RecordIntention),
    ),
    route(
        "POST",
        "/learners/{id}/intentions",
        Access::Action(RecordIntention),
    ),
    route("GET", "/learners/{id}/offers/new", Access::Action(RecordOffer)),
    route("POST", "/learners/{id}/offers", Access::Action(RecordOffer)),
    route(
        "POST",
        "/learners/{id}/offers/status",
        Access::Action(RecordOffer),
    ),
    route(
        "GET",
        "/learners/{id}/contact-log/new",
        Access::Action(LogContact),
    ),
    route("POST", "/learners/{id}/contact-log", Access::Action(LogContact)),
    route("GET", "/learners/{id}/flags/new", Access::Action(FlagLearner)),
    route("POST", "/learners/{id}/flags", Access::Action(FlagLearner)),
    route(
        "POST",
        "/learners/{id}/flags/clear",
        Access::Action(ManageReferrals),
    ),
    route(
        "GET",
        "/learners/{id}/referrals/new",
        Access::Action(ManageReferrals),
    ),
    route(
        "POST",
        "/learners/{id}/referrals",
        Access::Action(ManageReferrals),
    ),
    route(
        "GET",
        "/learners/{id}/referrals/close",
        Access::Action(ManageReferrals),
    ),
    route(
        "POST",
        "/learners/{id}/referrals/close",
        Access::Action(ManageReferrals),
    ),
    route("GET", "/cohorts/{id}/guarantee", Access::Action(ViewLearners)),
    route("GET", "/cohorts/{id}/guarantee.csv", Access::Action(ViewLearners)),
    route("GET", "/cohorts/{id}/at-risk", Access::Action(ViewLearners)),
    route("GET", "/calls/{id}", Access::Action(WorkCallQueue)),
    route("POST", "/calls/{id}", Access::Action(WorkCallQueue)),
    route("GET", "/plans", Access::Action(ManagePlans)),
    route("GET", "/plans/new", Access::Action(ManagePlans)),
    route("POST", "/plans", Access::Action(ManagePlans)),
    route("GET", "/plans/{id}", Access::Action(ManagePlans)),
    route("GET", "/plans/{id}/edit", Access::Action(ManagePlans)),
    route("POST", "/plans/{id}", Access::Action(ManagePlans)),
    route("POST", "/plans/{id}/copy", Access::Action(ManagePlans)),
    route("GET", "/plans/{id}/checkpoints/new", Access::Action(ManagePlans)),
    route("POST", "/plans/{id}/checkpoints", Access::Action(ManagePlans)),
    route("GET", "/checkpoints/{id}/edit", Access::Action(ManagePlans)),
    route("POST", "/checkpoints/{id}", Access::Action(ManagePlans)),
    route("POST", "/checkpoints/{id}/remove", Access::Action(ManagePlans)),
    // Learner surveys, staff side (ui::surveys).
    route("GET", "/surveys", Access::Action(ViewCohorts)),
    route("GET", "/surveys/{name}", Access::Action(ViewCohorts)),
    route("GET", "/cohorts/{id}/surveys", Access::Action(ViewCohorts)),
    route("GET", "/learners/{id}/surveys", Access::Action(ViewLearnerRecord)),
    route(
        "POST",
        "/learners/{id}/survey-links",
        Access::Action(RecordDestination),
    ),
    route(
        "POST",
        "/learners/{id}/survey-links/revoke",
        Access::Action(RecordDestination),
    ),
    route(
        "POST",
        "/learners/{id}/contact-changes",
        Access::Action(EditLearnerContacts),
    ),
    // Outreach's inbound side (issue 15). Opt-out links (survey::opt_out): the
    // token is the key; one-click POSTs carry no cookie.
    route("GET", "/o/{token}", Public),
    route("POST", "/o/{token}", Public),
    // Signed by the mail service and the SMS gateway (webhooks::inbound).
    route("POST", "/webhooks/email/{org}/bounces", Public),
    route("POST", "/webhooks/sms/{org}/replies", Public),
    // The SMS inbox and the bounce list import (ui::inbound).
    route("GET", "/sms-inbox", Access::Action(WorkCallQueue)),
    route("POST", "/sms-inbox/handled", Access::Action(WorkCallQueue)),
    route("GET", "/bounces", Access::Action(ImportLearners)),
    route("POST", "/bounces", Access::Action(ImportLearners)),
    // Employer corroboration: the staff action (ui::employer_checks), and the
    // employer's page (survey::employer), whose single-use token is the key.
    route(
        "GET",
        "/learners/{id}/destinations/{record}/employer-check",
        Access::Action(VerifyDestination),
    ),
    route(
        "POST",
        "/learners/{id}/destinations/{record}/employer-check",
        Access::Action(VerifyDestination),
    ),
    route("GET", "/e/{token}", Public),
    route("POST", "/e/{token}", Public),
    // The alumni list and success-story moderation (ui::alumni).
    route("GET", "/alumni", Access::Action(ManageAlumni)),
    route("GET", "/alumni.csv", Access::Action(ManageAlumni)),
    route("GET", "/alumni.xlsx", Access::Action(ManageAlumni)),
    route("GET", "/stories", Access::Action(ManageAlumni)),
    route("GET", "/stories/approved", Access::Action(ManageAlumni)),
    route("POST", "/stories/{id}", Access::Action(ManageAlumni)),
    // Campaigns, staff side (ui::campaigns): progress is aggregate; deciding
    // who is written to, and starting and stopping, is the progression team's.
    route("GET", "/campaigns", Access::Action(ViewCampaigns)),
    route("GET", "/campaigns/new", Access::Action(ManageCampaigns)),
    route("POST", "/campaigns", Access::Action(ManageCampaigns)),
    route("GET", "/campaigns/{id}", Access::Action(ViewCampaigns)),
    route("POST", "/campaigns/{id}/start", Access::Action(ManageCampaigns)),
    route("POST", "/campaigns/{id}/pause", Access::Action(ManageCampaigns)),
    route("POST", "/campaigns/{id}/finish", Access::Action(ManageCampaigns)),
    route("POST", "/campaigns/{id}/run", Access::Action(ManageCampaigns)),
    route("GET", "/campaigns/{id}/settings", Access::Action(ManageCampaigns)),
    route(
        "POST",
        "/campaigns/{id}/settings",
        Access::Action(ManageCampaigns),
    ),
    // "Send now" on a learner's record (ui::learner_campaigns): the learner
    // must also be in the user's scope.
    route(
        "POST",
        "/campaigns/{id}/learners/{learner}/send-now",
        Access::Action(ManageCampaigns),
    ),
];

pub fn route_access(method: &Method, path: &str) -> Option<Access> {
    ROUTES
        .iter()
        .find(|route| {
            route.path == path
                && (route.method == method.as_str() || (method == Method::HEAD && route.method == "GET"))
        })
        .map(|route| route.access)
}

/// The methods [`ROUTES`] lists for `path` (HEAD with GET), for an `Allow`
/// header; `None` when the path is not in the table at all.
fn allowed_methods(path: &str) -> Option<String> {
    let mut methods: Vec<&str> = ROUTES
        .iter()
        .filter(|route| route.path == path)
        .map(|route| route.method)
        .collect();
    if methods.is_empty() {
        return None;
    }
    if methods.contains(&"GET") {
        methods.push("HEAD");
    }
    Some(methods.join(", "))
}

/// Enforces [`ROUTES`]: signed-out visitors go to sign-in, roles without the
/// permission get 403, and the signed-in user is handed to the handler.
pub async fn authorize(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|matched| matched.as_str().to_owned());
    let Some(access) = path
        .as_deref()
        .and_then(|path| route_access(request.method(), path))
    else {
        // A method the route does not serve (TRACE, OPTIONS, a made-up one) is the
        // client's mistake, not a gap in the table: 405 with the allowed methods.
        if let Some(allowed) = path.as_deref().and_then(allowed_methods) {
            tracing::debug!(path = ?path, method = %request.method(), "method not allowed");
            return (
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                [(axum::http::header::ALLOW, allowed)],
            )
                .into_response();
        }
        tracing::error!(path = ?path, method = %request.method(), "route has no entry in the access table");
        return WebError::Forbidden.into_response();
    };
    if access == Public {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return WebError::Internal(anyhow::anyhow!("session layer missing")).into_response();
    };
    let user = match load_current_user(&state, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => return WebError::SignInRequired.into_response(),
        Err(err) => return err.into_response(),
    };
    if let Access::Action(action) = access
        && !allows(user.role, action)
    {
        let mut response = WebError::Forbidden.into_response();
        response
            .extensions_mut()
            .insert(crate::error::PageLocale(user.locale));
        return response;
    }
    let locale = crate::error::PageLocale(user.locale.clone());
    request.extensions_mut().insert(user);
    let mut response = next.run(request).await;
    response.extensions_mut().insert(locale);
    response
}
