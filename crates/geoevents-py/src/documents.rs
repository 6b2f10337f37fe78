//! Python values to documents, checked as the command line checks a JSONL
//! line: the fields are carried into the core's
//! [`document_from_fields`], so the messages are the same ones.

use geoevents_core::ingest::{document_from_fields, too_large, Document, Origin};
use pyo3::exceptions::{PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyInt, PyMapping, PyString};
use serde_json::{Map, Value};

use crate::errors;

/// The fields of a document that are read; any others are ignored, as in a
/// JSONL line.
const FIELDS: [&str; 6] = ["id", "text", "title", "url", "source", "published_at"];

/// Why a Python value is not a document.
pub enum BadDocument {
    /// Not a type that can be read (Python's `TypeError`).
    Type(String),
    /// A readable type with a bad value (`geoevents.DocumentError`).
    Value(String),
}

impl BadDocument {
    /// The Python exception, its message prefixed with `label` (such as
    /// `document 3`) when there is one.
    pub fn into_pyerr(self, py: Python<'_>, label: Option<&str>) -> PyErr {
        let with_label = |m: String| match label {
            Some(l) => format!("{l}: {m}"),
            None => m,
        };
        match self {
            BadDocument::Type(m) => PyTypeError::new_err(with_label(m)),
            BadDocument::Value(m) => errors::document_error(py, with_label(m)),
        }
    }
}

/// The document that `obj` describes: a `str` (its text) or a mapping with
/// the JSONL fields. Documents without an id are named by `position`
/// (1-based, as a string).
pub fn document(obj: &Bound<'_, PyAny>, position: u64, max_document_bytes: usize) -> Result<Document, BadDocument> {
    let mut fields = Map::new();
    if obj.is_instance_of::<PyString>() {
        fields.insert("text".into(), field_value("text", obj)?);
    } else if let Ok(dict) = obj.cast::<PyDict>() {
        for name in FIELDS {
            if let Some(v) = dict.get_item(name).map_err(|e| BadDocument::Value(e.to_string()))? {
                fields.insert(name.into(), field_value(name, &v)?);
            }
        }
    } else if let Ok(map) = obj.cast::<PyMapping>() {
        for name in FIELDS {
            if map.contains(name).map_err(|e| BadDocument::Value(e.to_string()))? {
                let v = map.get_item(name).map_err(|e| BadDocument::Value(e.to_string()))?;
                fields.insert(name.into(), field_value(name, &v)?);
            }
        }
    } else {
        return Err(BadDocument::Type(format!(
            "expected a str or a mapping with a \"text\" key (found {})",
            type_name(obj)
        )));
    }
    if let Some(Value::String(text)) = fields.get("text") {
        if text.len() > max_document_bytes {
            return Err(BadDocument::Value(too_large(text.len() as u64, max_document_bytes)));
        }
    }
    let origin = Origin { path: "<python>".into(), line: Some(position) };
    document_from_fields(fields, || position.to_string(), origin).map_err(|p| BadDocument::Value(p.0))
}

/// One field as JSON: strings as they are, `None` as null, an integer id as
/// a number, a `datetime.date` or `datetime.datetime` publication time in
/// ISO 8601; anything else is a type error named as the core names it.
fn field_value(name: &str, v: &Bound<'_, PyAny>) -> Result<Value, BadDocument> {
    if v.is_none() && name != "text" {
        return Ok(Value::Null);
    }
    if v.is_instance_of::<PyString>() {
        return string(name, v).map(Value::String);
    }
    if name == "id" && v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>() {
        // Beyond 64 bits an id is still a decimal number: keep its digits.
        return Ok(match v.extract::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::String(v.str().and_then(|s| s.extract::<String>()).unwrap_or_default()),
        });
    }
    if name == "published_at" && v.is_instance_of::<PyDate>() {
        let iso = v.call_method0("isoformat").and_then(|s| s.extract::<String>());
        return iso.map(Value::String).map_err(|e| BadDocument::Value(e.to_string()));
    }
    let found = type_name(v);
    Err(BadDocument::Type(match name {
        "text" => format!("\"text\" is not a string (found {found})"),
        "id" => format!("\"id\" must be a string or a number (found {found})"),
        _ => format!("\"{name}\" must be a string (found {found})"),
    }))
}

/// A Python `str` as UTF-8. A string holding a lone surrogate (as
/// `"\udcff"`, which `surrogateescape` decoding makes of bad bytes) has no
/// UTF-8 form: that is an error naming the code point offset.
pub fn string(name: &str, v: &Bound<'_, PyAny>) -> Result<String, BadDocument> {
    v.extract::<String>().map_err(|e| {
        let py = v.py();
        if e.is_instance_of::<PyUnicodeEncodeError>(py) {
            let at = e.value(py).getattr("start").and_then(|s| s.extract::<usize>()).unwrap_or(0);
            BadDocument::Value(format!(
                "\"{name}\" is not valid Unicode: a lone surrogate at code point {at} has no UTF-8 form"
            ))
        } else {
            BadDocument::Type(format!("\"{name}\" is not a string (found {})", type_name(v)))
        }
    })
}

pub fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type().name().map_or_else(|_| "an unknown type".to_string(), |n| n.to_string())
}
