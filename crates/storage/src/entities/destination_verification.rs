//! SeaORM entity for the `destination_verifications` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "destination_verifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub destination_record_id: i64,
    pub from_verification: String,
    pub to_verification: String,
    pub evidence: String,
    pub verified_by: Option<i64>,
    pub verified_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
