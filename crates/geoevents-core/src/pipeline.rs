//! One document through every stage: recognition and resolution
//! ([`crate::resolve`]), its events ([`crate::events`]) and its focus. This
//! is what `extract` writes as one JSON line, and what the layers are built
//! from.

use crate::events::{document_events, Event};
use crate::gazetteer::Gazetteer;
use crate::ingest::Document;
use crate::resolve::focus::{document_focus, Focus};
use crate::resolve::{extract_toponyms, Toponym};
use serde::Serialize;

/// Everything geoevents finds in one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub toponyms: Vec<Toponym>,
    pub events: Vec<Event>,
}

/// Geoparses one document: its toponyms, then its events.
pub fn extract(gaz: &Gazetteer, doc: &Document) -> Extraction {
    let toponyms = extract_toponyms(gaz, &doc.text);
    let events = document_events(doc, &toponyms);
    Extraction { toponyms, events }
}

/// As [`extract`], for callers with a deadline (`geoevents run` gives each
/// article one): `None` when `deadline` has passed once the toponyms are
/// found, so a document over its deadline does not go on to its events. The
/// stages themselves are not interrupted; their cost is linear in the text
/// (see `text::sentences::MAX_SENTENCE_BYTES` and `ingest::html`).
pub fn extract_until(gaz: &Gazetteer, doc: &Document, deadline: std::time::Instant) -> Option<Extraction> {
    let toponyms = extract_toponyms(gaz, &doc.text);
    if std::time::Instant::now() >= deadline {
        return None;
    }
    let events = document_events(doc, &toponyms);
    Some(Extraction { toponyms, events })
}

/// One line of `extract` JSONL output: the document's own fields, then its
/// toponyms, focus and events.
#[derive(Serialize)]
pub struct DocumentRecord<'a> {
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<&'a str>,
    pub toponyms: &'a [Toponym],
    pub focus: Focus,
    pub events: &'a [Event],
}

impl<'a> DocumentRecord<'a> {
    pub fn new(doc: &'a Document, x: &'a Extraction) -> DocumentRecord<'a> {
        DocumentRecord {
            id: &doc.id,
            title: doc.title.as_deref(),
            url: doc.url.as_deref(),
            source: doc.source.as_deref(),
            published_at: doc.published_at.as_deref(),
            toponyms: &x.toponyms,
            focus: document_focus(&x.toponyms),
            events: &x.events,
        }
    }
}

/// The JSONL line of an extraction, newline included.
pub fn document_line(doc: &Document, x: &Extraction) -> Result<String, serde_json::Error> {
    let mut line = serde_json::to_string(&DocumentRecord::new(doc, x))?;
    line.push('\n');
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Origin;
    use crate::text::sentences::MAX_SENTENCE_BYTES;

    /// The probe's worst text: 1 MB of place names with no sentence
    /// punctuation took 97 s (per-sentence work grew with the square of the
    /// sentence). Sentences are now cut at `MAX_SENTENCE_BYTES`, so every
    /// event's sentence is short and the whole is linear. The time bound
    /// only tells quadratic (minutes) from linear (a second or two).
    #[test]
    fn a_megabyte_without_punctuation_is_geoparsed_in_bounded_sentences() {
        let names = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Madrid", "Seville", "Cairo", "Lima"];
        let mut text = String::new();
        for i in 0.. {
            if text.len() >= 1_000_000 {
                break;
            }
            text.push_str(names[i % names.len()]);
            text.push(' ');
        }
        let doc = Document {
            id: "names".into(),
            text,
            title: None,
            url: None,
            source: None,
            published_at: None,
            origin: Origin { path: "names".into(), line: None },
        };
        let started = std::time::Instant::now();
        let x = extract(&Gazetteer::builtin(), &doc);
        assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
        assert!(x.toponyms.len() > 100_000, "{} toponyms", x.toponyms.len());
        assert!(!x.events.is_empty());
        let text_chars = doc.text.chars().count();
        for e in &x.events {
            assert!(e.sentence_char_end - e.sentence_char_start <= MAX_SENTENCE_BYTES, "{e:?}");
            assert!(e.sentence_char_start <= e.char_start && e.char_end <= e.sentence_char_end);
            assert!(e.sentence_char_end <= text_chars);
        }
    }
}
