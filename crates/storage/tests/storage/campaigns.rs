//! Campaigns (issue 15): the audience and its exclusions, planning a step
//! once, claiming and settling a message, escalation to the phone queue, and
//! progress counts. On SQLite and PostgreSQL.

use chrono::{NaiveDate, Utc};
use onward_domain::campaign::{CampaignStatus, DEFAULT_SCHEDULE_DAYS, MessageStatus, QuietHours};
use onward_domain::contact::{ContactChannel, ContactPointKind};
use onward_domain::destination::{DestinationCategory, DestinationKind};
use onward_domain::role::Role;
use onward_domain::tracking::TaskStatus;
use onward_storage::repo::calls::{mark_learner, open_tasks, task_progress};
use onward_storage::repo::campaigns::{
    Exclusion, MessageOutcome, NewCampaign, audience, campaign, campaigns, claim_message, create_campaign,
    messages, move_on_after_last_step, plan_step, progress, reason_not_to_send, set_status, settle_message,
};
use onward_storage::repo::contacts::{NewContactPoint, add_contact_point};
use onward_storage::repo::destinations::record_destination;
use onward_storage::{CampaignId, LearnerId, OrganisationId};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

struct World {
    org: OrganisationId,
    campaign: CampaignId,
    learners: Vec<LearnerId>,
}

/// Five leavers on a plan of email, then phone (at most 2 emails): Ann and
/// Ben have consented email addresses, Cat's address has no consent, Dan has
/// none, Eve opted out.
async fn world(db: &TestDatabase) -> World {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "campaigns").await;
    let user = fixtures::user(
        conn,
        &organisation,
        Role::ProgressionLead,
        "lead@campaigns.example",
    )
    .await;
    let plan = fixtures::follow_up_plan(&[ContactChannel::Email, ContactChannel::Phone], 2);
    let queue =
        fixtures::leavers_due_a_call(conn, organisation.id, &plan, &["Ann", "Ben", "Cat", "Dan", "Eve"])
            .await;
    for (index, consent) in [(0, true), (1, true), (2, false), (4, true)] {
        add_contact_point(
            conn,
            organisation.id,
            queue.learners[index],
            &NewContactPoint {
                kind: ContactPointKind::Email,
                value: format!("learner{index}@campaigns.example"),
                consent,
            },
        )
        .await
        .expect("email");
    }
    mark_learner(conn, organisation.id, queue.learners[4], true, false)
        .await
        .expect("opt out");
    let campaign = create_campaign(
        conn,
        organisation.id,
        &NewCampaign {
            wording: Default::default(),
            cohort: queue.cohort,
            checkpoint: queue.plan.checkpoints[0].id,
            schedule_days: DEFAULT_SCHEDULE_DAYS.to_vec(),
            quiet: QuietHours::none(),
            created_by: Some(user.id),
        },
    )
    .await
    .expect("campaign");
    World {
        org: organisation.id,
        campaign,
        learners: queue.learners,
    }
}

async fn campaigns_plan_send_and_escalate(db: TestDatabase) {
    let w = world(&db).await;
    let conn = db.conn();
    let made = campaign(conn, w.org, w.campaign).await.expect("campaign");
    assert_eq!(made.status, CampaignStatus::Draft);
    assert_eq!(made.channels, vec![ContactChannel::Email, ContactChannel::Phone]);
    assert_eq!(made.schedule_days, vec![0, 7, 14, 28, 42]);
    assert_eq!(made.survey_name.as_deref(), Some("follow-up-3-6-month"));
    assert_eq!(campaigns(conn, w.org).await.expect("list").len(), 1);
    let other = fixtures::organisation(conn, "other").await;
    assert!(
        campaign(conn, other.id, w.campaign).await.is_err(),
        "another organisation's campaign is not found"
    );

    let running = set_status(conn, w.org, w.campaign, CampaignStatus::Running)
        .await
        .expect("start");
    assert!(running.started_at.is_some());

    // The audience: Ann and Ben by email; Cat (no consent) and Dan (no
    // address) pass over email to the phone; Eve is excluded.
    let people = audience(conn, w.org, &running).await.expect("audience");
    let by_email: Vec<LearnerId> = people
        .members
        .iter()
        .filter(|m| m.channel == ContactChannel::Email)
        .map(|m| m.learner)
        .collect();
    assert_eq!(by_email, vec![w.learners[0], w.learners[1]]);
    let cat = people
        .members
        .iter()
        .find(|m| m.learner == w.learners[2])
        .expect("Cat");
    assert_eq!(cat.channel, ContactChannel::Phone);
    assert_eq!(
        cat.passed_over,
        vec![(ContactChannel::Email, Exclusion::NoConsent(ContactChannel::Email))]
    );
    let dan = people
        .members
        .iter()
        .find(|m| m.learner == w.learners[3])
        .expect("Dan");
    assert_eq!(
        dan.passed_over,
        vec![(
            ContactChannel::Email,
            Exclusion::NoContactPoint(ContactChannel::Email)
        )]
    );
    assert_eq!(people.excluded.len(), 1);
    assert_eq!(people.excluded[0].learner, w.learners[4]);
    assert_eq!(people.excluded[0].reason, Exclusion::OptedOut);

    // Step 0, planned twice: two messages, once; Cat and Dan move to the phone.
    let plan = plan_step(conn, w.org, &running, 0, &people, &[ContactChannel::Email])
        .await
        .expect("plan");
    assert_eq!(plan.queued.len(), 2);
    assert_eq!(plan.moved_on, 2);
    assert_eq!(plan.on_other_stages, 2);
    let people = audience(conn, w.org, &running).await.expect("audience");
    let again = plan_step(conn, w.org, &running, 0, &people, &[ContactChannel::Email])
        .await
        .expect("plan again");
    assert!(again.queued.is_empty());
    assert_eq!(again.already, 2);
    assert_eq!(again.moved_on, 0);
    let cat_task = people
        .members
        .iter()
        .find(|m| m.learner == w.learners[2])
        .expect("Cat")
        .task;
    assert_eq!(
        task_progress(conn, w.org, cat_task)
            .await
            .expect("task")
            .channel_index,
        1
    );

    // Ann's message: claimed once, sent, recorded as an attempt.
    let ann_key = &plan.queued[0].key;
    let claimed = claim_message(conn, w.org, ann_key)
        .await
        .expect("claim")
        .expect("claimed");
    assert_eq!(claimed.attempt, 1);
    assert_eq!(
        reason_not_to_send(conn, w.org, &claimed, running.checkpoint)
            .await
            .expect("check"),
        None
    );
    settle_message(
        conn,
        w.org,
        &claimed,
        &MessageOutcome::Sent {
            provider_id: Some("<id@x>".to_owned()),
        },
    )
    .await
    .expect("settle");
    assert!(
        claim_message(conn, w.org, ann_key)
            .await
            .expect("claim")
            .is_none(),
        "a sent message is not claimed again"
    );

    // Ben answers before his message goes: it is cancelled.
    let ben = people
        .members
        .iter()
        .find(|m| m.learner == w.learners[1])
        .expect("Ben");
    record_destination(
        conn,
        w.org,
        w.learners[1],
        &fixtures::destination_record(
            DestinationKind::Actual,
            DestinationCategory::EmploymentFullTime,
            Utc::now().date_naive(),
        ),
        None,
        None,
    )
    .await
    .expect("destination");
    assert_eq!(
        task_progress(conn, w.org, ben.task).await.expect("task").status,
        TaskStatus::Done
    );
    let claimed = claim_message(conn, w.org, &plan.queued[1].key)
        .await
        .expect("claim")
        .expect("claimed");
    let reason = reason_not_to_send(conn, w.org, &claimed, running.checkpoint)
        .await
        .expect("check");
    assert_eq!(reason, Some(Exclusion::Completed));
    settle_message(
        conn,
        w.org,
        &claimed,
        &MessageOutcome::Cancelled(Exclusion::Completed),
    )
    .await
    .expect("cancel");

    let stored = messages(conn, w.org, w.campaign).await.expect("messages");
    assert_eq!(
        stored.iter().map(|m| m.status).collect::<Vec<_>>(),
        vec![MessageStatus::Sent, MessageStatus::Cancelled]
    );
    assert!(stored[0].sent_at.is_some());

    // Step 1 for Ann: her second email uses up the channel (max 2): the phone.
    let people = audience(conn, w.org, &running).await.expect("audience");
    let plan = plan_step(conn, w.org, &running, 1, &people, &[ContactChannel::Email])
        .await
        .expect("plan step 1");
    assert_eq!(plan.queued.len(), 1);
    let claimed = claim_message(conn, w.org, &plan.queued[0].key)
        .await
        .expect("claim")
        .expect("claimed");
    settle_message(conn, w.org, &claimed, &MessageOutcome::Sent { provider_id: None })
        .await
        .expect("settle");
    let ann_task = people
        .members
        .iter()
        .find(|m| m.learner == w.learners[0])
        .expect("Ann")
        .task;
    let ann = task_progress(conn, w.org, ann_task).await.expect("task");
    assert_eq!(
        (ann.status, ann.channel_index),
        (TaskStatus::InProgress, 1),
        "Ann is in the call queue"
    );
    let queue = open_tasks(
        conn,
        w.org,
        running.checkpoint,
        NaiveDate::from_ymd_opt(2030, 1, 1).expect("date"),
    )
    .await
    .expect("open");
    let waiting: Vec<LearnerId> = queue.iter().map(|(_, _, learner)| *learner).collect();
    // Eve's task is open too: the call queue closes an opted-out learner's task when it reaches it.
    assert_eq!(
        waiting,
        vec![w.learners[0], w.learners[2], w.learners[3], w.learners[4]],
        "Ann, Cat and Dan wait for a call; Ben answered"
    );

    // Nobody left on email: running out moves nobody.
    let people = audience(conn, w.org, &running).await.expect("audience");
    assert_eq!(
        move_on_after_last_step(conn, w.org, &running, &people)
            .await
            .expect("run out"),
        0
    );

    let counts = progress(conn, w.org, w.campaign).await.expect("progress");
    assert_eq!((counts.sent, counts.cancelled, counts.queued), (2, 1, 0));
    assert_eq!(counts.cohort_size, 5);
    assert_eq!(counts.opted_out, 1);
    assert_eq!(counts.knowledge_rate, 20, "Ben's destination is known: 1 in 5");
}

/// A permanent failure marks the address invalid and moves the learner on.
async fn a_bounce_invalidates_the_address_and_moves_on(db: TestDatabase) {
    let w = world(&db).await;
    let conn = db.conn();
    let running = set_status(conn, w.org, w.campaign, CampaignStatus::Running)
        .await
        .expect("start");
    let people = audience(conn, w.org, &running).await.expect("audience");
    let plan = plan_step(conn, w.org, &running, 0, &people, &[ContactChannel::Email])
        .await
        .expect("plan");
    let claimed = claim_message(conn, w.org, &plan.queued[0].key)
        .await
        .expect("claim")
        .expect("claimed");
    settle_message(
        conn,
        w.org,
        &claimed,
        &MessageOutcome::Retry("451 later".to_owned()),
    )
    .await
    .expect("retry");
    let claimed = claim_message(conn, w.org, &plan.queued[0].key)
        .await
        .expect("claim")
        .expect("again");
    assert_eq!(claimed.attempt, 2);
    settle_message(
        conn,
        w.org,
        &claimed,
        &MessageOutcome::Failed("550 no such user".to_owned()),
    )
    .await
    .expect("fail");
    let points = onward_storage::repo::contacts::contact_points(conn, w.org, w.learners[0])
        .await
        .expect("points");
    let email = points
        .iter()
        .find(|p| p.kind == ContactPointKind::Email)
        .expect("email");
    assert!(!email.valid, "the bounced address is invalid");
    let ann_task = people
        .members
        .iter()
        .find(|m| m.learner == w.learners[0])
        .expect("Ann")
        .task;
    assert_eq!(
        task_progress(conn, w.org, ann_task)
            .await
            .expect("task")
            .channel_index,
        1
    );
    let stored = messages(conn, w.org, w.campaign).await.expect("messages");
    assert_eq!(stored[0].status, MessageStatus::Failed);
    assert_eq!(stored[0].reason.as_deref(), Some("550 no such user"));
    assert_eq!(
        progress(conn, w.org, w.campaign).await.expect("progress").bounced,
        1
    );
}

on_both_backends!(
    campaigns_plan_send_and_escalate,
    a_bounce_invalidates_the_address_and_moves_on
);
