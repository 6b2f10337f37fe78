//! The geoparsing pipeline for one text: recognise names, resolve them, and
//! report every place mention with offsets in both code points and bytes.

use crate::gazetteer::Gazetteer;
use crate::mentions::recognize;
use crate::output::geom::round6;
use crate::resolve::resolve_document;
use serde::{Deserialize, Serialize};

/// One place mention in a document, as written to `extract --format jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Toponym {
    /// Unicode code point offsets into the document text, end exclusive
    /// (Python's `text[start:end]` is the mention).
    pub start: usize,
    pub end: usize,
    /// UTF-8 byte offsets, end exclusive.
    pub byte_start: usize,
    pub byte_end: usize,
    /// The text as written.
    pub name: String,
    /// Gazetteer id (`geonames:170063`); null when the name resolved to nothing.
    pub id: Option<String>,
    pub resolved_name: Option<String>,
    #[serde(deserialize_with = "crate::state::intern::opt")]
    pub kind: Option<crate::state::intern::Static>,
    pub feature_code: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country_code: Option<String>,
    /// GeoNames admin1 key (`SY.09`) and English name.
    pub admin1_code: Option<String>,
    pub admin1: Option<String>,
    /// WGS 84 degrees.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// place, demonym or metonym.
    #[serde(deserialize_with = "crate::state::intern::one")]
    pub mention_type: crate::state::intern::Static,
    /// Estimated probability that `id` is the right place (calibrated on the
    /// development corpora; see README "Confidence").
    pub confidence: f64,
    pub reasons: Vec<String>,
}

/// Converts increasing byte offsets to code point offsets in one pass.
pub struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    pub fn new(text: &'a str) -> Self {
        CharCounter { text, byte: 0, chars: 0 }
    }
    /// Code point offset of byte offset `b` (must not go backwards).
    pub fn at(&mut self, b: usize) -> usize {
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..b].chars().count();
        self.byte = b;
        self.chars
    }
}

/// Finds and resolves the places in `text`.
pub fn extract_toponyms(gaz: &Gazetteer, text: &str) -> Vec<Toponym> {
    let mentions = recognize(gaz.store(), text);
    let (resolved, _rejected) = resolve_document(gaz, text, &mentions);
    let mut counter = CharCounter::new(text);
    resolved
        .into_iter()
        .map(|r| {
            let m = &mentions[r.mention];
            let start = counter.at(m.start);
            let end = counter.at(m.end);
            let p = r.place;
            Toponym {
                start,
                end,
                byte_start: m.start,
                byte_end: m.end,
                name: text[m.start..m.end].to_string(),
                id: p.map(|p| p.id.to_string()),
                resolved_name: p.map(|p| p.name.to_string()),
                kind: p.map(|p| p.kind.as_str()),
                feature_code: p.map(|p| p.feature_code.to_string()),
                country_code: p.map(|p| p.country_code.to_string()).filter(|c| !c.is_empty()),
                admin1_code: p.map(|p| p.admin1_code.to_string()).filter(|c| !c.is_empty()),
                admin1: p.map(|p| p.admin1_name.to_string()).filter(|c| !c.is_empty()),
                lat: p.map(|p| round6(p.lat)),
                lon: p.map(|p| round6(p.lon)),
                mention_type: r.mention_type.as_str(),
                confidence: (r.confidence * 1000.0).round() / 1000.0,
                reasons: r.reasons,
            }
        })
        .collect()
}
