//! Delivery receipts: what the SMS gateway reports became of each message.

use chrono::{DateTime, Utc};
use onward_domain::contact::ContactChannel;
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ConnectionTrait, QueryOrder};

use super::decode;
use crate::entities::delivery_receipt::{self, Column};
use crate::repo::tenant::TenantScoped;
use crate::{OrganisationId, Result};

/// A receipt as the gateway sent it (checked at the edge: signature, sizes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDeliveryReceipt {
    pub channel: ContactChannel,
    pub gateway_id: String,
    pub reference: Option<String>,
    /// The gateway's status code (`delivered`, `permanent-failure`, …).
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryReceipt {
    pub receipt: NewDeliveryReceipt,
    pub received_at: DateTime<Utc>,
}

/// Keeps a receipt; one the gateway sends again (same message and status)
/// is kept once. Returns whether it was new.
pub async fn record_delivery_receipt(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    new: &NewDeliveryReceipt,
) -> Result<bool> {
    let insert = Query::insert()
        .into_table(delivery_receipt::Entity)
        .columns([
            Column::OrganisationId,
            Column::Channel,
            Column::GatewayId,
            Column::Reference,
            Column::Status,
            Column::ReceivedAt,
        ])
        .values_panic([
            Expr::val(org.0),
            Expr::val(new.channel.code()),
            Expr::val(new.gateway_id.as_str()),
            Expr::val(new.reference.clone()),
            Expr::val(new.status.as_str()),
            Expr::val(super::now()),
        ])
        .on_conflict(
            OnConflict::columns([
                Column::OrganisationId,
                Column::Channel,
                Column::GatewayId,
                Column::Status,
            ])
            .do_nothing()
            .to_owned(),
        )
        .to_owned();
    Ok(conn.execute(&insert).await?.rows_affected() == 1)
}

/// The organisation's receipts, oldest first.
pub async fn delivery_receipts(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
) -> Result<Vec<DeliveryReceipt>> {
    delivery_receipt::Entity::find_in(org)
        .order_by_asc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|model| {
            Ok(DeliveryReceipt {
                receipt: NewDeliveryReceipt {
                    channel: decode("delivery_receipts", "channel", &model.channel)?,
                    gateway_id: model.gateway_id,
                    reference: model.reference,
                    status: model.status,
                },
                received_at: model.received_at,
            })
        })
        .collect()
}
