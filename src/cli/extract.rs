//! `geoevents extract`: documents in; their place mentions out as JSONL,
//! and/or their events as map layers.

use super::output::Sink;
use super::{CliError, CliResult, Exit, GlobalArgs};
use geoevents_core::events::merge::{merge, merged_ids, MergeKey};
use geoevents_core::events::Modality;
use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::ingest::{read_inputs, Document, IngestError, InputFormat, ReadOptions};
use geoevents_core::layers::areas::BuiltinAreas;
use geoevents_core::layers::records::{areas_layer, events_layer_drawing, places_layer, DocumentResult};
use geoevents_core::layers::{write_layer_set, AnyLayer, LayerFormat, SetOptions};
use geoevents_core::pipeline::{extract_batch, Extraction};
use geoevents_core::resolve::SourcePriors;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

/// What `--format` may ask for: the JSONL of mentions, or layer formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Jsonl,
    Layer(LayerFormat),
}

/// A `--format` that is none of those.
#[derive(Debug, thiserror::Error)]
#[error("unknown format {0:?}: expected jsonl, geojson, geojsonseq, csv, gpkg, flatgeobuf or geoparquet")]
pub struct UnknownFormat(String);

impl std::str::FromStr for OutputFormat {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, UnknownFormat> {
        if s.eq_ignore_ascii_case("jsonl") {
            return Ok(OutputFormat::Jsonl);
        }
        s.parse::<LayerFormat>().map(OutputFormat::Layer).map_err(|_| UnknownFormat(s.to_string()))
    }
}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or directories (read recursively) of .txt, .html or .jsonl; `-` or nothing for standard input.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Read every input as this format instead of going by extension.
    #[arg(long, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Output formats, several allowed (comma-separated or repeated): jsonl
    /// (mentions, one line per document), geojson, geojsonseq, csv, gpkg,
    /// flatgeobuf, geoparquet (layers). Default: jsonl, or geojson with --layers.
    #[arg(long, value_name = "FORMAT", value_delimiter = ',')]
    pub format: Vec<OutputFormat>,
    /// Write the map layers (events, places, areas) into this folder.
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "output")]
    pub layers: Option<PathBuf>,
    /// Write the JSONL here (replaced atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Go on past unreadable documents and bad lines, counting them.
    #[arg(long)]
    pub skip_bad: bool,
    /// Refuse documents larger than this many bytes (a file, a page or one JSONL line).
    #[arg(long, value_name = "BYTES", default_value_t = geoevents_core::ingest::DEFAULT_MAX_DOCUMENT_BYTES)]
    pub max_document_bytes: usize,
    /// Resolve each document on its own, without the prior that documents of
    /// the same source (JSONL `source`, else the host of `url`) build of the
    /// places it writes about.
    #[arg(long)]
    pub no_source_prior: bool,
    /// Which event modalities the layers draw (reported, planned, threatened, hypothetical, denied).
    #[arg(long, value_name = "MODALITY", value_delimiter = ',', default_value = "reported")]
    pub draw: Vec<DrawModality>,
}

/// An event modality, as `--draw` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DrawModality {
    Reported,
    Planned,
    Threatened,
    Hypothetical,
    Denied,
}

impl From<DrawModality> for Modality {
    fn from(m: DrawModality) -> Modality {
        match m {
            DrawModality::Reported => Modality::Reported,
            DrawModality::Planned => Modality::Planned,
            DrawModality::Threatened => Modality::Threatened,
            DrawModality::Hypothetical => Modality::Hypothetical,
            DrawModality::Denied => Modality::Denied,
        }
    }
}

/// Documents are geoparsed in parallel in batches of about this many bytes;
/// output keeps input order.
const BATCH_BYTES: usize = 2 << 20;

/// The JSONL line of a processed document (with its newline).
pub fn document_line(doc: &Document, x: &Extraction) -> Result<String, CliError> {
    geoevents_core::pipeline::document_line(doc, x)
        .map_err(|e| CliError::new(Exit::Internal, format!("{}: {e}", doc.id)))
}

pub fn run(global: &GlobalArgs, args: &ExtractArgs) -> CliResult {
    let gaz = Gazetteer::choose(global.gazetteer.as_deref())?;
    let inputs = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    let layer_formats: Vec<LayerFormat> = {
        let mut f: Vec<LayerFormat> =
            args.format.iter().filter_map(|f| if let OutputFormat::Layer(l) = f { Some(*l) } else { None }).collect();
        if f.is_empty() && args.layers.is_some() {
            f.push(LayerFormat::Geojson);
        }
        f.sort();
        f.dedup();
        f
    };
    let want_jsonl = args.format.contains(&OutputFormat::Jsonl)
        || (args.format.is_empty() && args.layers.is_none())
        || args.output.is_some();
    let layers_dir = match (&args.layers, layer_formats.is_empty()) {
        (Some(d), _) => Some(d.clone()),
        (None, false) => Some(PathBuf::from("output")),
        (None, true) => None,
    };
    let out_path = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    // Temporaries that killed runs left where we are about to write.
    for folder in args.output.as_deref().map(super::output::folder_of).into_iter().chain(layers_dir.clone()) {
        for removed in super::output::sweep_stale_temporaries(&folder) {
            eprintln!("geoevents: removed the stale temporary file {}", removed.display());
        }
    }
    let sink = if want_jsonl {
        Some(Sink::open(args.output.as_deref()).map_err(|e| CliError::output(&out_path, e))?)
    } else {
        None
    };
    let modalities: Vec<Modality> = args.draw.iter().map(|m| Modality::from(*m)).collect();
    // The JSONL is staged in a temporary file while the documents stream, with
    // only compact merge keys kept, then copied to the output with each drawn
    // event's `merged_into` filled in (cross-article merging needs them all).
    let mut staged = if want_jsonl {
        Some(std::io::BufWriter::new(tempfile::tempfile().map_err(|e| CliError::output(&out_path, e))?))
    } else {
        None
    };
    let mut merge_keys: Vec<MergeKey> = Vec::new();
    let opts = ReadOptions { format: args.input_format, max_document_bytes: args.max_document_bytes };

    // What the layers need of every document, kept once it is written out.
    let mut kept: Vec<Extraction> = Vec::new();
    let mut batch: Vec<Document> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut failure: Option<CliError> = None;
    let (mut documents, mut skipped) = (0u64, 0u64);
    let keep = layers_dir.is_some();
    let mut priors = (!args.no_source_prior).then(SourcePriors::default);
    let mut flush = |batch: &mut Vec<Document>,
                     sink: &mut Option<std::io::BufWriter<std::fs::File>>|
     -> Result<(), CliError> {
        let done: Vec<Extraction> = extract_batch(&gaz, batch, priors.as_mut());
        for (doc, mut p) in batch.iter().zip(done) {
            if let Some(sink) = sink.as_mut() {
                sink.write_all(document_line(doc, &p)?.as_bytes()).map_err(|e| CliError::output(&out_path, e))?;
                merge_keys.extend(p.events.iter().filter(|e| e.is_drawn_with(&modalities)).filter_map(MergeKey::of));
            }
            if keep {
                p.toponyms.iter_mut().for_each(|t| t.reasons = Vec::new());
                kept.push(p);
            }
        }
        batch.clear();
        Ok(())
    };
    let _ = read_inputs(&inputs, &opts, |item| {
        match item {
            Ok(doc) => {
                documents += 1;
                batch_bytes += doc.text.len();
                batch.push(doc);
                if batch_bytes >= BATCH_BYTES {
                    batch_bytes = 0;
                    if let Err(e) = flush(&mut batch, &mut staged) {
                        failure = Some(e);
                        return ControlFlow::Break(());
                    }
                }
            }
            Err(e) if args.skip_bad => {
                skipped += 1;
                eprintln!("geoevents: skipped {e}");
            }
            Err(e) => {
                failure = Some(ingest_error(e));
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    flush(&mut batch, &mut staged)?;
    if let (Some(mut sink), Some(staged)) = (sink, staged) {
        // Only events merged with another article's get `merged_into`.
        let groups: Vec<_> = merge(&merge_keys).into_iter().filter(|g| g.num_articles > 1).collect();
        let merged = merged_ids(&groups);
        copy_with_merges(staged, &mut sink, &merged).map_err(|e| CliError::output(&out_path, e))?;
        sink.finish().map_err(|e| CliError::output(&out_path, e))?;
    }
    if let Some(dir) = layers_dir {
        let written = write_map_layers(&gaz, &dir, &layer_formats, &kept, &modalities)?;
        eprintln!("geoevents: {written}");
    }
    if skipped > 0 || args.skip_bad {
        eprintln!("geoevents: {documents} documents read, {skipped} skipped");
    }
    Ok(Exit::Ok)
}

/// What [`write_map_layers`] wrote.
pub struct LayersWritten {
    pub events: usize,
    pub places: usize,
    pub areas: usize,
    pub files: Vec<PathBuf>,
}

impl std::fmt::Display for LayersWritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} events, {} places, {} areas -> {}",
            self.events,
            self.places,
            self.areas,
            self.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )
    }
}

/// Copies the staged JSONL to `out`, setting `merged_into` on every event
/// that took part in merging (a line whose events did not is copied as is).
fn copy_with_merges(
    staged: std::io::BufWriter<std::fs::File>,
    out: &mut Sink,
    merged: &std::collections::BTreeMap<String, String>,
) -> std::io::Result<()> {
    use std::io::{BufRead, Seek};
    let mut file = staged.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    file.seek(std::io::SeekFrom::Start(0))?;
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        // Parse only the lines that hold a merged event's id.
        let holds_merged = line.match_indices("\"id\":\"").any(|(at, m)| {
            let from = at + m.len();
            line.get(from..from + 16).is_some_and(|id| merged.contains_key(id))
        });
        if !holds_merged {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            continue;
        }
        let mut value: serde_json::Value = serde_json::from_str(&line).map_err(std::io::Error::other)?;
        let mut changed = false;
        if let Some(events) = value.get_mut("events").and_then(serde_json::Value::as_array_mut) {
            for e in events {
                let id = e.get("id").and_then(serde_json::Value::as_str).and_then(|id| merged.get(id)).cloned();
                if let (Some(target), Some(obj)) = (id, e.as_object_mut()) {
                    obj.insert("merged_into".into(), serde_json::Value::String(target));
                    changed = true;
                }
            }
        }
        if changed {
            serde_json::to_writer(&mut *out, &value).map_err(std::io::Error::other)?;
            out.write_all(b"\n")?;
        } else {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Writes the events, places and areas layers, their QGIS styles and
/// `index.html` into `dir` as one set: all of them replace the previous
/// files together, or none does (see `geoevents_core::layers::staging`).
/// Draws the events of the given modalities. Shared by `extract` and `run`
/// (which rebuilds the layers from its state).
pub fn write_map_layers(
    gaz: &Gazetteer,
    dir: &std::path::Path,
    formats: &[LayerFormat],
    kept: &[Extraction],
    modalities: &[Modality],
) -> Result<LayersWritten, CliError> {
    let docs: Vec<DocumentResult<'_>> =
        kept.iter().map(|p| DocumentResult { toponyms: &p.toponyms, events: &p.events }).collect();
    let shapes = BuiltinAreas::new(gaz);
    let (events, places, areas) =
        (events_layer_drawing(&docs, modalities), places_layer(&docs), areas_layer(&docs, &shapes));
    let colours = geoevents_core::layers::records::event_type_colours();
    let options = SetOptions {
        event_colours: &colours,
        multi: &[&geoevents_gpkg::GpkgWriter],
        layer_files: &[&geoevents_parquet::GeoParquetWriter],
        web_page: true,
    };
    let layers: [&dyn AnyLayer; 3] = [&events, &places, &areas];
    let files = write_layer_set(dir, &layers, formats, &options).map_err(|e| CliError::output(dir, e))?;
    Ok(LayersWritten { events: events.len(), places: places.len(), areas: areas.len(), files })
}

/// The exit code and message for an input problem.
pub fn ingest_error(e: IngestError) -> CliError {
    CliError::new(super::ingest_exit(&e), format!("{e} (use --skip-bad to go on past bad input)"))
}
