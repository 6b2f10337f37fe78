//! Dispatching inputs: paths to files, directories to their files, `-` to
//! standard input, and each input to the reader of its format.

use std::collections::hash_map::{Entry, HashMap};
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::decode::{binary_message, BINARY_PROBE};
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
    // Document ids must be unique across all inputs: event ids derive from
    // them, and a layer refuses two features with one id. Two files of the
    // same name in different folders, or a JSONL archive with repeated ids,
    // are bad input named where they are, not a failed write at the end.
    let mut first_origin: HashMap<String, String> = HashMap::new();
    let mut sink = move |item: Result<Document, IngestError>| match item {
        Ok(doc) => match first_origin.entry(doc.id.clone()) {
            Entry::Occupied(first) => sink(Err(IngestError::DuplicateId {
                at: doc.origin.to_string(),
                id: doc.id,
                first: first.get().clone(),
            })),
            Entry::Vacant(slot) => {
                slot.insert(doc.origin.to_string());
                sink(Ok(doc))
            }
        },
        Err(e) => sink(Err(e)),
    };
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
            let name =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
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
fn read_file(
    path: &Path,
    id: String,
    format: Option<InputFormat>,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> ControlFlow<()> {
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
fn read_reader(
    mut reader: impl Read,
    input: &Input,
    format: Option<InputFormat>,
    opts: &ReadOptions,
    sink: &mut Sink,
) -> ControlFlow<()> {
    let mut head = Vec::with_capacity(BINARY_PROBE);
    if let Err(e) = reader.by_ref().take(BINARY_PROBE as u64).read_to_end(&mut head) {
        return sink(Err(input.unreadable(e)));
    }
    if head.is_empty() {
        return sink(Err(input.bad_file("empty file")));
    }
    if let Some(message) = binary_message(&head) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ingest")
    }

    /// Every outcome, documents as `Ok(id)` and errors as their message.
    fn outcomes(paths: &[PathBuf], opts: &ReadOptions) -> Vec<Result<String, String>> {
        let mut out = Vec::new();
        let _ = read_inputs(paths, opts, |r| {
            out.push(r.map(|d| d.id).map_err(|e| e.to_string()));
            ControlFlow::Continue(())
        });
        out
    }

    fn stdin_docs(input: &[u8], format: Option<InputFormat>) -> Vec<Result<Document, String>> {
        let mut out = Vec::new();
        let opts = ReadOptions { format, ..ReadOptions::default() };
        let _ = read_stdin(input, &opts, |r| {
            out.push(r.map_err(|e| e.to_string()));
            ControlFlow::Continue(())
        });
        out
    }

    #[test]
    fn a_directory_is_read_in_path_order_with_errors_in_place() {
        let root = fixtures();
        let shown = |name: &str| root.join(name).display().to_string();
        assert_eq!(
            outcomes(std::slice::from_ref(&root), &ReadOptions::default()),
            [
                Ok("a".to_string()),
                Err(format!("{}:2: not JSON: EOF while parsing a string at column 42", shown("bad.jsonl"))),
                Err(format!("{}:3: no \"text\" field", shown("bad.jsonl"))),
                Ok("d".to_string()),
                Err(format!("{}: looks binary (NUL byte at byte offset 8), not text", shown("binary.txt"))),
                Err(format!("{}: empty file", shown("empty.txt"))),
                Ok("wire-001".to_string()),
                Ok("2".to_string()),
                Ok("good.jsonl:4".to_string()),
                Err(format!(
                    "{}: invalid UTF-8 at byte offset 86 (line 3, byte 8 of the line); the input must be UTF-8 text",
                    shown("invalid_utf8.txt")
                )),
                Ok("news_page.html".to_string()),
                Ok("short_page.html".to_string()),
                Ok("storm.txt".to_string()),
            ]
        );
    }

    #[test]
    fn ids_are_relative_to_the_directory_or_the_file_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("2024/jan")).unwrap();
        std::fs::write(dir.path().join("2024/jan/a.txt"), "Rain in Quito.").unwrap();
        std::fs::write(dir.path().join("feed.data"), "{\"text\": \"Hail in Lyon.\"}\n").unwrap();
        std::fs::write(dir.path().join("report.pdf"), "%PDF-1.7").unwrap();
        let paths = [dir.path().to_path_buf(), dir.path().join("feed.data"), dir.path().join("report.pdf")];
        let got = outcomes(&paths, &ReadOptions::default());
        assert_eq!(got[..2], [Ok("2024/jan/a.txt".to_string()), Ok("feed.data:1".to_string())]);
        assert_eq!(got[2], Err(format!("{}: unsupported file type .pdf: extract its text first", paths[2].display())));
    }

    #[test]
    fn a_repeated_document_id_is_bad_input_naming_both_places() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["a", "b"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("x.txt"), "Rain in Quito.").unwrap();
        }
        std::fs::write(
            dir.path().join("n.jsonl"),
            "{\"id\": 7, \"text\": \"Hail.\"}\n{\"id\": \"7\", \"text\": \"Sun.\"}\n",
        )
        .unwrap();
        let paths = [dir.path().join("a/x.txt"), dir.path().join("b/x.txt"), dir.path().join("n.jsonl")];
        let got = outcomes(&paths, &ReadOptions::default());
        assert_eq!(got[0], Ok("x.txt".to_string()));
        let second =
            format!("{}: document id \"x.txt\" is already used by {}:", paths[1].display(), paths[0].display());
        assert!(got[1].as_ref().unwrap_err().starts_with(&second), "{:?}", got[1]);
        assert_eq!(got[2], Ok("7".to_string()));
        let line2 = format!("{}:2: document id \"7\" is already used by {}:1:", paths[2].display(), paths[2].display());
        assert!(got[3].as_ref().unwrap_err().starts_with(&line2), "{:?}", got[3]);
    }

    #[test]
    fn a_missing_file_is_unreadable() {
        let got = outcomes(&[PathBuf::from("/nonexistent/news.jsonl")], &ReadOptions::default());
        let message = got[0].as_ref().unwrap_err();
        assert!(message.starts_with("cannot read /nonexistent/news.jsonl: "), "{message}");
    }

    #[test]
    fn stdin_is_sniffed() {
        let jsonl = stdin_docs(b"\n{\"text\": \"Snow in Kabul.\"}\n", None);
        let doc = jsonl[0].as_ref().unwrap();
        assert_eq!((doc.id.as_str(), doc.origin.path.as_str(), doc.origin.line), ("stdin:2", "-", Some(2)));

        let html = stdin_docs(b"  <html><body><p>Dust storm over Riyadh.</p></body></html>", None);
        assert_eq!(html[0].as_ref().unwrap().text, "Dust storm over Riyadh.");

        let text = stdin_docs(b"Heat wave in Seville {and Cordoba}.\r\n", None);
        let doc = text[0].as_ref().unwrap();
        assert_eq!((doc.id.as_str(), doc.text.as_str()), ("stdin", "Heat wave in Seville {and Cordoba}.\r\n"));
    }

    #[test]
    fn a_forced_format_wins_over_sniffing() {
        let docs = stdin_docs(b"{\"text\": \"not parsed\"}", Some(InputFormat::Txt));
        assert_eq!(docs[0].as_ref().unwrap().text, "{\"text\": \"not parsed\"}");
        let bad = stdin_docs(b"plain words", Some(InputFormat::Jsonl));
        assert_eq!(bad[0].as_ref().unwrap_err(), "<stdin>:1: not JSON: expected value at column 1");
    }

    #[test]
    fn stdin_errors_name_stdin() {
        assert_eq!(stdin_docs(b"", None), [Err("<stdin>: empty file".to_string())]);
        let opts = ReadOptions { format: None, max_document_bytes: 10 };
        let mut out = Vec::new();
        let _ = read_stdin(&[b'a'; 100][..], &opts, |r| {
            out.push(r.map_err(|e| e.to_string()));
            ControlFlow::Continue(())
        });
        assert_eq!(out, [Err("<stdin>: document of 100 bytes exceeds the limit of 10 bytes".to_string())]);
    }

    #[test]
    fn break_stops_reading() {
        let mut seen = 0;
        let flow = read_inputs(&[fixtures().join("good.jsonl")], &ReadOptions::default(), |_| {
            seen += 1;
            ControlFlow::Break(())
        });
        assert_eq!((flow, seen), (ControlFlow::Break(()), 1));
    }
}
