//! Byte-order collation for the learner search key on PostgreSQL (so prefix
//! range scans use the index whatever the server's locale), failed sign-in
//! counters for lockout, and single-use tokens for invitations and resets.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    r#"ALTER TABLE learners ALTER COLUMN search_name TYPE varchar(201) COLLATE "C""#,
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(integer("failed_sign_ins").default(0))
                    .take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .add_column(timestamp_with_time_zone_null("locked_until"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("user_tokens")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(big_integer("user_id"))
                    // SHA-256 of the token: the token itself is only ever in the link.
                    .col(string_len_uniq("token_hash", 64))
                    .col(string_len("purpose", 20))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("user_tokens", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("user_tokens", "user_id")
                            .to("users", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("user_tokens").take())
            .await?;
        manager
            .alter_table(Table::alter().table("users").drop_column("locked_until").take())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("users")
                    .drop_column("failed_sign_ins")
                    .take(),
            )
            .await?;
        Ok(())
    }
}
