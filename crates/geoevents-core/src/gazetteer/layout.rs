//! The byte layout of a gazetteer file, shared by the writer (also compiled
//! into `build.rs`) and the reader. All integers little-endian.
//!
//! ```text
//! header   MAGIC (8 bytes), then HEADER_FIELDS u64s:
//!          record_count, core_off, blob_off, blob_len, fst_off, fst_len,
//!          postings_off, postings_len, meta_off, meta_len
//! core     record_count x CORE_SIZE bytes: lat f64, lon f64, population u64,
//!          blob offset u32, kind u8, country code 2 bytes (ASCII, or 0 0), 1 spare
//! blob     per record, strings each as u16 length + UTF-8 bytes:
//!          id, name, feature_code, admin1_code, admin1_name, iso_code
//! fst      fst::Map from folded name (see text::fold) to a value:
//!          bit 63 set: one posting inline, (record << 8) | name kind;
//!          else an offset into postings
//! postings u32 count, then count x (u32 record, u8 name kind)
//! meta     UTF-8 JSON describing the sources and counts
//! ```

pub const MAGIC: &[u8; 8] = b"GEOGAZ\x00\x01";
pub const HEADER_FIELDS: usize = 10;
pub const HEADER_SIZE: usize = 8 + 8 * HEADER_FIELDS;
pub const CORE_SIZE: usize = 32;
pub const INLINE_FLAG: u64 = 1 << 63;
pub const POSTING_SIZE: usize = 5;
/// Strings in the blob, in this order.
pub const BLOB_STRINGS: usize = 6;
