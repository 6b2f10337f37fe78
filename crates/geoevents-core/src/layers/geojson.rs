//! GeoJSON (RFC 7946): one FeatureCollection per layer, streamed feature by
//! feature through the [`geojson`](::geojson) crate's types and serde.
//!
//! What the writer guarantees, with the RFC section:
//! - a FeatureCollection (§3.3) of Features (§3.2), each
//!   `{"type":"Feature","id":...,"geometry":...,"properties":{...}}` with
//!   `"id"` the feature id (event, place or area id) and `"properties"` the
//!   row serialised by serde (its fields in schema order, `None` as `null`),
//!   so the bytes depend only on the layer;
//! - geometries converted from [`geo`] by the `geojson` crate: positions
//!   `[longitude, latitude]` in WGS 84 (§3.1.1, §4), rounded to six decimals
//!   (§11.2) by [`super::layer::Feature::new`], polygon exteriors
//!   counter-clockwise and holes clockwise (§3.1.6);
//! - numbers without exponent or `-0`; coordinates as short as they go
//!   (`36.2`, `180`), attribute Reals always with a decimal point (`3.0`),
//!   so that GDAL types the column Real ([`LayerJsonFormatter`]);
//! - no `crs` member (removed from the format, §4) and no `bbox` (§5 makes it
//!   optional);
//! - one feature per line, so that diffs and `grep` work, and a final newline.
//!
//! An empty layer is `{"type":"FeatureCollection","features":[]}`: valid
//! RFC 7946, opened by GDAL without a warning (geometry type "Unknown"), by the
//! QGIS API as a valid layer without geometry. See the module docs of
//! [`crate::layers`] for what desktop QGIS does with it.

use super::layer::{AnyLayer, Feature, Geometry, Row};
use serde::Serialize;
use std::io::{self, Write};

/// serde_json's number output, adjusted for GIS readers. serde_json writes
/// floats in the shortest round-trip form of `ryu`, which switches to
/// exponent notation (`1e-6`, `1e16`) and drops the decimal point there; no
/// crate writes JSON floats the way GDAL's type guessing wants, so this
/// formatter writes them with Rust's `Display` (shortest round-trip, never an
/// exponent) and tells coordinates (inside arrays: as short as they go) from
/// attribute Reals (object values: always a decimal point).
#[derive(Debug, Default)]
pub struct LayerJsonFormatter {
    array_depth: usize,
}

impl serde_json::ser::Formatter for LayerJsonFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.array_depth += 1;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.array_depth = self.array_depth.saturating_sub(1);
        writer.write_all(b"]")
    }

    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        if self.array_depth > 0 {
            writer.write_all(coordinate_text(value).as_bytes())
        } else {
            writer.write_all(real_text(value).as_bytes())
        }
    }
}

/// A coordinate as written: `36.2`, `-0.000001`, `180`; never `-0`.
pub fn coordinate_text(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    x.to_string()
}

/// An attribute Real as written: the shortest form that reads back to the
/// same double, always with a decimal point (`3.0`), never `-0`, never an
/// exponent (Rust's `Display` for f64 writes none).
pub fn real_text(x: f64) -> String {
    if x == 0.0 {
        return "0.0".into();
    }
    let mut s = x.to_string();
    if !s.contains('.') {
        s.push_str(".0");
    }
    s
}

/// The GeoJSON Geometry of a layer geometry (the `geojson` crate's
/// conversion from `geo` types).
pub fn to_geojson_geometry(g: &Geometry) -> ::geojson::Geometry {
    let value = match g {
        Geometry::Point(p) => ::geojson::GeometryValue::from(p),
        Geometry::MultiLineString(m) => ::geojson::GeometryValue::from(m),
        Geometry::MultiPolygon(m) => ::geojson::GeometryValue::from(m),
    };
    ::geojson::Geometry::new(value)
}

/// One RFC 7946 Feature, members in this order.
#[derive(Serialize)]
struct FeatureJson<'a, R> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: ::geojson::Geometry,
    properties: &'a R,
}

/// Serialises `value` into `buf` with [`LayerJsonFormatter`].
pub fn to_json<T: Serialize + ?Sized>(buf: &mut Vec<u8>, value: &T) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(&mut *buf, LayerJsonFormatter::default());
    value.serialize(&mut ser).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Appends one RFC 7946 Feature object (§3.2) without surrounding
/// whitespace. Shared with the GeoJSON Text Sequence writer.
pub fn push_feature<R: Row>(buf: &mut Vec<u8>, feature: &Feature<R>) -> io::Result<()> {
    let json = FeatureJson {
        kind: "Feature",
        id: feature.id(),
        geometry: to_geojson_geometry(feature.geometry()),
        properties: &feature.row,
    };
    to_json(buf, &json)
}

/// Writes `layer` as one RFC 7946 FeatureCollection. The caller validates
/// the layer first ([`AnyLayer::validate`]); `out` should be buffered.
pub fn write_geojson<W: Write>(mut out: W, layer: &dyn AnyLayer) -> io::Result<()> {
    if layer.is_empty() {
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[]}\n")?;
        return out.flush();
    }
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut buf = Vec::with_capacity(1024);
    for i in 0..layer.len() {
        buf.clear();
        if i > 0 {
            buf.extend_from_slice(b",\n");
        }
        layer.push_geojson_feature(i, &mut buf)?;
        out.write_all(&buf)?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::{finite, Field, FieldType, GeometryType, Layer};

    #[derive(Serialize)]
    struct Row5 {
        z_name: Option<String>,
        a_count: Option<i64>,
        #[serde(serialize_with = "finite")]
        score: f64,
        flag: bool,
        day: Option<String>,
    }

    impl Row for Row5 {
        const FIELDS: &'static [Field] = &[
            Field::new("z_name", FieldType::String, ""),
            Field::new("a_count", FieldType::Integer, ""),
            Field::new("score", FieldType::Real, ""),
            Field::new("flag", FieldType::Boolean, ""),
            Field::new("day", FieldType::Date, ""),
        ];
    }

    fn text(layer: &dyn AnyLayer) -> String {
        let mut out = Vec::new();
        write_geojson(&mut out, layer).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_geojson_empty_layer() {
        let l: Layer<Row5> = Layer::new("events", GeometryType::Point);
        assert_eq!(text(&l), "{\"type\":\"FeatureCollection\",\"features\":[]}\n");
    }

    #[test]
    fn output_geojson_features_in_schema_order() {
        let mut l = Layer::new("events", GeometryType::Point);
        l.push(
            "e\"1",
            Geometry::point(-0.00000001, 36.21999999),
            Row5 { z_name: Some("Ḥalab \"x\"\n".into()), a_count: Some(-3), score: 1.0, flag: true, day: None },
        );
        l.push(
            "e2",
            Geometry::point(1.5, -2.0),
            Row5 { z_name: None, a_count: None, score: 1e-7, flag: false, day: Some("2024-11-30".into()) },
        );
        let t = text(&l);
        assert_eq!(
            t,
            "{\"type\":\"FeatureCollection\",\"features\":[\n\
             {\"type\":\"Feature\",\"id\":\"e\\\"1\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,36.22]},\"properties\":{\"z_name\":\"Ḥalab \\\"x\\\"\\n\",\"a_count\":-3,\"score\":1.0,\"flag\":true,\"day\":null}},\n\
             {\"type\":\"Feature\",\"id\":\"e2\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1.5,-2]},\"properties\":{\"z_name\":null,\"a_count\":null,\"score\":0.0000001,\"flag\":false,\"day\":\"2024-11-30\"}}\n\
             ]}\n"
        );
        let v: serde_json::Value = serde_json::from_str(&t).unwrap();
        assert_eq!(v["features"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn output_geojson_numbers() {
        assert_eq!(coordinate_text(36.2), "36.2");
        assert_eq!(coordinate_text(-0.0), "0");
        assert_eq!(coordinate_text(-0.000001), "-0.000001");
        assert_eq!(coordinate_text(180.0), "180");
        assert_eq!(real_text(3.0), "3.0");
        assert_eq!(real_text(-0.0), "0.0");
        assert_eq!(real_text(1e-7), "0.0000001");
        assert_eq!(real_text(1e21), "1000000000000000000000.0");
        assert_eq!(real_text(-2.5), "-2.5");
    }

    #[test]
    fn output_geojson_polygons_rfc7946_oriented() {
        let mut l = Layer::new("areas", GeometryType::MultiPolygon);
        // Exterior clockwise, hole counter-clockwise: both wrong.
        let outer = geo::LineString::from(vec![(0.0, 0.0), (0.0, 4.0), (4.0, 4.0), (4.0, 0.0), (0.0, 0.0)]);
        let hole = geo::LineString::from(vec![(1.0, 1.0), (3.0, 1.0), (3.0, 3.0), (1.0, 3.0), (1.0, 1.0)]);
        l.push(
            "a",
            Geometry::MultiPolygon(geo::Polygon::new(outer, vec![hole]).into()),
            Row5 { z_name: None, a_count: None, score: 0.0, flag: false, day: None },
        );
        let v: serde_json::Value = serde_json::from_str(&text(&l)).unwrap();
        let rings = &v["features"][0]["geometry"]["coordinates"][0];
        let ring = |i: usize| -> geo::LineString {
            rings[i].as_array().unwrap().iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect()
        };
        assert!(geo::Winding::is_ccw(&ring(0)));
        assert!(geo::Winding::is_cw(&ring(1)));
        assert_eq!(v["features"][0]["geometry"]["type"], "MultiPolygon");
        assert!(v.get("crs").is_none() && v["features"][0]["geometry"].get("bbox").is_none());
    }
}
