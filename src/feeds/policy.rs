//! Where `geoevents run` may send requests: the outbound policy.
//!
//! A feed is a list of links written by someone else. Followed blindly, a
//! link (or a redirect) to `http://127.0.0.1:6379/` or to a cloud metadata
//! address would fetch an internal page and publish its text in the layers.
//! So a request that leaves the feed's own origin (scheme, host and port of
//! its URL) may not go to an *internal* address ([`is_internal`]: loopback,
//! private, link-local, shared, unique-local, multicast, unspecified,
//! broadcast, and IPv6 forms that embed one of those), unless the
//! configuration says `allow_private_addresses = true`. The feed's own origin
//! may be internal (a feed on an intranet host): its own articles are fetched.
//!
//! The check is made on the URL text, in every notation the URL standard
//! accepts (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]` are all parsed to
//! their address by the `url` crate), with `localhost` and `*.localhost`
//! taken as loopback by name; at every redirect (reqwest's redirect policy);
//! and on the addresses a name resolves to ([`PolicyResolver`], reqwest's
//! resolver hook), so that a public-looking name pointing at 127.0.0.1 is
//! refused too, at the moment of connecting (no window for a second DNS
//! answer to differ).
//!
//! Credentials: a link with `user:pass@` is refused as an article link, and
//! every URL written to the state, the layers or the logs goes through
//! [`redact`], which drops them (a feed's own URL may carry them: they are
//! sent to the feed, never written).

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Whether `ip` is an address a feed's links must not reach (see the module
/// documentation). IPv4 inside IPv6 (mapped `::ffff:a.b.c.d`, compatible
/// `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) is judged by its IPv4 address.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_internal_v4(v4),
        IpAddr::V6(v6) => is_internal_v6(v6),
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, _, _] = ip.octets();
    ip.is_loopback()            // 127/8
        || ip.is_private()      // 10/8, 172.16/12, 192.168/16
        || ip.is_link_local()   // 169.254/16 (cloud metadata lives here)
        || ip.is_multicast()    // 224/4
        || ip.is_broadcast()
        || a == 0               // "this network", 0.0.0.0 reaches the local host
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, carrier-grade NAT
        || a >= 240 // reserved
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_internal_v4(v4);
    }
    // ::a.b.c.d (deprecated IPv4-compatible), but not :: and ::1 themselves.
    if segments[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback() {
        return is_internal_v4(Ipv4Addr::from(((segments[6] as u32) << 16) | segments[7] as u32));
    }
    // NAT64 well-known prefix 64:ff9b::/96.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return is_internal_v4(Ipv4Addr::from(((segments[6] as u32) << 16) | segments[7] as u32));
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()                    // ff00::/8
        || (segments[0] & 0xfe00) == 0xfc00     // fc00::/7 unique local
        || (segments[0] & 0xffc0) == 0xfe80     // fe80::/10 link-local
        || (segments[0] & 0xffc0) == 0xfec0 // fec0::/10 site-local (deprecated)
}

/// Whether a host name means the local machine by name (RFC 6761).
fn is_localhost_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

/// `url` without its user name and password, for anything written down. A
/// string that is not a URL loses whatever sits between `//` and `@`.
pub fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if has_credentials(&u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Ok(_) => url.to_string(),
        Err(_) => match (url.find("//"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => format!("{}{}", &url[..s + 2], &url[at + 1..]),
            _ => url.to_string(),
        },
    }
}

/// Whether the URL carries a user name or a password.
pub fn has_credentials(url: &Url) -> bool {
    !url.username().is_empty() || url.password().is_some()
}

/// Why a request was not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not an http(s) URL")]
    Scheme,
    #[error("the link carries a user name or password")]
    Credentials,
    #[error("{host} is an internal address (loopback, private, link-local or multicast) outside the feed's own host; set allow_private_addresses = true to allow it")]
    InternalAddress { host: String },
    #[error("{host} resolves to the internal address {ip} (loopback, private, link-local or multicast), outside the feed's own host; set allow_private_addresses = true to allow it")]
    ResolvesInternal { host: String, ip: IpAddr },
}

/// The policy for the requests made for one feed.
#[derive(Debug)]
pub struct Outbound {
    allow_internal: bool,
    /// The feed URL's host, lower case (IPv6 in brackets, as `Url` writes it).
    feed_host: String,
    feed_port: Option<u16>,
    feed_scheme: String,
    /// Whether the feed's own host is internal: known from the URL for an
    /// address or `localhost`, and from its resolution for other names.
    feed_internal: AtomicBool,
    /// Names resolved to fixed addresses (`[fetch.resolve]`), checked like any.
    overrides: HashMap<String, Vec<IpAddr>>,
}

impl Outbound {
    pub fn new(feed_url: &Url, allow_internal: bool, overrides: HashMap<String, Vec<IpAddr>>) -> Outbound {
        let feed_host = feed_url.host_str().unwrap_or_default().to_ascii_lowercase();
        let feed_internal = match feed_url.host() {
            Some(url::Host::Ipv4(ip)) => is_internal_v4(ip),
            Some(url::Host::Ipv6(ip)) => is_internal_v6(ip),
            Some(url::Host::Domain(d)) => is_localhost_name(d),
            None => false,
        };
        Outbound {
            allow_internal,
            feed_host,
            feed_port: feed_url.port_or_known_default(),
            feed_scheme: feed_url.scheme().to_string(),
            feed_internal: AtomicBool::new(feed_internal),
            overrides: overrides.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect(),
        }
    }

    fn same_origin(&self, url: &Url) -> bool {
        url.scheme() == self.feed_scheme
            && url.host_str().is_some_and(|h| h.eq_ignore_ascii_case(&self.feed_host))
            && url.port_or_known_default() == self.feed_port
    }

    /// Whether a request to `url` (an article link or a redirect target) may
    /// be made, as far as its text tells; the addresses a name resolves to
    /// are checked by [`PolicyResolver`] when connecting.
    pub fn check(&self, url: &Url) -> Result<(), Refusal> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refusal::Scheme);
        }
        if has_credentials(url) {
            return Err(Refusal::Credentials);
        }
        if self.allow_internal || self.same_origin(url) {
            return Ok(());
        }
        let host = url.host_str().unwrap_or_default().to_string();
        let internal = match url.host() {
            Some(url::Host::Ipv4(ip)) => is_internal_v4(ip),
            Some(url::Host::Ipv6(ip)) => is_internal_v6(ip),
            // The feed's own name on another port is internal when the feed is.
            Some(url::Host::Domain(d)) => {
                is_localhost_name(d)
                    || (d.eq_ignore_ascii_case(&self.feed_host) && self.feed_internal.load(Ordering::Relaxed))
            }
            None => false,
        };
        if internal {
            return Err(Refusal::InternalAddress { host });
        }
        Ok(())
    }

    /// Whether a connection to `name` resolved to `addrs` may be made.
    fn check_resolved(&self, name: &str, addrs: &[IpAddr]) -> Result<(), Refusal> {
        let own = name.eq_ignore_ascii_case(&self.feed_host);
        let internal = addrs.iter().copied().find(|ip| is_internal(*ip));
        if own {
            if internal.is_some() {
                self.feed_internal.store(true, Ordering::Relaxed);
            }
            return Ok(());
        }
        match internal {
            Some(ip) if !self.allow_internal => Err(Refusal::ResolvesInternal { host: name.to_string(), ip }),
            _ => Ok(()),
        }
    }
}

/// The DNS resolver of a feed's client: the system resolver (or a fixed
/// address from `[fetch.resolve]`), then [`Outbound`]'s check of every
/// address. Connections to a name go only to the addresses checked here.
pub struct PolicyResolver {
    pub outbound: Arc<Outbound>,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let outbound = self.outbound.clone();
        let host = name.as_str().to_ascii_lowercase();
        Box::pin(async move {
            let addrs: Vec<IpAddr> = match outbound.overrides.get(&host) {
                Some(fixed) => fixed.clone(),
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.map(|a| a.ip()).collect(),
            };
            outbound.check_resolved(&host, &addrs)?;
            let sockets: Addrs = Box::new(addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(sockets)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn internal_ranges_in_both_families() {
        for s in [
            "127.0.0.1",
            "127.0.0.2",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
        ] {
            assert!(is_internal(ip(s)), "{s} should be internal");
        }
        for s in [
            "8.8.8.8",
            "172.32.0.1",
            "172.15.255.255",
            "192.169.0.1",
            "100.128.0.1",
            "2001:db8::1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_internal(ip(s)), "{s} should be public");
        }
    }

    fn outbound(feed: &str, allow: bool) -> Outbound {
        Outbound::new(&Url::parse(feed).unwrap(), allow, HashMap::new())
    }

    fn check(o: &Outbound, link: &str) -> Result<(), Refusal> {
        o.check(&Url::parse(link).unwrap())
    }

    #[test]
    fn every_notation_of_loopback_is_refused_outside_the_feeds_origin() {
        let o = outbound("http://127.0.0.1:8080/feed.xml", false);
        assert_eq!(check(&o, "http://127.0.0.1:8080/article.html"), Ok(()), "the feed's own origin");
        for link in [
            "http://127.0.0.1:9000/",
            "http://127.0.0.2:8080/",
            "http://localhost:8080/",
            "http://LOCALHOST./x",
            "http://api.localhost/",
            "http://2130706433:9000/",
            "http://0x7f.1:9000/",
            "http://0177.0.0.1:9000/",
            "http://127.1:9000/",
            "http://[::1]:9000/",
            "http://[::ffff:127.0.0.1]:9000/",
            "http://[::ffff:7f00:1]/",
            "http://10.0.0.5/",
            "http://172.20.1.1/",
            "http://192.168.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://224.0.0.251/",
            "http://0.0.0.0:8080/",
        ] {
            assert!(matches!(check(&o, link), Err(Refusal::InternalAddress { .. })), "{link} was not refused");
        }
        assert_eq!(check(&o, "https://news.example.org/a"), Ok(()));
        assert_eq!(check(&outbound("http://127.0.0.1:8080/feed.xml", true), "http://127.0.0.1:9000/"), Ok(()));
        // A public feed's links to loopback are refused the same way.
        let public = outbound("https://news.example.org/rss", false);
        assert!(check(&public, "http://127.0.0.1/").is_err());
        assert!(check(&public, "http://news.example.org:8080/a").is_ok(), "another port of a public host");
    }

    #[test]
    fn credentials_and_other_schemes_are_refused_even_when_allowed() {
        let o = outbound("http://127.0.0.1:8080/feed.xml", true);
        assert_eq!(check(&o, "http://user:pass@127.0.0.1:8080/a"), Err(Refusal::Credentials));
        assert_eq!(check(&o, "https://user@news.example.org/a"), Err(Refusal::Credentials));
        assert_eq!(check(&o, "file:///etc/passwd"), Err(Refusal::Scheme));
        assert_eq!(check(&o, "ftp://news.example.org/a"), Err(Refusal::Scheme));
    }

    #[test]
    fn resolved_addresses_are_checked_and_the_feeds_own_name_is_allowed() {
        let o = outbound("http://news.example.org:8080/feed.xml", false);
        assert!(o.check_resolved("news.example.org", &[ip("127.0.0.1")]).is_ok(), "the feed's own host");
        // Now known to be internal: the same name on another port is refused by its text.
        assert!(check(&o, "http://news.example.org:9000/").is_err());
        assert!(check(&o, "http://news.example.org:8080/a").is_ok());
        assert!(matches!(
            o.check_resolved("evil.example.net", &[ip("93.184.216.34"), ip("10.0.0.1")]),
            Err(Refusal::ResolvesInternal { .. })
        ));
        assert!(o.check_resolved("fine.example.net", &[ip("93.184.216.34")]).is_ok());
        let allowed = outbound("http://news.example.org/feed.xml", true);
        assert!(allowed.check_resolved("evil.example.net", &[ip("10.0.0.1")]).is_ok());
    }

    #[test]
    fn redaction_drops_user_and_password() {
        assert_eq!(redact("https://user:secret@news.example.org/rss?x=1"), "https://news.example.org/rss?x=1");
        assert_eq!(redact("https://token@news.example.org/rss"), "https://news.example.org/rss");
        assert_eq!(redact("https://news.example.org/a@b"), "https://news.example.org/a@b");
        assert_eq!(redact("not a url //user:pw@host/x"), "not a url //host/x");
    }
}
