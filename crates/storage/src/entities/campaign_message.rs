//! SeaORM entity for the `campaign_messages` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub campaign_id: i64,
    pub learner_id: i64,
    pub task_id: Option<i64>,
    pub step: i16,
    pub channel: String,
    /// `campaign:{c}:learner:{l}:step:{s}:{channel}`, unique.
    pub idempotency_key: String,
    pub status: String,
    pub reason: Option<String>,
    pub attempts: i32,
    pub contact_point_id: Option<i64>,
    pub invitation_id: Option<i64>,
    pub provider_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
