//! Sign-in under attack, sessions, passwords and account links (issue 13,
//! items 6–14), over HTTP on both backends.

use std::time::{Duration, Instant};

use onward_domain::email::EmailAddress;
use onward_domain::role::Role;
use onward_storage::repo::audit::count_audit_events;
use onward_storage::repo::users::{self, NewUser, User};
use onward_test_support::{TestApp, TestClient, TestDatabase, csrf_from, fixtures, on_both_backends};
use onward_web::{PublicUrl, WebConfig};
use reqwest::StatusCode;

/// Signs in through the form, optionally as if forwarded for `forwarded_for`.
async fn sign_in_via(
    visitor: &TestClient,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let (_, page) = visitor.get_text("/login").await;
    let csrf = csrf_from(&page).expect("sign-in form has a CSRF token");
    let mut request = visitor.client.post(visitor.url("/login")).form(&[
        ("email", email),
        ("password", password),
        ("csrf", &csrf),
    ]);
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.expect("POST /login")
}

async fn stored_user(db: &TestDatabase, email: &str) -> User {
    users::user_by_email(db.conn(), &EmailAddress::parse(email).expect("email"))
        .await
        .expect("read user")
        .expect("user exists")
}

fn is_locked(user: &User) -> bool {
    user.locked_until.is_some_and(|until| until > chrono::Utc::now())
}

/// An app whose own address (127.0.0.1) is a trusted proxy, so each request
/// can come from its own client through `X-Forwarded-For`.
async fn behind_a_trusted_proxy(db: TestDatabase) -> TestApp {
    let config = WebConfig {
        trusted_proxies: vec![onward_web::client::parse_trusted_proxy("127.0.0.1").expect("address")],
        ..TestApp::config()
    };
    TestApp::spawn_with(db, config).await
}

// Item 6: anonymous requests write nothing.

async fn anonymous_visitors_create_no_sessions_and_sign_in_stays_csrf_protected(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "quiet").await;
    fixtures::user(db.conn(), &org, Role::Admin, "admin@quiet.example").await;
    let app = TestApp::spawn(db).await;
    for _ in 0..40 {
        // A fresh client each time: no cookies at all, like a scanner.
        let (status, _) = app.new_client().get_text("/login").await;
        assert_eq!(status, StatusCode::OK);
    }
    let zeros = "0".repeat(64);
    app.new_client().get(&format!("/invite/{zeros}")).await;
    app.new_client().get(&format!("/reset/{zeros}")).await;
    let failed = app.sign_in("admin@quiet.example", "wrong password").await;
    assert_eq!(failed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.db.count_rows("sessions").await,
        0,
        "no session row for visitors who are not signed in"
    );

    // The sign-in form is still protected: the token must match this visitor's cookie.
    let attacker = app.new_client();
    let (_, attackers_page) = attacker.get_text("/login").await;
    let attackers_token = csrf_from(&attackers_page).expect("token");
    let victim = app.new_client();
    victim.get("/login").await;
    for token in ["", "forged", attackers_token.as_str()] {
        let response = victim
            .post_form(
                "/login",
                &[
                    ("email", "admin@quiet.example"),
                    ("password", fixtures::PASSWORD),
                    ("csrf", token),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {token:?}");
    }
    let no_cookie = app
        .new_client()
        .post_form(
            "/login",
            &[
                ("email", "admin@quiet.example"),
                ("password", fixtures::PASSWORD),
                ("csrf", &attackers_token),
            ],
        )
        .await;
    assert_eq!(
        no_cookie.status(),
        StatusCode::FORBIDDEN,
        "a cross-site post has no cookie"
    );
    assert_eq!(
        victim.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "not signed in"
    );

    let signed_in = sign_in_via(&victim, "admin@quiet.example", fixtures::PASSWORD, None).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(victim.get("/").await.status(), StatusCode::OK);
    assert_eq!(
        app.db.count_rows("sessions").await,
        1,
        "one session, made at sign-in"
    );
}

// Item 7: failures are counted atomically.

async fn parallel_wrong_passwords_lock_the_account_even_with_the_right_one_among_them(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "race").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "target@race.example").await;
    let app = behind_a_trusted_proxy(db).await;
    let mut attempts = Vec::new();
    for attempt in 0..20_u8 {
        let visitor = app.new_client();
        let password = if attempt == 10 {
            fixtures::PASSWORD.to_owned()
        } else {
            format!("wrong password {attempt}")
        };
        attempts.push(async move {
            let client = format!("198.51.100.{attempt}");
            sign_in_via(&visitor, "target@race.example", &password, Some(&client))
                .await
                .status()
        });
    }
    let statuses = futures::future::join_all(attempts).await;
    assert!(
        statuses
            .iter()
            .all(|status| *status == StatusCode::UNAUTHORIZED || *status == StatusCode::SEE_OTHER),
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == StatusCode::UNAUTHORIZED)
            .count(),
        19 + usize::from(!statuses.contains(&StatusCode::SEE_OTHER)),
    );
    // 19 failures, whatever the order: at least 5 of them follow (or precede)
    // any success in a row, so the account ends locked.
    let user = stored_user(&app.db, "target@race.example").await;
    assert!(is_locked(&user), "19 parallel failures lock the account");
    assert!(
        count_audit_events(app.db.conn(), org.id, "user.locked_out", None)
            .await
            .expect("count")
            >= 1
    );
    let after = sign_in_via(
        &app.new_client(),
        "target@race.example",
        fixtures::PASSWORD,
        Some("198.51.100.200"),
    )
    .await;
    assert_eq!(
        after.status(),
        StatusCode::UNAUTHORIZED,
        "the right password waits out the lock"
    );
}

// Item 8: rate limits by account and client, X-Forwarded-For from trusted proxies only.

async fn one_client_hammering_an_account_does_not_lock_out_its_neighbours(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "nat").await;
    fixtures::user(db.conn(), &org, Role::Admin, "head@nat.example").await;
    for teacher in 0..6 {
        fixtures::user(
            db.conn(),
            &org,
            Role::Tutor,
            &format!("teacher{teacher}@nat.example"),
        )
        .await;
    }
    let app = TestApp::spawn(db).await;
    // Everyone comes from the school's one address (127.0.0.1 here).
    let attacker = app.new_client();
    let mut refused = 0;
    for attempt in 0..30 {
        let response = sign_in_via(&attacker, "head@nat.example", &format!("guess {attempt}"), None).await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert!(
        refused >= 10,
        "the hammered account is rate limited ({refused} of 30 refused)"
    );
    for teacher in 0..6 {
        let response = sign_in_via(
            &app.new_client(),
            &format!("teacher{teacher}@nat.example"),
            fixtures::PASSWORD,
            None,
        )
        .await;
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "teacher {teacher} signs in"
        );
    }
}

async fn forwarded_for_is_ignored_without_a_trusted_proxy(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "direct").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "me@direct.example").await;
    let app = TestApp::spawn(db).await;
    let visitor = app.new_client();
    let mut statuses = Vec::new();
    for attempt in 0..15 {
        // Forged client addresses from a peer that is not a trusted proxy count for nothing.
        let forged = format!("203.0.113.{attempt}");
        let response = sign_in_via(&visitor, "nobody@direct.example", "guess", Some(&forged)).await;
        statuses.push(response.status());
    }
    // One client, 10 attempts a minute on one account (one more every 6 s).
    assert!(
        statuses[..10]
            .iter()
            .all(|status| *status == StatusCode::UNAUTHORIZED)
            && statuses[10..].contains(&StatusCode::TOO_MANY_REQUESTS),
        "the forged addresses are one client: {statuses:?}"
    );
    let response = sign_in_via(
        &visitor,
        "me@direct.example",
        fixtures::PASSWORD,
        Some("203.0.113.77"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let address = app
        .db
        .text("SELECT remote_addr FROM audit_events WHERE action = 'user.sign_in'")
        .await;
    assert_eq!(
        address.as_deref(),
        Some("127.0.0.1"),
        "the audit names the real peer"
    );
}

async fn a_trusted_proxy_names_the_client(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "proxied").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "me@proxied.example").await;
    let app = behind_a_trusted_proxy(db).await;
    let visitor = app.new_client();
    for attempt in 0..15 {
        let client = format!("203.0.113.{attempt}");
        let response = sign_in_via(&visitor, "nobody@proxied.example", "guess", Some(&client)).await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt} comes from its own client"
        );
    }
    // The client wrote the left entry itself; the proxy appended the real one.
    let response = sign_in_via(
        &visitor,
        "me@proxied.example",
        fixtures::PASSWORD,
        Some("192.0.2.1, 203.0.113.77"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let address = app
        .db
        .text("SELECT remote_addr FROM audit_events WHERE action = 'user.sign_in'")
        .await;
    assert_eq!(address.as_deref(), Some("203.0.113.77"));
}

// Item 9: password changes and resets end sessions; links and sessions expire.

async fn changing_the_password_ends_the_users_other_sessions(db: TestDatabase) {
    let (app, _) = TestApp::signed_in(db, "change", Role::Tutor).await;
    let other_device = app.new_client();
    let response = other_device
        .sign_in("me@change.example", fixtures::PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(other_device.get("/").await.status(), StatusCode::OK);

    let (_, form) = app.get_text("/account/password").await;
    let csrf = csrf_from(&form).expect("csrf");
    let changed = app
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", fixtures::PASSWORD),
                ("password", "a brand new password"),
                ("confirm", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::OK,
        "this session stays signed in"
    );
    let ended = other_device.get("/").await;
    assert_eq!(
        ended.status(),
        StatusCode::SEE_OTHER,
        "the other session has ended"
    );
    assert_eq!(ended.headers()["location"], "/login");
    // The session that changed it can keep working (its CSRF token still holds).
    let (_, form) = app.get_text("/account/password").await;
    assert!(csrf_from(&form).is_some());
}

async fn a_reset_ends_every_session_and_only_the_newest_link_works(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "resets", Role::Admin).await;
    let forgetful = fixtures::user(app.db.conn(), &org, Role::Tutor, "forgetful@resets.example").await;
    let their_browser = app.new_client();
    assert_eq!(
        their_browser
            .sign_in("forgetful@resets.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let mut links = Vec::new();
    for _ in 0..2 {
        let (_, page) = app.get_text("/users").await;
        let csrf = csrf_from(&page).expect("csrf");
        let page = app
            .post_form(&format!("/users/{}/reset", forgetful.id), &[("csrf", &csrf)])
            .await
            .text()
            .await
            .expect("body");
        let token = page
            .split("/reset/")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("reset link")
            .to_owned();
        links.push(format!("/reset/{token}"));
    }
    let visitor = app.new_client();
    let (status, _) = visitor.get_text(&links[0]).await;
    assert_eq!(status, StatusCode::GONE, "a newer link revokes the older one");
    let (status, form) = visitor.get_text(&links[1]).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let fields = [
        ("csrf", csrf.as_str()),
        ("password", "reset to something new"),
        ("confirm", "reset to something new"),
    ];
    assert_eq!(
        visitor.post_form(&links[1], &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        visitor.post_form(&links[0], &fields).await.status(),
        StatusCode::GONE,
        "the older link does not work after the newer one was used"
    );
    let ended = their_browser.get("/").await;
    assert_eq!(
        ended.status(),
        StatusCode::SEE_OTHER,
        "the reset ended their session"
    );
    assert_eq!(ended.headers()["location"], "/login");
}

async fn sessions_end_after_their_absolute_lifetime_however_active(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "lifetime").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "me@lifetime.example").await;
    let config = WebConfig {
        session_lifetime: Duration::from_secs(3),
        ..TestApp::config()
    };
    let app = TestApp::spawn_with(db, config).await;
    assert_eq!(
        app.sign_in("me@lifetime.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    // The session started before the answer arrived.
    let signed_in = Instant::now();
    // Active all along: a request every half second.
    while signed_in.elapsed() < Duration::from_millis(2_000) {
        assert_eq!(app.get("/").await.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(3_100).saturating_sub(signed_in.elapsed())).await;
    let ended = app.get("/").await;
    assert_eq!(ended.status(), StatusCode::SEE_OTHER, "ended after 3 s");
    assert_eq!(ended.headers()["location"], "/login");
}

// Item 10: answers do not tell which accounts exist.

async fn invited_user(
    db: &TestDatabase,
    org: &onward_storage::repo::organisations::Organisation,
    email: &str,
) {
    users::create_user(
        db.conn(),
        org.id,
        &NewUser {
            email: EmailAddress::parse(email).expect("email"),
            display_name: "Invited".to_owned(),
            role: Role::Tutor,
            // What an invited account holds until its password is chosen.
            password_hash: "!".to_owned(),
        },
    )
    .await
    .expect("invited user");
}

async fn sign_in_answers_do_not_tell_which_accounts_exist(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "enum").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "locked@enum.example").await;
    let gone = fixtures::user(db.conn(), &org, Role::Tutor, "gone@enum.example").await;
    users::set_active(db.conn(), org.id, gone.id, false)
        .await
        .expect("deactivate");
    invited_user(&db, &org, "invited@enum.example").await;
    let app = TestApp::spawn(db).await;
    for _ in 0..5 {
        app.sign_in("locked@enum.example", "wrong password").await;
    }
    assert!(is_locked(&stored_user(&app.db, "locked@enum.example").await));

    let answer = |email: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let response = app.sign_in(email, password).await;
            let status = response.status();
            let body = response.text().await.expect("body").replace(email, "EMAIL");
            (status, body)
        }
    };
    let unknown = answer("nobody@enum.example", "wrong password").await;
    assert_eq!(unknown.0, StatusCode::UNAUTHORIZED);
    for (email, password) in [
        ("locked@enum.example", "wrong password"),
        ("locked@enum.example", fixtures::PASSWORD),
        ("invited@enum.example", "wrong password"),
        ("gone@enum.example", fixtures::PASSWORD),
    ] {
        assert!(
            answer(email, password).await == unknown,
            "{email} with {password:?} is answered like an unknown account"
        );
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn invited_and_unknown_accounts_take_as_long_as_real_ones(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "timing").await;
    fixtures::user(db.conn(), &org, Role::Tutor, "real@timing.example").await;
    invited_user(&db, &org, "invited@timing.example").await;
    let app = TestApp::spawn(db).await;
    let visitor = app.new_client();
    let (_, page) = visitor.get_text("/login").await;
    let csrf = csrf_from(&page).expect("csrf");
    let accounts = [
        "real@timing.example",
        "invited@timing.example",
        "nobody@timing.example",
    ];
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..7 {
        for (index, email) in accounts.iter().enumerate() {
            let started = Instant::now();
            let response = visitor
                .post_form(
                    "/login",
                    &[("email", email), ("password", "wrong password"), ("csrf", &csrf)],
                )
                .await;
            times[index].push(started.elapsed());
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
        }
    }
    let [real, invited, unknown] = [0, 1, 2].map(|index| median(times[index].clone()));
    for (what, median) in [("invited", invited), ("unknown", unknown)] {
        let ratio = median.as_secs_f64() / real.as_secs_f64();
        assert!(
            (0.5..=2.0).contains(&ratio),
            "{what} answers in {median:?} against {real:?} for a real account"
        );
    }
}

async fn inviting_another_organisations_staff_email_reveals_nothing(db: TestDatabase) {
    let other = fixtures::organisation(db.conn(), "elsewhere").await;
    fixtures::user(db.conn(), &other, Role::Admin, "secret.head@elsewhere.example").await;
    let (app, org) = TestApp::signed_in(db, "prober", Role::Admin).await;
    fixtures::user(app.db.conn(), &org, Role::Tutor, "colleague@prober.example").await;
    let invite = |email: &'static str| {
        let app = &app;
        async move {
            let (_, page) = app.get_text("/users").await;
            let csrf = csrf_from(&page).expect("csrf");
            let response = app
                .post_form(
                    "/users",
                    &[
                        ("csrf", &csrf),
                        ("email", email),
                        ("name", "Probe"),
                        ("role", "tutor"),
                    ],
                )
                .await;
            let status = response.status();
            let body = response.text().await.expect("body");
            // The page with the address, the form's token and the pending
            // list taken out: what is left must not depend on the address.
            let panel = body
                .split("govuk-panel__title\">")
                .nth(1)
                .and_then(|rest| rest.split("</div>\n</div>").next())
                .unwrap_or_default()
                .replace(email, "ADDRESS");
            (status, panel, body)
        }
    };
    let (theirs_status, theirs, theirs_body) = invite("secret.head@elsewhere.example").await;
    let (new_status, new, _) = invite("brand.new@anywhere.example").await;
    assert_eq!(theirs_status, StatusCode::OK);
    assert_eq!(
        (theirs_status, &theirs),
        (new_status, &new),
        "another organisation's address is answered as a new one is"
    );
    assert!(theirs.contains("Invitation sent"), "{theirs}");
    assert!(!theirs_body.contains("already") && !theirs_body.contains("elsewhere organisation"));
    let pending = app.db.count_rows("staff_invitations").await;
    assert_eq!(pending, 2, "both are listed as pending invitations");
    assert_eq!(
        users::list_users(app.db.conn(), org.id)
            .await
            .expect("list")
            .len(),
        2,
        "no user is made before an invitation is accepted"
    );

    // Each address got one email: the new one an invitation, the other's
    // owner a note that the address already has an account.
    let mail = app.sent_mail();
    assert_eq!(mail.len(), 2);
    let to = |address: &str| {
        mail.iter()
            .find(|message| message.recipients == [format!("<{address}>")])
            .unwrap_or_else(|| panic!("an email to {address}"))
    };
    let theirs_mail = to("secret.head@elsewhere.example");
    assert!(
        theirs_mail.text().contains("already has an Onward account"),
        "{}",
        theirs_mail.text()
    );
    assert!(
        theirs_mail.link_starting(&app.url("/invite/")).is_none(),
        "no usable link"
    );
    let new_mail = to("brand.new@anywhere.example");
    assert!(new_mail.link_starting(&app.url("/invite/")).is_some());

    // Our own staff are listed on the page, so the form may say so.
    let (_, page) = app.get_text("/users").await;
    let csrf = csrf_from(&page).expect("csrf");
    let ours = app
        .post_form(
            "/users",
            &[
                ("csrf", &csrf),
                ("email", "colleague@prober.example"),
                ("name", "Probe"),
                ("role", "tutor"),
            ],
        )
        .await;
    assert_eq!(ours.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.sent_mail().len(), 2, "nothing sent for our own user");
}

async fn an_invitation_to_an_address_taken_since_creates_nothing(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "late", Role::Admin).await;
    let (_, page) = app.get_text("/users").await;
    let csrf = csrf_from(&page).expect("csrf");
    let invited = app
        .post_form(
            "/users",
            &[
                ("csrf", &csrf),
                ("email", "twice@late.example"),
                ("name", "Twice"),
                ("role", "tutor"),
            ],
        )
        .await;
    assert_eq!(invited.status(), StatusCode::OK);
    let link = app.sent_mail()[0]
        .link_starting(&app.url("/invite/"))
        .expect("invitation link");
    let path = link.trim_start_matches(&app.url(""));
    // Meanwhile another organisation gives the address an account.
    let other = fixtures::organisation(app.db.conn(), "quicker").await;
    fixtures::user(app.db.conn(), &other, Role::Tutor, "twice@late.example").await;
    let visitor = app.new_client();
    let (status, form) = visitor.get_text(path).await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let accepted = visitor
        .post_form(
            path,
            &[
                ("csrf", &csrf),
                ("password", "a long new password"),
                ("confirm", "a long new password"),
            ],
        )
        .await;
    assert_eq!(accepted.status(), StatusCode::GONE);
    let owner = stored_user(&app.db, "twice@late.example").await;
    assert_ne!(
        owner.organisation_id, org.id,
        "the account stays the other organisation's"
    );
    assert_ne!(owner.password_hash.len(), 0);
    assert!(
        visitor
            .sign_in("twice@late.example", "a long new password")
            .await
            .status()
            != StatusCode::SEE_OTHER,
        "the invitation's password was not set on anyone"
    );
}

async fn a_withdrawn_invitation_no_longer_works(db: TestDatabase) {
    let (app, _) = TestApp::signed_in(db, "withdraw", Role::Admin).await;
    let (_, page) = app.get_text("/users").await;
    let csrf = csrf_from(&page).expect("csrf");
    app.post_form(
        "/users",
        &[
            ("csrf", &csrf),
            ("email", "changed.mind@withdraw.example"),
            ("name", "Changed Mind"),
            ("role", "tutor"),
        ],
    )
    .await;
    let link = app.sent_mail()[0]
        .link_starting(&app.url("/invite/"))
        .expect("invitation link");
    let path = link.trim_start_matches(&app.url("")).to_owned();
    assert_eq!(app.new_client().get(&path).await.status(), StatusCode::OK);
    let (_, page) = app.get_text("/users").await;
    let action = page
        .split("action=\"/users/invitations/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a withdraw button");
    let withdrawn = app
        .post_form(&format!("/users/invitations/{action}"), &[("csrf", &csrf)])
        .await;
    assert_eq!(withdrawn.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.new_client().get(&path).await.status(), StatusCode::GONE);
    let (_, page) = app.get_text("/users").await;
    assert!(
        !page.contains("changed.mind@withdraw.example"),
        "no longer pending"
    );
}

async fn no_invitations_without_a_mail_server(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "nomail").await;
    fixtures::user(db.conn(), &org, Role::Admin, "admin@nomail.example").await;
    let app = TestApp::spawn_without_mail_server(db, TestApp::config()).await;
    assert_eq!(
        app.sign_in("admin@nomail.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let (_, page) = app.get_text("/users").await;
    let csrf = csrf_from(&page).expect("csrf");
    let response = app
        .post_form(
            "/users",
            &[
                ("csrf", &csrf),
                ("email", "new@nomail.example"),
                ("name", "New"),
                ("role", "tutor"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = response.text().await.expect("body");
    assert!(
        page.contains("ONWARD_SMTP__URL"),
        "the page says what to set: {page}"
    );
    assert_eq!(
        app.db.count_rows("staff_invitations").await,
        0,
        "nothing was created"
    );
}

// Item 11: guessing the current password counts as failed sign-ins.

async fn wrong_current_passwords_count_as_failed_sign_ins(db: TestDatabase) {
    let (app, org) = TestApp::signed_in(db, "guess", Role::Tutor).await;
    let change = |current: &'static str| {
        let app = &app;
        async move {
            let (_, form) = app.get_text("/account/password").await;
            let csrf = csrf_from(&form).expect("csrf");
            app.post_form(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current", current),
                    ("password", "the attacker's choice"),
                    ("confirm", "the attacker's choice"),
                ],
            )
            .await
            .status()
        }
    };
    for _ in 0..5 {
        assert_eq!(change("a guess").await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert!(is_locked(&stored_user(&app.db, "me@guess.example").await));
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "user.locked_out", None)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        change(fixtures::PASSWORD).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "even the right current password waits out the lock"
    );
    assert_eq!(
        count_audit_events(app.db.conn(), org.id, "user.change_password", None)
            .await
            .expect("count"),
        0
    );
    let elsewhere = app
        .new_client()
        .sign_in("me@guess.example", fixtures::PASSWORD)
        .await;
    assert_eq!(
        elsewhere.status(),
        StatusCode::UNAUTHORIZED,
        "the lockout applies to sign-in"
    );
}

// Item 12: links come from the configured public URL.

async fn signed_in_admin_with(db: TestDatabase, config: WebConfig) -> (TestApp, User) {
    let org = fixtures::organisation(db.conn(), "links").await;
    fixtures::user(db.conn(), &org, Role::Admin, "admin@links.example").await;
    let target = fixtures::user(db.conn(), &org, Role::Tutor, "target@links.example").await;
    let app = TestApp::spawn_with(db, config).await;
    assert_eq!(
        app.sign_in("admin@links.example", fixtures::PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    (app, target)
}

async fn post_with_host(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let response = app
        .visitor
        .client
        .post(app.url(path))
        .header("host", "evil.example")
        .form(fields)
        .send()
        .await
        .expect("POST");
    (response.status(), response.text().await.expect("body"))
}

async fn links_use_the_public_url_never_the_host_header(db: TestDatabase) {
    let config = WebConfig {
        public_url: Some(PublicUrl::parse("https://onward.school.example/").expect("url")),
        public_url_from_listener: false,
        ..TestApp::config()
    };
    let (app, target) = signed_in_admin_with(db, config).await;
    let (_, page) = app.get_text("/users").await;
    let csrf = csrf_from(&page).expect("csrf");
    let (status, invited) = post_with_host(
        &app,
        "/users",
        &[
            ("csrf", &csrf),
            ("email", "new@links.example"),
            ("name", "New"),
            ("role", "tutor"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mail = app.sent_mail();
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0]
            .link_starting("https://onward.school.example/invite/")
            .is_some(),
        "{}",
        mail[0].text()
    );
    assert!(!mail[0].text().contains("evil.example"));
    let (status, reset) =
        post_with_host(&app, &format!("/users/{}/reset", target.id), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(reset.contains("https://onward.school.example/reset/"));
    assert!(!invited.contains("evil.example") && !reset.contains("evil.example"));
}

async fn no_links_are_made_without_a_public_url(db: TestDatabase) {
    let config = WebConfig {
        public_url: None,
        public_url_from_listener: false,
        ..TestApp::config()
    };
    let (app, target) = signed_in_admin_with(db, config).await;
    let (_, page) = app.get_text("/users").await;
    let csrf = csrf_from(&page).expect("csrf");
    let (status, page) = post_with_host(
        &app,
        "/users",
        &[
            ("csrf", &csrf),
            ("email", "new@links.example"),
            ("name", "New"),
            ("role", "tutor"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.contains("public_url"), "the page says what to set: {page}");
    assert!(!page.contains("/invite/"));
    let (status, page) =
        post_with_host(&app, &format!("/users/{}/reset", target.id), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!page.contains("/reset/"));
    assert_eq!(app.db.count_rows("user_tokens").await, 0, "no link was stored");
    assert_eq!(
        app.db.count_rows("staff_invitations").await,
        0,
        "no invitation was stored"
    );
    assert!(
        users::user_by_email(
            app.db.conn(),
            &EmailAddress::parse("new@links.example").expect("email")
        )
        .await
        .expect("read")
        .is_none(),
        "nobody was invited"
    );
}

// Item 14: partners look after their own password.

async fn a_partner_changes_their_own_password(db: TestDatabase) {
    let (app, _) = TestApp::signed_in(db, "partner", Role::Partner).await;
    let (status, form) = app.get_text("/account/password").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_from(&form).expect("csrf");
    let response = app
        .post_form(
            "/account/password",
            &[
                ("csrf", &csrf),
                ("current", fixtures::PASSWORD),
                ("password", "a partner's new password"),
                ("confirm", "a partner's new password"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed_in = app
        .new_client()
        .sign_in("me@partner.example", "a partner's new password")
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
}

on_both_backends!(
    anonymous_visitors_create_no_sessions_and_sign_in_stays_csrf_protected,
    parallel_wrong_passwords_lock_the_account_even_with_the_right_one_among_them,
    one_client_hammering_an_account_does_not_lock_out_its_neighbours,
    forwarded_for_is_ignored_without_a_trusted_proxy,
    a_trusted_proxy_names_the_client,
    changing_the_password_ends_the_users_other_sessions,
    a_reset_ends_every_session_and_only_the_newest_link_works,
    sessions_end_after_their_absolute_lifetime_however_active,
    sign_in_answers_do_not_tell_which_accounts_exist,
    invited_and_unknown_accounts_take_as_long_as_real_ones,
    inviting_another_organisations_staff_email_reveals_nothing,
    an_invitation_to_an_address_taken_since_creates_nothing,
    a_withdrawn_invitation_no_longer_works,
    no_invitations_without_a_mail_server,
    wrong_current_passwords_count_as_failed_sign_ins,
    links_use_the_public_url_never_the_host_header,
    no_links_are_made_without_a_public_url,
    a_partner_changes_their_own_password,
);
