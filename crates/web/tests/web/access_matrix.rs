//! Every route × every role (and signed out, and a user of another
//! organisation) against the permission table, on both backends; and every
//! page a tutor can open against their tutor groups (another group's learner
//! is not found, and no list or export names them).

use onward_domain::permissions::{Action, allows};
use onward_domain::role::Role;
use onward_storage::repo::cohorts::{NewCohort, create_cohort};
use onward_storage::repo::imports;
use onward_storage::repo::learners::insert_learner;
use onward_test_support::{TestApp, TestDatabase, csrf_from, fixtures, on_both_backends};
use onward_web::access::{Access, ROUTES};
use reqwest::StatusCode;

/// Who makes the request.
#[derive(Clone, Copy, Debug)]
enum Visitor {
    SignedOut,
    Staff(Role),
    /// An administrator of another organisation.
    Outsider,
}

async fn client_for(app: &TestApp, visitor: Visitor) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let email = match visitor {
        Visitor::SignedOut => None,
        Visitor::Staff(role) => Some(format!("{}@matrix.example", role.code())),
        Visitor::Outsider => Some("admin@outsider.example".to_owned()),
    };
    let login = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("login")
        .text()
        .await
        .expect("body");
    let mut csrf = csrf_from(&login).expect("csrf");
    if let Some(email) = email {
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("email", email.as_str()),
                ("password", fixtures::PASSWORD),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{visitor:?} signs in");
        // The token is per session and the session id changed at sign-in.
        let page = client
            .get(app.url("/"))
            .send()
            .await
            .expect("home")
            .text()
            .await
            .expect("body");
        csrf = csrf_from(&page).expect("csrf after sign-in");
    }
    (client, csrf)
}

async fn every_route_for_every_role(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "matrix").await;
    let outsider_org = fixtures::organisation(db.conn(), "outsider").await;
    let mut target_user = None;
    let mut tutor = None;
    for role in Role::ALL {
        let user = fixtures::user(db.conn(), &org, *role, &format!("{}@matrix.example", role.code())).await;
        if *role == Role::Tutor {
            tutor = Some(user);
        }
    }
    let tutor = tutor.expect("a tutor");
    let target = fixtures::user(db.conn(), &org, Role::Tutor, "target@matrix.example").await;
    target_user.get_or_insert(target.id);
    fixtures::user(db.conn(), &outsider_org, Role::Admin, "admin@outsider.example").await;
    let learner = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Matrix", "Learner", None, Some("M1")),
    )
    .await
    .expect("learner");
    let cohort = create_cohort(
        db.conn(),
        org.id,
        &NewCohort {
            name: "Matrix cohort".to_owned(),
            tracking_plan: None,
            results_day: None,
        },
    )
    .await
    .expect("cohort");
    let programme = fixtures::programme(
        db.conn(),
        org.id,
        "Matrix programme",
        onward_domain::programme::ProgrammeType::Esol,
    )
    .await;
    let import_file = imports::store_file(
        db.conn(),
        org.id,
        None,
        "matrix.csv",
        "0",
        b"MIS id,Forename,Surname\nM2,Matrix,Import\n".to_vec(),
    )
    .await
    .expect("import file");
    let import_run = imports::create_run(
        db.conn(),
        org.id,
        &imports::NewRun {
            user: None,
            file: Some(import_file),
            file_name: "matrix.csv".to_owned(),
            sheet: None,
            sha256: None,
            mapping_name: None,
            mapping: "{}".to_owned(),
            dry_run: true,
            on_error: onward_storage::repo::imports::OnError::Skip,
            status: imports::RunStatus::Refused,
        },
    )
    .await
    .expect("import run");
    // A plan whose checkpoints have tasks (so removing one is refused, not done).
    let (plan, checkpoint, planned) = {
        use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
        use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
        let plan = onward_storage::repo::plans::install_plan(
            db.conn(),
            org.id,
            &onward_domain::tracking::shipped_plans()[0],
        )
        .await
        .expect("plan");
        let planned = create_cohort(
            db.conn(),
            org.id,
            &NewCohort {
                name: "Matrix planned cohort".to_owned(),
                tracking_plan: Some(plan),
                results_day: None,
            },
        )
        .await
        .expect("cohort");
        let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
        insert_enrolment(
            db.conn(),
            org.id,
            &NewEnrolment {
                learner,
                programme,
                cohort: planned,
                dates: EnrolmentDates {
                    start: date(2025, 1, 6),
                    planned_end: date(2025, 3, 28),
                    actual_end: None,
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        onward_storage::repo::tasks::generate_tasks(db.conn(), org.id)
            .await
            .expect("tasks");
        let stored = onward_storage::repo::plans::stored_plan(db.conn(), org.id, plan)
            .await
            .expect("plan");
        (plan, stored.checkpoints[3].id, planned)
    };
    let record = onward_storage::repo::destinations::append_destination(
        db.conn(),
        org.id,
        learner,
        &onward_domain::destination::DestinationRecord {
            employer: Some("Matrix Ltd".to_owned()),
            source: onward_domain::destination::DestinationSource::Staff,
            verification: onward_domain::destination::Verification::Unverified,
            // Before any task falls due: it answers none (the call queue keeps its learner).
            ..fixtures::destination_record(
                onward_domain::destination::DestinationKind::Actual,
                onward_domain::destination::DestinationCategory::Apprenticeship,
                chrono::NaiveDate::from_ymd_opt(2025, 1, 10).expect("date"),
            )
        },
        None,
    )
    .await
    .expect("destination record");
    // Tutor groups: the matrix tutor has the matrix learner's group; a learner
    // of another group is enrolled in the planned cohort beside them.
    let hidden = insert_learner(
        db.conn(),
        org.id,
        &fixtures::new_learner("Hidden", "Pupil", None, Some("M3")),
    )
    .await
    .expect("learner");
    {
        use onward_domain::enrolment::{CompletionStatus, EnrolmentDates};
        use onward_domain::tutor_group::TutorGroup;
        use onward_storage::repo::enrolments::{NewEnrolment, insert_enrolment};
        use onward_storage::repo::tutor_groups::{set_groups_of_tutor, set_learner_group};
        let group = |name: &str| TutorGroup::parse(name).expect("group");
        set_learner_group(db.conn(), org.id, learner, Some(&group("M1")))
            .await
            .expect("group");
        set_learner_group(db.conn(), org.id, hidden, Some(&group("M2")))
            .await
            .expect("group");
        set_groups_of_tutor(db.conn(), org.id, tutor.id, &[group("M1")])
            .await
            .expect("assign");
        let date = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("date");
        insert_enrolment(
            db.conn(),
            org.id,
            &NewEnrolment {
                learner: hidden,
                programme,
                cohort: planned,
                dates: EnrolmentDates {
                    start: date(2025, 1, 6),
                    planned_end: date(2025, 3, 28),
                    actual_end: None,
                },
                status: CompletionStatus::Completed,
            },
        )
        .await
        .expect("enrolment");
        onward_storage::repo::tasks::generate_tasks(db.conn(), org.id)
            .await
            .expect("tasks");
    }
    let invitation = onward_storage::repo::staff_invitations::create_staff_invitation(
        db.conn(),
        org.id,
        &onward_storage::repo::staff_invitations::NewStaffInvitation {
            email: onward_domain::email::EmailAddress::parse("invited@matrix.example").expect("address"),
            display_name: "Invited".to_owned(),
            role: Role::Tutor,
            invited_by: None,
            token_hash: "0".repeat(64),
            expires_at: chrono::Utc::now() + chrono::Duration::days(7),
        },
    )
    .await
    .expect("invitation");
    let story = onward_storage::repo::alumni::record_alumni_answer(
        db.conn(),
        org.id,
        learner,
        Some(true),
        Some("Matrix story"),
        Some(true),
    )
    .await
    .expect("story");
    let campaign = onward_storage::repo::campaigns::create_campaign(
        db.conn(),
        org.id,
        &onward_storage::repo::campaigns::NewCampaign {
            wording: Default::default(),
            cohort: planned,
            checkpoint,
            schedule_days: vec![0, 7],
            quiet: onward_domain::campaign::QuietHours::none(),
            created_by: None,
        },
    )
    .await
    .expect("campaign");
    let app = TestApp::spawn(db).await;

    let concrete = |path: &str| {
        let id = if path.starts_with("/users/invitations/") {
            invitation.0.to_string()
        } else if path.starts_with("/stories/") {
            story.to_string()
        } else if path.starts_with("/imports/files/") {
            import_file.0.to_string()
        } else if path.starts_with("/imports/runs/") {
            import_run.0.to_string()
        } else if path.starts_with("/calls/") || path.starts_with("/checkpoints/") {
            checkpoint.0.to_string()
        } else if path.starts_with("/campaigns/") {
            campaign.0.to_string()
        } else if path.starts_with("/plans/") {
            plan.0.to_string()
        } else if path.starts_with("/learners/") {
            learner.0.to_string()
        } else if path.starts_with("/cohorts/") {
            cohort.0.to_string()
        } else if path.starts_with("/programmes/") {
            programme.0.to_string()
        } else {
            target.id.0.to_string()
        };
        path.replace("{id}", &id)
            .replace("{record}", &record.0.to_string())
            .replace("{learner}", &learner.0.to_string())
            .replace("{file}", "onward.css")
            .replace("{name}", "follow-up-3-6-month")
            .replace(
                "{token}",
                "0000000000000000000000000000000000000000000000000000000000000000",
            )
    };

    let mut visitors = vec![Visitor::SignedOut, Visitor::Outsider];
    visitors.extend(Role::ALL.iter().map(|role| Visitor::Staff(*role)));
    let mut checked = 0;
    for visitor in visitors {
        let (client, csrf) = client_for(&app, visitor).await;
        // Before the walk below, which ends by signing out.
        if let Visitor::Staff(role @ (Role::Tutor | Role::Admin)) = visitor {
            scoped_walk(&app, &client, &csrf, role, hidden, planned, checkpoint).await;
        }
        // Sign-out last, so the visitor stays signed in for the other routes.
        let mut routes: Vec<_> = ROUTES.iter().collect();
        routes.sort_by_key(|route| route.path == "/logout");
        for route in routes {
            let url = app.url(&concrete(route.path));
            let request = if route.method == "GET" {
                client.get(&url)
            } else {
                client.post(&url).form(&[("csrf", csrf.as_str())])
            };
            let response = request.send().await.expect("request");
            let status = response.status();
            let location = response
                .headers()
                .get("location")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let label = format!("{visitor:?} {} {}", route.method, route.path);
            assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{label}");
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{label}: route not served"
            );
            let sent_to_sign_in = status == StatusCode::SEE_OTHER && location == "/login";
            if route.path == "/account/password" && route.method == "GET" {
                // Every role that can sign in looks after its own password, partners too.
                if let Visitor::Staff(_) | Visitor::Outsider = visitor {
                    assert_eq!(status, StatusCode::OK, "{label}: own password page");
                }
            }
            let has_id = route.path.contains("{id}");
            match (route.access, visitor) {
                (Access::Public, _) => {
                    assert_ne!(status, StatusCode::FORBIDDEN, "{label}");
                }
                (_, Visitor::SignedOut) => assert!(sent_to_sign_in, "{label}: got {status} {location}"),
                (Access::SignedIn, _) => assert!(status.is_success(), "{label}: got {status}"),
                (Access::Action(action), Visitor::Staff(role)) => {
                    if allows(role, action) {
                        assert!(
                            status != StatusCode::FORBIDDEN
                                && status != StatusCode::NOT_FOUND
                                && !sent_to_sign_in,
                            "{label}: allowed but got {status} {location}"
                        );
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{label}: should be refused");
                    }
                }
                (Access::Action(action), Visitor::Outsider) => {
                    if !allows(Role::Admin, action) {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{label}");
                    } else if has_id {
                        // Another organisation's record: not found, and no data.
                        assert_eq!(status, StatusCode::NOT_FOUND, "{label}");
                        let body = response.text().await.expect("body");
                        assert!(!body.contains("Matrix"), "{label}: leaked data");
                    } else {
                        assert_ne!(status, StatusCode::FORBIDDEN, "{label}");
                    }
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * (Role::ALL.len() + 2));
}

/// Every route a tutor may use, aimed at a learner outside their groups or at
/// lists where that learner belongs: records are not found, and no page or
/// export names the learner. An administrator's lists do name them (so the
/// walk would notice a list that showed nobody).
async fn scoped_walk(
    app: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    role: Role,
    hidden: onward_storage::LearnerId,
    planned: onward_storage::CohortId,
    checkpoint: onward_storage::CheckpointId,
) {
    let mut named_lists = 0;
    for route in ROUTES {
        let Access::Action(action) = route.access else {
            continue;
        };
        // A record of one learner, or a page that lists learners by name
        // (what the named-list permissions guard).
        let on_learner = route.path.starts_with("/learners/{id}");
        let listing = route.method == "GET"
            && !on_learner
            && matches!(action, Action::ViewLearners | Action::WorkCallQueue);
        let walked = if role == Role::Tutor {
            on_learner || listing
        } else {
            listing
        };
        if !walked || !allows(role, action) {
            continue;
        }
        let path = route
            .path
            .replace("/learners/{id}", &format!("/learners/{hidden}"))
            .replace("/cohorts/{id}", &format!("/cohorts/{planned}"))
            .replace("/calls/{id}", &format!("/calls/{checkpoint}"));
        let request = if route.method == "GET" {
            client.get(app.url(&path))
        } else {
            client.post(app.url(&path)).form(&[("csrf", csrf)])
        };
        let response = request.send().await.expect("request");
        let status = response.status();
        let location = format!("{:?}", response.headers().get("location"));
        let body = response.text().await.expect("body");
        let label = format!("{role:?} {} {path} {location}", route.method);
        match role {
            Role::Tutor => {
                if on_learner {
                    assert_eq!(status, StatusCode::NOT_FOUND, "{label}: another group's learner");
                } else {
                    assert_eq!(status, StatusCode::OK, "{label}");
                }
                assert!(!body.contains("Hidden"), "{label}: names another group's learner");
            }
            _ => {
                // My work and the call queue hold the administrator's own
                // tasks, and at-risk depends on the plan's dates.
                if action == Action::ViewLearners
                    && route.path != "/work"
                    && !route.path.ends_with("/at-risk")
                {
                    assert!(
                        body.contains("Hidden"),
                        "{label}: the administrator's list names everyone (got {status})"
                    );
                    named_lists += 1;
                }
            }
        }
    }
    if role == Role::Admin {
        assert!(named_lists >= 5, "the lists were walked: {named_lists}");
    }
}

on_both_backends!(every_route_for_every_role);
