//! SeaORM entity for the `import_file_chunks` table (schema in `migrations`):
//! an uploaded file's content, 1 MB a row, in order of `seq`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_file_chunks")]
pub struct Model {
    pub organisation_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub import_file_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    pub content: Vec<u8>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
