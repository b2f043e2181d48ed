//! SeaORM entity for the `enrolments` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enrolments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: i64,
    pub programme_id: i64,
    pub cohort_id: i64,
    pub start_date: Date,
    pub planned_end_date: Date,
    pub actual_end_date: Option<Date>,
    pub completion_status: String,
    pub created_at: DateTimeUtc,
    /// What the MIS import last wrote for this enrolment, hashed (see `import::known`).
    pub import_fingerprint: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
