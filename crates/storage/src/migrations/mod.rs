//! Schema migrations. They run unchanged on SQLite and PostgreSQL, at every start.

use sea_orm_migration::prelude::*;

mod m20261124_000001_initial;
mod m20261124_000002_search_and_sign_in;
mod m20261124_000003_imports;
mod m20261126_000011_call_queue;
mod m20261126_000012_support;
mod m20261202_000013_idempotency_keys;
mod m20261202_000013_jobs;
mod m20261202_000101_import_file_chunks;
mod m20261202_000201_import_fingerprints;
mod m20261202_000301_session_generation;
mod m20261202_000501_tutor_groups;
mod m20261202_000601_task_answered_by;
mod m20261202_000602_destination_details;
mod m20261202_000603_offer_history;
mod m20261202_000604_setup_links;
mod m20261202_000605_staff_invitations;
mod m20261202_000701_page_indexes;
mod m20261202_000702_current_destination;
mod m20261202_000703_tasks_by_stage;
mod m20261202_000704_best_offer;
mod m20261202_000801_surveys;
mod m20261202_000901_delivery_receipts;
mod m20261203_001001_campaigns;
mod m20261203_001101_opt_out_links;
mod m20261203_001102_sms_inbox;
mod m20261203_001103_employer_checks;
mod m20261203_001104_story_moderation;
mod m20261203_001105_campaign_wording;
mod m20261203_001201_cohort_members;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_initial::Migration),
            Box::new(m20261124_000002_search_and_sign_in::Migration),
            Box::new(m20261124_000003_imports::Migration),
            Box::new(m20261126_000012_support::Migration),
            Box::new(m20261126_000011_call_queue::Migration),
            Box::new(m20261202_000013_idempotency_keys::Migration),
            Box::new(m20261202_000013_jobs::Migration),
            Box::new(m20261202_000101_import_file_chunks::Migration),
            Box::new(m20261202_000701_page_indexes::Migration),
            Box::new(m20261202_000201_import_fingerprints::Migration),
            Box::new(m20261202_000601_task_answered_by::Migration),
            Box::new(m20261202_000602_destination_details::Migration),
            Box::new(m20261202_000603_offer_history::Migration),
            Box::new(m20261202_000604_setup_links::Migration),
            Box::new(m20261202_000501_tutor_groups::Migration),
            Box::new(m20261202_000301_session_generation::Migration),
            Box::new(m20261202_000702_current_destination::Migration),
            Box::new(m20261202_000703_tasks_by_stage::Migration),
            Box::new(m20261202_000801_surveys::Migration),
            Box::new(m20261202_000901_delivery_receipts::Migration),
            Box::new(m20261202_000605_staff_invitations::Migration),
            Box::new(m20261202_000704_best_offer::Migration),
            Box::new(m20261203_001001_campaigns::Migration),
            Box::new(m20261203_001101_opt_out_links::Migration),
            Box::new(m20261203_001102_sms_inbox::Migration),
            Box::new(m20261203_001103_employer_checks::Migration),
            Box::new(m20261203_001104_story_moderation::Migration),
            Box::new(m20261203_001105_campaign_wording::Migration),
            Box::new(m20261203_001201_cohort_members::Migration),
        ]
    }
}
