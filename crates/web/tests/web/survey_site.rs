//! The learner survey site over HTTP (issue 14): a personal link opens the
//! survey in the learner's language with only their given name; pages are
//! saved one at a time; errors come back in a GOV.UK error summary; "check
//! your answers" sends once; unknown, expired and revoked links get the same
//! page, rate-limited; answers off the route are ignored; a page weighs
//! under 50 kB. On SQLite and PostgreSQL.

use chrono::NaiveDate;
use onward_domain::contact::ContactChannel;
use onward_domain::destination::DestinationSource;
use onward_domain::role::Role;
use onward_storage::repo::destinations::destination_history;
use onward_storage::repo::surveys::{invitation, revoke_invitation};
use onward_storage::{LearnerId, OrganisationId};
use onward_test_support::{TestApp, TestDatabase, fixtures, on_both_backends};
use onward_web::survey::{IssuedLink, LinkRequest, issue_link};
use reqwest::StatusCode;

struct World {
    app: TestApp,
    org: OrganisationId,
    learner: LearnerId,
}

async fn world(db: TestDatabase) -> World {
    let conn = db.conn();
    let organisation = fixtures::organisation(conn, "site").await;
    fixtures::user(conn, &organisation, Role::ProgressionLead, "lead@site.example").await;
    let plan = fixtures::follow_up_plan(&[ContactChannel::Email], 2);
    let queue = fixtures::leavers_due_a_call(conn, organisation.id, &plan, &["Siân"]).await;
    World {
        org: organisation.id,
        learner: queue.learners[0],
        app: TestApp::spawn(db).await,
    }
}

async fn link(w: &World, language: Option<&str>, days: Option<u32>) -> IssuedLink {
    issue_link(
        w.app.db.conn(),
        w.org,
        w.learner,
        &LinkRequest {
            survey: "follow-up-3-6-month",
            language,
            days,
            ..LinkRequest::default()
        },
        None,
    )
    .await
    .expect("link")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn a_learner_completes_the_six_month_survey_in_welsh(db: TestDatabase) {
    let w = world(db).await;
    let issued = link(&w, Some("cy"), None).await;
    let base = issued.path();
    let (status, start) = w.app.get_text(&base).await;
    assert_eq!(status, StatusCode::OK);
    assert!(start.contains("<html lang=\"cy\""), "html lang set");
    assert!(start.contains("Helo Siân"), "greets by given name");
    assert!(!start.contains("Leaver"), "never shows the family name");
    assert!(
        start.contains("Cymraeg") && start.contains("Eesti"),
        "a language switch"
    );
    // ?lang= switches the page's language.
    let (_, english) = w.app.get_text(&format!("{base}?lang=en-GB")).await;
    assert!(english.contains("<html lang=\"en-GB\"") && english.contains("Hello Siân"));

    let post = |page: &str, fields: Vec<(&'static str, &'static str)>| {
        let path = format!("{base}/p/{page}?lang=cy");
        let app = &w.app;
        async move { app.post_form(&path, &fields).await }
    };
    let response = post("activity", vec![("activity", "employed-full-time")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("{base}/p/job?lang=cy"));
    // A future start date is refused with a clear message in a GOV.UK error summary.
    let response = post(
        "job",
        vec![
            ("employer", "Acme"),
            ("job-title", "Fitter"),
            ("job-start-day", "1"),
            ("job-start-month", "1"),
            ("job-start-year", "2099"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert!(page.contains("govuk-error-summary"), "{page}");
    assert!(page.contains("Rhaid i’r dyddiad fod heddiw neu yn y gorffennol"));
    assert!(page.contains("href=\"#job-start-day\""));
    assert!(page.contains("value=\"Acme\""), "what was typed is kept");
    // HTML typed in an answer is shown as text, never as markup.
    let response = post(
        "job",
        vec![
            ("employer", "<script>alert(1)</script>"),
            ("job-title", "=SUM(A1)"),
            ("hours", "37"),
        ],
    )
    .await;
    assert_eq!(location(&response), format!("{base}/p/contact?lang=cy"));
    // An answer to a page off the route (study, for someone employed) is ignored.
    let response = post("study", vec![("institution", "Elsewhere")]).await;
    assert_eq!(location(&response), format!("{base}?lang=cy"));
    for (page, fields) in [
        ("contact", vec![("email", "sian@example.com")]),
        ("alumni", vec![("alumni", "no")]),
        ("keep-in-touch", vec![("optout", "keep")]),
    ] {
        let response = post(page, fields).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
    }
    let (status, check) = w.app.get_text(&format!("{base}/check?lang=cy")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(check.contains("Gwiriwch eich atebion"));
    assert!(
        check.contains("alert(1)") && check.contains("=SUM(A1)"),
        "the answers are shown"
    );
    assert!(
        !check.contains("<script>alert(1)"),
        "HTML kept inert, shown as text"
    );
    assert!(!check.contains("Elsewhere"), "the off-route answer is not shown");
    let response = w.app.post_form(&format!("{base}/check?lang=cy"), &[]).await;
    assert_eq!(location(&response), format!("{base}/done?lang=cy"));
    // A second submit (a double click) writes nothing more.
    let response = w.app.post_form(&format!("{base}/check?lang=cy"), &[]).await;
    assert_eq!(location(&response), format!("{base}/done?lang=cy"));
    let history = destination_history(w.app.db.conn(), w.org, w.learner)
        .await
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].record.source, DestinationSource::Survey);
    assert_eq!(
        history[0].record.employer.as_deref(),
        Some("<script>alert(1)</script>")
    );
    assert_eq!(history[0].record.institution, None);
    // The completed survey can be viewed, not changed.
    let (status, done) = w.app.get_text(&format!("{base}/done?lang=cy")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(done.contains("Atebion wedi’u hanfon"));
    assert!(!done.contains("<form"));
    let response = post("activity", vec![("activity", "looking")]).await;
    assert_eq!(location(&response), format!("{base}/done?lang=cy"));
    let (_, start) = w.app.get_text(&base).await;
    assert!(start.is_empty(), "the start page of a completed survey redirects");
    let stored = invitation(w.app.db.conn(), w.org, issued.invitation)
        .await
        .expect("invitation");
    assert!(stored.completed_at.is_some());
}

async fn a_learner_resumes_from_another_device(db: TestDatabase) {
    let w = world(db).await;
    let issued = link(&w, None, None).await;
    let base = issued.path();
    w.app
        .post_form(&format!("{base}/p/activity"), &[("activity", "higher-education")])
        .await;
    // A new visitor (no cookies) with the same link carries on where it stopped.
    let other = w.app.new_client();
    let (_, start) = other.get_text(&base).await;
    assert!(
        start.contains("You have already answered some questions"),
        "{start}"
    );
    assert!(start.contains(&format!("{base}/p/study?lang=en-GB")));
    let (_, page) = other.get_text(&format!("{base}/p/activity")).await;
    assert!(
        page.contains("value=\"higher-education\" checked"),
        "saved answer shown"
    );
}

async fn links_that_do_not_work_get_the_same_page(db: TestDatabase) {
    let w = world(db).await;
    let expired = link(&w, None, Some(0)).await;
    let revoked = link(&w, None, None).await;
    assert!(
        revoke_invitation(w.app.db.conn(), w.org, w.learner, revoked.invitation)
            .await
            .expect("revoke")
    );
    let unknown = "ab".repeat(32);
    let mut bodies = Vec::new();
    for path in [
        expired.path(),
        revoked.path(),
        format!("/s/{unknown}"),
        "/s/short".to_owned(),
        format!("{}/p/activity", revoked.path()),
    ] {
        let (status, body) = w.app.get_text(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("This link does not work"), "{path}");
        bodies.push(body);
    }
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "the same page for each"
    );
    // Guessing is rate-limited per client.
    let mut limited = false;
    for _ in 0..30 {
        if w.app.get(&format!("/s/{unknown}")).await.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "misses are rate-limited");
}

async fn a_survey_page_weighs_under_50_kb(db: TestDatabase) {
    let w = world(db).await;
    let issued = link(&w, Some("cy"), None).await;
    let page = w
        .app
        .get(&format!("{}/p/activity", issued.path()))
        .await
        .bytes()
        .await
        .expect("page");
    let css = w
        .app
        .visitor
        .client
        .get(w.app.url("/static/survey.css"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("css");
    assert_eq!(
        css.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("gzip")
    );
    let css = css.bytes().await.expect("css");
    let total = page.len() + css.len();
    assert!(
        !String::from_utf8_lossy(&page).contains("<script"),
        "no script at all"
    );
    assert!(
        total < 50 * 1024,
        "page {} + stylesheet {} bytes",
        page.len(),
        css.len()
    );
    let _ = NaiveDate::MIN;
}

/// A page shows what the learner saved, in the page's language: typed text
/// (as text, never markup), a date, the ticked option, the organisation's
/// name, and a back link along their route.
async fn a_saved_page_shows_the_learners_answers(db: TestDatabase) {
    let w = world(db).await;
    let issued = link(&w, Some("cy"), None).await;
    let base = issued.path();
    for (page, fields) in [
        ("activity", vec![("activity", "employed-full-time")]),
        (
            "job",
            vec![
                ("employer", "O'Neil & <Sons>"),
                ("job-title", "Fitter \"lead\""),
                ("hours", "37"),
                ("sector", "engineering"),
                ("job-start-day", "3"),
                ("job-start-month", "2"),
                ("job-start-year", "2024"),
                ("relates", "partly"),
            ],
        ),
    ] {
        let response = w
            .app
            .post_form(&format!("{base}/p/{page}?lang=cy"), &fields)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
    }
    let (status, job) = w.app.get_text(&format!("{base}/p/job")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(job.contains("<html lang=\"cy\""), "the link's language");
    assert!(job.contains("Yn eich blaen"), "Welsh text");
    assert!(job.contains("site organisation"), "the organisation's name");
    assert!(job.contains("value=\"O&#39;Neil &#38; &#60;Sons&#62;\""), "{job}");
    assert!(job.contains("value=\"Fitter &#34;lead&#34;\""));
    assert!(job.contains("value=\"37\""));
    assert!(
        job.contains(
            "name=\"job-start-day\" type=\"text\" inputmode=\"numeric\" maxlength=\"2\" value=\"3\""
        )
    );
    assert!(job.contains("maxlength=\"4\" value=\"2024\""));
    assert!(job.contains("value=\"engineering\" checked"));
    assert!(job.contains("value=\"partly\" checked"));
    assert_eq!(
        job.matches(" checked").count(),
        2,
        "only the saved options are ticked"
    );
    assert!(job.contains(&format!(
        "href=\"{base}/p/activity?lang=cy\" class=\"govuk-back-link\""
    )));
    assert!(job.contains(&format!("action=\"{base}/p/job?lang=cy\"")));
    // The same page in English, the same answers.
    let (_, english) = w.app.get_text(&format!("{base}/p/job?lang=en-GB")).await;
    assert!(english.contains("<html lang=\"en-GB\"") && english.contains("Continue"));
    assert!(english.contains("value=\"O&#39;Neil &#38; &#60;Sons&#62;\""));
    assert!(english.contains(&format!("action=\"{base}/p/job?lang=en-GB\"")));
    // Another learner's page carries none of it.
    let other = link(&w, Some("cy"), None).await;
    let (_, fresh) = w.app.get_text(&format!("{}/p/activity", other.path())).await;
    assert!(!fresh.contains(" checked") && !fresh.contains(base.as_str()));
}

on_both_backends!(
    a_learner_completes_the_six_month_survey_in_welsh,
    a_learner_resumes_from_another_device,
    links_that_do_not_work_get_the_same_page,
    a_survey_page_weighs_under_50_kb,
    a_saved_page_shows_the_learners_answers,
);

mod staff {
    use onward_domain::role::Role;
    use onward_storage::repo::contacts::contact_points;
    use onward_storage::repo::learners::insert_learner;
    use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
    use reqwest::StatusCode;

    /// Staff preview surveys, make a personal link (shown once), see the
    /// answers on the learner's record, accept or reject the contact details
    /// the learner proposed, and revoke a link.
    async fn staff_make_links_see_answers_and_decide_contact_changes(db: TestDatabase) {
        let (app, organisation) = TestApp::signed_in(db, "staffside", Role::ProgressionLead).await;
        let learner = insert_learner(
            app.db.conn(),
            organisation.id,
            &fixtures::new_learner("Aled", "Jones", None, Some("M1")),
        )
        .await
        .expect("learner");
        let (status, list) = app.get_text("/surveys").await;
        assert_eq!(status, StatusCode::OK);
        assert!(list.contains("follow-up-3-6-month") && list.contains("quick-check"));
        let (status, preview) = app.get_text("/surveys/follow-up-3-6-month?lang=et").await;
        assert_eq!(status, StatusCode::OK);
        assert!(preview.contains("lang=\"et\""));
        assert_eq!(
            app.get("/surveys/no-such-survey").await.status(),
            StatusCode::NOT_FOUND
        );

        let record = format!("/learners/{}/surveys", learner.0);
        let (status, page) = app.get_text(&record).await;
        assert_eq!(status, StatusCode::OK);
        let csrf = csrf_from(&page).expect("csrf");
        let response = app
            .post_form(
                &format!("/learners/{}/survey-links", learner.0),
                &[
                    ("csrf", &csrf),
                    ("survey", "follow-up-3-6-month"),
                    ("language", "cy"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.expect("page");
        let at = page.find(&app.url("/s/")).expect("the new link is shown");
        let link: String = page[at..].chars().take_while(|c| *c != '"').collect();
        let path = link.trim_start_matches(&app.url("")).to_owned();
        let (_, again) = app.get_text(&record).await;
        assert!(!again.contains(&path), "the link is shown only once");

        // The learner answers on their phone, proposing a new email address.
        let learner_site = app.new_client();
        for (page, fields) in [
            ("activity", vec![("activity", "employed-part-time")]),
            ("job", vec![("employer", "Caffi"), ("job-title", "Barista")]),
            (
                "contact",
                vec![("email", "aled@example.com"), ("mobile", "07700 900123")],
            ),
            ("alumni", vec![]),
            ("keep-in-touch", vec![("optout", "keep")]),
        ] {
            let response = learner_site.post_form(&format!("{path}/p/{page}"), &fields).await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
        }
        learner_site.post_form(&format!("{path}/check"), &[]).await;

        let (_, page) = app.get_text(&record).await;
        assert!(
            page.contains("Caffi") && page.contains("aled@example.com"),
            "answers and changes shown"
        );
        let changes: Vec<String> = page
            .match_indices("name=\"change\" value=\"")
            .map(|(at, found)| {
                page[at + found.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect()
            })
            .collect();
        assert_eq!(changes.len(), 2, "two changes wait for staff");
        let before = contact_points(app.db.conn(), organisation.id, learner)
            .await
            .expect("points")
            .len();
        for (change, decision) in changes.iter().zip(["accept", "reject"]) {
            let response = app
                .post_form(
                    &format!("/learners/{}/contact-changes", learner.0),
                    &[("csrf", &csrf), ("change", change), ("decision", decision)],
                )
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
        let after = contact_points(app.db.conn(), organisation.id, learner)
            .await
            .expect("points")
            .len();
        assert_eq!(
            after,
            before + 1,
            "only the accepted change becomes a contact point"
        );

        // A second link, revoked, stops working.
        let response = app
            .post_form(
                &format!("/learners/{}/survey-links", learner.0),
                &[("csrf", &csrf), ("survey", "quick-check"), ("language", "")],
            )
            .await;
        let page = response.text().await.expect("page");
        let at = page.find(&app.url("/s/")).expect("link");
        let second: String = page[at..].chars().take_while(|c| *c != '"').collect();
        let second = second.trim_start_matches(&app.url("")).to_owned();
        assert_eq!(learner_site.get(&second).await.status(), StatusCode::OK);
        let (_, page) = app.get_text(&record).await;
        let at = page
            .find("name=\"invitation\" value=\"")
            .expect("a revoke button")
            + "name=\"invitation\" value=\"".len();
        let invitation: String = page[at..].chars().take_while(|c| c.is_ascii_digit()).collect();
        let response = app
            .post_form(
                &format!("/learners/{}/survey-links/revoke", learner.0),
                &[("csrf", &csrf), ("invitation", &invitation)],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(learner_site.get(&second).await.status(), StatusCode::NOT_FOUND);
    }

    on_both_backends!(staff_make_links_see_answers_and_decide_contact_changes);
}
