//! Organisations: the tenants. Every other row belongs to one.

use onward_domain::organisation::{CountryCode, OrgSlug, OrganisationKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{decode, now};
use crate::entities::organisation;
use crate::{OrganisationId, Result, StorageError};

#[derive(Clone, Debug)]
pub struct NewOrganisation {
    pub slug: OrgSlug,
    pub name: String,
    pub kind: OrganisationKind,
    pub country: CountryCode,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub slug: OrgSlug,
    pub name: String,
    pub kind: OrganisationKind,
    pub country: CountryCode,
    pub default_locale: String,
}

fn from_model(model: organisation::Model) -> Result<Organisation> {
    Ok(Organisation {
        id: OrganisationId(model.id),
        kind: decode("organisations", "kind", &model.kind)?,
        slug: decode("organisations", "slug", &model.slug)?,
        name: model.name,
        country: decode("organisations", "country", &model.country)?,
        default_locale: model.default_locale,
    })
}

pub async fn create_organisation(conn: &impl ConnectionTrait, new: &NewOrganisation) -> Result<Organisation> {
    let model = organisation::ActiveModel {
        slug: Set(new.slug.as_str().to_owned()),
        name: Set(new.name.clone()),
        kind: Set(new.kind.code().to_owned()),
        country: Set(new.country.as_str().to_owned()),
        default_locale: Set(new.country.default_locale().to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|err| {
        StorageError::from_insert(err, || {
            format!("an organisation with the slug `{}`", new.slug.as_str())
        })
    })?;
    from_model(model)
}

pub async fn organisation_by_slug(conn: &impl ConnectionTrait, slug: &str) -> Result<Option<Organisation>> {
    organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(slug))
        .one(conn)
        .await?
        .map(from_model)
        .transpose()
}

pub async fn organisation(conn: &impl ConnectionTrait, id: OrganisationId) -> Result<Organisation> {
    organisation::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("organisation {id}")))
        .and_then(from_model)
}

pub async fn list_organisations(conn: &impl ConnectionTrait) -> Result<Vec<Organisation>> {
    organisation::Entity::find()
        .order_by_asc(organisation::Column::Slug)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

/// Changes the settings an administrator can edit in the web app.
pub async fn update_settings(
    conn: &impl ConnectionTrait,
    id: OrganisationId,
    name: &str,
    default_locale: &str,
) -> Result<()> {
    let model = organisation::Entity::find_by_id(id.0)
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(format!("organisation {id}")))?;
    let mut active: organisation::ActiveModel = model.into();
    active.name = Set(name.to_owned());
    active.default_locale = Set(default_locale.to_owned());
    active.update(conn).await?;
    Ok(())
}
