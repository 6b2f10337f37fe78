//! GeoJSON (RFC 7946): one FeatureCollection per layer, streamed feature by
//! feature.
//!
//! What the writer guarantees, with the RFC section:
//! - a FeatureCollection (§3.3) of Features (§3.2), each with `"id"` set to
//!   the feature id and `"properties"` holding every schema field in schema
//!   order (Null as `null`), so the bytes depend only on the layer;
//! - positions `[longitude, latitude]` in WGS 84 (§3.1.1, §4), rounded to six
//!   decimals (§11.2), printed without exponent or `-0`;
//! - polygon exterior rings counter-clockwise and holes clockwise (§3.1.6),
//!   whatever the orientation of the input;
//! - no `crs` member (removed from the format, §4) and no `bbox` (§5 makes it
//!   optional);
//! - one feature per line, so that diffs and `grep` work, and a final newline.
//!
//! An empty layer is `{"type":"FeatureCollection","features":[]}`: valid
//! RFC 7946, opened by GDAL without a warning (geometry type "Unknown"), by the
//! QGIS API as a valid layer without geometry. See the module docs of
//! [`crate::layers`] for what desktop QGIS does with it.

use super::geom::{oriented, push_coord, push_real};
use super::layer::{Feature, Geometry, Layer, Value};
use std::io::{self, Write};

/// Writes `layer` as one RFC 7946 FeatureCollection. The caller validates
/// the layer first ([`Layer::validate`]); `out` should be buffered.
pub fn write_geojson<W: Write>(mut out: W, layer: &Layer) -> io::Result<()> {
    if layer.features.is_empty() {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[]}\n")?;
        return out.flush();
    }
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut buf = Vec::with_capacity(1024);
    for (i, feature) in layer.features.iter().enumerate() {
        buf.clear();
        if i > 0 {
            buf.extend_from_slice(b",\n");
        }
        push_feature(&mut buf, layer, feature);
        out.write_all(&buf)?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()
}

/// Appends one RFC 7946 Feature object (§3.2) without surrounding
/// whitespace: `{"type":"Feature","id":...,"geometry":...,"properties":{...}}`.
/// Shared with the GeoJSON Text Sequence writer.
pub fn push_feature(buf: &mut Vec<u8>, layer: &Layer, feature: &Feature) {
    buf.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
    push_json_string(buf, &feature.id);
    buf.extend_from_slice(b",\"geometry\":");
    push_geometry(buf, &feature.geometry);
    buf.extend_from_slice(b",\"properties\":{");
    for (i, (field, value)) in layer.fields.iter().zip(&feature.values).enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        // Field names are [a-z][a-z0-9_]* (validated): no escaping needed.
        buf.push(b'"');
        buf.extend_from_slice(field.name.as_bytes());
        buf.extend_from_slice(b"\":");
        push_value(buf, value);
    }
    buf.extend_from_slice(b"}}");
}

fn push_value(buf: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => buf.extend_from_slice(b"null"),
        Value::Str(s) => push_json_string(buf, s),
        Value::Int(n) => {
            let _ = write!(buf, "{n}");
        }
        Value::Real(x) => push_real(buf, *x),
        Value::Bool(true) => buf.extend_from_slice(b"true"),
        Value::Bool(false) => buf.extend_from_slice(b"false"),
    }
}

/// A JSON string (RFC 8259 §7) as serde_json escapes it.
fn push_json_string(buf: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail, and a &str always serialises.
    let _ = serde_json::to_writer(&mut *buf, s);
}

fn push_position(buf: &mut Vec<u8>, p: &[f64; 2]) {
    buf.push(b'[');
    push_coord(buf, p[0]);
    buf.push(b',');
    push_coord(buf, p[1]);
    buf.push(b']');
}

/// Appends an RFC 7946 Geometry object: Point (§3.1.2) or MultiPolygon
/// (§3.1.7) with exteriors counter-clockwise and holes clockwise (§3.1.6).
pub fn push_geometry(buf: &mut Vec<u8>, geometry: &Geometry) {
    match geometry {
        Geometry::Point { lon, lat } => {
            buf.extend_from_slice(b"{\"type\":\"Point\",\"coordinates\":");
            push_position(buf, &[*lon, *lat]);
            buf.push(b'}');
        }
        Geometry::MultiPolygon(polygons) => {
            buf.extend_from_slice(b"{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (pi, polygon) in polygons.iter().enumerate() {
                if pi > 0 {
                    buf.push(b',');
                }
                buf.push(b'[');
                for (ri, ring) in polygon.iter().enumerate() {
                    if ri > 0 {
                        buf.push(b',');
                    }
                    buf.push(b'[');
                    for (k, p) in oriented(ring, ri == 0).enumerate() {
                        if k > 0 {
                            buf.push(b',');
                        }
                        push_position(buf, p);
                    }
                    buf.push(b']');
                }
                buf.push(b']');
            }
            buf.extend_from_slice(b"]}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::{Field, FieldType, GeometryType};

    fn text(layer: &Layer) -> String {
        let mut out = Vec::new();
        write_geojson(&mut out, layer).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_geojson_empty_layer() {
        let l = Layer::new("events", GeometryType::Point, vec![Field::new("n", FieldType::Integer, "")]);
        assert_eq!(text(&l), "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
    }

    #[test]
    fn output_geojson_features_in_schema_order() {
        let mut l = Layer::new(
            "events",
            GeometryType::Point,
            vec![
                Field::new("z_name", FieldType::String, ""),
                Field::new("a_count", FieldType::Integer, ""),
                Field::new("score", FieldType::Real, ""),
                Field::new("flag", FieldType::Boolean, ""),
                Field::new("day", FieldType::Date, ""),
            ],
        );
        l.features.push(Feature {
            id: "e\"1".into(),
            geometry: Geometry::Point { lon: -0.00000001, lat: 36.21999999 },
            values: vec![
                Value::Str("Ḥalab \"x\"\n".into()),
                Value::Int(-3),
                Value::Real(1.0),
                Value::Bool(true),
                Value::Null,
            ],
        });
        l.features.push(Feature {
            id: "e2".into(),
            geometry: Geometry::Point { lon: 1.5, lat: -2.0 },
            values: vec![Value::Null, Value::Null, Value::Null, Value::Bool(false), Value::Str("2024-11-30".into())],
        });
        let t = text(&l);
        assert_eq!(
            t,
            "{\"type\":\"FeatureCollection\",\"features\":[\n\
             {\"type\":\"Feature\",\"id\":\"e\\\"1\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,36.22]},\"properties\":{\"z_name\":\"Ḥalab \\\"x\\\"\\n\",\"a_count\":-3,\"score\":1.0,\"flag\":true,\"day\":null}},\n\
             {\"type\":\"Feature\",\"id\":\"e2\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1.5,-2]},\"properties\":{\"z_name\":null,\"a_count\":null,\"score\":null,\"flag\":false,\"day\":\"2024-11-30\"}}\n\
             ]}\n"
        );
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v["features"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn output_geojson_fixes_winding() {
        let mut l = Layer::new("areas", GeometryType::MultiPolygon, vec![]);
        // Exterior clockwise, hole counter-clockwise: both wrong.
        let outer = vec![[0.0, 0.0], [0.0, 4.0], [4.0, 4.0], [4.0, 0.0], [0.0, 0.0]];
        let hole = vec![[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0], [1.0, 1.0]];
        l.features.push(Feature {
            id: "a".into(),
            geometry: Geometry::MultiPolygon(vec![vec![outer, hole]]),
            values: vec![],
        });
        let v: serde_json::Value = serde_json::from_str(&text(&l)).unwrap();
        let rings = &v["features"][0]["geometry"]["coordinates"][0];
        let ring = |i: usize| -> Vec<[f64; 2]> {
            rings[i].as_array().unwrap().iter().map(|p| [p[0].as_f64().unwrap(), p[1].as_f64().unwrap()]).collect()
        };
        assert!(crate::layers::geom::signed_area2(&ring(0)) > 0.0);
        assert!(crate::layers::geom::signed_area2(&ring(1)) < 0.0);
    }
}
