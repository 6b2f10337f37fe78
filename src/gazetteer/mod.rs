//! The gazetteer: place records, their name index, the built-in default,
//! GeoNames dump import and nearest-place lookup.
//!
//! A gazetteer is one file (layout in [`layout`]) that is either embedded in
//! the binary (built from `gazetteer/places.tsv` by `build.rs`) or written by
//! `geoevents gazetteer import` and memory-mapped.

pub mod import;
pub mod layout;
pub mod record;
pub mod spatial;
pub mod store;
pub mod writer;

pub use record::{Kind, NameKind, PlaceRecord};
pub use store::{Place, Posting, Store};

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that names a gazetteer file to use instead of
/// the built-in one (the `--gazetteer` option wins over it).
pub const ENV_VAR: &str = "GEOEVENTS_GAZETTEER";

static BUILTIN: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtin.gaz"));

/// Where the gazetteer in use came from.
#[derive(Debug, Clone)]
pub enum Origin {
    BuiltIn,
    File(PathBuf),
}

pub struct Gazetteer {
    store: Store,
    origin: Origin,
    spatial: OnceLock<spatial::SpatialIndex>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open gazetteer {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("gazetteer {path}: {source}")]
    Format { path: PathBuf, source: store::FormatError },
}

impl Gazetteer {
    /// The gazetteer compiled into the binary.
    pub fn builtin() -> Gazetteer {
        let store = Store::parse(BUILTIN).expect("the built-in gazetteer is well-formed");
        Gazetteer { store, origin: Origin::BuiltIn, spatial: OnceLock::new() }
    }

    /// Memory-maps a gazetteer file written by `gazetteer import`.
    pub fn open(path: &Path) -> Result<Gazetteer, OpenError> {
        let io = |source| OpenError::Io { path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        // SAFETY: the file is treated as read-only; geoevents replaces
        // gazetteer files by rename, never in place.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        // The gazetteer lives as long as the process: leaking the map gives
        // the index the 'static bytes it borrows.
        let bytes: &'static [u8] = Box::leak(Box::new(map));
        let store = Store::parse(bytes).map_err(|source| OpenError::Format { path: path.to_path_buf(), source })?;
        Ok(Gazetteer { store, origin: Origin::File(path.to_path_buf()), spatial: OnceLock::new() })
    }

    /// The gazetteer a command should use: `explicit` (from `--gazetteer`),
    /// else `$GEOEVENTS_GAZETTEER`, else the built-in one.
    pub fn choose(explicit: Option<&Path>) -> Result<Gazetteer, OpenError> {
        if let Some(p) = explicit {
            return Gazetteer::open(p);
        }
        match std::env::var_os(ENV_VAR) {
            Some(p) if !p.is_empty() => Gazetteer::open(Path::new(&p)),
            _ => Ok(Gazetteer::builtin()),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The nearest-place index, built on first use.
    pub fn spatial(&self) -> &spatial::SpatialIndex {
        self.spatial.get_or_init(|| spatial::SpatialIndex::build(&self.store))
    }
}
