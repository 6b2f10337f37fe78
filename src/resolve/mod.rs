//! Choosing among the places a name may mean.

pub mod lookup;
pub mod prior;

pub use lookup::{geocode, Candidate, Query};
pub use prior::MatchType;
