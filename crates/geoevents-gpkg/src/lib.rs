//! GeoPackage 1.2 (OGC 12-128r15): all layers in one SQLite file, one
//! feature table each.
//!
//! What is written, with the requirement numbers of the standard:
//! - `PRAGMA application_id` 'GPKG' and `PRAGMA user_version` 10200 (Req 2);
//! - `gpkg_spatial_ref_sys` with the rows 4326, -1 and 0 (Req 10, 11);
//! - `gpkg_contents` with one `features` row per layer, its extent and a
//!   `last_change` taken from the data (the latest Date or DateTime value of
//!   any layer, or 1970-01-01T00:00:00.000Z), never from the clock, so that
//!   the same layers give the same bytes (Req 13, 14);
//! - `gpkg_geometry_columns` (Req 21, 22) and a feature table per layer:
//!   `fid INTEGER PRIMARY KEY AUTOINCREMENT`, `geom POINT|MULTIPOLYGON`,
//!   `id TEXT NOT NULL UNIQUE`, then one column per field (Req 29, 30);
//!   field types TEXT, INTEGER, REAL, BOOLEAN (0/1), DATE (`YYYY-MM-DD`) and
//!   DATETIME (`YYYY-MM-DDTHH:MM:SS.000Z`, the form of Req 5);
//! - geometries as GeoPackage binary (§2.1.3): the `GP` header, version 0,
//!   little-endian, srs_id 4326, an envelope `[minx, maxx, miny, maxy]` for
//!   polygons and none for points, then ISO WKB, little-endian, with the
//!   coordinates rounded to six decimals like the text formats.
//!
//! No spatial index (the RTree extension) is written: it would need the
//! extension's triggers to stay correct when someone edits the file; QGIS
//! and GDAL read the tables without one, and QGIS can add one on demand.
//! Empty layers are empty tables that keep their declared geometry type, so
//! QGIS opens them as point or polygon layers without asking anything.
//!
//! The file is built under a temporary name in the destination folder and
//! renamed over the target only when complete.

use geoevents_core::atomic::StagedPath;
use geoevents_core::layers::geom::{bbox, oriented, round6};
use geoevents_core::layers::{FieldType, Geometry, GeometryType, Layer, LayerFormat, MultiLayerWriter, Value};
use rusqlite::{params, Connection};
use std::io;
use std::path::Path;

/// 'GPKG' as a big-endian 32-bit integer (Req 2).
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.2.0 (Req 2).
pub const USER_VERSION: i32 = 10200;
/// The SRS of every geometry: EPSG:4326, longitude/latitude.
pub const SRS_ID: i32 = 4326;
/// `last_change` of a GeoPackage whose layers hold no date.
pub const EPOCH: &str = "1970-01-01T00:00:00.000Z";

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

const SCHEMA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
";

fn sql_err(e: rusqlite::Error) -> io::Error {
    io::Error::other(format!("writing the GeoPackage: {e}"))
}

/// Builds the GeoPackage of `layers` under a temporary name beside `target`;
/// [`StagedPath::commit`] puts it in place. The layers must be valid.
pub fn stage_gpkg(target: &Path, layers: &[Layer]) -> io::Result<StagedPath> {
    let staged = StagedPath::new(target)?;
    build(staged.tmp(), layers).map_err(sql_err)?;
    Ok(staged)
}

/// Writes the GeoPackage of `layers` to `target`, replacing it atomically.
pub fn write_gpkg(target: &Path, layers: &[Layer]) -> io::Result<()> {
    for layer in layers {
        layer.validate()?;
    }
    stage_gpkg(target, layers)?.commit()
}

/// The `last_change` of the file: the latest Date/DateTime value found in
/// the layers, as `YYYY-MM-DDTHH:MM:SS.000Z`, else [`EPOCH`].
pub fn last_change(layers: &[Layer]) -> String {
    let mut latest: Option<String> = None;
    for layer in layers {
        for (i, field) in layer.fields.iter().enumerate() {
            if !matches!(field.kind, FieldType::Date | FieldType::DateTime) {
                continue;
            }
            for feature in &layer.features {
                if let Some(Value::Str(s)) = feature.values.get(i) {
                    let t = gpkg_datetime(field.kind, s);
                    if latest.as_ref().is_none_or(|l| *l < t) {
                        latest = Some(t);
                    }
                }
            }
        }
    }
    latest.unwrap_or_else(|| EPOCH.to_string())
}

/// A Date as midnight UTC, or a `...SSZ` DateTime, in the Req 5 form
/// `YYYY-MM-DDTHH:MM:SS.SSSZ`.
fn gpkg_datetime(kind: FieldType, s: &str) -> String {
    match kind {
        FieldType::Date => format!("{s}T00:00:00.000Z"),
        _ => format!("{}.000Z", s.trim_end_matches('Z')),
    }
}

fn sql_type(kind: FieldType) -> &'static str {
    match kind {
        FieldType::String => "TEXT",
        FieldType::Integer => "INTEGER",
        FieldType::Real => "REAL",
        FieldType::Boolean => "BOOLEAN",
        FieldType::Date => "DATE",
        FieldType::DateTime => "DATETIME",
    }
}

fn geometry_type_name(t: GeometryType) -> &'static str {
    match t {
        GeometryType::Point => "POINT",
        GeometryType::MultiPolygon => "MULTIPOLYGON",
    }
}

fn build(path: &Path, layers: &[Layer]) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    // Nothing here is ever rolled back: a failed build is deleted whole.
    conn.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID};
         PRAGMA user_version = {USER_VERSION};
         PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;"
    ))?;
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    tx.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES
           ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
           ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
           ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        [WGS84_WKT],
    )?;
    let changed = last_change(layers);
    for layer in layers {
        write_table(&tx, layer, &changed)?;
    }
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}

fn write_table(tx: &rusqlite::Transaction<'_>, layer: &Layer, changed: &str) -> rusqlite::Result<()> {
    let name = layer.name; // [a-z][a-z0-9_]*: safe to quote as an identifier
    let mut columns = String::from("\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \"geom\" ");
    columns.push_str(geometry_type_name(layer.geometry_type));
    columns.push_str(", \"id\" TEXT NOT NULL UNIQUE");
    for f in &layer.fields {
        columns.push_str(&format!(", \"{}\" {}", f.name, sql_type(f.kind)));
    }
    tx.execute_batch(&format!("CREATE TABLE \"{name}\" ({columns});"))?;

    let extent = bbox(layer.features.iter().flat_map(|f| positions(&f.geometry)));
    let (min_x, min_y, max_x, max_y) = match extent {
        Some(b) => (Some(b[0]), Some(b[1]), Some(b[2]), Some(b[3])),
        None => (None, None, None, None),
    };
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, '', ?2, ?3, ?4, ?5, ?6, ?7)",
        params![name, changed, min_x, min_y, max_x, max_y, SRS_ID],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![name, geometry_type_name(layer.geometry_type), SRS_ID],
    )?;

    let placeholders: Vec<String> = (1..=layer.fields.len() + 3).map(|i| format!("?{i}")).collect();
    let mut insert = tx.prepare(&format!("INSERT INTO \"{name}\" VALUES ({})", placeholders.join(", ")))?;
    let mut blob = Vec::with_capacity(256);
    for (row, feature) in layer.features.iter().enumerate() {
        blob.clear();
        push_gpkg_geometry(&mut blob, &feature.geometry);
        insert.raw_bind_parameter(1, row as i64 + 1)?;
        insert.raw_bind_parameter(2, &blob)?;
        insert.raw_bind_parameter(3, &feature.id)?;
        for (i, (field, value)) in layer.fields.iter().zip(&feature.values).enumerate() {
            let at = i + 4;
            match value {
                Value::Null => insert.raw_bind_parameter(at, rusqlite::types::Null)?,
                Value::Str(s) if field.kind == FieldType::DateTime => {
                    insert.raw_bind_parameter(at, gpkg_datetime(field.kind, s))?;
                }
                Value::Str(s) => insert.raw_bind_parameter(at, s)?,
                Value::Int(n) => insert.raw_bind_parameter(at, n)?,
                Value::Real(x) => insert.raw_bind_parameter(at, x)?,
                Value::Bool(b) => insert.raw_bind_parameter(at, i64::from(*b))?,
            }
        }
        insert.raw_execute()?;
    }
    Ok(())
}

fn positions(g: &Geometry) -> Box<dyn Iterator<Item = [f64; 2]> + '_> {
    match g {
        Geometry::Point { lon, lat } => Box::new(std::iter::once([*lon, *lat])),
        Geometry::MultiPolygon(polys) => Box::new(polys.iter().flatten().flatten().copied()),
    }
}

fn push_f64(buf: &mut Vec<u8>, x: f64) {
    buf.extend_from_slice(&x.to_le_bytes());
}

fn push_u32(buf: &mut Vec<u8>, n: u32) {
    buf.extend_from_slice(&n.to_le_bytes());
}

/// GeoPackage binary geometry (GeoPackage 1.2 §2.1.3): header then
/// little-endian ISO WKB (OGC 06-103r4: Point = 1, Polygon = 3,
/// MultiPolygon = 6).
pub fn push_gpkg_geometry(buf: &mut Vec<u8>, g: &Geometry) {
    buf.extend_from_slice(b"GP");
    buf.push(0); // version 1
    match g {
        Geometry::Point { lon, lat } => {
            buf.push(0b0000_0001); // little-endian, no envelope, not empty
            buf.extend_from_slice(&SRS_ID.to_le_bytes());
            buf.push(1);
            push_u32(buf, 1);
            push_f64(buf, round6(*lon));
            push_f64(buf, round6(*lat));
        }
        Geometry::MultiPolygon(polygons) => {
            buf.push(0b0000_0011); // little-endian, envelope [minx, maxx, miny, maxy]
            buf.extend_from_slice(&SRS_ID.to_le_bytes());
            let b = bbox(polygons.iter().flatten().flatten().copied()).unwrap_or([0.0; 4]);
            for x in [b[0], b[2], b[1], b[3]] {
                push_f64(buf, x);
            }
            buf.push(1);
            push_u32(buf, 6);
            push_u32(buf, polygons.len() as u32);
            for polygon in polygons {
                buf.push(1);
                push_u32(buf, 3);
                push_u32(buf, polygon.len() as u32);
                for (ri, ring) in polygon.iter().enumerate() {
                    push_u32(buf, ring.len() as u32);
                    for p in oriented(ring, ri == 0) {
                        push_f64(buf, round6(p[0]));
                        push_f64(buf, round6(p[1]));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geoevents_core::layers::{Feature, Field};

    fn layers() -> Vec<Layer> {
        let mut e = Layer::new(
            "events",
            GeometryType::Point,
            vec![
                Field::new("event_date", FieldType::Date, ""),
                Field::new("published_at", FieldType::DateTime, ""),
                Field::new("ok", FieldType::Boolean, ""),
            ],
        );
        e.features.push(Feature {
            id: "e1".into(),
            geometry: Geometry::Point { lon: 36.16, lat: 36.2 },
            values: vec![Value::Str("2024-11-30".into()), Value::Str("2024-11-30T10:00:00Z".into()), Value::Bool(true)],
        });
        let mut a = Layer::new("areas", GeometryType::MultiPolygon, vec![]);
        a.features.push(Feature {
            id: "a1".into(),
            geometry: Geometry::MultiPolygon(vec![vec![vec![
                [0.0, 0.0],
                [0.0, 2.0],
                [2.0, 2.0],
                [2.0, 0.0],
                [0.0, 0.0],
            ]]]),
            values: vec![],
        });
        vec![e, a, Layer::new("places", GeometryType::Point, vec![])]
    }

    #[test]
    fn output_gpkg_point_blob() {
        let mut b = Vec::new();
        push_gpkg_geometry(&mut b, &Geometry::Point { lon: 1.0, lat: -2.0 });
        assert_eq!(&b[..8], b"GP\x00\x01\xe6\x10\x00\x00");
        assert_eq!(b[8], 1);
        assert_eq!(&b[9..13], &1u32.to_le_bytes());
        assert_eq!(b.len(), 8 + 21);
    }

    #[test]
    fn output_gpkg_last_change_from_data() {
        assert_eq!(last_change(&layers()), "2024-11-30T10:00:00.000Z");
        assert_eq!(last_change(&[Layer::new("x", GeometryType::Point, vec![])]), EPOCH);
    }

    #[test]
    fn output_gpkg_tables_and_determinism() {
        let dir = std::env::temp_dir().join(format!("geoevents-gpkg-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("layers.gpkg");
        write_gpkg(&path, &layers()).unwrap();
        let first = std::fs::read(&path).unwrap();
        write_gpkg(&path, &layers()).unwrap();
        assert_eq!(first, std::fs::read(&path).unwrap(), "GeoPackage bytes differ between runs");
        let conn = Connection::open(&path).unwrap();
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
        let ver: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!((app, ver), (APPLICATION_ID, USER_VERSION));
        let n: i64 = conn
            .query_row("SELECT count(*) FROM gpkg_contents WHERE data_type = 'features'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 3);
        let (d, t, ok): (String, String, i64) = conn
            .query_row("SELECT event_date, published_at, ok FROM events", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        assert_eq!((d.as_str(), t.as_str(), ok), ("2024-11-30", "2024-11-30T10:00:00.000Z", 1));
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_name() != "layers.gpkg")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// The GeoPackage as one of the layer set's formats (see
/// [`geoevents_core::layers::write_layers_styled`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct GpkgWriter;

impl MultiLayerWriter for GpkgWriter {
    fn format(&self) -> LayerFormat {
        LayerFormat::Gpkg
    }
    fn file_name(&self) -> &'static str {
        geoevents_core::layers::GPKG_FILE_NAME
    }
    fn write_to(&self, path: &Path, layers: &[Layer]) -> io::Result<()> {
        build(path, layers).map_err(sql_err)
    }
}
