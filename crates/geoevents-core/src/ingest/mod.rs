//! Input files to documents: the first stage of geoparsing.
//!
//! Three formats are read: plain text (one file, one document), HTML (the
//! article is extracted from the page) and JSON Lines (one document a line).
//! Everything streams: documents are handed to a sink one at a time, and a
//! JSONL file is read line by line, so a 2 GB corpus is never held in memory.
//!
//! Errors are reported per document (or per JSONL line) through the same sink,
//! so the caller decides whether to stop at the first one or count and go on
//! (`--skip-bad`).
//!
//! ```
//! use std::ops::ControlFlow;
//! use geoevents_core::ingest::{read_stdin, ReadOptions};
//!
//! let input = "{\"id\": 7, \"text\": \"Floods near Aleppo.\"}\n".as_bytes();
//! let mut docs = Vec::new();
//! let _ = read_stdin(input, &ReadOptions::default(), |doc| {
//!     docs.push(doc.expect("a good line"));
//!     ControlFlow::Continue(())
//! });
//! assert_eq!(docs[0].id, "7");
//! assert_eq!(docs[0].text, "Floods near Aleppo.");
//! ```

pub mod charset;
mod decode;
mod format;
pub mod html;
mod html_meta;
mod jsonl;
mod plain;
mod read;
mod walk;

use std::ops::ControlFlow;

pub use charset::{CharsetError, CharsetSource};
pub use format::InputFormat;
pub use html::{article_from_html, Article, ArticleError};
pub use jsonl::{document_from_fields, LineProblem};
pub use read::{read_inputs, read_stdin};

/// One article to geoparse.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Document {
    /// JSONL: the `id` field (a number becomes its decimal text); when absent,
    /// `<input id>:<line>`, e.g. `news/2024.jsonl:17` or `stdin:3`.
    /// Files: the path relative to the directory given, with `/` separators,
    /// or the file name for a file named directly; `stdin` for standard input.
    pub id: String,
    /// The text to geoparse, unchanged (CRLF kept), so that offsets computed on
    /// it refer to the input; only a leading byte order mark is dropped.
    pub text: String,
    /// JSONL `title`, or the page's (`og:title`, JSON-LD, `<title>`); `None`
    /// for plain text and when absent or blank.
    pub title: Option<String>,
    /// JSONL `url` (as given, not checked), or the page's canonical URL
    /// (`<link rel=canonical>`, `og:url`); `None` when absent.
    pub url: Option<String>,
    /// Who published it: JSONL `source`, or the page's `og:site_name`.
    pub source: Option<String>,
    /// As given (ISO 8601 expected); parsed later, not here.
    pub published_at: Option<String>,
    /// Where the document came from, for messages.
    pub origin: Origin,
}

/// Where a document came from: enough to point a user at it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    /// The file as it was named or found, or `-` for standard input.
    pub path: String,
    /// The 1-based line, for JSONL.
    pub line: Option<u64>,
}

/// `path` or `path:line`, as in the other messages.
impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path == "-" { "<stdin>" } else { self.path.as_str() };
        match self.line {
            Some(line) => write!(f, "{path}:{line}"),
            None => f.write_str(path),
        }
    }
}

/// Why an input, or one document in it, could not be read. Each names the
/// file (`<stdin>` for standard input) and, for JSONL, the line.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Missing file, no permission, or a read that failed half-way.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        /// The path as given or found, or `<stdin>`.
        path: String,
        /// The failed open or read.
        source: std::io::Error,
    },
    /// One JSONL line that is not a document: not JSON, no `text`, a field of
    /// the wrong type, invalid UTF-8, or too long. The other lines still count.
    #[error("{path}:{line}: {message}")]
    BadLine {
        /// The path as given or found, or `<stdin>`.
        path: String,
        /// The 1-based line number.
        line: u64,
        /// What is wrong with the line.
        message: String,
    },
    /// A document whose id an earlier document already has: its events'
    /// ids (derived from the document id) and its rows would collide.
    #[error("{at}: document id {id:?} is already used by {first}: ids must be unique (name a folder rather than two files of the same name, or give each JSONL line its own id)")]
    DuplicateId {
        /// The path, and for JSONL `:line`, of the second document.
        at: String,
        /// The id both documents have.
        id: String,
        /// The path (and `:line`) of the first document with this id.
        first: String,
    },
    /// A whole file that is not a document: empty, binary, invalid UTF-8, an
    /// unsupported type, an HTML page without article text, or too large.
    #[error("{path}: {message}")]
    BadFile {
        /// The path as given or found, or `<stdin>`.
        path: String,
        /// What is wrong with the file (with a byte offset where there is one).
        message: String,
    },
}

/// The largest document read by default: 8 MiB, far above any article.
/// Larger inputs are reported, not read: geoparsing holds a document's words
/// in memory (about 10 times its size), and a stray dump must not exhaust it.
/// `extract --max-document-bytes` raises the limit.
pub const DEFAULT_MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// How inputs are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Read every input in this format. `None`: by file extension, and by
    /// sniffing for standard input and files with other extensions.
    pub format: Option<InputFormat>,
    /// A document (a text or HTML file, or one JSONL line) larger than this is
    /// an error rather than read.
    pub max_document_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { format: None, max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES }
    }
}

/// An input being read, and how to name it in messages, origins and ids.
pub(crate) struct Input {
    /// For messages: the path, or `<stdin>`.
    pub display: String,
    /// For [`Origin::path`]: the path, or `-`.
    pub origin: String,
    /// The document id, or the prefix of line-numbered ids (JSONL).
    pub id: String,
}

impl Input {
    pub(crate) fn stdin() -> Input {
        Input { display: "<stdin>".into(), origin: "-".into(), id: "stdin".into() }
    }
    pub(crate) fn origin(&self, line: Option<u64>) -> Origin {
        Origin { path: self.origin.clone(), line }
    }
    pub(crate) fn bad_file(&self, message: impl Into<String>) -> IngestError {
        IngestError::BadFile { path: self.display.clone(), message: message.into() }
    }
    pub(crate) fn bad_line(&self, line: u64, message: impl Into<String>) -> IngestError {
        IngestError::BadLine { path: self.display.clone(), line, message: message.into() }
    }
    pub(crate) fn unreadable(&self, source: std::io::Error) -> IngestError {
        IngestError::Unreadable { path: self.display.clone(), source }
    }
}

/// What receives each document or error; `Break` stops reading.
pub(crate) type Sink<'a> = dyn FnMut(Result<Document, IngestError>) -> ControlFlow<()> + 'a;

/// The message for an input over the size limit (`len` bytes).
pub fn too_large(len: u64, limit: usize) -> String {
    format!("document of {len} bytes exceeds the limit of {limit} bytes")
}

/// An HTML page's bytes as text, in the encoding its byte order mark, the
/// HTTP `Content-Type` it came with (`content_type`, for fetched pages) or
/// its `<meta charset>` declares, else UTF-8 (see the `charset` module).
pub fn decode_html<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Result<std::borrow::Cow<'a, str>, CharsetError> {
    charset::decode_page(bytes, content_type)
}
