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
