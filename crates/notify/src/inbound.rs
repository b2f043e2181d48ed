//! What the services Onward sends through post back besides delivery
//! receipts: email bounces and complaints from the mail service, and SMS
//! replies from the gateway. Both arrive as JSON signed like the receipts
//! (`X-Onward-Signature: sha256=<HMAC-SHA256 of the body>`,
//! [`crate::sms::verify_signature`]); these parsers run only after the
//! signature is checked, and bound what they read.

use serde::Deserialize;

/// The largest bounce report or SMS reply body read.
pub const MAX_INBOUND_BYTES: usize = 16 * 1024;
/// The longest SMS reply text kept (ten concatenated segments).
pub const MAX_REPLY_CHARS: usize = 1600;

/// What the mail service says became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BounceKind {
    /// The address does not exist or refuses mail for good (a hard bounce).
    Permanent,
    /// A full mailbox, a server down: nothing is marked.
    Temporary,
    /// The recipient reported the message as spam: treated as an opt-out.
    Complaint,
}

/// A bounce or complaint report, e.g.
/// `{"id": "b-1", "recipient": "sam@example.org", "type": "permanent", "reason": "550 5.1.1 no such user"}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct BounceReport {
    /// The mail service's id of the report (a repeat of one id is kept once).
    pub id: String,
    pub recipient: String,
    #[serde(rename = "type")]
    pub kind: BounceKind,
    #[serde(default)]
    pub reason: Option<String>,
}

fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

impl BounceReport {
    /// A report body, already checked for its signature.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        if body.len() > MAX_INBOUND_BYTES {
            return Err(format!("a bounce report has at most {MAX_INBOUND_BYTES} bytes"));
        }
        let mut report: Self =
            serde_json::from_slice(body).map_err(|err| format!("not a bounce report ({err})"))?;
        report.recipient = report.recipient.trim().to_owned();
        if report.id.is_empty() || report.id.len() > 100 || has_control(&report.id) {
            return Err("a bounce report's id has 1 to 100 characters".to_owned());
        }
        if !plausible_address(&report.recipient) {
            return Err("a bounce report's recipient is not an email address".to_owned());
        }
        report.reason = report
            .reason
            .map(|reason| reason.chars().filter(|c| !c.is_control()).take(500).collect());
        Ok(report)
    }
}

/// An email address as far as matching one needs: `local@domain`, at most
/// 254 characters, no spaces or control characters.
pub fn plausible_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && address.len() <= 254
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','))
}

/// An SMS a learner sent, e.g.
/// `{"id": "in-1", "from": "+447700900123", "body": "2 college"}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SmsReply {
    /// The gateway's id of the message (a repeat of one id is kept once).
    pub id: String,
    pub from: String,
    pub body: String,
}

impl SmsReply {
    /// A reply body, already checked for its signature. Control characters
    /// in the text are dropped, and it is cut at [`MAX_REPLY_CHARS`].
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        if body.len() > MAX_INBOUND_BYTES {
            return Err(format!("an SMS reply has at most {MAX_INBOUND_BYTES} bytes"));
        }
        let mut reply: Self =
            serde_json::from_slice(body).map_err(|err| format!("not an SMS reply ({err})"))?;
        if reply.id.is_empty() || reply.id.len() > 100 || has_control(&reply.id) {
            return Err("an SMS reply's id has 1 to 100 characters".to_owned());
        }
        reply.from = reply.from.trim().to_owned();
        if reply.from.is_empty()
            || reply.from.len() > 40
            || !reply
                .from
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
        {
            return Err("an SMS reply's sender is not a phone number".to_owned());
        }
        reply.body = reply
            .body
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(MAX_REPLY_CHARS)
            .collect::<String>()
            .trim()
            .to_owned();
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounce_reports_are_bounded_and_checked() {
        let report = BounceReport::parse(
            br#"{"id":"b-1","recipient":" Sam@Example.org ","type":"permanent","reason":"550 no\u0000 user"}"#,
        )
        .expect("a report");
        assert_eq!(report.recipient, "Sam@Example.org");
        assert_eq!(report.kind, BounceKind::Permanent);
        assert_eq!(report.reason.as_deref(), Some("550 no user"));
        assert!(BounceReport::parse(br#"{"id":"b","recipient":"nobody","type":"permanent"}"#).is_err());
        assert!(BounceReport::parse(br#"{"id":"b","recipient":"a@b.c","type":"eaten"}"#).is_err());
        assert!(BounceReport::parse(&vec![b' '; MAX_INBOUND_BYTES + 1]).is_err());
    }

    #[test]
    fn sms_replies_keep_printable_text_from_a_phone_number() {
        let reply = SmsReply::parse(br#"{"id":"in-1","from":"+44 7700 900123","body":" 2\u0007 college "}"#)
            .expect("a reply");
        assert_eq!(reply.body, "2  college");
        assert!(SmsReply::parse(br#"{"id":"in-1","from":"=cmd|x","body":"1"}"#).is_err());
        let long = format!(
            r#"{{"id":"x","from":"07700900123","body":"{}"}}"#,
            "a".repeat(5000)
        );
        assert_eq!(
            SmsReply::parse(long.as_bytes()).expect("cut").body.len(),
            MAX_REPLY_CHARS
        );
    }
}
