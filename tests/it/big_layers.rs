//! The layer formats for big data, FlatGeobuf (`NAME.fgb`) and GeoParquet
//! (`NAME.parquet`), written by `geoevents extract` and read back: with the
//! `flatgeobuf` and `parquet` crates (Rust only), then by GDAL's `ogrinfo`,
//! QGIS headless (`tests/fixtures/output/qgis_check.py`), and pyarrow +
//! GeoPandas (`tests/fixtures/output/geoparquet_check.py`).
//!
//! A missing reader fails the test with what to install: Debian `gdal-bin`,
//! `qgis` and `python3-qgis`; pip `pyarrow` and `geopandas` in the Python
//! named by `$GEOEVENTS_GEOPANDAS_PYTHON`, else `python3` on PATH.

use crate::layers::{one_layer, path_str, qgis_check};
use crate::util::{fixture, geoevents, run_cmd, temp_dir};
use arrow_array::{Array, Date32Array, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use flatgeobuf::{ColumnType, FallibleStreamingIterator, FeatureProperties, FgbReader};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

const LAYERS: [&str; 3] = ["events", "places", "areas"];

/// `geoevents extract` of the sample articles into `dir` as GeoJSON (the
/// reference), FlatGeobuf and GeoParquet.
fn extract_into(dir: &Path) {
    run_cmd(
        geoevents()
            .arg("extract")
            .arg(fixture("articles"))
            .arg("--layers")
            .arg(dir)
            .args(["--format", "geojson,flatgeobuf,geoparquet"]),
    )
    .ok();
}

/// The features of `NAME.geojson`, the reference the other formats must match.
fn geojson_features(dir: &Path, layer: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join(format!("{layer}.geojson"))).unwrap();
    let collection: Value = serde_json::from_str(&text).unwrap();
    collection["features"].as_array().unwrap().clone()
}

/// An event with a date, as the reference says it.
fn dated_event(dir: &Path) -> (String, String) {
    let events = geojson_features(dir, "events");
    let event = events.iter().find(|f| f["properties"]["event_date"].is_string()).expect("a dated event");
    (event["id"].as_str().unwrap().to_string(), event["properties"]["event_date"].as_str().unwrap().to_string())
}

fn parquet_batches(path: &Path) -> (Value, Vec<RecordBatch>, arrow_schema::SchemaRef) {
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let kv = builder.metadata().file_metadata().key_value_metadata().expect("file metadata");
    let geo = kv.iter().find(|kv| kv.key == "geo").expect("the GeoParquet `geo` key");
    let geo: Value = serde_json::from_str(geo.value.as_deref().unwrap()).unwrap();
    let schema = builder.schema().clone();
    let batches = builder.build().unwrap().collect::<Result<Vec<_>, _>>().unwrap();
    (geo, batches, schema)
}

#[test]
fn big_layers_read_back_with_the_rust_readers() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    extract_into(&dir);
    let (event_id, event_date) = dated_event(&dir);

    for layer in LAYERS {
        let count = geojson_features(&dir, layer).len();

        // FlatGeobuf: header, index, columns and the values.
        let data = std::fs::read(dir.join(format!("{layer}.fgb"))).unwrap();
        let reader = FgbReader::open(std::io::Cursor::new(&data)).unwrap();
        let header = reader.header();
        assert_eq!(header.features_count() as usize, count, "{layer}.fgb");
        assert_eq!(header.crs().map(|c| c.code()), Some(4326), "{layer}.fgb CRS");
        assert_eq!(header.index_node_size(), 16, "{layer}.fgb has the packed R-tree");
        let columns: Vec<(String, ColumnType)> =
            header.columns().unwrap().iter().map(|c| (c.name().to_string(), c.type_())).collect();
        assert_eq!(columns[0], ("id".into(), ColumnType::String));
        if layer == "events" {
            assert!(columns.contains(&("event_date".into(), ColumnType::DateTime)), "{columns:?}");
            assert!(columns.contains(&("confidence".into(), ColumnType::Double)), "{columns:?}");
            // A bbox query (through the index) over the whole world finds
            // every feature, and the dated event keeps its date.
            let mut all = reader.select_bbox(-180.0, -90.0, 180.0, 90.0).unwrap();
            let mut seen = 0;
            let mut date = None;
            while let Some(feature) = all.next().unwrap() {
                seen += 1;
                if feature.property::<String>("id").unwrap() == event_id {
                    date = Some(feature.property::<String>("event_date").unwrap());
                }
            }
            assert_eq!(seen, count);
            assert_eq!(date.as_deref(), Some(event_date.as_str()));
        }

        // GeoParquet: `geo` metadata, typed columns, the rows.
        let (geo, batches, schema) = parquet_batches(&dir.join(format!("{layer}.parquet")));
        assert_eq!(geo["version"], "1.1.0");
        assert_eq!(geo["primary_column"], "geometry");
        assert_eq!(geo["columns"]["geometry"]["encoding"], "WKB");
        let want_type = if layer == "areas" { "MultiPolygon" } else { "Point" };
        assert_eq!(geo["columns"]["geometry"]["geometry_types"], json!([want_type]));
        assert!(geo.get("crs").is_none() && geo["columns"]["geometry"].get("crs").is_none(), "OGC:CRS84 by default");
        if count > 0 {
            assert_eq!(geo["columns"]["geometry"]["bbox"].as_array().map(Vec::len), Some(4), "{geo}");
        }
        assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), count, "{layer}.parquet");
        assert_eq!(schema.field_with_name("geometry").unwrap().data_type(), &DataType::Binary);
        if layer == "events" {
            assert_eq!(schema.field_with_name("event_date").unwrap().data_type(), &DataType::Date32);
            assert!(schema.field_with_name("event_date").unwrap().is_nullable());
            assert_eq!(
                schema.field_with_name("published_at").unwrap().data_type(),
                &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
            );
            assert_eq!(schema.field_with_name("confidence").unwrap().data_type(), &DataType::Float64);
            let (at, batch) = batches
                .iter()
                .find_map(|b| {
                    let ids = b.column_by_name("id")?.as_any().downcast_ref::<StringArray>()?;
                    (0..ids.len()).find(|i| ids.value(*i) == event_id).map(|i| (i, b))
                })
                .expect("the dated event");
            let dates = batch.column_by_name("event_date").unwrap().as_any().downcast_ref::<Date32Array>().unwrap();
            assert_eq!(dates.value_as_date(at).map(|d| d.to_string()), Some(event_date.clone()));
        }
    }
}

#[test]
fn big_layers_are_byte_deterministic() {
    let tmp = temp_dir();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    extract_into(&a);
    extract_into(&b);
    for layer in LAYERS {
        for ext in ["fgb", "parquet"] {
            let name = format!("{layer}.{ext}");
            assert_eq!(std::fs::read(a.join(&name)).unwrap(), std::fs::read(b.join(&name)).unwrap(), "{name}");
        }
    }
}

#[test]
#[ignore = "needs GDAL (ogrinfo): see README"]
fn big_layers_ogrinfo_reads_flatgeobuf() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    extract_into(&dir);
    for layer in LAYERS {
        let fgb = dir.join(format!("{layer}.fgb"));
        let back = one_layer(path_str(&fgb));
        assert_eq!(back.count as usize, geojson_features(&dir, layer).len(), "{layer}.fgb");
        assert_eq!(back.geometry, if layer == "areas" { "Multi Polygon" } else { "Point" }, "{layer}.fgb");
        assert_eq!(back.field_type("id"), "String");
        if layer == "events" {
            // FlatGeobuf has no date-only type (see layers/flatgeobuf.rs).
            assert_eq!(back.field_type("event_date"), "DateTime");
            assert_eq!(back.field_type("published_at"), "DateTime");
            assert_eq!(back.field_type("confidence"), "Real");
        }
    }
}

#[test]
#[ignore = "needs QGIS (python3-qgis): see README"]
fn big_layers_qgis_opens_flatgeobuf() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    extract_into(&dir);
    let p = |name: &str| path_str(&dir.join(name)).to_string();
    let count = |layer: &str| geojson_features(&dir, layer).len();
    let checks = json!([
        {"uri": p("events.fgb"), "count": count("events"), "geometry": "Point",
         "datetime_fields": ["event_date", "published_at"], "renderer": "categorizedSymbol",
         "temporal_field": "event_date", "no_dialog": true},
        {"uri": p("places.fgb"), "count": count("places"), "geometry": "Point",
         "datetime_fields": ["first_event_date", "last_event_date"], "renderer": "singleSymbol",
         "label_field": "place_name", "no_dialog": true},
        {"uri": p("areas.fgb"), "count": count("areas"), "geometry": "MultiPolygon", "renderer": "graduatedSymbol",
         "no_dialog": true},
    ]);
    qgis_check(tmp.path(), &checks);
}

/// The Python with pyarrow and GeoPandas: `$GEOEVENTS_GEOPANDAS_PYTHON`,
/// else `python3`; fails with what to install when neither imports them.
fn geopandas_python() -> PathBuf {
    let python: PathBuf = std::env::var_os("GEOEVENTS_GEOPANDAS_PYTHON").map_or_else(|| "python3".into(), Into::into);
    let ok = Command::new(&python).args(["-c", "import pyarrow, geopandas"]).output().is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{} cannot import pyarrow and geopandas: install them (python3 -m venv /tmp/venv-gp && \
         /tmp/venv-gp/bin/pip install pyarrow geopandas) and set GEOEVENTS_GEOPANDAS_PYTHON=/tmp/venv-gp/bin/python",
        python.display()
    );
    python
}

#[test]
#[ignore = "needs pyarrow and geopandas: see README"]
fn big_layers_geopandas_reads_geoparquet() {
    let tmp = temp_dir();
    let dir = tmp.path().join("out");
    extract_into(&dir);
    let (event_id, event_date) = dated_event(&dir);
    let mut checks = Vec::new();
    for layer in LAYERS {
        let mut check = json!({"path": path_str(&dir.join(format!("{layer}.parquet"))),
                               "count": geojson_features(&dir, layer).len(),
                               "geometry_type": if layer == "areas" { "MultiPolygon" } else { "Point" }});
        if layer == "events" {
            check["types"] = json!({"id": "string", "event_date": "date32[day]", "published_at": "timestamp[ms, tz=UTC]",
                                    "confidence": "double"});
            check["value"] = json!({"id": event_id, "field": "event_date", "equals": event_date});
        }
        checks.push(check);
    }
    let spec = tmp.path().join("geoparquet-checks.json");
    std::fs::write(&spec, serde_json::to_vec_pretty(&checks).unwrap()).unwrap();
    let out = Command::new(geopandas_python())
        .arg(fixture("output/geoparquet_check.py"))
        .arg(&spec)
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.lines().filter(|l| l.starts_with("OK ")).count() == LAYERS.len(),
        "GeoParquet checks failed:\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
