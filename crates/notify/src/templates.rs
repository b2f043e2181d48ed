//! The text of every message, in each [`Language`], through Fluent
//! (`locales/<code>/messages.ftl`). Values from outside (names, the link) are
//! arguments, never part of a pattern, and are escaped where HTML is built.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

use crate::Language;

/// Each language's Fluent source, compiled in.
pub const SOURCES: &[(Language, &str)] = &[
    (Language::EnglishGb, include_str!("../locales/en-GB/messages.ftl")),
    (Language::Welsh, include_str!("../locales/cy/messages.ftl")),
];

/// The longest personal link accepted (the survey links are about 90 characters).
pub const MAX_LINK_CHARS: usize = 1000;

/// A learner's personal link: an absolute `http(s)` URL with nothing that
/// could break out of a header, an HTML attribute or a line of text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonalLink(String);

impl PersonalLink {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.chars().count() > MAX_LINK_CHARS {
            return Err(format!("a personal link has at most {MAX_LINK_CHARS} characters"));
        }
        let url = url::Url::parse(text).map_err(|err| format!("not a link ({err})"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err("a personal link starts with https:// or http:// and names a host".to_owned());
        }
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'))
        {
            return Err("a personal link has no spaces, quotes or angle brackets".to_owned());
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PersonalLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

struct Catalogue {
    bundles: HashMap<Language, FluentBundle<FluentResource>>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let bundles = SOURCES
            .iter()
            .map(|(language, source)| {
                let id = language.code().parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // Isolation marks would show as stray characters in plain text and SMS.
                bundle.set_use_isolating(false);
                let resource =
                    FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(partial, errors)| {
                        tracing::error!(
                            language = language.code(),
                            ?errors,
                            "message templates have syntax errors"
                        );
                        partial
                    });
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(
                        language = language.code(),
                        ?errors,
                        "message templates define a key twice"
                    );
                }
                (*language, bundle)
            })
            .collect();
        Catalogue { bundles }
    })
}

/// The text of `key` in `language` (English when the language lacks it).
pub fn text(language: Language, key: &str, args: &[(&str, &str)]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, *value);
    }
    let catalogue = catalogue();
    for language in [language, Language::EnglishGb] {
        let Some(bundle) = catalogue.bundles.get(&language) else {
            continue;
        };
        if let Some(pattern) = bundle.get_message(key).and_then(|message| message.value()) {
            let mut errors = Vec::new();
            let value = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            if !errors.is_empty() {
                tracing::warn!(
                    key,
                    language = language.code(),
                    ?errors,
                    "could not format a message template"
                );
            }
            return value.into_owned();
        }
    }
    tracing::error!(key, "no message template has this key");
    key.to_owned()
}

/// A date as letters print it, with the month named in the language.
pub fn long_date(language: Language, date: NaiveDate) -> String {
    let month = text(language, &format!("month-{}", date.month()), &[]);
    text(
        language,
        "letter-date",
        &[
            ("day", &date.day().to_string()),
            ("month", &month),
            ("year", &date.year().to_string()),
        ],
    )
}

/// What an invitation says about its learner and sender.
#[derive(Clone, Debug)]
pub struct Invitation<'a> {
    pub given_name: &'a str,
    pub organisation: &'a str,
    pub link: &'a PersonalLink,
}

/// Which of a campaign's messages a step sends: the invitation (the first
/// step), a reminder, or the last reminder (the last step of several).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nudge {
    Invitation,
    Reminder,
    LastReminder,
}

impl Nudge {
    /// The message of step `step` (0-based) of a schedule of `steps` steps.
    pub fn for_step(step: usize, steps: usize) -> Self {
        if step == 0 {
            Self::Invitation
        } else if step + 1 >= steps {
            Self::LastReminder
        } else {
            Self::Reminder
        }
    }

    /// The Fluent key of the words a reminder's own-worded subject starts with.
    fn prefix_key(self) -> Option<&'static str> {
        match self {
            Self::Invitation => None,
            Self::Reminder => Some("email-reminder-prefix"),
            Self::LastReminder => Some("email-last-reminder-prefix"),
        }
    }

    /// The Fluent keys of its subject, email opening paragraph and SMS.
    fn keys(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Invitation => (
                "email-invitation-subject",
                "email-invitation-body",
                "sms-invitation",
            ),
            Self::Reminder => ("email-reminder-subject", "email-reminder-body", "sms-reminder"),
            Self::LastReminder => (
                "email-last-reminder-subject",
                "email-last-reminder-body",
                "sms-last-reminder",
            ),
        }
    }
}

/// An email's subject and its two bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The invitation email in `language`: a plain-text part and an HTML part
/// with the same words, the personal link in both, and an unsubscribe link.
pub fn invitation_email(
    language: Language,
    invitation: &Invitation<'_>,
    unsubscribe: &PersonalLink,
) -> RenderedEmail {
    campaign_email(language, Nudge::Invitation, invitation, unsubscribe)
}

/// A campaign's email in `language`: the invitation, or a reminder with its
/// own subject and opening paragraph and otherwise the invitation's words.
pub fn campaign_email(
    language: Language,
    nudge: Nudge,
    invitation: &Invitation<'_>,
    unsubscribe: &PersonalLink,
) -> RenderedEmail {
    campaign_email_worded(language, nudge, invitation, unsubscribe, None)
}

/// A campaign's own wording for one language: its subject and message
/// paragraphs, in place of the standard ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnWording<'a> {
    pub subject: &'a str,
    pub paragraphs: Vec<&'a str>,
}

/// A campaign's email with the campaign's `own` wording when it has some:
/// its subject (a reminder's starting with the reminder's own words) and its
/// paragraphs replace the standard subject and opening; the greeting, the
/// link, the sign-off and the unsubscribe footer are the same.
pub fn campaign_email_worded(
    language: Language,
    nudge: Nudge,
    invitation: &Invitation<'_>,
    unsubscribe: &PersonalLink,
    own: Option<&OwnWording<'_>>,
) -> RenderedEmail {
    let (subject_key, body_key, _) = nudge.keys();
    let args = [
        ("given_name", invitation.given_name),
        ("organisation", invitation.organisation),
        ("link", invitation.link.as_str()),
    ];
    let t = |key: &str| text(language, key, &args);
    let (subject, paragraphs) = match own {
        Some(own) => {
            let subject = match nudge.prefix_key() {
                Some(key) => format!("{} {}", t(key), own.subject),
                None => own.subject.to_owned(),
            };
            (subject, own.paragraphs.iter().map(|p| (*p).to_owned()).collect())
        }
        None => (t(subject_key), vec![t(body_key)]),
    };
    let link = invitation.link.as_str();
    let text_body = format!(
        "{greeting}\n\n{body}\n\n{action}:\n{link}\n\n{sign_off}\n{organisation}\n\n--\n{unsubscribe_intro}\n{unsubscribe}\n",
        greeting = t("email-greeting"),
        body = paragraphs.join("\n\n"),
        action = t("email-invitation-action"),
        sign_off = t("email-sign-off"),
        organisation = invitation.organisation,
        unsubscribe_intro = t("email-unsubscribe-intro"),
        unsubscribe = unsubscribe.as_str(),
    );
    let body_html = paragraphs
        .iter()
        .map(|paragraph| format!("<p>{}</p>", escape_html(paragraph).replace('\n', "<br>")))
        .collect::<Vec<_>>()
        .join("\n");
    let html = format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><title>{subject}</title></head>\n",
            "<body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c;\">\n",
            "<p>{greeting}</p>\n{body}\n",
            "<p><a href=\"{link}\" style=\"display: inline-block; padding: 8px 16px; background: #00703c; color: #ffffff; text-decoration: none;\">{action}</a></p>\n",
            "<p>{link_intro}<br><a href=\"{link}\">{link}</a></p>\n",
            "<p>{sign_off}<br>{organisation}</p>\n",
            "<hr>\n<p style=\"font-size: 14px;\">{unsubscribe_intro} <a href=\"{unsubscribe}\">{unsubscribe_label}</a></p>\n",
            "</body>\n</html>\n"
        ),
        lang = language.code(),
        subject = escape_html(&subject),
        greeting = escape_html(&t("email-greeting")),
        body = body_html,
        link = escape_html(link),
        action = escape_html(&t("email-invitation-action")),
        link_intro = escape_html(&t("email-link-intro")),
        sign_off = escape_html(&t("email-sign-off")),
        organisation = escape_html(invitation.organisation),
        unsubscribe_intro = escape_html(&t("email-unsubscribe-intro")),
        unsubscribe = escape_html(unsubscribe.as_str()),
        unsubscribe_label = escape_html(&t("email-unsubscribe")),
    );
    RenderedEmail {
        subject,
        text: text_body,
        html,
    }
}

/// The invitation SMS in `language`.
pub fn invitation_sms(language: Language, invitation: &Invitation<'_>) -> String {
    campaign_sms(language, Nudge::Invitation, invitation)
}

/// A campaign's SMS in `language`: the invitation or a reminder.
pub fn campaign_sms(language: Language, nudge: Nudge, invitation: &Invitation<'_>) -> String {
    text(
        language,
        nudge.keys().2,
        &[
            ("given_name", invitation.given_name),
            ("organisation", invitation.organisation),
            ("link", invitation.link.as_str()),
        ],
    )
}

/// What an administrator's invitation to a member of staff says.
#[derive(Clone, Debug)]
pub struct StaffInvitation<'a> {
    pub name: &'a str,
    pub organisation: &'a str,
    /// The role's name in the email's language.
    pub role: &'a str,
    /// Opens the page where they choose a password.
    pub link: &'a PersonalLink,
    pub valid_days: u32,
}

/// The email inviting a member of staff to Onward.
pub fn staff_invitation_email(language: Language, invitation: &StaffInvitation<'_>) -> RenderedEmail {
    let days = invitation.valid_days.to_string();
    let args = [
        ("name", invitation.name),
        ("organisation", invitation.organisation),
        ("role", invitation.role),
        ("days", days.as_str()),
    ];
    let t = |key: &str| text(language, key, &args);
    plain_email(
        language,
        &t("staff-invitation-subject"),
        &greeting(language, invitation.name),
        &[t("staff-invitation-body")],
        (&t("staff-invitation-action"), invitation.link),
        &[t("staff-invitation-expiry")],
    )
}

/// The email an address that already has an account gets when another
/// organisation invites it: the inviter is told nothing different, and the
/// address's owner learns what happened and what to do.
pub fn staff_account_exists_email(
    language: Language,
    organisation: &str,
    name: &str,
    sign_in: &PersonalLink,
) -> RenderedEmail {
    let args = [("organisation", organisation), ("name", name)];
    let t = |key: &str| text(language, key, &args);
    plain_email(
        language,
        &t("staff-account-exists-subject"),
        &greeting(language, name),
        &[t("staff-account-exists-body")],
        (&t("staff-account-exists-action"), sign_in),
        &[t("staff-account-exists-advice")],
    )
}

/// "Hello {name},".
fn greeting(language: Language, name: &str) -> String {
    text(language, "email-greeting", &[("given_name", name)])
}

/// What the email asking an employer to confirm a learner's job says.
#[derive(Clone, Debug)]
pub struct EmployerCheck<'a> {
    pub organisation: &'a str,
    pub learner_name: &'a str,
    pub employer: &'a str,
    /// The job role as recorded, if any.
    pub role: Option<&'a str>,
    /// Since when, written out in the email's language (see [`month_year`]).
    pub since: &'a str,
    /// Opens the one-question page.
    pub link: &'a PersonalLink,
    pub valid_days: u32,
}

/// A month and year as the email's language writes them: "May 2026", "Mai 2026".
pub fn month_year(language: Language, date: NaiveDate) -> String {
    let month = text(language, &format!("month-{}", date.month()), &[]);
    text(
        language,
        "month-year",
        &[("month", &month), ("year", &date.year().to_string())],
    )
}

/// The email asking an employer whether a learner works for them (seed 000),
/// with the single-use link to the one-question page.
pub fn employer_check_email(language: Language, check: &EmployerCheck<'_>) -> RenderedEmail {
    let days = check.valid_days.to_string();
    let args = [
        ("organisation", check.organisation),
        ("learner", check.learner_name),
        ("employer", check.employer),
        ("role", check.role.unwrap_or_default()),
        ("since", check.since),
        ("days", days.as_str()),
    ];
    let t = |key: &str| text(language, key, &args);
    let recorded = if check.role.is_some() {
        t("employer-check-recorded")
    } else {
        t("employer-check-recorded-no-role")
    };
    plain_email(
        language,
        &t("employer-check-subject"),
        &t("employer-check-greeting"),
        &[t("employer-check-intro"), recorded, t("employer-check-ask")],
        (&t("employer-check-action"), check.link),
        &[t("employer-check-expiry")],
    )
}

/// A short email: greeting, paragraphs, one action link (a button in HTML,
/// the address in text), closing paragraphs.
fn plain_email(
    language: Language,
    subject: &str,
    greeting: &str,
    before: &[String],
    (action, link): (&str, &PersonalLink),
    after: &[String],
) -> RenderedEmail {
    let mut text_body = format!("{greeting}\n\n");
    for paragraph in before {
        text_body.push_str(&format!("{paragraph}\n\n"));
    }
    text_body.push_str(&format!("{action}:\n{link}\n\n", link = link.as_str()));
    for paragraph in after {
        text_body.push_str(&format!("{paragraph}\n\n"));
    }
    let paragraphs = |list: &[String]| {
        list.iter()
            .map(|paragraph| format!("<p>{}</p>\n", escape_html(paragraph)))
            .collect::<String>()
    };
    let html = format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><title>{subject}</title></head>\n",
            "<body style=\"font-family: Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c;\">\n",
            "<p>{greeting}</p>\n{before}",
            "<p><a href=\"{link}\" style=\"display: inline-block; padding: 8px 16px; background: #00703c; color: #ffffff; text-decoration: none;\">{action}</a></p>\n",
            "<p>{link_intro}<br><a href=\"{link}\">{link}</a></p>\n",
            "{after}</body>\n</html>\n"
        ),
        lang = language.code(),
        subject = escape_html(subject),
        greeting = escape_html(greeting),
        before = paragraphs(before),
        link = escape_html(link.as_str()),
        action = escape_html(action),
        link_intro = escape_html(&text(language, "email-link-intro", &[])),
        after = paragraphs(after),
    );
    RenderedEmail {
        subject: subject.to_owned(),
        text: text_body,
        html,
    }
}

/// Text made safe for HTML element content and quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
            .filter_map(|line| line.split_once(" = ").map(|(key, _)| key.trim().to_owned()))
            .collect()
    }

    #[test]
    fn every_language_has_the_reference_keys_in_order_and_parses() {
        let reference = keys(SOURCES[0].1);
        assert!(reference.len() > 10, "{reference:?}");
        for (language, source) in SOURCES {
            assert_eq!(keys(source), reference, "{}", language.code());
            FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|_| panic!("{} does not parse", language.code()));
        }
    }

    #[test]
    fn welsh_text_is_not_left_in_english() {
        for key in keys(SOURCES[0].1) {
            if key == "letter-date" || key == "month-year" {
                continue;
            }
            assert_ne!(
                text(Language::Welsh, &key, &[]),
                text(Language::EnglishGb, &key, &[]),
                "{key}"
            );
        }
    }

    #[test]
    fn the_employer_email_names_the_job_in_both_languages_and_escapes_it() {
        let link = PersonalLink::parse("https://onward.example/e/abc123").expect("link");
        let since = NaiveDate::from_ymd_opt(2026, 5, 4).expect("date");
        let check = |language, role| {
            let since = month_year(language, since);
            employer_check_email(
                language,
                &EmployerCheck {
                    organisation: "Coleg & Co",
                    learner_name: "Sam <Patel>",
                    employer: "Aire Logistics",
                    role,
                    since: &since,
                    link: &link,
                    valid_days: 30,
                },
            )
        };
        let english = check(Language::EnglishGb, Some("apprentice electrician"));
        assert!(english.text.contains(
            "We have recorded that Sam <Patel> works for Aire Logistics as apprentice electrician since May 2026."
        ));
        assert!(english.text.contains("https://onward.example/e/abc123"));
        assert!(english.html.contains("Sam &lt;Patel&gt;") && !english.html.contains("<Patel>"));
        assert!(english.html.contains("Coleg &amp; Co"));
        let welsh = check(Language::Welsh, None);
        assert!(welsh.text.contains("ers Mai 2026"), "{}", welsh.text);
        assert!(!welsh.text.contains(" fel "), "no role, no \"as\"");
    }

    #[test]
    fn the_email_carries_the_link_in_both_parts_and_escapes_names() {
        let link = PersonalLink::parse("https://onward.example/s/abc123").expect("link");
        let unsubscribe = PersonalLink::parse("https://onward.example/s/abc123/stop").expect("link");
        let email = invitation_email(
            Language::Welsh,
            &Invitation {
                given_name: "Siân <b>",
                organisation: "Coleg & Co",
                link: &link,
            },
            &unsubscribe,
        );
        assert!(
            email.subject.starts_with("Coleg & Co: dywedwch"),
            "{}",
            email.subject
        );
        assert!(email.text.contains("Helo Siân <b>,"), "{}", email.text);
        assert!(email.text.contains(link.as_str()) && email.html.contains(link.as_str()));
        assert!(email.html.contains("Siân &lt;b&gt;") && email.html.contains("Coleg &amp; Co"));
        assert!(email.html.contains("lang=\"cy\""));
    }

    #[test]
    fn later_steps_are_reminders_and_the_last_says_so_in_every_language() {
        assert_eq!(Nudge::for_step(0, 5), Nudge::Invitation);
        assert_eq!(Nudge::for_step(1, 5), Nudge::Reminder);
        assert_eq!(Nudge::for_step(3, 5), Nudge::Reminder);
        assert_eq!(Nudge::for_step(4, 5), Nudge::LastReminder);
        assert_eq!(Nudge::for_step(0, 1), Nudge::Invitation);
        assert_eq!(Nudge::for_step(1, 2), Nudge::LastReminder);
        let link = PersonalLink::parse("https://onward.example/s/abc123").expect("link");
        let unsubscribe = PersonalLink::parse("https://onward.example/o/def456").expect("link");
        let invitation = Invitation {
            given_name: "Sam",
            organisation: "Coleg",
            link: &link,
        };
        for (language, _) in SOURCES {
            let nudges = [Nudge::Invitation, Nudge::Reminder, Nudge::LastReminder];
            let emails: Vec<RenderedEmail> = nudges
                .iter()
                .map(|nudge| campaign_email(*language, *nudge, &invitation, &unsubscribe))
                .collect();
            let texts: Vec<String> = nudges
                .iter()
                .map(|nudge| campaign_sms(*language, *nudge, &invitation))
                .collect();
            for (a, b) in [(0, 1), (0, 2), (1, 2)] {
                assert_ne!(emails[a].subject, emails[b].subject, "{}", language.code());
                assert_ne!(emails[a].text, emails[b].text, "{}", language.code());
                assert_ne!(texts[a], texts[b], "{}", language.code());
            }
            for (email, sms) in emails.iter().zip(&texts) {
                assert!(email.text.contains(link.as_str()) && email.html.contains(link.as_str()));
                assert!(sms.contains(link.as_str()));
            }
        }
        let english = |nudge| campaign_email(Language::EnglishGb, nudge, &invitation, &unsubscribe);
        assert!(english(Nudge::Reminder).text.contains("\n\nA reminder: Coleg"));
        assert!(english(Nudge::LastReminder).subject.contains("last chance"));
        assert!(english(Nudge::LastReminder).text.contains("\n\nLast chance: "));
        assert_eq!(
            english(Nudge::Invitation),
            invitation_email(Language::EnglishGb, &invitation, &unsubscribe)
        );
        let welsh = campaign_sms(Language::Welsh, Nudge::Reminder, &invitation);
        assert!(welsh.starts_with("Coleg: nodyn atgoffa"), "{welsh}");
    }

    #[test]
    fn own_wording_replaces_the_subject_and_opening_escaped_and_reminders_say_so() {
        let link = PersonalLink::parse("https://onward.example/s/abc123").expect("link");
        let unsubscribe = PersonalLink::parse("https://onward.example/o/def456").expect("link");
        let invitation = Invitation {
            given_name: "Sam",
            organisation: "Riverside College",
            link: &link,
        };
        let own = OwnWording {
            subject: "Where are you now, <class>?",
            paragraphs: vec!["First & foremost.", "Second\nline <b>."],
        };
        let first = campaign_email_worded(
            Language::EnglishGb,
            Nudge::Invitation,
            &invitation,
            &unsubscribe,
            Some(&own),
        );
        assert_eq!(first.subject, "Where are you now, <class>?");
        assert!(
            first
                .text
                .contains("Hello Sam,\n\nFirst & foremost.\n\nSecond\nline <b>.\n\n"),
            "{}",
            first.text
        );
        assert!(!first.text.contains("would like to know"), "{}", first.text);
        assert!(first.text.contains(link.as_str()) && first.text.contains(unsubscribe.as_str()));
        assert!(
            first
                .html
                .contains("<p>First &amp; foremost.</p>\n<p>Second<br>line &lt;b&gt;.</p>"),
            "{}",
            first.html
        );
        assert!(
            first
                .html
                .contains("<title>Where are you now, &lt;class&gt;?</title>"),
            "{}",
            first.html
        );
        let reminder = campaign_email_worded(
            Language::Welsh,
            Nudge::Reminder,
            &invitation,
            &unsubscribe,
            Some(&own),
        );
        assert_eq!(reminder.subject, "Nodyn atgoffa: Where are you now, <class>?");
        let last = campaign_email_worded(
            Language::EnglishGb,
            Nudge::LastReminder,
            &invitation,
            &unsubscribe,
            Some(&own),
        );
        assert_eq!(last.subject, "Last chance: Where are you now, <class>?");
        // Without own wording, the same as the standard email.
        assert_eq!(
            campaign_email_worded(
                Language::EnglishGb,
                Nudge::Reminder,
                &invitation,
                &unsubscribe,
                None
            ),
            campaign_email(Language::EnglishGb, Nudge::Reminder, &invitation, &unsubscribe)
        );
    }

    #[test]
    fn links_must_be_absolute_web_addresses_without_breaking_characters() {
        assert!(PersonalLink::parse("https://a.example/s/x").is_ok());
        for bad in [
            "a.example/s/x",
            "javascript:alert(1)",
            "https://a.example/s/\"x",
            "mailto:x@y",
        ] {
            assert!(PersonalLink::parse(bad).is_err(), "{bad}");
        }
        assert!(PersonalLink::parse(&format!("https://a.example/{}", "x".repeat(MAX_LINK_CHARS))).is_err());
    }

    #[test]
    fn dates_name_the_month_in_the_language() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
        assert_eq!(long_date(Language::EnglishGb, date), "2 December 2026");
        assert_eq!(long_date(Language::Welsh, date), "2 Rhagfyr 2026");
    }
}
