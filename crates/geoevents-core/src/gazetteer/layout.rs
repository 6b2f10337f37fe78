//! The byte layout of a gazetteer file, shared by the writer (also compiled
//! into `build.rs`) and the reader. All integers little-endian.
//!
//! ```text
//! header   MAGIC (8 bytes), then HEADER_FIELDS u64s:
//!          record_count, core_off, blob_off, blob_len, fst_off, fst_len,
//!          postings_off, postings_len, meta_off, meta_len,
//!          core_crc, blob_crc, postings_crc, meta_crc, header_crc
//! core     record_count x CORE_SIZE bytes: lat f64, lon f64, population u64,
//!          blob offset u32, kind u8, country code 2 bytes (ASCII, or 0 0), 1 spare
//! blob     per record, in record order and without gaps, strings each as
//!          u16 length + UTF-8 bytes: id, name, feature_code, admin1_code,
//!          admin1_name, iso_code
//! fst      fst::Map from folded name (see text::fold) to a value:
//!          bit 63 set: one posting inline, (record << 8) | name kind;
//!          else an offset into postings. The fst carries its own checksum.
//! postings u32 count, then count x (u32 record, u8 name kind)
//! meta     UTF-8 JSON describing the sources and counts
//! ```
//!
//! The checksums are CRC-32 (IEEE, as zlib and `crc32fast` compute it) in
//! the low 32 bits of their field: one per section, and `header_crc` over
//! the magic and every header field before it. Readers check all of them,
//! and the structure, when a file is opened (see `store.rs`).

/// Version 2 added the checksums; version 1 files must be imported again.
pub const MAGIC: &[u8; 8] = b"GEOGAZ\x00\x02";
/// What every version's magic starts with (the last byte is the version).
pub const MAGIC_PREFIX: &[u8; 7] = b"GEOGAZ\x00";
/// The format version this code reads and writes: the last byte of [`MAGIC`].
pub const VERSION: u8 = 2;
/// The number of u64 fields after the magic (named in the module docs).
pub const HEADER_FIELDS: usize = 15;
/// The header in bytes: the 8-byte magic and the fields (128 bytes).
pub const HEADER_SIZE: usize = 8 + 8 * HEADER_FIELDS;
/// The index of the first checksum field, and of the header's own checksum.
pub const CRC_FIELDS_START: usize = 10;
/// The index of `header_crc`, the last field (0-based, after the magic).
pub const HEADER_CRC_FIELD: usize = 14;
/// Bytes per record in the core section (fields in the module docs).
pub const CORE_SIZE: usize = 32;
/// Bit 63 of a name-index value: set, the value is one posting inline,
/// `(record << 8) | name kind`; clear, a byte offset into the postings section.
pub const INLINE_FLAG: u64 = 1 << 63;
/// Bytes per posting in a postings list: u32 record index, u8 name kind.
pub const POSTING_SIZE: usize = 5;
/// Strings in the blob, in this order.
pub const BLOB_STRINGS: usize = 6;
