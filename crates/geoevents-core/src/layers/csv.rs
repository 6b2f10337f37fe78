//! CSV (RFC 4180, through the `csv` crate) with `lon`/`lat` columns, and the
//! GDAL sidecars that make the columns typed.
//!
//! Columns: `lon`, `lat`, `id`, then the schema fields in order, each value
//! taken by its field name ([`AnyLayer::values`]). For a polygon or line
//! layer, `lon`/`lat` is a label point inside the polygons (on the lines)
//! from `geo`'s `InteriorPoint` ([`Geometry::label_point`]), and a last column
//! `wkt` carries the whole geometry as OGC Well-Known Text (the `wkt` crate),
//! so that the file loses nothing and GDAL reads the shapes. Records end
//! with CRLF (RFC 4180 §2.1); a value is quoted when it holds a comma, a
//! quote, CR or LF, quotes doubled (§2.6, §2.7). Null and the empty string
//! are both an empty value; booleans are `1` and `0` (GDAL's
//! `Integer(Boolean)`); Reals and coordinates are written as in GeoJSON.
//! A text value that starts with `=`, `+`, `-`, `@`, a tab or CR gets a
//! leading apostrophe (`'`), so that a spreadsheet opening the file shows it
//! as text instead of running it as a formula (CSV injection; OWASP's
//! advice). Text comes from news articles, so anyone can write such a value;
//! numbers, booleans and coordinates are never touched.
//!
//! Beside `NAME.csv` the writer puts `NAME.csvt` (GDAL's column types: the
//! `lon`/`lat` columns of point layers as `CoordX`/`CoordY` so GDAL and QGIS
//! build points, Date columns as `Date`) and `NAME.prj` (WGS 84), which the
//! GDAL CSV driver reads. An empty layer is the header line alone, which
//! GDAL opens as a layer of 0 features.

use super::geojson::{coordinate_text, real_text};
use super::layer::{AnyLayer, FieldType, Geometry, GeometryType, Value};
use std::io::{self, Write};
use wkt::ToWkt;

/// WGS 84 in the ESRI WKT that GDAL writes to `.prj` files for EPSG:4326.
pub const PRJ_WGS84: &str = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

fn has_wkt(layer: &dyn AnyLayer) -> bool {
    layer.geometry_type() != GeometryType::Point
}

/// The header: `lon`, `lat`, `id`, the fields, and `wkt` for shapes.
pub fn header(layer: &dyn AnyLayer) -> Vec<&'static str> {
    let mut h = vec!["lon", "lat", "id"];
    h.extend(layer.fields().iter().map(|f| f.name));
    if has_wkt(layer) {
        h.push("wkt");
    }
    h
}

/// The GDAL `.csvt` sidecar: one type per column, in column order
/// (GDAL CSV driver documentation, "Reading CSV containing spatial information").
pub fn csvt(layer: &dyn AnyLayer) -> String {
    let mut types: Vec<&str> =
        if has_wkt(layer) { vec!["Real", "Real", "String"] } else { vec!["CoordX", "CoordY", "String"] };
    types.extend(layer.fields().iter().map(|f| match f.kind {
        FieldType::String => "String",
        FieldType::Integer => "Integer64",
        FieldType::Real => "Real",
        FieldType::Boolean => "Integer(Boolean)",
        FieldType::Date => "Date",
        FieldType::DateTime => "DateTime",
    }));
    if has_wkt(layer) {
        types.push("WKT");
    }
    let mut s = types.join(",");
    s.push_str("\r\n");
    s
}

/// The first characters with which a spreadsheet cell is read as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a spreadsheet shows it as text (see the module docs).
fn neutralised(text: String) -> String {
    if text.starts_with(FORMULA_STARTS) {
        let mut quoted = String::with_capacity(text.len() + 1);
        quoted.push('\'');
        quoted.push_str(&text);
        quoted
    } else {
        text
    }
}

fn value_text(value: Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Str(s) => neutralised(s),
        Value::Int(n) => n.to_string(),
        Value::Real(x) => real_text(x),
        Value::Bool(b) => if b { "1" } else { "0" }.to_string(),
    }
}

fn wkt_text(g: &Geometry) -> String {
    match g {
        Geometry::Point(p) => p.wkt_string(),
        Geometry::MultiLineString(m) => m.wkt_string(),
        Geometry::MultiPolygon(m) => m.wkt_string(),
    }
}

/// Writes `layer` as CSV (see the module docs). The caller validates the
/// layer first; `out` should be buffered.
pub fn write_csv<W: Write>(out: W, layer: &dyn AnyLayer) -> io::Result<()> {
    let mut csv = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
    csv.write_record(header(layer))?;
    let mut record: Vec<String> = Vec::with_capacity(layer.fields().len() + 4);
    for i in 0..layer.len() {
        record.clear();
        let geometry = layer.geometry(i);
        match geometry.label_point() {
            Some(p) => record.extend([coordinate_text(p.x()), coordinate_text(p.y())]),
            None => record.extend([String::new(), String::new()]),
        }
        record.push(layer.id(i).to_string());
        record.extend(layer.values(i)?.into_iter().map(value_text));
        if has_wkt(layer) {
            record.push(wkt_text(geometry));
        }
        csv.write_record(&record)?;
    }
    csv.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::{Field, Layer, Row};
    use serde::Serialize;

    #[derive(Serialize)]
    struct EventRow {
        name: Option<String>,
        ok: bool,
        day: Option<String>,
    }
    impl Row for EventRow {
        const FIELDS: &'static [Field] = &[
            Field::new("name", FieldType::String, ""),
            Field::new("ok", FieldType::Boolean, ""),
            Field::new("day", FieldType::Date, ""),
        ];
    }

    #[derive(Serialize)]
    struct AreaRow {
        n: i64,
    }
    impl Row for AreaRow {
        const FIELDS: &'static [Field] = &[Field::new("n", FieldType::Integer, "")];
    }

    fn text(layer: &dyn AnyLayer) -> String {
        let mut out = Vec::new();
        write_csv(&mut out, layer).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn output_csv_points_and_polygons() {
        let mut l = Layer::new("events", GeometryType::Point);
        l.push(
            "e1",
            Geometry::point(36.16, 36.2),
            EventRow { name: Some("Aleppo, \"Halab\"".into()), ok: true, day: None },
        );
        assert_eq!(text(&l), "lon,lat,id,name,ok,day\r\n36.16,36.2,e1,\"Aleppo, \"\"Halab\"\"\",1,\r\n");
        assert_eq!(csvt(&l), "CoordX,CoordY,String,String,Integer(Boolean),Date\r\n");

        let mut a = Layer::new("areas", GeometryType::MultiPolygon);
        let square = geo::LineString::from(vec![(0.0, 0.0), (0.0, 2.0), (2.0, 2.0), (2.0, 0.0), (0.0, 0.0)]);
        a.push("a1", Geometry::MultiPolygon(geo::Polygon::new(square, vec![]).into()), AreaRow { n: 3 });
        assert_eq!(text(&a), "lon,lat,id,n,wkt\r\n1,1,a1,3,\"MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)))\"\r\n");
        assert_eq!(csvt(&a), "Real,Real,String,Integer64,WKT\r\n");
    }

    #[test]
    fn output_csv_formula_cells_become_text() {
        let mut l = Layer::new("events", GeometryType::Point);
        let names = ["=HYPERLINK(\"http://x.invalid\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "a=b", "Lyon"];
        for (i, name) in names.iter().enumerate() {
            l.push(
                format!("e{i}"),
                Geometry::point(-4.5, -1.25),
                EventRow { name: Some((*name).into()), ok: false, day: None },
            );
        }
        let t = text(&l);
        let rows: Vec<&str> = t.split("\r\n").skip(1).filter(|r| !r.is_empty()).collect();
        assert_eq!(rows[0], "-4.5,-1.25,e0,\"'=HYPERLINK(\"\"http://x.invalid\"\")\",0,", "coordinates untouched");
        assert_eq!(rows[1], "-4.5,-1.25,e1,'+1,0,");
        assert_eq!(rows[2], "-4.5,-1.25,e2,'-2,0,");
        assert_eq!(rows[3], "-4.5,-1.25,e3,'@SUM(A1),0,");
        assert_eq!(rows[4], "-4.5,-1.25,e4,'\tx,0,");
        assert_eq!(rows[5], "-4.5,-1.25,e5,\"'\rx\",0,");
        assert_eq!(rows[6], "-4.5,-1.25,e6,a=b,0,", "only the first character counts");
        assert_eq!(rows[7], "-4.5,-1.25,e7,Lyon,0,");
    }

    #[test]
    fn output_csv_lines() {
        let mut r = Layer::new("rivers", GeometryType::MultiLineString);
        let line = geo::LineString::from(vec![(30.0, 10.0), (32.0, 10.0)]);
        r.push("r1", Geometry::MultiLineString(geo::MultiLineString(vec![line])), AreaRow { n: 1 });
        let t = text(&r);
        assert!(t.ends_with(",r1,1,\"MULTILINESTRING((30 10,32 10))\"\r\n"), "{t}");
        assert!(t.starts_with("lon,lat,id,n,wkt\r\n"), "{t}");
    }
}
