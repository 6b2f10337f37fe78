//! Dispatching inputs: paths to files, directories to their files, `-` to
//! standard input, and each input to the reader of its format.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::decode::{binary_check, BINARY_PROBE};
use super::format::refusal;
use super::walk::input_files;
use super::{html, jsonl, plain, too_large, Document, IngestError, Input, InputFormat, ReadOptions, Sink};

/// Reads `paths` in order and hands each document, or what was wrong with
/// it, to `sink`, which returns `Break` to stop. Returns `Break` if it did.
///
/// A path is a file, a directory (its input files, recursively, in path
/// order; see the `walk` module) or `-` for standard input. The format comes
/// from `opts.format`, else from the extension, else by sniffing the first
/// bytes (`{`: JSONL, `<`: HTML, anything else: text).
pub fn read_inputs(
    paths: &[PathBuf],
    opts: &ReadOptions,
    mut sink: impl FnMut(Result<Document, IngestError>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    for path in paths {
        if path.as_os_str() == "-" {
            read_stdin(io::stdin().lock(), opts, &mut sink)?;
        } else if path.is_dir() {
            for found in input_files(path) {
                match found {
                    Ok(found) => read_file(&found.path, found.relative, Some(found.format), opts, &mut sink)?,
                    Err(e) => sink(Err(e))?,
                }
            }
        } else {
            let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            read_file(path, name, InputFormat::from_path(path), opts, &mut sink)?;
        }
    }
    ControlFlow::Continue(())
}

/// Reads `reader` as standard input: named `<stdin>` in messages, `-` in
/// origins, document id `stdin` (JSONL lines without an id: `stdin:<line>`).
pub fn read_stdin(
    reader: impl Read,
    opts: &ReadOptions,
    mut sink: impl FnMut(Result<Document, IngestError>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    read_reader(reader, &Input::stdin(), opts.format, opts, &mut sink)
}

/// One file named `id`; `format` is the one its extension says, if any.
fn read_file(path: &Path, id: String, format: Option<InputFormat>, opts: &ReadOptions, sink: &mut Sink) -> ControlFlow<()> {
    let display = path.display().to_string();
    let input = Input { origin: display.clone(), display, id };
    let format = opts.format.or(format);
    if format.is_none() {
        if let Some(message) = refusal(path) {
            return sink(Err(input.bad_file(message)));
        }
    }
    match File::open(path) {
        Ok(file) => read_reader(file, &input, format, opts, sink),
        Err(e) => sink(Err(input.unreadable(e))),
    }
}

/// Reads one input in `format`, or in the format its first bytes suggest.
fn read_reader(mut reader: impl Read, input: &Input, format: Option<InputFormat>, opts: &ReadOptions, sink: &mut Sink) -> ControlFlow<()> {
    let mut head = Vec::with_capacity(BINARY_PROBE);
    if let Err(e) = reader.by_ref().take(BINARY_PROBE as u64).read_to_end(&mut head) {
        return sink(Err(input.unreadable(e)));
    }
    if head.is_empty() {
        return sink(Err(input.bad_file("empty file")));
    }
    if let Err(message) = binary_check(&head) {
        return sink(Err(input.bad_file(message)));
    }
    let format = format.unwrap_or_else(|| InputFormat::sniff(&head));
    let whole = Cursor::new(head).chain(reader);
    if format == InputFormat::Jsonl {
        return jsonl::read_lines(BufReader::new(whole), input, opts.max_document_bytes, sink);
    }
    let bytes = match read_whole(whole, opts.max_document_bytes) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(len)) => return sink(Err(input.bad_file(too_large(len, opts.max_document_bytes)))),
        Err(e) => return sink(Err(input.unreadable(e))),
    };
    sink(match format {
        InputFormat::Html => html::document(&bytes, input),
        _ => plain::document(bytes, input),
    })
}

/// All of `reader` if it holds at most `limit` bytes, else its length (the
/// rest is read and counted, not kept, so that the message can say).
fn read_whole(mut reader: impl Read, limit: usize) -> io::Result<Result<Vec<u8>, u64>> {
    let mut bytes = Vec::new();
    reader.by_ref().take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() <= limit {
        return Ok(Ok(bytes));
    }
    let rest = io::copy(&mut reader, &mut io::sink())?;
    Ok(Err(bytes.len() as u64 + rest))
}
