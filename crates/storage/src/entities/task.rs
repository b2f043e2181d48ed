//! SeaORM entity for the `tasks` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub enrolment_id: i64,
    pub checkpoint_id: i64,
    pub due_on: Date,
    pub status: String,
    pub channel_index: i16,
    pub attempts: i16,
    pub updated_at: DateTimeUtc,
    /// The caller who has the task open in the call queue, until `claimed_until`.
    pub claimed_by: Option<i64>,
    pub claimed_until: Option<DateTimeUtc>,
    /// The destination record that answered the task (closed it as done).
    pub destination_record_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
