//! Success-story moderation (issue 15): a story a learner submits with the
//! survey (`survey_alumni.story`) is shown nowhere until a member of staff
//! approves it. The learner's own words stay as submitted; an edit is kept
//! beside them (`story_text`), with the status and who moderated it when.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one column per ALTER TABLE.
        let columns = [
            // `pending` (or NULL), `approved` or `withdrawn`.
            string_len_null("story_status", 20),
            text_null("story_text"),
            big_integer_null("moderated_by"),
            timestamp_with_time_zone_null("moderated_at"),
        ];
        for column in columns {
            manager
                .alter_table(Table::alter().table("survey_alumni").add_column(column).take())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["story_status", "story_text", "moderated_by", "moderated_at"] {
            manager
                .alter_table(Table::alter().table("survey_alumni").drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
