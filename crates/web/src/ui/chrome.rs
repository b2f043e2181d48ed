//! What every signed-in page shows around its content: who is signed in, the
//! menu their role allows, and the CSRF token for the sign-out form.

use onward_domain::disclosure::{ShownCount, shown_count};
use onward_domain::permissions::{Action, allows};
use tower_sessions::Session;

use crate::WebError;
use crate::auth::{CurrentUser, csrf_token};
use crate::i18n::Translator;

const SESSION_LOCALE: &str = "locale";

/// The locale for a page: the visitor's own choice in this session, else `fallback`
/// (the organisation's default language).
pub async fn page_translator(session: &Session, fallback: &str) -> Result<Translator, WebError> {
    let chosen = session.get::<String>(SESSION_LOCALE).await?;
    Ok(Translator::new(chosen.as_deref().unwrap_or(fallback)))
}

/// The language the visitor chose in this session, if they did.
pub async fn chosen_locale(session: &Session) -> Option<String> {
    session.get::<String>(SESSION_LOCALE).await.ok().flatten()
}

/// Remembers the visitor's language choice for this session.
pub async fn choose_locale(session: &Session, locale: &str) -> Result<(), WebError> {
    session
        .insert(SESSION_LOCALE, crate::i18n::supported_locale(locale))
        .await?;
    Ok(())
}

/// Gives a page struct the `t(key)`, `t_with(key, args)`, `tm(message)` and
/// `lang()` its templates call.
macro_rules! localised {
    ($($page:ty => $($field:ident).+;)+) => {$(
        impl $page {
            #[allow(dead_code)]
            fn t(&self, key: &str) -> String {
                self.$($field).+.t(key)
            }

            #[allow(dead_code)]
            fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
                self.$($field).+.t_with(key, args)
            }

            /// A date written out with the month in the page's language.
            #[allow(dead_code)]
            fn long_date(&self, date: &chrono::NaiveDate) -> String {
                self.$($field).+.long_date(*date)
            }

            /// A stored message (`i18n::Message`, e.g. a validation message) in the page's language.
            #[allow(dead_code)]
            fn tm(&self, message: &str) -> String {
                self.$($field).+.message(message)
            }

            #[allow(dead_code)]
            fn lang(&self) -> &'static str {
                self.$($field).+.lang()
            }
        }
    )+};
}
pub(crate) use localised;

/// A count however a template holds it (`u64`, or a reference from a loop).
pub trait AsCount {
    fn as_count(&self) -> u64;
}

impl AsCount for u64 {
    fn as_count(&self) -> u64 {
        *self
    }
}

impl<T: AsCount + ?Sized> AsCount for &T {
    fn as_count(&self) -> u64 {
        (**self).as_count()
    }
}

#[derive(Clone, Debug)]
pub struct Chrome {
    pub user: CurrentUser,
    pub csrf: String,
    /// The menu item to mark as current.
    pub section: &'static str,
    pub tr: Translator,
}

impl Chrome {
    pub async fn new(user: CurrentUser, session: &Session, section: &'static str) -> Result<Self, WebError> {
        Ok(Self {
            csrf: csrf_token(session).await?,
            tr: page_translator(session, &user.locale).await?,
            user,
            section,
        })
    }

    /// A count as the signed-in user may see it: exact for roles that see
    /// named records, "fewer than 6" under 6 for aggregate-only roles
    /// (`onward_domain::disclosure`). Every count on a cohort page goes through it.
    pub fn count(&self, count: impl AsCount) -> String {
        match shown_count(self.user.role, count.as_count()) {
            ShownCount::Exact(count) => count.to_string(),
            ShownCount::FewerThan(threshold) => self
                .tr
                .t_with("count-fewer-than", &[("threshold", &threshold.to_string())]),
        }
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
    /// An encoded `i18n::Message` (shown in the page's language), or English text.
    pub message: String,
}

impl FieldError {
    /// A message for `field`, translated when the page is shown.
    pub fn keyed(field: &'static str, message: crate::i18n::Message) -> Self {
        Self {
            field,
            message: message.encode(),
        }
    }
}
