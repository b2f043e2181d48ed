//! The learner site's own strings (`locales/<code>/survey-site.ftl`) in its six
//! languages. The staff UI has two (`i18n`); the survey questions come from the
//! survey files (`onward_survey`).

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

fn bundles() -> &'static HashMap<&'static str, FluentBundle<FluentResource>> {
    static BUNDLES: OnceLock<HashMap<&'static str, FluentBundle<FluentResource>>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SITE_LOCALES
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
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(
                        locale = code,
                        ?errors,
                        "learner-site locale file defines a key twice"
                    );
                }
                (*code, bundle)
            })
            .collect()
    })
}

/// Whether `locale` itself (no fallback) has `key`.
pub fn defines(locale: &str, key: &str) -> bool {
    bundles()
        .get(locale)
        .is_some_and(|bundle| bundle.get_message(key).is_some_and(|m| m.value().is_some()))
}

/// The text of `key` in `locale`, else English, else the key.
pub fn text(locale: &str, key: &str, args: &[(&str, &str)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, (*value).to_owned());
    }
    for code in [locale, "en-GB"] {
        let Some(bundle) = bundles().get(code) else {
            continue;
        };
        if let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) {
            let mut errors = Vec::new();
            return bundle
                .format_pattern(pattern, Some(&fluent_args), &mut errors)
                .into_owned();
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
