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
