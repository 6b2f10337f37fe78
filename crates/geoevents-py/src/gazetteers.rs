//! The gazetteers a process uses: the built-in one, parsed on first use, and
//! imported files, memory-mapped once each. Both live as long as the process
//! (the core leaks an opened file's map on purpose), so every `Gazetteer`
//! object and every Spark task in a Python worker shares one copy; the
//! built-in data itself is part of the extension's read-only pages, which
//! the operating system shares between the worker processes of a machine.

use geoevents_core::gazetteer::{Gazetteer, GazetteerError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

/// How many gazetteers this process has loaded: the Spark test checks that
/// it is one per worker process, not one per task or batch.
static LOADS: AtomicU64 = AtomicU64::new(0);

static BUILTIN: OnceLock<Arc<Gazetteer>> = OnceLock::new();

/// An opened file, as it was when opened: a file replaced by rename (as
/// `gazetteer import` does) is a new file and is opened again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FileKey {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

static OPENED: OnceLock<Mutex<HashMap<FileKey, Arc<Gazetteer>>>> = OnceLock::new();

pub fn loads() -> u64 {
    LOADS.load(Ordering::Relaxed)
}

/// The gazetteer compiled into the package.
pub fn builtin() -> Arc<Gazetteer> {
    BUILTIN
        .get_or_init(|| {
            LOADS.fetch_add(1, Ordering::Relaxed);
            Arc::new(Gazetteer::builtin())
        })
        .clone()
}

/// A gazetteer file written by `geoevents gazetteer import`, mapped once per
/// process however often it is asked for.
pub fn open(path: &Path) -> Result<Arc<Gazetteer>, GazetteerError> {
    let io = |source| GazetteerError::Unreadable { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    let key =
        FileKey { path: std::fs::canonicalize(path).map_err(io)?, len: meta.len(), modified: meta.modified().ok() };
    let opened = OPENED.get_or_init(Mutex::default);
    // The lock is held while mapping, so that two threads asking for the same
    // file at once load it once.
    let mut opened = opened.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(gaz) = opened.get(&key) {
        return Ok(gaz.clone());
    }
    let gaz = Arc::new(Gazetteer::open(path)?);
    LOADS.fetch_add(1, Ordering::Relaxed);
    opened.insert(key, gaz.clone());
    Ok(gaz)
}
