//! The event protocols of `geoevents eval`: event locations and ACLED
//! records (`../shared/eval/README.md`, "Event locations", "ACLED records").
//! Each sentence or row is extracted as its own document, with the full
//! pipeline, exactly as `extract` would.

use super::eval::EvalArgs;
use super::{CliError, CliResult, Exit};
use geoevents_core::events::model::{self, features::LOCATION_FEATURES, Models};
use geoevents_core::events::{document_events_with, Event, Trace};
use geoevents_core::gazetteer::spatial::distance_km;
use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::ingest::{Document, Origin};
use geoevents_core::resolve::extract_toponyms;
use geoevents_eval::acled::{read_acled, AcledAccumulator, AcledPrediction};
use geoevents_eval::event_locations::{read_locations, LocationAccumulator, PredictedSpan};
use rayon::prelude::*;
use serde_json::json;
use std::io::Write as _;

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

/// The training hooks of both modes: `--event-models`, `--ids`,
/// `--dump-features` (see `benches/train_events.py`).
struct Training {
    dump: Option<std::io::BufWriter<std::fs::File>>,
    dump_path: Option<std::path::PathBuf>,
    ids: Option<std::collections::HashSet<String>>,
}

impl Training {
    fn open(args: &EvalArgs) -> Result<Training, CliError> {
        if let Some(dir) = &args.event_models {
            let m = Models::from_dir(dir).map_err(|e| CliError::bad_input(e.to_string()))?;
            model::use_models(m).map_err(internal)?;
        }
        let ids = match &args.ids {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| CliError::new(Exit::InputUnreadable, format!("{}: {e}", p.display())))?;
                Some(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
            }
            None => None,
        };
        let dump = match &args.dump_features {
            Some(p) => {
                let f = std::fs::File::create(p).map_err(|e| CliError::output(p, e))?;
                let mut w = std::io::BufWriter::new(f);
                let header = json!({"location_features": LOCATION_FEATURES});
                writeln!(w, "{header}").map_err(|e| CliError::output(p, e))?;
                Some(w)
            }
            None => None,
        };
        Ok(Training { dump, dump_path: args.dump_features.clone(), ids })
    }

    fn keeps(&self, id: &str) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.contains(id))
    }

    fn tracing(&self) -> bool {
        self.dump.is_some()
    }

    fn write(&mut self, line: &serde_json::Value) -> Result<(), CliError> {
        if let (Some(w), Some(p)) = (self.dump.as_mut(), self.dump_path.as_ref()) {
            writeln!(w, "{line}").map_err(|e| CliError::output(p, e))?;
        }
        Ok(())
    }

    fn finish(self) -> Result<(), CliError> {
        if let (Some(mut w), Some(p)) = (self.dump, self.dump_path) {
            w.flush().map_err(|e| CliError::output(&p, e))?;
        }
        Ok(())
    }
}

/// Extraction as `extract` does it, with the models' trace when asked.
fn events_of(gaz: &Gazetteer, doc: &Document, tracing: bool) -> (Vec<Event>, Option<Trace>) {
    let toponyms = extract_toponyms(gaz, &doc.text);
    let mut trace = tracing.then(Trace::default);
    let events = document_events_with(doc, &toponyms, model::models(), trace.as_mut());
    (events, trace)
}

/// The events drawn on the map by default.
fn drawn(events: &[Event]) -> impl Iterator<Item = &Event> {
    events.iter().filter(|e| e.is_drawn())
}

/// `--mode events`: span overlap between drawn events and labelled locations.
pub fn run_locations(gaz: &Gazetteer, args: &EvalArgs) -> CliResult {
    let mut training = Training::open(args)?;
    let mut docs = read_locations(&args.gold).map_err(|e| CliError::bad_input(e.to_string()))?;
    docs.retain(|d| training.keeps(&d.id));
    if docs.is_empty() {
        return Err(CliError::bad_input(format!("{}: no sentences", args.gold.display())));
    }
    let started = std::time::Instant::now();
    let tracing = training.tracing();
    let predictions: Vec<(Vec<Event>, Option<Trace>)> =
        docs.par_iter().map(|d| events_of(gaz, &document(&d.id, &d.text, None), tracing)).collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut acc = LocationAccumulator::default();
    let mut errors = Vec::new();
    for (doc, (events, trace)) in docs.iter().zip(&predictions) {
        let spans: Vec<PredictedSpan> =
            drawn(events).filter_map(|e| Some(PredictedSpan { start: e.char_start?, end: e.char_end? })).collect();
        let outcome = acc.add(&doc.locations, &spans);
        if let Some(trace) = trace {
            let overlaps = |s: usize, e: usize| doc.locations.iter().any(|g| s < g.end && g.start < e);
            let labels: Vec<bool> = trace.mentions.iter().map(|m| overlaps(m.char_start, m.char_end)).collect();
            training.write(&json!({"id": doc.id, "source": doc.source, "trace": trace, "gold_overlap": labels,
                "outcome": {"tp": outcome.tp, "fp": outcome.fp, "fn": outcome.fn_}}))?;
        }
        if args.errors && (outcome.fp > 0 || outcome.fn_ > 0) {
            let gold: Vec<&str> = doc.locations.iter().map(|l| l.text.as_str()).collect();
            let predicted: Vec<&str> = drawn(events).filter_map(|e| e.mention_text.as_deref()).collect();
            errors.push(json!({"id": doc.id, "fp": outcome.fp, "fn": outcome.fn_, "gold": gold,
                "predicted": predicted, "text": doc.text}));
        }
    }
    training.finish()?;
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
    let mut training = Training::open(args)?;
    let (mut rows, incomplete) = read_acled(&args.gold).map_err(|e| CliError::bad_input(e.to_string()))?;
    rows.retain(|r| training.keeps(&r.id));
    if rows.is_empty() {
        return Err(CliError::bad_input(format!("{}: no records", args.gold.display())));
    }
    let started = std::time::Instant::now();
    let tracing = training.tracing();
    let predictions: Vec<(Vec<Event>, Option<Trace>)> = rows
        .par_iter()
        .map(|r| events_of(gaz, &document(&r.id, &r.notes, Some(r.event_date.to_string())), tracing))
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut acc = AcledAccumulator::default();
    let mut errors = Vec::new();
    for (row, (events, trace)) in rows.iter().zip(&predictions) {
        let best = best_event(events);
        let p = best.and_then(prediction);
        let outcome = acc.add(row, p.as_ref(), drawn(events).count());
        if let Some(trace) = trace {
            let km: Vec<f64> = trace
                .mentions
                .iter()
                .map(|m| (distance_km(m.lat, m.lon, row.lat, row.lon) * 10.0).round() / 10.0)
                .collect();
            training.write(&json!({"id": row.id, "source": row.source, "country": row.country, "trace": trace,
                "gold_km": km, "gold_sub_event_type": row.sub_event_type, "gold_fatalities": row.fatalities,
                "predicted_fatalities": p.as_ref().map(|p| p.fatalities), "outcome": outcome}))?;
        }
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
    training.finish()?;
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
