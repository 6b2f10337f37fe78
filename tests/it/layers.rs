//! The layer writers (`geoevents_core::layers`) checked by real readers: GDAL's
//! `ogrinfo`/`ogr2ogr` (GeoJSON, GeoJSONSeq, CSV and GPKG drivers, strict: no
//! warning allowed), `@mapbox/geojsonhint@3.2.0`, and QGIS itself, headless
//! (`tests/fixtures/output/qgis_check.py`).
//!
//! A missing reader fails the test with the package to install:
//! Debian `gdal-bin`, `python3-gdal` (GDAL's `validate_gpkg.py`), `qgis` and
//! `python3-qgis`; npm `@mapbox/geojsonhint@3.2.0`.
//! The QGIS Python is found as `$GEOEVENTS_QGIS_PYTHON`, else
//! `/usr/bin/python3`, else `python3` on PATH, whichever imports `qgis.core`.

use crate::util::{dir_entries, fixture, temp_dir};
use geoevents_core::layers::{
    finite, geo, write_layer_set, AnyLayer, Field, FieldType, Geometry, GeometryType, Layer, LayerFormat, Row,
    SetOptions,
};
use geoevents_gpkg::GpkgWriter;
use serde::Serialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

// ---------------------------------------------------------------- the layers

#[derive(Debug, Clone, Serialize)]
struct EventRow {
    event_date: Option<String>,
    published_at: Option<String>,
    event_class: String,
    place_name: String,
    mention_text: String,
    #[serde(serialize_with = "finite")]
    confidence: f64,
    is_centroid: bool,
    char_start: i64,
}

impl Row for EventRow {
    const FIELDS: &'static [Field] = &[
        Field::new("event_date", FieldType::Date, "day of the event"),
        Field::new("published_at", FieldType::DateTime, "publication time, UTC"),
        Field::new("event_class", FieldType::String, "what happened"),
        Field::new("place_name", FieldType::String, "the place"),
        Field::new("mention_text", FieldType::String, "the words in the text"),
        Field::new("confidence", FieldType::Real, "0..1"),
        Field::new("is_centroid", FieldType::Boolean, "point stands for an area"),
        Field::new("char_start", FieldType::Integer, "code point offset"),
    ];
}

#[derive(Debug, Clone, Serialize)]
struct PlaceRow {
    place_name: String,
    gazetteer_id: String,
    mention_count: i64,
    event_count: i64,
    first_event_date: Option<String>,
    last_event_date: Option<String>,
    event_types: String,
}

impl Row for PlaceRow {
    const FIELDS: &'static [Field] = &[
        Field::new("place_name", FieldType::String, "the place"),
        Field::new("gazetteer_id", FieldType::String, "geonames:ID"),
        Field::new("mention_count", FieldType::Integer, "mentions"),
        Field::new("event_count", FieldType::Integer, "events"),
        Field::new("first_event_date", FieldType::Date, "first event"),
        Field::new("last_event_date", FieldType::Date, "last event"),
        Field::new("event_types", FieldType::String, "types, ';'-separated"),
    ];
}

#[derive(Debug, Clone, Serialize)]
struct AreaRow {
    area_name: String,
    level: String,
    country_code: String,
    mention_count: i64,
    event_count: i64,
}

impl Row for AreaRow {
    const FIELDS: &'static [Field] = &[
        Field::new("area_name", FieldType::String, "country or region"),
        Field::new("level", FieldType::String, "country or admin1"),
        Field::new("country_code", FieldType::String, "ISO 3166-1 alpha-2"),
        Field::new("mention_count", FieldType::Integer, "mentions"),
        Field::new("event_count", FieldType::Integer, "events"),
    ];
}

fn s(v: &str) -> String {
    v.to_string()
}

/// The three sample layers.
struct Sample {
    events: Layer<EventRow>,
    places: Layer<PlaceRow>,
    areas: Layer<AreaRow>,
}

impl Sample {
    fn all(&self) -> [&dyn AnyLayer; 3] {
        [&self.events, &self.places, &self.areas]
    }
}

fn ring(points: &[(f64, f64)]) -> geo::LineString {
    geo::LineString::from(points.to_vec())
}

/// 3 events, 2 places, 1 area (two polygons, the first with a hole, its
/// exterior given clockwise so the writer must fix it).
fn sample_layers() -> Sample {
    let mut events = Layer::new("events", GeometryType::Point);
    let rows = [
        ("ev-1", 37.16, 36.2, "2024-11-29", "2024-11-30T08:15:00Z", "attack", "Aleppo", "Aleppo", 0.92, false, 120),
        (
            "ev-2",
            36.75,
            35.13,
            "2024-11-30",
            "2024-11-30T08:15:00Z",
            "advance",
            "Hama",
            "Hama province",
            0.71,
            true,
            480,
        ),
        (
            "ev-3",
            44.009,
            36.191,
            "2024-11-30",
            "2024-11-30T11:02:07Z",
            "attack",
            "Erbil, \"Hewlêr\"",
            "ERBIL",
            0.5,
            false,
            0,
        ),
    ];
    for (id, lon, lat, day, published, kind, place, text, conf, centroid, start) in rows {
        events.push(
            id,
            Geometry::point(lon, lat),
            EventRow {
                event_date: Some(s(day)),
                published_at: Some(s(published)),
                event_class: s(kind),
                place_name: s(place),
                mention_text: s(text),
                confidence: conf,
                is_centroid: centroid,
                char_start: start,
            },
        );
    }

    let mut places = Layer::new("places", GeometryType::Point);
    let place = |name: &str, id: &str, day: &str| PlaceRow {
        place_name: s(name),
        gazetteer_id: s(id),
        mention_count: 4,
        event_count: 1,
        first_event_date: Some(s(day)),
        last_event_date: Some(s(day)),
        event_types: s("attack"),
    };
    places.push(
        "geonames:170063",
        Geometry::point(37.16117, 36.20124),
        place("Aleppo", "geonames:170063", "2024-11-29"),
    );
    let mut erbil = place("Erbil", "geonames:95446", "2024-11-30");
    erbil.mention_count = 1;
    places.push("geonames:95446", Geometry::point(44.00886, 36.19257), erbil);

    let mut areas = Layer::new("areas", GeometryType::MultiPolygon);
    let outer_cw = ring(&[(35.7, 32.3), (35.7, 37.3), (42.4, 37.3), (42.4, 32.3), (35.7, 32.3)]);
    let hole = ring(&[(38.0, 34.0), (39.0, 34.0), (39.0, 35.0), (38.0, 35.0), (38.0, 34.0)]);
    let island = ring(&[(35.0, 34.9), (35.1, 34.9), (35.1, 35.0), (35.0, 34.9)]);
    let syria = geo::MultiPolygon(vec![geo::Polygon::new(outer_cw, vec![hole]), geo::Polygon::new(island, vec![])]);
    areas.push(
        "geonames:163843",
        Geometry::MultiPolygon(syria),
        AreaRow { area_name: s("Syria"), level: s("country"), country_code: s("SY"), mention_count: 7, event_count: 2 },
    );
    Sample { events, places, areas }
}

fn empty_layers() -> Sample {
    Sample {
        events: Layer::new("events", GeometryType::Point),
        places: Layer::new("places", GeometryType::Point),
        areas: Layer::new("areas", GeometryType::MultiPolygon),
    }
}

const COLOURS: &[(&str, &str)] = &[("attack", "#d7191c"), ("advance", "#fdae61"), ("protest", "#2c7bb6")];

// --------------------------------------------------------------- the readers

fn in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Panics (fails the test, never skips it) when a reader is missing.
fn require(tool: &str, install: &str) -> PathBuf {
    in_path(tool).unwrap_or_else(|| panic!("`{tool}` is not installed: the layer tests need it; install {install}"))
}

fn gdal(tool: &str) -> Command {
    let mut cmd = Command::new(require(tool, "the Debian package gdal-bin (apt-get install gdal-bin)"));
    cmd.env("CPL_DEBUG", "OFF");
    cmd
}

/// What `ogrinfo -so` says about one layer.
#[derive(Debug)]
pub(crate) struct OgrLayer {
    name: String,
    pub(crate) geometry: String,
    pub(crate) count: u64,
    fields: Vec<(String, String)>,
}

impl OgrLayer {
    pub(crate) fn field_type(&self, name: &str) -> &str {
        self.fields.iter().find(|(n, _)| n == name).map_or_else(
            || panic!("ogrinfo lists no field {name} in layer {}: {:?}", self.name, self.fields),
            |(_, t)| t.as_str(),
        )
    }
}

fn parse_ogrinfo(out: &str) -> Vec<OgrLayer> {
    let mut layers: Vec<OgrLayer> = Vec::new();
    for line in out.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layers.push(OgrLayer { name: name.trim().into(), geometry: String::new(), count: 0, fields: Vec::new() });
            continue;
        }
        let Some(layer) = layers.last_mut() else { continue };
        if let Some(g) = line.strip_prefix("Geometry: ") {
            layer.geometry = g.trim().into();
        } else if let Some(n) = line.strip_prefix("Feature Count: ") {
            layer.count = n.trim().parse().expect("a feature count");
        } else if let Some((name, rest)) = line.split_once(": ") {
            // "event_date: Date (0.0)", "is_centroid: Integer(Boolean) (0.0)"
            if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                if let Some((kind, _)) = rest.split_once(" (") {
                    layer.fields.push((name.into(), kind.into()));
                }
            }
        }
    }
    layers
}

/// `ogrinfo -ro -al -so SOURCE`: must succeed with no "Warning" or "ERROR"
/// anywhere in its output.
fn ogrinfo(source: &str) -> Vec<OgrLayer> {
    let out = gdal("ogrinfo").args(["-ro", "-al", "-so", source]).output().expect("ogrinfo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ogrinfo {source} failed:\n{stdout}\n{stderr}");
    for text in [&stdout, &stderr] {
        assert!(
            !text.contains("Warning") && !text.contains("ERROR"),
            "ogrinfo {source} is not silent:\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        );
    }
    parse_ogrinfo(&stdout)
}

pub(crate) fn one_layer(source: &str) -> OgrLayer {
    let mut layers = ogrinfo(source);
    assert_eq!(layers.len(), 1, "{source}: {layers:?}");
    layers.remove(0)
}

pub(crate) fn path_str(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// `geojsonhint FILE` prints nothing for a valid file.
fn geojsonhint(file: &Path) {
    let hint =
        require("geojsonhint", "the npm package @mapbox/geojsonhint@3.2.0 (npm install -g @mapbox/geojsonhint@3.2.0)");
    let out = Command::new(hint).arg(file).output().expect("geojsonhint runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.trim().is_empty(), "geojsonhint {}:\n{text}", file.display());
}

fn qgis_python() -> PathBuf {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("GEOEVENTS_QGIS_PYTHON") {
        candidates.push(p.into());
    }
    candidates.push("/usr/bin/python3".into());
    candidates.extend(in_path("python3"));
    candidates
        .into_iter()
        .find(|py| {
            Command::new(py)
                .args(["-c", "import qgis.core"])
                .env("QT_QPA_PLATFORM", "offscreen")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .unwrap_or_else(|| {
            panic!(
                "no python3 can import qgis.core: the layer tests need QGIS; install the Debian packages qgis and python3-qgis \
                 (apt-get install qgis python3-qgis), or point GEOEVENTS_QGIS_PYTHON at a Python that has them"
            )
        })
}

/// GDAL's GeoPackage conformance checker (`validate_gpkg.py`, Debian
/// `python3-gdal`): silent and exit 0 for a conforming file.
fn validate_gpkg(file: &Path) {
    let out = Command::new(qgis_python())
        .args(["-m", "osgeo_utils.samples.validate_gpkg"])
        .arg(file)
        .output()
        .expect("python3 runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        !text.contains("No module named"),
        "GDAL's validate_gpkg.py is missing: install the Debian package python3-gdal\n{text}"
    );
    assert!(out.status.success() && text.trim().is_empty(), "validate_gpkg.py {}:\n{text}", file.display());
}

/// Runs `qgis_check.py` on the checks; panics with its report on failure.
pub(crate) fn qgis_check(work: &Path, checks: &serde_json::Value) {
    let spec = work.join("qgis-checks.json");
    std::fs::write(&spec, serde_json::to_vec_pretty(checks).unwrap()).unwrap();
    let out = Command::new(qgis_python())
        .arg(fixture("output/qgis_check.py"))
        .arg(&spec)
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", work)
        .env("HOME", work)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let n = checks.as_array().map_or(0, Vec::len);
    assert!(
        out.status.success() && stdout.lines().filter(|l| l.starts_with("OK ")).count() == n,
        "QGIS checks failed:\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
}

/// The formats these tests check (FlatGeobuf and GeoParquet: big_layers.rs).
const FORMATS: [LayerFormat; 4] = [LayerFormat::Geojson, LayerFormat::Geojsonseq, LayerFormat::Csv, LayerFormat::Gpkg];

fn options(colours: &'static [(&'static str, &'static str)]) -> SetOptions<'static> {
    SetOptions { event_colours: colours, multi: &[&GpkgWriter], web_page: false, ..SetOptions::default() }
}

fn write_set(dir: &Path, layers: &[&dyn AnyLayer]) -> std::io::Result<Vec<PathBuf>> {
    write_layer_set(dir, layers, &FORMATS, &options(COLOURS))
}

fn write_all(dir: &Path, sample: &Sample) -> Vec<PathBuf> {
    write_set(dir, &sample.all()).expect("the layers are written")
}

// ----------------------------------------------------------------- the tests

#[test]
fn layers_written_files() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    let written = write_all(&dir, &sample_layers());
    let names: Vec<String> = written.iter().map(|p| p.strip_prefix(&dir).unwrap().display().to_string()).collect();
    let mut expected = Vec::new();
    for layer in ["events", "places", "areas"] {
        for ext in ["geojson", "geojsons", "csv", "csvt", "prj", "qml"] {
            expected.push(format!("{layer}.{ext}"));
        }
    }
    expected.push("layers.gpkg".into());
    assert_eq!(names, expected);
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(dir_entries(&dir), sorted, "nothing else (no temporary file) is left");
}

#[test]
#[ignore = "needs GDAL (ogrinfo) and geojsonhint: see README"]
fn layers_geojson_gdal_strict_and_geojsonhint() {
    let tmp = temp_dir();
    let dir = tmp.path();
    write_all(dir, &sample_layers());
    for (layer, geometry, count) in [("events", "Point", 3), ("places", "Point", 2), ("areas", "Multi Polygon", 1)] {
        let file = dir.join(format!("{layer}.geojson"));
        let info = one_layer(path_str(&file));
        assert_eq!((info.name.as_str(), info.geometry.as_str(), info.count), (layer, geometry, count), "{info:?}");
        assert_eq!(info.field_type("id"), "String");
        geojsonhint(&file);
    }
    let events = one_layer(path_str(&dir.join("events.geojson")));
    assert_eq!(events.field_type("event_date"), "Date");
    assert_eq!(events.field_type("published_at"), "DateTime");
    assert_eq!(events.field_type("confidence"), "Real");
    assert_eq!(events.field_type("is_centroid"), "Integer(Boolean)");
    assert_eq!(events.field_type("char_start"), "Integer");
    let places = one_layer(path_str(&dir.join("places.geojson")));
    assert_eq!(places.field_type("first_event_date"), "Date");
    assert_eq!(places.field_type("mention_count"), "Integer");

    // RFC 7946 shape: no crs, [lon, lat] with at most 6 decimals, ids.
    let text = std::fs::read_to_string(dir.join("events.geojson")).unwrap();
    assert!(!text.contains("\"crs\""));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["features"][2]["id"], "ev-3");
    assert_eq!(v["features"][2]["geometry"]["coordinates"], json!([44.009, 36.191]));
    assert_eq!(v["features"][2]["properties"]["place_name"], "Erbil, \"Hewlêr\"");
}

#[test]
#[ignore = "needs GDAL (ogrinfo): see README"]
fn layers_geojsonseq_driver() {
    let tmp = temp_dir();
    let dir = tmp.path();
    write_all(dir, &sample_layers());
    for (layer, count) in [("events", 3), ("places", 2), ("areas", 1)] {
        let file = dir.join(format!("{layer}.geojsons"));
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bytes.iter().filter(|&&b| b == 0x1E).count(), count);
        assert_eq!(bytes[0], 0x1E);
        assert_eq!(*bytes.last().unwrap(), b'\n');
        let info = one_layer(&format!("GeoJSONSeq:{}", path_str(&file)));
        assert_eq!(info.count, count as u64, "{info:?}");
        if layer == "events" {
            assert_eq!(info.field_type("event_date"), "Date");
        }
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo): see README"]
fn layers_csv_gdal() {
    let tmp = temp_dir();
    let dir = tmp.path();
    write_all(dir, &sample_layers());
    for (layer, geometry, count) in [("events", "Point", 3), ("places", "Point", 2), ("areas", "Unknown (any)", 1)] {
        let info = one_layer(path_str(&dir.join(format!("{layer}.csv"))));
        assert_eq!((info.geometry.as_str(), info.count), (geometry, count), "{info:?}");
        assert_eq!(info.field_type("lon"), "Real");
    }
    let events = one_layer(path_str(&dir.join("events.csv")));
    assert_eq!(events.field_type("event_date"), "Date");
    assert_eq!(events.field_type("published_at"), "DateTime");
    assert_eq!(events.field_type("is_centroid"), "Integer(Boolean)");
    // The polygons come back from the wkt column.
    let out = gdal("ogrinfo").args(["-ro", "-al", "-q", path_str(&dir.join("areas.csv"))]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "MULTIPOLYGON (((35.7 32.3,42.4 32.3,42.4 37.3,35.7 37.3,35.7 32.3),(38 34,38 35,39 35,39 34,38 34))"
        ),
        "{text}"
    );
}

#[test]
#[ignore = "needs GDAL (ogrinfo, ogr2ogr, validate_gpkg.py): see README"]
fn layers_gpkg_ogrinfo_and_ogr2ogr_round_trip() {
    let tmp = temp_dir();
    let dir = tmp.path();
    write_all(dir, &sample_layers());
    let gpkg = dir.join("layers.gpkg");
    validate_gpkg(&gpkg);
    let layers = ogrinfo(path_str(&gpkg));
    let summary: Vec<(&str, &str, u64)> =
        layers.iter().map(|l| (l.name.as_str(), l.geometry.as_str(), l.count)).collect();
    assert_eq!(summary, [("events", "Point", 3), ("places", "Point", 2), ("areas", "Multi Polygon", 1)]);
    assert_eq!(layers[0].field_type("event_date"), "Date");
    assert_eq!(layers[0].field_type("published_at"), "DateTime");
    assert_eq!(layers[0].field_type("is_centroid"), "Integer(Boolean)");
    assert_eq!(layers[0].field_type("id"), "String");
    assert_eq!(layers[1].field_type("last_event_date"), "Date");

    // The values, not only the schema.
    let out = gdal("ogrinfo").args(["-ro", "-q", path_str(&gpkg), "events", "-where", "id = 'ev-3'"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "event_date (Date) = 2024/11/30",
        "published_at (DateTime) = 2024/11/30 11:02:07+00",
        "is_centroid (Integer(Boolean)) = 0",
        "POINT (44.009 36.191)",
    ] {
        assert!(text.contains(want), "no {want:?} in\n{text}");
    }

    // GDAL's own conversion of our GeoJSON to a GeoPackage keeps the types.
    for (layer, count) in [("events", 3), ("places", 2), ("areas", 1)] {
        let out_gpkg = dir.join(format!("roundtrip-{layer}.gpkg"));
        let out = gdal("ogr2ogr")
            .args(["-f", "GPKG", path_str(&out_gpkg), path_str(&dir.join(format!("{layer}.geojson")))])
            .output()
            .unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(
            out.status.success() && !text.contains("Warning") && !text.contains("ERROR"),
            "ogr2ogr {layer}:\n{text}"
        );
        let back = one_layer(path_str(&out_gpkg));
        assert_eq!(back.count, count);
        if layer == "events" {
            assert_eq!(back.field_type("event_date"), "Date");
        }
    }
}

#[test]
#[ignore = "needs QGIS (python3-qgis): see README"]
fn layers_qgis_opens_every_format() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    write_all(&dir, &sample_layers());
    let p = |name: &str| path_str(&dir.join(name)).to_string();
    let gpkg = |layer: &str| format!("{}|layername={layer}", p("layers.gpkg"));
    let events_check = |uri: String, qml: Option<String>| {
        json!({"uri": uri, "count": 3, "geometry": "Point", "date_fields": ["event_date"], "datetime_fields": ["published_at"],
               "qml": qml, "renderer": "categorizedSymbol", "categories": COLOURS.len() + 1, "temporal_field": "event_date",
               "no_dialog": true})
    };
    let places_check = |uri: String, qml: Option<String>| {
        json!({"uri": uri, "count": 2, "geometry": "Point", "date_fields": ["first_event_date", "last_event_date"], "qml": qml,
               "renderer": "singleSymbol", "label_field": "place_name", "size_field": "mention_count", "no_dialog": true})
    };
    let areas_check = |uri: String, qml: Option<String>| json!({"uri": uri, "count": 1, "geometry": "MultiPolygon", "qml": qml, "renderer": "graduatedSymbol", "no_dialog": true});
    let mut gpkg_events = events_check(gpkg("events"), Some(p("events.qml")));
    gpkg_events["default_style"] = json!(false);
    let checks = json!([
        // GeoJSON: the .qml beside it is applied on open, and loads again by hand.
        events_check(p("events.geojson"), Some(p("events.qml"))),
        places_check(p("places.geojson"), Some(p("places.qml"))),
        areas_check(p("areas.geojson"), Some(p("areas.qml"))),
        // The same layers as GeoJSON Text Sequences and CSV.
        events_check(p("events.geojsons"), None),
        events_check(p("events.csv"), None),
        places_check(p("places.csv"), None),
        {"uri": p("areas.geojsons"), "count": 1, "geometry": "MultiPolygon"},
        // GeoPackage tables (no style stored inside), styled by hand from the same QML.
        gpkg_events,
        {"uri": gpkg("places"), "count": 2, "geometry": "Point", "date_fields": ["first_event_date"], "default_style": false,
         "no_dialog": true},
        {"uri": gpkg("areas"), "count": 1, "geometry": "MultiPolygon", "default_style": false, "no_dialog": true},
    ]);
    qgis_check(tmp.path(), &checks);
}

#[test]
#[ignore = "needs GDAL (ogrinfo, validate_gpkg.py), QGIS and geojsonhint: see README"]
fn layers_empty_results() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    // A stale sequence from an earlier, non-empty run must not survive.
    write_all(&dir, &sample_layers());
    let written = write_all(&dir, &empty_layers());
    assert!(written.iter().all(|p| p.extension().unwrap() != "geojsons"), "{written:?}");
    for layer in ["events", "places", "areas"] {
        assert!(!dir.join(format!("{layer}.geojsons")).exists(), "stale {layer}.geojsons left behind");
        let geojson = dir.join(format!("{layer}.geojson"));
        assert_eq!(std::fs::read_to_string(&geojson).unwrap(), "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
        geojsonhint(&geojson);
        let info = one_layer(path_str(&geojson));
        assert_eq!((info.geometry.as_str(), info.count), ("Unknown (any)", 0));
        let csv = one_layer(path_str(&dir.join(format!("{layer}.csv"))));
        assert_eq!(csv.count, 0);
    }
    assert_eq!(one_layer(path_str(&dir.join("events.csv"))).field_type("event_date"), "Date");
    validate_gpkg(&dir.join("layers.gpkg"));
    let gpkg = ogrinfo(path_str(&dir.join("layers.gpkg")));
    let summary: Vec<(&str, &str, u64)> =
        gpkg.iter().map(|l| (l.name.as_str(), l.geometry.as_str(), l.count)).collect();
    assert_eq!(summary, [("events", "Point", 0), ("places", "Point", 0), ("areas", "Multi Polygon", 0)]);
    assert_eq!(gpkg[0].field_type("event_date"), "Date");

    let p = |name: &str| path_str(&dir.join(name)).to_string();
    let gpkg_uri = |layer: &str| format!("{}|layername={layer}", p("layers.gpkg"));
    let checks = json!([
        // The GeoPackage keeps geometry types and field types: QGIS opens it without a dialog.
        {"uri": gpkg_uri("events"), "count": 0, "geometry": "Point", "date_fields": ["event_date"], "default_style": false,
         "qml": p("events.qml"), "renderer": "categorizedSymbol", "temporal_field": "event_date", "no_dialog": true},
        {"uri": gpkg_uri("places"), "count": 0, "geometry": "Point", "date_fields": ["first_event_date"], "default_style": false,
         "qml": p("places.qml"), "label_field": "place_name", "no_dialog": true},
        {"uri": gpkg_uri("areas"), "count": 0, "geometry": "MultiPolygon", "default_style": false, "qml": p("areas.qml"),
         "renderer": "graduatedSymbol", "no_dialog": true},
        // CSV: a point layer with typed columns and its style, no dialog.
        {"uri": p("events.csv"), "count": 0, "geometry": "Point", "date_fields": ["event_date"], "renderer": "categorizedSymbol",
         "temporal_field": "event_date", "no_dialog": true},
        // GeoJSON: a valid layer of 0 features; its geometry type cannot be known,
        // which is why Layer > Add Vector Layer asks (see src/output/mod.rs).
        // Its style cannot be applied either: QGIS refuses a point style for a
        // layer without geometry.
        {"uri": p("events.geojson"), "count": 0, "default_style": false, "no_dialog": false},
        {"uri": p("areas.geojson"), "count": 0, "default_style": false, "no_dialog": false},
    ]);
    qgis_check(tmp.path(), &checks);
}

#[test]
fn layers_byte_identical() {
    let tmp = temp_dir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let first = write_all(&a, &sample_layers());
    let second = write_all(&b, &sample_layers());
    assert_eq!(dir_entries(&a), dir_entries(&b));
    for (x, y) in first.iter().zip(&second) {
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap(), "{} differs between runs", x.display());
    }
    // And over the old files in the same place.
    write_all(&a, &sample_layers());
    for (x, y) in first.iter().zip(&second) {
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap(), "{} differs after rewriting", x.display());
    }
    // The same for empty layers.
    let (c, d) = (tmp.path().join("c"), tmp.path().join("d"));
    for (x, y) in write_all(&c, &empty_layers()).iter().zip(&write_all(&d, &empty_layers())) {
        assert_eq!(std::fs::read(x).unwrap(), std::fs::read(y).unwrap(), "{} differs between runs", x.display());
    }
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    dir_entries(dir).into_iter().map(|n| (n.clone(), std::fs::read(dir.join(&n)).unwrap())).collect()
}

/// A folder this process cannot write, whoever it runs as: `chmod 0555`,
/// and for root (which ignores modes) the ext4 immutable flag, `chattr +i`.
/// Undone when dropped.
struct Unwritable<'a> {
    dir: &'a Path,
    immutable: bool,
}

impl<'a> Unwritable<'a> {
    fn new(dir: &'a Path) -> Unwritable<'a> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        let mut guard = Unwritable { dir, immutable: false };
        if guard.writable() {
            let ok = Command::new("chattr").arg("+i").arg(dir).status().is_ok_and(|s| s.success());
            guard.immutable = ok;
            assert!(
                ok && !guard.writable(),
                "cannot make {} unwritable: running as root, and `chattr +i` (e2fsprogs) failed on this file system",
                dir.display()
            );
        }
        guard
    }

    fn writable(&self) -> bool {
        let probe = self.dir.join(".probe");
        let ok = std::fs::write(&probe, b"x").is_ok();
        let _ = std::fs::remove_file(&probe);
        ok
    }
}

impl Drop for Unwritable<'_> {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = Command::new("chattr").arg("-i").arg(self.dir).status();
        }
        let _ = std::fs::set_permissions(self.dir, std::fs::Permissions::from_mode(0o755));
    }
}

/// A one-file writer that fails half-way through its file, as a full disk would.
struct FailingWriter;

impl geoevents_core::layers::MultiLayerWriter for FailingWriter {
    fn format(&self) -> LayerFormat {
        LayerFormat::Gpkg
    }
    fn file_name(&self) -> &'static str {
        "layers.gpkg"
    }
    fn write_to(&self, path: &Path, _layers: &[&dyn AnyLayer]) -> std::io::Result<()> {
        std::fs::write(path, b"SQLite format 3\0 half")?;
        Err(std::io::Error::other("No space left on device (simulated)"))
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo): see README"]
fn layers_failed_write_leaves_old_files() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    write_all(&dir, &sample_layers());
    let before = snapshot(&dir);

    // An invalid layer (one partial date) is refused before anything is written.
    let mut bad = sample_layers();
    bad.events.features[1].row.event_date = Some(s("2024-11"));
    let err = write_set(&dir, &bad.all()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("event_date"), "{err}");
    assert_eq!(snapshot(&dir), before);

    // An invalid polygon (two parts that overlap) names layer, feature and problem.
    let mut bad = sample_layers();
    let square = |x: f64| geo::Rect::new((x, 30.0), (x + 2.0, 32.0)).to_polygon();
    bad.areas.push(
        "geonames:248816",
        Geometry::MultiPolygon(geo::MultiPolygon(vec![square(35.0), square(36.0)])),
        AreaRow {
            area_name: s("Jordan"),
            level: s("country"),
            country_code: s("JO"),
            mention_count: 1,
            event_count: 0,
        },
    );
    let err = write_set(&dir, &bad.all()).unwrap_err();
    assert!(err.to_string().starts_with("layer areas, feature \"geonames:248816\": invalid geometry"), "{err}");
    assert!(err.to_string().contains("overlap"), "{err}");
    assert_eq!(snapshot(&dir), before);

    // A writer that fails half-way (a full disk) replaces nothing and leaves
    // no staging folder.
    let mut changed = sample_layers();
    changed.events.features.truncate(1);
    let failing =
        SetOptions { event_colours: COLOURS, multi: &[&FailingWriter], web_page: true, ..SetOptions::default() };
    let err = write_layer_set(&dir, &changed.all(), &FORMATS, &failing).unwrap_err();
    assert!(err.to_string().contains("No space left"), "{err}");
    assert_eq!(snapshot(&dir), before);

    // An unwritable folder: nothing can be staged, nothing changes.
    {
        let _ro = Unwritable::new(&dir);
        assert!(write_set(&dir, &changed.all()).is_err());
    }
    assert_eq!(snapshot(&dir), before);

    // Once the obstacle is gone the new layers replace the old ones.
    write_set(&dir, &changed.all()).unwrap();
    assert_ne!(snapshot(&dir), before);
    assert_eq!(one_layer(path_str(&dir.join("events.geojson"))).count, 1);
}

/// A build killed between staging and renames leaves a staging folder; the
/// next write repairs the set: rolled forward when the folder has its
/// COMPLETE marker, deleted when it has not.
#[test]
fn layers_interrupted_build_is_repaired_by_the_next_write() {
    use geoevents_core::layers::staging::{COMPLETE, STAGING_PREFIX};
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    write_all(&dir, &sample_layers());
    let old = snapshot(&dir);
    let mut changed = sample_layers();
    changed.events.features.truncate(1);
    let other = temp_dir();
    write_all(other.path(), &changed);
    let new = snapshot(other.path());

    // Killed after the marker, with the first two files already renamed:
    // the folder holds a mixed set until the next write finishes the job.
    let killed = dir.join(format!("{STAGING_PREFIX}killed"));
    std::fs::create_dir(&killed).unwrap();
    let mut marker = String::from("geoevents layer set 1\n");
    for (k, (name, bytes)) in new.iter().enumerate() {
        marker.push_str(&format!("put {name}\n"));
        let to = if k < 2 { dir.join(name) } else { killed.join(name) };
        std::fs::write(to, bytes).unwrap();
    }
    std::fs::write(killed.join(COMPLETE), marker).unwrap();
    // Any later write first rolls the leftover forward; an invalid one then stops.
    let mut bad = sample_layers();
    bad.events.features[0].row.event_date = Some(s("yesterday"));
    assert!(write_set(&dir, &bad.all()).is_err());
    assert!(!killed.exists(), "the complete staging folder was not rolled forward");
    assert_eq!(snapshot(&dir), new, "the interrupted set was not finished");

    // Killed before the marker: the half-staged files are thrown away and
    // the set in place is the one before.
    let half = dir.join(format!("{STAGING_PREFIX}half"));
    std::fs::create_dir(&half).unwrap();
    for (name, bytes) in old.iter().take(3) {
        std::fs::write(half.join(name), bytes).unwrap();
    }
    let written = write_all(&dir, &changed);
    assert!(!half.exists(), "the incomplete staging folder was left");
    assert_eq!(snapshot(&dir), new);
    assert_eq!(written.len(), new.len());
}

/// The layers of 30,000 events and 5,000 places (what 10,000 articles make)
/// in every format: counted back by GDAL. (Speed is measured by
/// `benches/bench.sh layers`, not here.)
#[test]
#[ignore = "needs GDAL (ogrinfo): see README"]
fn layers_many_features() {
    let mut sample = sample_layers();
    let template = sample.events.features[0].row.clone();
    sample.events.features.clear();
    for i in 0..30_000 {
        let mut row = template.clone();
        row.event_class = s(["attack", "advance", "protest"][i % 3]);
        let (lon, lat) = (-180.0 + (i as f64 * 0.0123) % 360.0, -60.0 + (i as f64 * 0.0071) % 120.0);
        sample.events.push(format!("ev-{i}"), Geometry::point(lon, lat), row);
    }
    let place = sample.places.features[0].row.clone();
    sample.places.features.clear();
    for i in 0..5_000 {
        sample.places.push(format!("geonames:{i}"), Geometry::point(37.0, 36.0), place.clone());
    }
    let tmp = temp_dir();
    let start = Instant::now();
    write_all(tmp.path(), &sample);
    eprintln!("wrote 30,000 events and 5,000 places in every format in {:?}", start.elapsed());
    let gpkg = ogrinfo(path_str(&tmp.path().join("layers.gpkg")));
    let counts: Vec<u64> = gpkg.iter().map(|l| l.count).collect();
    assert_eq!(counts, [30_000, 5_000, 1]);
    assert_eq!(one_layer(path_str(&tmp.path().join("events.csv"))).count, 30_000);
}
