//! The SMS delivery-receipt webhook: kept only with the gateway's signature,
//! on both backends.

use onward_notify::sms::{WebhookSecret, sign};
use onward_storage::repo::receipts::delivery_receipts;
use onward_test_support::{TestApp, TestDatabase, fixtures, on_both_backends};
use onward_web::WebConfig;
use reqwest::StatusCode;

const SECRET: &str = "receipt-secret-0123456789";

async fn post(app: &TestApp, path: &str, body: &[u8], signature: Option<&str>) -> StatusCode {
    let mut request = app
        .visitor
        .client
        .post(app.url(path))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("X-Onward-Signature", signature);
    }
    request.send().await.expect("request").status()
}

async fn a_receipt_is_kept_once_with_a_good_signature_and_refused_without_one(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "receipts").await;
    let config = WebConfig {
        sms_webhook_secret: Some(WebhookSecret::new(SECRET).expect("secret")),
        ..TestApp::config()
    };
    let app = TestApp::spawn_with(db, config).await;
    let path = format!("/webhooks/sms/{}/receipts", org.slug);
    let body = br#"{"id":"gw-1","reference":"invite-7","status":"delivered","to":"07700900123"}"#;

    // Refused, and nothing written: no signature, another secret's, a body changed after signing.
    assert_eq!(post(&app, &path, body, None).await, StatusCode::UNAUTHORIZED);
    let wrong = sign(b"another-secret-0123456789", body);
    assert_eq!(
        post(&app, &path, body, Some(&wrong)).await,
        StatusCode::UNAUTHORIZED
    );
    let tampered = br#"{"id":"gw-1","reference":"invite-7","status":"permanent-failure"}"#;
    assert_eq!(
        post(&app, &path, tampered, Some(&sign(SECRET.as_bytes(), body))).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&app, &path, body, Some("sha256=nothex")).await,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        delivery_receipts(app.db.conn(), org.id)
            .await
            .expect("read")
            .is_empty()
    );

    // Signed: kept, and a repeat of it kept once.
    let signature = sign(SECRET.as_bytes(), body);
    for _ in 0..2 {
        assert_eq!(
            post(&app, &path, body, Some(&signature)).await,
            StatusCode::NO_CONTENT
        );
    }
    let receipts = delivery_receipts(app.db.conn(), org.id).await.expect("read");
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0].receipt.gateway_id, "gw-1");
    assert_eq!(receipts[0].receipt.reference.as_deref(), Some("invite-7"));
    assert_eq!(receipts[0].receipt.status, "delivered");

    // Signed but not a receipt, or for an organisation that does not exist.
    let junk = br#"{"id":"gw-2","status":"eaten"}"#;
    assert_eq!(
        post(&app, &path, junk, Some(&sign(SECRET.as_bytes(), junk))).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&app, "/webhooks/sms/nobody/receipts", body, Some(&signature)).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        delivery_receipts(app.db.conn(), org.id)
            .await
            .expect("read")
            .len(),
        1
    );
}

async fn without_a_secret_the_webhook_is_off(db: TestDatabase) {
    let org = fixtures::organisation(db.conn(), "nosecret").await;
    let app = TestApp::spawn(db).await;
    let body = br#"{"id":"gw-1","status":"delivered"}"#;
    let status = post(
        &app,
        &format!("/webhooks/sms/{}/receipts", org.slug),
        body,
        Some(&sign(SECRET.as_bytes(), body)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        delivery_receipts(app.db.conn(), org.id)
            .await
            .expect("read")
            .is_empty()
    );
}

on_both_backends!(
    a_receipt_is_kept_once_with_a_good_signature_and_refused_without_one,
    without_a_secret_the_webhook_is_off,
);
