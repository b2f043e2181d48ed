//! SeaORM entity for the `delivery_receipts` table (schema in `migrations`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_receipts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    /// `sms` (and later `email`).
    pub channel: String,
    /// The gateway's id of the message.
    pub gateway_id: String,
    /// The reference Onward sent with the message (its send key).
    pub reference: Option<String>,
    /// The gateway's status code, e.g. `delivered` or `permanent-failure`.
    pub status: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
