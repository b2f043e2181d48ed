//! SeaORM entity for the `survey_alumni` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "survey_alumni")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub learner_id: i64,
    pub invitation_id: Option<i64>,
    pub opt_in: Option<bool>,
    pub story: Option<String>,
    pub publish: Option<bool>,
    pub recorded_at: DateTimeUtc,
    /// `pending` (or NULL), `approved` or `withdrawn`: only approved stories are shown.
    pub story_status: Option<String>,
    /// The story as staff edited it; NULL shows the learner's own words.
    pub story_text: Option<String>,
    pub moderated_by: Option<i64>,
    pub moderated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
