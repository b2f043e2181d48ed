use mail_parser::{MessageParser, MimeHeaders};
use onward_notify::email::{Email, EmailChannel, Sender, SmtpConfig, SmtpMailer};
use onward_notify::templates::{Invitation, PersonalLink, invitation_email};
use onward_notify::{Language, SendError};
use onward_test_support::smtp::{SinkMode, SmtpSink};

const LINK: &str = "https://onward.example/s/7QmW2xRk9vT4pLs8";
const UNSUBSCRIBE: &str = "https://onward.example/s/7QmW2xRk9vT4pLs8/unsubscribe";

fn invitation(language: Language, to: &str, key: &str) -> Email {
    let link = PersonalLink::parse(LINK).expect("link");
    let unsubscribe = PersonalLink::parse(UNSUBSCRIBE).expect("link");
    let content = invitation_email(
        language,
        &Invitation {
            given_name: "Siân",
            organisation: "Coleg Glan Môr",
            link: &link,
        },
        &unsubscribe,
    );
    Email {
        to_address: to.to_owned(),
        to_name: Some("Siân Hughes".to_owned()),
        sender: Sender {
            organisation_name: "Coleg Glan Môr".to_owned(),
            reply_to: Some("destinations@glanmor.example".to_owned()),
        },
        content,
        unsubscribe: Some(unsubscribe),
        key: Some(key.to_owned()),
    }
}

fn mailer(sink: &SmtpSink) -> SmtpMailer {
    let config = SmtpConfig::parse(&sink.url(), "noreply@onward.example").expect("sink URL");
    SmtpMailer::new(&config).expect("mailer")
}

#[tokio::test]
async fn an_invitation_arrives_with_both_parts_the_link_and_one_click_unsubscribe() {
    let sink = SmtpSink::start().await;
    let mailer = mailer(&sink);
    let sent = mailer
        .send(&invitation(Language::Welsh, "sian@learner.example", "invite-1-2"))
        .await
        .expect("sent");
    assert_eq!(sent.message_id, "<invite-1-2@onward.example>");

    let messages = sink.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].recipients, ["<sian@learner.example>"]);
    assert_eq!(messages[0].mail_from, "<noreply@onward.example>");
    let raw = &messages[0].data;
    let message = MessageParser::default()
        .parse(raw.as_slice())
        .expect("a MIME message");

    let from = message.from().and_then(|from| from.first()).expect("From");
    assert_eq!(from.name(), Some("Coleg Glan Môr"));
    assert_eq!(from.address(), Some("noreply@onward.example"));
    let reply_to = message.reply_to().and_then(|to| to.first()).expect("Reply-To");
    assert_eq!(reply_to.address(), Some("destinations@glanmor.example"));
    assert_eq!(message.message_id(), Some("invite-1-2@onward.example"));
    assert_eq!(
        message.subject(),
        Some("Coleg Glan Môr: dywedwch wrthym beth rydych chi'n ei wneud nawr")
    );
    assert_eq!(
        message.header_raw("List-Unsubscribe").map(str::trim),
        Some(format!("<{UNSUBSCRIBE}>").as_str())
    );
    assert_eq!(
        message.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );

    // Both parts, each with the personal link, in Welsh.
    let content_types: Vec<String> = message
        .parts
        .iter()
        .filter_map(|part| part.content_type())
        .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
        .collect();
    assert_eq!(
        content_types,
        ["multipart/alternative", "text/plain", "text/html"]
    );
    let text = message.body_text(0).expect("text part");
    let html = message.body_html(0).expect("html part");
    assert!(text.contains(LINK) && text.contains("Helo Siân,"), "{text}");
    assert!(html.contains(&format!("href=\"{LINK}\"")), "{html}");
    assert!(
        html.contains("lang=\"cy\"") && html.contains(UNSUBSCRIBE),
        "{html}"
    );
    assert!(
        !html.contains(" would like "),
        "English in the Welsh email: {html}"
    );
}

#[tokio::test]
async fn an_english_learner_gets_the_english_template() {
    let sink = SmtpSink::start().await;
    mailer(&sink)
        .send(&invitation(
            Language::EnglishGb,
            "sam@learner.example",
            "invite-2",
        ))
        .await
        .expect("sent");
    let raw = sink.messages().remove(0).data;
    let message = MessageParser::default().parse(raw.as_slice()).expect("parsed");
    let text = message.body_text(0).expect("text");
    assert!(text.contains("Coleg Glan Môr would like to know"), "{text}");
    assert!(text.contains(LINK));
}

#[tokio::test]
async fn a_server_refusing_for_now_is_temporary_and_refusing_for_good_is_permanent() {
    let sink = SmtpSink::start().await;
    let mailer = mailer(&sink);
    sink.set_mode(SinkMode::RefuseTemporarily);
    let err = mailer
        .send(&invitation(Language::EnglishGb, "sam@learner.example", "k1"))
        .await
        .expect_err("451");
    assert!(err.is_temporary(), "{err}");
    sink.set_mode(SinkMode::RefusePermanently);
    let err = mailer
        .send(&invitation(Language::EnglishGb, "sam@learner.example", "k2"))
        .await
        .expect_err("550");
    assert!(matches!(err, SendError::Permanent(_)), "{err}");
    assert_eq!(sink.count(), 0);
    // The same mailer sends again once the server takes mail.
    sink.set_mode(SinkMode::Accept);
    mailer
        .send(&invitation(Language::EnglishGb, "sam@learner.example", "k3"))
        .await
        .expect("sent after the refusals");
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn a_server_that_is_down_is_a_temporary_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let config =
        SmtpConfig::parse(&format!("smtp://127.0.0.1:{port}"), "noreply@onward.example").expect("valid");
    let err = SmtpMailer::new(&config)
        .expect("mailer")
        .send(&invitation(Language::EnglishGb, "sam@learner.example", "k"))
        .await
        .expect_err("nothing listens");
    assert!(err.is_temporary(), "{err}");
}

#[tokio::test]
async fn an_unusable_address_is_permanent_and_nothing_is_sent() {
    let sink = SmtpSink::start().await;
    let err = mailer(&sink)
        .send(&invitation(Language::EnglishGb, "not an address", "k"))
        .await
        .expect_err("bad address");
    assert!(err.is_permanent(), "{err}");
    assert_eq!(sink.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_sends_through_the_pool_arrive_once_each() {
    let sink = SmtpSink::start().await;
    let mailer = mailer(&sink);
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..200 {
        let mailer = mailer.clone();
        sends.spawn(async move {
            mailer
                .send(&invitation(
                    Language::EnglishGb,
                    &format!("learner{i}@learner.example"),
                    &format!("k-{i}"),
                ))
                .await
        });
    }
    while let Some(result) = sends.join_next().await {
        result.expect("task").expect("sent");
    }
    let mut recipients: Vec<String> = sink.messages().into_iter().flat_map(|m| m.recipients).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 200);
    assert_eq!(sink.count(), 200);
}
