//! FlatGeobuf (<https://flatgeobuf.org>, spec 3.x) through the `flatgeobuf`
//! crate, one `NAME.fgb` per layer: the format for big layers, because it
//! carries a packed Hilbert R-tree that GDAL and QGIS use for bounding-box
//! reads, so a map of millions of features pans without a full scan.
//!
//! What is written:
//! - the header: the layer name, the declared geometry type (Point,
//!   MultiLineString or MultiPolygon, also for an empty layer), the CRS
//!   EPSG:4326 (`org` "EPSG", `code` 4326; x the longitude, y the latitude
//!   in degrees), the extent, the feature count and the index node size 16;
//! - the packed R-tree (omitted for an empty layer: there is nothing to index);
//! - the features in Hilbert order of their bounding boxes (the index needs
//!   it), which depends only on the geometries, so the bytes depend only on
//!   the layer;
//! - columns: `id` (String, not nullable), then the schema fields in order,
//!   each nullable and described by its field doc: String -> String,
//!   Integer -> Long, Real -> Double, Boolean -> Bool, Date and DateTime ->
//!   DateTime. FlatGeobuf has no date-only type, so a Date column is a
//!   DateTime column holding `YYYY-MM-DD` (GDAL reads it as midnight, the
//!   same value GeoPackage's DATE gives), and a DateTime value is the
//!   GeoPackage form `YYYY-MM-DDTHH:MM:SS.000Z`. A Null value is no
//!   property at all (FlatGeobuf's null).

use super::layer::{AnyLayer, FieldType, GeometryType, Value};
use flatgeobuf::geozero::{ColumnValue, PropertyProcessor};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions};
use std::io::{self, Write};

/// The column type of a field; see the module docs for Date.
pub fn column_type(kind: FieldType) -> ColumnType {
    match kind {
        FieldType::String => ColumnType::String,
        FieldType::Integer => ColumnType::Long,
        FieldType::Real => ColumnType::Double,
        FieldType::Boolean => ColumnType::Bool,
        FieldType::Date | FieldType::DateTime => ColumnType::DateTime,
    }
}

fn geometry_type(t: GeometryType) -> flatgeobuf::GeometryType {
    match t {
        GeometryType::Point => flatgeobuf::GeometryType::Point,
        GeometryType::MultiLineString => flatgeobuf::GeometryType::MultiLineString,
        GeometryType::MultiPolygon => flatgeobuf::GeometryType::MultiPolygon,
    }
}

/// A DateTime value `YYYY-MM-DDTHH:MM:SSZ` in the GeoPackage form
/// `YYYY-MM-DDTHH:MM:SS.000Z`; a Date stays `YYYY-MM-DD`.
fn datetime_text(kind: FieldType, s: &str) -> String {
    match kind {
        FieldType::DateTime => format!("{}.000Z", s.trim_end_matches('Z')),
        _ => s.to_string(),
    }
}

fn fgb_error(layer: &dyn AnyLayer, e: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("FlatGeobuf layer {}: {e}", layer.name()))
}

/// Writes `layer` as FlatGeobuf to `out`. The layer is valid.
pub fn write_flatgeobuf(out: &mut dyn Write, layer: &dyn AnyLayer) -> io::Result<()> {
    let options = FgbWriterOptions {
        write_index: true,
        // The layer declares its type; every geometry has it (validated).
        detect_type: false,
        promote_to_multi: false,
        crs: FgbCrs { org: Some("EPSG"), code: 4326, ..FgbCrs::default() },
        ..FgbWriterOptions::default()
    };
    let mut fgb = FgbWriter::create_with_options(layer.name(), geometry_type(layer.geometry_type()), options)
        .map_err(|e| fgb_error(layer, e))?;
    fgb.add_column("id", ColumnType::String, |fbb, col| {
        col.nullable = false;
        col.description = Some(fbb.create_string("the feature's stable id"));
    });
    let fields = layer.fields();
    for field in fields {
        fgb.add_column(field.name, column_type(field.kind), |fbb, col| {
            col.nullable = true;
            col.description = Some(fbb.create_string(field.doc));
        });
    }
    for i in 0..layer.len() {
        let values = layer.values(i)?;
        let mut failed = None;
        fgb.add_feature_geom(layer.geometry(i).to_geo(), |feature| {
            let mut put = |column: usize, name: &str, value: &ColumnValue<'_>| {
                if let Err(e) = feature.property(column, name, value) {
                    failed.get_or_insert(e);
                }
            };
            put(0, "id", &ColumnValue::String(layer.id(i)));
            for (column, (field, value)) in fields.iter().zip(&values).enumerate() {
                let column = column + 1;
                match value {
                    Value::Null => {}
                    Value::Str(s) if matches!(field.kind, FieldType::Date | FieldType::DateTime) => {
                        put(column, field.name, &ColumnValue::DateTime(&datetime_text(field.kind, s)));
                    }
                    Value::Str(s) => put(column, field.name, &ColumnValue::String(s)),
                    Value::Int(n) => put(column, field.name, &ColumnValue::Long(*n)),
                    Value::Real(x) => put(column, field.name, &ColumnValue::Double(*x)),
                    Value::Bool(b) => put(column, field.name, &ColumnValue::Bool(*b)),
                }
            }
        })
        .map_err(|e| fgb_error(layer, format!("feature {}: {e}", layer.id(i))))?;
        if let Some(e) = failed {
            return Err(fgb_error(layer, format!("feature {}: {e}", layer.id(i))));
        }
    }
    fgb.write(out).map_err(|e| fgb_error(layer, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::tests::{row, TestRow};
    use crate::layers::{Geometry, Layer};
    use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};

    fn events(n: usize) -> Layer<TestRow> {
        let mut l = Layer::new("events", GeometryType::Point);
        for i in 0..n {
            l.push(format!("e{i}"), Geometry::point(i as f64 * 0.5, 10.0 - i as f64 * 0.25), row("2024-11-30"));
        }
        l
    }

    fn bytes(layer: &dyn AnyLayer) -> Vec<u8> {
        let mut out = Vec::new();
        write_flatgeobuf(&mut out, layer).unwrap();
        out
    }

    #[test]
    fn output_fgb_reads_back_with_index_and_types() {
        let layer = events(40);
        let data = bytes(&layer);
        let reader = FgbReader::open(std::io::Cursor::new(&data)).unwrap();
        let header = reader.header();
        assert_eq!(header.features_count(), 40);
        assert_eq!(header.index_node_size(), 16);
        assert_eq!(header.crs().map(|c| c.code()), Some(4326));
        assert_eq!(header.geometry_type(), flatgeobuf::GeometryType::Point);
        let columns: Vec<(String, ColumnType)> =
            header.columns().unwrap().iter().map(|c| (c.name().to_string(), c.type_())).collect();
        assert_eq!(columns[0], ("id".to_string(), ColumnType::String));
        assert_eq!(columns[1], ("event_date".to_string(), ColumnType::DateTime));
        // A bbox read goes through the index.
        let mut hits = reader.select_bbox(-0.1, 9.0, 1.1, 10.1).unwrap();
        let mut ids = Vec::new();
        while let Some(feature) = hits.next().unwrap() {
            ids.push(feature.property::<String>("id").unwrap());
            assert_eq!(feature.property::<String>("event_date").unwrap(), "2024-11-30");
        }
        ids.sort();
        assert_eq!(ids, ["e0", "e1", "e2"]);
    }

    #[test]
    fn output_fgb_is_deterministic_and_keeps_empty_type() {
        assert_eq!(bytes(&events(25)), bytes(&events(25)));
        let empty: Layer<TestRow> = Layer::new("areas", GeometryType::MultiPolygon);
        let data = bytes(&empty);
        let reader = FgbReader::open(std::io::Cursor::new(&data)).unwrap();
        assert_eq!(reader.header().features_count(), 0);
        assert_eq!(reader.header().geometry_type(), flatgeobuf::GeometryType::MultiPolygon);
    }
}
