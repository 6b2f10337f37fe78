//! Choosing among the places a name may mean: alone (`lookup`, the
//! geocoder) or in a document's context (`context`).

pub mod context;
pub mod fuzzy;
pub mod lookup;
pub mod prior;

pub use context::{resolve_document, MentionType, Resolution};
pub use lookup::{geocode, Candidate, Query};
pub use prior::MatchType;
