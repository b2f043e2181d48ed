//! Random tokens for invitation and reset links: 256 bits from the OS RNG,
//! hex-encoded; only their SHA-256 is stored. The scheme is storage's
//! (`onward_storage::link_tokens`), shared by every kind of link.

pub use onward_storage::link_tokens::{is_plausible, new_token, token_hash};
