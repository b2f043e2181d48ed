//! SeaORM entity for the `import_runs` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub user_id: Option<i64>,
    pub import_file_id: Option<i64>,
    pub file_name: String,
    pub sheet: Option<String>,
    pub sha256: Option<String>,
    pub mapping_name: Option<String>,
    pub mapping: String,
    pub status: String,
    pub dry_run: bool,
    pub on_error: String,
    pub rows_read: i64,
    pub rows_total: Option<i64>,
    pub counts: String,
    pub errors: i64,
    pub warnings: i64,
    pub message: Option<String>,
    pub started_at: DateTimeUtc,
    /// Moved on by every committed batch: a `running` run not updated for a
    /// while belongs to a process that stopped.
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
