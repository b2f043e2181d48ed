//! Email over SMTP (lettre, rustls): the configuration `smtp.url` and
//! `smtp.from`, the message (text and HTML parts, the organisation's name as
//! sender, its reply-to, `List-Unsubscribe` with one-click unsubscribe as RFC
//! 8058 asks) and the [`EmailChannel`] that sends it.

use std::future::Future;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart, header::Header};
use lettre::transport::smtp::PoolConfig;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::templates::{PersonalLink, RenderedEmail};
use crate::{ConfigError, SendError};

/// How long one SMTP exchange may take before it counts as a temporary failure.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// SMTP connections kept open at most (sends beyond this wait for one).
pub const DEFAULT_MAX_CONNECTIONS: u32 = 10;

/// Where and as whom email is sent: `smtp.url` and `smtp.from`, checked.
/// Its `Debug` and [`SmtpConfig::redacted_url`] never show the password.
#[derive(Clone)]
pub struct SmtpConfig {
    url: String,
    from: Address,
    max_connections: u32,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("url", &self.redacted_url())
            .field("from", &self.from)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

impl SmtpConfig {
    /// Checks `smtp.url` (`smtp://HOST:PORT`, `smtp://HOST:PORT?tls=required`
    /// for STARTTLS, `smtps://USER:PASSWORD@HOST[:PORT]` for TLS from the
    /// start) and `smtp.from` (`noreply@college.example` or `Name
    /// <noreply@college.example>`). The errors name the setting and what is
    /// expected, never the password.
    pub fn parse(url: &str, from: &str) -> Result<Self, ConfigError> {
        const EXPECTED: &str =
            "expected smtp://HOST:PORT, smtp://HOST:PORT?tls=required or smtps://USER:PASSWORD@HOST[:PORT]";
        let url = url.trim();
        let parsed = url::Url::parse(url)
            .map_err(|err| ConfigError::new("smtp.url", format!("not a URL ({err}); {EXPECTED}")))?;
        if !matches!(parsed.scheme(), "smtp" | "smtps") {
            return Err(ConfigError::new(
                "smtp.url",
                format!("the scheme is {:?}; {EXPECTED}", parsed.scheme()),
            ));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(ConfigError::new("smtp.url", format!("no host; {EXPECTED}")));
        }
        for (key, value) in parsed.query_pairs() {
            match (key.as_ref(), value.as_ref(), parsed.scheme()) {
                ("tls", "required" | "opportunistic", "smtp") => {}
                ("tls", _, "smtps") => {
                    return Err(ConfigError::new(
                        "smtp.url",
                        "smtps:// always uses TLS: remove ?tls=",
                    ));
                }
                ("tls", other, _) => {
                    return Err(ConfigError::new(
                        "smtp.url",
                        format!("tls={other:?} is not known; use tls=required or tls=opportunistic"),
                    ));
                }
                (other, _, _) => {
                    return Err(ConfigError::new(
                        "smtp.url",
                        format!("the parameter {other:?} is not known; only tls= is"),
                    ));
                }
            }
        }
        if !parsed.username().is_empty() && parsed.password().is_none() {
            return Err(ConfigError::new(
                "smtp.url",
                "a user name without a password; write USER:PASSWORD@HOST",
            ));
        }
        // lettre reads the URL itself too: anything it cannot use is refused now, not at the first send.
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|err| {
            ConfigError::new(
                "smtp.url",
                format!(
                    "cannot be used ({}); {EXPECTED}",
                    redact_error(&err.to_string(), &parsed)
                ),
            )
        })?;

        let from = from.trim();
        // A display name given here is ignored: each organisation's name is the sender's.
        let address = match from.parse::<Mailbox>() {
            Ok(mailbox) => mailbox.email,
            Err(_) => {
                return Err(ConfigError::new(
                    "smtp.from",
                    format!(
                        "{from:?} is not an email address; expected noreply@college.example or Onward <noreply@college.example>"
                    ),
                ));
            }
        };
        Ok(Self {
            url: url.to_owned(),
            from: address,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        })
    }

    /// At most this many SMTP connections at once.
    pub fn with_max_connections(mut self, max_connections: u32) -> Self {
        self.max_connections = max_connections.max(1);
        self
    }

    /// The URL with the password replaced by `***`, for logs and messages.
    pub fn redacted_url(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
            Err(_) => "(unreadable)".to_owned(),
        }
    }

    /// The envelope sender and `From` address.
    pub fn from_address(&self) -> &Address {
        &self.from
    }
}

/// An error text from lettre with the URL's password, should it appear, blanked.
fn redact_error(text: &str, url: &url::Url) -> String {
    match url.password() {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text.to_owned(),
    }
}

/// Who an email comes from: the organisation's name before the configured
/// address, and where replies go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    pub organisation_name: String,
    /// The organisation's own address for replies (the sending address is
    /// usually a no-reply one).
    pub reply_to: Option<String>,
}

/// One email to one person: a learner, or a member of staff (an invitation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to_address: String,
    pub to_name: Option<String>,
    pub sender: Sender,
    pub content: RenderedEmail,
    /// Opens the opt-out page; also the one-click unsubscribe target (RFC 8058).
    /// Every email to a learner has one; a staff account's own email (an
    /// invitation to Onward) has none.
    pub unsubscribe: Option<PersonalLink>,
    /// The send's idempotency key, made into the `Message-ID`, so the same
    /// send tried twice is recognisably one message.
    pub key: Option<String>,
}

/// What the server said when it took the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentEmail {
    pub message_id: String,
    pub server_reply: String,
}

/// A channel that sends email: SMTP in production ([`SmtpMailer`]).
pub trait EmailChannel: Send + Sync {
    fn send(&self, email: &Email) -> impl Future<Output = Result<SentEmail, SendError>> + Send;
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail
/// clients may unsubscribe with one POST to the `List-Unsubscribe` address.
#[derive(Clone, Debug)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// The `Message-ID` for a send key: the key's safe characters at the sending domain.
pub fn message_id(key: &str, from: &Address) -> String {
    let local: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '.'
            }
        })
        .take(200)
        .collect();
    format!("<{local}@{}>", from.domain())
}

impl Email {
    /// The MIME message, from `from` with the organisation's name. An address
    /// that cannot be used is a permanent failure: no retry will mend it.
    pub fn to_message(&self, from: &Address) -> Result<Message, SendError> {
        let to_address: Address =
            self.to_address.trim().parse().map_err(|err| {
                SendError::Permanent(format!("the learner's address cannot be used ({err})"))
            })?;
        let to = Mailbox::new(
            self.to_name.clone().filter(|name| !name.trim().is_empty()),
            to_address,
        );
        let from = Mailbox::new(Some(self.sender.organisation_name.clone()), from.clone());
        let mut builder = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.content.subject.clone())
            .message_id(self.key.as_deref().map(|key| message_id(key, &from.email)));
        if let Some(unsubscribe) = &self.unsubscribe {
            builder = builder
                .header(ListUnsubscribe(unsubscribe.as_str().to_owned()))
                .header(ListUnsubscribePost);
        }
        if let Some(reply_to) = self
            .sender
            .reply_to
            .as_deref()
            .filter(|text| !text.trim().is_empty())
        {
            let reply_to: Address = reply_to.trim().parse().map_err(|err| {
                SendError::Permanent(format!(
                    "the organisation's reply-to address cannot be used ({err})"
                ))
            })?;
            builder = builder.reply_to(Mailbox::new(
                Some(self.sender.organisation_name.clone()),
                reply_to,
            ));
        }
        builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(self.content.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(self.content.html.clone()),
                    ),
            )
            .map_err(|err| SendError::Permanent(format!("the message cannot be built ({err})")))
    }
}

/// Email over SMTP with a pool of connections; clones share the pool.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Address,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn new(config: &SmtpConfig) -> Result<Self, ConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.url)
            .map_err(|_| ConfigError::new("smtp.url", "cannot be used"))?
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(config.max_connections))
            .build();
        Ok(Self {
            transport,
            from: config.from.clone(),
        })
    }

    /// The address messages are sent from.
    pub fn from_address(&self) -> &Address {
        &self.from
    }
}

/// A lettre SMTP error as a [`SendError`]: a 5xx answer is permanent; a 4xx
/// answer, a refused or dropped connection, a timeout or a TLS failure are
/// temporary (the server or the network may be back later).
pub fn classify(err: &lettre::transport::smtp::Error) -> SendError {
    if err.is_permanent() {
        SendError::Permanent(format!("the SMTP server refused the message: {err}"))
    } else {
        SendError::Temporary(format!("the SMTP server could not take the message now: {err}"))
    }
}

impl EmailChannel for SmtpMailer {
    async fn send(&self, email: &Email) -> Result<SentEmail, SendError> {
        let message = email.to_message(&self.from)?;
        let message_id = message
            .headers()
            .get_raw("Message-ID")
            .unwrap_or_default()
            .to_owned();
        let response = self.transport.send(message).await.map_err(|err| classify(&err))?;
        Ok(SentEmail {
            message_id,
            server_reply: response.message().collect::<Vec<_>>().join(" "),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_urls_are_accepted() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtps://user:pass@mail.example",
            "smtp://mail.example:587?tls=required",
            "smtps://apikey:s%40cret@smtp.example:465",
        ] {
            SmtpConfig::parse(url, "Onward <noreply@college.example>")
                .unwrap_or_else(|err| panic!("{url}: {err}"));
        }
    }

    #[test]
    fn malformed_settings_are_refused_naming_the_setting_without_the_password() {
        let cases = [
            ("127.0.0.1:2525", "smtp.url"),
            ("http://mail.example", "smtp.url"),
            ("smtp://", "smtp.url"),
            ("smtp://mail.example?tls=always", "smtp.url"),
            ("smtps://user:topsecret@mail.example?tls=required", "smtp.url"),
            ("smtp://mail.example?port=25", "smtp.url"),
        ];
        for (url, setting) in cases {
            let err = SmtpConfig::parse(url, "noreply@college.example").expect_err(url);
            assert_eq!(err.setting, setting, "{url}: {err}");
            assert!(!err.to_string().contains("topsecret"), "{err}");
        }
        let err = SmtpConfig::parse("smtp://127.0.0.1:2525", "not an address").expect_err("from");
        assert_eq!(err.setting, "smtp.from");
    }

    #[test]
    fn the_password_is_never_shown() {
        let config = SmtpConfig::parse("smtps://user:topsecret@mail.example", "noreply@college.example")
            .expect("valid");
        assert_eq!(config.redacted_url(), "smtps://user:***@mail.example");
        assert!(!format!("{config:?}").contains("topsecret"));
    }

    #[test]
    fn message_ids_keep_only_safe_characters() {
        let from: Address = "noreply@college.example".parse().expect("address");
        assert_eq!(
            message_id("invite:42/7 x", &from),
            "<invite.42.7.x@college.example>"
        );
    }
}
