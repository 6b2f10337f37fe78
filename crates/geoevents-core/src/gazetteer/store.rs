//! Read access to a gazetteer file (layout in `layout.rs`), zero-copy over
//! bytes that are either embedded in the binary or memory-mapped.
//!
//! [`Store::parse`] checks the whole file once, so that no accessor can
//! fail or panic afterwards: the header and its checksum, that every section
//! lies inside the file, every section's checksum (the fst's own one
//! included), every record (kind byte, country code, finite coordinates in
//! range, its strings inside the blob, in order, as UTF-8), every postings
//! list (inside its section, record indices below the record count, known
//! name kinds). The values of the name index are covered by the fst's
//! checksum, and [`Store::postings_of`] keeps even a forged one inside the
//! postings and the records. The cost is one pass over the file, spread over
//! the cores: see the README ("Performance").

use super::layout::*;
use super::record::{Kind, NameKind};
use rayon::prelude::*;

/// What is wrong with a gazetteer file. Names the section and, where there
/// is one, the record or the byte offset.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The file does not start with `GEOGAZ\0` (or is shorter than 8 bytes).
    #[error("not a geoevents gazetteer file (wrong magic bytes)")]
    WrongMagic,
    /// A gazetteer of another format version.
    #[error(
        "gazetteer format version {found}, this geoevents reads version {VERSION}: import the dump again \
         with `geoevents gazetteer import`"
    )]
    Version {
        /// The version byte of the file (this code reads [`VERSION`]).
        found: u8,
    },
    /// Shorter than the header.
    #[error("truncated: {len} bytes, shorter than the {HEADER_SIZE}-byte header")]
    TooShort {
        /// The file's length in bytes.
        len: usize,
    },
    /// The header's CRC-32 does not match its fields.
    #[error("the header checksum does not match (damaged header)")]
    HeaderChecksum,
    /// A section that overlaps the header or runs past the end of the file.
    #[error("the {section} section ({len} bytes at offset {off}) lies outside the {file_len}-byte file (truncated?)")]
    OutOfBounds {
        /// The section's name in messages (`record`, `string`, `name index`, ...).
        section: &'static str,
        /// Its byte offset from the start of the file, as the header says.
        off: u64,
        /// Its length in bytes, as the header says.
        len: u64,
        /// The file's length in bytes.
        file_len: usize,
    },
    /// A section whose CRC-32 differs from the one in the header.
    #[error("the {section} section's checksum does not match (damaged file)")]
    Checksum {
        /// The section's name in messages (`record`, `string`, `postings`, `metadata`).
        section: &'static str,
    },
    /// One record that is inconsistent (coordinates, kind byte, country code, strings).
    #[error("record {index}: {problem}")]
    Record {
        /// The 0-based record index.
        index: u32,
        /// What is wrong with it.
        problem: String,
    },
    /// Bytes in the string section that no record owns.
    #[error("the string section has {extra} bytes after the last record's strings")]
    BlobTail {
        /// How many bytes are left over.
        extra: usize,
    },
    /// The name index is not a valid fst map, or its own checksum fails.
    #[error("name index: {0}")]
    Fst(#[from] fst::Error),
    /// A postings list that is short, runs past its section or names a record or name kind that does not exist.
    #[error("postings at byte {off}: {problem}")]
    Postings {
        /// The list's byte offset within the postings section.
        off: usize,
        /// What is wrong with it.
        problem: String,
    },
    /// The metadata section is not UTF-8, or not JSON (the parser's message).
    #[error("the metadata is not UTF-8 JSON: {0}")]
    Meta(String),
    /// The header's record count does not fit a u32 record index.
    #[error("{0} records: more than a gazetteer can index (4 billion)")]
    TooManyRecords(u64),
}

/// A place as stored: the strings borrow from the gazetteer bytes.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    /// The record's index in its [`Store`] (below [`Store::len`]); meaningless in another gazetteer.
    pub index: u32,
    /// Stable id: `geonames:170063`, `region:kurdistan-region`, `ne:IQ-AR`.
    pub id: &'a str,
    /// The preferred name (UTF-8), as the gazetteer's source spells it.
    pub name: &'a str,
    /// What sort of place it is.
    pub kind: Kind,
    /// GeoNames feature code (PPLA, ADM1, PCLI, RGN, ...).
    pub feature_code: &'a str,
    /// ISO 3166-1 alpha-2, empty when the place spans countries.
    pub country_code: &'a str,
    /// GeoNames admin1 key, `CC.CODE` (`SY.09`); empty when there is none.
    pub admin1_code: &'a str,
    /// The first-level region's name; empty when unknown.
    pub admin1_name: &'a str,
    /// ISO 3166-1 alpha-3 (countries) or ISO 3166-2 (first-level regions); empty otherwise or when unknown.
    pub iso_code: &'a str,
    /// Latitude, WGS 84 degrees in [-90, 90] (checked at open), not rounded.
    pub lat: f64,
    /// Longitude, WGS 84 degrees in [-180, 180] (checked at open), not rounded.
    pub lon: f64,
    /// Inhabitants as the source gives them; 0 when unknown.
    pub population: u64,
}

/// One entry of a name's posting list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// The place's record index in the [`Store`] (below [`Store::len`]; see [`Store::place`]).
    pub record: u32,
    /// How the name belongs to that place: its best (lowest) kind, except that a demonym stays a demonym.
    pub name_kind: NameKind,
}

/// A gazetteer file's sections, checked and borrowed for the life of the
/// process: records by index (`0..len()`), and the name index from folded
/// names ([`crate::text::fold`]) to postings.
pub struct Store {
    record_count: u32,
    core: &'static [u8],
    blob: &'static [u8],
    fst: fst::Map<&'static [u8]>,
    postings: &'static [u8],
    meta: &'static str,
    size: usize,
}

/// Records checked by one parallel task.
const RECORD_CHUNK: usize = 1 << 16;
/// Below this size a file is checked on the calling thread: the built-in
/// gazetteer opens faster without waking the thread pool.
const PARALLEL_FROM: usize = 64 << 20;

fn u64_at(b: &[u8], off: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[off..off + 8]);
    u64::from_le_bytes(a)
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[off..off + 4]);
    u32::from_le_bytes(a)
}

fn f64_at(b: &[u8], off: usize) -> f64 {
    f64::from_bits(u64_at(b, off))
}

fn name_kind(byte: u8) -> Option<NameKind> {
    (byte <= NameKind::Demonym as u8).then(|| NameKind::from_u8(byte))
}

/// The CRC-32 of the magic and the header fields before `header_crc`.
pub fn header_crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(&bytes[..8 + 8 * HEADER_CRC_FIELD])
}

fn both<A: Send, B: Send>(parallel: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if parallel {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}

impl Store {
    /// Checks `bytes` as a gazetteer file (see the module docs) and opens it.
    pub fn parse(bytes: &'static [u8]) -> Result<Store, FormatError> {
        let (store, crcs) = Store::parse_layout(bytes)?;
        let parallel = bytes.len() >= PARALLEL_FROM;
        let crc_ok = |data: &[u8], expected: u64| expected == u64::from(crc32fast::hash(data));
        let ((core_ok, blob_ok), ((postings_ok, meta_ok), fst_ok)) = both(
            parallel,
            || both(parallel, || crc_ok(store.core, crcs[0]), || crc_ok(store.blob, crcs[1])),
            || {
                both(
                    parallel,
                    || (crc_ok(store.postings, crcs[2]), crc_ok(store.meta.as_bytes(), crcs[3])),
                    || store.fst.as_fst().verify(),
                )
            },
        );
        for (ok, section) in
            [(core_ok, "record"), (blob_ok, "string"), (postings_ok, "postings"), (meta_ok, "metadata")]
        {
            if !ok {
                return Err(FormatError::Checksum { section });
            }
        }
        fst_ok?;
        serde_json::from_str::<serde::de::IgnoredAny>(store.meta).map_err(|e| FormatError::Meta(e.to_string()))?;
        let (records_ok, names_ok) = both(parallel, || store.check_records(parallel), || store.check_postings());
        records_ok?;
        names_ok?;
        Ok(store)
    }

    /// Opens bytes known to be good (the built-in gazetteer, which a test
    /// checks with [`parse`](Self::parse)): only the header and the section
    /// bounds are checked.
    pub fn parse_trusted(bytes: &'static [u8]) -> Result<Store, FormatError> {
        Store::parse_layout(bytes).map(|(store, _)| store)
    }

    /// The header, its checksum and the section bounds; the sections'
    /// checksums from the header.
    fn parse_layout(bytes: &'static [u8]) -> Result<(Store, [u64; 4]), FormatError> {
        if bytes.len() < 8 || &bytes[..7] != MAGIC_PREFIX {
            return Err(FormatError::WrongMagic);
        }
        if bytes[7] != VERSION {
            return Err(FormatError::Version { found: bytes[7] });
        }
        if bytes.len() < HEADER_SIZE {
            return Err(FormatError::TooShort { len: bytes.len() });
        }
        let field = |i: usize| u64_at(bytes, 8 + 8 * i);
        if field(HEADER_CRC_FIELD) != u64::from(header_crc(bytes)) {
            return Err(FormatError::HeaderChecksum);
        }
        let records = field(0);
        let record_count = u32::try_from(records).map_err(|_| FormatError::TooManyRecords(records))?;
        let section = |section: &'static str, off: u64, len: u64| -> Result<&'static [u8], FormatError> {
            let bounds = usize::try_from(off)
                .ok()
                .zip(usize::try_from(len).ok())
                .and_then(|(o, l)| Some(o..o.checked_add(l)?))
                .filter(|r| r.start >= HEADER_SIZE && r.end <= bytes.len());
            match bounds {
                Some(r) => Ok(&bytes[r]),
                None => Err(FormatError::OutOfBounds { section, off, len, file_len: bytes.len() }),
            }
        };
        let core_len = records.saturating_mul(CORE_SIZE as u64);
        let core = section("record", field(1), core_len)?;
        let blob = section("string", field(2), field(3))?;
        let fst = fst::Map::new(section("name index", field(4), field(5))?)?;
        let postings = section("postings", field(6), field(7))?;
        let meta = std::str::from_utf8(section("metadata", field(8), field(9))?)
            .map_err(|e| FormatError::Meta(e.to_string()))?;
        let crcs = [0, 1, 2, 3].map(|i| field(CRC_FIELDS_START + i));
        Ok((Store { record_count, core, blob, fst, postings, meta, size: bytes.len() }, crcs))
    }

    /// Every record: its core fields, and its strings, which follow the
    /// previous record's in the blob and end where the next record's begin.
    fn check_records(&self, parallel: bool) -> Result<(), FormatError> {
        let n = self.record_count as usize;
        let chunk = |start: usize| -> Result<(), FormatError> {
            let end = (start + RECORD_CHUNK).min(n);
            let mut pos = if start < n { u32_at(self.core(start as u32), 24) as usize } else { 0 };
            for i in start..end {
                pos = self.check_record(i as u32, pos)?;
            }
            let expected = if end < n { u32_at(self.core(end as u32), 24) as usize } else { self.blob.len() };
            if end < n && pos != expected {
                return Err(FormatError::Record {
                    index: end as u32,
                    problem: format!("strings start at byte {expected} of the string section, expected {pos}"),
                });
            }
            if end == n && pos != expected {
                return Err(FormatError::BlobTail { extra: expected.saturating_sub(pos) });
            }
            Ok(())
        };
        if n == 0 {
            return if self.blob.is_empty() { Ok(()) } else { Err(FormatError::BlobTail { extra: self.blob.len() }) };
        }
        if u32_at(self.core(0), 24) != 0 {
            return Err(FormatError::Record { index: 0, problem: "strings do not start the string section".into() });
        }
        let starts: Vec<usize> = (0..n).step_by(RECORD_CHUNK).collect();
        if parallel {
            starts.into_par_iter().try_for_each(chunk)
        } else {
            starts.into_iter().try_for_each(chunk)
        }
    }

    /// Checks record `i`, whose strings must start at `pos`; where they end.
    fn check_record(&self, i: u32, pos: usize) -> Result<usize, FormatError> {
        let bad = |problem: String| FormatError::Record { index: i, problem };
        let c = self.core(i);
        let (lat, lon) = (f64_at(c, 0), f64_at(c, 8));
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(bad(format!("coordinates {lat},{lon} are not a point on Earth")));
        }
        if c[28] as usize >= Kind::ALL.len() {
            return Err(bad(format!("unknown kind byte {}", c[28])));
        }
        let cc = &c[29..31];
        if !(cc == [0, 0] || cc.iter().all(u8::is_ascii_alphanumeric)) {
            return Err(bad(format!("country code bytes {cc:?} are not two letters")));
        }
        let start = u32_at(c, 24) as usize;
        if start != pos {
            return Err(bad(format!("strings start at byte {start} of the string section, expected {pos}")));
        }
        let mut off = pos;
        for s in 0..BLOB_STRINGS {
            let len = self
                .blob
                .get(off..off + 2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)
                .ok_or_else(|| bad(format!("string {s} at byte {off} runs past the string section")))?;
            let text = self
                .blob
                .get(off + 2..off + 2 + len)
                .ok_or_else(|| bad(format!("string {s} at byte {off} runs past the string section")))?;
            // Most names are ASCII: that test is much cheaper than a full UTF-8 check.
            if !text.is_ascii() {
                std::str::from_utf8(text).map_err(|e| bad(format!("string {s} at byte {off} is not UTF-8: {e}")))?;
            }
            off += 2 + len;
        }
        Ok(off)
    }

    /// Every postings list, in order and without gaps. (The values of the
    /// name index are covered by its checksum but not enumerated: walking 15
    /// million keys would cost more than every other check together; see
    /// [`postings_of`](Self::postings_of).)
    fn check_postings(&self) -> Result<(), FormatError> {
        let n = self.record_count;
        let mut off = 0;
        while off < self.postings.len() {
            let bad = |problem: String| FormatError::Postings { off, problem };
            let count = self.postings.get(off..off + 4).map(|b| u32_at(b, 0) as usize);
            let count = count.ok_or_else(|| bad("the count runs past the section".into()))?;
            if count < 2 {
                return Err(bad(format!("a list of {count} postings (one is stored inline, none is not stored)")));
            }
            let end = count
                .checked_mul(POSTING_SIZE)
                .and_then(|l| (off + 4).checked_add(l))
                .filter(|e| *e <= self.postings.len())
                .ok_or_else(|| bad(format!("{count} postings run past the section")))?;
            for p in (off + 4..end).step_by(POSTING_SIZE) {
                let record = u32_at(self.postings, p);
                if record >= n {
                    return Err(bad(format!("record {record} does not exist ({n} records)")));
                }
                if name_kind(self.postings[p + 4]).is_none() {
                    return Err(bad(format!("unknown name kind byte {}", self.postings[p + 4])));
                }
            }
            off = end;
        }
        Ok(())
    }

    /// The number of records (places); record indices run from 0 to this, exclusive.
    pub fn len(&self) -> u32 {
        self.record_count
    }

    /// True when the file has no records (`gazetteer import` refuses to write such a file).
    pub fn is_empty(&self) -> bool {
        self.record_count == 0
    }

    /// The size of the whole gazetteer file in bytes.
    pub fn size_bytes(&self) -> usize {
        self.size
    }

    /// The metadata section: JSON describing the sources and counts (checked to parse by [`Store::parse`] only).
    pub fn meta_json(&self) -> &'static str {
        self.meta
    }

    /// The number of distinct folded names (keys) in the name index.
    pub fn name_count(&self) -> usize {
        self.fst.len()
    }

    /// The name index: folded name to a value that [`Store::postings_of`] decodes (the fuzzy lookup walks it).
    pub fn fst(&self) -> &fst::Map<&'static [u8]> {
        &self.fst
    }

    /// Record `i`'s core bytes. `i` must be below [`len`](Self::len), as every
    /// index handed out by the store is.
    fn core(&self, i: u32) -> &'static [u8] {
        let off = i as usize * CORE_SIZE;
        &self.core[off..off + CORE_SIZE]
    }

    /// Record `i`'s (latitude, longitude) in WGS 84 degrees, unrounded. Panics if `i >= len()`.
    pub fn lat_lon(&self, i: u32) -> (f64, f64) {
        let c = self.core(i);
        (f64_at(c, 0), f64_at(c, 8))
    }

    /// Record `i`'s population; 0 when unknown. Panics if `i >= len()`.
    pub fn population(&self, i: u32) -> u64 {
        u64_at(self.core(i), 16)
    }

    /// Record `i`'s kind, read without decoding its strings. Panics if `i >= len()`.
    pub fn kind(&self, i: u32) -> Kind {
        Kind::from_u8(self.core(i)[28])
    }

    /// Record `i`'s ISO 3166-1 alpha-2 code, or `""` when the place spans countries. Panics if `i >= len()`.
    pub fn country_code(&self, i: u32) -> &'static str {
        let c = self.core(i);
        if c[29] == 0 {
            ""
        } else {
            // Checked at open: two ASCII letters or digits.
            std::str::from_utf8(&c[29..31]).unwrap_or_default()
        }
    }

    /// Record `i` whole, its strings borrowed from the file. Panics if `i >= len()`.
    pub fn place(&self, i: u32) -> Place<'static> {
        let c = self.core(i);
        let mut off = u32_at(c, 24) as usize;
        let mut strings = [""; BLOB_STRINGS];
        for s in &mut strings {
            // In the blob and UTF-8: checked at open.
            let len = u16::from_le_bytes([self.blob[off], self.blob[off + 1]]) as usize;
            *s = std::str::from_utf8(&self.blob[off + 2..off + 2 + len]).unwrap_or_default();
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
    ///
    /// Every value written by the writer is a real posting, the fst's
    /// checksum proves the values are the ones written, and every postings
    /// list was checked at open. A value that is not (only a file forged
    /// with a recomputed fst checksum can have one) gives the postings that
    /// exist and nothing past the section or the records, never a panic.
    pub fn postings_of(&self, value: u64, out: &mut Vec<Posting>) {
        let n = u64::from(self.record_count);
        if value & INLINE_FLAG != 0 {
            let record = (value & !INLINE_FLAG) >> 8;
            if record < n {
                out.push(Posting { record: record as u32, name_kind: NameKind::from_u8(value as u8) });
            }
            return;
        }
        let Some(list) = usize::try_from(value).ok().and_then(|off| self.postings.get(off..)) else { return };
        let count = list.get(..4).map_or(0, |b| u32_at(b, 0) as usize);
        for entry in list[4.min(list.len())..].chunks_exact(POSTING_SIZE).take(count) {
            let record = u32_at(entry, 0);
            if u64::from(record) < n {
                out.push(Posting { record, name_kind: NameKind::from_u8(entry[4]) });
            }
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
