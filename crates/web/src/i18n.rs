//! UI text through Fluent. English (en-GB) is the reference; Welsh (cy) ships
//! with the same keys. A missing key falls back to English, then to the key.

use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

/// Locales shipped with the binary: (code, Fluent source). Each source is the
/// locale's `locales/<code>/*.ftl` files joined by `build.rs`; an area of the app
/// keeps its strings in its own file.
pub const LOCALES: &[(&str, &str)] = &[
    ("en-GB", include_str!(concat!(env!("OUT_DIR"), "/en-GB.ftl"))),
    ("cy", include_str!(concat!(env!("OUT_DIR"), "/cy.ftl"))),
];

pub const DEFAULT_LOCALE: &str = "en-GB";

struct Catalogue {
    bundles: HashMap<&'static str, FluentBundle<FluentResource>>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let bundles = LOCALES
            .iter()
            .map(|(code, source)| {
                let language: LanguageIdentifier = code.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![language]);
                // Isolation marks confuse screen readers and copy-paste in plain HTML.
                bundle.set_use_isolating(false);
                let resource =
                    FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(partial, errors)| {
                        tracing::error!(locale = code, ?errors, "locale file has syntax errors");
                        partial
                    });
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(locale = code, ?errors, "locale file defines a key twice");
                }
                (*code, bundle)
            })
            .collect();
        Catalogue { bundles }
    })
}

/// The shipped locale closest to `requested` ("cy-GB" → "cy"), else English.
pub fn supported_locale(requested: &str) -> &'static str {
    let language = requested.split(['-', '_']).next().unwrap_or_default();
    LOCALES
        .iter()
        .map(|(code, _)| *code)
        .find(|code| code.eq_ignore_ascii_case(requested) || code.split('-').next() == Some(language))
        .unwrap_or(DEFAULT_LOCALE)
}

/// The text for `key` in `locale`, with optional arguments.
pub fn text(locale: &str, key: &str, args: Option<&FluentArgs<'_>>) -> String {
    let catalogue = catalogue();
    for code in [supported_locale(locale), DEFAULT_LOCALE] {
        let Some(bundle) = catalogue.bundles.get(code) else {
            continue;
        };
        if let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) {
            let mut errors = Vec::new();
            let value = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::warn!(key, locale = code, ?errors, "could not format message");
            }
            return value.into_owned();
        }
    }
    tracing::warn!(key, "no text for this key in any locale");
    key.to_owned()
}

/// Whether `locale` itself (no fallback) defines `key`: tests ask it of every
/// enum label and every message the code builds.
pub fn defines(locale: &str, key: &str) -> bool {
    catalogue()
        .bundles
        .get(supported_locale(locale))
        .is_some_and(|bundle| {
            bundle
                .get_message(key)
                .is_some_and(|message| message.value().is_some())
        })
}

/// Separates a stored message's key and arguments ([`Message::encode`]).
const PART: char = '\u{1f}';
/// Separates an argument's name from its value.
const NAME: char = '\u{1e}';
/// Marks an argument value that is itself a key, translated when shown.
const KEY_VALUE: char = '\u{1d}';

/// A message to translate when the page is rendered, built where the code does
/// not know the page's language (form parsers, `WebError`). It travels as one
/// `String` ([`Message::encode`]) through the places that held English text, so
/// `FieldError::message` keeps its type; [`Translator::message`] shows it, and
/// shows text that is not an encoded message (English from code not yet keyed)
/// as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    key: &'static str,
    args: Vec<(&'static str, MessageArg)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum MessageArg {
    Text(String),
    Key(&'static str),
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// An argument shown as it is (a number, a name, what the person typed).
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, MessageArg::Text(value.into())));
        self
    }

    /// An argument that is itself a key, e.g. a field's label.
    pub fn with_key(mut self, name: &'static str, key: &'static str) -> Self {
        self.args.push((name, MessageArg::Key(key)));
        self
    }

    /// The message as one string, for [`Translator::message`].
    pub fn encode(&self) -> String {
        let mut encoded = format!("{PART}{}", self.key);
        for (name, value) in &self.args {
            encoded.push(PART);
            encoded.push_str(name);
            encoded.push(NAME);
            match value {
                MessageArg::Text(text) => {
                    encoded.extend(text.chars().filter(|c| ![PART, NAME, KEY_VALUE].contains(c)))
                }
                MessageArg::Key(key) => {
                    encoded.push(KEY_VALUE);
                    encoded.push_str(key);
                }
            }
        }
        encoded
    }
}

impl From<Message> for String {
    fn from(message: Message) -> Self {
        message.encode()
    }
}

/// A page's translator: the locale chosen for it and a shorthand lookup.
#[derive(Clone, Debug)]
pub struct Translator {
    pub locale: &'static str,
}

impl Translator {
    pub fn new(locale: &str) -> Self {
        Self {
            locale: supported_locale(locale),
        }
    }

    pub fn t(&self, key: &str) -> String {
        text(self.locale, key, None)
    }

    /// A message with named arguments, e.g. `t_with("home-signed-in-as", &[("name", "Jo")])`.
    pub fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, (*value).to_owned());
        }
        text(self.locale, key, Some(&fluent_args))
    }

    /// A message stored by [`Message::encode`], or a bare key, in this page's
    /// language; any other text is returned as it is.
    pub fn message(&self, stored: &str) -> String {
        let Some(encoded) = stored.strip_prefix(PART) else {
            return if defines(DEFAULT_LOCALE, stored) {
                self.t(stored)
            } else {
                stored.to_owned()
            };
        };
        let mut parts = encoded.split(PART);
        let key = parts.next().unwrap_or_default();
        let mut fluent_args = FluentArgs::new();
        for part in parts {
            let (name, value) = part.split_once(NAME).unwrap_or((part, ""));
            let value = match value.strip_prefix(KEY_VALUE) {
                Some(value_key) => self.t(value_key),
                None => value.to_owned(),
            };
            fluent_args.set(name.to_owned(), value);
        }
        text(self.locale, key, Some(&fluent_args))
    }

    /// A date written out, "05 March 2026", with the month in this language
    /// (chrono's `%B` knows English only).
    pub fn long_date(&self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let month = self.t(&format!("month-{}", date.month()));
        format!("{:02} {month} {}", date.day(), date.year())
    }

    /// The HTML `lang` attribute for the page.
    pub fn lang(&self) -> &'static str {
        self.locale
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|line| !line.starts_with(['#', ' ']) && line.contains(" = "))
            .filter_map(|line| line.split(" = ").next().map(str::to_owned))
            .collect()
    }

    #[test]
    fn every_locale_has_exactly_the_reference_keys_and_parses() {
        let reference = keys(LOCALES[0].1);
        assert!(reference.len() > 20);
        let mut unique = reference.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            reference.len(),
            "a key is defined twice across en-GB's files"
        );
        for (code, source) in LOCALES {
            assert_eq!(keys(source), reference, "{code} keys differ from en-GB");
            assert!(
                FluentResource::try_new((*source).to_owned()).is_ok(),
                "{code} has syntax errors"
            );
        }
    }

    #[test]
    fn stored_messages_are_translated_when_shown_and_plain_text_passes_through() {
        let stored = Message::new("validation-too-long")
            .with_key("label", "label-notes")
            .with("max", "200")
            .encode();
        assert_eq!(
            Translator::new("en-GB").message(&stored),
            "The notes must be 200 characters or fewer"
        );
        assert_eq!(
            Translator::new("cy").message(&stored),
            "Y nodiadau: dim mwy na 200 nod"
        );
        assert_eq!(Translator::new("cy").message("Plain English"), "Plain English");
        assert_eq!(Translator::new("cy").message("nav-sign-out"), "Allgofnodi");
    }

    #[test]
    fn long_dates_name_the_month_in_the_page_language() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 5).expect("date");
        assert_eq!(Translator::new("en-GB").long_date(date), "05 March 2026");
        assert_eq!(Translator::new("cy").long_date(date), "05 Mawrth 2026");
    }

    #[test]
    fn lookups_fall_back_and_take_arguments() {
        assert_eq!(Translator::new("cy-GB").t("nav-sign-out"), "Allgofnodi");
        assert_eq!(Translator::new("fr").t("nav-sign-out"), "Sign out");
        assert_eq!(
            Translator::new("en-GB").t_with("home-signed-in-as", &[("name", "Jo"), ("role", "Tutor")]),
            "Signed in as Jo (Tutor)."
        );
        assert_eq!(Translator::new("en-GB").t("no-such-key"), "no-such-key");
    }
}
