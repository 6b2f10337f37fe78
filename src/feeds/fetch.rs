//! HTTP fetching for `geoevents run`: one shared client (rustls, no OpenSSL)
//! with a User-Agent naming geoevents, a per-request timeout, a cap on the
//! body size (the body is streamed and dropped at the cap), gzip and brotli,
//! a limit on concurrent requests per host, retries with exponential backoff
//! for timeouts, connection errors and 5xx, at most 5 redirects (a loop is an
//! error naming the URL), and conditional GET (ETag, Last-Modified, 304).
//!
//! Each feed gets its own client ([`Fetcher::for_feed`]) carrying the
//! outbound policy of that feed ([`super::policy`]): its redirect policy and
//! its DNS resolver refuse internal addresses outside the feed's own origin.
//! URLs in errors are redacted (no user name or password).

use super::policy::{redact, Outbound, PolicyResolver, Refusal};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::Url;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// How requests are made.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The whole request, body included.
    pub timeout: Duration,
    /// A larger body is an error.
    pub max_bytes: usize,
    /// Extra attempts after a timeout, a connection error or a 5xx.
    pub retries: u32,
    /// The first backoff; doubled at each retry.
    pub backoff: Duration,
    /// Requests in flight to one host at most.
    pub per_host: usize,
    pub user_agent: String,
    /// Let links and redirects reach internal addresses (see [`super::policy`]).
    pub allow_private_addresses: bool,
    /// Host names resolved to fixed addresses instead of asking DNS.
    pub resolve: HashMap<String, Vec<IpAddr>>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(30),
            max_bytes: 10 * 1024 * 1024,
            retries: 3,
            backoff: Duration::from_millis(500),
            per_host: 4,
            user_agent: format!("geoevents/{} (offline geoparser; feed reader)", env!("CARGO_PKG_VERSION")),
            allow_private_addresses: false,
            resolve: HashMap::new(),
        }
    }
}

/// What a conditional GET sends and what a response gives back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful fetch.
#[derive(Debug)]
pub enum Fetched {
    /// 304: what was stored is still current.
    NotModified,
    Body {
        bytes: Vec<u8>,
        validators: Validators,
        /// The `Content-Type` header: its charset decides the encoding of
        /// an HTML page (see `geoevents_core::ingest::charset`).
        content_type: Option<String>,
        #[expect(dead_code, reason = "kept for logs")]
        status: u16,
    },
}

/// Why a fetch failed; every variant names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: no answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: body larger than the limit of {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("{url}: {message}")]
    Redirect { url: String, message: String },
    #[error("{url}: {message}")]
    Connect { url: String, message: String },
    #[error("{url}: {message}")]
    Other { url: String, message: String },
    /// The outbound policy forbids the request (or a redirect of it).
    #[error("{url}: refused: {reason}")]
    Refused { url: String, reason: String },
}

/// What a request is for: a feed's own URL is the user's to choose, an
/// article link is checked against the outbound policy first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Feed,
    Article,
}

/// A redirect the policy refused, with where it led.
#[derive(Debug, thiserror::Error)]
#[error("redirect to {to} refused: {reason}")]
struct RedirectRefused {
    to: String,
    reason: Refusal,
}

impl FetchError {
    fn retryable(&self) -> bool {
        match self {
            FetchError::Timeout { .. } | FetchError::Connect { .. } => true,
            FetchError::Status { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// What every feed of a run shares: the options and the per-host limits.
pub struct Fetcher {
    opts: FetchOptions,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

/// The client of one feed: its outbound policy in the redirect policy and
/// the resolver. Cheap to make (one a feed a pass).
pub struct FeedClient {
    client: reqwest::Client,
    opts: FetchOptions,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
    outbound: Arc<Outbound>,
}

const MAX_REDIRECTS: usize = 5;

impl Fetcher {
    /// Checks that a client can be made with these options.
    pub fn new(opts: FetchOptions) -> Result<Fetcher, super::FeedError> {
        let fetcher = Fetcher { opts, hosts: Arc::new(Mutex::new(HashMap::new())) };
        let probe = Url::parse("http://localhost/").map_err(|e| super::FeedError::Client(e.to_string()))?;
        fetcher.for_feed(&probe, false)?;
        Ok(fetcher)
    }

    /// The client for the feed at `feed_url`; `allow_private` (the feed's
    /// setting or `[fetch]`'s) lifts the policy on internal addresses.
    pub fn for_feed(&self, feed_url: &Url, allow_private: bool) -> Result<FeedClient, super::FeedError> {
        let outbound = Arc::new(Outbound::new(
            feed_url,
            allow_private || self.opts.allow_private_addresses,
            self.opts.resolve.clone(),
        ));
        let on_redirect = outbound.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            let to = redact(attempt.url().as_str());
            if attempt.previous().iter().any(|u| u == attempt.url()) {
                attempt.error(format!("redirect loop at {to}"))
            } else if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects, last to {to}"))
            } else if let Err(reason) = on_redirect.check(attempt.url()) {
                attempt.error(RedirectRefused { to, reason })
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .user_agent(self.opts.user_agent.clone())
            .timeout(self.opts.timeout)
            .connect_timeout(self.opts.timeout.min(Duration::from_secs(10)))
            .redirect(policy)
            .dns_resolver(Arc::new(PolicyResolver { outbound: outbound.clone() }))
            .gzip(true)
            .brotli(true)
            .build()
            .map_err(|e| super::FeedError::Client(e.to_string()))?;
        Ok(FeedClient { client, opts: self.opts.clone(), hosts: self.hosts.clone(), outbound })
    }
}

impl FeedClient {
    fn host_limit(&self, url: &str) -> Arc<Semaphore> {
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0))))
            .unwrap_or_default();
        let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        hosts.entry(host).or_insert_with(|| Arc::new(Semaphore::new(self.opts.per_host.max(1)))).clone()
    }

    /// GET `url`, sending `validators` for a conditional request; retried
    /// with exponential backoff on timeouts, connection errors and 5xx. An
    /// article link is first checked against the outbound policy.
    pub async fn get(&self, url: &str, validators: Option<&Validators>, target: Target) -> Result<Fetched, FetchError> {
        let shown = redact(url);
        if target == Target::Article {
            let parsed =
                Url::parse(url).map_err(|e| FetchError::Other { url: shown.clone(), message: e.to_string() })?;
            self.outbound
                .check(&parsed)
                .map_err(|r| FetchError::Refused { url: shown.clone(), reason: r.to_string() })?;
        }
        let url = url.to_string();
        let url = url.as_str();
        let mut delay = self.opts.backoff;
        let mut attempt = 0;
        loop {
            let outcome = {
                let limit = self.host_limit(url);
                let _permit = limit
                    .acquire()
                    .await
                    .map_err(|e| FetchError::Other { url: shown.clone(), message: e.to_string() })?;
                self.get_once(url, &shown, validators).await
            };
            match outcome {
                Err(e) if e.retryable() && attempt < self.opts.retries => {
                    attempt += 1;
                    tracing::debug!(url = %shown, attempt, error = %e, "retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                other => return other,
            }
        }
    }

    /// One request to `url`; errors name `shown` (the URL redacted).
    async fn get_once(&self, url: &str, shown: &str, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let mut headers = HeaderMap::new();
        if let Some(v) = validators {
            if let Some(etag) = v.etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
                headers.insert(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = v.last_modified.as_deref().and_then(|e| HeaderValue::from_str(e).ok()) {
                headers.insert(IF_MODIFIED_SINCE, lm);
            }
        }
        let err = |e: reqwest::Error| self.classify(shown, e);
        let mut resp = self.client.get(url).headers(headers).send().await.map_err(err)?;
        let status = resp.status().as_u16();
        if status == 304 {
            return Ok(Fetched::NotModified);
        }
        if !resp.status().is_success() {
            return Err(FetchError::Status { url: shown.into(), status });
        }
        let limit = self.opts.max_bytes;
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooLarge { url: shown.into(), limit });
        }
        let header = |h| resp.headers().get(h).and_then(|v: &HeaderValue| v.to_str().ok()).map(str::to_string);
        let validators = Validators { etag: header(ETAG), last_modified: header(LAST_MODIFIED) };
        let content_type = header(CONTENT_TYPE);
        let mut bytes = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(err)? {
            if bytes.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { url: shown.into(), limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body { bytes, validators, content_type, status })
    }

    fn classify(&self, url: &str, e: reqwest::Error) -> FetchError {
        // Our own message names the (redacted) URL; reqwest's would repeat it in full.
        let e = e.without_url();
        let url = url.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            if let Some(r) = s.downcast_ref::<RedirectRefused>() {
                return FetchError::Refused { url, reason: r.to_string() };
            }
            if let Some(r) = s.downcast_ref::<Refusal>() {
                return FetchError::Refused { url, reason: r.to_string() };
            }
            source = s.source();
        }
        if e.is_timeout() {
            return FetchError::Timeout { url, secs: self.opts.timeout.as_secs().max(1) };
        }
        if e.is_redirect() {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                message = s.to_string();
                source = s.source();
            }
            return FetchError::Redirect { url, message };
        }
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        if e.is_connect() || e.is_request() || e.is_body() {
            return FetchError::Connect { url, message };
        }
        FetchError::Other { url, message }
    }
}
