//! The result of recognition and resolution for one text: every place
//! mention with its offsets in code points and bytes, and the place it means.

use super::context::{resolve_document_with, MentionType};
use super::source_prior::SourcePrior;
use crate::gazetteer::{Gazetteer, PlaceRef};
use crate::mentions::recognize;
use crate::text::offsets::CharCounter;
use serde::{Deserialize, Serialize};

/// One place mention in a document, as written to `extract` JSONL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Toponym {
    /// Unicode code point offsets into the document text, end exclusive
    /// (Python's `text[start:end]` is the mention).
    pub start: usize,
    /// End of the mention in code points (exclusive).
    pub end: usize,
    /// UTF-8 byte offsets, end exclusive.
    pub byte_start: usize,
    /// End of the mention in UTF-8 bytes (exclusive).
    pub byte_end: usize,
    /// The text as written.
    pub name: String,
    /// The place it means; null for a place the gazetteer lacks.
    pub place: Option<PlaceRef>,
    /// How the name is used: `place`, `demonym`, `metonym` or `embedded`.
    pub mention_type: MentionType,
    /// Estimated probability that `place` is right (calibrated on the
    /// development corpora; see the README, "Confidence"). 0 when unresolved.
    pub confidence: f64,
    /// Why the place was chosen (or the name left unresolved), in words.
    pub reasons: Vec<String>,
}

/// Finds and resolves the places in `text`.
pub fn extract_toponyms(gaz: &Gazetteer, text: &str) -> Vec<Toponym> {
    extract_toponyms_with(gaz, text, None)
}

/// [`extract_toponyms`] with the prior of the document's source.
pub fn extract_toponyms_with(gaz: &Gazetteer, text: &str, source_prior: Option<&SourcePrior>) -> Vec<Toponym> {
    let mentions = recognize(gaz.store(), text);
    let (resolved, _) = resolve_document_with(gaz, text, &mentions, source_prior);
    let mut counter = CharCounter::new(text);
    resolved
        .into_iter()
        .map(|r| {
            let m = &mentions[r.mention];
            Toponym {
                start: counter.at(m.start),
                end: counter.at(m.end),
                byte_start: m.start,
                byte_end: m.end,
                name: text[m.start..m.end].to_string(),
                place: r.place.as_ref().map(PlaceRef::from),
                mention_type: r.mention_type,
                confidence: (r.confidence * 1000.0).round() / 1000.0,
                reasons: r.reasons,
            }
        })
        .collect()
}
