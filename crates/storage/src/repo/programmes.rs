//! Programmes (courses) an organisation runs.

use onward_domain::programme::{ProgrammeType, QualificationLevel, SectorSubjectArea, StudyMode};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::{decode, decode_opt, now};
use crate::entities::programme;
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, ProgrammeId, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProgramme {
    pub title: String,
    pub programme_type: ProgrammeType,
    pub level: Option<QualificationLevel>,
    pub sector_subject_area: Option<SectorSubjectArea>,
    pub mode: StudyMode,
    pub funding_stream: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Programme {
    pub id: ProgrammeId,
    pub details: NewProgramme,
    pub archived: bool,
}

fn from_model(model: programme::Model) -> Result<Programme> {
    Ok(Programme {
        id: ProgrammeId(model.id),
        details: NewProgramme {
            programme_type: decode("programmes", "programme_type", &model.programme_type)?,
            level: decode_opt("programmes", "level", model.level.as_deref())?,
            sector_subject_area: decode_opt(
                "programmes",
                "sector_subject_area",
                model.sector_subject_area.as_deref(),
            )?,
            mode: decode("programmes", "mode", &model.mode)?,
            title: model.title,
            funding_stream: model.funding_stream,
        },
        archived: model.archived,
    })
}

pub async fn create_programme(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewProgramme,
) -> Result<ProgrammeId> {
    let model = programme::ActiveModel {
        organisation_id: Set(org.0),
        title: Set(new.title.clone()),
        programme_type: Set(new.programme_type.code().to_owned()),
        level: Set(new.level.map(|v| v.code().to_owned())),
        sector_subject_area: Set(new.sector_subject_area.map(|v| v.code().to_owned())),
        mode: Set(new.mode.code().to_owned()),
        funding_stream: Set(new.funding_stream.clone()),
        archived: Set(false),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(ProgrammeId(model.id))
}

pub async fn list_programmes(conn: &impl ConnectionTrait, org: OrganisationId) -> Result<Vec<Programme>> {
    programme::Entity::find_in(org)
        .order_by_asc(programme::Column::Title)
        .all(conn)
        .await?
        .into_iter()
        .map(from_model)
        .collect()
}

pub async fn programme(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: ProgrammeId,
) -> Result<Programme> {
    programme::Entity::find_by_id(id.0)
        .filter(programme::Entity::in_org(org))
        .one(conn)
        .await?
        .ok_or_else(|| crate::StorageError::not_found(format!("programme {id}")))
        .and_then(from_model)
}

pub async fn update_programme(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: ProgrammeId,
    new: &NewProgramme,
) -> Result<()> {
    let model = programme::Entity::find_by_id(id.0)
        .filter(programme::Entity::in_org(org))
        .one(conn)
        .await?
        .ok_or_else(|| crate::StorageError::not_found(format!("programme {id}")))?;
    let mut active: programme::ActiveModel = model.into();
    active.title = Set(new.title.clone());
    active.programme_type = Set(new.programme_type.code().to_owned());
    active.level = Set(new.level.map(|v| v.code().to_owned()));
    active.sector_subject_area = Set(new.sector_subject_area.map(|v| v.code().to_owned()));
    active.mode = Set(new.mode.code().to_owned());
    active.funding_stream = Set(new.funding_stream.clone());
    active.update(conn).await?;
    Ok(())
}

pub async fn set_programme_archived(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: ProgrammeId,
    archived: bool,
) -> Result<()> {
    let result = programme::Entity::update_many()
        .col_expr(
            programme::Column::Archived,
            sea_orm::sea_query::Expr::value(archived),
        )
        .filter(programme::Column::Id.eq(id.0))
        .filter(programme::Entity::in_org(org))
        .exec(conn)
        .await?;
    if result.rows_affected == 0 {
        return Err(crate::StorageError::not_found(format!("programme {id}")));
    }
    Ok(())
}
