//! News feeds over HTTP for `geoevents run`: fetching with retries, limits
//! and conditional GET ([`fetch`]), and reading RSS, Atom and JSON Feed
//! documents into entries ([`feed`]).

pub mod feed;
pub mod fetch;
