//! SeaORM entity for the `checkpoints` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "checkpoints")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub tracking_plan_id: i64,
    pub position: i32,
    pub key: String,
    pub name: String,
    pub anchor: String,
    pub fixed_month: Option<i16>,
    pub fixed_day: Option<i16>,
    pub offset_days: i32,
    pub channels: String,
    pub responsible_role: String,
    pub max_attempts: i16,
    /// The survey this checkpoint sends (a name under surveys/), if any.
    pub survey: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
