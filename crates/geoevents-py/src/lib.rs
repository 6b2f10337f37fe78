//! `geoevents._geoevents`: the native half of the Python package
//! `geoevents` (python/geoevents/). It hands Python the command line's own
//! results: JSONL lines for documents, the JSON of `geoevents geocode` for
//! names and points. The Python half parses them and adds the GeoPandas and
//! Spark helpers.
//!
//! Every entry point returns a Python exception for bad input (with the
//! command line's message), releases the GIL while geoparsing, and catches
//! a panic of the core rather than let it cross into Python.

mod documents;
mod errors;
mod extract;
mod gazetteers;

use geoevents_core::gazetteer::{Gazetteer, Kind, Origin};
use geoevents_core::ingest::DEFAULT_MAX_DOCUMENT_BYTES;
use geoevents_core::resolve::answers::{candidate_json, nearest_json, ReverseQuery, DEFAULT_MAX_KM};
use geoevents_core::resolve::{geocode, Query};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

use documents::BadDocument;
use extract::{geoparse, ExtractStream};

/// A gazetteer in use: the built-in one or an imported file. Cheap to copy:
/// every handle to the same gazetteer shares one loaded copy.
#[pyclass(frozen, module = "geoevents._geoevents")]
pub struct NativeGazetteer {
    gaz: Arc<Gazetteer>,
}

fn parse_kind(kind: Option<&str>) -> PyResult<Option<Kind>> {
    kind.map(|k| {
        Kind::parse(k).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown kind {k:?}: expected one of continent, country, region, admin1, admin2, city, physical"
            ))
        })
    })
    .transpose()
}

/// A name or country code as UTF-8; bad values are `ValueError`s here, not
/// document errors.
fn text_argument(name: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    documents::string(name, v).map_err(|bad| match bad {
        BadDocument::Type(m) => pyo3::exceptions::PyTypeError::new_err(m),
        BadDocument::Value(m) => PyValueError::new_err(m),
    })
}

fn to_json(py: Python<'_>, v: &serde_json::Value) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| errors::internal_error(py, e.to_string()))
}

#[pymethods]
impl NativeGazetteer {
    /// `"built-in"`, or the path of the imported file.
    #[getter]
    fn origin(&self) -> String {
        match self.gaz.origin() {
            Origin::BuiltIn => "built-in".into(),
            Origin::File(p) => p.display().to_string(),
        }
    }

    /// The number of places.
    #[getter]
    fn places(&self) -> u32 {
        self.gaz.store().len()
    }

    /// The JSONL line of one document (a `str` or a mapping of its fields).
    #[pyo3(signature = (doc, max_document_bytes = DEFAULT_MAX_DOCUMENT_BYTES))]
    fn extract_line(&self, py: Python<'_>, doc: &Bound<'_, PyAny>, max_document_bytes: usize) -> PyResult<String> {
        let doc = documents::document(doc, 1, max_document_bytes).map_err(|bad| bad.into_pyerr(py, None))?;
        let gaz = self.gaz.clone();
        py.detach(move || geoparse(&gaz, &doc)).map_err(|m| errors::internal_error(py, m))
    }

    /// The JSONL lines of an iterable of documents, in input order.
    #[pyo3(signature = (docs, threads = None, max_document_bytes = DEFAULT_MAX_DOCUMENT_BYTES))]
    fn extract_lines(
        &self,
        py: Python<'_>,
        docs: &Bound<'_, PyAny>,
        threads: Option<usize>,
        max_document_bytes: usize,
    ) -> PyResult<ExtractStream> {
        ExtractStream::new(py, self.gaz.clone(), docs, threads, max_document_bytes)
    }

    /// `geoevents geocode --format json` for one name: a JSON array.
    #[pyo3(signature = (name, country = None, kind = None, limit = 5, fuzzy = true))]
    fn geocode_json(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyAny>,
        country: Option<&Bound<'_, PyAny>>,
        kind: Option<&str>,
        limit: usize,
        fuzzy: bool,
    ) -> PyResult<String> {
        let name = text_argument("name", name)?;
        let country = country.filter(|c| !c.is_none()).map(|c| text_argument("country", c)).transpose()?;
        let kind = parse_kind(kind)?;
        let gaz = self.gaz.clone();
        let found = py.detach(move || {
            let q = Query { name: &name, country: country.as_deref(), within: None, kind, limit, fuzzy };
            serde_json::Value::Array(geocode(&gaz, &q).iter().map(candidate_json).collect())
        });
        to_json(py, &found)
    }

    /// `geoevents geocode --reverse LAT,LON --format json`: a JSON array.
    #[pyo3(signature = (lat, lon, limit = 5, kind = None, country = None, max_km = DEFAULT_MAX_KM))]
    #[expect(clippy::too_many_arguments, reason = "the keyword arguments of geoevents.reverse, one to one")]
    fn reverse_json(
        &self,
        py: Python<'_>,
        lat: f64,
        lon: f64,
        limit: usize,
        kind: Option<&str>,
        country: Option<&Bound<'_, PyAny>>,
        max_km: f64,
    ) -> PyResult<String> {
        let country = country.filter(|c| !c.is_none()).map(|c| text_argument("country", c)).transpose()?;
        let kind = parse_kind(kind)?;
        let gaz = self.gaz.clone();
        let found = py.detach(move || {
            let q = ReverseQuery { kind, country: country.as_deref(), limit, max_km };
            nearest_json(&gaz, lat, lon, &q)
        });
        match found {
            Ok(places) => to_json(py, &serde_json::Value::Array(places)),
            Err(e) => Err(PyValueError::new_err(format!("({lat}, {lon}): {e}"))),
        }
    }
}

/// The gazetteer compiled into the package (loaded once per process).
#[pyfunction]
fn builtin() -> NativeGazetteer {
    NativeGazetteer { gaz: gazetteers::builtin() }
}

/// An imported gazetteer file, memory-mapped (once per process and file).
#[pyfunction]
fn open(py: Python<'_>, path: PathBuf) -> PyResult<NativeGazetteer> {
    let gaz = py.detach(|| gazetteers::open(&path)).map_err(|e| errors::gazetteer_error(py, e.to_string()))?;
    Ok(NativeGazetteer { gaz })
}

/// How many gazetteers this process has loaded so far.
#[pyfunction]
fn gazetteer_loads() -> u64 {
    gazetteers::loads()
}

#[pymodule]
fn _geoevents(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_MAX_DOCUMENT_BYTES", DEFAULT_MAX_DOCUMENT_BYTES)?;
    m.add_class::<NativeGazetteer>()?;
    m.add_class::<ExtractStream>()?;
    m.add_function(wrap_pyfunction!(builtin, m)?)?;
    m.add_function(wrap_pyfunction!(open, m)?)?;
    m.add_function(wrap_pyfunction!(gazetteer_loads, m)?)?;
    Ok(())
}
