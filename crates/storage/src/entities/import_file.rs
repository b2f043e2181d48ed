//! SeaORM entity for the `import_files` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_files")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub user_id: Option<i64>,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub content: Vec<u8>,
    pub created_at: DateTimeUtc,
    /// When the file's content was deleted (its chunks, and `content` of files
    /// uploaded before chunks), after its import or the retention period.
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
