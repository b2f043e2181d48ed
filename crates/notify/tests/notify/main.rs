//! Integration tests of the channels against real servers on 127.0.0.1: an
//! SMTP sink (`onward_test_support::smtp`) and an HTTP gateway played by axum.

mod email;
mod sms;
