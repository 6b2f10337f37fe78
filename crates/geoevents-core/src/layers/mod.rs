//! Layer writers: the typed [`Layer`] model and the files made from it.
//!
//! ```
//! use geoevents_core::layers::{write_layers, Field, FieldType, Geometry, GeometryType, Layer, LayerFormat, Row};
//!
//! #[derive(serde::Serialize)]
//! struct EventRow {
//!     event_date: Option<String>,
//!     event_type: String,
//! }
//!
//! impl Row for EventRow {
//!     const FIELDS: &'static [Field] = &[
//!         Field::new("event_date", FieldType::Date, "day of the event"),
//!         Field::new("event_type", FieldType::String, "what happened"),
//!     ];
//! }
//!
//! let mut events = Layer::new("events", GeometryType::Point);
//! events.push("ev-1", Geometry::point(37.16, 36.2), EventRow { event_date: Some("2024-11-29".into()), event_type: "attack".into() });
//! let dir = std::env::temp_dir().join(format!("geoevents-doc-{}", std::process::id()));
//! let written = write_layers(&dir, &[&events], &[LayerFormat::Geojson, LayerFormat::Csv])?;
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
//! | `flatgeobuf` | `NAME.fgb` | FlatGeobuf 3 with the packed R-tree index ([`flatgeobuf`]) |
//! | `geoparquet` | `NAME.parquet` | GeoParquet 1.1 (the `geoevents-parquet` crate, a [`LayerFileWriter`]: Arrow stays out of this crate) |
//!
//! With the web page asked for ([`SetOptions::web_page`]), `index.html`
//! ([`web`]) carries the `events`, `places` and `areas` layers inline.
//!
//! With any of the per-layer formats, `NAME.qml` ([`qml`]) goes beside the
//! layer files: desktop QGIS applies it on opening `NAME.geojson`, `NAME.csv`
//! `NAME.geojsons` or `NAME.fgb` (renderer, labels and the Temporal Controller settings,
//! "enabled" included). PyQGIS users get the renderer from
//! `QgsVectorLayer(path, name, "ogr")` too, but its constructor switches the
//! temporal properties off again afterwards (the OGR provider has no temporal
//! capabilities); `layer.loadDefaultStyle()` restores them. The GeoPackage
//! stores no style: load the same `.qml` by hand.
//!
//! # A set written as a whole
//!
//! All files of one build (every format's files, the styles and the page)
//! are one set: written into a staging folder inside the target folder,
//! fsynced, marked `COMPLETE` with their list, and only then renamed into
//! place ([`staging`] has the steps). A failure before the marker (an
//! invalid layer, a full disk, an unwritable folder) leaves the previous set
//! byte for byte and no staging folder; a crash after it is finished by the
//! next write, which first rolls forward a leftover staging folder that has
//! its marker and deletes one that has not. Layers are validated
//! ([`AnyLayer::validate`]) before anything is staged. The bytes depend only
//! on the layers: no clock, no map order, no locale.
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
pub mod flatgeobuf;
pub mod geojson;
pub mod geojsonseq;
pub mod layer;
pub mod qml;
pub mod records;
pub mod staging;
pub mod web;

/// The geometry types of the layer model ([`Geometry`] wraps them).
pub use geo;
pub use layer::{finite, AnyLayer, Feature, Field, FieldType, Geometry, GeometryType, Layer, LayerError, Row, Value};

use staging::StagedSet;
use std::collections::HashSet;
use std::fmt;
use std::io;
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
    /// FlatGeobuf with a spatial index, `NAME.fgb`.
    Flatgeobuf,
    /// GeoParquet 1.1, `NAME.parquet` (written by a [`LayerFileWriter`]).
    Geoparquet,
}

impl LayerFormat {
    /// All formats, in the order files are written.
    pub const ALL: [LayerFormat; 6] = [
        LayerFormat::Geojson,
        LayerFormat::Geojsonseq,
        LayerFormat::Csv,
        LayerFormat::Gpkg,
        LayerFormat::Flatgeobuf,
        LayerFormat::Geoparquet,
    ];

    /// The name accepted by [`FromStr`] and printed by [`Display`](fmt::Display).
    pub fn name(self) -> &'static str {
        match self {
            LayerFormat::Geojson => "geojson",
            LayerFormat::Geojsonseq => "geojsonseq",
            LayerFormat::Csv => "csv",
            LayerFormat::Gpkg => "gpkg",
            LayerFormat::Flatgeobuf => "flatgeobuf",
            LayerFormat::Geoparquet => "geoparquet",
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

    /// `geojson`, `geojsonseq`, `csv`, `gpkg`, `flatgeobuf` or `geoparquet`, in any case.
    fn from_str(s: &str) -> Result<LayerFormat, String> {
        let lower = s.trim().to_ascii_lowercase();
        LayerFormat::ALL
            .into_iter()
            .find(|f| f.name() == lower)
            .ok_or_else(|| format!("unknown layer format {s:?}: expected {FORMAT_NAMES}"))
    }
}

/// The format names for messages: `geojson, geojsonseq, ... or geoparquet`.
pub const FORMAT_NAMES: &str = "geojson, geojsonseq, csv, gpkg, flatgeobuf or geoparquet";

/// A format that writes one file per layer, written by another crate
/// (GeoParquet: Arrow and Parquet stay out of this one).
pub trait LayerFileWriter {
    /// The format it writes.
    fn format(&self) -> LayerFormat;
    /// The extension of `NAME.EXT`, without the dot.
    fn extension(&self) -> &'static str;
    /// Writes `layer` into a new file at `path`. The layer is valid.
    fn write_layer_to(&self, path: &Path, layer: &dyn AnyLayer) -> io::Result<()>;
}

/// A format whose one file holds every layer (GeoPackage), written by
/// another crate so that this one needs no SQLite.
pub trait MultiLayerWriter {
    /// The format it writes.
    fn format(&self) -> LayerFormat;
    /// The file it writes in the layer folder.
    fn file_name(&self) -> &'static str;
    /// Writes every layer into a new file at `path`. The layers are valid.
    fn write_to(&self, path: &Path, layers: &[&dyn AnyLayer]) -> io::Result<()>;
}

/// The name of the web page in the layer folder.
pub const WEB_PAGE_FILE_NAME: &str = "index.html";

/// What goes into a layer set besides the layers and formats.
#[derive(Default, Clone, Copy)]
pub struct SetOptions<'a> {
    /// The colour of each event type, `(event_class, "#rrggbb")`, in legend
    /// order; when empty, the types present take [`qml::PALETTE`] in sorted order.
    pub event_colours: &'a [(&'a str, &'a str)],
    /// The writers of the formats that hold all layers in one file; asking
    /// for such a format without its writer is an
    /// [`io::ErrorKind::Unsupported`] error.
    pub multi: &'a [&'a dyn MultiLayerWriter],
    /// The writers of the per-layer formats that live in other crates
    /// (GeoParquet); asking for one without its writer is an
    /// [`io::ErrorKind::Unsupported`] error too.
    pub layer_files: &'a [&'a dyn LayerFileWriter],
    /// Also write `index.html` ([`web`]) from the layers named `events`,
    /// `places` and `areas` (a missing one is empty).
    pub web_page: bool,
}

/// Writes `layers` into `dir` (created if missing) in every format of
/// `formats`, with the QGIS styles, as one set (see the module docs), and
/// returns the paths written in a fixed order.
pub fn write_layers(dir: &Path, layers: &[&dyn AnyLayer], formats: &[LayerFormat]) -> io::Result<Vec<PathBuf>> {
    write_layer_set(dir, layers, formats, &SetOptions::default())
}

/// [`write_layers`] with the event colours, the one-file formats and the web
/// page of `options`.
///
/// All layers are validated ([`AnyLayer::validate`]) and the styles built
/// before anything is written; an invalid layer or a bad colour is an
/// [`io::ErrorKind::InvalidInput`] error and leaves `dir` untouched. Any
/// other failure before the set is complete leaves `dir` as it was too.
pub fn write_layer_set(
    dir: &Path,
    layers: &[&dyn AnyLayer],
    formats: &[LayerFormat],
    options: &SetOptions<'_>,
) -> io::Result<Vec<PathBuf>> {
    // Whatever happens next, a set left half-way by an earlier run is
    // finished or thrown away first.
    staging::recover(dir)?;
    let mut names = HashSet::new();
    for layer in layers {
        layer.validate()?;
        if !names.insert(layer.name()) {
            return Err(LayerError::DuplicateLayer(layer.name().to_string()).into());
        }
    }
    let wanted = |f: LayerFormat| formats.contains(&f);
    let per_layer = [
        LayerFormat::Geojson,
        LayerFormat::Geojsonseq,
        LayerFormat::Csv,
        LayerFormat::Flatgeobuf,
        LayerFormat::Geoparquet,
    ]
    .into_iter()
    .any(wanted);
    // Styles and writers first: a bad colour or a missing writer fails
    // before anything is staged.
    let mut styles = Vec::new();
    if per_layer {
        for layer in layers {
            styles.push(qml::to_qml(&qml::style_for(*layer, options.event_colours)?)?);
        }
    }
    let mut multi: Vec<&dyn MultiLayerWriter> = Vec::new();
    for format in formats.iter().filter(|f| **f == LayerFormat::Gpkg) {
        let writer =
            options.multi.iter().find(|w| w.format() == *format).ok_or_else(|| {
                io::Error::new(io::ErrorKind::Unsupported, format!("no writer for the {format} format"))
            })?;
        multi.push(*writer);
    }
    let mut layer_files: Vec<&dyn LayerFileWriter> = Vec::new();
    for format in formats.iter().filter(|f| **f == LayerFormat::Geoparquet) {
        let writer =
            options.layer_files.iter().find(|w| w.format() == *format).ok_or_else(|| {
                io::Error::new(io::ErrorKind::Unsupported, format!("no writer for the {format} format"))
            })?;
        layer_files.push(*writer);
    }

    let mut set = StagedSet::begin(dir)?;
    // The page carries the same GeoJSON text as the .geojson files.
    let mut page_layers: [String; 3] = Default::default();
    for (i, layer) in layers.iter().enumerate() {
        let file = |ext: &str| format!("{}.{ext}", layer.name());
        let page_slot = ["events", "places", "areas"].iter().position(|n| *n == layer.name());
        if wanted(LayerFormat::Geojson) || (options.web_page && page_slot.is_some()) {
            let mut text = Vec::new();
            geojson::write_geojson(&mut text, *layer)?;
            if wanted(LayerFormat::Geojson) {
                set.write_file(&file("geojson"), |w| w.write_all(&text))?;
            }
            if let (true, Some(slot)) = (options.web_page, page_slot) {
                page_layers[slot] =
                    String::from_utf8(text).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            }
        }
        if wanted(LayerFormat::Geojsonseq) {
            if layer.is_empty() {
                set.remove_file(&file("geojsons"))?;
            } else {
                set.write_file(&file("geojsons"), |w| geojsonseq::write_geojsonseq(w, *layer))?;
            }
        }
        if wanted(LayerFormat::Csv) {
            set.write_file(&file("csv"), |w| csv::write_csv(w, *layer))?;
            set.write_file(&file("csvt"), |w| w.write_all(csv::csvt(*layer).as_bytes()))?;
            set.write_file(&file("prj"), |w| w.write_all(csv::PRJ_WGS84.as_bytes()))?;
        }
        if wanted(LayerFormat::Flatgeobuf) {
            set.write_file(&file("fgb"), |w| flatgeobuf::write_flatgeobuf(w, *layer))?;
        }
        for writer in &layer_files {
            set.build_file(&file(writer.extension()), |path| writer.write_layer_to(path, *layer))?;
        }
        if per_layer {
            set.write_file(&file("qml"), |w| w.write_all(styles[i].as_bytes()))?;
        }
    }
    for writer in multi {
        set.build_file(writer.file_name(), |path| writer.write_to(path, layers))?;
    }
    if options.web_page {
        let [events, places, areas] = &page_layers;
        let page = web::render(events, places, areas)?;
        set.write_file(WEB_PAGE_FILE_NAME, |w| w.write_all(page.as_bytes()))?;
    }
    set.commit()
}

#[cfg(test)]
mod tests {
    use super::layer::tests::{row, TestRow};
    use super::*;

    #[test]
    fn output_format_names_round_trip() {
        for f in LayerFormat::ALL {
            assert_eq!(f.to_string().parse::<LayerFormat>().unwrap(), f);
        }
        assert_eq!("GeoJSON".parse::<LayerFormat>().unwrap(), LayerFormat::Geojson);
        assert!("shp".parse::<LayerFormat>().unwrap_err().contains("geoparquet"));
        assert_eq!("FlatGeobuf".parse::<LayerFormat>().unwrap(), LayerFormat::Flatgeobuf);
    }

    fn events(date: &str) -> Layer<TestRow> {
        let mut l = Layer::new("events", GeometryType::Point);
        l.push("e1", Geometry::point(1.0, 2.0), row(date));
        l
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        v.sort();
        v
    }

    #[test]
    fn output_write_layers_invalid_layer_leaves_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let all = [LayerFormat::Geojson, LayerFormat::Geojsonseq, LayerFormat::Csv];
        let written = write_layers(dir, &[&events("2024-11-30")], &all).unwrap();
        let before: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
        let err = write_layers(dir, &[&events("30/11/2024")], &all).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let after: Vec<Vec<u8>> = written.iter().map(|p| std::fs::read(p).unwrap()).collect();
        assert_eq!(before, after);
        assert_eq!(entries(dir).len(), written.len(), "no staging folder left: {:?}", entries(dir));
    }

    #[test]
    fn output_write_layers_empty_seq_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let written = write_layers(dir, &[&events("2024-11-30")], &[LayerFormat::Geojsonseq]).unwrap();
        assert_eq!(written, [dir.join("events.geojsons"), dir.join("events.qml")]);
        let empty: Layer<TestRow> = Layer::new("events", GeometryType::Point);
        let written = write_layers(dir, &[&empty], &[LayerFormat::Geojsonseq]).unwrap();
        assert_eq!(written, [dir.join("events.qml")]);
        assert!(!dir.join("events.geojsons").exists());
    }

    #[test]
    fn output_write_layers_web_page_in_the_set() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let options = SetOptions { web_page: true, ..SetOptions::default() };
        let written = write_layer_set(dir, &[&events("2024-11-30")], &[LayerFormat::Csv], &options).unwrap();
        assert_eq!(written.last(), Some(&dir.join("index.html")));
        let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
        assert!(page.contains("\"id\":\"e1\""), "the page carries the events layer");
        assert_eq!(entries(dir), ["events.csv", "events.csvt", "events.prj", "events.qml", "index.html"]);
    }

    #[test]
    fn output_write_layers_flatgeobuf_in_the_set_and_geoparquet_needs_its_writer() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let written = write_layers(dir, &[&events("2024-11-30")], &[LayerFormat::Flatgeobuf]).unwrap();
        assert_eq!(written, [dir.join("events.fgb"), dir.join("events.qml")]);
        let err = write_layers(dir, &[&events("2024-11-30")], &[LayerFormat::Geoparquet]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        assert_eq!(entries(dir), ["events.fgb", "events.qml"], "the failed set left nothing");
    }
}
