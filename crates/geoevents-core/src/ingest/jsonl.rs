//! JSON Lines: one document a line, read a line at a time so a corpus of any
//! size streams, and a broken line costs that line only.
//!
//! A line is an object: `{"id": ..., "text": "...", "title"?, "url"?,
//! "source"?, "published_at"?}`. Other fields are ignored; blank lines are
//! skipped; a BOM before the first line is allowed. `id` is a string or a
//! number; when it is absent (or null) the document is named after where it
//! is, `<input id>:<line>` (e.g. `wires.jsonl:12`), which is unique within a
//! run and stable across runs. The optional fields are strings or null.

use std::io::{self, BufRead, Read};
use std::ops::ControlFlow;

use serde_json::{Map, Value};

use super::decode::strip_bom;
use super::{too_large, Document, Input, Origin, Sink};

/// Reads every line of `reader`, handing each document or error to `sink`.
pub(crate) fn read_lines(mut reader: impl BufRead, input: &Input, limit: usize, sink: &mut Sink) -> ControlFlow<()> {
    let mut buf = Vec::new();
    let mut line: u64 = 0;
    let mut documents: u64 = 0;
    loop {
        let len = match next_line(&mut reader, &mut buf, limit) {
            Ok(Some(len)) => len,
            Ok(None) => break,
            Err(e) => return sink(Err(input.unreadable(e))),
        };
        line += 1;
        let bytes = if line == 1 { strip_bom(&buf) } else { &buf[..] };
        if len <= limit as u64 && bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        documents += 1;
        let result = if len > limit as u64 {
            Err(input.bad_line(line, too_large(len, limit)))
        } else {
            document(bytes, line, input).map_err(|problem| input.bad_line(line, problem.0))
        };
        sink(result)?;
    }
    if documents == 0 {
        return sink(Err(input.bad_file("empty file")));
    }
    ControlFlow::Continue(())
}

/// Reads one line into `buf` without its line ending and returns its length,
/// or `None` at the end of input. A line longer than `limit` is skipped
/// rather than stored: only its length is counted.
fn next_line(reader: &mut impl BufRead, buf: &mut Vec<u8>, limit: usize) -> io::Result<Option<u64>> {
    buf.clear();
    let cap = limit as u64 + 2; // the longest line allowed, plus "\r\n"
    let n = reader.by_ref().take(cap).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    let mut skipped = 0;
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    } else if n as u64 == cap {
        skipped = skip_rest_of_line(reader)?;
    }
    Ok(Some(buf.len() as u64 + skipped))
}

/// Consumes input up to and including the next newline; returns how many
/// bytes came before it.
fn skip_rest_of_line(reader: &mut impl BufRead) -> io::Result<u64> {
    let mut skipped = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(skipped);
        }
        if let Some(at) = memchr::memchr(b'\n', available) {
            reader.consume(at + 1);
            return Ok(skipped + at as u64);
        }
        let len = available.len();
        skipped += len as u64;
        reader.consume(len);
    }
}

/// What is wrong with one line, for [`IngestError::BadLine`](super::IngestError::BadLine)
/// (or with one document given as fields, [`document_from_fields`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LineProblem(pub String);

impl From<&str> for LineProblem {
    fn from(message: &str) -> Self {
        LineProblem(message.to_string())
    }
}

impl From<String> for LineProblem {
    fn from(message: String) -> Self {
        LineProblem(message)
    }
}

/// The document on line `line`, or what is wrong with it.
fn document(bytes: &[u8], line: u64, input: &Input) -> Result<Document, LineProblem> {
    let json = std::str::from_utf8(bytes)
        .map_err(|e| LineProblem(format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1)))?;
    let value: Value = serde_json::from_str(json).map_err(|e| LineProblem(not_json(&e)))?;
    let Value::Object(fields) = value else {
        return Err(format!("expected a JSON object, found {}", kind(&value)).into());
    };
    document_from_fields(fields, || format!("{}:{line}", input.id), input.origin(Some(line)))
}

/// The document that a JSON object's fields describe, checked as a JSONL
/// line is (the same messages): `text` a non-blank string, `id` a string or
/// a number (`default_id` when absent or null), the optional fields strings
/// or null. The Python bindings build their documents through this too.
pub fn document_from_fields(
    mut fields: Map<String, Value>,
    default_id: impl FnOnce() -> String,
    origin: Origin,
) -> Result<Document, LineProblem> {
    let text = match fields.remove("text") {
        None => return Err("no \"text\" field".into()),
        Some(Value::String(text)) => text,
        Some(other) => return Err(format!("\"text\" is not a string (found {})", kind(&other)).into()),
    };
    if text.trim().is_empty() {
        return Err("\"text\" is empty".into());
    }
    let id = match fields.remove("id") {
        None | Some(Value::Null) => default_id(),
        Some(Value::String(id)) if id.trim().is_empty() => return Err("\"id\" is empty".into()),
        Some(Value::String(id)) => id,
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => return Err(format!("\"id\" must be a string or a number (found {})", kind(&other)).into()),
    };
    Ok(Document {
        id,
        text,
        title: optional(&mut fields, "title")?,
        url: optional(&mut fields, "url")?,
        source: optional(&mut fields, "source")?,
        published_at: optional(&mut fields, "published_at")?,
        origin,
    })
}

/// An optional string field; null and blank count as absent.
fn optional(fields: &mut Map<String, Value>, name: &str) -> Result<Option<String>, LineProblem> {
    match fields.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("\"{name}\" must be a string (found {})", kind(&other)).into()),
    }
}

/// serde_json's message with the column; its "line 1" is dropped since the
/// line is already named.
fn not_json(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let location = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&location).unwrap_or(&full);
    format!("not JSON: {what} at column {}", e.column())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestError;

    fn read(bytes: &[u8], limit: usize) -> Vec<Result<Document, String>> {
        let input = Input { display: "in/w.jsonl".into(), origin: "in/w.jsonl".into(), id: "w.jsonl".into() };
        let mut out = Vec::new();
        let _ = read_lines(bytes, &input, limit, &mut |r: Result<Document, IngestError>| {
            out.push(r.map_err(|e| e.to_string()));
            ControlFlow::Continue(())
        });
        out
    }

    #[test]
    fn good_lines_become_documents_with_their_fields() {
        let out = read(
            b"\xEF\xBB\xBF{\"id\": 12, \"text\": \"Quake near Izmir\", \"title\": \"Quake\", \"extra\": [1]}\r\n\n  \n{\"text\": \"Storm off Busan\", \"url\": null, \"source\": \"Wire\"}",
            1000,
        );
        assert_eq!(out.len(), 2);
        let first = out[0].as_ref().unwrap();
        assert_eq!((first.id.as_str(), first.text.as_str()), ("12", "Quake near Izmir"));
        assert_eq!(first.title.as_deref(), Some("Quake"));
        assert_eq!(first.origin.line, Some(1));
        let second = out[1].as_ref().unwrap();
        assert_eq!(second.id, "w.jsonl:4");
        assert_eq!((second.url.as_deref(), second.source.as_deref()), (None, Some("Wire")));
        assert_eq!(second.origin.line, Some(4));
    }

    #[test]
    fn each_bad_line_is_named_and_the_rest_still_read() {
        let out = read(
            b"{\"text\": \"ok\"}\n{\"text\": \"broken\"\n{\"title\": \"no text\"}\n{\"text\": 5}\n[1]\n{\"text\": \"caf\xE9\"}\n{\"text\": \"x\", \"id\": true}\n{\"text\": \"x\", \"published_at\": 2024}\n{\"text\": \"last\"}\n",
            1000,
        );
        let errors: Vec<&str> = out.iter().filter_map(|r| r.as_ref().err().map(String::as_str)).collect();
        assert_eq!(
            errors,
            [
                "in/w.jsonl:2: not JSON: EOF while parsing an object at column 17",
                "in/w.jsonl:3: no \"text\" field",
                "in/w.jsonl:4: \"text\" is not a string (found a number)",
                "in/w.jsonl:5: expected a JSON object, found an array",
                "in/w.jsonl:6: invalid UTF-8 at byte 14 of the line",
                "in/w.jsonl:7: \"id\" must be a string or a number (found a boolean)",
                "in/w.jsonl:8: \"published_at\" must be a string (found a number)",
            ]
        );
        let last = out.last().unwrap().as_ref().unwrap();
        assert_eq!((last.text.as_str(), last.origin.line), ("last", Some(9)));
    }

    #[test]
    fn an_overlong_line_is_reported_with_its_length_and_skipped() {
        let long = format!("{{\"text\": \"{}\"}}", "a".repeat(100));
        let out = read(format!("{long}\n{{\"text\": \"short\"}}\n").as_bytes(), 50);
        assert_eq!(out[0].as_ref().unwrap_err(), "in/w.jsonl:1: document of 112 bytes exceeds the limit of 50 bytes");
        assert_eq!(out[1].as_ref().unwrap().text, "short");
    }

    #[test]
    fn blank_input_is_an_empty_file() {
        assert_eq!(read(b"\n \n\r\n", 1000), [Err("in/w.jsonl: empty file".to_string())]);
    }
}
