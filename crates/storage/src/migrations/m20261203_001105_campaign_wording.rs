//! A campaign's own wording (issue 15): the email's subject and message per
//! language, as JSON (`{"en-GB": {"subject": …, "body": …}, "cy": …}`); NULL
//! sends Onward's standard wording. Saving is refused when a language the
//! cohort's learners are written to in has no wording.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("campaigns")
                    .add_column(text_null("wording"))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("campaigns").drop_column("wording").take())
            .await
    }
}
