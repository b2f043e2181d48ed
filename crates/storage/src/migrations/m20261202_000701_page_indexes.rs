//! Indexes for staff pages at scale (issue 13 item 27: 200,000 learners, a
//! million tasks).
//!
//! - `destination_records_current` `(organisation_id, learner_id, kind, as_of, id)`:
//!   a learner's current destination (their latest *actual* record) is one
//!   backward seek, so the cohort counts and the not-known, at-risk and
//!   September Guarantee lists cost one probe per learner of the cohort.
//! - `tasks_by_checkpoint` `(organisation_id, checkpoint_id, status, due_on,
//!   channel_index)`: a checkpoint's call queue and My work read only that
//!   checkpoint's open tasks in due order, instead of every due task of the
//!   organisation (`tasks_due`), and the queue's "on a phone stage" test is
//!   answered from the index without reading the task. It costs task
//!   generation one more index to maintain (bench/README.md).

use sea_orm_migration::prelude::*;

use super::m20261124_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(index(
                "destination_records_current",
                "destination_records",
                &["organisation_id", "learner_id", "kind", "as_of", "id"],
            ))
            .await?;
        manager
            .create_index(index(
                "tasks_by_checkpoint",
                "tasks",
                &[
                    "organisation_id",
                    "checkpoint_id",
                    "status",
                    "due_on",
                    "channel_index",
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("tasks_by_checkpoint", "tasks"),
            ("destination_records_current", "destination_records"),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
