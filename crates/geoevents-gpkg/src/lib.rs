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
//!   `fid INTEGER PRIMARY KEY AUTOINCREMENT`, `geom POINT|MULTILINESTRING|MULTIPOLYGON`,
//!   `id TEXT NOT NULL UNIQUE`, then one column per field, values taken by
//!   field name from each row (Req 29, 30);
//!   field types TEXT, INTEGER, REAL, BOOLEAN (0/1), DATE (`YYYY-MM-DD`) and
//!   DATETIME (`YYYY-MM-DDTHH:MM:SS.000Z`, the form of Req 5);
//! - geometries as GeoPackage binary (§2.1.3), written by `geozero`
//!   (`ToWkb::to_gpkg_wkb`): the `GP` header, version 0, little-endian,
//!   srs_id 4326, an envelope `[minx, maxx, miny, maxy]` (`geo`'s
//!   `BoundingRect`) for lines and polygons and none for points, then ISO
//!   WKB, little-endian, with the coordinates rounded to six decimals and
//!   the rings oriented like the text formats.
//!
//! No spatial index (the RTree extension) is written: it would need the
//! extension's triggers to stay correct when someone edits the file; QGIS
//! and GDAL read the tables without one, and QGIS can add one on demand.
//! Empty layers are empty tables that keep their declared geometry type, so
//! QGIS opens them as point or polygon layers without asking anything.
//!
//! [`write_gpkg`] builds the file under a temporary name in the destination
//! folder and renames it over the target only when complete; in a layer set
//! ([`GpkgWriter`]) the set's staging does that.

use geoevents_core::atomic::StagedPath;
use geoevents_core::layers::{AnyLayer, FieldType, Geometry, GeometryType, LayerFormat, MultiLayerWriter, Value};
use geozero::{CoordDimensions, ToWkb};
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

/// Why the GeoPackage could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GpkgError {
    #[error("writing the GeoPackage: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("writing the GeoPackage: {0}")]
    Layer(#[from] geoevents_core::layers::LayerError),
    #[error("writing the GeoPackage, layer {layer}, feature {id:?}: the geometry has no WKB: {problem}")]
    Wkb { layer: String, id: String, problem: String },
}

impl From<GpkgError> for io::Error {
    fn from(e: GpkgError) -> io::Error {
        match e {
            GpkgError::Layer(l) => l.into(),
            other => io::Error::other(other),
        }
    }
}

/// Builds the GeoPackage of `layers` under a temporary name beside `target`;
/// [`StagedPath::commit`] puts it in place. The layers must be valid.
pub fn stage_gpkg(target: &Path, layers: &[&dyn AnyLayer]) -> io::Result<StagedPath> {
    let staged = StagedPath::new(target)?;
    build(staged.tmp(), layers)?;
    Ok(staged)
}

/// Writes the GeoPackage of `layers` to `target`, replacing it atomically.
pub fn write_gpkg(target: &Path, layers: &[&dyn AnyLayer]) -> io::Result<()> {
    for layer in layers {
        layer.validate()?;
    }
    stage_gpkg(target, layers)?.commit()
}

/// The `last_change` of the file: the latest Date/DateTime value found in
/// the layers, as `YYYY-MM-DDTHH:MM:SS.000Z`, else [`EPOCH`].
pub fn last_change(layers: &[&dyn AnyLayer]) -> Result<String, GpkgError> {
    let mut latest: Option<String> = None;
    for layer in layers {
        let dated: Vec<(usize, FieldType)> = layer
            .fields()
            .iter()
            .enumerate()
            .filter(|(_, f)| matches!(f.kind, FieldType::Date | FieldType::DateTime))
            .map(|(i, f)| (i, f.kind))
            .collect();
        if dated.is_empty() {
            continue;
        }
        for feature in 0..layer.len() {
            let values = layer.values(feature)?;
            for (i, kind) in &dated {
                if let Value::Str(s) = &values[*i] {
                    let t = gpkg_datetime(*kind, s);
                    if latest.as_ref().is_none_or(|l| *l < t) {
                        latest = Some(t);
                    }
                }
            }
        }
    }
    Ok(latest.unwrap_or_else(|| EPOCH.to_string()))
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
        GeometryType::MultiLineString => "MULTILINESTRING",
        GeometryType::MultiPolygon => "MULTIPOLYGON",
    }
}

fn build(path: &Path, layers: &[&dyn AnyLayer]) -> Result<(), GpkgError> {
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
    let changed = last_change(layers)?;
    for layer in layers {
        write_table(&tx, *layer, &changed)?;
    }
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// The extent of a whole layer: the union of its features' bounding boxes.
fn extent(layer: &dyn AnyLayer) -> Option<geo::Rect> {
    (0..layer.len()).filter_map(|i| layer.geometry(i).bounding_rect()).reduce(|a, b| {
        geo::Rect::new(
            geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
            geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
        )
    })
}

fn write_table(tx: &rusqlite::Transaction<'_>, layer: &dyn AnyLayer, changed: &str) -> Result<(), GpkgError> {
    let name = layer.name(); // [a-z][a-z0-9_]*: safe to quote as an identifier
    let mut columns = String::from("\"fid\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \"geom\" ");
    columns.push_str(geometry_type_name(layer.geometry_type()));
    columns.push_str(", \"id\" TEXT NOT NULL UNIQUE");
    for f in layer.fields() {
        columns.push_str(&format!(", \"{}\" {}", f.name, sql_type(f.kind)));
    }
    tx.execute_batch(&format!("CREATE TABLE \"{name}\" ({columns});"))?;

    let e = extent(layer);
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?1, '', ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            name,
            changed,
            e.map(|r| r.min().x),
            e.map(|r| r.min().y),
            e.map(|r| r.max().x),
            e.map(|r| r.max().y),
            SRS_ID
        ],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![name, geometry_type_name(layer.geometry_type()), SRS_ID],
    )?;

    let fields = layer.fields();
    let placeholders: Vec<String> = (1..=fields.len() + 3).map(|i| format!("?{i}")).collect();
    let mut insert = tx.prepare(&format!("INSERT INTO \"{name}\" VALUES ({})", placeholders.join(", ")))?;
    for row in 0..layer.len() {
        let blob = gpkg_geometry(layer.geometry(row)).map_err(|problem| GpkgError::Wkb {
            layer: name.to_string(),
            id: layer.id(row).to_string(),
            problem,
        })?;
        insert.raw_bind_parameter(1, row as i64 + 1)?;
        insert.raw_bind_parameter(2, &blob)?;
        insert.raw_bind_parameter(3, layer.id(row))?;
        for (i, (field, value)) in fields.iter().zip(layer.values(row)?).enumerate() {
            let at = i + 4;
            match value {
                Value::Null => insert.raw_bind_parameter(at, rusqlite::types::Null)?,
                Value::Str(s) if field.kind == FieldType::DateTime => {
                    insert.raw_bind_parameter(at, gpkg_datetime(field.kind, &s))?;
                }
                Value::Str(s) => insert.raw_bind_parameter(at, s)?,
                Value::Int(n) => insert.raw_bind_parameter(at, n)?,
                Value::Real(x) => insert.raw_bind_parameter(at, x)?,
                Value::Bool(b) => insert.raw_bind_parameter(at, i64::from(b))?,
            }
        }
        insert.raw_execute()?;
    }
    Ok(())
}

/// GeoPackage binary geometry (GeoPackage 1.2 §2.1.3) by `geozero`: the
/// header with srs_id 4326 and, for lines and polygons, the envelope
/// `[minx, maxx, miny, maxy]`; then little-endian ISO WKB.
pub fn gpkg_geometry(g: &Geometry) -> Result<Vec<u8>, String> {
    let envelope = match (g, g.bounding_rect()) {
        (Geometry::Point(_), _) | (_, None) => Vec::new(),
        (_, Some(r)) => vec![r.min().x, r.max().x, r.min().y, r.max().y],
    };
    g.to_geo().to_gpkg_wkb(CoordDimensions::xy(), Some(SRS_ID), envelope).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geoevents_core::layers::{Field, Layer, Row};

    #[derive(serde::Serialize)]
    struct EventRow {
        event_date: Option<String>,
        published_at: Option<String>,
        ok: bool,
    }
    impl Row for EventRow {
        const FIELDS: &'static [Field] = &[
            Field::new("event_date", FieldType::Date, ""),
            Field::new("published_at", FieldType::DateTime, ""),
            Field::new("ok", FieldType::Boolean, ""),
        ];
    }
    #[derive(serde::Serialize)]
    struct NoRow {}
    impl Row for NoRow {
        const FIELDS: &'static [Field] = &[];
    }

    fn square() -> Geometry {
        let ring = geo::LineString::from(vec![(0.0, 0.0), (0.0, 2.0), (2.0, 2.0), (2.0, 0.0), (0.0, 0.0)]);
        Geometry::MultiPolygon(geo::Polygon::new(ring, vec![]).into())
    }

    fn layers() -> (Layer<EventRow>, Layer<NoRow>, Layer<NoRow>) {
        let mut e = Layer::new("events", GeometryType::Point);
        e.push(
            "e1",
            Geometry::point(36.16, 36.2),
            EventRow {
                event_date: Some("2024-11-30".into()),
                published_at: Some("2024-11-30T10:00:00Z".into()),
                ok: true,
            },
        );
        let mut a = Layer::new("areas", GeometryType::MultiPolygon);
        a.push("a1", square(), NoRow {});
        (e, a, Layer::new("places", GeometryType::Point))
    }

    #[test]
    fn output_gpkg_point_blob() {
        let b = gpkg_geometry(&Geometry::point(1.0, -2.0)).unwrap();
        assert_eq!(&b[..8], b"GP\x00\x01\xe6\x10\x00\x00");
        assert_eq!(b[8], 1);
        assert_eq!(&b[9..13], &1u32.to_le_bytes());
        assert_eq!(b.len(), 8 + 21);
        assert_eq!(f64::from_le_bytes(b[21..29].try_into().unwrap()), -2.0);
    }

    #[test]
    fn output_gpkg_polygon_blob_has_envelope() {
        let (_, a, _) = layers();
        let b = gpkg_geometry(AnyLayer::geometry(&a, 0)).unwrap();
        assert_eq!(&b[..8], b"GP\x00\x03\xe6\x10\x00\x00", "envelope [minx, maxx, miny, maxy], little-endian");
        let env: Vec<f64> = (0..4).map(|i| f64::from_le_bytes(b[8 + 8 * i..16 + 8 * i].try_into().unwrap())).collect();
        assert_eq!(env, [0.0, 2.0, 0.0, 2.0]);
        assert_eq!(&b[40..45], &[1, 6, 0, 0, 0], "little-endian WKB MultiPolygon");
    }

    #[test]
    fn output_gpkg_last_change_from_data() {
        let (e, a, p) = layers();
        assert_eq!(last_change(&[&e, &a, &p]).unwrap(), "2024-11-30T10:00:00.000Z");
        assert_eq!(last_change(&[&p]).unwrap(), EPOCH);
    }

    #[test]
    fn output_gpkg_tables_and_determinism() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let path = dir.join("layers.gpkg");
        let (e, a, p) = layers();
        let all: [&dyn AnyLayer; 3] = [&e, &a, &p];
        write_gpkg(&path, &all).unwrap();
        let first = std::fs::read(&path).unwrap();
        write_gpkg(&path, &all).unwrap();
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
        let extent: (f64, f64, f64, f64) = conn
            .query_row("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'areas'", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap();
        assert_eq!(extent, (0.0, 0.0, 2.0, 2.0));
        let leftovers: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(std::result::Result::ok)
            .filter(|e| e.file_name() != "layers.gpkg")
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// The GeoPackage as one of the layer set's formats (see
/// [`geoevents_core::layers::write_layer_set`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct GpkgWriter;

impl MultiLayerWriter for GpkgWriter {
    fn format(&self) -> LayerFormat {
        LayerFormat::Gpkg
    }
    fn file_name(&self) -> &'static str {
        geoevents_core::layers::GPKG_FILE_NAME
    }
    fn write_to(&self, path: &Path, layers: &[&dyn AnyLayer]) -> io::Result<()> {
        build(path, layers).map_err(io::Error::from)
    }
}
