//! `geoevents extract`: documents in, their place mentions out (JSONL).

use super::output::Sink;
use super::{CliError, CliResult, Exit, GlobalArgs};
use crate::extract::{extract_toponyms, Toponym};
use crate::focus::{document_focus, Focus};
use crate::gazetteer::Gazetteer;
use crate::ingest::{read_inputs, Document, IngestError, InputFormat, ReadOptions};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Files or directories (read recursively) of .txt, .html or .jsonl; `-` or nothing for standard input.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Read every input as this format instead of going by extension.
    #[arg(long, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Write the JSONL here (replaced atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Go on past unreadable documents and bad lines, counting them.
    #[arg(long)]
    pub skip_bad: bool,
}

/// One line of `extract` output.
#[derive(Serialize)]
pub struct DocumentOut<'a> {
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
}

/// Documents are geoparsed in parallel in batches of about this many bytes;
/// output keeps input order.
const BATCH_BYTES: usize = 8 << 20;

pub fn run(global: &GlobalArgs, args: &ExtractArgs) -> CliResult {
    let gaz = Gazetteer::choose(global.gazetteer.as_deref())?;
    let inputs = if args.inputs.is_empty() { vec![PathBuf::from("-")] } else { args.inputs.clone() };
    let out_path = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    let mut sink = Sink::open(args.output.as_deref()).map_err(|e| CliError::output(&out_path, e))?;
    let opts = ReadOptions { format: args.input_format, ..ReadOptions::default() };

    let mut batch: Vec<Document> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut failure: Option<CliError> = None;
    let (mut documents, mut skipped) = (0u64, 0u64);
    let flush = |batch: &mut Vec<Document>, sink: &mut Sink| -> Result<(), CliError> {
        let lines: Vec<String> = batch.par_iter().map(|doc| document_line(&gaz, doc)).collect();
        for line in lines {
            sink.write_all(line.as_bytes()).map_err(|e| CliError::output(&out_path, e))?;
        }
        batch.clear();
        Ok(())
    };
    let flow = read_inputs(&inputs, &opts, |item| {
        match item {
            Ok(doc) => {
                documents += 1;
                batch_bytes += doc.text.len();
                batch.push(doc);
                if batch_bytes >= BATCH_BYTES {
                    batch_bytes = 0;
                    if let Err(e) = flush(&mut batch, &mut sink) {
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
    debug_assert!(flow.is_continue());
    flush(&mut batch, &mut sink)?;
    sink.finish().map_err(|e| CliError::output(&out_path, e))?;
    if skipped > 0 || args.skip_bad {
        eprintln!("geoevents: {documents} documents read, {skipped} skipped");
    }
    Ok(Exit::Ok)
}

/// The exit code and message for an input problem.
pub fn ingest_error(e: IngestError) -> CliError {
    let exit = match e {
        IngestError::Unreadable { .. } => Exit::InputUnreadable,
        IngestError::BadLine { .. } | IngestError::BadFile { .. } => Exit::BadInput,
    };
    CliError::new(exit, format!("{e} (use --skip-bad to go on past bad input)"))
}

/// Geoparses one document into its output line (with the newline).
pub fn document_line(gaz: &Gazetteer, doc: &Document) -> String {
    let toponyms = extract_toponyms(gaz, &doc.text);
    let out = DocumentOut {
        id: &doc.id,
        title: doc.title.as_deref(),
        url: doc.url.as_deref(),
        source: doc.source.as_deref(),
        published_at: doc.published_at.as_deref(),
        focus: document_focus(&toponyms),
        toponyms: &toponyms,
    };
    let mut line = serde_json::to_string(&out).unwrap_or_else(|e| format!("{{\"id\":{:?},\"error\":{:?}}}", doc.id, e.to_string()));
    line.push('\n');
    line
}
