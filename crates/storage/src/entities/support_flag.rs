//! SeaORM entity for the `support_flags` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "support_flags")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: i64,
    pub reason: String,
    pub raised_by: Option<i64>,
    pub raised_at: DateTimeUtc,
    pub cleared_by: Option<i64>,
    pub cleared_at: Option<DateTimeUtc>,
    pub cleared_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
