//! SeaORM entity for the `sms_inbox` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_inbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: Option<i64>,
    pub gateway_id: String,
    pub from_number: String,
    pub body: String,
    pub reason: String,
    pub received_at: DateTimeUtc,
    pub handled_at: Option<DateTimeUtc>,
    pub handled_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
