//! Compiles the repository's `gazetteer/places.tsv` into the binary gazetteer
//! that is embedded in the library (see `src/gazetteer/mod.rs`). The writer and the name
//! folding are the library's own modules, included here by path, so the
//! built-in index and every lookup fold names the same way.

// A build script reports failure by panicking: expect is the right tool here.
#![allow(clippy::expect_used, clippy::unwrap_used)]

#[path = "src/atomic.rs"]
#[allow(dead_code)]
pub mod atomic;
#[path = "src/text/fold.rs"]
#[allow(dead_code)]
pub mod fold;
#[path = "src/gazetteer/layout.rs"]
pub mod layout;
#[path = "src/gazetteer/record.rs"]
#[allow(dead_code)]
pub mod record;
#[path = "src/gazetteer/writer.rs"]
#[allow(dead_code)]
pub mod writer;

// The same module paths as in the library, so the included files compile unchanged.
mod text {
    pub use super::fold;
}
mod gazetteer {
    pub use super::{record, writer};
}

use std::path::PathBuf;

/// The data, in the repository's top-level `gazetteer/` folder.
const PLACES_TSV: &str = "../../gazetteer/places.tsv";

fn main() {
    let tsv = PathBuf::from(PLACES_TSV);
    for watched in [
        PLACES_TSV,
        "src/atomic.rs",
        "src/text/fold.rs",
        "src/gazetteer/layout.rs",
        "src/gazetteer/record.rs",
        "src/gazetteer/writer.rs",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin.gaz");
    let text = std::fs::read_to_string(&tsv).unwrap_or_else(|e| panic!("cannot read {}: {e}", tsv.display()));
    let mut writer = gazetteer::writer::GazetteerWriter::create(&out).expect("create gazetteer");
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    assert_eq!(header.split('\t').collect::<Vec<_>>(), gazetteer::record::TSV_COLUMNS, "places.tsv header");
    // Ids are unique, as `gazetteer import` makes them: a place listed
    // twice would be returned twice by `geocode`.
    let mut ids = std::collections::HashMap::new();
    for (n, line) in lines.enumerate() {
        let rec = gazetteer::record::parse_tsv_line(line).unwrap_or_else(|e| panic!("places.tsv line {}: {e}", n + 2));
        if let Some(first) = ids.insert(rec.id.clone(), n + 2) {
            panic!("places.tsv line {}: id {} was given on line {first} already", n + 2, rec.id);
        }
        writer.add(&rec).expect("write record");
    }
    let s = writer.stats().clone();
    let kinds: Vec<String> = gazetteer::record::Kind::ALL
        .iter()
        .filter(|k| s.by_kind[**k as usize] > 0)
        .map(|k| format!("\"{}\":{}", k.as_str(), s.by_kind[*k as usize]))
        .collect();
    let meta = format!(
        "{{\"name\":\"built-in\",\"source\":\"gazetteer/places.tsv (GeoNames CC BY 4.0, Natural Earth public domain)\",\"records\":{},\"by_kind\":{{{}}}}}",
        s.records,
        kinds.join(",")
    );
    writer.finish(&meta).expect("finish gazetteer");
}
