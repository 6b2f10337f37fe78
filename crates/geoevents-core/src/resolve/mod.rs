//! Choosing among the places a name may mean: alone ([`lookup`], the
//! geocoder) or in a document's context ([`context`]), giving the document's
//! [`Toponym`]s and its [`focus`].

pub mod answers;
pub mod context;
pub mod focus;
pub mod fuzzy;
pub mod lookup;
pub mod prior;
pub mod toponym;

pub use context::{resolve_document, MentionType, Resolution};
pub use lookup::{geocode, Candidate, Query};
pub use prior::MatchType;
pub use toponym::{extract_toponyms, Toponym};
