//! The learner site's own strings (`locales/<code>/survey-site.ftl`) in its six
//! languages. The staff UI has two (`i18n`); the survey questions come from the
//! survey files (`onward_survey`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// The learner site's languages and their catalogues (built by `build.rs`).
pub const SITE_LOCALES: &[(&str, &str)] = &[
    ("en-GB", include_str!(concat!(env!("OUT_DIR"), "/en-GB.ftl"))),
    ("cy", include_str!(concat!(env!("OUT_DIR"), "/cy.ftl"))),
    ("es", include_str!(concat!(env!("OUT_DIR"), "/es.ftl"))),
    ("it", include_str!(concat!(env!("OUT_DIR"), "/it.ftl"))),
    ("nl", include_str!(concat!(env!("OUT_DIR"), "/nl.ftl"))),
    ("et", include_str!(concat!(env!("OUT_DIR"), "/et.ftl"))),
];

/// One language's catalogue, and its messages that take no arguments
/// formatted once: most of the site's strings (labels, buttons, headings)
/// are asked for on every page view, and formatting them through Fluent each
/// time showed up in the survey page's profile (issue 14).
struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    /// Message id → its text (this language's, else English), for every
    /// message that formats without arguments and without errors.
    fixed: HashMap<String, String>,
}

fn catalogues() -> &'static HashMap<&'static str, Catalogue> {
    static CATALOGUES: OnceLock<HashMap<&'static str, Catalogue>> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        let mut ids: Vec<String> = Vec::new();
        let mut bundles: Vec<(&'static str, FluentBundle<FluentResource>)> = SITE_LOCALES
            .iter()
            .map(|(code, source)| {
                let mut bundle = FluentBundle::new_concurrent(vec![code.parse().unwrap_or_default()]);
                bundle.set_use_isolating(false);
                let resource =
                    FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(partial, errors)| {
                        tracing::error!(
                            locale = code,
                            ?errors,
                            "learner-site locale file has syntax errors"
                        );
                        partial
                    });
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(message) = entry
                        && !ids.iter().any(|id| id == message.id.name)
                    {
                        ids.push(message.id.name.to_owned());
                    }
                }
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(
                        locale = code,
                        ?errors,
                        "learner-site locale file defines a key twice"
                    );
                }
                (*code, bundle)
            })
            .collect();
        let fixed: Vec<HashMap<String, String>> = bundles
            .iter()
            .map(|(code, _)| {
                ids.iter()
                    .filter_map(|id| {
                        let (text, clean) = format_message(&bundles, code, id, None)?;
                        clean.then(|| (id.clone(), text))
                    })
                    .collect()
            })
            .collect();
        bundles
            .drain(..)
            .zip(fixed)
            .map(|((code, bundle), fixed)| (code, Catalogue { bundle, fixed }))
            .collect()
    })
}

/// Formats `key` in `locale`, else English: the text and whether it formatted
/// without errors. `None` when neither has the message.
fn format_message(
    bundles: &[(&'static str, FluentBundle<FluentResource>)],
    locale: &str,
    key: &str,
    args: Option<&FluentArgs<'_>>,
) -> Option<(String, bool)> {
    [locale, "en-GB"].iter().find_map(|code| {
        let (_, bundle) = bundles.iter().find(|(known, _)| known == code)?;
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        Some((text, errors.is_empty()))
    })
}

/// Whether `locale` itself (no fallback) has `key`.
pub fn defines(locale: &str, key: &str) -> bool {
    catalogues().get(locale).is_some_and(|catalogue| {
        catalogue
            .bundle
            .get_message(key)
            .is_some_and(|m| m.value().is_some())
    })
}

/// The text of `key` in `locale`, else English, else the key.
pub fn text(locale: &str, key: &str, args: &[(&str, &str)]) -> String {
    if args.is_empty() {
        return fixed_text(locale, key).into_owned();
    }
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, (*value).to_owned());
    }
    formatted(locale, key, Some(&fluent_args))
}

/// The text of `key` (a message without arguments) in `locale`, else English,
/// else the key: borrowed from the texts formatted once at start.
pub fn fixed_text(locale: &str, key: &str) -> Cow<'static, str> {
    let catalogues = catalogues();
    let catalogue = catalogues.get(locale).or_else(|| catalogues.get("en-GB"));
    match catalogue.and_then(|catalogue| catalogue.fixed.get(key)) {
        Some(text) => Cow::Borrowed(text.as_str()),
        None => Cow::Owned(formatted(locale, key, None)),
    }
}

fn formatted(locale: &str, key: &str, args: Option<&FluentArgs<'_>>) -> String {
    for code in [locale, "en-GB"] {
        let Some(catalogue) = catalogues().get(code) else {
            continue;
        };
        let bundle = &catalogue.bundle;
        if let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) {
            let mut errors = Vec::new();
            return bundle.format_pattern(pattern, args, &mut errors).into_owned();
        }
    }
    tracing::warn!(key, "no learner-site text for this key");
    key.to_owned()
}

/// The keys of the learner site (`survey-site-*`) in the English catalogue, in order.
pub fn site_keys() -> Vec<String> {
    keys_of(SITE_LOCALES[0].1)
}

/// The `survey-site-*` keys a Fluent source defines, in order.
pub fn keys_of(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|line| line.starts_with("survey-site-"))
        .filter_map(|line| line.split(" = ").next().map(|key| key.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_formatted_once_are_fluents_own_in_every_language() {
        for (code, _) in SITE_LOCALES {
            let catalogue = &catalogues()[code];
            assert!(!catalogue.fixed.is_empty(), "{code}");
            for (key, text) in &catalogue.fixed {
                assert_eq!(*text, formatted(code, key, None), "{code} {key}");
                assert!(matches!(fixed_text(code, key), Cow::Borrowed(_)), "{code} {key}");
            }
        }
    }

    #[test]
    fn fixed_text_is_right_in_welsh_and_english() {
        assert_eq!(fixed_text("cy", "survey-site-continue"), "Yn eich blaen");
        assert_eq!(fixed_text("en-GB", "survey-site-continue"), "Continue");
        assert_eq!(text("cy", "survey-site-back", &[]), "Yn ôl");
        // An unknown language is English; an unknown key is itself.
        assert_eq!(fixed_text("xx", "survey-site-continue"), "Continue");
        assert_eq!(
            fixed_text("cy", "survey-site-no-such-key"),
            "survey-site-no-such-key"
        );
        // A message with arguments is still formatted with them.
        let footer = text("cy", "survey-site-footer", &[("organisation", "Coleg Caerdydd")]);
        assert!(footer.contains("Coleg Caerdydd"), "{footer}");
    }
}
