//! Choosing among the places a name may mean: alone ([`lookup`], the
//! geocoder) or in a document's context ([`context`]), giving the document's
//! [`Toponym`]s and its [`focus`].

pub mod acceptance;
pub mod answers;
pub mod candidates;
pub mod confidence;
pub mod containment;
pub mod context;
pub mod evidence;
pub mod focus;
pub mod fuzzy;
pub mod lookup;
pub mod metonym;
pub mod prior;
pub mod source_prior;
pub mod toponym;

pub use context::{resolve_document, MentionType, Resolution};
pub use lookup::{geocode, Candidate, Query};
pub use prior::MatchType;
pub use source_prior::{source_key, SourcePrior, SourcePriors};
pub use toponym::{extract_toponyms, extract_toponyms_with, Toponym};

#[cfg(test)]
mod tests;
