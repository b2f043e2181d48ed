use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use onward_notify::sms::{HttpSmsGateway, Sms, SmsChannel, SmsConfig};

/// What the gateway was sent: the Authorization header and the JSON body.
type Received = Arc<Mutex<Vec<(Option<String>, serde_json::Value)>>>;

/// A gateway on 127.0.0.1 that answers with `status` and keeps what it was sent.
struct Gateway {
    url: String,
    received: Received,
    status: Arc<Mutex<StatusCode>>,
}

async fn gateway() -> Gateway {
    type Shared = (Received, Arc<Mutex<StatusCode>>);
    async fn send(
        State((received, status)): State<Shared>,
        headers: HeaderMap,
        Json(body): Json<serde_json::Value>,
    ) -> (StatusCode, Json<serde_json::Value>) {
        let auth = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        received.lock().expect("lock").push((auth, body));
        let status = *status.lock().expect("lock");
        let id = format!("msg-{}", received.lock().expect("lock").len());
        (status, Json(serde_json::json!({ "id": id, "errors": [] })))
    }
    let received = Arc::new(Mutex::new(Vec::new()));
    let status = Arc::new(Mutex::new(StatusCode::CREATED));
    let app = Router::new()
        .route("/v2/notifications/sms", post(send))
        .with_state((received.clone(), status.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Gateway {
        url,
        received,
        status,
    }
}

fn sms(reference: &str) -> Sms {
    Sms {
        phone_number: "07700900123".to_owned(),
        body: "Coleg Glan Môr: tell us what you are doing now: https://onward.example/s/abc".to_owned(),
        reference: Some(reference.to_owned()),
    }
}

#[tokio::test]
async fn a_message_is_posted_with_the_key_template_and_body() {
    let gateway = gateway().await;
    let config = SmsConfig::parse(&gateway.url, "test-key-123", "tmpl-1").expect("valid");
    let sent = HttpSmsGateway::new(config)
        .expect("client")
        .send(&sms("invite-7"))
        .await
        .expect("sent");
    assert_eq!(sent.gateway_id, "msg-1");
    let received = gateway.received.lock().expect("lock").clone();
    assert_eq!(received.len(), 1);
    let (auth, body) = &received[0];
    assert_eq!(auth.as_deref(), Some("Bearer test-key-123"));
    assert_eq!(body["phone_number"], "07700900123");
    assert_eq!(body["template_id"], "tmpl-1");
    assert_eq!(body["reference"], "invite-7");
    assert!(
        body["personalisation"]["body"]
            .as_str()
            .expect("body")
            .contains("https://onward.example/s/abc")
    );
}

#[tokio::test]
async fn gateway_errors_are_temporary_or_permanent_by_status() {
    let gateway = gateway().await;
    let config = SmsConfig::parse(&gateway.url, "key", "tmpl").expect("valid");
    let client = HttpSmsGateway::new(config).expect("client");
    for (status, temporary) in [
        (StatusCode::SERVICE_UNAVAILABLE, true),
        (StatusCode::TOO_MANY_REQUESTS, true),
        (StatusCode::BAD_REQUEST, false),
        (StatusCode::FORBIDDEN, false),
    ] {
        *gateway.status.lock().expect("lock") = status;
        let err = client.send(&sms("k")).await.expect_err("refused");
        assert_eq!(err.is_temporary(), temporary, "{status}: {err}");
    }
}

#[tokio::test]
async fn a_gateway_that_is_down_is_a_temporary_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let config = SmsConfig::parse(&format!("http://127.0.0.1:{port}"), "key", "tmpl").expect("valid");
    let err = HttpSmsGateway::new(config)
        .expect("client")
        .send(&sms("k"))
        .await
        .expect_err("down");
    assert!(err.is_temporary(), "{err}");
}
