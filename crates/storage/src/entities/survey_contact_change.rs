//! SeaORM entity for the `survey_contact_changes` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_contact_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: i64,
    pub invitation_id: Option<i64>,
    pub kind: String,
    pub value: String,
    pub proposed_at: DateTimeUtc,
    /// `accepted` or `rejected`; NULL while it waits for staff.
    pub decision: Option<String>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
