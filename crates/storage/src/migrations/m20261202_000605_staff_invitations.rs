//! Staff invitations (issue 13 item 10): an invitation is its own row until
//! it is accepted, and only then makes a user. Inviting an address that
//! already has an account (in this installation, any organisation) therefore
//! looks exactly like inviting a new one: the invitation is listed as
//! pending, and the address gets an email either way. Only the SHA-256 of
//! each link's token is stored.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("staff_invitations")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organisation_id"))
                    .col(string_len("email", 320))
                    .col(string_len("display_name", 200))
                    .col(string_len("role", 40))
                    .col(string_len_uniq("token_hash", 64))
                    .col(big_integer_null("invited_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("accepted_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("staff_invitations", "organisation_id")
                            .to("organisations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("staff_invitations_by_email")
                    .table("staff_invitations")
                    .col("organisation_id")
                    .col("email")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("staff_invitations").to_owned())
            .await
    }
}
