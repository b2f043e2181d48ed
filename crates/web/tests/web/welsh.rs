//! The staff pages in Welsh over HTTP, on both backends: with Welsh chosen (by
//! the visitor, or as the organisation's default) the key pages, their
//! validation messages and the error pages carry `lang="cy"` and none of the
//! English interface text.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use onward_domain::role::Role;
use onward_domain::tracking::{TrackingPlan, shipped_plans};
use onward_storage::repo::organisations::update_settings;
use onward_test_support::{TestApp, TestClient, TestDatabase, csrf_from, fixtures, on_both_backends};
use reqwest::StatusCode;

/// Key → value of every message in one locale's files (single-line values).
fn catalogue(locale: &str) -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(locale);
    let mut found = BTreeMap::new();
    for entry in fs::read_dir(&dir).expect("locale directory") {
        let path = entry.expect("locale file").path();
        if path.extension().is_none_or(|ext| ext != "ftl") {
            continue;
        }
        for line in fs::read_to_string(&path).expect("readable").lines() {
            if line.starts_with(['#', ' ', '.']) {
                continue;
            }
            if let Some((key, value)) = line.split_once(" = ") {
                found.insert(key.trim().to_owned(), value.trim().to_owned());
            }
        }
    }
    found
}

/// The English interface texts a Welsh page must not show: every en-GB value
/// whose Welsh differs, with its placeables cut out (the fixed parts around
/// them), at least four letters long.
fn english_interface_texts() -> Vec<String> {
    let english = catalogue("en-GB");
    let welsh = catalogue("cy");
    let mut texts = Vec::new();
    for (key, value) in &english {
        // The switch names the other language on purpose.
        if key == "language-switch" || welsh.get(key) == Some(value) {
            continue;
        }
        let mut rest = value.as_str();
        while !rest.is_empty() {
            let (before, after) = match rest.find('{') {
                Some(start) => (
                    &rest[..start],
                    rest[start..].find('}').map_or("", |end| &rest[start + end + 1..]),
                ),
                None => (rest, ""),
            };
            let fixed = before
                .trim()
                .trim_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
            // Acronyms (NEET, ULN) are the same in both languages.
            let acronyms_only = fixed
                .split(|c: char| !c.is_alphanumeric())
                .all(|word| word.chars().all(|c| !c.is_lowercase()));
            // Language names appear on Welsh pages on purpose (the switch,
            // the settings' language list), so the wording form's English
            // and Welsh headings are not interface text left in English.
            let language_name = matches!(fixed, "English" | "Welsh");
            if fixed.chars().filter(|c| c.is_alphabetic()).count() >= 4 && !acronyms_only && !language_name {
                texts.push(fixed.to_owned());
            }
            rest = after;
        }
    }
    texts.sort();
    texts.dedup();
    texts
}

/// What a reader (or a screen reader) gets from a page: its text and the
/// `aria-label`s, with the organisation's own data (plan and checkpoint names)
/// taken out.
fn readable_text(html: &str, data: &[String]) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        let Some(end) = rest[start..].find('>') else { break };
        let tag = &rest[start..start + end];
        if let Some(at) = tag.find("aria-label=\"") {
            let label = &tag[at + "aria-label=\"".len()..];
            text.push_str(&label[..label.find('"').unwrap_or(label.len())]);
            text.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    text.push_str(rest);
    let mut text = text
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    for item in data {
        text = text.replace(item.as_str(), " ");
    }
    text
}

/// Whether `phrase` stands in `text` as whole words.
fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn plan_data(plan: &TrackingPlan) -> Vec<String> {
    let mut data = vec![plan.name.clone(), plan.description.clone()];
    data.extend(plan.checkpoints.iter().map(|checkpoint| checkpoint.name.clone()));
    // Longest first, so a name inside another is removed after it.
    data.sort_by_key(|item| std::cmp::Reverse(item.len()));
    data
}

async fn assert_welsh(client: &TestClient, path: &str, expected: StatusCode, data: &[String]) -> String {
    let (status, page) = client.get_text(path).await;
    assert_eq!(status, expected, "{path}");
    assert_welsh_page(path, &page, data);
    page
}

fn assert_welsh_page(what: &str, page: &str, data: &[String]) {
    assert!(
        page.contains("<html lang=\"cy\""),
        "{what} is not marked as Welsh"
    );
    let text = readable_text(page, data);
    let leaked: Vec<String> = english_interface_texts()
        .into_iter()
        .filter(|english| contains_phrase(&text, english))
        .collect();
    assert!(
        leaked.is_empty(),
        "{what} shows English interface text: {leaked:?}"
    );
}

async fn key_pages_chosen_in_welsh_show_no_english_interface_text(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "cymraeg", Role::Admin).await;
    let plan = shipped_plans().remove(0);
    let queue = fixtures::leavers_due_a_call(app.db.conn(), org.id, &plan, &["Aled", "Betsan"]).await;
    let data = plan_data(&plan);
    let learner = queue.learners[0];
    assert_eq!(app.get("/language/cy").await.status(), StatusCode::SEE_OTHER);

    let visitor = &app.visitor;
    let home = assert_welsh(visitor, "/", StatusCode::OK, &data).await;
    assert!(
        home.contains("Carfannau") && home.contains("Gweinyddwr"),
        "{home}"
    );
    let cohort = assert_welsh(
        visitor,
        &format!("/cohorts/{}", queue.cohort),
        StatusCode::OK,
        &data,
    )
    .await;
    assert!(
        cohort.contains("Ddim yn hysbys"),
        "destinations are counted under Welsh labels"
    );
    let record = assert_welsh(visitor, &format!("/learners/{learner}"), StatusCode::OK, &data).await;
    assert!(
        record.contains("Wedi dechrau Bootcamp") && record.contains("Cofrestriad"),
        "the timeline is in Welsh"
    );
    for path in [
        "/learners?q=Leaver".to_owned(),
        format!("/learners/{learner}/edit"),
        format!("/learners/{learner}/contacts/new"),
        format!("/learners/{learner}/intentions/new"),
        format!("/cohorts/{}/at-risk", queue.cohort),
        "/work".to_owned(),
        "/plans".to_owned(),
        format!("/plans/{}", queue.plan.id),
        "/users".to_owned(),
        "/programmes".to_owned(),
        "/settings".to_owned(),
        "/alumni".to_owned(),
        "/stories".to_owned(),
        "/stories/approved".to_owned(),
    ] {
        assert_welsh(visitor, &path, StatusCode::OK, &data).await;
    }
    // Campaigns: the list, a new campaign's audience preview, a draft's page,
    // and a schedule sent back with its problem.
    let surveyed = queue
        .plan
        .checkpoints
        .iter()
        .find(|point| point.checkpoint.survey.is_some())
        .expect("a checkpoint with a survey");
    let campaign = onward_storage::repo::campaigns::create_campaign(
        app.db.conn(),
        org.id,
        &onward_storage::repo::campaigns::NewCampaign {
            wording: Default::default(),
            cohort: queue.cohort,
            checkpoint: surveyed.id,
            schedule_days: vec![0, 7],
            quiet: onward_domain::campaign::QuietHours::default_for_learners(),
            created_by: None,
        },
    )
    .await
    .expect("campaign");
    let mut with_survey = data.clone();
    with_survey.extend(surveyed.checkpoint.survey.clone());
    with_survey.sort_by_key(|item| std::cmp::Reverse(item.len()));
    let new_campaign = format!(
        "/campaigns/new?cohort={}&checkpoint={}",
        queue.cohort, surveyed.id
    );
    for path in [
        "/campaigns".to_owned(),
        new_campaign.clone(),
        format!("/campaigns/{campaign}"),
    ] {
        assert_welsh(visitor, &path, StatusCode::OK, &with_survey).await;
    }
    let (_, form) = visitor.get_text(&new_campaign).await;
    assert!(form.contains("Sail gyfreithlon"), "{form}");
    let csrf = csrf_from(&form).expect("csrf");
    let response = visitor
        .post_form(
            "/campaigns",
            &[
                ("csrf", csrf.as_str()),
                ("cohort", queue.cohort.to_string().as_str()),
                ("checkpoint", surveyed.id.to_string().as_str()),
                ("schedule", "0, 14, 7"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert_welsh_page("the campaign form with errors", &page, &with_survey);
    assert!(
        page.contains("Amserlen: rhaid i bob diwrnod fod yn hwyrach"),
        "{page}"
    );

    // The import page names the template's columns as a file must spell them,
    let mut with_headers = data.clone();
    with_headers.extend(
        onward_import::mapping::Field::ALL
            .iter()
            .map(|field| field.header().to_owned()),
    );
    // And the server command for large files.
    with_headers.push("onward import learners".to_owned());
    with_headers.sort_by_key(|item| std::cmp::Reverse(item.len()));
    assert_welsh(visitor, "/imports", StatusCode::OK, &with_headers).await;

    // A form sent back with its problems: the messages are Welsh too.
    let (_, form) = visitor.get_text(&format!("/learners/{learner}/edit")).await;
    let csrf = csrf_from(&form).expect("csrf");
    let response = visitor
        .post_form(
            &format!("/learners/{learner}/details"),
            &[
                ("csrf", csrf.as_str()),
                ("given_name", "Aled"),
                ("family_name", "Leaver"),
                ("day", "31"),
                ("month", "2"),
                ("year", "2010"),
                ("postcode", "not a postcode"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.expect("body");
    assert_welsh_page("the learner form with errors", &page, &data);
    assert!(
        [
            "Dyddiad geni: rhowch ddyddiad go iawn",
            "Rhowch god post go iawn",
            "Rhowch ULN neu ID MIS"
        ]
        .iter()
        .all(|message| readable_text(&page, &[]).contains(message)),
        "{page}"
    );

    // Error pages follow the visitor's language.
    let missing = assert_welsh(visitor, "/learners/999999", StatusCode::NOT_FOUND, &data).await;
    assert!(
        readable_text(&missing, &[]).contains("Heb ddod o hyd i'r dudalen"),
        "{missing}"
    );

    // The sign-in page and its refusal, for a visitor who chose Welsh.
    let stranger = app.new_client();
    assert_eq!(stranger.get("/language/cy").await.status(), StatusCode::SEE_OTHER);
    assert_welsh(&stranger, "/login", StatusCode::OK, &data).await;
    let refused = stranger.sign_in("me@cymraeg.example", "wrong password").await;
    let page = refused.text().await.expect("body");
    assert_welsh_page("the refused sign-in", &page, &data);
    assert!(
        page.contains("Rhowch gyfeiriad e-bost a chyfrinair cywir"),
        "{page}"
    );
}

async fn an_organisation_whose_default_is_welsh_gets_welsh_pages_and_error_pages(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "ysgol", Role::Tutor).await;
    update_settings(app.db.conn(), org.id, &org.name, "cy")
        .await
        .expect("settings");
    let data = Vec::new();
    let home = assert_welsh(&app.visitor, "/", StatusCode::OK, &data).await;
    assert!(home.contains("Tiwtor"), "the role is named in Welsh");
    let missing = assert_welsh(&app.visitor, "/learners/999999", StatusCode::NOT_FOUND, &data).await;
    assert!(
        readable_text(&missing, &[]).contains("Heb ddod o hyd i'r dudalen"),
        "{missing}"
    );
    let forbidden = assert_welsh(&app.visitor, "/users", StatusCode::FORBIDDEN, &data).await;
    assert!(
        forbidden.contains("Allwch chi ddim gweld y dudalen hon"),
        "{forbidden}"
    );
}

#[test]
fn the_leak_check_finds_english_interface_text() {
    let texts = english_interface_texts();
    for expected in [
        "Sign out",
        "Not known",
        "Page not found",
        "Started",
        "Administrator",
    ] {
        assert!(
            texts.iter().any(|text| text == expected),
            "{expected} is not checked"
        );
    }
    let page =
        "<html lang=\"cy\"><p>Dim cynigion. Not known</p><a aria-label=\"Pages of results\">1</a></html>";
    let text = readable_text(page, &[]);
    assert!(contains_phrase(&text, "Not known") && contains_phrase(&text, "Pages of results"));
    assert!(!contains_phrase("Unknownness", "known"));
}

on_both_backends!(
    key_pages_chosen_in_welsh_show_no_english_interface_text,
    an_organisation_whose_default_is_welsh_gets_welsh_pages_and_error_pages,
);
