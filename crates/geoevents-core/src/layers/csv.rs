//! CSV (RFC 4180) with `lon`/`lat` columns, and the GDAL sidecars that make
//! the columns typed.
//!
//! Columns: `lon`, `lat`, `id`, then the schema fields in order. For a
//! MultiPolygon layer, `lon`/`lat` is a representative point inside the
//! largest polygon (a label point: inside the area even for C shapes and
//! rings with holes) and a last column `wkt` carries the whole geometry as
//! OGC Well-Known Text, so that the file loses nothing and GDAL reads the
//! polygons. Records end with CRLF (RFC 4180 §2.1); a value is quoted when it
//! holds a comma, a quote, CR or LF, quotes doubled (§2.6, §2.7). Null is an
//! empty value; an empty string is `""`; booleans are `1` and `0` (GDAL's
//! `Integer(Boolean)`).
//!
//! Beside `NAME.csv` the writer puts `NAME.csvt` (GDAL's column types: the
//! `lon`/`lat` columns as `CoordX`/`CoordY` so GDAL and QGIS build points,
//! Date columns as `Date`) and `NAME.prj` (WGS 84), which the GDAL CSV driver
//! reads. An empty layer is the header line alone, which GDAL opens as a
//! layer of 0 features.

use super::geom::{oriented, push_coord, push_real, representative_point};
use super::layer::{FieldType, Geometry, GeometryType, Layer, Value};
use std::io::{self, Write};

/// WGS 84 in the ESRI WKT that GDAL writes to `.prj` files for EPSG:4326.
pub const PRJ_WGS84: &str = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

/// The header line, without the line end.
pub fn header(layer: &Layer) -> String {
    let mut h = String::from("lon,lat,id");
    for f in &layer.fields {
        h.push(',');
        h.push_str(f.name);
    }
    if layer.geometry_type == GeometryType::MultiPolygon {
        h.push_str(",wkt");
    }
    h
}

/// The GDAL `.csvt` sidecar: one type per column, in column order
/// (GDAL CSV driver documentation, "Reading CSV containing spatial information").
pub fn csvt(layer: &Layer) -> String {
    let mut types: Vec<&str> = match layer.geometry_type {
        GeometryType::Point => vec!["CoordX", "CoordY", "String"],
        GeometryType::MultiPolygon => vec!["Real", "Real", "String"],
    };
    types.extend(layer.fields.iter().map(|f| match f.kind {
        FieldType::String => "String",
        FieldType::Integer => "Integer64",
        FieldType::Real => "Real",
        FieldType::Boolean => "Integer(Boolean)",
        FieldType::Date => "Date",
        FieldType::DateTime => "DateTime",
    }));
    if layer.geometry_type == GeometryType::MultiPolygon {
        types.push("WKT");
    }
    let mut s = types.join(",");
    s.push_str("\r\n");
    s
}

/// Writes `layer` as CSV (see the module docs). The caller validates the
/// layer first; `out` should be buffered.
pub fn write_csv<W: Write>(mut out: W, layer: &Layer) -> io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    buf.extend_from_slice(header(layer).as_bytes());
    buf.extend_from_slice(b"\r\n");
    out.write_all(&buf)?;
    for feature in &layer.features {
        buf.clear();
        let point = match &feature.geometry {
            Geometry::Point { lon, lat } => [*lon, *lat],
            Geometry::MultiPolygon(polygons) => representative_point(polygons),
        };
        push_coord(&mut buf, point[0]);
        buf.push(b',');
        push_coord(&mut buf, point[1]);
        buf.push(b',');
        push_text(&mut buf, &feature.id);
        for value in &feature.values {
            buf.push(b',');
            match value {
                Value::Null => {}
                Value::Str(s) => push_text(&mut buf, s),
                Value::Int(n) => {
                    let _ = write!(buf, "{n}");
                }
                Value::Real(x) => push_real(&mut buf, *x),
                Value::Bool(b) => buf.push(if *b { b'1' } else { b'0' }),
            }
        }
        if let Geometry::MultiPolygon(polygons) = &feature.geometry {
            buf.extend_from_slice(b",\"");
            push_wkt_multipolygon(&mut buf, polygons);
            buf.push(b'"');
        }
        buf.extend_from_slice(b"\r\n");
        out.write_all(&buf)?;
    }
    out.flush()
}

fn push_text(buf: &mut Vec<u8>, s: &str) {
    if s.is_empty() || s.bytes().any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

/// OGC Simple Features WKT: `MULTIPOLYGON (((x y,x y,...),(...)),(...))`,
/// with the ring orientation of the GeoJSON writer.
fn push_wkt_multipolygon(buf: &mut Vec<u8>, polygons: &[Vec<Vec<[f64; 2]>>]) {
    buf.extend_from_slice(b"MULTIPOLYGON (");
    for (pi, polygon) in polygons.iter().enumerate() {
        if pi > 0 {
            buf.push(b',');
        }
        buf.push(b'(');
        for (ri, ring) in polygon.iter().enumerate() {
            if ri > 0 {
                buf.push(b',');
            }
            buf.push(b'(');
            for (k, p) in oriented(ring, ri == 0).enumerate() {
                if k > 0 {
                    buf.push(b',');
                }
                push_coord(buf, p[0]);
                buf.push(b' ');
                push_coord(buf, p[1]);
            }
            buf.push(b')');
        }
        buf.push(b')');
    }
    buf.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::{Feature, Field};

    #[test]
    fn output_csv_points_and_polygons() {
        let mut l = Layer::new(
            "events",
            GeometryType::Point,
            vec![
                Field::new("name", FieldType::String, ""),
                Field::new("ok", FieldType::Boolean, ""),
                Field::new("day", FieldType::Date, ""),
            ],
        );
        l.features.push(Feature {
            id: "e1".into(),
            geometry: Geometry::Point { lon: 36.16, lat: 36.2 },
            values: vec![Value::Str("Aleppo, \"Halab\"".into()), Value::Bool(true), Value::Null],
        });
        let mut out = Vec::new();
        write_csv(&mut out, &l).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "lon,lat,id,name,ok,day\r\n36.16,36.2,e1,\"Aleppo, \"\"Halab\"\"\",1,\r\n"
        );
        assert_eq!(csvt(&l), "CoordX,CoordY,String,String,Integer(Boolean),Date\r\n");

        let mut a = Layer::new("areas", GeometryType::MultiPolygon, vec![Field::new("n", FieldType::Integer, "")]);
        a.features.push(Feature {
            id: "a1".into(),
            geometry: Geometry::MultiPolygon(vec![vec![vec![
                [0.0, 0.0],
                [0.0, 2.0],
                [2.0, 2.0],
                [2.0, 0.0],
                [0.0, 0.0],
            ]]]),
            values: vec![Value::Int(3)],
        });
        let mut out = Vec::new();
        write_csv(&mut out, &a).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "lon,lat,id,n,wkt\r\n1,1,a1,3,\"MULTIPOLYGON (((0 0,2 0,2 2,0 2,0 0)))\"\r\n"
        );
        assert_eq!(csvt(&a), "Real,Real,String,Integer64,WKT\r\n");
    }
}
