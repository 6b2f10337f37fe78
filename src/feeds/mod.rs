//! News feeds over HTTP for `geoevents run`: fetching with retries, limits
//! and conditional GET ([`fetch`]), and reading RSS, Atom and JSON Feed
//! documents into entries ([`feed`]), and where requests may go
//! ([`policy`]).

pub mod feed;
pub mod fetch;
pub mod policy;

use geoevents_core::ingest::{ArticleError, CharsetError};

/// Why a feed or one of its articles could not be handled: the errors of the
/// feeds domain. Each names the URL.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(transparent)]
    Fetch(#[from] fetch::FetchError),
    #[error("{url}: not a feed: {message}")]
    NotAFeed { url: String, message: String },
    /// A fetched page whose bytes are not text in their declared charset.
    #[error("{url}: {source}")]
    Charset { url: String, source: CharsetError },
    #[error("{url}: {source}")]
    Article { url: String, source: ArticleError },
    #[error("{url}: the feed gives no text for this entry")]
    NoText { url: String },
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// Geoparsing an article panicked or was cancelled.
    #[error("{url}: geoparsing stopped: {source}")]
    Geoparse { url: String, source: tokio::task::JoinError },
    /// Geoparsing an article took longer than the per-article deadline.
    #[error("{url}: processing took longer than the deadline of {secs} s; skipped")]
    Deadline { url: String, secs: f64 },
}
