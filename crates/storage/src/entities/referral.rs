//! SeaORM entity for the `referrals` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: i64,
    pub referral_type: String,
    pub owner_id: Option<i64>,
    pub follow_up_on: Date,
    pub notes: Option<String>,
    pub opened_by: Option<i64>,
    pub opened_at: DateTimeUtc,
    pub outcome: Option<String>,
    pub outcome_note: Option<String>,
    pub closed_by: Option<i64>,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
