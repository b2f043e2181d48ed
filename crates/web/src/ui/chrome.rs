//! What every signed-in page shows around its content: who is signed in, the
//! menu their role allows, and the CSRF token for the sign-out form.

use onward_domain::permissions::{Action, allows};
use tower_sessions::Session;

use crate::WebError;
use crate::auth::{CurrentUser, csrf_token};

#[derive(Clone, Debug)]
pub struct Chrome {
    pub user: CurrentUser,
    pub csrf: String,
    /// The menu item to mark as current.
    pub section: &'static str,
}

impl Chrome {
    pub async fn new(user: CurrentUser, session: &Session, section: &'static str) -> Result<Self, WebError> {
        Ok(Self {
            csrf: csrf_token(session).await?,
            user,
            section,
        })
    }

    /// Whether the signed-in user's role allows an action (by its code), for menus.
    pub fn can(&self, action: &str) -> bool {
        Action::from_code(action).is_some_and(|action| allows(self.user.role, action))
    }
}

/// A validation message for one form field, shown in the error summary and
/// beside the field (GOV.UK error summary pattern).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The id of the input the summary links to.
    pub field: &'static str,
    pub message: String,
}

/// Finds the message for a field, for templates.
pub fn error_for<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|error| error.field == field)
        .map(|error| error.message.as_str())
}
