//! Tutor groups (administrators): which groups each tutor is assigned to, and
//! the groups the organisation's learners are in. A tutor sees only the
//! learners of their groups (`LearnerScope`, built on `Staff`).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use onward_domain::role::Role;
use onward_domain::tutor_group::{ListProblem, MAX_GROUPS_PER_TUTOR, MAX_LEN, TutorGroup};
use onward_storage::UserId;
use onward_storage::repo::tutor_groups::{assignments, learner_groups, set_groups_of_tutor};
use onward_storage::repo::users::{User, list_users, user_in_organisation};
use serde::Deserialize;

use super::chrome::{Chrome, localised};
use super::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

localised! {
    TutorGroupsPage => chrome.tr;
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tutor-groups", get(show))
        .route("/tutor-groups/{id}", post(save))
}

/// A tutor with their groups as the form shows them.
struct TutorRow {
    user: User,
    /// "11A, 11B", or what was typed when the form is shown again.
    groups: String,
}

/// A group the organisation's learners are in.
struct GroupRow {
    group: TutorGroup,
    learners: u64,
    tutors: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/tutor_groups.html")]
struct TutorGroupsPage {
    chrome: Chrome,
    tutors: Vec<TutorRow>,
    groups: Vec<GroupRow>,
    /// The tutor whose groups were refused, and why (already translated).
    error: Option<(UserId, String)>,
}

impl TutorGroupsPage {
    /// The refusal shown beside this tutor's groups, if theirs were refused.
    fn error_for(&self, id: &UserId) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(failed, _)| failed == id)
            .map(|(_, message)| message.as_str())
    }
}

async fn page(
    staff: &Staff,
    typed: Option<(UserId, String)>,
    error: Option<String>,
) -> Result<TutorGroupsPage, WebError> {
    let conn = staff.conn();
    let org = staff.organisation();
    let assigned = assignments(conn, org).await?;
    let tutors: Vec<User> = list_users(conn, org)
        .await?
        .into_iter()
        .filter(|user| user.role == Role::Tutor)
        .collect();
    let mut tutors_of: HashMap<&TutorGroup, Vec<String>> = HashMap::new();
    for tutor in &tutors {
        for group in assigned.get(&tutor.id).into_iter().flatten() {
            tutors_of
                .entry(group)
                .or_default()
                .push(tutor.display_name.clone());
        }
    }
    let groups = learner_groups(conn, org)
        .await?
        .into_iter()
        .map(|(group, learners)| GroupRow {
            tutors: tutors_of.get(&group).cloned().unwrap_or_default(),
            group,
            learners,
        })
        .collect();
    let error = error.and_then(|message| typed.as_ref().map(|(id, _)| (*id, message)));
    let tutors = tutors
        .into_iter()
        .map(|user| {
            let groups = match &typed {
                Some((id, text)) if *id == user.id => text.clone(),
                _ => assigned
                    .get(&user.id)
                    .map(|groups| {
                        groups
                            .iter()
                            .map(TutorGroup::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
            };
            TutorRow { user, groups }
        })
        .collect();
    Ok(TutorGroupsPage {
        chrome: staff.chrome("users").await?,
        tutors,
        groups,
        error,
    })
}

async fn show(staff: Staff) -> Result<TutorGroupsPage, WebError> {
    page(&staff, None, None).await
}

#[derive(Deserialize)]
struct GroupsFields {
    #[serde(default)]
    groups: String,
}

async fn save(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<GroupsFields>,
) -> Result<Response, WebError> {
    let tutor = user_in_organisation(staff.conn(), staff.organisation(), UserId(id)).await?;
    // Only tutors see by group; other roles are not given groups here.
    if tutor.role != Role::Tutor {
        return Err(WebError::NotFound);
    }
    // Hostile input: the list is bounded before it is split.
    let groups = if fields.groups.chars().count() > MAX_GROUPS_PER_TUTOR * (MAX_LEN + 2) {
        Err(ListProblem::TooMany)
    } else {
        TutorGroup::parse_list(&fields.groups)
    };
    let groups = match groups {
        Ok(groups) => groups,
        Err(problem) => {
            let tr = &staff.chrome("users").await?.tr;
            let name = tutor.display_name.as_str();
            let message = match &problem {
                ListProblem::TooLong(group) => tr.t_with(
                    "tutor-groups-error-too-long",
                    &[("name", name), ("group", group), ("max", &MAX_LEN.to_string())],
                ),
                ListProblem::ControlCharacters => tr.t_with("tutor-groups-error-control", &[("name", name)]),
                ListProblem::TooMany => tr.t_with(
                    "tutor-groups-error-too-many",
                    &[("name", name), ("max", &MAX_GROUPS_PER_TUTOR.to_string())],
                ),
            };
            let typed: String = fields
                .groups
                .chars()
                .take(MAX_GROUPS_PER_TUTOR * (MAX_LEN + 2))
                .collect();
            let page = page(&staff, Some((tutor.id, typed)), Some(message)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let write = staff.write().await?;
    if set_groups_of_tutor(&write, staff.organisation(), tutor.id, &groups).await? {
        let names: Vec<&str> = groups.iter().map(TutorGroup::as_str).collect();
        write
            .audit_detail(
                "user.tutor_groups",
                "user",
                tutor.id.0,
                format!("groups: {}", names.join(", ")),
            )
            .await?;
        write.commit().await?;
    }
    Ok(Redirect::to("/tutor-groups").into_response())
}
