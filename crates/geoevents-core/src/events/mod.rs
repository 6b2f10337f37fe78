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
//! The parts, one module each (sentences come from [`crate::text::sentences`]): [`dates`]
//! (publication date, event date and its rule, tense), [`types`] (event-type
//! lexicon), [`actors`], [`id`] (deterministic ids).
//!
//! Offsets: `char_start`/`char_end` and `sentence_char_*` are Unicode code
//! point offsets into `Document::text`, end exclusive, as in
//! [`Toponym`].

pub mod actors;
pub mod dates;
pub mod id;
pub mod types;

use crate::gazetteer::{Kind, PlaceRef};
use crate::ingest::Document;
use crate::resolve::{MentionType, Toponym};
use crate::text::offsets::CharCounter;
use crate::text::sentences;
use serde::{Deserialize, Serialize};
pub use types::EventType;

/// What an event's point stands for, from the kind of its place: written in
/// lower case (`city`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoPrecision {
    Continent,
    Country,
    Region,
    Admin1,
    Admin2,
    City,
    /// A natural feature: a sea, river, mountain range.
    Physical,
    /// Any other feature.
    Site,
}

impl GeoPrecision {
    pub fn of(kind: Kind) -> GeoPrecision {
        match kind {
            Kind::Continent => GeoPrecision::Continent,
            Kind::Country => GeoPrecision::Country,
            Kind::Region => GeoPrecision::Region,
            Kind::Admin1 => GeoPrecision::Admin1,
            Kind::Admin2 => GeoPrecision::Admin2,
            Kind::City => GeoPrecision::City,
            Kind::Physical => GeoPrecision::Physical,
            Kind::Other => GeoPrecision::Site,
        }
    }

    /// The name as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            GeoPrecision::Continent => "continent",
            GeoPrecision::Country => "country",
            GeoPrecision::Region => "region",
            GeoPrecision::Admin1 => "admin1",
            GeoPrecision::Admin2 => "admin2",
            GeoPrecision::City => "city",
            GeoPrecision::Physical => "physical",
            GeoPrecision::Site => "site",
        }
    }
}

/// One event, as written to the JSONL and the event layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Deterministic: see [`id`].
    pub id: String,
    pub doc_id: String,
    /// `YYYY-MM-DD`; for week/month/year precision the first day of the
    /// period (weeks start on Monday). Null when there is no date at all.
    pub event_date: Option<String>,
    /// Null with `event_date`.
    pub date_precision: Option<dates::Precision>,
    /// How `event_date` was found: "explicit date", "yesterday",
    /// "weekday Friday before publication", "publication date", "no date", ...
    pub date_rule: String,
    /// The document's `published_at` in UTC (`2024-11-30T07:00:00Z`), or the
    /// bare date when it had no time; null when absent or unparsable.
    pub published_at: Option<String>,
    /// From the lexicon in [`types`]; `unclassified` when no cue matched.
    pub event_type: EventType,
    /// The cue words that gave `event_type`, lower case, in sentence order.
    pub event_type_cues: Vec<String>,
    pub actors: Vec<String>,
    /// Where: the gazetteer place; null when the name resolved to nothing.
    pub place: Option<PlaceRef>,
    /// The mention as written.
    pub mention_text: String,
    /// What the point stands for; null when unresolved.
    pub geo_precision: Option<GeoPrecision>,
    /// True when the point stands for an area (continent, country, region,
    /// admin1, admin2): the event happened somewhere in it, not at the point.
    pub is_centroid: bool,
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

impl Event {
    /// Drawn on the map: it has coordinates and is not a metonym.
    pub fn is_drawn(&self) -> bool {
        self.place.is_some() && !self.is_metonym
    }
}

/// The longest snippet, in characters.
pub const SNIPPET_MAX: usize = 280;

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
    let cut = if collapsed[limit..].starts_with(' ') { head } else { head.rfind(' ').map_or(head, |p| &head[..p]) };
    format!("{}…", cut.trim_end())
}

fn place_key(t: &Toponym) -> String {
    match &t.place {
        Some(p) => p.id.clone(),
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
        for t in inside.iter().copied().filter(|t| matches!(t.mention_type, MentionType::Place | MentionType::Metonym))
        {
            let key = place_key(t);
            match anchors.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) if slot.1.mention_type == MentionType::Metonym && t.mention_type == MentionType::Place => {
                    slot.1 = t;
                }
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
            let kind = t.place.as_ref().map(|p| p.kind);
            events.push(Event {
                id: id::event_id(&doc.id, sent.start, sent.end, &key),
                doc_id: doc.id.clone(),
                event_date: date.date.map(|d| d.to_string()),
                date_precision: date.precision,
                date_rule: date.rule.clone(),
                published_at: published_at.clone(),
                event_type: class.event_type,
                event_type_cues: class.cues.clone(),
                actors: actor_list.clone(),
                place: t.place.clone(),
                mention_text: t.name.clone(),
                geo_precision: kind.map(GeoPrecision::of),
                is_centroid: t.place.as_ref().is_some_and(PlaceRef::is_area),
                confidence: t.confidence,
                char_start: t.start,
                char_end: t.end,
                sentence_char_start,
                sentence_char_end,
                is_metonym: t.mention_type == MentionType::Metonym,
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
