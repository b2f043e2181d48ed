//! Routing, answer checks and the mapping of the 6-month follow-up's answers.

use chrono::NaiveDate;
use onward_domain::contact::ContactPointKind;
use onward_domain::destination::{DestinationCategory, DestinationSource, Verification};
use onward_domain::organisation::CountryCode;
use onward_domain::programme::{QualificationLevel, SectorSubjectArea};
use onward_survey::answers::{Answer, Answers, Problem, outcome, parse_page, route};
use onward_survey::{Survey, shipped};

fn six_month() -> &'static Survey {
    shipped()
        .unwrap_or_else(|error| panic!("{error}"))
        .newest("follow-up-3-6-month")
        .expect("ships")
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).expect("date")
}

fn gb() -> CountryCode {
    "GB".parse().expect("GB")
}

fn form(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn submit(survey: &Survey, page: &str, fields: &[(&str, &str)]) -> onward_survey::answers::PageSubmission {
    parse_page(survey.page(page).expect("page"), &form(fields), today(), &gb())
}

fn page_ids(survey: &Survey, answers: &Answers) -> Vec<String> {
    route(survey, answers)
        .into_iter()
        .map(|index| survey.pages[index].id.clone())
        .collect()
}

#[test]
fn routes_follow_the_answer() {
    let survey = six_month();
    let mut answers = Answers::new();
    answers.insert("activity".into(), Answer::Choice("employed-full-time".into()));
    assert_eq!(
        page_ids(survey, &answers),
        ["activity", "job", "contact", "alumni", "keep-in-touch"]
    );
    answers.insert("activity".into(), Answer::Choice("higher-education".into()));
    assert_eq!(page_ids(survey, &answers)[1], "study");
    answers.insert("activity".into(), Answer::Choice("apprenticeship".into()));
    assert_eq!(page_ids(survey, &answers)[1], "apprenticeship");
    answers.insert("activity".into(), Answer::Choice("looking".into()));
    assert_eq!(page_ids(survey, &answers)[1], "support");
    answers.insert("activity".into(), Answer::Choice("other".into()));
    assert_eq!(page_ids(survey, &answers)[1], "other");
}

#[test]
fn each_question_type_refuses_bad_answers_with_a_reason() {
    let survey = six_month();
    let problems = |page: &str, fields: &[(&str, &str)]| -> Vec<(String, Problem)> {
        submit(survey, page, fields)
            .problems
            .into_iter()
            .map(|p| (p.question, p.problem))
            .collect()
    };
    assert_eq!(
        problems("activity", &[]),
        [("activity".to_owned(), Problem::Choose)]
    );
    assert_eq!(
        problems("activity", &[("activity", "astronaut")]),
        [("activity".to_owned(), Problem::NotAnOption)]
    );
    let job = problems(
        "job",
        &[
            ("employer", "Acme"),
            ("job-title", "Fitter"),
            ("hours", "lots"),
            ("job-start-day", "1"),
            ("job-start-month", "1"),
            ("job-start-year", "2030"),
        ],
    );
    assert_eq!(
        job,
        [
            ("hours".to_owned(), Problem::NotANumber),
            ("job-start".to_owned(), Problem::FutureDate)
        ]
    );
    let job = problems(
        "job",
        &[
            ("employer", ""),
            ("job-title", &"x".repeat(201)),
            ("hours", "200"),
            ("job-start-day", "31"),
            ("job-start-month", "2"),
            ("job-start-year", "2026"),
        ],
    );
    assert_eq!(
        job,
        [
            ("employer".to_owned(), Problem::Required),
            ("job-title".to_owned(), Problem::TooLong { max: 200 }),
            ("hours".to_owned(), Problem::OutOfRange { min: 1, max: 168 }),
            ("job-start".to_owned(), Problem::InvalidDate)
        ]
    );
    assert_eq!(
        problems("support", &[("support", "training"), ("support", "none")]),
        [("support".to_owned(), Problem::Exclusive { none: "none".into() })]
    );
    assert_eq!(
        problems("contact", &[("email", "not an email"), ("mobile", "call me")]),
        [
            ("email".to_owned(), Problem::InvalidEmail),
            ("mobile".to_owned(), Problem::InvalidPhone)
        ]
    );
}

#[test]
fn html_and_formulae_are_kept_as_inert_text_and_stray_fields_ignored() {
    let survey = six_month();
    let submission = submit(
        survey,
        "other",
        &[
            ("other", "<script>alert(1)</script>\r\n=HYPERLINK(\"x\")\u{0007}"),
            ("activity", "employed-full-time"),
            ("_csrf", "x"),
        ],
    );
    assert!(submission.problems.is_empty(), "{:?}", submission.problems);
    assert_eq!(
        submission.answers.get("other"),
        Some(&Answer::Text(
            "<script>alert(1)</script>\n=HYPERLINK(\"x\")".into()
        ))
    );
    assert_eq!(
        submission.ignored,
        ["activity"],
        "a field of another page is ignored"
    );
}

#[test]
fn a_completed_employment_route_becomes_a_learner_confirmed_survey_destination() {
    let survey = six_month();
    let mut answers = Answers::new();
    for (page, fields) in [
        ("activity", vec![("activity", "employed-full-time")]),
        (
            "job",
            vec![
                ("employer", "Acme Ltd"),
                ("job-title", "Fitter"),
                ("hours", "37"),
                ("sector", "engineering"),
                ("job-start-day", "1"),
                ("job-start-month", "9"),
                ("job-start-year", "2026"),
                ("relates", "partly"),
            ],
        ),
        (
            "contact",
            vec![
                ("email", "Sam@Example.com"),
                ("mobile", "07700 900982"),
                ("address", ""),
            ],
        ),
        (
            "alumni",
            vec![("alumni", "yes"), ("story", "I got a job"), ("publish", "no")],
        ),
        ("keep-in-touch", vec![("optout", "keep")]),
    ] {
        let submission = submit(survey, page, &fields);
        assert!(
            submission.problems.is_empty(),
            "{page}: {:?}",
            submission.problems
        );
        answers.extend(submission.answers);
    }
    // An answer from a page the learner routed away from is ignored.
    answers.insert("institution".into(), Answer::Text("Old College".into()));
    let out = outcome(survey, &answers, today());
    let record = out.destination.expect("a destination");
    assert_eq!(record.category, DestinationCategory::EmploymentFullTime);
    assert_eq!(record.source, DestinationSource::Survey);
    assert_eq!(record.verification, Verification::LearnerConfirmed);
    assert_eq!(record.employer.as_deref(), Some("Acme Ltd"));
    assert_eq!(record.job_role.as_deref(), Some("Fitter"));
    assert_eq!(record.hours_per_week, Some(37));
    assert_eq!(record.sector, Some(SectorSubjectArea::EngineeringManufacturing));
    assert_eq!(record.start_date, NaiveDate::from_ymd_opt(2026, 9, 1));
    assert_eq!(record.institution, None);
    assert_eq!(record.notes.as_deref(), Some("Relates to the course: Partly"));
    assert_eq!(record.as_of, today());
    assert_eq!(out.ignored, ["institution"]);
    assert_eq!(out.contact_changes.len(), 2);
    assert_eq!(out.contact_changes[0].kind, ContactPointKind::Email);
    assert_eq!(out.contact_changes[0].value, "sam@example.com");
    assert_eq!(out.contact_changes[1].value, "+447700900982");
    let alumni = out.alumni.expect("alumni");
    assert_eq!((alumni.opt_in, alumni.publish), (Some(true), Some(false)));
    assert_eq!(out.opt_out, Some(false));
    assert_eq!(out.support, None);
}

#[test]
fn asking_for_support_is_a_support_request_and_none_is_not() {
    let survey = six_month();
    let mut answers = Answers::new();
    answers.insert("activity".into(), Answer::Choice("looking".into()));
    answers.insert(
        "support".into(),
        Answer::Choices(vec!["finding-work".into(), "wellbeing".into()]),
    );
    answers.insert("support-notes".into(), Answer::Text("Evenings please".into()));
    let out = outcome(survey, &answers, today());
    assert_eq!(
        out.destination.map(|record| record.category),
        Some(DestinationCategory::NeetSeeking)
    );
    let support = out.support.expect("support asked for");
    assert_eq!(support.asked, ["Finding a job", "Health or wellbeing"]);
    assert_eq!(support.notes.as_deref(), Some("Evenings please"));
    answers.insert("support".into(), Answer::Choices(vec!["none".into()]));
    assert_eq!(outcome(survey, &answers, today()).support, None);
}

#[test]
fn a_level_answer_maps_to_the_qualification_level() {
    let survey = six_month();
    let mut answers = Answers::new();
    answers.insert("activity".into(), Answer::Choice("further-education".into()));
    answers.insert("institution".into(), Answer::Text("City College".into()));
    answers.insert("study-level".into(), Answer::Choice("level-3".into()));
    let record = outcome(survey, &answers, today()).destination.expect("record");
    assert_eq!(record.level, Some(QualificationLevel::Level3));
    assert_eq!(record.institution.as_deref(), Some("City College"));
    answers.insert("study-level".into(), Answer::Choice("dont-know".into()));
    assert_eq!(
        outcome(survey, &answers, today())
            .destination
            .expect("record")
            .level,
        None
    );
}
