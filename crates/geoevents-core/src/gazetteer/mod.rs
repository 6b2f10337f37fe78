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
    /// Compiled into the binary from `gazetteer/places.tsv` ([`Gazetteer::builtin`]).
    BuiltIn,
    /// Memory-mapped from this file ([`Gazetteer::open`]), e.g. from `--gazetteer`.
    File(PathBuf),
}

/// A gazetteer ready for lookups: the checked [`Store`], its [`Origin`],
/// and a nearest-place index built on first use ([`Gazetteer::spatial`]).
pub struct Gazetteer {
    store: Store,
    origin: Origin,
    spatial: OnceLock<spatial::SpatialIndex>,
}

/// Why a gazetteer could not be opened or imported: the errors of the
/// gazetteer domain. Each names the file and, for input lines, the line.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    /// A gazetteer or input file that is missing or cannot be read.
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        /// The file as it was given.
        path: PathBuf,
        /// The failed open, stat or read.
        source: std::io::Error,
    },
    /// A gazetteer file that is damaged or not a gazetteer (checked on open).
    #[error("gazetteer {}: {source}", .path.display())]
    Format {
        /// The gazetteer file as it was given.
        path: PathBuf,
        /// The first check that failed.
        source: store::FormatError,
    },
    /// An import input line that is malformed (with `--strict`, or a duplicate geonameid).
    #[error("{}:{line}: {message}", .path.display())]
    BadLine {
        /// The input file as it was given.
        path: PathBuf,
        /// 1-based line number in that file.
        line: u64,
        /// What is wrong with the line.
        message: String,
    },
    /// An import input that is not UTF-8 text (binary, UTF-16).
    #[error("{}: {message}", .path.display())]
    NotText {
        /// The input file as it was given.
        path: PathBuf,
        /// What the first bytes look like, and how to convert them.
        message: String,
    },
    /// Only side tables (`admin1CodesASCII.txt`, `countryInfo.txt`,
    /// `alternateNames*.txt`) were given: no file to take places from.
    #[error("no place dump among the inputs (expected a 19-column file such as allCountries.txt or cities500.txt)")]
    NoDump,
    /// Every line of the dumps was malformed, or there was none.
    #[error("no valid place in {files}: {lines} lines read, {skipped} skipped as malformed; nothing was written")]
    NoPlaces {
        /// The dump files read, comma-separated.
        files: String,
        /// Lines read from them, comments and blank lines included.
        lines: u64,
        /// Lines skipped as malformed, across every input.
        skipped: u64,
    },
    /// The gazetteer being imported could not be written; nothing partial is left.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The output gazetteer file.
        path: PathBuf,
        /// The failed create, write or rename.
        source: std::io::Error,
    },
}

/// The errors of [`Gazetteer::open`] and [`Gazetteer::choose`].
pub type OpenError = GazetteerError;

impl Gazetteer {
    /// The gazetteer compiled into the binary. Its bytes are checked with
    /// the same code as files (a test does so, `builtin_bytes_pass_every_check`);
    /// at run time only its header and section bounds are, to keep start-up fast.
    #[expect(clippy::expect_used, reason = "built by build.rs and fully checked by a test")]
    pub fn builtin() -> Gazetteer {
        let store = Store::parse_trusted(BUILTIN).expect("the built-in gazetteer is well-formed");
        Gazetteer { store, origin: Origin::BuiltIn, spatial: OnceLock::new() }
    }

    /// Memory-maps a gazetteer file written by `gazetteer import` and checks
    /// it whole ([`Store::parse`]).
    pub fn open(path: &Path) -> Result<Gazetteer, GazetteerError> {
        let io = |source| GazetteerError::Unreadable { path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        if file.metadata().map_err(io)?.is_dir() {
            return Err(io(std::io::Error::new(std::io::ErrorKind::IsADirectory, "a directory, not a gazetteer file")));
        }
        // SAFETY: the file is treated as read-only; geoevents replaces
        // gazetteer files by rename, never in place.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.map_err(io)?;
        // The gazetteer lives as long as the process: leaking the map gives
        // the index the 'static bytes it borrows.
        let bytes: &'static [u8] = Box::leak(Box::new(map));
        let store =
            Store::parse(bytes).map_err(|source| GazetteerError::Format { path: path.to_path_buf(), source })?;
        Ok(Gazetteer { store, origin: Origin::File(path.to_path_buf()), spatial: OnceLock::new() })
    }

    /// The gazetteer a command should use: `explicit` (from `--gazetteer`),
    /// else `$GEOEVENTS_GAZETTEER`, else the built-in one.
    pub fn choose(explicit: Option<&Path>) -> Result<Gazetteer, GazetteerError> {
        if let Some(p) = explicit {
            return Gazetteer::open(p);
        }
        match std::env::var_os(ENV_VAR) {
            Some(p) if !p.is_empty() => Gazetteer::open(Path::new(&p)),
            _ => Ok(Gazetteer::builtin()),
        }
    }

    /// The records and the name index (zero-copy over the file's bytes).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Built in or which file, for messages and `gazetteer info`.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The nearest-place index, built on first use.
    pub fn spatial(&self) -> &spatial::SpatialIndex {
        self.spatial.get_or_init(|| spatial::SpatialIndex::build(&self.store))
    }
}

/// A place as results carry it: owned, so that a toponym or an event
/// outlives the gazetteer file it was resolved with (the run state keeps them
/// across gazetteer updates). Every later stage refers to a place through
/// this one type rather than copying its fields.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlaceRef {
    /// `geonames:170063`, `region:kurdistan-region`, `ne:IQ-AR`.
    pub id: String,
    /// The gazetteer's name of the place.
    pub name: String,
    /// What sort of place it is; decides [`PlaceRef::is_area`].
    pub kind: Kind,
    /// GeoNames feature code (PPLA, ADM1, PCLI, ...).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 (not FIPS); null for places that span countries.
    pub country_code: Option<String>,
    /// GeoNames admin1 key, `CC.CODE` (`SY.09`).
    pub admin1_code: Option<String>,
    /// The first-level region's English name.
    pub admin1: Option<String>,
    /// Latitude, WGS 84 degrees in [-90, 90], rounded to six decimals ([`spatial::round6`]).
    pub lat: f64,
    /// Longitude, WGS 84 degrees in [-180, 180], rounded to six decimals.
    pub lon: f64,
}

impl From<&Place<'_>> for PlaceRef {
    fn from(p: &Place<'_>) -> PlaceRef {
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
        PlaceRef {
            id: p.id.to_string(),
            name: p.name.to_string(),
            kind: p.kind,
            feature_code: p.feature_code.to_string(),
            country_code: non_empty(p.country_code),
            admin1_code: non_empty(p.admin1_code),
            admin1: non_empty(p.admin1_name),
            lat: spatial::round6(p.lat),
            lon: spatial::round6(p.lon),
        }
    }
}

impl PlaceRef {
    /// True for places that stand for an area (continent, country, region,
    /// admin1, admin2): an event there happened somewhere inside, not at the point.
    pub fn is_area(&self) -> bool {
        matches!(self.kind, Kind::Continent | Kind::Country | Kind::Region | Kind::Admin1 | Kind::Admin2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_bytes_pass_every_check() {
        let store = Store::parse(BUILTIN).unwrap();
        assert!(store.len() > 100_000, "{} records", store.len());
        assert_eq!(store.len(), Gazetteer::builtin().store().len());
    }
}
