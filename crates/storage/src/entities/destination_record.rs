//! SeaORM entity for the `destination_records` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "destination_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: i64,
    pub kind: String,
    pub category: String,
    pub as_of: Date,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub institution: Option<String>,
    pub employer: Option<String>,
    pub job_role: Option<String>,
    pub hours_per_week: Option<i16>,
    pub sector: Option<String>,
    pub course: Option<String>,
    pub level: Option<String>,
    pub source: String,
    pub verification: String,
    pub notes: Option<String>,
    pub recorded_by: Option<i64>,
    pub recorded_at: DateTimeUtc,
    /// The record this one corrects (a correction is a new record; the old
    /// one stays in the history).
    pub corrects_id: Option<i64>,
    /// The survey (name and version) a learner's answers made this record from.
    pub survey_name: Option<String>,
    pub survey_version: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
