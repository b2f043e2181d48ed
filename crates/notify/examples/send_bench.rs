//! Email throughput (bench/send.sh): N invitation emails through
//! `SmtpMailer` (templates in the learner's language, text + HTML,
//! List-Unsubscribe, a Message-ID from each send's key) to a local SMTP sink,
//! against the named baseline measured in the same run to the same sink:
//! **a bare lettre loop** (lettre's pooled async SMTP transport sending a
//! prebuilt one-line message, with the same concurrency and pool size).
//! Each run checks that every message arrived exactly once (by Message-ID).
//!
//! Each of CONCURRENCY workers sends one message at a time over its own SMTP
//! connection (the pool holds CONCURRENCY connections).
//!
//!   send_bench [MESSAGES] [CONCURRENCY]     (default 100000 64)

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use onward_notify::Language;
use onward_notify::email::{Email, EmailChannel, Sender, SmtpConfig, SmtpMailer};
use onward_notify::templates::{Invitation, PersonalLink, invitation_email};
use onward_test_support::smtp::SmtpSink;

/// Runs `messages` sends on `concurrency` workers; `send(i)` sends message i.
async fn drive<F, Fut>(messages: usize, concurrency: usize, send: F) -> Duration
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let send = Arc::new(send);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let next = next.clone();
        let send = send.clone();
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= messages {
                    break;
                }
                send(i).await;
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done.expect("worker");
    }
    started.elapsed()
}

/// Every expected Message-ID exactly once among what the sink took.
fn arrived_once(sink: &SmtpSink, prefix: &str, messages: usize) -> Result<(), String> {
    let ids: Vec<String> = sink
        .messages()
        .into_iter()
        .filter_map(|m| {
            let line = String::from_utf8_lossy(&m.data).trim().to_owned();
            line.split_once(':').map(|(_, id)| id.trim().to_owned())
        })
        .filter(|id| id.starts_with(&format!("<{prefix}")))
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    let expected: HashSet<String> = (0..messages)
        .map(|i| format!("<{prefix}{i}@onward.example>"))
        .collect();
    if ids.len() != messages || unique.len() != messages || unique.iter().any(|id| !expected.contains(*id)) {
        return Err(format!(
            "{prefix}: {} arrived, {} distinct, {messages} expected",
            ids.len(),
            unique.len()
        ));
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let messages: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let concurrency: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(64);
    let pool = u32::try_from(concurrency).unwrap_or(u32::MAX);

    let sink = SmtpSink::start_with(false).await;

    // Baseline: lettre alone, a prebuilt minimal message, same sink, pool and concurrency.
    let transport: AsyncSmtpTransport<Tokio1Executor> =
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(sink.port)
            .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(pool))
            .build();
    let baseline = drive(messages, concurrency, move |i| {
        let transport = transport.clone();
        async move {
            let message = Message::builder()
                .from("noreply@onward.example".parse().expect("from"))
                .to(format!("learner{i}@learner.example").parse().expect("to"))
                .subject("Hello")
                .message_id(Some(format!("<base-{i}@onward.example>")))
                .body("Hello".to_owned())
                .expect("message");
            transport.send(message).await.expect("baseline send");
        }
    })
    .await;
    let baseline_check = arrived_once(&sink, "base-", messages);

    // Onward: the invitation in English or Welsh, rendered per learner, through SmtpMailer.
    let config = SmtpConfig::parse(&sink.url(), "noreply@onward.example")
        .expect("sink URL")
        .with_max_connections(pool);
    let mailer = SmtpMailer::new(&config).expect("mailer");
    let onward = drive(messages, concurrency, move |i| {
        let mailer = mailer.clone();
        async move {
            let link = PersonalLink::parse(&format!("https://onward.example/s/token{i:08}")).expect("link");
            let unsubscribe =
                PersonalLink::parse(&format!("https://onward.example/s/token{i:08}/unsubscribe"))
                    .expect("link");
            let language = if i % 5 == 0 {
                Language::Welsh
            } else {
                Language::EnglishGb
            };
            let content = invitation_email(
                language,
                &Invitation {
                    given_name: "Sam",
                    organisation: "Coleg Glan Môr",
                    link: &link,
                },
                &unsubscribe,
            );
            let email = Email {
                to_address: format!("learner{i}@learner.example"),
                to_name: Some("Sam Patel".to_owned()),
                sender: Sender {
                    organisation_name: "Coleg Glan Môr".to_owned(),
                    reply_to: Some("destinations@glanmor.example".to_owned()),
                },
                content,
                unsubscribe: Some(unsubscribe),
                key: Some(format!("onward-{i}")),
            };
            mailer.send(&email).await.expect("onward send");
        }
    })
    .await;
    let onward_check = arrived_once(&sink, "onward-", messages);

    let rate = |elapsed: Duration| messages as f64 / elapsed.as_secs_f64();
    println!("messages: {messages}, concurrency: {concurrency}, SMTP connections: {pool}");
    println!(
        "baseline (bare lettre loop): {:.2} s, {:.0} messages/s, exactly once: {}",
        baseline.as_secs_f64(),
        rate(baseline),
        baseline_check
            .as_ref()
            .map_or_else(Clone::clone, |()| "yes".to_owned())
    );
    println!(
        "onward (SmtpMailer + templates): {:.2} s, {:.0} messages/s, exactly once: {}",
        onward.as_secs_f64(),
        rate(onward),
        onward_check
            .as_ref()
            .map_or_else(Clone::clone, |()| "yes".to_owned())
    );
    println!(
        "onward / baseline throughput: {:.2}",
        rate(onward) / rate(baseline)
    );
    let bar = rate(onward) >= 1000.0;
    println!("bar >= 1,000 messages/s: {}", if bar { "met" } else { "NOT met" });
    if !bar || baseline_check.is_err() || onward_check.is_err() {
        std::process::exit(1);
    }
}
