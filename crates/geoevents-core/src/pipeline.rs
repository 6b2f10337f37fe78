//! One document through every stage: recognition and resolution
//! ([`crate::resolve`]), its events ([`crate::events`]) and its focus. This
//! is what `extract` writes as one JSON line, and what the layers are built
//! from.

use crate::events::{document_events, Event};
use crate::gazetteer::Gazetteer;
use crate::ingest::Document;
use crate::resolve::focus::{document_focus, Focus};
use crate::resolve::{extract_toponyms_with, source_key, SourcePrior, SourcePriors, Toponym};
use rayon::prelude::*;
use serde::Serialize;

/// Everything geoevents finds in one document.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// Every place mention found, in text order, resolved or not (`place: None`).
    pub toponyms: Vec<Toponym>,
    /// Every event found, drawn or not ([`Event::is_drawn`]).
    pub events: Vec<Event>,
}

/// Geoparses one document: its toponyms, then its events.
pub fn extract(gaz: &Gazetteer, doc: &Document) -> Extraction {
    extract_with(gaz, doc, None)
}

/// [`extract`] with the prior of the document's source.
pub fn extract_with(gaz: &Gazetteer, doc: &Document, source_prior: Option<&SourcePrior>) -> Extraction {
    let toponyms = extract_toponyms_with(gaz, &doc.text, source_prior);
    let events = document_events(doc, &toponyms);
    Extraction { toponyms, events }
}

/// Geoparses a batch of documents in parallel, in input order. With
/// `priors`, each document that has a source (see [`source_key`]) is
/// resolved with the prior its source's earlier documents built (earlier in
/// input order, this batch and the batches before it), and then teaches it:
/// a first pass without priors, the prefix priors in order, a second pass
/// for the documents whose source has one. The result does not depend on
/// batch sizes or thread timing.
pub fn extract_batch(gaz: &Gazetteer, docs: &[Document], priors: Option<&mut SourcePriors>) -> Vec<Extraction> {
    let mut done: Vec<Extraction> = docs.par_iter().map(|doc| extract(gaz, doc)).collect();
    let Some(priors) = priors else { return done };
    let mut before: Vec<Option<SourcePrior>> = Vec::with_capacity(docs.len());
    for (doc, x) in docs.iter().zip(&done) {
        let key = source_key(doc.source.as_deref(), doc.url.as_deref());
        before.push(key.as_deref().and_then(|k| priors.get(k)).cloned());
        if let Some(k) = key {
            priors.learn(&k, &x.toponyms);
        }
    }
    done.par_iter_mut().zip(docs.par_iter().zip(before.par_iter())).for_each(|(x, (doc, prior))| {
        if let Some(prior) = prior {
            *x = extract_with(gaz, doc, Some(prior));
        }
    });
    done
}

/// As [`extract`], for callers with a deadline (`geoevents run` gives each
/// article one): `None` when `deadline` has passed once the toponyms are
/// found, so a document over its deadline does not go on to its events. The
/// stages themselves are not interrupted; their cost is linear in the text
/// (see `text::sentences::MAX_SENTENCE_BYTES` and `ingest::html`).
pub fn extract_until(gaz: &Gazetteer, doc: &Document, deadline: std::time::Instant) -> Option<Extraction> {
    let toponyms = extract_toponyms_with(gaz, &doc.text, None);
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
    /// The document's id ([`Document::id`]).
    pub id: &'a str,
    /// The document's title; left out of the JSON when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<&'a str>,
    /// The document's URL, as given; left out of the JSON when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// Who published it; left out of the JSON when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a str>,
    /// `published_at` as given in the input (not normalised to UTC; events carry the UTC form); left out when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<&'a str>,
    /// Every place mention, with code point offsets into the document text.
    pub toponyms: &'a [Toponym],
    /// The countries and places the document is mostly about.
    pub focus: Focus,
    /// Every event of the document, drawn or not.
    pub events: &'a [Event],
}

impl<'a> DocumentRecord<'a> {
    /// The record of document `doc` and its extraction `x`; computes the focus.
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
    //! Context across documents, on sentences written for these tests.

    use super::*;
    use crate::ingest::Origin;
    use crate::resolve::{SourcePriors, Toponym};
    use crate::text::sentences::MAX_SENTENCE_BYTES;

    fn gaz() -> &'static Gazetteer {
        static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        GAZ.get_or_init(Gazetteer::builtin)
    }

    fn toponym<'t>(toponyms: &'t [Toponym], name: &str) -> Option<&'t Toponym> {
        toponyms.iter().find(|t| t.name == name)
    }

    fn doc(id: &str, source: &str, text: &str) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            title: None,
            url: None,
            source: Some(source.into()),
            published_at: None,
            origin: crate::ingest::Origin { path: "test".into(), line: None },
        }
    }

    #[test]
    fn a_source_prior_makes_paris_the_texan_one_and_is_off_able() {
        let paper = "Lamar County Herald";
        let docs = vec![
            doc("1", paper, "The school board in Reno, Texas, met on Monday."),
            doc("2", paper, "Storms hit Clarksville and Honey Grove in Texas overnight."),
            doc("3", paper, "A new clinic opened in Sulphur Springs, Texas."),
            doc("4", paper, "The fair in Paris drew a record crowd this weekend."),
        ];
        let mut priors = SourcePriors::default();
        let with = extract_batch(gaz(), &docs, Some(&mut priors));
        let paris = toponym(&with[3].toponyms, "Paris").and_then(|t| t.place.clone()).expect("Paris");
        assert_eq!(paris.country_code.as_deref(), Some("US"), "{paris:?}");
        let reasons = &toponym(&with[3].toponyms, "Paris").expect("Paris").reasons;
        assert!(reasons.iter().any(|r| r.contains("the source writes about")), "{reasons:?}");
        let without = extract_batch(gaz(), &docs, None);
        let paris = toponym(&without[3].toponyms, "Paris").and_then(|t| t.place.clone()).expect("Paris");
        assert_eq!(paris.country_code.as_deref(), Some("FR"));
        // The same result whatever the batching.
        let mut priors = SourcePriors::default();
        let mut split = extract_batch(gaz(), &docs[..2], Some(&mut priors));
        split.extend(extract_batch(gaz(), &docs[2..], Some(&mut priors)));
        assert_eq!(split, with);
    }

    /// The probe's worst text: 1 MB of place names with no sentence
    /// punctuation took 97 s (per-sentence work grew with the square of the
    /// sentence). Sentences are now cut at `MAX_SENTENCE_BYTES`, so every
    /// event's sentence is short and the whole is linear: the test checks
    /// the cut on every event (speed itself is measured in `benches/`).
    #[test]
    fn a_megabyte_without_punctuation_is_geoparsed_in_bounded_sentences() {
        let names = ["Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Madrid", "Seville", "Cairo", "Lima"];
        let mut text = String::new();
        for i in 0.. {
            if text.len() >= 1_000_000 {
                break;
            }
            // An event cue in each clause, so that the event stage runs on
            // the unpunctuated text too.
            text.push_str("protesters marched in ");
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
        let x = extract(&Gazetteer::builtin(), &doc);
        assert!(x.toponyms.len() > 30_000, "{} toponyms", x.toponyms.len());
        assert!(!x.events.is_empty());
        let text_chars = doc.text.chars().count();
        for e in &x.events {
            assert!(e.sentence_char_end - e.sentence_char_start <= MAX_SENTENCE_BYTES, "{e:?}");
            assert!(e.char_start.is_none_or(|start| e.sentence_char_start <= start), "{e:?}");
            assert!(e.char_end.is_none_or(|end| end <= e.sentence_char_end), "{e:?}");
            assert!(e.sentence_char_end <= text_chars);
        }
    }
}
