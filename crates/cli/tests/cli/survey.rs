//! `onward survey list` and `onward survey link` (issue 14): a new personal
//! link for a learner named by ULN or MIS id, built on ONWARD_PUBLIC_URL.

use onward_storage::repo::learners::insert_learner;
use onward_storage::repo::surveys::{invitation_by_token_hash, invitations_for_learner};
use onward_test_support::{TestDatabase, fixtures, on_both_backends};

use super::{onward, run};

#[test]
fn survey_list_names_every_shipped_survey() {
    let (ok, output) = run(onward().args(["survey", "list"]));
    assert!(ok, "{output}");
    for name in [
        "follow-up-3-6-month",
        "quick-check",
        "vet-post-graduation-18-month",
    ] {
        assert!(output.contains(name), "{output}");
    }
}

async fn survey_link_prints_a_working_personal_link(db: TestDatabase) {
    let organisation = fixtures::organisation(db.conn(), "linked").await;
    let learner = insert_learner(
        db.conn(),
        organisation.id,
        &fixtures::new_learner("Siân", "Leaver", None, Some("MIS42")),
    )
    .await
    .expect("learner");
    let link = |extra: &[&str]| {
        let mut command = onward();
        command
            .env("ONWARD_PUBLIC_URL", "https://onward.college.example/")
            .args([
                "survey",
                "link",
                "MIS42",
                "--survey",
                "follow-up-3-6-month",
                "--database-url",
                &db.url,
            ])
            .args(extra);
        run(&mut command)
    };
    let (ok, output) = link(&["--lang", "cy"]);
    assert!(ok, "{output}");
    let url = output
        .lines()
        .find(|line| line.starts_with("https://"))
        .unwrap_or_else(|| panic!("a link: {output}"));
    let token = url
        .strip_prefix("https://onward.college.example/s/")
        .unwrap_or_else(|| panic!("a link on the public URL: {output}"));
    assert_eq!(token.len(), 64);
    let stored = invitations_for_learner(db.conn(), organisation.id, learner)
        .await
        .expect("invitations");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].survey_name.as_str(), stored[0].language.as_str()),
        ("follow-up-3-6-month", "cy")
    );
    let hash = db
        .text("SELECT token_hash FROM survey_invitations")
        .await
        .expect("hash");
    assert_ne!(hash, token, "only the hash is stored");
    assert!(
        invitation_by_token_hash(db.conn(), &hash)
            .await
            .expect("lookup")
            .is_some()
    );

    for (extra, message) in [
        (&["--lang", "fr"][..], "not a survey language"),
        (&["--org", "nowhere"][..], "no organisation"),
    ] {
        let (ok, output) = link(extra);
        assert!(!ok && output.contains(message), "{output}");
    }
    let (ok, output) = run(onward()
        .env("ONWARD_PUBLIC_URL", "https://onward.college.example")
        .args([
            "survey",
            "link",
            "NOBODY",
            "--survey",
            "follow-up-3-6-month",
            "--database-url",
            &db.url,
        ]));
    assert!(!ok && output.contains("no learner"), "{output}");
    let (ok, output) = run(onward()
        .env("ONWARD_PUBLIC_URL", "https://onward.college.example")
        .args([
            "survey",
            "link",
            "MIS42",
            "--survey",
            "six-month",
            "--database-url",
            &db.url,
        ]));
    assert!(!ok && output.contains("no survey called"), "{output}");
    let (ok, output) = run(onward().env_remove("ONWARD_PUBLIC_URL").args([
        "survey",
        "link",
        "MIS42",
        "--survey",
        "quick-check",
        "--database-url",
        &db.url,
    ]));
    assert!(!ok && output.contains("ONWARD_PUBLIC_URL"), "{output}");
}

on_both_backends!(survey_link_prints_a_working_personal_link);
