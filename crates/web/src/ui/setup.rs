//! The first administrator's setup page, reached by the one-time link
//! `onward serve` prints while no administrator exists (PRODUCT.md journey 1):
//! it creates the organisation (with the shipped plans for its kind) and its
//! administrator, then sends them to sign in. The link works once, for an
//! hour, and not at all once an administrator exists.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use onward_domain::email::EmailAddress;
use onward_domain::organisation::{CountryCode, OrgSlug, OrganisationKind};
use onward_domain::role::Role;
use onward_storage::repo::organisations::{NewOrganisation, organisation_by_slug};
use onward_storage::repo::setup::{
    FirstAdmin, complete_setup, create_setup_token, has_admin, setup_link_usable,
};
use onward_storage::repo::users::NewUser;
use onward_storage::{Database, StorageError};
use serde::Deserialize;
use tower_sessions::Session;

use super::form_errors::FormErrors;
use super::staff::CsrfForm;
use crate::auth::FormToken;
use crate::i18n::Translator;
use crate::passwords::hash_password;
use crate::tokens::{new_token, token_hash};
use crate::{AppState, WebError};

super::chrome::localised! {
    SetupPage => tr;
}

/// How long a setup link printed by `onward serve` stays valid.
pub const SETUP_LINK_HOURS: i64 = 1;

/// While no administrator exists: a new setup token (only its hash stored,
/// valid for [`SETUP_LINK_HOURS`]) for `onward serve` to print as a link.
/// `None` once an administrator exists.
pub async fn issue_setup_token(database: &Database) -> Result<Option<String>, StorageError> {
    if has_admin(database.conn()).await? {
        return Ok(None);
    }
    let token = new_token();
    // No organisation exists to act for yet: the link's use is what is audited.
    let write = database.write_unattributed().await?;
    create_setup_token(
        &write,
        &token_hash(&token),
        onward_storage::repo::now() + chrono::Duration::hours(SETUP_LINK_HOURS),
    )
    .await?;
    write.commit().await?;
    Ok(Some(token))
}

pub fn router() -> Router<AppState> {
    Router::new().route("/setup/{token}", get(show_setup).post(complete))
}

#[derive(Deserialize, Default, Clone, Debug)]
struct SetupFields {
    #[serde(default)]
    organisation_name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    plans: Option<String>,
    #[serde(default)]
    admin_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "account/setup.html")]
struct SetupPage {
    tr: Translator,
    csrf: String,
    token: String,
    valid: bool,
    fields: SetupFields,
    kinds: &'static [OrganisationKind],
    errors: FormErrors,
}

async fn page(
    session: &Session,
    form_token: &FormToken,
    token: String,
    valid: bool,
    fields: SetupFields,
    errors: FormErrors,
) -> Result<SetupPage, WebError> {
    Ok(SetupPage {
        tr: super::chrome::page_translator(session, crate::i18n::DEFAULT_LOCALE).await?,
        csrf: form_token.value.clone(),
        token,
        valid,
        fields,
        kinds: OrganisationKind::ALL,
        errors,
    })
}

async fn show_setup(
    State(state): State<AppState>,
    session: Session,
    form_token: FormToken,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let valid = setup_link_usable(state.database.conn(), &token_hash(&token)).await?;
    let fields = SetupFields {
        country: "GB".to_owned(),
        plans: Some("shipped".to_owned()),
        ..Default::default()
    };
    let status = if valid { StatusCode::OK } else { StatusCode::GONE };
    let page = page(&session, &form_token, token, valid, fields, FormErrors::new()).await?;
    Ok((status, form_token.cookie(), page).into_response())
}

/// A slug made from the organisation's name when none is given ("St Mary's
/// School" → "st-mary-s-school").
fn slug_from_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-')
        .chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// The organisation and administrator the form asks for (the password not
/// yet hashed), or the problems to show.
fn parse_setup(
    fields: &SetupFields,
    tr: &Translator,
) -> Result<(NewOrganisation, String, EmailAddress, bool), FormErrors> {
    let mut errors = FormErrors::new();
    let name = fields.organisation_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push("organisation_name", tr.t("setup-error-organisation-name"));
    }
    let slug_text = match fields.slug.trim() {
        "" => slug_from_name(name),
        given => given.to_owned(),
    };
    let slug = OrgSlug::parse(&slug_text)
        .map_err(|err| errors.push("slug", format!("{}: {}", tr.t("setup-slug"), err.message)))
        .ok();
    let kind = OrganisationKind::from_code(fields.kind.trim());
    if kind.is_none() {
        errors.push("kind", tr.t("setup-error-kind"));
    }
    let country = CountryCode::parse(fields.country.trim())
        .map_err(|_| errors.push("country", tr.t("setup-error-country")))
        .ok();
    let admin_name = fields.admin_name.trim();
    if admin_name.is_empty() || admin_name.chars().count() > 200 {
        errors.push("admin_name", tr.t("setup-error-admin-name"));
    }
    let email = EmailAddress::parse(fields.email.trim())
        .map_err(|_| errors.push("email", tr.t("setup-error-email")))
        .ok();
    for error in super::users::check_new_password(&fields.password, &fields.confirm) {
        errors.add(error);
    }
    match (slug, kind, country, email) {
        (Some(slug), Some(kind), Some(country), Some(email)) if errors.is_empty() => Ok((
            NewOrganisation {
                slug,
                name: name.to_owned(),
                kind,
                country,
            },
            admin_name.to_owned(),
            email,
            fields.plans.is_some(),
        )),
        _ => Err(errors),
    }
}

async fn complete(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    form_token: FormToken,
    Path(token): Path<String>,
    CsrfForm(fields): CsrfForm<SetupFields>,
) -> Result<Response, WebError> {
    let hash = token_hash(&token);
    let conn = state.database.conn();
    if !setup_link_usable(conn, &hash).await? {
        return Ok((
            StatusCode::GONE,
            page(
                &session,
                &form_token,
                token,
                false,
                SetupFields::default(),
                FormErrors::new(),
            )
            .await?,
        )
            .into_response());
    }
    let tr = super::chrome::page_translator(&session, crate::i18n::DEFAULT_LOCALE).await?;
    let mut parsed = parse_setup(&fields, &tr);
    if let Ok((organisation, ..)) = &parsed
        && organisation_by_slug(conn, organisation.slug.as_str())
            .await?
            .is_some()
    {
        let mut errors = FormErrors::new();
        errors.push("slug", tr.t("setup-error-slug-taken"));
        parsed = Err(errors);
    }
    let (organisation, display_name, email, shipped_plans) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            let kept = SetupFields {
                password: String::new(),
                confirm: String::new(),
                ..fields
            };
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&session, &form_token, token, true, kept, errors).await?,
            )
                .into_response());
        }
    };
    let password_hash = hash_password(&fields.password).map_err(|err| WebError::Internal(err.into()))?;
    let first = FirstAdmin {
        organisation,
        admin: NewUser {
            email,
            display_name,
            role: Role::Admin,
            password_hash,
        },
        shipped_plans,
    };
    let mut write = state.database.write_unattributed().await?;
    match complete_setup(&mut write, &hash, &first, Some(peer.ip().to_string())).await? {
        Some(_) => {
            write.commit().await?;
            Ok(Redirect::to("/login").into_response())
        }
        None => {
            drop(write);
            Ok((
                StatusCode::GONE,
                page(
                    &session,
                    &form_token,
                    token,
                    false,
                    SetupFields::default(),
                    FormErrors::new(),
                )
                .await?,
            )
                .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_the_name_when_left_empty() {
        assert_eq!(slug_from_name("St Mary's School"), "st-mary-s-school");
        assert_eq!(
            slug_from_name("  Aire Valley College 2 "),
            "aire-valley-college-2"
        );
        assert!(OrgSlug::parse(&slug_from_name("Ysgol Gymraeg Aberystwyth")).is_ok());
    }
}
