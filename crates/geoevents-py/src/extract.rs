//! Geoparsing from Python: one document, or a stream of them in parallel.
//!
//! Results are the command line's JSONL lines (without the newline), made by
//! the core's [`document_line`]: whatever fields the records gain, Python
//! gets them unchanged (the package parses each line with `json.loads`).

use geoevents_core::gazetteer::Gazetteer;
use geoevents_core::ingest::Document;
use geoevents_core::pipeline::{document_line, extract};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyIterator;
use rayon::prelude::*;
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use crate::documents::document;
use crate::errors;

/// A batch of a stream is at most this many bytes of text (plus one
/// document) or [`BATCH_DOCUMENTS_PER_THREAD`] documents a thread: the
/// memory a stream holds, whatever the length of its input.
const BATCH_BYTES: usize = 2 << 20;
const BATCH_DOCUMENTS_PER_THREAD: usize = 32;

/// One document's JSONL line. A panic in the core (a bug) becomes an error
/// naming the document, never an unwinding across the Python boundary.
pub fn geoparse(gaz: &Gazetteer, doc: &Document) -> Result<String, String> {
    let run = catch_unwind(AssertUnwindSafe(|| document_line(doc, &extract(gaz, doc))));
    match run {
        Ok(Ok(mut line)) => {
            if line.ends_with('\n') {
                line.pop();
            }
            Ok(line)
        }
        Ok(Err(e)) => Err(format!("{}: cannot write the result: {e}", doc.id)),
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(format!("{}: internal error while geoparsing (please report it): {why}", doc.id))
        }
    }
}

/// The JSONL lines of an iterable of documents, in input order, geoparsed a
/// batch at a time on a pool of `threads` with the GIL released.
#[pyclass(module = "geoevents._geoevents")]
pub struct ExtractStream {
    gaz: Arc<Gazetteer>,
    /// `None` once the input is exhausted or failed.
    source: Option<Py<PyIterator>>,
    /// `None`: one thread, the caller's.
    pool: Option<Arc<rayon::ThreadPool>>,
    threads: usize,
    ready: VecDeque<String>,
    /// An error met while reading the input, raised once the documents
    /// before it have been given out.
    pending: Option<PyErr>,
    /// Documents taken from the input so far (the 1-based position of the last).
    position: u64,
    max_document_bytes: usize,
}

impl ExtractStream {
    pub fn new(
        py: Python<'_>,
        gaz: Arc<Gazetteer>,
        docs: &Bound<'_, PyAny>,
        threads: Option<usize>,
        max_document_bytes: usize,
    ) -> PyResult<ExtractStream> {
        let threads = match threads {
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        };
        // A pool of its own, not rayon's global one: it ends with the stream,
        // so a process that forks afterwards (multiprocessing, Spark's Python
        // daemon) never inherits idle worker threads.
        let pool = if threads > 1 {
            let built = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("geoevents-{i}"))
                .build()
                .map_err(|e| errors::internal_error(py, format!("cannot start {threads} threads: {e}")))?;
            Some(Arc::new(built))
        } else {
            None
        };
        Ok(ExtractStream {
            gaz,
            source: Some(docs.try_iter()?.unbind()),
            pool,
            threads,
            ready: VecDeque::new(),
            pending: None,
            position: 0,
            max_document_bytes,
        })
    }

    /// Reads the next batch of documents from the input.
    fn take_batch(&mut self, py: Python<'_>) -> Vec<Document> {
        let Some(source) = self.source.as_ref().map(|s| s.clone_ref(py)) else {
            return Vec::new();
        };
        let mut source = source.into_bound(py);
        let mut batch = Vec::new();
        let mut bytes = 0;
        while bytes < BATCH_BYTES && batch.len() < BATCH_DOCUMENTS_PER_THREAD * self.threads {
            match source.next() {
                None => {
                    self.source = None;
                    break;
                }
                Some(Err(e)) => {
                    self.fail(e);
                    break;
                }
                Some(Ok(obj)) => {
                    self.position += 1;
                    match document(&obj, self.position, self.max_document_bytes) {
                        Ok(doc) => {
                            bytes += doc.text.len();
                            batch.push(doc);
                        }
                        Err(bad) => {
                            let label = format!("document {}", self.position);
                            self.fail(bad.into_pyerr(py, Some(&label)));
                            break;
                        }
                    }
                }
            }
        }
        batch
    }

    fn fail(&mut self, e: PyErr) {
        self.pending = Some(e);
        self.source = None;
    }
}

#[pymethods]
impl ExtractStream {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<String>> {
        loop {
            if let Some(line) = self.ready.pop_front() {
                return Ok(Some(line));
            }
            if let Some(e) = self.pending.take() {
                return Err(e);
            }
            if self.source.is_none() {
                return Ok(None);
            }
            let batch = self.take_batch(py);
            if batch.is_empty() {
                continue;
            }
            let gaz = self.gaz.clone();
            let pool = self.pool.clone();
            let lines: Vec<Result<String, String>> = py.detach(move || match pool {
                Some(pool) => pool.install(|| batch.par_iter().map(|d| geoparse(&gaz, d)).collect()),
                None => batch.iter().map(|d| geoparse(&gaz, d)).collect(),
            });
            for line in lines {
                match line {
                    Ok(line) => self.ready.push_back(line),
                    Err(message) => {
                        // Results before the failed document still come out first.
                        self.fail(errors::internal_error(py, message));
                        break;
                    }
                }
            }
        }
    }
}
