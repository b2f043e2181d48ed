//! The client's address behind reverse proxies. `X-Forwarded-For` is believed
//! only when the connection comes from a configured trusted proxy, and then
//! only as far as the chain of trusted proxies goes: the client is the
//! rightmost address that is not a trusted proxy (addresses further left were
//! written by the client itself and can be anything).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::{AppState, WebError};

/// Parses a trusted proxy: an address (`10.0.0.5`, `::1`) or a range (`10.0.0.0/8`).
pub fn parse_trusted_proxy(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is not an IP address or range (like 10.0.0.5 or 10.0.0.0/8)"))
}

/// The client's address for a connection from `peer` carrying `headers`.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in forwarded.into_iter().rev() {
        // What a trusted proxy appended but is not an address ends the chain there.
        let Ok(ip) = entry.parse::<IpAddr>() else {
            return client;
        };
        client = canonical(ip);
        if !is_trusted(&client) {
            return client;
        }
    }
    client
}

/// An IPv4 address arriving as IPv6 (`::ffff:10.0.0.5`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// The client's address (see [`client_ip`]).
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::BadRequest("The client address is unknown."))?;
        Ok(Self(client_ip(
            peer.ip(),
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().expect("header"));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        let trusted = [parse_trusted_proxy("10.0.0.1").expect("valid")];
        let forged = headers(&["203.0.113.9"]);
        assert_eq!(
            client_ip(ip("198.51.100.7"), &forged, &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(client_ip(ip("198.51.100.7"), &forged, &[]), ip("198.51.100.7"));
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_address() {
        let trusted = [
            parse_trusted_proxy("10.0.0.0/8").expect("valid"),
            parse_trusted_proxy("::1").expect("valid"),
        ];
        // The client wrote "1.2.3.4" itself; the proxies appended the rest.
        let chain = headers(&["1.2.3.4, 203.0.113.9", "10.0.0.7"]);
        assert_eq!(client_ip(ip("10.0.0.1"), &chain, &trusted), ip("203.0.113.9"));
        assert_eq!(client_ip(ip("::1"), &chain, &trusted), ip("203.0.113.9"));
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &headers(&["203.0.113.9"]), &trusted),
            ip("203.0.113.9")
        );
        // Garbage appended by a trusted proxy stops the walk at that proxy.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers(&["1.2.3.4, unknown"]), &trusted),
            ip("10.0.0.1")
        );
        // Only proxies all the way: the leftmost of them.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers(&["10.0.0.9"]), &trusted),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        assert!(parse_trusted_proxy("192.168.0.0/16").is_ok());
        assert!(parse_trusted_proxy(" 127.0.0.1 ").is_ok());
        let err = parse_trusted_proxy("proxy.example").expect_err("not an address");
        assert!(err.contains("proxy.example"), "{err}");
    }
}
