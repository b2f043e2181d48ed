//! `tasks_by_stage (organisation_id, checkpoint_id, status, channel_index,
//! due_on)` replaces `tasks_by_checkpoint (…, status, due_on, channel_index)`.
//!
//! My work and the call queue read a checkpoint's open tasks oldest first.
//! With the channel after the due date, the index gave the tasks of a status in
//! (due on, channel, id) order, not the (due on, id) the queries ask for, so
//! SQLite preferred `tasks_due (organisation_id, status, due_on)`, whose order
//! is (due on, id), and walked every due task of the organisation to find the
//! checkpoint's first 500 (1.2–2.7 s at a million tasks, issue 13 item 27).
//! With the channel before the due date, each (checkpoint, status, channel
//! stage) is one range already in (due on, id) order: the queries read one
//! range per stage (the call queue only the phone stages) and merge them.

use sea_orm_migration::prelude::*;

use super::m20261124_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 5] = [
    "organisation_id",
    "checkpoint_id",
    "status",
    "channel_index",
    "due_on",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("tasks_by_checkpoint")
                    .table("tasks")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("tasks_by_stage", "tasks", &COLUMNS))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("tasks_by_stage").table("tasks").to_owned())
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
}
