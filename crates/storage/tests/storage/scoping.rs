//! Tutor groups: a tutor's [`LearnerScope`] keeps every list, search, record,
//! export source and call queue to their groups' learners, on SQLite and PostgreSQL.

use chrono::{NaiveDate, Utc};
use onward_domain::contact::ContactChannel;
use onward_domain::role::Role;
use onward_domain::tracking::{Anchor, Checkpoint, TrackingPlan};
use onward_domain::tutor_group::TutorGroup;
use onward_storage::repo::calls::{QueueFilter, call_for_task, next_call, queue_checkpoint, queue_counts};
use onward_storage::repo::cohorts::unknown_learners;
use onward_storage::repo::guarantee::learners_without_offer;
use onward_storage::repo::learner_search::{LearnerQuery, search_learners};
use onward_storage::repo::learners::{learner, learner_in_scope};
use onward_storage::repo::scope::LearnerScope;
use onward_storage::repo::support::at_risk_in_cohort;
use onward_storage::repo::tasks::due_tasks_for_role;
use onward_storage::repo::tutor_groups::{
    assignments, groups_of_tutor, learner_groups, set_groups_of_tutor, set_learner_group,
};
use onward_storage::{LearnerId, StorageError};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

fn group(name: &str) -> TutorGroup {
    TutorGroup::parse(name).expect("group")
}

fn plan() -> TrackingPlan {
    TrackingPlan {
        name: "Calls".to_owned(),
        description: String::new(),
        checkpoints: vec![Checkpoint {
            key: "follow_up".to_owned(),
            name: "3–6 month follow-up".to_owned(),
            anchor: Anchor::Leaving,
            fixed_month_day: None,
            offset_days: 90,
            channels: vec![ContactChannel::Phone],
            responsible: Role::ProgressionLead,
            max_attempts: 3,
            survey: None,
        }],
    }
}

fn ids(learners: impl IntoIterator<Item = LearnerId>) -> Vec<LearnerId> {
    let mut ids: Vec<LearnerId> = learners.into_iter().collect();
    ids.sort();
    ids
}

async fn a_tutors_scope_keeps_every_list_and_queue_to_their_groups(db: TestDatabase) {
    let conn = db.conn();
    let org = fixtures::organisation(conn, "scoping").await;
    let tutor = fixtures::user(conn, &org, Role::Tutor, "tutor@scoping.example").await;
    let admin = fixtures::user(conn, &org, Role::Admin, "admin@scoping.example").await;
    let queue = fixtures::leavers_due_a_call(conn, org.id, &plan(), &["Inga", "Otto", "Nell"]).await;
    let [inside, outside, no_group] = [queue.learners[0], queue.learners[1], queue.learners[2]];
    assert!(
        set_learner_group(conn, org.id, inside, Some(&group("11A")))
            .await
            .expect("group")
    );
    assert!(
        set_learner_group(conn, org.id, outside, Some(&group("11B")))
            .await
            .expect("group")
    );
    assert!(
        !set_learner_group(conn, org.id, outside, Some(&group("11B")))
            .await
            .expect("same group"),
        "setting the same group changes nothing"
    );
    assert!(
        set_groups_of_tutor(conn, org.id, tutor.id, &[group("11A")])
            .await
            .expect("assign")
    );

    let scope = LearnerScope::for_user(conn, org.id, tutor.id, Role::Tutor)
        .await
        .expect("scope");
    assert_eq!(scope, LearnerScope::TutorGroups(vec![group("11A")]));
    let everyone = LearnerScope::for_user(conn, org.id, admin.id, Role::Admin)
        .await
        .expect("scope");
    assert_eq!(everyone, LearnerScope::All);
    let nobody = LearnerScope::for_user(conn, org.id, admin.id, Role::QualityViewer)
        .await
        .expect("scope");

    // Search, and opening a record.
    let all = LearnerQuery::default();
    let found = |scope: LearnerScope| {
        let all = all.clone();
        async move {
            ids(search_learners(conn, org.id, &scope, &all, None, 50)
                .await
                .expect("search")
                .into_iter()
                .map(|l| l.id))
        }
    };
    assert_eq!(found(scope.clone()).await, vec![inside]);
    assert_eq!(found(everyone.clone()).await, ids([inside, outside, no_group]));
    assert_eq!(found(nobody.clone()).await, Vec::<LearnerId>::new());
    let by_name = LearnerQuery {
        text: "otto".to_owned(),
        ..LearnerQuery::default()
    };
    assert!(
        search_learners(conn, org.id, &scope, &by_name, None, 50)
            .await
            .expect("search")
            .is_empty(),
        "a tutor cannot find another group's learner by name"
    );
    assert_eq!(
        learner_in_scope(conn, org.id, &scope, inside)
            .await
            .expect("own")
            .id,
        inside
    );
    for other in [outside, no_group] {
        assert!(matches!(
            learner_in_scope(conn, org.id, &scope, other).await,
            Err(StorageError::NotFound { .. })
        ));
        learner_in_scope(conn, org.id, &everyone, other)
            .await
            .expect("admin sees all");
    }

    // The cohort lists behind the pages and their CSV exports.
    let unknown = unknown_learners(conn, org.id, &scope, queue.cohort)
        .await
        .expect("unknowns");
    assert_eq!(ids(unknown.iter().map(|l| l.id)), vec![inside]);
    let unknown_all = unknown_learners(conn, org.id, &everyone, queue.cohort)
        .await
        .expect("unknowns");
    assert_eq!(unknown_all.len(), 3);
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
    let at_risk = at_risk_in_cohort(conn, org.id, &scope, queue.cohort, today)
        .await
        .expect("at risk");
    assert_eq!(ids(at_risk.iter().map(|a| a.learner.id)), vec![inside]);
    assert_eq!(
        at_risk_in_cohort(conn, org.id, &everyone, queue.cohort, today)
            .await
            .expect("at risk")
            .len(),
        3
    );
    let (without, counts) = learners_without_offer(conn, org.id, &scope, queue.cohort)
        .await
        .expect("guarantee");
    assert_eq!(ids(without.iter().map(|w| w.learner.id)), vec![inside]);
    assert_eq!(counts.no_offer, 1, "the counts are of the tutor's learners");

    // My work and the call queue.
    let due = due_tasks_for_role(conn, org.id, &scope, Role::ProgressionLead, today, 100)
        .await
        .expect("due");
    assert_eq!(ids(due.iter().map(|t| t.learner)), vec![inside]);
    let due_all = due_tasks_for_role(conn, org.id, &everyone, Role::ProgressionLead, today, 100)
        .await
        .expect("due");
    assert_eq!(due_all.len(), 3);
    let point = queue_checkpoint(conn, org.id, queue.plan.checkpoints[0].id)
        .await
        .expect("checkpoint");
    let filter = QueueFilter {
        cohort: Some(queue.cohort),
        after: None,
        today,
        tried_since: Utc::now(),
        claim_for: None,
    };
    let counts = queue_counts(conn, org.id, &scope, &point, &filter)
        .await
        .expect("counts");
    assert_eq!(counts.waiting, 1);
    let next = next_call(conn, org.id, &scope, &point, &filter)
        .await
        .expect("next")
        .expect("the tutor's learner");
    assert_eq!(next.learner.id, inside);
    let skipped = QueueFilter {
        after: Some(next.task),
        ..filter
    };
    assert!(
        next_call(conn, org.id, &scope, &point, &skipped)
            .await
            .expect("next")
            .is_none(),
        "no other group's learner follows"
    );
    let others = due_all.iter().filter(|t| t.learner != inside);
    for task in others {
        assert!(matches!(
            call_for_task(conn, org.id, &scope, &point, task.id).await,
            Err(StorageError::NotFound { .. })
        ));
        call_for_task(conn, org.id, &everyone, &point, task.id)
            .await
            .expect("admin");
    }
}

async fn tutors_groups_are_replaced_and_listed(db: TestDatabase) {
    let conn = db.conn();
    let org = fixtures::organisation(conn, "groups").await;
    let other_org = fixtures::organisation(conn, "elsewhere").await;
    let tutor = fixtures::user(conn, &org, Role::Tutor, "tutor@groups.example").await;
    let outsider = fixtures::user(conn, &other_org, Role::Tutor, "tutor@elsewhere.example").await;
    assert!(
        set_groups_of_tutor(conn, org.id, tutor.id, &[group("11B"), group("11A")])
            .await
            .expect("assign")
    );
    assert!(
        !set_groups_of_tutor(conn, org.id, tutor.id, &[group("11A"), group("11B")])
            .await
            .expect("same groups"),
        "the same groups in another order change nothing"
    );
    assert_eq!(
        groups_of_tutor(conn, org.id, tutor.id).await.expect("groups"),
        vec![group("11A"), group("11B")]
    );
    assert!(
        set_groups_of_tutor(conn, org.id, tutor.id, &[group("12C")])
            .await
            .expect("replace")
    );
    assert_eq!(
        assignments(conn, org.id).await.expect("all").get(&tutor.id),
        Some(&vec![group("12C")])
    );
    assert!(matches!(
        set_groups_of_tutor(conn, org.id, outsider.id, &[group("11A")]).await,
        Err(StorageError::NotFound { .. })
    ));
    let gail = onward_storage::repo::learners::insert_learner(
        conn,
        org.id,
        &onward_domain::learner::NewLearner {
            tutor_group: Some(group("12C")),
            ..fixtures::new_learner("Gail", "Grouped", None, Some("G1"))
        },
    )
    .await
    .expect("learner");
    assert_eq!(
        learner(conn, org.id, gail).await.expect("read").tutor_group,
        Some(group("12C"))
    );
    assert_eq!(
        learner_groups(conn, org.id).await.expect("groups"),
        vec![(group("12C"), 1)]
    );
    assert!(matches!(
        set_learner_group(conn, other_org.id, gail, None).await,
        Err(StorageError::NotFound { .. })
    ));
    assert!(set_learner_group(conn, org.id, gail, None).await.expect("clear"));
    assert!(learner_groups(conn, org.id).await.expect("groups").is_empty());
}

on_both_backends!(
    a_tutors_scope_keeps_every_list_and_queue_to_their_groups,
    tutors_groups_are_replaced_and_listed,
);
