//! `geoevents eval GOLD`: runs extraction on each gold document and scores it.
//!
//! Three protocols (`../shared/eval/README.md`), chosen by `--mode` or by the
//! file's shape: toponyms (JSONL with `toponyms`: the standard protocol of
//! `geoevents_eval::score`), event locations (JSONL with `locations`:
//! `geoevents_eval::event_locations`) and ACLED records (a `.csv` file:
//! `geoevents_eval::acled`).

use super::{CliError, CliResult, Exit, GlobalArgs};
use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::resolve::{extract_toponyms, MentionType, Toponym};
use geoevents_eval::gold::{read_gold, GoldDoc, GoldError};
use geoevents_eval::partial::{false_positive_policy, matched_predictions};
use geoevents_eval::score::{Accumulator, Predicted, ScoreOptions};
use rayon::prelude::*;
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Counted {
    /// Follow the corpus: count what its annotation categories say it annotates.
    Auto,
    /// Count every mention (places, demonyms, metonyms, names inside other names).
    All,
    /// Count only literal and metonymic place mentions.
    Literal,
}

/// Which protocol scores the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// From the file: `.csv` is ACLED records, JSONL with `locations` event locations, else toponyms.
    Auto,
    /// Toponym recognition and resolution (GeoWebNews, GeoVirus, WikToR).
    Toponyms,
    /// Where events are drawn (hand-labelled event locations).
    Events,
    /// ACLED records: location, types and fatalities of each row's event.
    Acled,
}

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A gold corpus: JSONL (toponyms or event locations) or an ACLED CSV export, see shared/eval/README.md.
    #[arg(value_name = "GOLD")]
    pub gold: PathBuf,
    /// The protocol; `auto` reads it off the file.
    #[arg(long, value_enum, default_value_t = Mode::Auto)]
    pub mode: Mode,
    /// Score only gold toponyms that have a GeoNames id (GeoWebNews practice).
    #[arg(long)]
    pub require_geonameid: bool,
    /// Which mention types count as toponyms.
    #[arg(long, value_enum, default_value_t = Counted::Auto)]
    pub count: Counted,
    /// Also list misses, false positives and far-off placements (JSON lines after the scores).
    #[arg(long)]
    pub errors: bool,
    /// Training only (benches/train_events.py): write each scored row's
    /// event-model features, gold labels and outcome to this JSONL file.
    #[arg(long, hide = true, value_name = "OUT.jsonl")]
    pub dump_features: Option<PathBuf>,
    /// Training only: read location.model and sub_event.model from this
    /// folder instead of the built-in event models.
    #[arg(long, hide = true, value_name = "DIR")]
    pub event_models: Option<PathBuf>,
    /// Training only: score only the rows whose ids this file lists, one a line.
    #[arg(long, hide = true, value_name = "IDS.txt")]
    pub ids: Option<PathBuf>,
    /// Whether predictions that match no gold span count as false positives.
    /// `auto` ignores them for a corpus that annotates one place per
    /// document (WikToR); precision and F1 are then null.
    #[arg(long, value_enum, default_value_t = FalsePositives::Auto)]
    pub false_positives: FalsePositives,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FalsePositives {
    /// Ignore them when every document annotates one place only (WikToR), count them otherwise.
    Auto,
    /// Count them (precision and F1 are reported).
    Count,
    /// Ignore them: only recall and the distance figures mean something.
    Ignore,
}

/// Which of our mention types a corpus annotates, read off its categories:
/// GeoWebNews marks demonyms and modifiers (`*_Modifier`, `Demonym`) and
/// names inside other names (`Embedded_*`); a corpus without categories
/// (GeoVirus) annotates literal place mentions only.
fn counted_types(docs: &[GoldDoc], count: Counted) -> (Vec<MentionType>, &'static str) {
    let categories: Vec<&str> =
        docs.iter().flat_map(|d| d.toponyms.iter().filter_map(|t| t.category.as_deref())).collect();
    let has = |p: &dyn Fn(&str) -> bool| categories.iter().any(|c| p(c));
    match count {
        Counted::All => {
            (vec![MentionType::Place, MentionType::Metonym, MentionType::Demonym, MentionType::Embedded], "--count all")
        }
        Counted::Literal => (vec![MentionType::Place, MentionType::Metonym], "--count literal"),
        Counted::Auto => {
            let mut types = vec![MentionType::Place, MentionType::Metonym];
            if has(&|c| c.contains("Modifier") || c == "Demonym") {
                types.push(MentionType::Demonym);
            }
            if has(&|c| c.starts_with("Embedded")) {
                types.push(MentionType::Embedded);
            }
            let why = if categories.is_empty() {
                "the corpus has no annotation categories: literal places only"
            } else {
                "from the corpus's annotation categories"
            };
            (types, why)
        }
    }
}

pub fn run(global: &GlobalArgs, args: &EvalArgs) -> CliResult {
    let gaz = Gazetteer::choose(global.gazetteer.as_deref())?;
    match resolve_mode(args)? {
        Mode::Events => return super::eval_events::run_locations(&gaz, args),
        Mode::Acled => return super::eval_events::run_acled(&gaz, args),
        Mode::Toponyms | Mode::Auto => {}
    }
    let docs = read_gold(&args.gold).map_err(|e| match e {
        GoldError::Io { .. } => CliError::new(Exit::InputUnreadable, e.to_string()),
        GoldError::BadLine { .. } => CliError::bad_input(e.to_string()),
    })?;
    if docs.is_empty() {
        return Err(CliError::bad_input(format!("{}: no documents", args.gold.display())));
    }
    let (types, why) = counted_types(&docs, args.count);
    let started = std::time::Instant::now();
    let predictions: Vec<Vec<Toponym>> = docs.par_iter().map(|d| extract_toponyms(&gaz, &d.text)).collect();
    let seconds = started.elapsed().as_secs_f64();
    let opts = ScoreOptions { require_geonameid: args.require_geonameid };
    let policy = false_positive_policy(
        &docs,
        match args.false_positives {
            FalsePositives::Auto => None,
            FalsePositives::Count => Some(true),
            FalsePositives::Ignore => Some(false),
        },
    );
    let mut unmatched_ignored = 0usize;
    let mut acc = Accumulator::new(opts).with_errors(args.errors);
    for (doc, toponyms) in docs.iter().zip(&predictions) {
        let preds: Vec<Predicted> = toponyms
            .iter()
            .filter(|t| types.contains(&t.mention_type))
            .map(|t| Predicted {
                start: t.start,
                end: t.end,
                name: t.name.clone(),
                lat: t.place.as_ref().map(|p| p.lat),
                lon: t.place.as_ref().map(|p| p.lon),
            })
            .collect();
        if policy.counted {
            acc.add_doc(doc, &preds);
        } else {
            let kept = matched_predictions(doc, &preds, opts);
            unmatched_ignored += preds.len() - kept.len();
            acc.add_doc(doc, &kept);
        }
    }
    let scores = acc.finish();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut out = serde_json::to_value(&scores).map_err(|e| CliError::new(Exit::Internal, e.to_string()))?;
    if let Some(o) = out.as_object_mut() {
        o.insert("corpus".into(), json!(args.gold.display().to_string()));
        o.insert("require_geonameid".into(), json!(args.require_geonameid));
        o.insert("counted_mention_types".into(), json!(types));
        o.insert("counted_because".into(), json!(why));
        o.insert("false_positives_counted".into(), json!(policy.counted));
        o.insert("false_positives_because".into(), json!(policy.because));
        if !policy.counted {
            o.insert("precision".into(), serde_json::Value::Null);
            o.insert("f1".into(), serde_json::Value::Null);
            o.insert("unmatched_predictions_ignored".into(), json!(unmatched_ignored));
        }
        o.insert("extract_seconds".into(), json!((seconds * 1000.0).round() / 1000.0));
        o.insert("text_bytes".into(), json!(bytes));
    }
    println!("{out}");
    if args.errors {
        for e in acc.errors() {
            println!("{}", serde_json::to_string(e).unwrap_or_default());
        }
    }
    Ok(Exit::Ok)
}

/// The protocol for `args`: as asked, or read off the file (extension `.csv`:
/// ACLED; else the first non-blank JSON line: `locations` means event locations).
fn resolve_mode(args: &EvalArgs) -> Result<Mode, CliError> {
    if args.mode != Mode::Auto {
        return Ok(args.mode);
    }
    if args.gold.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        return Ok(Mode::Acled);
    }
    let file = std::fs::File::open(&args.gold)
        .map_err(|e| CliError::new(Exit::InputUnreadable, format!("{}: {e}", args.gold.display())))?;
    let first = std::io::BufRead::lines(std::io::BufReader::new(file))
        .map_while(Result::ok)
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    Ok(if geoevents_eval::event_locations::looks_like_locations(&first) { Mode::Events } else { Mode::Toponyms })
}
