//! Events: what a document reports happening at the places it names.
//!
//! An event is one sentence anchored at one place it names: a sentence that
//! names three places gives three events (with the same date, type, actors
//! and snippet), a sentence that names no place gives none. Which mentions
//! anchor:
//! * `place` mentions anchor an event;
//! * `metonym` mentions ("allies of Damascus", "Ankara said") anchor an
//!   event flagged `is_metonym: true`: the sentence mentions the place in
//!   passing, it does not report a happening there, so map writers leave
//!   these out by default;
//! * `demonym` ("Syrian") and `embedded` ("The Washington Post") mentions
//!   never anchor.
//!
//! A place named twice in one sentence anchors one event, at its first
//! `place` mention (else its first metonym). A mention whose name resolved to
//! nothing still anchors an event, with null gazetteer fields and
//! coordinates, rather than being dropped silently: writers that need a
//! geometry skip events whose `lat` is null.
//!
//! The parts, one module each: [`sentences`] (splitting), [`dates`]
//! (publication date, event date and its rule, tense), [`types`] (event-type
//! lexicon), [`actors`], [`id`] (deterministic ids).
//!
//! Offsets: `char_start`/`char_end` and `sentence_char_*` are Unicode code
//! point offsets into `Document::text`, end exclusive, as in
//! [`Toponym`](crate::extract::Toponym).

pub mod actors;
pub mod dates;
pub mod id;
pub mod sentences;
pub mod types;

use crate::extract::{CharCounter, Toponym};
use crate::ingest::Document;
use serde::{Deserialize, Serialize};

/// One event, as written to event layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Deterministic: see [`id`].
    pub id: String,
    pub doc_id: String,
    /// `YYYY-MM-DD`; for week/month/year precision the first day of the
    /// period (weeks start on Monday). Null when there is no date at all.
    pub event_date: Option<String>,
    /// day, week, month or year; null with `event_date`.
    #[serde(deserialize_with = "crate::state::intern::opt")]
    pub date_precision: Option<crate::state::intern::Static>,
    /// How `event_date` was found: "explicit date", "yesterday",
    /// "weekday Friday before publication", "publication date", "no date", ...
    pub date_rule: String,
    /// The document's `published_at` in UTC (`2024-11-30T07:00:00Z`), or the
    /// bare date when it had no time; null when absent or unparsable.
    pub published_at: Option<String>,
    /// From the lexicon in [`types`]; `unclassified` when no cue matched.
    #[serde(deserialize_with = "crate::state::intern::one")]
    pub event_type: crate::state::intern::Static,
    /// The cue words that gave `event_type`, lower case, in sentence order.
    pub event_type_cues: Vec<String>,
    pub actors: Vec<String>,
    /// The gazetteer's name of the place; null when unresolved.
    pub place_name: Option<String>,
    /// The mention as written.
    pub mention_text: String,
    /// `geonames:170063`; null when unresolved.
    pub gazetteer_id: Option<String>,
    pub feature_code: Option<String>,
    #[serde(deserialize_with = "crate::state::intern::opt")]
    pub kind: Option<crate::state::intern::Static>,
    /// ISO 3166-1 alpha-2.
    pub country_code: Option<String>,
    /// GeoNames admin1 key (`SY.09`).
    pub admin1_code: Option<String>,
    /// continent, country, region, admin1, admin2, city; physical for
    /// natural features, site for other features; null when unresolved.
    #[serde(deserialize_with = "crate::state::intern::opt")]
    pub geo_precision: Option<crate::state::intern::Static>,
    /// True when the point stands for an area (continent, country, region,
    /// admin1, admin2): the event happened somewhere in it, not at the point.
    pub is_centroid: bool,
    /// WGS 84 degrees.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// The toponym's confidence that the place is right.
    pub confidence: f64,
    /// Code point offsets of the mention in the document text, end exclusive.
    pub char_start: usize,
    pub char_end: usize,
    /// Code point offsets of the sentence in the document text, end exclusive.
    pub sentence_char_start: usize,
    pub sentence_char_end: usize,
    pub is_metonym: bool,
    pub source_url: Option<String>,
    pub source_name: Option<String>,
    pub title: Option<String>,
    /// The sentence, whitespace collapsed, at most 280 characters (cut at a
    /// word boundary and ended with "…").
    pub snippet: String,
}

/// The longest snippet, in characters.
pub const SNIPPET_MAX: usize = 280;

fn geo_precision(kind: &str) -> &'static str {
    match kind {
        "continent" => "continent",
        "country" => "country",
        "region" => "region",
        "admin1" => "admin1",
        "admin2" => "admin2",
        "city" => "city",
        "physical" => "physical",
        _ => "site",
    }
}

fn is_area(kind: &str) -> bool {
    matches!(kind, "continent" | "country" | "region" | "admin1" | "admin2")
}

/// The sentence with whitespace collapsed, cut to [`SNIPPET_MAX`] characters.
pub fn snippet(sentence: &str) -> String {
    let collapsed = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= SNIPPET_MAX {
        return collapsed;
    }
    // Room for the ellipsis.
    let limit = collapsed.char_indices().nth(SNIPPET_MAX - 1).map_or(collapsed.len(), |(b, _)| b);
    let head = &collapsed[..limit];
    // Cut at the last space, unless the text is one giant word.
    let cut = match collapsed[limit..].starts_with(' ') {
        true => head,
        false => head.rfind(' ').map_or(head, |p| &head[..p]),
    };
    format!("{}…", cut.trim_end())
}

fn place_key(t: &Toponym) -> String {
    match &t.id {
        Some(id) => id.clone(),
        None => format!("name:{}", t.name),
    }
}

/// The events of one document (see the module documentation). Pure: reads
/// nothing but its arguments. Events come in text order.
pub fn document_events(doc: &Document, toponyms: &[Toponym]) -> Vec<Event> {
    let text = doc.text.as_str();
    let (published_at, reference) = dates::publication(doc.published_at.as_deref(), text);
    let acronyms = actors::document_acronyms(text);
    let mut sorted: Vec<&Toponym> =
        toponyms.iter().filter(|t| t.byte_start < t.byte_end && t.byte_end <= text.len()).collect();
    sorted.sort_by_key(|t| (t.byte_start, t.byte_end));

    let mut counter = CharCounter::new(text);
    let mut events = Vec::new();
    let mut next_topo = 0;
    for sent in sentences::split_sentences(text) {
        let sentence_char_start = counter.at(sent.start);
        let sentence_char_end = counter.at(sent.end);
        while next_topo < sorted.len() && sorted[next_topo].byte_start < sent.start {
            next_topo += 1;
        }
        let first = next_topo;
        while next_topo < sorted.len() && sorted[next_topo].byte_start < sent.end {
            next_topo += 1;
        }
        let inside = &sorted[first..next_topo];

        // One anchor a place: its first place mention, else its first metonym.
        let mut anchors: Vec<(String, &Toponym)> = Vec::new();
        for t in inside.iter().copied().filter(|t| matches!(t.mention_type, "place" | "metonym")) {
            let key = place_key(t);
            match anchors.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) if slot.1.mention_type == "metonym" && t.mention_type == "place" => slot.1 = t,
                Some(_) => {}
                None => anchors.push((key, t)),
            }
        }
        if anchors.is_empty() {
            continue;
        }
        anchors.sort_by_key(|(_, t)| t.byte_start);

        let sentence = sent.text(text);
        let date = dates::event_date(sentence, reference);
        let class = types::classify(sentence);
        let spans: Vec<actors::MentionSpan> = inside
            .iter()
            .map(|t| actors::MentionSpan {
                start: t.byte_start - sent.start,
                end: t.byte_end.min(sent.end) - sent.start,
                mention_type: t.mention_type,
            })
            .collect();
        let actor_list = actors::sentence_actors(sentence, &spans, &acronyms);
        let snip = snippet(sentence);

        for (key, t) in anchors {
            events.push(Event {
                id: id::event_id(&doc.id, sent.start, sent.end, &key),
                doc_id: doc.id.clone(),
                event_date: date.date.map(|d| d.to_string()),
                date_precision: date.precision.map(dates::Precision::as_str),
                date_rule: date.rule.clone(),
                published_at: published_at.clone(),
                event_type: class.event_type,
                event_type_cues: class.cues.clone(),
                actors: actor_list.clone(),
                place_name: t.resolved_name.clone(),
                mention_text: t.name.clone(),
                gazetteer_id: t.id.clone(),
                feature_code: t.feature_code.clone(),
                kind: t.kind,
                country_code: t.country_code.clone(),
                admin1_code: t.admin1_code.clone(),
                geo_precision: t.kind.map(geo_precision),
                is_centroid: t.kind.is_some_and(is_area),
                lat: t.lat,
                lon: t.lon,
                confidence: t.confidence,
                char_start: t.start,
                char_end: t.end,
                sentence_char_start,
                sentence_char_end,
                is_metonym: t.mention_type == "metonym",
                source_url: doc.url.clone(),
                source_name: doc.source.clone(),
                title: doc.title.clone(),
                snippet: snip.clone(),
            });
        }
    }
    events
}

#[cfg(test)]
mod tests;
