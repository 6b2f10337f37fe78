//! The package's exceptions are Python classes (geoevents/_errors.py, so
//! that they can derive from both `GeoeventsError` and a built-in such as
//! `ValueError`); Rust raises them by name.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

fn raise(py: Python<'_>, class: &str, message: String) -> PyErr {
    let made = py.import("geoevents._errors").and_then(|m| m.getattr(class)).and_then(|c| c.call1((message.clone(),)));
    match made {
        Ok(exc) => PyErr::from_value(exc),
        // Only when the package is broken: still an exception, not a panic.
        Err(_) => PyRuntimeError::new_err(message),
    }
}

/// A document that cannot be read (`geoevents.DocumentError`, a `ValueError`).
pub fn document_error(py: Python<'_>, message: String) -> PyErr {
    raise(py, "DocumentError", message)
}

/// A gazetteer that cannot be opened (`geoevents.GazetteerError`, an `OSError`).
pub fn gazetteer_error(py: Python<'_>, message: String) -> PyErr {
    raise(py, "GazetteerError", message)
}

/// Anything else that went wrong inside geoevents (`geoevents.GeoeventsError`).
pub fn internal_error(py: Python<'_>, message: String) -> PyErr {
    raise(py, "GeoeventsError", message)
}
