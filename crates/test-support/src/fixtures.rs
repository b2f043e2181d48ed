//! Small, explicit fixtures: an organisation and a user of a given role.

use onward_domain::email::EmailAddress;
use onward_domain::organisation::{CountryCode, OrgSlug, OrganisationKind};
use onward_domain::role::Role;
use onward_storage::repo::organisations::{NewOrganisation, Organisation, create_organisation};
use onward_storage::repo::users::{NewUser, User, create_user};
use sea_orm::ConnectionTrait;

/// The password of every fixture user.
pub const PASSWORD: &str = "test-password-123";

pub async fn organisation(conn: &impl ConnectionTrait, slug: &str) -> Organisation {
    create_organisation(
        conn,
        &NewOrganisation {
            slug: OrgSlug::parse(slug).expect("valid slug"),
            name: format!("{slug} organisation"),
            kind: OrganisationKind::College,
            country: CountryCode::gb(),
        },
    )
    .await
    .expect("create organisation")
}

/// A user with [`PASSWORD`]; hashing once per process keeps tests fast.
pub async fn user(conn: &impl ConnectionTrait, organisation: &Organisation, role: Role, email: &str) -> User {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = HASH.get_or_init(|| onward_web::passwords::hash_password(PASSWORD).expect("hash"));
    create_user(
        conn,
        organisation.id,
        &NewUser {
            email: EmailAddress::parse(email).expect("valid email"),
            display_name: format!("{} user", role.code()),
            role,
            password_hash: hash.clone(),
        },
    )
    .await
    .expect("create user")
}

/// A learner born 28/02/2010 living in LS6 2AB, with the given identifiers.
pub fn new_learner(
    given: &str,
    family: &str,
    uln: Option<&str>,
    mis_id: Option<&str>,
) -> onward_domain::learner::NewLearner {
    use onward_domain::person::PersonName;
    onward_domain::learner::NewLearner {
        uln: uln.map(|value| onward_domain::uln::Uln::parse(value).expect("valid ULN")),
        mis_id: mis_id.map(str::to_owned),
        date_of_birth: chrono::NaiveDate::from_ymd_opt(2010, 2, 28),
        postcode: Some("LS6 2AB".to_owned()),
        ..onward_domain::learner::NewLearner::named(
            PersonName::parse(given).expect("valid name"),
            PersonName::parse(family).expect("valid name"),
        )
    }
}

/// A programme of the given type (part-time, no level or sector) for tests that
/// only need something to enrol learners on.
pub async fn programme(
    conn: &impl ConnectionTrait,
    org: onward_storage::OrganisationId,
    title: &str,
    programme_type: onward_domain::programme::ProgrammeType,
) -> onward_storage::ProgrammeId {
    onward_storage::repo::programmes::create_programme(
        conn,
        org,
        &onward_storage::repo::programmes::NewProgramme {
            title: title.to_owned(),
            programme_type,
            level: None,
            sector_subject_area: None,
            mode: onward_domain::programme::StudyMode::PartTime,
            funding_stream: None,
        },
    )
    .await
    .expect("create programme")
}
