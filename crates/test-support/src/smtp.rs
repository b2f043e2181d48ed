//! A small SMTP server on 127.0.0.1 for tests and benchmarks: it speaks
//! enough of RFC 5321 for lettre (EHLO/HELO, MAIL, RCPT, DATA with dot
//! unstuffing, RSET, NOOP, QUIT), keeps every message it takes, and can be
//! told to refuse (4xx for "try later", 5xx for "never"). Written here because
//! the crates.io SMTP servers are either whole mail servers or unmaintained;
//! this one is a hundred lines and does exactly what the tests check.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// What the sink answers to a recipient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkMode {
    /// Takes every message.
    Accept,
    /// `451` to every recipient: a temporary failure.
    RefuseTemporarily,
    /// `550` to every recipient: a permanent failure.
    RefusePermanently,
}

/// One message as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedMessage {
    pub mail_from: String,
    pub recipients: Vec<String>,
    /// The message as sent (headers and body, CRLF line ends, dots unstuffed).
    pub data: Vec<u8>,
}

impl ReceivedMessage {
    /// The message's plain-text part, decoded (quoted-printable or base64).
    pub fn text(&self) -> String {
        self.parsed()
            .and_then(|message| message.body_text(0).map(|text| text.into_owned()))
            .unwrap_or_default()
    }

    /// The message's subject.
    pub fn subject(&self) -> String {
        self.parsed()
            .and_then(|message| message.subject().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The first link in the text part that starts with `prefix`.
    pub fn link_starting(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(prefix)?;
        Some(
            text[start..]
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_owned(),
        )
    }

    fn parsed(&self) -> Option<mail_parser::Message<'_>> {
        mail_parser::MessageParser::default().parse(self.data.as_slice())
    }
}

struct Shared {
    mode: AtomicU8,
    keep: bool,
    count: AtomicUsize,
    messages: Mutex<Vec<ReceivedMessage>>,
}

/// A running sink; it stops when dropped.
pub struct SmtpSink {
    pub port: u16,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    /// A sink that keeps every message.
    pub async fn start() -> Self {
        Self::start_with(true).await
    }

    /// `keep = false` only counts messages and keeps their `Message-ID`
    /// lines (for benchmarks of many thousand messages).
    pub async fn start_with(keep: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind an SMTP port");
        let port = listener.local_addr().expect("local address").port();
        let shared = Arc::new(Shared {
            mode: AtomicU8::new(0),
            keep,
            count: AtomicUsize::new(0),
            messages: Mutex::new(Vec::new()),
        });
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let shared = accept_shared.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, &shared).await;
                });
            }
        });
        Self { port, shared, task }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set_mode(&self, mode: SinkMode) {
        let code = match mode {
            SinkMode::Accept => 0,
            SinkMode::RefuseTemporarily => 1,
            SinkMode::RefusePermanently => 2,
        };
        self.shared.mode.store(code, Ordering::SeqCst);
    }

    /// Messages taken so far.
    pub fn count(&self) -> usize {
        self.shared.count.load(Ordering::SeqCst)
    }

    /// The messages taken so far (without `keep`, only their Message-ID line as data).
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.shared.messages.lock().expect("sink lock").clone()
    }
}

async fn serve(stream: tokio::net::TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 onward-test-sink ESMTP\r\n").await?;
    let mut line = Vec::new();
    let mut mail_from = String::new();
    let mut recipients: Vec<String> = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let command = text.trim_end().to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") {
            b"250-onward-test-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n"
        } else if command.starts_with("HELO") {
            b"250 onward-test-sink\r\n"
        } else if command.starts_with("MAIL FROM:") {
            mail_from = text.trim_end()[10..].trim().to_owned();
            recipients.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO:") {
            match shared.mode.load(Ordering::SeqCst) {
                1 => b"451 4.3.0 Try again later\r\n",
                2 => b"550 5.1.1 No such mailbox\r\n",
                _ => {
                    recipients.push(text.trim_end()[8..].trim().to_owned());
                    b"250 OK\r\n"
                }
            }
        } else if command == "DATA" {
            if recipients.is_empty() {
                b"554 No valid recipients\r\n"
            } else {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut reader, shared.keep).await?;
                shared.count.fetch_add(1, Ordering::SeqCst);
                let message = ReceivedMessage {
                    mail_from: std::mem::take(&mut mail_from),
                    recipients: std::mem::take(&mut recipients),
                    data,
                };
                shared.messages.lock().expect("sink lock").push(message);
                b"250 OK queued\r\n"
            }
        } else if command == "RSET" {
            mail_from.clear();
            recipients.clear();
            b"250 OK\r\n"
        } else if command == "NOOP" {
            b"250 OK\r\n"
        } else if command == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// Reads DATA up to the lone dot. With `keep`, the whole message; without,
/// only its `Message-ID:` header line.
async fn read_data<R: AsyncBufReadExt + Unpin>(reader: &mut R, keep: bool) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed in DATA",
            ));
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        if keep || unstuffed.len() > 11 && unstuffed[..11].eq_ignore_ascii_case(b"message-id:") {
            data.extend_from_slice(unstuffed);
        }
    }
}
