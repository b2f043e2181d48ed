//! SeaORM entity for the `learners` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "learners")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub uln: Option<String>,
    pub upn: Option<String>,
    pub mis_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub search_name: String,
    pub date_of_birth: Option<Date>,
    pub sex: Option<String>,
    pub ethnicity: Option<String>,
    pub lldd: Option<String>,
    pub free_school_meals: Option<bool>,
    pub care_leaver: Option<bool>,
    pub send: Option<bool>,
    pub postcode: Option<String>,
    pub preferred_language: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The learner asked not to be contacted again (follow-ups skip them).
    pub opted_out_at: Option<DateTimeUtc>,
    /// The learner's data was erased on request (follow-ups skip them).
    pub erased_at: Option<DateTimeUtc>,
    /// What the MIS import last wrote for this learner, hashed; NULL after an
    /// edit by hand (see `import::known`).
    pub import_fingerprint: Option<i64>,
    /// The tutor group the learner is taught in (tutors see their groups' learners).
    pub tutor_group: Option<String>,
    /// The category of the learner's current destination (their latest actual
    /// record), kept by `record_destination`; NULL when none is recorded.
    pub current_category: Option<String>,
    /// The learner's most advanced September Guarantee offer that counts
    /// (an offer status code), kept by `repo::guarantee`.
    pub best_offer: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
