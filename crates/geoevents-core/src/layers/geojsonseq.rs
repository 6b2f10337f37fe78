//! GeoJSON Text Sequences (RFC 8142): one GeoJSON Feature per record.
//!
//! Each record is the ASCII record separator `0x1E`, one RFC 7946 Feature
//! (the same bytes the FeatureCollection writer produces for it) and a line
//! feed (RFC 8142 §2, RFC 7464 §2.2). GDAL reads these files with its
//! GeoJSONSeq driver (file extension `.geojsons`). The `geojson` crate has no
//! sequence writer; the framing is these three bytes around its features.
//!
//! An empty layer would be a zero-byte file: valid RFC 8142, but GDAL cannot
//! open it ("not recognized as a supported file format"), and neither can
//! QGIS. [`crate::layers::write_layers`] therefore writes no sequence file for
//! an empty layer and removes a stale one left by an earlier run.

use super::layer::AnyLayer;
use std::io::{self, Write};

/// The RFC 7464 record separator that starts every record.
pub const RS: u8 = 0x1E;

/// Writes every feature of `layer` as an RFC 8142 record
/// (`0x1E`, Feature, `\n`). Writes nothing for an empty layer.
pub fn write_geojsonseq<W: Write>(mut out: W, layer: &dyn AnyLayer) -> io::Result<()> {
    let mut buf = Vec::with_capacity(1024);
    for i in 0..layer.len() {
        buf.clear();
        buf.push(RS);
        layer.push_geojson_feature(i, &mut buf)?;
        buf.push(b'\n');
        out.write_all(&buf)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::tests::{row, TestRow};
    use crate::layers::layer::{Geometry, GeometryType, Layer};

    #[test]
    fn output_geojsonseq_records() {
        let mut l = Layer::new("places", GeometryType::Point);
        for i in 0..2 {
            l.push(format!("p{i}"), Geometry::point(1.0, 2.0), row("2024-11-30"));
        }
        let mut out = Vec::new();
        write_geojsonseq(&mut out, &l).unwrap();
        let records: Vec<&[u8]> = out.split(|&b| b == RS).collect();
        assert_eq!(records.len(), 3);
        assert!(records[0].is_empty());
        let mut collection = Vec::new();
        crate::layers::geojson::write_geojson(&mut collection, &l).unwrap();
        let collection = String::from_utf8(collection).unwrap();
        for r in &records[1..] {
            assert_eq!(*r.last().unwrap(), b'\n');
            let v: serde_json::Value = serde_json::from_slice(r).unwrap();
            assert_eq!(v["type"], "Feature");
            // The same bytes as in the FeatureCollection.
            assert!(collection.contains(std::str::from_utf8(&r[..r.len() - 1]).unwrap()));
        }
        let mut empty = Vec::new();
        write_geojsonseq(&mut empty, &Layer::<TestRow>::new("x", GeometryType::Point)).unwrap();
        assert!(empty.is_empty());
    }
}
