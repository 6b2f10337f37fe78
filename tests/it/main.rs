//! The integration tests: one binary (it links once), one module a feature.
//! Fixtures are in `tests/fixtures/` (see its README).

// Helpers outside #[test] functions panic too: that is how a test fails.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod article_map;
mod big_layers;
mod eval;
mod events;
mod extract;
mod feed_robustness;
mod feeds;
mod gazetteer;
mod geocode;
mod layers;
mod util;
mod web;
