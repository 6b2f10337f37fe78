//! The geoevents core: news text in, places and events out, as map layers.
//!
//! ```
//! use geoevents_core::gazetteer::Gazetteer;
//! use geoevents_core::resolve::{geocode, Query};
//!
//! let gaz = Gazetteer::builtin();
//! let best = &geocode(&gaz, &Query { name: "Halab", limit: 1, ..Query::default() })[0];
//! assert_eq!(best.place.id, "geonames:170063"); // Aleppo
//! ```
//!
//! The flow, one module a stage; each stage imports only the stages before it
//! (the order is [`flow::STAGES`], checked by a test in [`flow`]):
//!
//! | stage | module | in | out |
//! | --- | --- | --- | --- |
//! | 1 | [`ingest`] | files, pages, JSON Lines | [`ingest::Document`] |
//! | 2 | [`text`] | a document's text | folded words, tokens, sentences, offsets |
//! | 3 | [`gazetteer`] | names | places ([`gazetteer::Place`]) |
//! | 4 | [`mentions`] | tokens | candidate place names with their cues |
//! | 5 | [`resolve`] | mentions | [`resolve::Toponym`]s, the document focus; the geocoder |
//! | 6 | [`events`] | sentences and toponyms | [`events::Event`]s |
//! | 7 | [`pipeline`] | a document | all of the above for it |
//! | 8 | [`layers`] | results | GeoJSON, CSV, QGIS styles, the web page |
//!
//! [`atomic`] (files that appear whole or not at all) sits below them all.

#![warn(missing_docs)]

pub mod atomic;
pub mod ingest;
pub mod text;
pub mod gazetteer;
pub mod mentions;
pub mod resolve;
pub mod events;
pub mod pipeline;
pub mod layers;
pub mod flow;
