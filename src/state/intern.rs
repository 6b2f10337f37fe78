//! Deserializing the `&'static str` fields of [`Event`](crate::events::Event)
//! and [`Toponym`](crate::extract::Toponym) read back from the state
//! database. Those fields hold a small closed vocabulary (event types, place
//! kinds, precisions), so each distinct string is leaked once and reused:
//! memory stays bounded however many runs a long-lived process makes.

use serde::{Deserialize, Deserializer};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// `&'static str` under another name: serde's derive borrows fields written
/// `&str` from the input (which would tie deserialized values to the JSON
/// text); through this alias it calls [`one`] and [`opt`] instead.
pub type Static = &'static str;

fn intern(s: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = seen.get(s) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    seen.insert(leaked);
    leaked
}

/// A `&'static str` field.
pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = String::deserialize(d)?;
    Ok(intern(&s))
}

/// An `Option<&'static str>` field.
pub fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    let s = Option::<String>::deserialize(d)?;
    Ok(s.as_deref().map(intern))
}
