//! GeoParquet 1.1 (<https://geoparquet.org/releases/v1.1.0/>): one
//! `NAME.parquet` per layer, written with the `parquet` and `arrow` crates
//! (no async, Snappy pages), a [`LayerFileWriter`] for the core's layer set.
//!
//! What is written:
//! - one row per feature, in layer order, in row groups of up to
//!   [`ROW_GROUP_ROWS`] rows;
//! - columns: `id` (Utf8, not nullable), then the schema fields in order,
//!   all nullable: String -> Utf8, Integer -> Int64, Real -> Float64,
//!   Boolean -> Boolean, Date -> Date32 (days since 1970-01-01),
//!   DateTime -> Timestamp(millisecond, "UTC"); then `geometry` (Binary,
//!   not nullable): ISO WKB, little-endian, by `geozero`, the same
//!   coordinates (six decimals, oriented rings) as every other format;
//! - the file metadata key `geo` (the GeoParquet metadata, JSON):
//!   `version` "1.1.0", `primary_column` "geometry", and for that column
//!   `encoding` "WKB", `geometry_types` (the layer's declared type, so an
//!   empty layer keeps it too), `bbox` `[xmin, ymin, xmax, ymax]` (absent for
//!   an empty layer) and no `crs`: absent means OGC:CRS84, longitude and
//!   latitude in degrees on WGS 84, which is what the layers hold.
//!
//! The bytes depend only on the layer: no clock, and `created_by` is the
//! parquet crate's fixed version string.

use arrow_array::builder::{
    BinaryBuilder, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field as ArrowField, Schema, TimeUnit};
use geoevents_core::layers::{AnyLayer, FieldType, GeometryType, LayerFileWriter, LayerFormat, Value};
use geozero::{CoordDimensions, ToWkb};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

/// The most rows in one row group: small enough that a reader filtering on
/// the statistics skips most of a big layer, large enough to compress well.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// The name of the geometry column (GeoPandas' default).
pub const GEOMETRY_COLUMN: &str = "geometry";

/// What can go wrong writing a layer.
#[derive(Debug, thiserror::Error)]
pub enum GeoParquetError {
    #[error("GeoParquet layer {layer}: {source}")]
    Parquet { layer: String, source: parquet::errors::ParquetError },
    #[error("GeoParquet layer {layer}: {source}")]
    Arrow { layer: String, source: arrow_schema::ArrowError },
    #[error("GeoParquet layer {layer}, feature {id}: WKB: {problem}")]
    Wkb { layer: String, id: String, problem: String },
    #[error("GeoParquet layer {layer}, feature {id}: {field} {value:?} is not an ISO {expected}")]
    BadDate { layer: String, id: String, field: String, value: String, expected: FieldType },
    #[error(transparent)]
    Layer(#[from] geoevents_core::layers::LayerError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl From<GeoParquetError> for io::Error {
    fn from(e: GeoParquetError) -> io::Error {
        match e {
            GeoParquetError::Io(e) => e,
            GeoParquetError::Layer(e) => e.into(),
            other => io::Error::other(other),
        }
    }
}

/// The core's writer of the `geoparquet` format.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeoParquetWriter;

impl LayerFileWriter for GeoParquetWriter {
    fn format(&self) -> LayerFormat {
        LayerFormat::Geoparquet
    }

    fn extension(&self) -> &'static str {
        "parquet"
    }

    fn write_layer_to(&self, path: &Path, layer: &dyn AnyLayer) -> io::Result<()> {
        let file = File::create(path)?;
        write_geoparquet(file, layer)?;
        Ok(())
    }
}

/// The Arrow type of a field.
pub fn data_type(kind: FieldType) -> DataType {
    match kind {
        FieldType::String => DataType::Utf8,
        FieldType::Integer => DataType::Int64,
        FieldType::Real => DataType::Float64,
        FieldType::Boolean => DataType::Boolean,
        FieldType::Date => DataType::Date32,
        FieldType::DateTime => DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
    }
}

/// The Arrow schema: `id`, the fields, `geometry`.
pub fn schema(layer: &dyn AnyLayer) -> Schema {
    let mut fields = vec![ArrowField::new("id", DataType::Utf8, false)];
    fields.extend(layer.fields().iter().map(|f| ArrowField::new(f.name, data_type(f.kind), true)));
    fields.push(ArrowField::new(GEOMETRY_COLUMN, DataType::Binary, false));
    Schema::new(fields)
}

fn geometry_type_name(t: GeometryType) -> &'static str {
    match t {
        GeometryType::Point => "Point",
        GeometryType::MultiLineString => "MultiLineString",
        GeometryType::MultiPolygon => "MultiPolygon",
    }
}

/// The `geo` file metadata (GeoParquet 1.1 §"File metadata") as JSON text.
pub fn geo_metadata(layer: &dyn AnyLayer) -> String {
    let bbox = (0..layer.len()).filter_map(|i| layer.geometry(i).bounding_rect()).fold(None::<[f64; 4]>, |acc, r| {
        let (min, max) = (r.min(), r.max());
        Some(match acc {
            None => [min.x, min.y, max.x, max.y],
            Some([a, b, c, d]) => [a.min(min.x), b.min(min.y), c.max(max.x), d.max(max.y)],
        })
    });
    let mut column = serde_json::Map::new();
    column.insert("encoding".into(), "WKB".into());
    column.insert("geometry_types".into(), serde_json::json!([geometry_type_name(layer.geometry_type())]));
    if let Some(b) = bbox {
        column.insert("bbox".into(), serde_json::json!(b));
    }
    serde_json::json!({
        "version": "1.1.0",
        "primary_column": GEOMETRY_COLUMN,
        "columns": { GEOMETRY_COLUMN: column },
    })
    .to_string()
}

/// One column under construction.
enum Column {
    Str(StringBuilder),
    Int(Int64Builder),
    Real(Float64Builder),
    Bool(BooleanBuilder),
    Date(Date32Builder),
    DateTime(TimestampMillisecondBuilder),
}

impl Column {
    fn new(kind: FieldType) -> Column {
        match kind {
            FieldType::String => Column::Str(StringBuilder::new()),
            FieldType::Integer => Column::Int(Int64Builder::new()),
            FieldType::Real => Column::Real(Float64Builder::new()),
            FieldType::Boolean => Column::Bool(BooleanBuilder::new()),
            FieldType::Date => Column::Date(Date32Builder::new()),
            FieldType::DateTime => Column::DateTime(TimestampMillisecondBuilder::new().with_timezone("UTC")),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Column::Str(mut b) => Arc::new(b.finish()),
            Column::Int(mut b) => Arc::new(b.finish()),
            Column::Real(mut b) => Arc::new(b.finish()),
            Column::Bool(mut b) => Arc::new(b.finish()),
            Column::Date(mut b) => Arc::new(b.finish()),
            Column::DateTime(mut b) => Arc::new(b.finish()),
        }
    }
}

/// Writes `layer` as GeoParquet to `out`. The layer is valid.
pub fn write_geoparquet<W: Write + Send>(out: W, layer: &dyn AnyLayer) -> Result<(), GeoParquetError> {
    let name = layer.name();
    let geo = geo_metadata(layer);
    // The `geo` key goes into the Parquet file metadata (where GeoParquet
    // puts it) and into the Arrow schema stored beside it (`ARROW:schema`),
    // which pyarrow reads instead when present.
    let schema = Arc::new(schema(layer).with_metadata([("geo".to_string(), geo.clone())]));
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(vec![KeyValue::new("geo".to_string(), geo)]))
        .build();
    let parquet_error = |source| GeoParquetError::Parquet { layer: name.to_string(), source };
    let mut writer = ArrowWriter::try_new(out, schema.clone(), Some(properties)).map_err(parquet_error)?;
    let fields = layer.fields();
    let mut start = 0;
    // One record batch per row group keeps the memory bounded by a group.
    while start < layer.len() || (start == 0 && layer.is_empty()) {
        let end = (start + ROW_GROUP_ROWS).min(layer.len());
        let mut ids = StringBuilder::new();
        let mut columns: Vec<Column> = fields.iter().map(|f| Column::new(f.kind)).collect();
        let mut geometries = BinaryBuilder::new();
        for i in start..end {
            let id = layer.id(i);
            ids.append_value(id);
            for ((field, column), value) in fields.iter().zip(&mut columns).zip(layer.values(i)?) {
                let bad_date = |value: &str| GeoParquetError::BadDate {
                    layer: name.to_string(),
                    id: id.to_string(),
                    field: field.name.to_string(),
                    value: value.to_string(),
                    expected: field.kind,
                };
                match (column, value) {
                    (Column::Str(b), Value::Str(s)) => b.append_value(s),
                    (Column::Int(b), Value::Int(n)) => b.append_value(n),
                    (Column::Real(b), Value::Real(x)) => b.append_value(x),
                    (Column::Bool(b), Value::Bool(v)) => b.append_value(v),
                    (Column::Date(b), Value::Str(s)) => b.append_value(date32(&s).ok_or_else(|| bad_date(&s))?),
                    (Column::DateTime(b), Value::Str(s)) => {
                        b.append_value(timestamp_ms(&s).ok_or_else(|| bad_date(&s))?);
                    }
                    (Column::Str(b), _) => b.append_null(),
                    (Column::Int(b), _) => b.append_null(),
                    (Column::Real(b), _) => b.append_null(),
                    (Column::Bool(b), _) => b.append_null(),
                    (Column::Date(b), _) => b.append_null(),
                    (Column::DateTime(b), _) => b.append_null(),
                }
            }
            let wkb = layer.geometry(i).to_geo().to_wkb(CoordDimensions::xy()).map_err(|e| GeoParquetError::Wkb {
                layer: name.to_string(),
                id: id.to_string(),
                problem: e.to_string(),
            })?;
            geometries.append_value(wkb);
        }
        let mut arrays: Vec<ArrayRef> = vec![Arc::new(ids.finish())];
        arrays.extend(columns.into_iter().map(Column::finish));
        arrays.push(Arc::new(geometries.finish()));
        let batch = RecordBatch::try_new(schema.clone(), arrays)
            .map_err(|source| GeoParquetError::Arrow { layer: name.to_string(), source })?;
        writer.write(&batch).map_err(parquet_error)?;
        if end == layer.len() {
            break;
        }
        start = end;
    }
    writer.close().map_err(parquet_error)?;
    Ok(())
}

/// `YYYY-MM-DD` as days since 1970-01-01 (Arrow Date32).
fn date32(s: &str) -> Option<i32> {
    let day = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    i32::try_from(day.signed_duration_since(chrono::DateTime::UNIX_EPOCH.date_naive()).num_days()).ok()
}

/// `YYYY-MM-DDTHH:MM:SSZ` as milliseconds since the Unix epoch, UTC.
fn timestamp_ms(s: &str) -> Option<i64> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%SZ").ok()?;
    Some(t.and_utc().timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{Array, Date32Array, TimestampMillisecondArray};
    use geoevents_core::layers::{Field, Geometry, Layer, Row};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[derive(serde::Serialize)]
    struct EventRow {
        event_date: Option<String>,
        published_at: Option<String>,
        deaths: Option<i64>,
    }
    impl Row for EventRow {
        const FIELDS: &'static [Field] = &[
            Field::new("event_date", FieldType::Date, ""),
            Field::new("published_at", FieldType::DateTime, ""),
            Field::new("deaths", FieldType::Integer, ""),
        ];
    }

    fn events() -> Layer<EventRow> {
        let mut l = Layer::new("events", GeometryType::Point);
        let row = |d: Option<&str>, n| EventRow {
            event_date: d.map(String::from),
            published_at: Some("2024-11-30T10:00:00Z".into()),
            deaths: n,
        };
        l.push("e1", Geometry::point(36.2, 37.1), row(Some("2024-11-29"), Some(3)));
        l.push("e2", Geometry::point(-3.7, 40.4), row(None, None));
        l
    }

    fn bytes(layer: &dyn AnyLayer) -> Vec<u8> {
        let mut out = Vec::new();
        write_geoparquet(&mut out, layer).unwrap();
        out
    }

    #[test]
    fn output_parquet_reads_back_typed_with_geo_metadata() {
        let data = bytes(&events());
        assert_eq!(data, bytes(&events()), "deterministic");
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(data)).unwrap();
        let geo = builder.metadata().file_metadata().key_value_metadata().unwrap().iter().find(|kv| kv.key == "geo");
        let geo: serde_json::Value = serde_json::from_str(geo.unwrap().value.as_deref().unwrap()).unwrap();
        assert_eq!(geo["version"], "1.1.0");
        assert_eq!(geo["columns"]["geometry"]["encoding"], "WKB");
        assert_eq!(geo["columns"]["geometry"]["bbox"], serde_json::json!([-3.7, 37.1, 36.2, 40.4]));
        let batch = builder.build().unwrap().next().unwrap().unwrap();
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(batch.schema().field(1).data_type(), &DataType::Date32);
        let dates = batch.column(1).as_any().downcast_ref::<Date32Array>().unwrap();
        assert_eq!(dates.value(0), 20056, "2024-11-29 is day 20056");
        assert!(dates.is_null(1));
        let times = batch.column(2).as_any().downcast_ref::<TimestampMillisecondArray>().unwrap();
        assert_eq!(times.value(0), 1_732_960_800_000);
    }

    #[test]
    fn output_parquet_empty_layer_keeps_schema() {
        let empty: Layer<EventRow> = Layer::new("events", GeometryType::Point);
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes(&empty))).unwrap();
        assert_eq!(builder.metadata().file_metadata().num_rows(), 0);
        assert_eq!(builder.schema().fields().len(), 5);
    }
}
