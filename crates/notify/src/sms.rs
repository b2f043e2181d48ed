//! SMS through an HTTP gateway shaped like GOV.UK Notify's API
//! (`POST {base}/v2/notifications/sms`, a bearer key, a template whose
//! content is `((body))`, delivery receipts posted back to a callback), the
//! segment count shown before sending, and the signature check of receipts.

use std::future::Future;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{ConfigError, SendError};

/// How long the gateway may take to answer one send.
pub const GATEWAY_TIMEOUT: Duration = Duration::from_secs(20);
/// The header a delivery receipt's signature comes in: `sha256=<hex>`, the
/// HMAC-SHA256 of the request body with the webhook secret.
pub const SIGNATURE_HEADER: &str = "x-onward-signature";
/// The largest delivery receipt read (they are a few hundred bytes).
pub const MAX_RECEIPT_BYTES: usize = 16 * 1024;
/// The longest message accepted: ten segments of GSM-7.
pub const MAX_SMS_SEPTETS: usize = 1530;

/// The gateway's address, key and template: `sms.url`, `sms.key`, `sms.template_id`.
#[derive(Clone)]
pub struct SmsConfig {
    base_url: url::Url,
    api_key: String,
    template_id: String,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("base_url", &self.base_url.as_str())
            .field("api_key", &"***")
            .field("template_id", &self.template_id)
            .finish()
    }
}

impl SmsConfig {
    pub fn parse(base_url: &str, api_key: &str, template_id: &str) -> Result<Self, ConfigError> {
        let base_url = url::Url::parse(base_url.trim()).map_err(|err| {
            ConfigError::new("sms.url", format!("not a URL ({err}); expected https://HOST"))
        })?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
            return Err(ConfigError::new(
                "sms.url",
                "expected https://HOST (http:// only for a gateway on this machine)",
            ));
        }
        if api_key.trim().is_empty() {
            return Err(ConfigError::new("sms.key", "the gateway's API key is empty"));
        }
        if template_id.trim().is_empty() {
            return Err(ConfigError::new(
                "sms.template_id",
                "the gateway's template id is empty",
            ));
        }
        Ok(Self {
            base_url,
            api_key: api_key.trim().to_owned(),
            template_id: template_id.trim().to_owned(),
        })
    }
}

/// One text message to one number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sms {
    pub phone_number: String,
    pub body: String,
    /// The send's idempotency key, echoed back in delivery receipts.
    pub reference: Option<String>,
}

/// The gateway's id for a message it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentSms {
    pub gateway_id: String,
}

/// A channel that sends SMS: [`HttpSmsGateway`] in production.
pub trait SmsChannel: Send + Sync {
    fn send(&self, sms: &Sms) -> impl Future<Output = Result<SentSms, SendError>> + Send;
}

/// The HTTP gateway adapter.
#[derive(Clone, Debug)]
pub struct HttpSmsGateway {
    client: reqwest::Client,
    config: SmsConfig,
}

#[derive(Serialize)]
struct SendRequest<'a> {
    phone_number: &'a str,
    template_id: &'a str,
    personalisation: Personalisation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
}

#[derive(Serialize)]
struct Personalisation<'a> {
    body: &'a str,
}

#[derive(Deserialize)]
struct SendResponse {
    id: String,
}

impl HttpSmsGateway {
    pub fn new(config: SmsConfig) -> Result<Self, ConfigError> {
        let client = reqwest::Client::builder()
            .timeout(GATEWAY_TIMEOUT)
            .build()
            .map_err(|err| ConfigError::new("sms.url", format!("no HTTP client ({err})")))?;
        Ok(Self { client, config })
    }
}

impl SmsChannel for HttpSmsGateway {
    async fn send(&self, sms: &Sms) -> Result<SentSms, SendError> {
        let count = segments(&sms.body);
        if count.encoding == SmsEncoding::Gsm7 && count.units > MAX_SMS_SEPTETS || count.segments > 10 {
            return Err(SendError::Permanent(format!(
                "the message is {} segments long; 10 at most",
                count.segments
            )));
        }
        let url = self
            .config
            .base_url
            .join("v2/notifications/sms")
            .map_err(|err| SendError::Permanent(format!("the gateway URL cannot be used ({err})")))?;
        let response = self
            .client
            .post(url)
            .bearer_auth(&self.config.api_key)
            .json(&SendRequest {
                phone_number: &sms.phone_number,
                template_id: &self.config.template_id,
                personalisation: Personalisation { body: &sms.body },
                reference: sms.reference.as_deref(),
            })
            .send()
            .await
            .map_err(|err| {
                SendError::Temporary(format!(
                    "the SMS gateway could not be reached: {}",
                    err.without_url()
                ))
            })?;
        let status = response.status();
        if status.is_success() {
            let body: SendResponse = response.json().await.map_err(|err| {
                SendError::Temporary(format!(
                    "the SMS gateway's answer could not be read: {}",
                    err.without_url()
                ))
            })?;
            return Ok(SentSms { gateway_id: body.id });
        }
        let detail: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect();
        if status.as_u16() == 429 || status.is_server_error() {
            Err(SendError::Temporary(format!(
                "the SMS gateway answered {status}: {detail}"
            )))
        } else {
            Err(SendError::Permanent(format!(
                "the SMS gateway refused the message ({status}): {detail}"
            )))
        }
    }
}

/// How a message is encoded on the air.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsEncoding {
    /// The GSM 03.38 alphabet, 7 bits a character: 160 in one message, 153
    /// a segment when split.
    Gsm7,
    /// Any character outside it (ŵ, ŷ, emoji…) makes the whole message
    /// UCS-2: 70 in one message, 67 a segment when split.
    Ucs2,
}

/// The length of a message as the network counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentCount {
    pub encoding: SmsEncoding,
    /// Septets (GSM-7, an extension character counting two) or UTF-16 code units.
    pub units: usize,
    pub segments: usize,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "\u{000C}^{}\\[~]|€";

/// The segments `text` takes: GSM-7 when every character is in the GSM
/// alphabet, else UCS-2. A character is never split across segments (an
/// extension character's two septets, a surrogate pair's two units).
pub fn segments(text: &str) -> SegmentCount {
    let gsm: Option<Vec<usize>> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .collect();
    let (encoding, widths, single, split) = match gsm {
        Some(widths) => (SmsEncoding::Gsm7, widths, 160, 153),
        None => (
            SmsEncoding::Ucs2,
            text.chars().map(char::len_utf16).collect(),
            70,
            67,
        ),
    };
    let units: usize = widths.iter().sum();
    let segments = if units == 0 {
        0
    } else if units <= single {
        1
    } else {
        let mut segments = 1;
        let mut used = 0;
        for width in widths {
            if used + width > split {
                segments += 1;
                used = 0;
            }
            used += width;
        }
        segments
    };
    SegmentCount {
        encoding,
        units,
        segments,
    }
}

/// The shared secret delivery receipts are signed with (`sms.webhook_secret`).
/// Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

/// The shortest webhook secret accepted.
pub const MIN_SECRET_CHARS: usize = 16;

impl WebhookSecret {
    pub fn new(secret: &str) -> Result<Self, ConfigError> {
        let secret = secret.trim();
        if secret.chars().count() < MIN_SECRET_CHARS {
            return Err(ConfigError::new(
                "sms.webhook_secret",
                format!("at least {MIN_SECRET_CHARS} characters (a random string shared with the gateway)"),
            ));
        }
        Ok(Self(secret.to_owned()))
    }

    /// Whether `header` signs `body` with this secret.
    pub fn verifies(&self, body: &[u8], header: Option<&str>) -> bool {
        verify_signature(self.0.as_bytes(), body, header)
    }
}

/// The signature header's value for `body`: `sha256=<hex>` (what a gateway
/// in front of Onward is configured to send, and what tests send).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// Whether `header` is the signature of `body` under `secret`, compared in
/// constant time. An empty secret verifies nothing.
pub fn verify_signature(secret: &[u8], body: &[u8], header: Option<&str>) -> bool {
    let Some(hex) = header.and_then(|value| value.trim().strip_prefix("sha256=")) else {
        return false;
    };
    if secret.is_empty() || hex.len() != 64 {
        return false;
    }
    let Some(bytes) = (0..32)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&bytes).is_ok()
}

/// What became of a message, as a delivery receipt says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryStatus {
    Sending,
    Delivered,
    PermanentFailure,
    TemporaryFailure,
    TechnicalFailure,
}

impl DeliveryStatus {
    /// The stable code stored for it.
    pub fn code(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Delivered => "delivered",
            Self::PermanentFailure => "permanent-failure",
            Self::TemporaryFailure => "temporary-failure",
            Self::TechnicalFailure => "technical-failure",
        }
    }
}

/// A delivery receipt as the gateway posts it (GOV.UK Notify's callback shape).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct DeliveryReceipt {
    /// The gateway's id of the message.
    pub id: String,
    /// The reference Onward sent with it.
    #[serde(default)]
    pub reference: Option<String>,
    pub status: DeliveryStatus,
}

impl DeliveryReceipt {
    /// A receipt body, already checked for its signature, read and bounded.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        if body.len() > MAX_RECEIPT_BYTES {
            return Err(format!(
                "a delivery receipt has at most {MAX_RECEIPT_BYTES} bytes"
            ));
        }
        let receipt: Self =
            serde_json::from_slice(body).map_err(|err| format!("not a delivery receipt ({err})"))?;
        if receipt.id.is_empty()
            || receipt.id.len() > 100
            || receipt.reference.as_ref().is_some_and(|r| r.len() > 200)
        {
            return Err(
                "a delivery receipt's id has 1 to 100 characters and its reference at most 200".to_owned(),
            );
        }
        Ok(receipt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_messages_fit_160_then_split_at_153() {
        assert_eq!(segments("").segments, 0);
        let one = "a".repeat(160);
        assert_eq!(
            segments(&one),
            SegmentCount {
                encoding: SmsEncoding::Gsm7,
                units: 160,
                segments: 1
            }
        );
        assert_eq!(segments(&"a".repeat(161)).segments, 2);
        assert_eq!(segments(&"a".repeat(306)).segments, 2);
        assert_eq!(segments(&"a".repeat(307)).segments, 3);
        // An extension character counts two septets.
        assert_eq!(segments(&format!("{}€", "a".repeat(158))).units, 160);
        assert_eq!(segments(&format!("{}€", "a".repeat(159))).segments, 2);
        // ...and is never split: 152 + the escape pair would need 154.
        let split = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(segments(&split).segments, 2);
        assert_eq!(segments(&"é£".repeat(80)).encoding, SmsEncoding::Gsm7);
    }

    #[test]
    fn a_welsh_circumflex_makes_the_message_ucs2_70_then_67() {
        assert_eq!(segments("Ŵyl").encoding, SmsEncoding::Ucs2);
        assert_eq!(segments(&"ŵ".repeat(70)).segments, 1);
        assert_eq!(segments(&"ŵ".repeat(71)).segments, 2);
        assert_eq!(segments(&"ŵ".repeat(134)).segments, 2);
        assert_eq!(segments(&"ŵ".repeat(135)).segments, 3);
        // An emoji takes two UTF-16 units.
        assert_eq!(segments("👍").units, 2);
    }

    #[test]
    fn signatures_verify_only_with_the_secret_and_the_same_body() {
        let body = br#"{"id":"1","status":"delivered"}"#;
        let header = sign(b"secret", body);
        assert!(verify_signature(b"secret", body, Some(&header)));
        assert!(!verify_signature(b"other", body, Some(&header)));
        assert!(!verify_signature(b"secret", b"{}", Some(&header)));
        assert!(!verify_signature(b"secret", body, None));
        assert!(!verify_signature(b"secret", body, Some("sha256=zz")));
        assert!(!verify_signature(b"", body, Some(&sign(b"", body))));
    }

    #[test]
    fn receipts_parse_notify_style_statuses() {
        let receipt = DeliveryReceipt::parse(
            br#"{"id":"abc","reference":"k1","status":"permanent-failure","to":"07700900000"}"#,
        )
        .expect("receipt");
        assert_eq!(receipt.status, DeliveryStatus::PermanentFailure);
        assert_eq!(receipt.reference.as_deref(), Some("k1"));
        assert!(DeliveryReceipt::parse(br#"{"id":"abc","status":"lost"}"#).is_err());
    }
}
