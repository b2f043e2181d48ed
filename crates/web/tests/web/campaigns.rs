//! Campaign pages (issue 15): the list, a new campaign with its audience
//! preview and schedule validation, and starting, pausing and finishing, on
//! both backends. Another organisation's learners and campaigns never show.

use onward_domain::campaign::{CampaignStatus, MessageStatus, QuietHours};
use onward_domain::contact::{ContactChannel, ContactPointKind};
use onward_domain::role::Role;
use onward_domain::survey::Outcome;
use onward_domain::tracking::{Anchor, Checkpoint, TrackingPlan};
use onward_storage::ConnectionTrait;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::calls::mark_learner;
use onward_storage::repo::campaigns::{
    NewCampaign, campaign, campaigns, create_campaign, messages, set_status,
};
use onward_storage::repo::contacts::{NewContactPoint, add_contact_point};
use onward_storage::repo::surveys::{NewInvitation, complete_survey, create_invitation};
use onward_storage::{Actor, CampaignId, CheckpointId, CohortId, LearnerId, OrganisationId};
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

/// A campaign to save: sending at any hour, in the standard wording.
fn draft(cohort: CohortId, checkpoint: CheckpointId, days: &[u32]) -> NewCampaign {
    NewCampaign {
        wording: Default::default(),
        cohort,
        checkpoint,
        schedule_days: days.to_vec(),
        quiet: QuietHours::none(),
        created_by: None,
    }
}

/// Where a redirect goes ("" when the response is not one).
fn redirect_target(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn email_plan() -> TrackingPlan {
    TrackingPlan {
        name: "Follow-up".to_owned(),
        description: String::new(),
        checkpoints: vec![Checkpoint {
            key: "follow_up".to_owned(),
            name: "Six-month follow-up".to_owned(),
            anchor: Anchor::Leaving,
            fixed_month_day: None,
            offset_days: 90,
            channels: vec![ContactChannel::Email],
            responsible: Role::ProgressionLead,
            max_attempts: 2,
            survey: Some("follow-up-3-6-month".to_owned()),
        }],
    }
}

struct World {
    cohort: CohortId,
    checkpoint: CheckpointId,
    learners: Vec<LearnerId>,
}

/// Leavers on an email-only plan: Ann and Ben have consented addresses, Cat's
/// address has no consent, Dan has none, Eve opted out.
async fn world(db: &TestDatabase, org: OrganisationId, names: &[&str]) -> World {
    world_on(db, org, &email_plan(), names).await
}

/// [`world`] on another plan.
async fn world_on(db: &TestDatabase, org: OrganisationId, plan: &TrackingPlan, names: &[&str]) -> World {
    let conn = db.conn();
    let queue = fixtures::leavers_due_a_call(conn, org, plan, names).await;
    for (index, consent) in [(0, true), (1, true), (2, false), (4, true)] {
        if index < queue.learners.len() {
            add_contact_point(
                conn,
                org,
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
    }
    if queue.learners.len() > 4 {
        mark_learner(conn, org, queue.learners[4], true, false)
            .await
            .expect("opt out");
    }
    World {
        cohort: queue.cohort,
        checkpoint: queue.plan.checkpoints[0].id,
        learners: queue.learners,
    }
}

/// Another organisation with its own cohort, learner Zed and a campaign.
async fn elsewhere(db: &TestDatabase) -> (OrganisationId, CampaignId) {
    let other = fixtures::organisation(db.conn(), "elsewhere").await;
    let world = world(db, other.id, &["Zed"]).await;
    let id = create_campaign(
        db.conn(),
        other.id,
        &draft(world.cohort, world.checkpoint, &[0, 7]),
    )
    .await
    .expect("other campaign");
    (other.id, id)
}

async fn a_bad_schedule_is_refused_naming_the_field_and_a_good_one_saves_a_draft(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "campaignsweb", Role::ProgressionLead).await;
    let w = world(&app.db, org.id, &["Ann", "Ben", "Cat", "Dan", "Eve"]).await;
    let (status, form) = app
        .get_text(&format!(
            "/campaigns/new?cohort={}&checkpoint={}",
            w.cohort, w.checkpoint
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("0, 7, 14, 28, 42"), "the default schedule: {form}");
    let csrf = csrf_from(&form).expect("csrf");
    let cohort = w.cohort.to_string();
    let checkpoint = w.checkpoint.to_string();
    let post = |schedule: &'static str| {
        let fields = [
            ("csrf", csrf.clone()),
            ("cohort", cohort.clone()),
            ("checkpoint", checkpoint.clone()),
            ("schedule", schedule.to_owned()),
            ("quiet_from", "20".to_owned()),
            ("quiet_until", "9".to_owned()),
            ("quiet_sun", "yes".to_owned()),
        ];
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/campaigns", &fields).await
        }
    };
    for (schedule, message) in [
        ("0, 14, 7", "Schedule: each day must be later than the one before"),
        ("0, 400", "Schedule: each day must be from 0 to 365"),
        ("0,1,2,3,4,5,6,7,8,9,10", "Schedule: at most 10 steps"),
        ("0, soon", "is not a whole number of days"),
        ("", "Schedule: enter at least one day"),
        ("7, 14", "Schedule: the first step is the invitation, on day 0"),
    ] {
        let response = post(schedule).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{schedule}");
        let page = response.text().await.expect("body");
        assert!(page.contains("govuk-error-summary"), "{page}");
        assert!(
            page.contains("href=\"#schedule\""),
            "the summary links to the field: {page}"
        );
        assert!(page.contains(message), "{schedule}: {page}");
        assert!(page.contains("id=\"schedule-error\""), "{page}");
    }
    // A cohort of another kind of value, and no checkpoint: named too.
    let response = app
        .post_form(
            "/campaigns",
            &[("csrf", csrf.as_str()), ("cohort", "x"), ("schedule", "0")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("Choose a cohort that follows a tracking plan"),
        "{page}"
    );
    assert!(
        campaigns(app.db.conn(), org.id).await.expect("list").is_empty(),
        "nothing saved"
    );

    let response = post("0, 7, 21").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .expect("location")
        .to_owned();
    let saved = campaigns(app.db.conn(), org.id).await.expect("list");
    assert_eq!(saved.len(), 1);
    assert_eq!(location, format!("/campaigns/{}", saved[0].id));
    assert_eq!(saved[0].status, CampaignStatus::Draft);
    assert_eq!(saved[0].schedule_days, vec![0, 7, 21]);
    assert_eq!(saved[0].quiet, QuietHours::default_for_learners());
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "campaign.created", Some(saved[0].id.0))
            .await
            .expect("audit"),
        1
    );
    let (status, list) = app.get_text("/campaigns").await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("Six-month follow-up"), "{list}");
    assert!(list.contains("0, 7, 21"), "{list}");
    assert!(list.contains("Knowledge rate of the cohort"), "{list}");
}

async fn the_preview_lists_who_is_excluded_and_why_and_never_another_organisations_learners(
    db: TestDatabase,
) {
    let (app, org) = TestApp::signed_in(db, "campaignsweb", Role::ProgressionLead).await;
    let w = world(&app.db, org.id, &["Ann", "Ben", "Cat", "Dan", "Eve"]).await;
    let (elsewhere_org, other) = elsewhere(&app.db).await;
    let (status, page) = app
        .get_text(&format!(
            "/campaigns/new?cohort={}&checkpoint={}",
            w.cohort, w.checkpoint
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(
        page.contains("2 learners would get up to 5 messages each"),
        "{page}"
    );
    assert!(page.contains("Excluded: 3"), "{page}");
    for reason in [
        "Opted out of contact",
        "No consent or lawful basis to contact them by Email",
        "No usable contact point for Email",
    ] {
        assert!(page.contains(reason), "{reason}: {page}");
    }
    assert!(page.contains("Lawful basis:"), "{page}");
    for name in ["Cat Leaver", "Dan Leaver", "Eve Leaver"] {
        assert!(page.contains(name), "{name} is named with the reason: {page}");
    }
    assert!(!page.contains("Zed"), "another organisation's learner: {page}");

    // Another organisation's cohort is not offered and previews nothing.
    let other_campaign = campaign(app.db.conn(), elsewhere_org, other)
        .await
        .expect("campaign");
    let (status, page) = app
        .get_text(&format!(
            "/campaigns/new?cohort={}&checkpoint={}",
            other_campaign.cohort, other_campaign.checkpoint
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Zed") && !page.contains("Lawful basis:"), "{page}");
    // Its campaign is not found, and cannot be started from here.
    let (status, page) = app.get_text(&format!("/campaigns/{other}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Zed"));
    let (_, list) = app.get_text("/campaigns").await;
    let csrf = csrf_from(&list).expect("csrf");
    let response = app
        .post_form(&format!("/campaigns/{other}/start"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        campaign(app.db.conn(), elsewhere_org, other)
            .await
            .expect("campaign")
            .status,
        CampaignStatus::Draft
    );
    let (_, list) = app.get_text("/campaigns").await;
    assert!(
        !list.contains("Zed") && !list.contains(&format!("/campaigns/{other}\"")),
        "{list}"
    );

    // A saved draft shows the same preview on its page.
    let id = create_campaign(app.db.conn(), org.id, &draft(w.cohort, w.checkpoint, &[0, 7]))
        .await
        .expect("campaign");
    let (status, page) = app.get_text(&format!("/campaigns/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("No usable contact point for Email"), "{page}");
    assert!(page.contains("Start campaign"), "{page}");
    assert!(!page.contains("Zed"), "{page}");
    assert_eq!(w.learners.len(), 5);
}

async fn starting_pausing_and_finishing_change_the_status_and_are_audited(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "campaignsweb", Role::Admin).await;
    let w = world(&app.db, org.id, &["Ann", "Ben", "Cat", "Dan", "Eve"]).await;
    let new = draft(w.cohort, w.checkpoint, &[0, 7]);
    let id = create_campaign(app.db.conn(), org.id, &new)
        .await
        .expect("campaign");
    let (_, page) = app.get_text(&format!("/campaigns/{id}")).await;
    let csrf = csrf_from(&page).expect("csrf");
    let status_of = || async {
        campaign(app.db.conn(), org.id, id)
            .await
            .expect("campaign")
            .status
    };
    let conn = app.db.conn();
    let audited = |action: &'static str| async move {
        count_audit_events(conn, org.id, action, Some(id.0))
            .await
            .expect("audit")
    };
    let press = |button: &'static str| {
        let csrf = csrf.clone();
        let app = &app;
        async move {
            let response = app
                .post_form(&format!("/campaigns/{id}/{button}"), &[("csrf", csrf.as_str())])
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{button}");
            redirect_target(&response)
        }
    };

    // Pausing a draft is refused and changes nothing.
    assert!(press("pause").await.ends_with("refused=status"));
    assert_eq!(status_of().await, CampaignStatus::Draft);

    assert!(press("start").await.ends_with("done=started"));
    assert_eq!(status_of().await, CampaignStatus::Running);
    assert_eq!(audited("campaign.started").await, 1);
    let (_, page) = app.get_text(&format!("/campaigns/{id}?done=started")).await;
    assert!(page.contains("The campaign is running"), "{page}");
    assert!(page.contains(">Running<"), "{page}");
    assert!(page.contains("Run now"), "{page}");

    // Starting queued the planner for this campaign (`campaigns.plan_one`),
    // which the server's job runner works: the invitation goes to Ann and Ben
    // (the consented addresses) through the test's SMTP sink, once each.
    let mut sent = Vec::new();
    for _ in 0..200 {
        sent = messages(app.db.conn(), org.id, id).await.expect("messages");
        if sent.len() == 2 && sent.iter().all(|m| m.status == MessageStatus::Sent) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent.iter()
            .all(|m| m.status == MessageStatus::Sent && m.step == 0),
        "{sent:?}"
    );
    let mut learners: Vec<LearnerId> = sent.iter().map(|m| m.learner).collect();
    learners.sort();
    assert_eq!(learners, vec![w.learners[0], w.learners[1]]);
    let mail = app.sent_mail();
    for index in [0, 1] {
        let address = format!("learner{index}@campaigns.example");
        assert_eq!(
            mail.iter()
                .filter(|m| m.recipients.iter().any(|r| r.contains(&address)))
                .count(),
            1,
            "{address}"
        );
    }

    // Ann answering: the page's step table and completions by day.
    let invitation = create_invitation(
        app.db.conn(),
        org.id,
        &NewInvitation {
            learner: w.learners[0],
            survey_name: "follow-up-3-6-month".to_owned(),
            survey_version: 1,
            language: "en-GB".to_owned(),
            checkpoint: Some(w.checkpoint),
            task: None,
            expires_at: chrono::Utc::now() + chrono::Duration::days(30),
        },
        &"a".repeat(64),
        None,
    )
    .await
    .expect("invitation");
    let write = app.db.database.write(Actor::system(org.id)).await.expect("begin");
    complete_survey(
        &write,
        org.id,
        invitation,
        &Outcome::default(),
        chrono::Utc::now().date_naive(),
    )
    .await
    .expect("complete");
    write.commit().await.expect("commit");
    let (_, page) = app.get_text(&format!("/campaigns/{id}")).await;
    assert!(
        page.contains("Completions by day") && page.contains("id=\"completions\""),
        "{page}"
    );
    let today = chrono::Utc::now().date_naive().format("%Y").to_string();
    let completions = &page[page.find("id=\"completions\"").expect("table")..];
    assert!(completions.contains(&today), "{completions}");
    assert!(
        completions.contains("govuk-table__cell--numeric\">1</td>"),
        "{completions}"
    );
    // The same figures as a chart, named for screen readers, above the table.
    let chart = &page[page.find("id=\"completions-chart\"").expect("chart")..];
    assert!(
        chart.contains("role=\"img\" aria-labelledby=\"completions-chart-title\"")
            && chart.contains("the table below has the same figures"),
        "{chart}"
    );
    assert_eq!(
        chart[..chart.find("</svg>").expect("end")]
            .matches("<rect class=\"bar\"")
            .count(),
        1
    );
    assert!(!page.contains("Nothing has been planned yet"), "{page}");
    let steps = &page[page.find(">Steps<").expect("steps")..];
    assert!(
        steps.contains("<td class=\"govuk-table__cell govuk-table__cell--numeric\">2</td>"),
        "two sent on step 1: {steps}"
    );

    assert!(press("run").await.ends_with("done=run"));
    assert_eq!(audited("campaign.run_requested").await, 1);

    assert!(press("pause").await.ends_with("done=paused"));
    assert_eq!(status_of().await, CampaignStatus::Paused);
    assert_eq!(audited("campaign.paused").await, 1);

    assert!(press("finish").await.ends_with("done=finished"));
    assert_eq!(status_of().await, CampaignStatus::Finished);
    assert_eq!(audited("campaign.finished").await, 1);
    assert!(
        campaign(app.db.conn(), org.id, id)
            .await
            .expect("c")
            .finished_at
            .is_some()
    );

    // A finished campaign does not start again.
    assert!(press("start").await.ends_with("refused=status"));
    assert_eq!(status_of().await, CampaignStatus::Finished);
    assert_eq!(audited("campaign.started").await, 1);
    let (_, page) = app.get_text(&format!("/campaigns/{id}?refused=status")).await;
    assert!(
        page.contains("That cannot be done to a campaign with this status"),
        "{page}"
    );

    // An empty audience says so and cannot be started.
    for learner in &w.learners[..2] {
        mark_learner(app.db.conn(), org.id, *learner, true, false)
            .await
            .expect("opt out");
    }
    let empty = create_campaign(app.db.conn(), org.id, &new)
        .await
        .expect("campaign");
    let (_, page) = app.get_text(&format!("/campaigns/{empty}")).await;
    assert!(page.contains("The audience is empty"), "{page}");
    assert!(!page.contains("Start campaign"), "{page}");
    let response = app
        .post_form(&format!("/campaigns/{empty}/start"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        campaign(app.db.conn(), org.id, empty).await.expect("c").status,
        CampaignStatus::Draft
    );
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "campaign.started", Some(empty.0))
            .await
            .expect("audit"),
        0
    );
}

/// "Send now" on a learner's record sends that learner the campaign's next
/// message at once, through the same row, key and send job as the planner
/// (so the planner's pass for the step skips them), and says why not when the
/// campaign may not write to them: no consent, every step sent, paused, quiet.
async fn send_now_sends_one_learner_the_next_message_once_and_says_why_not_otherwise(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "sendnow", Role::Admin).await;
    let w = world(&app.db, org.id, &["Ann", "Ben", "Cat"]).await;
    let (ann, cat) = (w.learners[0], w.learners[2]);
    let new = draft(w.cohort, w.checkpoint, &[0, 7]);
    let id = create_campaign(app.db.conn(), org.id, &new)
        .await
        .expect("campaign");
    // Running, but not planned yet: nothing has gone to anyone. Its start is
    // a day ahead, so the server's own planner (every 5 minutes) finds nothing
    // due while the test runs; the test runs the planner a day ahead itself.
    set_status(app.db.conn(), org.id, id, CampaignStatus::Running)
        .await
        .expect("run");
    campaigns_move_start_back(&app, org.id, id, -1).await;
    let (status, page) = app.get_text(&format!("/learners/{ann}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"campaigns\""), "{page}");
    assert!(
        page.contains("Nothing has been sent to this learner yet."),
        "{page}"
    );
    assert!(
        page.contains("Next: Step 1 of 2 (day 0) by Email to learner0@campaigns.example."),
        "{page}"
    );
    let csrf = csrf_from(&page).expect("csrf");
    let send_now = |learner: LearnerId| {
        let csrf = csrf.clone();
        let app = &app;
        async move {
            let response = app
                .post_form(
                    &format!("/campaigns/{id}/learners/{learner}/send-now"),
                    &[("csrf", csrf.as_str())],
                )
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
            redirect_target(&response)
        }
    };
    let sent_to = |address: &'static str| {
        let app = &app;
        async move {
            for _ in 0..200 {
                let all = messages(app.db.conn(), org.id, id).await.expect("messages");
                if all.iter().all(|m| m.status == MessageStatus::Sent) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            app.sent_mail()
                .into_iter()
                .filter(|m| m.recipients.iter().any(|r| r.contains(address)))
                .map(|m| m.text())
                .collect::<Vec<_>>()
        }
    };

    let location = send_now(ann).await;
    assert_eq!(
        location,
        format!("/learners/{ann}?sent_now={id}&step=1#campaigns")
    );
    let mail = sent_to("learner0@campaigns.example").await;
    assert_eq!(mail.len(), 1, "the invitation, once");
    assert!(!mail[0].contains("Last chance"), "{}", mail[0]);
    let (_, page) = app.get_text(&location).await;
    assert!(page.contains("Queued: step 1 of campaign"), "{page}");
    assert!(page.contains("Step 1 of 2 (day 0), Email: Sent"), "{page}");
    assert!(page.contains("Next: Step 2 of 2 (day 7) by Email"), "{page}");

    // The planner's pass for step 1 skips Ann (already sent) and sends Ben's.
    let report = onward_outreach::plan_campaign(
        &app.db.database,
        org.id,
        id,
        &[ContactChannel::Email],
        chrono::Utc::now() + chrono::Duration::days(1),
    )
    .await
    .expect("plan");
    assert_eq!((report.queued, report.already), (1, 1), "{report:?}");
    assert_eq!(sent_to("learner1@campaigns.example").await.len(), 1);
    assert_eq!(sent_to("learner0@campaigns.example").await.len(), 1, "still once");

    // The second press sends the last step early, in its own wording; a third
    // finds nothing left to send.
    assert_eq!(
        send_now(ann).await,
        format!("/learners/{ann}?sent_now={id}&step=2#campaigns")
    );
    let mail = sent_to("learner0@campaigns.example").await;
    assert_eq!(mail.len(), 2);
    assert!(mail[1].contains("Last chance"), "{}", mail[1]);
    assert_eq!(
        send_now(ann).await,
        format!("/learners/{ann}?send_now_refused={id}#campaigns")
    );
    let (_, page) = app
        .get_text(&format!("/learners/{ann}?send_now_refused={id}"))
        .await;
    assert!(page.contains("govuk-error-summary"), "{page}");
    assert!(
        page.contains("every step of the campaign has been sent to this learner"),
        "{page}"
    );
    assert_eq!(sent_to("learner0@campaigns.example").await.len(), 2);
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "campaign.send_now", Some(id.0))
            .await
            .expect("audit"),
        2
    );

    // Cat's address has no consent: refused, nothing written.
    let (_, page) = app.get_text(&format!("/learners/{cat}")).await;
    assert!(
        page.contains(
            "the campaign leaves this learner out: No consent or lawful basis to contact them by Email"
        ),
        "{page}"
    );
    assert!(send_now(cat).await.contains("send_now_refused"));
    let all = messages(app.db.conn(), org.id, id).await.expect("messages");
    assert!(all.iter().all(|m| m.learner != cat), "{all:?}");
    assert_eq!(all.len(), 3, "{all:?}");

    // Paused, then running in quiet time (every day quiet): refused and said why.
    let quiet = create_campaign(
        app.db.conn(),
        org.id,
        &NewCampaign {
            wording: Default::default(),
            quiet: QuietHours {
                from_hour: None,
                until_hour: None,
                days: vec![
                    chrono::Weekday::Mon,
                    chrono::Weekday::Tue,
                    chrono::Weekday::Wed,
                    chrono::Weekday::Thu,
                    chrono::Weekday::Fri,
                    chrono::Weekday::Sat,
                    chrono::Weekday::Sun,
                ],
            },
            ..new.clone()
        },
    )
    .await
    .expect("campaign");
    set_status(app.db.conn(), org.id, quiet, CampaignStatus::Running)
        .await
        .expect("run");
    set_status(app.db.conn(), org.id, id, CampaignStatus::Paused)
        .await
        .expect("pause");
    let (_, page) = app.get_text(&format!("/learners/{}", w.learners[1])).await;
    assert!(page.contains("quiet time (Monday, Tuesday, Wednesday"), "{page}");
    assert!(
        !page.contains(&format!("/campaigns/{id}/learners/")),
        "paused: no button"
    );
    assert!(
        !page.contains(&format!("/campaigns/{quiet}/learners/")),
        "quiet: no button"
    );
    let location = {
        let response = app
            .post_form(
                &format!("/campaigns/{quiet}/learners/{}/send-now", w.learners[1]),
                &[("csrf", csrf.as_str())],
            )
            .await;
        redirect_target(&response)
    };
    assert!(location.contains("send_now_refused"), "{location}");
    assert_eq!(
        send_now(w.learners[1]).await,
        format!("/learners/{}?send_now_refused={id}#campaigns", w.learners[1])
    );
    assert_eq!(sent_to("learner1@campaigns.example").await.len(), 1);

    // Another organisation's campaign is not found.
    let (_, other) = elsewhere(&app.db).await;
    let response = app
        .post_form(
            &format!("/campaigns/{other}/learners/{ann}/send-now"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// A campaign's own wording: refused when saved without a language the
/// cohort's learners are written to in (naming the field and how many need
/// it), or with one part of a language's wording missing; saved with both,
/// and each learner's email carries the wording of their language.
async fn own_wording_is_refused_without_a_needed_translation_and_sent_in_each_learners_language(
    db: TestDatabase,
) {
    let (app, org) = TestApp::signed_in(db, "wording", Role::Admin).await;
    let w = world(&app.db, org.id, &["Ann", "Ben"]).await;
    // Ben reads Welsh.
    app.db
        .conn()
        .execute_unprepared(&format!(
            "UPDATE learners SET preferred_language = 'cy' WHERE id = {}",
            w.learners[1].0
        ))
        .await
        .expect("language");
    let (status, form) = app
        .get_text(&format!(
            "/campaigns/new?cohort={}&checkpoint={}",
            w.cohort, w.checkpoint
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("Your own wording (optional)"), "{form}");
    assert!(!form.contains("id=\"sms\""), "an email-only plan shows no texts");
    assert!(
        form.contains("English (1 learners), Welsh (1 learners)"),
        "{form}"
    );
    let csrf = csrf_from(&form).expect("csrf");
    let cohort = w.cohort.to_string();
    let checkpoint = w.checkpoint.to_string();
    let post = |wording: Vec<(&'static str, &'static str)>| {
        let mut fields = vec![
            ("csrf", csrf.clone()),
            ("cohort", cohort.clone()),
            ("checkpoint", checkpoint.clone()),
            ("schedule", "0, 7".to_owned()),
            ("quiet_from", String::new()),
            ("quiet_until", String::new()),
        ];
        fields.extend(wording.into_iter().map(|(k, v)| (k, v.to_owned())));
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form("/campaigns", &fields).await
        }
    };
    let english = vec![
        ("wording_en_subject", "Where are you now, <Class of 2026>?"),
        (
            "wording_en_body",
            "Your tutors would love to hear from you.\r\n\r\nTell us in two minutes & help next year's leavers.",
        ),
    ];
    // English only, while Ben reads Welsh: refused, naming the field.
    let response = post(english.clone()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("Welsh wording is missing: 1 learners of this cohort are written to in Welsh"),
        "{page}"
    );
    assert!(page.contains("href=\"#wording_cy_subject\""), "{page}");
    assert!(page.contains("id=\"wording_cy_subject-error\""), "{page}");
    assert!(
        page.contains("<details class=\"govuk-details\" open>"),
        "kept open: {page}"
    );
    assert!(
        page.contains("Where are you now, &#60;Class of 2026&#62;?"),
        "kept, escaped"
    );
    // A Welsh subject without its message: refused on the message field.
    let mut half = english.clone();
    half.push(("wording_cy_subject", "Ble rydych chi nawr?"));
    let response = post(half).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(page.contains("href=\"#wording_cy_body\""), "{page}");
    assert!(
        campaigns(app.db.conn(), org.id).await.expect("list").is_empty(),
        "nothing saved"
    );

    let mut both = english.clone();
    both.push(("wording_cy_subject", "Ble rydych chi nawr?"));
    both.push(("wording_cy_body", "Hoffai eich tiwtoriaid glywed gennych chi."));
    let response = post(both).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let saved = campaigns(app.db.conn(), org.id).await.expect("list");
    assert_eq!(saved.len(), 1);
    let id = saved[0].id;
    assert_eq!(saved[0].wording.len(), 2);
    assert_eq!(
        saved[0].wording["en-GB"].body,
        "Your tutors would love to hear from you.\n\nTell us in two minutes & help next year's leavers."
    );
    let (_, page) = app.get_text(&format!("/campaigns/{id}")).await;
    assert!(
        page.contains("The campaign&#39;s own, in English, Welsh")
            || page.contains("The campaign&#x27;s own, in English, Welsh"),
        "{page}"
    );

    // Ann (English) and Ben (Welsh) each get their language's wording.
    let response = app
        .post_form(&format!("/campaigns/{id}/start"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let mut mail = Vec::new();
    for _ in 0..200 {
        mail = app.sent_mail();
        if mail.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mail.len(), 2);
    let to = |address: &str| {
        mail.iter()
            .find(|m| m.recipients.iter().any(|r| r.contains(address)))
            .expect("a message")
    };
    let ann = to("learner0@campaigns.example");
    let text = ann.text().replace("\r\n", "\n");
    assert!(
        text.contains("Your tutors would love to hear from you.\n\nTell us in two minutes"),
        "{text}"
    );
    assert!(text.contains("/s/"), "the personal link: {text}");
    let raw = String::from_utf8_lossy(&ann.data);
    assert!(
        raw.contains("Where are you now, <Class of 2026>?"),
        "the subject: {raw}"
    );
    let ben = to("learner1@campaigns.example").text();
    assert!(
        ben.contains("Hoffai eich tiwtoriaid glywed gennych chi."),
        "{ben}"
    );
    assert!(!ben.contains("Your tutors"), "{ben}");
}

/// A plan that texts: the New campaign form and the campaign's page show each
/// text message in each language the cohort is written to in, with a link as
/// long as a real one, and the segments it takes.
async fn the_text_messages_are_shown_with_their_segments_before_sending(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "smsseg", Role::Admin).await;
    let mut plan = email_plan();
    plan.checkpoints[0].channels = vec![ContactChannel::Sms, ContactChannel::Phone];
    let queue = fixtures::leavers_due_a_call(app.db.conn(), org.id, &plan, &["Ann", "Ben"]).await;
    app.db
        .conn()
        .execute_unprepared(&format!(
            "UPDATE learners SET preferred_language = 'cy' WHERE id = {}",
            queue.learners[1].0
        ))
        .await
        .expect("language");
    let checkpoint = queue.plan.checkpoints[0].id;
    let (status, form) = app
        .get_text(&format!(
            "/campaigns/new?cohort={}&checkpoint={checkpoint}",
            queue.cohort
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    // What the page should count: the real texts with a link of the real length.
    let base = app.url("");
    let link =
        onward_notify::templates::PersonalLink::parse(&format!("{base}/s/{}", "0".repeat(64))).expect("link");
    let organisation = onward_storage::repo::organisations::organisation(app.db.conn(), org.id)
        .await
        .expect("organisation");
    let invitation = onward_notify::templates::Invitation {
        given_name: "",
        organisation: &organisation.name,
        link: &link,
    };
    for page in [form.clone(), {
        let id = create_campaign(
            app.db.conn(),
            org.id,
            &draft(queue.cohort, checkpoint, &[0, 7, 14]),
        )
        .await
        .expect("campaign");
        app.get_text(&format!("/campaigns/{id}")).await.1
    }] {
        assert!(
            page.contains("<h2 class=\"govuk-heading-m\" id=\"sms\">Text messages</h2>"),
            "{page}"
        );
        for (language, name) in [
            (onward_notify::Language::EnglishGb, "English"),
            (onward_notify::Language::Welsh, "Welsh"),
        ] {
            for (nudge, kind) in [
                (onward_notify::templates::Nudge::Invitation, "Invitation"),
                (onward_notify::templates::Nudge::LastReminder, "Last reminder"),
            ] {
                let text = onward_notify::templates::campaign_sms(language, nudge, &invitation);
                let count = onward_notify::sms::segments(&text);
                assert!(count.units > 120, "a realistic length: {text}");
                let row = format!("<th scope=\"row\" class=\"govuk-table__header\">{kind} ({name})</th>");
                let at = page.find(&row).unwrap_or_else(|| panic!("{row}: {page}"));
                let cells = &page[at..at + page[at..].find("</tr>").expect("row end")];
                assert!(cells.contains("/s/…"), "{cells}");
                assert!(cells.contains(&format!(">{}</td>", count.units)), "{cells}");
                assert!(
                    cells.contains(&format!(">{} (GSM)</td>", count.segments)),
                    "{cells}"
                );
            }
        }
    }
}

/// Waits (up to 20 s) until the job runner has sent step `step` (0-based) to `n` learners.
async fn wait_for_sent(app: &TestApp, org: OrganisationId, id: CampaignId, step: usize, n: usize) {
    for _ in 0..200 {
        let sent = messages(app.db.conn(), org, id).await.expect("messages");
        if sent
            .iter()
            .filter(|m| m.step == step && m.status == MessageStatus::Sent)
            .count()
            == n
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("step {step} was not sent to {n} learners");
}

/// A draft's or a paused campaign's schedule, quiet hours and wording change
/// on its settings page; a running one's do not; a paused one keeps the days
/// of the steps already planned, and the planner then follows the new days.
async fn settings_change_while_draft_or_paused_keeping_the_days_already_planned(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "campaignsweb", Role::Admin).await;
    // Five emails before the task moves on to the next channel: every step goes by email.
    let mut plan = email_plan();
    plan.checkpoints[0].max_attempts = 5;
    let w = world_on(&app.db, org.id, &plan, &["Ann", "Ben", "Cat", "Dan", "Eve"]).await;
    let id = create_campaign(app.db.conn(), org.id, &draft(w.cohort, w.checkpoint, &[0, 7]))
        .await
        .expect("campaign");
    let path = format!("/campaigns/{id}/settings");
    let (status, form) = app.get_text(&path).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("value=\"0, 7\""), "the saved schedule: {form}");
    let csrf = csrf_from(&form).expect("csrf");
    let save = |schedule: &'static str, subject: &'static str| {
        let csrf = csrf.clone();
        let path = path.clone();
        let app = &app;
        async move {
            let fields = [
                ("csrf", csrf.as_str()),
                ("schedule", schedule),
                ("quiet_from", ""),
                ("quiet_until", ""),
                ("wording_en_subject", subject),
                (
                    "wording_en_body",
                    if subject.is_empty() {
                        ""
                    } else {
                        "Tell us what you do now."
                    },
                ),
            ];
            app.post_form(&path, &fields).await
        }
    };
    let audited = || async {
        count_audit_events(app.db.conn(), org.id, "campaign.settings_changed", Some(id.0))
            .await
            .expect("audit")
    };

    // A draft: anything valid, named errors otherwise.
    let response = save("0, 9, 3", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("each day must be later than the one before") && page.contains("href=\"#schedule\""),
        "{page}"
    );
    let response = save("0, 3, 10", "Your next step").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        redirect_target(&response),
        format!("/campaigns/{id}?done=changed")
    );
    let saved = campaign(app.db.conn(), org.id, id).await.expect("campaign");
    assert_eq!(saved.schedule_days, vec![0, 3, 10]);
    assert_eq!(saved.quiet, QuietHours::none());
    assert_eq!(saved.wording["en-GB"].subject, "Your next step");
    assert_eq!(audited().await, 1);
    let (_, page) = app.get_text(&format!("/campaigns/{id}?done=changed")).await;
    assert!(
        page.contains("The campaign&#39;s settings are saved") && page.contains("0, 3, 10"),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"{path}\"")),
        "the page links to its settings: {page}"
    );

    // Running: the page says to pause first, and a save changes nothing.
    let start = app
        .post_form(&format!("/campaigns/{id}/start"), &[("csrf", csrf.as_str())])
        .await;
    assert!(redirect_target(&start).ends_with("done=started"));
    wait_for_sent(&app, org.id, id, 0, 2).await;
    let (_, page) = app.get_text(&path).await;
    assert!(
        page.contains("id=\"not-now\"") && !page.contains("name=\"schedule\""),
        "{page}"
    );
    let response = save("0, 4", "").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .expect("body")
            .contains("pause it to change its settings")
    );
    assert_eq!(
        campaign(app.db.conn(), org.id, id)
            .await
            .expect("c")
            .schedule_days,
        vec![0, 3, 10]
    );

    // Four days on, the reminder (day 3) goes out; then paused, the first two
    // days stay as they are and the later ones may change.
    campaigns_move_start_back(&app, org.id, id, 4).await;
    app.post_form(&format!("/campaigns/{id}/run"), &[("csrf", csrf.as_str())])
        .await;
    wait_for_sent(&app, org.id, id, 1, 2).await;
    app.post_form(&format!("/campaigns/{id}/pause"), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(
        campaign(app.db.conn(), org.id, id).await.expect("c").status,
        CampaignStatus::Paused
    );
    let (_, page) = app.get_text(&path).await;
    assert!(page.contains("must start with the same days: 0, 3"), "{page}");
    for moved in ["0, 4, 10", "0"] {
        let response = save(moved, "Your next step").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{moved}");
        let page = response.text().await.expect("body");
        assert!(
            page.contains("keep their days, so start with 0, 3"),
            "{moved}: {page}"
        );
    }
    assert_eq!(audited().await, 1);
    let response = save("0, 3, 5, 30", "").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let saved = campaign(app.db.conn(), org.id, id).await.expect("campaign");
    assert_eq!(saved.schedule_days, vec![0, 3, 5, 30]);
    assert!(saved.wording.is_empty(), "back to the standard wording");
    assert_eq!(audited().await, 2);

    // Resumed, the planner follows the new schedule: day 5's step is due now.
    app.post_form(&format!("/campaigns/{id}/start"), &[("csrf", csrf.as_str())])
        .await;
    campaigns_move_start_back(&app, org.id, id, 1).await;
    app.post_form(&format!("/campaigns/{id}/run"), &[("csrf", csrf.as_str())])
        .await;
    wait_for_sent(&app, org.id, id, 2, 2).await;

    // Another organisation's campaign is not found.
    let (_, other) = elsewhere(&app.db).await;
    assert_eq!(
        app.get(&format!("/campaigns/{other}/settings")).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Moves a running campaign's start `days` earlier, as if they had passed.
async fn campaigns_move_start_back(app: &TestApp, org: OrganisationId, id: CampaignId, days: i64) {
    onward_storage::repo::campaigns::move_start_back(app.db.conn(), org, id, chrono::Duration::days(days))
        .await
        .expect("move the start back");
}

async fn roles_without_the_permission_are_refused(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "campaignsweb", Role::Tutor).await;
    let w = world(&app.db, org.id, &["Ann", "Ben", "Cat", "Dan", "Eve"]).await;
    let id = create_campaign(app.db.conn(), org.id, &draft(w.cohort, w.checkpoint, &[0]))
        .await
        .expect("campaign");
    // A tutor sees campaigns' counts, never who is excluded, and changes nothing.
    let (status, page) = app.get_text(&format!("/campaigns/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Excluded: 3"), "{page}");
    assert!(
        !page.contains("Eve Leaver") && !page.contains("Start campaign"),
        "{page}"
    );
    assert_eq!(app.get("/campaigns/new").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.get(&format!("/campaigns/{id}/settings")).await.status(),
        StatusCode::FORBIDDEN
    );
    let csrf = csrf_from(&page).expect("csrf");
    for button in ["start", "pause", "finish", "run"] {
        let response = app
            .post_form(&format!("/campaigns/{id}/{button}"), &[("csrf", csrf.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{button}");
    }
    assert_eq!(
        app.post_form("/campaigns", &[("csrf", csrf.as_str())])
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        campaign(app.db.conn(), org.id, id).await.expect("c").status,
        CampaignStatus::Draft
    );
    // A partner does not see campaigns at all.
    let partner = app.new_client();
    fixtures::user(app.db.conn(), &org, Role::Partner, "partner@campaignsweb.example").await;
    partner
        .sign_in("partner@campaignsweb.example", fixtures::PASSWORD)
        .await;
    assert_eq!(partner.get("/campaigns").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        partner.get(&format!("/campaigns/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
}

on_both_backends!(
    a_bad_schedule_is_refused_naming_the_field_and_a_good_one_saves_a_draft,
    the_preview_lists_who_is_excluded_and_why_and_never_another_organisations_learners,
    starting_pausing_and_finishing_change_the_status_and_are_audited,
    roles_without_the_permission_are_refused,
    send_now_sends_one_learner_the_next_message_once_and_says_why_not_otherwise,
    own_wording_is_refused_without_a_needed_translation_and_sent_in_each_learners_language,
    the_text_messages_are_shown_with_their_segments_before_sending,
    settings_change_while_draft_or_paused_keeping_the_days_already_planned,
);
