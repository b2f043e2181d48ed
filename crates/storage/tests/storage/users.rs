//! Failed sign-ins, lockout, sessions and links at the storage level, on both backends.

use chrono::Duration;
use onward_domain::role::Role;
use onward_storage::Actor;
use onward_storage::repo::tokens::{consume_user_token, create_user_token, peek_user_token};
use onward_storage::repo::users::{self, FailedSignIn};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

async fn parallel_failed_sign_ins_each_count_and_lock_once(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "atomic").await;
    let user = fixtures::user(db.conn(), &org, Role::Tutor, "me@atomic.example").await;
    let mut attempts = Vec::new();
    for _ in 0..20 {
        let database = db.database.clone();
        attempts.push(tokio::spawn(async move {
            let write = database.write(Actor::system(org.id)).await.expect("begin");
            let counted = users::record_failed_sign_in(&write, user.id, 5, Duration::minutes(15))
                .await
                .expect("count");
            write.commit().await.expect("commit");
            counted
        }));
    }
    let mut outcomes = Vec::new();
    for attempt in attempts {
        outcomes.push(attempt.await.expect("task"));
    }
    let count = |wanted: FailedSignIn| outcomes.iter().filter(|outcome| **outcome == wanted).count();
    assert_eq!(
        (
            count(FailedSignIn::Counted),
            count(FailedSignIn::LockedNow),
            count(FailedSignIn::AlreadyLocked)
        ),
        (4, 1, 15),
        "every failure counts once: the fifth locks, the rest find it locked"
    );
    let stored = users::user_by_id(db.conn(), user.id)
        .await
        .expect("read")
        .expect("user");
    assert!(
        stored
            .locked_until
            .is_some_and(|until| until > chrono::Utc::now())
    );
    assert!(
        !users::record_successful_sign_in(db.conn(), user.id)
            .await
            .expect("success"),
        "a right password does not clear a lock"
    );
}

async fn a_new_password_moves_the_session_generation_and_a_new_link_revokes_older_ones(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "links").await;
    let user = fixtures::user(db.conn(), &org, Role::Tutor, "me@links.example").await;
    assert_eq!(user.session_generation, 0);
    let expires = onward_storage::repo::now() + Duration::hours(1);
    for hash in ["first", "second"] {
        create_user_token(db.conn(), org.id, user.id, "reset", hash, expires)
            .await
            .expect("token");
    }
    assert!(
        peek_user_token(db.conn(), "first", "reset")
            .await
            .expect("peek")
            .is_none()
    );
    assert!(
        consume_user_token(db.conn(), "second", "reset")
            .await
            .expect("use")
            .is_some()
    );
    let generation = users::set_password_hash(db.conn(), org.id, user.id, "$argon2id$new")
        .await
        .expect("set");
    assert_eq!(generation, 1);
    let stored = users::user_by_id(db.conn(), user.id)
        .await
        .expect("read")
        .expect("user");
    assert_eq!(
        (stored.session_generation, stored.password_hash.as_str()),
        (1, "$argon2id$new")
    );
    let outsider = fixtures::organisation(db.conn(), "outsider").await;
    assert!(
        users::set_password_hash(db.conn(), outsider.id, user.id, "$argon2id$evil")
            .await
            .is_err(),
        "another organisation's user is not found"
    );
}

on_both_backends!(
    parallel_failed_sign_ins_each_count_and_lock_once,
    a_new_password_moves_the_session_generation_and_a_new_link_revokes_older_ones,
);
