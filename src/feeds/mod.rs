//! News feeds over HTTP for `geoevents run`: fetching with retries, limits
//! and conditional GET ([`fetch`]), and reading RSS, Atom and JSON Feed
//! documents into entries ([`feed`]).

pub mod feed;
pub mod fetch;

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
    Client(#[source] reqwest::Error),
    #[error(transparent)]
    State(#[from] crate::state::StateError),
    /// Geoparsing an article panicked or was cancelled.
    #[error("{url}: geoparsing stopped: {source}")]
    Geoparse { url: String, source: tokio::task::JoinError },
}
