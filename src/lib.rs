//! geoevents turns news into maps: it finds the places an article mentions,
//! resolves them offline through a built-in gazetteer, and writes layers.
//!
//! ```
//! use geoevents::gazetteer::Gazetteer;
//! use geoevents::resolve::{geocode, Query};
//!
//! let gaz = Gazetteer::builtin();
//! let best = &geocode(&gaz, &Query { name: "Halab", limit: 1, ..Query::default() })[0];
//! assert_eq!(best.place.id, "geonames:170063"); // Aleppo
//! ```
//!
//! The flow, one module a stage: [`text`] (folding names) -> [`gazetteer`]
//! (records, index, import) -> [`resolve`] (choosing a place) -> [`cli`].

pub mod cli;
pub mod eval;
pub mod events;
pub mod extract;
pub mod focus;
pub mod gazetteer;
pub mod ingest;
pub mod mentions;
pub mod output;
pub mod resolve;
pub mod state;
pub mod text;
