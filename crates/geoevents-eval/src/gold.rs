//! Reading the gold corpora (`../shared/eval/*.jsonl`, format in that
//! directory's README, "Format").
//!
//! One JSON document per line:
//! `{"id", "text", "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid"}],
//! "ungrounded": [{"start", "end", "name"}], "meta"}`. Any other field (GeoWebNews
//! `type`, GeoVirus `wikipedia`, `meta`, ...) is ignored.
//!
//! Offsets count Unicode code points (Python string indices), end exclusive.
//! They are kept as code points here; [`CharOffsets`] converts to and from the
//! byte offsets a Rust `&str` uses.

use serde::Deserialize;
use std::fmt;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One annotated document.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldDoc {
    pub id: String,
    pub text: String,
    /// Toponyms with gold coordinates: the ones that are scored.
    pub toponyms: Vec<GoldToponym>,
    /// Annotated toponyms without coordinates (GeoWebNews demonyms and the
    /// like). Never scored; a prediction on one is neither right nor wrong.
    #[serde(default)]
    pub ungrounded: Vec<GoldSpan>,
}

/// A gold toponym with coordinates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldToponym {
    /// Code point offset of the first character.
    pub start: usize,
    /// Code point offset one past the last character (end exclusive).
    pub end: usize,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// GeoNames id when the annotators linked one (GeoWebNews only).
    #[serde(default)]
    pub geonameid: Option<u64>,
    /// The annotation category where the corpus has one (GeoWebNews:
    /// Literal, Metonymic, Non_Literal_Modifier, Embedded_Non_Lit, ...).
    #[serde(default, rename = "type")]
    pub category: Option<String>,
}

/// A gold toponym span without coordinates.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GoldSpan {
    /// Code point offset of the first character.
    pub start: usize,
    /// Code point offset one past the last character (end exclusive).
    pub end: usize,
    pub name: String,
}

/// A gold file that cannot be read. Displays as `path:line: message`
/// (or `path: message` when the file itself cannot be opened or read).
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}:{line}: {message}", path.display())]
    BadLine { path: PathBuf, line: u64, message: String },
}

/// Reads a whole gold file. Blank lines are skipped; any malformed line is an
/// error naming the file and line. Span texts are not checked here: see
/// [`check_spans`].
pub fn read_gold(path: &Path) -> Result<Vec<GoldDoc>, GoldError> {
    let file = std::fs::File::open(path).map_err(|source| GoldError::Io { path: path.to_path_buf(), source })?;
    GoldReader::new(BufReader::new(file), path).collect()
}

/// Streams documents from any reader, one JSON line at a time. `path` is only
/// used to name the source in errors.
pub struct GoldReader<R> {
    reader: R,
    path: PathBuf,
    line: u64,
    buf: String,
}

impl<R: BufRead> GoldReader<R> {
    pub fn new(reader: R, path: &Path) -> Self {
        GoldReader { reader, path: path.to_path_buf(), line: 0, buf: String::new() }
    }

    fn bad_line(&self, message: impl fmt::Display) -> GoldError {
        GoldError::BadLine { path: self.path.clone(), line: self.line, message: message.to_string() }
    }

    /// Reads lines until a non-blank one; `Ok(false)` at end of input.
    fn next_line(&mut self) -> Result<bool, GoldError> {
        loop {
            self.buf.clear();
            self.line += 1;
            let read = self.reader.read_line(&mut self.buf).map_err(|e| match e.kind() {
                io::ErrorKind::InvalidData => self.bad_line("invalid UTF-8"),
                _ => GoldError::Io { path: self.path.clone(), source: e },
            })?;
            if read == 0 {
                return Ok(false);
            }
            if !self.buf.trim().is_empty() {
                return Ok(true);
            }
        }
    }
}

impl<R: BufRead> Iterator for GoldReader<R> {
    type Item = Result<GoldDoc, GoldError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.next_line() {
            Ok(false) => None,
            Err(e) => Some(Err(e)),
            Ok(true) => Some(
                serde_json::from_str::<GoldDoc>(&self.buf)
                    .map_err(|e| self.bad_line(e))
                    .and_then(|doc| validate(&doc).map(|()| doc).map_err(|m| self.bad_line(m))),
            ),
        }
    }
}

/// Structural checks that JSON typing cannot express: ordered offsets and
/// coordinates on the globe. (Span text is a warning, see [`check_spans`].)
fn validate(doc: &GoldDoc) -> Result<(), String> {
    for t in &doc.toponyms {
        check_order(&doc.id, t.start, t.end, &t.name)?;
        if !(t.lat.is_finite() && (-90.0..=90.0).contains(&t.lat)) {
            return Err(format!("document {}: toponym {:?} has latitude {} outside [-90, 90]", doc.id, t.name, t.lat));
        }
        if !(t.lon.is_finite() && (-180.0..=180.0).contains(&t.lon)) {
            return Err(format!(
                "document {}: toponym {:?} has longitude {} outside [-180, 180]",
                doc.id, t.name, t.lon
            ));
        }
    }
    for s in &doc.ungrounded {
        check_order(&doc.id, s.start, s.end, &s.name)?;
    }
    Ok(())
}

fn check_order(doc: &str, start: usize, end: usize, name: &str) -> Result<(), String> {
    if start > end {
        return Err(format!("document {doc}: span {name:?} starts at {start}, after its end {end}"));
    }
    Ok(())
}

/// Code point <-> byte offset conversion for one text.
///
/// The gold offsets are code points; Rust slices by bytes. Build once per
/// document, then every lookup is O(1) (code point -> byte) or O(log n)
/// (byte -> code point).
#[derive(Debug, Clone)]
pub struct CharOffsets {
    /// Byte offset of each code point, then the text length in bytes.
    bytes: Vec<usize>,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        let bytes = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
        CharOffsets { bytes }
    }

    /// Number of code points in the text.
    pub fn len_chars(&self) -> usize {
        self.bytes.len() - 1
    }

    /// Byte offset of code point `char_idx`; `len_chars()` maps to the text
    /// length. `None` past the end.
    pub fn byte_of(&self, char_idx: usize) -> Option<usize> {
        self.bytes.get(char_idx).copied()
    }

    /// Code point index of byte offset `byte`; `None` unless `byte` is a
    /// character boundary (or the text length).
    pub fn char_of(&self, byte: usize) -> Option<usize> {
        self.bytes.binary_search(&byte).ok()
    }

    /// The slice covering code points `start..end`, `None` when out of range
    /// or reversed.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> Option<&'t str> {
        if start > end {
            return None;
        }
        text.get(self.byte_of(start)?..self.byte_of(end)?)
    }
}

/// A gold span whose text in the document is not its `name`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanMismatch {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    /// The annotated name.
    pub name: String,
    /// What `text[start..end]` (code points) holds; `None` when the span
    /// runs past the end of the text.
    pub found: Option<String>,
}

/// Outcome of [`check_spans`]: a warning, not an error.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanCheck {
    /// Spans looked at (toponyms and ungrounded).
    pub checked: usize,
    pub mismatches: Vec<SpanMismatch>,
}

impl SpanCheck {
    pub fn is_clean(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Checks that `text[start..end]`, counted in code points, equals `name` for
/// every toponym and ungrounded span (README: "`text[start:end] == name` holds
/// for every span"). Mismatches are collected, never fatal.
pub fn check_spans(docs: &[GoldDoc]) -> SpanCheck {
    let mut check = SpanCheck::default();
    for doc in docs {
        let offsets = CharOffsets::new(&doc.text);
        let spans = doc.toponyms.iter().map(|t| (t.start, t.end, &t.name));
        let spans = spans.chain(doc.ungrounded.iter().map(|s| (s.start, s.end, &s.name)));
        for (start, end, name) in spans {
            check.checked += 1;
            let found = offsets.slice(&doc.text, start, end);
            if found != Some(name.as_str()) {
                check.mismatches.push(SpanMismatch {
                    doc: doc.id.clone(),
                    start,
                    end,
                    name: name.clone(),
                    found: found.map(str::to_owned),
                });
            }
        }
    }
    check
}

/// Corpus size, as reported next to scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct GoldCounts {
    pub documents: usize,
    /// Toponyms with coordinates.
    pub toponyms: usize,
    /// Of those, the ones with a GeoNames id.
    pub with_geonameid: usize,
    pub ungrounded: usize,
}

/// Counts documents, toponyms, toponyms with a GeoNames id and ungrounded spans.
pub fn gold_counts(docs: &[GoldDoc]) -> GoldCounts {
    docs.iter().fold(GoldCounts::default(), |mut c, d| {
        c.documents += 1;
        c.toponyms += d.toponyms.len();
        c.with_geonameid += d.toponyms.iter().filter(|t| t.geonameid.is_some()).count();
        c.ungrounded += d.ungrounded.len();
        c
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(s: &str) -> Result<Vec<GoldDoc>, GoldError> {
        GoldReader::new(s.as_bytes(), Path::new("gold.jsonl")).collect()
    }

    const LINE: &str = r#"{"id": "d1", "text": "Überall in Zürich.", "toponyms": [{"start": 11, "end": 17, "name": "Zürich", "lat": 47.37, "lon": 8.54, "geonameid": 2657896, "type": "Literal"}], "ungrounded": [{"start": 0, "end": 7, "name": "Überall"}], "meta": {"x": 1}}"#;

    #[test]
    fn reads_fields_and_ignores_extras() {
        let docs = read_str(&format!("{LINE}\n\n")).expect("valid");
        assert_eq!(docs.len(), 1);
        let t = &docs[0].toponyms[0];
        assert_eq!((t.start, t.end, t.name.as_str(), t.geonameid), (11, 17, "Zürich", Some(2657896)));
        assert_eq!(docs[0].ungrounded[0].name, "Überall");
    }

    #[test]
    fn null_geonameid_and_missing_ungrounded() {
        let line = r#"{"id": "g", "text": "Pandi", "toponyms": [{"start": 0, "end": 5, "name": "Pandi", "lat": 1.0, "lon": 2.0, "geonameid": null}]}"#;
        let docs = read_str(line).expect("valid");
        assert_eq!(docs[0].toponyms[0].geonameid, None);
        assert!(docs[0].ungrounded.is_empty());
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad = format!("{LINE}\n\n{{\"id\": \"d2\", \"text\": 3}}\n");
        let err = read_str(&bad).expect_err("line 3 is malformed").to_string();
        assert!(err.starts_with("gold.jsonl:3: "), "{err}");
    }

    #[test]
    fn rejects_reversed_span_and_bad_latitude() {
        let reversed = LINE.replace(r#""start": 11, "end": 17"#, r#""start": 17, "end": 11"#);
        assert!(read_str(&reversed).expect_err("reversed").to_string().starts_with("gold.jsonl:1: "));
        let lat = LINE.replace("47.37", "147.37");
        assert!(read_str(&lat).expect_err("latitude").to_string().contains("latitude"));
    }

    #[test]
    fn span_check_counts_code_points() {
        let mut docs = read_str(LINE).expect("valid");
        assert_eq!(check_spans(&docs), SpanCheck { checked: 2, mismatches: vec![] });
        // Byte offsets (what a careless converter would write) are a mismatch.
        docs[0].toponyms[0].start = 12;
        docs[0].toponyms[0].end = 19;
        docs[0].ungrounded[0].start = 1;
        docs[0].ungrounded[0].end = 8;
        let check = check_spans(&docs);
        assert_eq!(check.mismatches.len(), 2);
        assert_eq!(check.mismatches[0].found, None, "past the end in code points");
        assert_eq!(check.mismatches[1].found.as_deref(), Some("berall "));
    }

    #[test]
    fn char_offsets_round_trip() {
        let text = "aé€😀b";
        let o = CharOffsets::new(text);
        assert_eq!(o.len_chars(), 5);
        assert_eq!(o.byte_of(4), Some(10));
        assert_eq!(o.byte_of(5), Some(text.len()));
        assert_eq!(o.byte_of(6), None);
        assert_eq!(o.char_of(6), Some(3));
        assert_eq!(o.char_of(7), None);
        assert_eq!(o.slice(text, 2, 4), Some("€😀"));
    }

    #[test]
    fn counts() {
        let docs = read_str(LINE).expect("valid");
        let c = gold_counts(&docs);
        assert_eq!((c.documents, c.toponyms, c.with_geonameid, c.ungrounded), (1, 1, 1, 1));
    }
}
