//! Read access to a gazetteer file (layout in `layout.rs`), zero-copy over
//! bytes that are either embedded in the binary or memory-mapped.

use super::layout::*;
use super::record::{Kind, NameKind};
use std::fmt;

#[derive(Debug)]
pub struct FormatError(pub String);

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a geoevents gazetteer file: {}", self.0)
    }
}
impl std::error::Error for FormatError {}

/// A place as stored: the strings borrow from the gazetteer bytes.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub index: u32,
    pub id: &'a str,
    pub name: &'a str,
    pub kind: Kind,
    pub feature_code: &'a str,
    /// ISO 3166-1 alpha-2, empty when the place spans countries.
    pub country_code: &'a str,
    pub admin1_code: &'a str,
    pub admin1_name: &'a str,
    pub iso_code: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
}

/// One entry of a name's posting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub record: u32,
    pub name_kind: NameKind,
}

pub struct Store {
    record_count: u32,
    core: &'static [u8],
    blob: &'static [u8],
    fst: fst::Map<&'static [u8]>,
    postings: &'static [u8],
    meta: &'static str,
    size: usize,
}

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap_or([0; 8]))
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap_or([0; 4]))
}

impl Store {
    pub fn parse(bytes: &'static [u8]) -> Result<Store, FormatError> {
        if bytes.len() < HEADER_SIZE || &bytes[..8] != MAGIC {
            return Err(FormatError("wrong magic bytes (expected GEOGAZ version 1)".into()));
        }
        let field = |i: usize| u64_at(bytes, 8 + 8 * i) as usize;
        let (records, core_off, blob_off, blob_len) = (field(0), field(1), field(2), field(3));
        let (fst_off, fst_len, post_off, post_len, meta_off, meta_len) =
            (field(4), field(5), field(6), field(7), field(8), field(9));
        let section = |off: usize, len: usize, what: &str| -> Result<&'static [u8], FormatError> {
            off.checked_add(len)
                .filter(|end| *end <= bytes.len())
                .map(|end| &bytes[off..end])
                .ok_or_else(|| FormatError(format!("{what} section out of bounds (file truncated?)")))
        };
        let core = section(core_off, records.saturating_mul(CORE_SIZE), "record")?;
        let blob = section(blob_off, blob_len, "string")?;
        let fst_bytes = section(fst_off, fst_len, "name index")?;
        let postings = section(post_off, post_len, "postings")?;
        let meta = std::str::from_utf8(section(meta_off, meta_len, "metadata")?)
            .map_err(|_| FormatError("metadata is not UTF-8".into()))?;
        let fst = fst::Map::new(fst_bytes).map_err(|e| FormatError(format!("name index: {e}")))?;
        Ok(Store {
            record_count: u32::try_from(records).map_err(|_| FormatError("too many records".into()))?,
            core,
            blob,
            fst,
            postings,
            meta,
            size: bytes.len(),
        })
    }

    pub fn len(&self) -> u32 {
        self.record_count
    }

    pub fn is_empty(&self) -> bool {
        self.record_count == 0
    }

    pub fn size_bytes(&self) -> usize {
        self.size
    }

    pub fn meta_json(&self) -> &'static str {
        self.meta
    }

    pub fn name_count(&self) -> usize {
        self.fst.len()
    }

    pub fn fst(&self) -> &fst::Map<&'static [u8]> {
        &self.fst
    }

    fn core(&self, i: u32) -> &'static [u8] {
        let off = i as usize * CORE_SIZE;
        &self.core[off..off + CORE_SIZE]
    }

    pub fn lat_lon(&self, i: u32) -> (f64, f64) {
        let c = self.core(i);
        (
            f64::from_le_bytes(c[0..8].try_into().unwrap_or([0; 8])),
            f64::from_le_bytes(c[8..16].try_into().unwrap_or([0; 8])),
        )
    }

    pub fn population(&self, i: u32) -> u64 {
        u64_at(self.core(i), 16)
    }

    pub fn kind(&self, i: u32) -> Kind {
        Kind::from_u8(self.core(i)[28])
    }

    pub fn country_code(&self, i: u32) -> &'static str {
        let c = self.core(i);
        if c[29] == 0 {
            ""
        } else {
            std::str::from_utf8(&c[29..31]).unwrap_or("")
        }
    }

    pub fn place(&self, i: u32) -> Place<'static> {
        let c = self.core(i);
        let mut off = u32_at(c, 24) as usize;
        let mut strings = [""; BLOB_STRINGS];
        for s in &mut strings {
            let len = u16::from_le_bytes([self.blob[off], self.blob[off + 1]]) as usize;
            *s = std::str::from_utf8(&self.blob[off + 2..off + 2 + len]).unwrap_or("");
            off += 2 + len;
        }
        let (lat, lon) = self.lat_lon(i);
        Place {
            index: i,
            id: strings[0],
            name: strings[1],
            feature_code: strings[2],
            admin1_code: strings[3],
            admin1_name: strings[4],
            iso_code: strings[5],
            kind: self.kind(i),
            country_code: self.country_code(i),
            lat,
            lon,
            population: self.population(i),
        }
    }

    /// Decodes an fst value into its postings.
    pub fn postings_of(&self, value: u64, out: &mut Vec<Posting>) {
        if value & INLINE_FLAG != 0 {
            out.push(Posting {
                record: ((value & !INLINE_FLAG) >> 8) as u32,
                name_kind: NameKind::from_u8(value as u8),
            });
            return;
        }
        let off = value as usize;
        let n = u32_at(self.postings, off) as usize;
        for k in 0..n {
            let p = off + 4 + k * POSTING_SIZE;
            out.push(Posting { record: u32_at(self.postings, p), name_kind: NameKind::from_u8(self.postings[p + 4]) });
        }
    }

    /// All places whose folded name is exactly `key`.
    pub fn lookup(&self, key: &str, out: &mut Vec<Posting>) -> bool {
        match self.fst.get(key) {
            Some(v) => {
                self.postings_of(v, out);
                true
            }
            None => false,
        }
    }
}
