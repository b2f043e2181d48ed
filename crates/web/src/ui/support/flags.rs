//! Flagging a learner at risk and clearing the flag.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use onward_storage::repo::learners::Learner;
use onward_storage::repo::support::{clear_flag, flags_for_learner, raise_flag};
use onward_storage::{LearnerId, SupportFlagId};
use serde::Deserialize;

use super::back_to;
use crate::ui::chrome::Chrome;
use crate::ui::form_errors::FormErrors;
use crate::ui::forms::required_text;
use crate::ui::staff::{CsrfForm, Staff};
use crate::{AppState, WebError};

crate::ui::chrome::localised! {
    FlagForm => chrome.tr;
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/learners/{id}/flags/new", get(new_flag))
        .route("/learners/{id}/flags", post(create_flag))
        .route("/learners/{id}/flags/clear", post(clear))
}

#[derive(Deserialize, Default, Clone)]
struct FlagFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    flag: String,
    #[serde(default)]
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "support/flag_form.html")]
struct FlagForm {
    chrome: Chrome,
    learner: Learner,
    reason: String,
    errors: FormErrors,
}

impl FlagForm {}

async fn new_flag(staff: Staff, Path(id): Path<i64>) -> Result<FlagForm, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    Ok(FlagForm {
        chrome: staff.chrome("learners").await?,
        learner,
        reason: String::new(),
        errors: FormErrors::new(),
    })
}

async fn create_flag(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<FlagFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    match required_text("reason", "label-at-risk-reason", &fields.reason, 1000) {
        Ok(reason) => {
            let write = staff.write().await?;
            raise_flag(
                &write,
                staff.organisation(),
                learner.id,
                &reason,
                Some(staff.user.id),
            )
            .await?;
            write
                .audit("learner.flag_raised", "learner", learner.id.0)
                .await?;
            write.commit().await?;
            Ok(back_to(learner.id))
        }
        Err(err) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FlagForm {
                chrome: staff.chrome("learners").await?,
                learner,
                reason: fields.reason,
                errors: err.into(),
            },
        )
            .into_response()),
    }
}

async fn clear(
    staff: Staff,
    Path(id): Path<i64>,
    CsrfForm(fields): CsrfForm<FlagFields>,
) -> Result<Response, WebError> {
    let learner = staff.learner(LearnerId(id)).await?;
    let flag = fields
        .flag
        .trim()
        .parse::<i64>()
        .map(SupportFlagId)
        .map_err(|_| WebError::BadRequest("bad-request-choose-flag"))?;
    let note = fields.note.trim();
    if note.chars().count() > 1000 {
        return Err(WebError::BadRequest("bad-request-note-too-long"));
    }
    let note = (!note.is_empty()).then_some(note);
    // A flag already cleared (a second click) is simply not cleared again:
    // nothing changes, nothing is audited and the write is rolled back.
    let write = staff.write().await?;
    let still_open = flags_for_learner(&write, staff.organisation(), learner.id)
        .await?
        .iter()
        .any(|f| f.id == flag && f.is_open());
    if still_open {
        clear_flag(
            &write,
            staff.organisation(),
            learner.id,
            flag,
            note,
            Some(staff.user.id),
        )
        .await?;
        write
            .audit("learner.flag_cleared", "learner", learner.id.0)
            .await?;
        write.commit().await?;
    }
    Ok(back_to(learner.id))
}
