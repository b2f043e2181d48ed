//! Tenant scoping in one place: every tenant table's rows are read, changed
//! and deleted through [`TenantScoped::in_org`] (or [`TenantScoped::find_in`],
//! [`find_owned`]), so a query cannot name the organisation column by hand and
//! forget it. Another organisation's id is simply "not found".

use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PrimaryKeyTrait, QueryFilter, Select};

use crate::entities::{
    audit_event, checkpoint, cohort, contact_attempt, contact_point, delivery_receipt, destination_record,
    destination_verification, enrolment, guarantee_offer, guarantee_offer_change, idempotency_key,
    import_file, import_file_chunk, import_issue, import_mapping, import_run, intention, learner,
    probable_duplicate, programme, referral, staff_invitation, support_flag, survey_alumni, survey_answer,
    survey_consent, survey_contact_change, survey_invitation, task, tracking_plan, tutor_assignment, user,
    user_token,
};
use crate::entities::{campaign, campaign_message};
use crate::{OrganisationId, Result, StorageError};

/// An entity whose rows belong to one organisation (`organisation_id`).
pub trait TenantScoped: EntityTrait {
    /// The table's `organisation_id` column.
    fn organisation_column() -> Self::Column;

    /// The condition that keeps a query (select, update or delete) inside `org`.
    fn in_org(org: OrganisationId) -> SimpleExpr {
        Self::organisation_column().eq(org.0)
    }

    /// The same condition, written so that no index on `organisation_id` can
    /// serve it (`organisation_id + 0 = org`), for a query that walks the
    /// primary key in order (`id > after ORDER BY id LIMIT n`, reading a whole
    /// organisation a page at a time). Given an index on `organisation_id`,
    /// SQLite takes it, then reads and sorts every row of the organisation for
    /// each page.
    fn in_org_by_key_order(org: OrganisationId) -> SimpleExpr {
        Expr::col(Self::organisation_column()).add(0).eq(org.0)
    }

    /// The organisation's rows.
    fn find_in(org: OrganisationId) -> Select<Self> {
        Self::find().filter(Self::in_org(org))
    }
}

/// The row `id` of `E` if it belongs to `org`; otherwise (another
/// organisation's id, or none) [`StorageError::NotFound`] naming `what`.
pub async fn find_owned<E>(
    conn: &impl ConnectionTrait,
    org: OrganisationId,
    id: i64,
    what: impl FnOnce() -> String,
) -> Result<E::Model>
where
    E: TenantScoped,
    i64: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    E::find_by_id(id)
        .filter(E::in_org(org))
        .one(conn)
        .await?
        .ok_or_else(|| StorageError::not_found(what()))
}

macro_rules! tenant_scoped {
    ($($entity:ident),+ $(,)?) => {
        $(
            impl TenantScoped for $entity::Entity {
                fn organisation_column() -> Self::Column {
                    $entity::Column::OrganisationId
                }
            }
        )+
    };
}

tenant_scoped!(
    audit_event,
    checkpoint,
    cohort,
    contact_attempt,
    contact_point,
    delivery_receipt,
    destination_record,
    destination_verification,
    enrolment,
    guarantee_offer,
    guarantee_offer_change,
    idempotency_key,
    import_file,
    import_file_chunk,
    import_issue,
    import_mapping,
    import_run,
    intention,
    learner,
    probable_duplicate,
    programme,
    referral,
    staff_invitation,
    support_flag,
    survey_alumni,
    survey_answer,
    survey_consent,
    survey_contact_change,
    survey_invitation,
    task,
    tracking_plan,
    tutor_assignment,
    user,
    user_token,
    campaign,
    campaign_message,
);

// The inbound side of outreach (opt-out links, the SMS inbox, employer checks).
use crate::entities::{employer_check, opt_out_link, sms_inbox};
tenant_scoped!(employer_check, opt_out_link, sms_inbox);
