//! My work: the signed-in person's due tasks, grouped by checkpoint, oldest
//! first, and the referrals they own, oldest follow-up first.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;

use axum::routing::get;
use onward_storage::CheckpointId;
use onward_storage::repo::calls::queue_checkpoint;
use onward_storage::repo::support::{Referral, open_referrals_for_owner};
use onward_storage::repo::tasks::{DueTask, due_tasks_for_role};

use super::chrome::{Chrome, localised};
use super::staff::Staff;
use crate::{AppState, WebError};

localised! {
    WorkPage => chrome.tr;
}

/// The most tasks one page lists; the counts say when there are more.
const SHOWN: u64 = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/work", get(my_work))
}

/// Tasks of one checkpoint.
struct Group {
    checkpoint: String,
    checkpoint_id: CheckpointId,
    /// The checkpoint is followed up by phone, so it has a call queue.
    phone: bool,
    tasks: Vec<DueTask>,
}

#[derive(Template, WebTemplate)]
#[template(path = "calls/work.html")]
struct WorkPage {
    chrome: Chrome,
    groups: Vec<Group>,
    total: usize,
    /// Open referrals this person follows up, oldest follow-up date first.
    referrals: Vec<Referral>,
    /// How many of them are due today or overdue.
    referrals_due: usize,
    today: chrono::NaiveDate,
}

async fn my_work(staff: Staff) -> Result<WorkPage, WebError> {
    let today = chrono::Utc::now().date_naive();
    let tasks = due_tasks_for_role(
        staff.conn(),
        staff.organisation(),
        &staff.scope,
        staff.user.role,
        today,
        SHOWN,
    )
    .await?;
    let total = tasks.len();
    let mut groups: Vec<Group> = Vec::new();
    for task in tasks {
        match groups.last_mut() {
            Some(group) if group.checkpoint_id == task.checkpoint => group.tasks.push(task),
            _ => {
                let phone = queue_checkpoint(staff.conn(), staff.organisation(), task.checkpoint)
                    .await?
                    .uses_phone();
                groups.push(Group {
                    checkpoint: task.checkpoint_name.clone(),
                    checkpoint_id: task.checkpoint,
                    phone,
                    tasks: vec![task],
                })
            }
        }
    }
    let referrals = open_referrals_for_owner(
        staff.conn(),
        staff.organisation(),
        &staff.scope,
        staff.user.id,
        SHOWN,
    )
    .await?;
    let referrals_due = referrals.iter().filter(|r| r.follow_up_on <= today).count();
    Ok(WorkPage {
        chrome: staff.chrome("work").await?,
        groups,
        total,
        referrals,
        referrals_due,
        today,
    })
}
