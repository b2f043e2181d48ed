//! SeaORM entity for the `contact_attempts` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: i64,
    pub task_id: Option<i64>,
    pub channel: String,
    pub direction: String,
    pub outcome: String,
    pub notes: Option<String>,
    pub user_id: Option<i64>,
    pub attempted_at: DateTimeUtc,
    /// The call form's one-time key: a second submission with it records nothing.
    #[sea_orm(unique)]
    pub idempotency_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
