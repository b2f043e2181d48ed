//! User administration (admins): invite, change role, deactivate; and the
//! invitation link that lets a new user choose a password.

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
use onward_storage::repo::tokens::{
    consume_user_token, create_user_token, peek_user_token, revoke_user_tokens,
};
use onward_storage::repo::users::{self, NewUser, User};
use onward_storage::{Actor, StorageError, UserId};
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
/// Stored for invited users until they choose a password: never matches one.
const NO_PASSWORD: &str = "!";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_users).post(invite_user))
        .route("/users/{id}/role", post(change_role))
        .route("/users/{id}/active", post(change_active))
        .route("/users/{id}/reset", post(create_reset_link))
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
    invite_link: Option<String>,
    /// (whose, link) after an administrator creates a password-reset link.
    reset_link: Option<(String, String)>,
    /// Why no link could be made (no public address is configured).
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
        invite_link: None,
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
    let token = new_token();
    let write = staff.write().await?;
    let created = users::create_user(
        &write,
        staff.organisation(),
        &NewUser {
            email,
            display_name: name.to_owned(),
            role,
            password_hash: NO_PASSWORD.to_owned(),
        },
    )
    .await;
    let invited = match created {
        Ok(invited) => invited,
        Err(StorageError::Duplicate { .. }) => {
            // Email addresses are unique across the installation. The message
            // is the same whether the address is this organisation's (listed
            // on the page) or another's, and names no organisation.
            let errors = FormErrors::from(FieldError {
                field: "email",
                message: staff.chrome("users").await?.tr.t("users-email-unavailable"),
            });
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                invite_form_again(&staff, fields, errors).await?,
            )
                .into_response());
        }
        Err(err) => return Err(err.into()),
    };
    create_user_token(
        &write,
        staff.organisation(),
        invited.id,
        "invite",
        &token_hash(&token),
        onward_storage::repo::now() + Duration::days(INVITE_DAYS),
    )
    .await?;
    write.audit("user.invite", "user", invited.id.0).await?;
    write.commit().await?;
    let mut page = users_page(&staff).await?;
    page.invite_link = Some(link_to(&public_url, "invite", &token));
    Ok(page.into_response())
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
    let valid = peek_user_token(state.database.conn(), &token_hash(&token), purpose)
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
    accept_link(&state, client, &session, &form_token, token, "invite", fields).await
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
    let gone = |token: String, csrf: String| {
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
    };
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
    let mut page = users_page(staff).await?;
    page.link_problem = Some(page.chrome.tr.t("users-no-public-url"));
    Ok((StatusCode::SERVICE_UNAVAILABLE, page).into_response())
}
