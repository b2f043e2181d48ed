//! SeaORM entity for the `campaigns` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub cohort_id: i64,
    pub checkpoint_id: i64,
    pub survey_name: Option<String>,
    pub channels: String,
    pub schedule_days: String,
    pub quiet_from_hour: Option<i16>,
    pub quiet_until_hour: Option<i16>,
    pub quiet_days: String,
    pub status: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// The campaign's own email wording per language, as JSON; NULL for the standard wording.
    pub wording: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
