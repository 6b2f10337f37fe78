//! The event protocols of `geoevents eval`: event locations and ACLED
//! records (`../shared/eval/README.md`, "Event locations", "ACLED records").
//! Each sentence or row is extracted as its own document, with the full
//! pipeline, exactly as `extract` would.

use super::eval::EvalArgs;
use super::{CliError, CliResult, Exit};
use geoevents_core::events::Event;
use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::ingest::{Document, Origin};
use geoevents_core::pipeline::extract;
use geoevents_eval::acled::{read_acled, AcledAccumulator, AcledPrediction};
use geoevents_eval::event_locations::{read_locations, LocationAccumulator, PredictedSpan};
use rayon::prelude::*;
use serde_json::json;

fn document(id: &str, text: &str, published_at: Option<String>) -> Document {
    Document {
        id: id.to_string(),
        text: text.to_string(),
        title: None,
        url: None,
        source: None,
        published_at,
        origin: Origin { path: "eval".into(), line: None },
    }
}

fn internal(e: impl std::fmt::Display) -> CliError {
    CliError::new(Exit::Internal, e.to_string())
}

fn rounded(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

/// The events drawn on the map by default.
fn drawn(events: &[Event]) -> impl Iterator<Item = &Event> {
    events.iter().filter(|e| e.is_drawn())
}

/// `--mode events`: span overlap between drawn events and labelled locations.
pub fn run_locations(gaz: &Gazetteer, args: &EvalArgs) -> CliResult {
    let docs = read_locations(&args.gold).map_err(|e| CliError::bad_input(e.to_string()))?;
    if docs.is_empty() {
        return Err(CliError::bad_input(format!("{}: no sentences", args.gold.display())));
    }
    let started = std::time::Instant::now();
    let predictions: Vec<Vec<Event>> =
        docs.par_iter().map(|d| extract(gaz, &document(&d.id, &d.text, None)).events).collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut acc = LocationAccumulator::default();
    let mut errors = Vec::new();
    for (doc, events) in docs.iter().zip(&predictions) {
        let spans: Vec<PredictedSpan> =
            drawn(events).filter_map(|e| Some(PredictedSpan { start: e.char_start?, end: e.char_end? })).collect();
        let outcome = acc.add(&doc.locations, &spans);
        if args.errors && (outcome.fp > 0 || outcome.fn_ > 0) {
            let gold: Vec<&str> = doc.locations.iter().map(|l| l.text.as_str()).collect();
            let predicted: Vec<&str> = drawn(events).filter_map(|e| e.mention_text.as_deref()).collect();
            errors.push(json!({"id": doc.id, "fp": outcome.fp, "fn": outcome.fn_, "gold": gold,
                "predicted": predicted, "text": doc.text}));
        }
    }
    let mut out = serde_json::to_value(acc.finish()).map_err(internal)?;
    if let Some(o) = out.as_object_mut() {
        o.insert("corpus".into(), json!(args.gold.display().to_string()));
        o.insert("mode".into(), json!("events"));
        o.insert("extract_seconds".into(), json!(rounded(seconds)));
    }
    println!("{out}");
    for e in errors {
        println!("{e}");
    }
    Ok(Exit::Ok)
}

/// The most confident drawn event of a row (ties: the earlier in the text).
fn best_event(events: &[Event]) -> Option<&Event> {
    drawn(events).fold(None, |best: Option<&Event>, e| match best {
        Some(b) if b.confidence >= e.confidence => Some(b),
        _ => Some(e),
    })
}

fn prediction(e: &Event) -> Option<AcledPrediction> {
    let place = e.place.as_ref()?;
    Some(AcledPrediction {
        lat: place.lat,
        lon: place.lon,
        event_type: e.acled_event_type.map(|t| t.as_str().to_string()),
        sub_event_type: e.acled_sub_event_type.map(|t| t.as_str().to_string()),
        fatalities: e.fatalities,
    })
}

/// `--mode acled`: each row's notes as a document published on its event date.
pub fn run_acled(gaz: &Gazetteer, args: &EvalArgs) -> CliResult {
    let (rows, incomplete) = read_acled(&args.gold).map_err(|e| CliError::bad_input(e.to_string()))?;
    if rows.is_empty() {
        return Err(CliError::bad_input(format!("{}: no records", args.gold.display())));
    }
    let started = std::time::Instant::now();
    let predictions: Vec<Vec<Event>> = rows
        .par_iter()
        .map(|r| extract(gaz, &document(&r.id, &r.notes, Some(r.event_date.to_string()))).events)
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut acc = AcledAccumulator::default();
    let mut errors = Vec::new();
    for (row, events) in rows.iter().zip(&predictions) {
        let best = best_event(events);
        let p = best.and_then(prediction);
        let outcome = acc.add(row, p.as_ref(), drawn(events).count());
        let wrong = !outcome.km.is_some_and(|k| k < geoevents_eval::acled::NEAR_KM)
            || !outcome.sub_event_type_ok
            || !outcome.fatalities_ok;
        if args.errors && wrong {
            errors.push(json!({"id": row.id, "km": outcome.km.map(f64::round),
                "gold": {"type": row.sub_event_type, "fatalities": row.fatalities, "lat": row.lat, "lon": row.lon},
                "predicted": p.as_ref().map(|p| json!({"type": p.sub_event_type, "fatalities": p.fatalities,
                    "place": best.map(|e| e.mention_text.clone())})),
                "drawn": outcome.drawn, "notes": row.notes}));
        }
    }
    let mut out = serde_json::to_value(acc.finish()).map_err(internal)?;
    if let Some(o) = out.as_object_mut() {
        o.insert("corpus".into(), json!(args.gold.display().to_string()));
        o.insert("mode".into(), json!("acled"));
        o.insert("incomplete_records_skipped".into(), json!(incomplete));
        o.insert("extract_seconds".into(), json!(rounded(seconds)));
    }
    println!("{out}");
    for e in errors {
        println!("{e}");
    }
    Ok(Exit::Ok)
}
