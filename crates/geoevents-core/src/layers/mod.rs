//! Layer writers: the typed [`Layer`] model and the files made from it.
//!
//! ```
//! use geoevents_core::layers::{write_layers, Feature, Field, FieldType, Geometry, GeometryType, Layer, LayerFormat, Value};
//!
//! let mut events = Layer::new("events", GeometryType::Point, vec![
//!     Field::new("event_date", FieldType::Date, "day of the event"),
//!     Field::new("event_type", FieldType::String, "what happened"),
//! ]);
//! events.features.push(Feature {
//!     id: "ev-1".into(),
//!     geometry: Geometry::Point { lon: 37.16, lat: 36.2 },
//!     values: vec![Value::Str("2024-11-29".into()), Value::Str("attack".into())],
//! });
//! let dir = std::env::temp_dir().join(format!("geoevents-doc-{}", std::process::id()));
//! let written = write_layers(&dir, &[events], &[LayerFormat::Geojson, LayerFormat::Csv])?;
//! assert_eq!(written[..2], [dir.join("events.geojson"), dir.join("events.csv")]);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Files
//!
//! For every layer `NAME` (`events`, `places`, `areas`) and format:
//!
//! | format | files | standard |
//! | --- | --- | --- |
//! | `geojson` | `NAME.geojson` | RFC 7946 FeatureCollection ([`geojson`]) |
//! | `geojsonseq` | `NAME.geojsons` | RFC 8142 GeoJSON Text Sequence ([`geojsonseq`]) |
//! | `csv` | `NAME.csv`, `NAME.csvt`, `NAME.prj` | RFC 4180 CSV with `lon`,`lat` + GDAL sidecars ([`csv`]) |
//! | `gpkg` | `layers.gpkg` (all layers, one table each) | OGC GeoPackage 1.2 (the `geoevents-gpkg` crate, a [`MultiLayerWriter`]: SQLite stays out of this crate) |
//!
//! With any of the per-layer formats, `NAME.qml` ([`qml`]) goes beside the
//! layer files: desktop QGIS applies it on opening `NAME.geojson`, `NAME.csv`
//! or `NAME.geojsons` (renderer, labels and the Temporal Controller settings,
//! "enabled" included). PyQGIS users get the renderer from
//! `QgsVectorLayer(path, name, "ogr")` too, but its constructor switches the
//! temporal properties off again afterwards (the OGR provider has no temporal
//! capabilities); `layer.loadDefaultStyle()` restores them. The GeoPackage
//! stores no style: load the same `.qml` by hand.
//!
//! Every file is written under a temporary name in `dir` first
//! ([`crate::atomic::AtomicFile`]); only when all of them are complete
//! are they renamed over the old ones, so a failure (an invalid layer, a full
//! disk) leaves the previous files as they were. The bytes depend only on the
//! layers: no clock, no map order, no locale.
//!
//! # Empty layers
//!
//! What each format holds when a layer has no features, and why (checked
//! with GDAL 3.6 and QGIS 3.22, see `tests/it/layers.rs`):
//! - GeoJSON: `{"type":"FeatureCollection","features":[]}`. It is the only
//!   RFC 7946 way to say "no features"; geojsonhint accepts it, `ogrinfo`
//!   opens it without a warning (0 features), and the QGIS API opens it as a
//!   valid layer. GeoJSON cannot declare a geometry type, so GDAL reports
//!   "Unknown": desktop QGIS opens the file given on its command line as a
//!   table without geometry (the point style cannot apply to it), and
//!   through Layer > Add Vector Layer it first asks in its "Select Items to
//!   Add" dialog ("events - Unknown (0)"). No GeoJSON avoids that.
//! - GeoPackage: an empty table that keeps its declared geometry type
//!   (`gpkg_geometry_columns`): QGIS opens it as a point or polygon layer
//!   with the style-ready schema, without any dialog. This is the format to
//!   use where empty results are common.
//! - CSV: the header line alone; with the `.csvt` sidecar GDAL opens it as a
//!   point layer of 0 features.
//! - GeoJSON Text Sequence: no file. A sequence of zero records is a 0-byte
//!   file, which GDAL and QGIS refuse to open; rather than leave a file no
//!   reader opens, the writer skips it, removes a stale one from an earlier
//!   run, and leaves it out of the returned list.

pub mod areas;
pub mod csv;
pub mod geojson;
pub mod geojsonseq;
pub mod geom;
pub mod layer;
pub mod qml;
pub mod records;
pub mod web;

pub use layer::{Feature, Field, FieldType, Geometry, GeometryType, Layer, LayerError, Value};

use crate::atomic::{AtomicFile, StagedPath};
use std::collections::HashSet;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The name of the GeoPackage that holds all layers.
pub const GPKG_FILE_NAME: &str = "layers.gpkg";

/// A layer file format (`--format`, several allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LayerFormat {
    /// RFC 7946 GeoJSON, `NAME.geojson`.
    Geojson,
    /// RFC 8142 GeoJSON Text Sequences, `NAME.geojsons`.
    Geojsonseq,
    /// RFC 4180 CSV with `lon`/`lat`, `NAME.csv` (+ `.csvt`, `.prj`).
    Csv,
    /// OGC GeoPackage, every layer in `layers.gpkg`.
    Gpkg,
}

impl LayerFormat {
    /// All formats, in the order files are written.
    pub const ALL: [LayerFormat; 4] =
        [LayerFormat::Geojson, LayerFormat::Geojsonseq, LayerFormat::Csv, LayerFormat::Gpkg];

    /// The name accepted by [`FromStr`] and printed by [`Display`](fmt::Display).
    pub fn name(self) -> &'static str {
        match self {
            LayerFormat::Geojson => "geojson",
            LayerFormat::Geojsonseq => "geojsonseq",
            LayerFormat::Csv => "csv",
            LayerFormat::Gpkg => "gpkg",
        }
    }
}

impl fmt::Display for LayerFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for LayerFormat {
    type Err = String;

    /// `geojson`, `geojsonseq`, `csv` or `gpkg`, in any case.
    fn from_str(s: &str) -> Result<LayerFormat, String> {
        let lower = s.trim().to_ascii_lowercase();
        LayerFormat::ALL
            .into_iter()
            .find(|f| f.name() == lower)
            .ok_or_else(|| format!("unknown layer format {s:?}: expected geojson, geojsonseq, csv or gpkg"))
    }
}

/// A format whose one file holds every layer (GeoPackage), written by
/// another crate so that this one needs no SQLite.
pub trait MultiLayerWriter {
    /// The format it writes.
    fn format(&self) -> LayerFormat;
    /// The file it writes in the layer folder.
    fn file_name(&self) -> &'static str;
    /// Writes every layer into a new file at `path`. The layers are valid.
    fn write_to(&self, path: &Path, layers: &[Layer]) -> io::Result<()>;
}

/// Writes `layers` into `dir` (created if missing) in every format of
/// `formats`, with the QGIS styles, and returns the paths written in a fixed
/// order. Event types are coloured from [`qml::PALETTE`] in sorted order; use
/// [`write_layers_styled`] to fix the colour of each type.
pub fn write_layers(dir: &Path, layers: &[Layer], formats: &[LayerFormat]) -> io::Result<Vec<PathBuf>> {
    write_layers_styled(dir, layers, formats, &[], &[])
}

enum Staged {
    File(AtomicFile),
    Path(StagedPath),
}

impl Staged {
    fn commit(self) -> io::Result<()> {
        match self {
            Staged::File(f) => f.commit(),
            Staged::Path(p) => p.commit(),
        }
    }
}

fn stage(
    staged: &mut Vec<(Staged, PathBuf)>,
    path: PathBuf,
    write: impl FnOnce(&mut AtomicFile) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = AtomicFile::create(&path)?;
    write(&mut file)?;
    file.flush()?;
    staged.push((Staged::File(file), path));
    Ok(())
}

/// [`write_layers`] with the colour of each event type given as
/// `(event_type, "#rrggbb")`, in legend order, and the writers of the
/// formats that hold all layers in one file (`multi`; asking for such a
/// format without its writer is an [`io::ErrorKind::Unsupported`] error).
///
/// All layers are validated ([`Layer::validate`]) before anything is written;
/// an invalid layer or a bad colour is an [`io::ErrorKind::InvalidInput`]
/// error and leaves `dir` untouched.
pub fn write_layers_styled(
    dir: &Path,
    layers: &[Layer],
    formats: &[LayerFormat],
    event_colours: &[(&str, &str)],
    multi: &[&dyn MultiLayerWriter],
) -> io::Result<Vec<PathBuf>> {
    let mut names = HashSet::new();
    for layer in layers {
        layer.validate()?;
        if !names.insert(layer.name) {
            return Err(LayerError::DuplicateLayer(layer.name.to_string()).into());
        }
    }
    let wanted = |f: LayerFormat| formats.contains(&f);
    let per_layer = wanted(LayerFormat::Geojson) || wanted(LayerFormat::Geojsonseq) || wanted(LayerFormat::Csv);
    // Styles first: a bad colour must fail before any file is staged.
    let mut styles = Vec::new();
    if per_layer {
        for layer in layers {
            styles.push(qml::to_qml(&qml::style_for(layer, event_colours))?);
        }
    }
    std::fs::create_dir_all(dir)?;

    let mut staged: Vec<(Staged, PathBuf)> = Vec::new();
    let mut stale: Vec<PathBuf> = Vec::new();
    for (i, layer) in layers.iter().enumerate() {
        let file = |ext: &str| dir.join(format!("{}.{ext}", layer.name));
        if wanted(LayerFormat::Geojson) {
            stage(&mut staged, file("geojson"), |w| geojson::write_geojson(w, layer))?;
        }
        if wanted(LayerFormat::Geojsonseq) {
            if layer.is_empty() {
                stale.push(file("geojsons"));
            } else {
                stage(&mut staged, file("geojsons"), |w| geojsonseq::write_geojsonseq(w, layer))?;
            }
        }
        if wanted(LayerFormat::Csv) {
            stage(&mut staged, file("csv"), |w| csv::write_csv(w, layer))?;
            stage(&mut staged, file("csvt"), |w| w.write_all(csv::csvt(layer).as_bytes()))?;
            stage(&mut staged, file("prj"), |w| w.write_all(csv::PRJ_WGS84.as_bytes()))?;
        }
        if per_layer {
            stage(&mut staged, file("qml"), |w| w.write_all(styles[i].as_bytes()))?;
        }
    }
    for format in formats.iter().filter(|f| **f == LayerFormat::Gpkg) {
        let writer = multi
            .iter()
            .find(|w| w.format() == *format)
            .ok_or_else(|| io::Error::new(io::ErrorKind::Unsupported, format!("no writer for the {format} format")))?;
        let path = dir.join(writer.file_name());
        let target = StagedPath::new(&path)?;
        writer.write_to(target.tmp(), layers)?;
        staged.push((Staged::Path(target), path));
    }

    let mut written = Vec::with_capacity(staged.len());
    for (file, path) in staged {
        file.commit()?;
        written.push(path);
    }
    for path in stale {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_format_names_round_trip() {
        for f in LayerFormat::ALL {
            assert_eq!(f.to_string().parse::<LayerFormat>().unwrap(), f);
        }
        assert_eq!("GeoJSON".parse::<LayerFormat>().unwrap(), LayerFormat::Geojson);
        assert!("shp".parse::<LayerFormat>().unwrap_err().contains("geojsonseq"));
    }

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("geoevents-output-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn events(date: &str) -> Layer {
        let mut l = Layer::new("events", GeometryType::Point, vec![Field::new("event_date", FieldType::Date, "")]);
        l.features.push(Feature {
            id: "e1".into(),
            geometry: Geometry::Point { lon: 1.0, lat: 2.0 },
            values: vec![Value::Str(date.into())],
        });
        l
    }

    #[test]
    fn output_write_layers_invalid_layer_leaves_files() {
        let dir = tmpdir("invalid");
        let all = [LayerFormat::Geojson, LayerFormat::Geojsonseq, LayerFormat::Csv];
        let written = write_layers(&dir, &[events("2024-11-30")], &all).unwrap();
        let before: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
        let err = write_layers(&dir, &[events("30/11/2024")], &all).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let after: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
        assert_eq!(before, after);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), written.len(), "no temporary files left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn output_write_layers_empty_seq_removed() {
        let dir = tmpdir("emptyseq");
        let written = write_layers(&dir, &[events("2024-11-30")], &[LayerFormat::Geojsonseq]).unwrap();
        assert_eq!(written, [dir.join("events.geojsons"), dir.join("events.qml")]);
        let mut empty = events("2024-11-30");
        empty.features.clear();
        let written = write_layers(&dir, &[empty], &[LayerFormat::Geojsonseq]).unwrap();
        assert_eq!(written, [dir.join("events.qml")]);
        assert!(!dir.join("events.geojsons").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
