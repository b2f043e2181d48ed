//! User administration (admins): invite, change role, deactivate; and the
//! invitation link that lets a new user choose a password.
//!
//! Invitations are emailed, never shown: the page answers "invitation sent"
//! whether the address is new or already has an account in another
//! organisation (which then gets an email saying so instead), and the
//! invitation is listed as pending either way (issue 13 item 10).

use askama::Template;
use askama_web::WebTemplate;
use std::net::IpAddr;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Duration;
use onward_domain::email::EmailAddress;
use onward_domain::role::Role;
use onward_notify::Language;
use onward_notify::email::{Email, Sender};
use onward_notify::templates::{PersonalLink, staff_account_exists_email, staff_invitation_email};
use onward_storage::repo::staff_invitations::{
    self, Accepted, Invitee, NewStaffInvitation, StaffInvitation, create_staff_invitation,
};
use onward_storage::repo::tokens::{
    consume_user_token, create_user_token, peek_user_token, revoke_user_tokens,
};
use onward_storage::repo::users::{self, User};
use onward_storage::{Actor, StaffInvitationId, UserId};
use serde::Deserialize;
use tower_sessions::Session;

use super::chrome::{Chrome, FieldError};
use super::staff::{CsrfForm, Staff};
use crate::PublicUrl;
use crate::auth::FormToken;
use crate::client::ClientAddress;
use crate::passwords::{MIN_PASSWORD_LENGTH, hash_password};
use crate::tokens::{new_token, token_hash};
use crate::ui::form_errors::FormErrors;
use crate::{AppState, WebError};

super::chrome::localised! {
    UsersPage => chrome.tr;
    InvitePage => tr;
}

/// How long an invitation link stays valid.
const INVITE_DAYS: i64 = 7;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(invite_user))
        .route("/users/{id}/role", post(change_role))
        .route("/users/{id}/active", post(change_active))
        .route("/users/{id}/reset", post(create_reset_link))
        .route("/users/invitations/{id}/withdraw", post(withdraw_invitation))
        .route("/invite/{token}", get(show_invite).post(accept_invite))
        .route("/reset/{token}", get(show_reset).post(accept_reset))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<User>,
    roles: &'static [Role],
    errors: FormErrors,
    email: String,
    name: String,
    role: String,
    /// Invitations waiting for an answer.
    pending: Vec<StaffInvitation>,
    /// The address an invitation was just emailed to.
    invitation_sent: Option<String>,
    /// (whose, link) after an administrator creates a password-reset link.
    reset_link: Option<(String, String)>,
    /// Why no link could be made or sent (no public address or no mail
    /// server is configured, or the mail server refused).
    link_problem: Option<String>,
}

impl UsersPage {}

async fn users_page(staff: &Staff) -> Result<UsersPage, WebError> {
    Ok(UsersPage {
        users: users::list_users(staff.conn(), staff.organisation()).await?,
        chrome: staff.chrome("users").await?,
        roles: Role::ALL,
        errors: FormErrors::new(),
        email: String::new(),
        name: String::new(),
        role: String::new(),
        pending: staff_invitations::pending_staff_invitations(staff.conn(), staff.organisation()).await?,
        invitation_sent: None,
        reset_link: None,
        link_problem: None,
    })
}

async fn list_users(staff: Staff) -> Result<UsersPage, WebError> {
    users_page(&staff).await
}

#[derive(Deserialize)]
struct InviteFields {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

async fn invite_user(staff: Staff, CsrfForm(fields): CsrfForm<InviteFields>) -> Result<Response, WebError> {
    let Some(public_url) = staff.state.config.public_url.clone() else {
        return no_public_url(&staff).await;
    };
    let Some(mailer) = staff.state.mailer.clone() else {
        return link_problem(&staff, "users-no-mail-server").await;
    };
    let mut errors = FormErrors::new();
    let email = EmailAddress::parse(&fields.email).map_err(|_| FieldError {
        field: "email",
        message: "validation-email".to_owned(),
    });
    let name = fields.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push("name", "validation-user-name".to_owned());
    }
    let role = Role::from_code(&fields.role).ok_or(FieldError {
        field: "role",
        message: "validation-user-role".to_owned(),
    });
    let (email, role) = match (email, role) {
        (Ok(email), Ok(role)) if errors.is_empty() => (email, role),
        (email, role) => {
            errors.extend(email.err());
            errors.extend(role.err());
            errors.order_by(&["email", "name", "role"]);
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                invite_form_again(&staff, fields, errors).await?,
            )
                .into_response());
        }
    };
    // Email addresses are unique across the installation. Our own staff are
    // listed on this page, so saying so reveals nothing; another
    // organisation's are invited like anyone new (see the module's note).
    let invitee = staff_invitations::invitee(staff.conn(), staff.organisation(), &email).await?;
    if invitee == Invitee::OurUser {
        let errors = FormErrors::from(FieldError {
            field: "email",
            message: "users-email-already-ours".to_owned(),
        });
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            invite_form_again(&staff, fields, errors).await?,
        )
            .into_response());
    }
    let token = new_token();
    let write = staff.write().await?;
    let invitation = create_staff_invitation(
        &write,
        staff.organisation(),
        &NewStaffInvitation {
            email: email.clone(),
            display_name: name.to_owned(),
            role,
            invited_by: Some(staff.user.id),
            token_hash: token_hash(&token),
            expires_at: onward_storage::repo::now() + Duration::days(INVITE_DAYS),
        },
    )
    .await?;
    write
        .audit("user.invite", "staff_invitation", invitation.0)
        .await?;
    write.commit().await?;
    let mut page = users_page(&staff).await?;
    let organisation = page.chrome.user.organisation_name.clone();
    let language = Language::from_code(page.chrome.tr.locale).unwrap_or(Language::EnglishGb);
    let link = |path: &str| {
        PersonalLink::parse(&public_url.join(path)).map_err(|err| WebError::Internal(anyhow::anyhow!(err)))
    };
    let content = match invitee {
        Invitee::Elsewhere => staff_account_exists_email(language, &organisation, name, &link("/login")?),
        Invitee::New | Invitee::OurUser => staff_invitation_email(
            language,
            &onward_notify::templates::StaffInvitation {
                name,
                organisation: &organisation,
                role: &page.chrome.tr.t(role.label_key()),
                link: &link(&format!("/invite/{token}"))?,
                valid_days: INVITE_DAYS.unsigned_abs() as u32,
            },
        ),
    };
    let message = Email {
        to_address: email.as_str().to_owned(),
        to_name: Some(name.to_owned()),
        sender: Sender {
            organisation_name: organisation,
            reply_to: None,
        },
        content,
        unsubscribe: None,
        key: Some(format!("staff-invitation-{}", invitation.0)),
    };
    match onward_notify::email::EmailChannel::send(&mailer, &message).await {
        Ok(_) => page.invitation_sent = Some(email.as_str().to_owned()),
        Err(err) => {
            tracing::warn!(invitation = invitation.0, error = %err, "a staff invitation email was not sent");
            page.link_problem = Some(page.chrome.tr.t("users-invitation-not-sent"));
        }
    }
    Ok(page.into_response())
}

/// Withdraws a pending invitation: its link stops working.
async fn withdraw_invitation(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Redirect, WebError> {
    let write = staff.write().await?;
    let id = StaffInvitationId(id);
    if staff_invitations::revoke_staff_invitation(&write, staff.organisation(), id).await? {
        write
            .audit("user.withdraw_invitation", "staff_invitation", id.0)
            .await?;
        write.commit().await?;
    } else if !staff_invitations::staff_invitation_exists(&write, staff.organisation(), id).await? {
        // Another organisation's invitation, or none: not found. One already
        // withdrawn or accepted (a second click) just shows the list again.
        return Err(WebError::NotFound);
    }
    Ok(Redirect::to("/users"))
}

async fn invite_form_again(
    staff: &Staff,
    fields: InviteFields,
    errors: FormErrors,
) -> Result<UsersPage, WebError> {
    let mut page = users_page(staff).await?;
    page.errors = errors;
    page.email = fields.email;
    page.name = fields.name;
    page.role = fields.role;
    Ok(page)
}

#[derive(Deserialize)]
struct RoleFields {
    #[serde(default)]
    role: String,
}

async fn change_role(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<RoleFields>,
) -> Result<Redirect, WebError> {
    let target = users::user_in_organisation(staff.conn(), staff.organisation(), UserId(id)).await?;
    let role = Role::from_code(&fields.role).ok_or(WebError::BadRequest("bad-request-choose-role"))?;
    // An administrator cannot demote themselves and leave no one able to administer.
    if target.id != staff.user.id {
        let write = staff.write().await?;
        users::set_role(&write, staff.organisation(), target.id, role).await?;
        write
            .audit_detail("user.change_role", "user", target.id.0, role.code())
            .await?;
        write.commit().await?;
    }
    Ok(Redirect::to("/users"))
}

#[derive(Deserialize)]
struct ActiveFields {
    #[serde(default)]
    active: String,
}

async fn change_active(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<ActiveFields>,
) -> Result<Redirect, WebError> {
    let target = users::user_in_organisation(staff.conn(), staff.organisation(), UserId(id)).await?;
    if target.id != staff.user.id {
        let active = match fields.active.as_str() {
            "true" => true,
            "false" => false,
            _ => {
                return Err(WebError::BadRequest("bad-request-use-activate-buttons"));
            }
        };
        let write = staff.write().await?;
        users::set_active(&write, staff.organisation(), target.id, active).await?;
        let action = if active {
            "user.reactivate"
        } else {
            "user.deactivate"
        };
        write.audit(action, "user", target.id.0).await?;
        write.commit().await?;
    }
    Ok(Redirect::to("/users"))
}

#[derive(Template, WebTemplate)]
#[template(path = "account/invite.html")]
struct InvitePage {
    tr: crate::i18n::Translator,
    csrf: String,
    token: String,
    valid: bool,
    errors: FormErrors,
    /// `invite` or `reset`: the link's purpose, also its path.
    purpose: &'static str,
}

impl InvitePage {}

async fn show_link(
    state: &AppState,
    session: &Session,
    form_token: FormToken,
    token: String,
    purpose: &'static str,
) -> Result<Response, WebError> {
    let hash = token_hash(&token);
    let valid = (purpose == "invite"
        && staff_invitations::peek_staff_invitation(state.database.conn(), &hash)
            .await?
            .is_some())
        || peek_user_token(state.database.conn(), &hash, purpose)
            .await?
            .is_some();
    let page = InvitePage {
        tr: super::chrome::page_translator(session, crate::i18n::DEFAULT_LOCALE).await?,
        csrf: form_token.value.clone(),
        token,
        valid,
        errors: FormErrors::new(),
        purpose,
    };
    let status = if valid { StatusCode::OK } else { StatusCode::GONE };
    Ok((status, form_token.cookie(), page).into_response())
}

async fn show_invite(
    State(state): State<AppState>,
    session: Session,
    form_token: FormToken,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    show_link(&state, &session, form_token, token, "invite").await
}

async fn show_reset(
    State(state): State<AppState>,
    session: Session,
    form_token: FormToken,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    show_link(&state, &session, form_token, token, "reset").await
}

#[derive(Deserialize)]
struct PasswordFields {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Checks a new password and its confirmation; the messages name the field.
pub(super) fn check_new_password(password: &str, confirm: &str) -> FormErrors {
    let mut errors = FormErrors::new();
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        errors.push(
            "password",
            crate::i18n::Message::new("validation-password-too-short")
                .with("min", MIN_PASSWORD_LENGTH.to_string()),
        );
    } else if password.chars().count() > 200 {
        errors.push("password", "validation-password-too-long".to_owned());
    }
    if password != confirm {
        errors.push("confirm", "validation-passwords-differ".to_owned());
    }
    errors
}

async fn accept_invite(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    session: Session,
    form_token: FormToken,
    Path(token): Path<String>,
    CsrfForm(fields): CsrfForm<PasswordFields>,
) -> Result<Response, WebError> {
    let pending =
        staff_invitations::peek_staff_invitation(state.database.conn(), &token_hash(&token)).await?;
    if pending.is_none() {
        // Invitations made before they were rows of their own: an invited
        // user with a link token.
        return accept_link(&state, client, &session, &form_token, token, "invite", fields).await;
    }
    let errors = check_new_password(&fields.password, &fields.confirm);
    if !errors.is_empty() {
        let page = InvitePage {
            tr: super::chrome::page_translator(&session, crate::i18n::DEFAULT_LOCALE).await?,
            csrf: form_token.value.clone(),
            token,
            valid: true,
            errors,
            purpose: "invite",
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password(&fields.password).map_err(|err| WebError::Internal(err.into()))?;
    // The invitation names its organisation and user only once it is used up.
    let mut write = state.database.write_unattributed().await?;
    match staff_invitations::accept_staff_invitation(&write, &token_hash(&token), &hash).await? {
        Accepted::User(org, user) => {
            write.act_for(Actor::person(org, user, Some(client.to_string())));
            write.audit("user.accept_invite", "user", user.0).await?;
            write.commit().await?;
            Ok(Redirect::to("/login").into_response())
        }
        Accepted::Gone | Accepted::AddressTaken => Ok(gone_page(token, form_token.value.clone(), "invite")),
    }
}

/// The page of a link that no longer works (410).
fn gone_page(token: String, csrf: String, purpose: &'static str) -> Response {
    (
        StatusCode::GONE,
        InvitePage {
            tr: crate::i18n::Translator::new(crate::i18n::DEFAULT_LOCALE),
            csrf,
            token,
            valid: false,
            errors: FormErrors::new(),
            purpose,
        },
    )
        .into_response()
}

async fn accept_reset(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    session: Session,
    form_token: FormToken,
    Path(token): Path<String>,
    CsrfForm(fields): CsrfForm<PasswordFields>,
) -> Result<Response, WebError> {
    accept_link(&state, client, &session, &form_token, token, "reset", fields).await
}

/// Sets the password of the link's user and uses the link up, in one
/// transaction. The new password ends every session of the user and revokes
/// their other unused reset links.
async fn accept_link(
    state: &AppState,
    client: IpAddr,
    session: &Session,
    form_token: &FormToken,
    token: String,
    purpose: &'static str,
    fields: PasswordFields,
) -> Result<Response, WebError> {
    let gone = |token: String, csrf: String| gone_page(token, csrf, purpose);
    if peek_user_token(state.database.conn(), &token_hash(&token), purpose)
        .await?
        .is_none()
    {
        return Ok(gone(token, form_token.value.clone()));
    }
    let errors = check_new_password(&fields.password, &fields.confirm);
    if !errors.is_empty() {
        let page = InvitePage {
            tr: super::chrome::page_translator(session, crate::i18n::DEFAULT_LOCALE).await?,
            csrf: form_token.value.clone(),
            token,
            valid: true,
            errors,
            purpose,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password(&fields.password).map_err(|err| WebError::Internal(err.into()))?;
    // The link names its user only once it is used up, in this unit of work.
    let mut write = state.database.write_unattributed().await?;
    let Some((org, user)) = consume_user_token(&write, &token_hash(&token), purpose).await? else {
        return Ok(gone(token, form_token.value.clone()));
    };
    write.act_for(Actor::person(org, user, Some(client.to_string())));
    users::set_password_hash(&write, org, user, &hash).await?;
    revoke_user_tokens(&write, org, user, "reset").await?;
    let action = if purpose == "invite" {
        "user.accept_invite"
    } else {
        "user.reset_password"
    };
    write.audit(action, "user", user.0).await?;
    write.commit().await?;
    Ok(Redirect::to("/login").into_response())
}

/// How long a password-reset link stays valid.
const RESET_HOURS: i64 = 24;

/// A form with nothing but its CSRF token (checked by [`CsrfForm`]).
#[derive(Deserialize)]
struct CsrfOnly {}

async fn create_reset_link(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> Result<Response, WebError> {
    let Some(public_url) = staff.state.config.public_url.clone() else {
        return no_public_url(&staff).await;
    };
    let target = users::user_in_organisation(staff.conn(), staff.organisation(), UserId(id)).await?;
    let token = new_token();
    let write = staff.write().await?;
    create_user_token(
        &write,
        staff.organisation(),
        target.id,
        "reset",
        &token_hash(&token),
        onward_storage::repo::now() + Duration::hours(RESET_HOURS),
    )
    .await?;
    write.audit("user.reset_link", "user", target.id.0).await?;
    write.commit().await?;
    let link = link_to(&public_url, "reset", &token);
    let mut page = users_page(&staff).await?;
    page.reset_link = Some((target.display_name, link));
    Ok(page.into_response())
}

/// Links are built from the configured public address only: a request's
/// `Host` header is the sender's to choose, and a link to their site would
/// carry the token to them.
fn link_to(public_url: &PublicUrl, purpose: &str, token: &str) -> String {
    public_url.join(&format!("/{purpose}/{token}"))
}

/// Refuses to make a link, creating nothing, when no public address is set.
async fn no_public_url(staff: &Staff) -> Result<Response, WebError> {
    link_problem(staff, "users-no-public-url").await
}

/// The users page with a warning (`key`), creating nothing: 503, as the
/// server cannot do this until whoever runs it changes its settings.
async fn link_problem(staff: &Staff, key: &str) -> Result<Response, WebError> {
    let mut page = users_page(staff).await?;
    page.link_problem = Some(page.chrome.tr.t(key));
    Ok((StatusCode::SERVICE_UNAVAILABLE, page).into_response())
}
