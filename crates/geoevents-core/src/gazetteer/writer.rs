//! Writes a gazetteer file (layout in `layout.rs`) from place records.
//!
//! Used by `build.rs` for the built-in gazetteer and by `gazetteer import`
//! for GeoNames dumps of any size: records stream to temporary files in the
//! destination folder (our locked temporaries, see `crate::atomic`), only
//! the folded names are held in memory (one byte arena plus 12 bytes a
//! name), and the result is renamed into place at the end, so a failed build
//! never leaves a half-written gazetteer. Each section's checksum is
//! computed as it is written (layout in `layout.rs`).

use super::layout::*;
use super::record::{Kind, NameKind, PlaceRecord, AREA_PREFIXES, AREA_SUFFIXES};
use crate::atomic::{temporary_beside, AtomicFile};
use crate::text::fold;
use std::io::{self, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

#[derive(Clone, Copy)]
struct NameEntry {
    key_off: u32,
    key_len: u16,
    kind: u8,
    record: u32,
}

/// Counts reported after a build.
#[derive(Debug, Default, Clone)]
pub struct BuildStats {
    /// Places written.
    pub records: u64,
    /// Name entries indexed, before equal keys are merged (empty keys and keys over 255 bytes are dropped).
    pub names: u64,
    /// Distinct folded names in the name index (its fst keys).
    pub keys: u64,
    /// Places per kind, indexed by `Kind as usize` (the order of [`Kind::ALL`]).
    pub by_kind: [u64; 8],
}

/// Streams place records into a new gazetteer file: [`add`](Self::add) them,
/// then [`finish`](Self::finish); dropped unfinished, it leaves no file behind.
pub struct GazetteerWriter {
    out_path: PathBuf,
    /// The temporaries are removed when the writer is dropped.
    core: BufWriter<NamedTempFile>,
    blob: BufWriter<NamedTempFile>,
    core_crc: crc32fast::Hasher,
    blob_crc: crc32fast::Hasher,
    blob_len: u64,
    arena: Vec<u8>,
    names: Vec<NameEntry>,
    stats: BuildStats,
    key: String,
}

impl GazetteerWriter {
    /// Starts a gazetteer that [`finish`](Self::finish) will write to `out_path`.
    pub fn create(out_path: &Path) -> io::Result<Self> {
        Ok(GazetteerWriter {
            out_path: out_path.to_path_buf(),
            core: BufWriter::with_capacity(1 << 20, temporary_beside(out_path)?),
            blob: BufWriter::with_capacity(1 << 20, temporary_beside(out_path)?),
            core_crc: crc32fast::Hasher::new(),
            blob_crc: crc32fast::Hasher::new(),
            blob_len: 0,
            arena: Vec::new(),
            names: Vec::new(),
            stats: BuildStats::default(),
            key: String::new(),
        })
    }

    /// The counts so far; `records` is also the index the next added record will get.
    pub fn stats(&self) -> &BuildStats {
        &self.stats
    }

    /// Adds one place and all its names.
    pub fn add(&mut self, rec: &PlaceRecord) -> io::Result<()> {
        let index = u32::try_from(self.stats.records).map_err(|_| io::Error::other("more than 4 billion records"))?;
        let mut core = [0u8; CORE_SIZE];
        core[0..8].copy_from_slice(&rec.lat.to_le_bytes());
        core[8..16].copy_from_slice(&rec.lon.to_le_bytes());
        core[16..24].copy_from_slice(&rec.population.to_le_bytes());
        let blob_off = u32::try_from(self.blob_len).map_err(|_| io::Error::other("string blob over 4 GB"))?;
        core[24..28].copy_from_slice(&blob_off.to_le_bytes());
        core[28] = rec.kind as u8;
        let cc = rec.country_code.as_bytes();
        if cc.len() == 2 {
            core[29..31].copy_from_slice(cc);
        }
        self.core.write_all(&core)?;
        self.core_crc.update(&core);
        for s in [&rec.id, &rec.name, &rec.feature_code, &rec.admin1_code, &rec.admin1_name, &rec.iso_code] {
            let bytes = truncate_utf8(s, u16::MAX as usize).as_bytes();
            let len = (bytes.len() as u16).to_le_bytes();
            self.blob.write_all(&len)?;
            self.blob.write_all(bytes)?;
            self.blob_crc.update(&len);
            self.blob_crc.update(bytes);
            self.blob_len += 2 + bytes.len() as u64;
        }
        self.stats.records += 1;
        self.stats.by_kind[rec.kind as usize] += 1;

        let is_area = matches!(rec.kind, Kind::Admin1 | Kind::Admin2 | Kind::Region | Kind::Country);
        let is_subdivision = matches!(rec.kind, Kind::Admin1 | Kind::Admin2);
        self.add_name(&rec.name, NameKind::Main, index, is_area);
        let demonym_keys: Vec<String> = rec.demonyms.iter().map(|d| fold::fold(d)).collect();
        for alt in &rec.alt_names {
            // "Syrian" listed among Syria's alternate names is still a demonym.
            if demonym_keys.contains(&fold::fold(alt)) {
                continue;
            }
            // A province's alternate name without its type word ("Halab" for
            // Aleppo Governorate) is usually its capital's name: it counts as
            // a shortened name, so the city keeps that bare name.
            let kind = if is_subdivision && strip_area_words(&fold::fold(alt)).is_none() {
                NameKind::Shortened
            } else {
                NameKind::Alternate
            };
            self.add_name(alt, kind, index, is_area);
        }
        for d in &rec.demonyms {
            self.add_name(d, NameKind::Demonym, index, false);
        }
        Ok(())
    }

    /// Adds a name to a record added earlier (alternate-name tables).
    pub fn add_alternate_name(&mut self, record: u32, name: &str) {
        self.add_name(name, NameKind::Alternate, record, false);
    }

    fn add_name(&mut self, name: &str, kind: NameKind, record: u32, is_area: bool) {
        let key = fold::fold(name);
        self.push_key(&key, kind, record);
        if is_area {
            if let Some(short) = strip_area_words(&key) {
                self.push_key(short, NameKind::Shortened, record);
            }
        }
    }

    fn push_key(&mut self, key: &str, kind: NameKind, record: u32) {
        if key.is_empty() || key.len() > 255 {
            return;
        }
        self.key.clear();
        self.key.push_str(key);
        let key_off = self.arena.len() as u32;
        self.arena.extend_from_slice(self.key.as_bytes());
        self.names.push(NameEntry { key_off, key_len: key.len() as u16, kind: kind as u8, record });
        self.stats.names += 1;
    }

    /// Sorts the names, builds the index and writes the file atomically.
    pub fn finish(mut self, meta_json: &str) -> io::Result<BuildStats> {
        let arena = std::mem::take(&mut self.arena);
        let mut names = std::mem::take(&mut self.names);
        let key_of = |e: &NameEntry| &arena[e.key_off as usize..e.key_off as usize + e.key_len as usize];
        names.sort_unstable_by(|a, b| key_of(a).cmp(key_of(b)).then(a.record.cmp(&b.record)).then(a.kind.cmp(&b.kind)));

        let mut postings: Vec<u8> = Vec::new();
        let fst_file = {
            let fst_file = BufWriter::with_capacity(1 << 20, temporary_beside(&self.out_path)?);
            let mut map = fst::MapBuilder::new(fst_file).map_err(io::Error::other)?;
            let mut group: Vec<(u32, u8)> = Vec::new();
            let mut i = 0;
            while i < names.len() {
                let key = key_of(&names[i]);
                group.clear();
                while i < names.len() && key_of(&names[i]) == key {
                    let e = names[i];
                    // Sorted by record then kind: the first entry of a record is its best
                    // name kind, except that a demonym stays a demonym ("Syrian" is also
                    // "Syrian Region" shortened).
                    match group.last_mut() {
                        Some(g) if g.0 == e.record => {
                            if e.kind == NameKind::Demonym as u8 {
                                g.1 = e.kind;
                            }
                        }
                        _ => group.push((e.record, e.kind)),
                    }
                    i += 1;
                }
                let value = if group.len() == 1 {
                    INLINE_FLAG | (u64::from(group[0].0) << 8) | u64::from(group[0].1)
                } else {
                    let off = postings.len() as u64;
                    postings.extend_from_slice(&(group.len() as u32).to_le_bytes());
                    for (r, k) in &group {
                        postings.extend_from_slice(&r.to_le_bytes());
                        postings.push(*k);
                    }
                    off
                };
                map.insert(key, value).map_err(io::Error::other)?;
                self.stats.keys += 1;
            }
            map.into_inner().map_err(io::Error::other)?.into_inner().map_err(io::IntoInnerError::into_error)?
        };
        drop(names);
        drop(arena);
        let stats = self.stats.clone();
        self.assemble(fst_file, &postings, meta_json)?;
        Ok(stats)
    }

    fn assemble(self, mut fst_file: NamedTempFile, postings: &[u8], meta_json: &str) -> io::Result<()> {
        let mut core = self.core.into_inner().map_err(io::IntoInnerError::into_error)?;
        let mut blob = self.blob.into_inner().map_err(io::IntoInnerError::into_error)?;
        let core_len = self.stats.records * CORE_SIZE as u64;
        let fst_len = fst_file.as_file().metadata()?.len();
        let core_off = HEADER_SIZE as u64;
        let blob_off = core_off + core_len;
        let fst_off = blob_off + self.blob_len;
        let postings_off = fst_off + fst_len;
        let meta_off = postings_off + postings.len() as u64;
        let fields = [
            self.stats.records,
            core_off,
            blob_off,
            self.blob_len,
            fst_off,
            fst_len,
            postings_off,
            postings.len() as u64,
            meta_off,
            meta_json.len() as u64,
            u64::from(self.core_crc.finalize()),
            u64::from(self.blob_crc.finalize()),
            u64::from(crc32fast::hash(postings)),
            u64::from(crc32fast::hash(meta_json.as_bytes())),
        ];
        let mut header = Vec::with_capacity(HEADER_SIZE);
        header.extend_from_slice(MAGIC);
        for f in fields {
            header.extend_from_slice(&f.to_le_bytes());
        }
        let header_crc = crc32fast::hash(&header);
        header.extend_from_slice(&u64::from(header_crc).to_le_bytes());
        debug_assert_eq!(header.len(), HEADER_SIZE);

        // Dropped on error, the output's temporary is removed (and the parts with it).
        let mut out = AtomicFile::create(&self.out_path)?;
        out.write_all(&header)?;
        for part in [&mut core, &mut blob, &mut fst_file] {
            part.rewind()?;
            io::copy(part, &mut out)?;
        }
        out.write_all(postings)?;
        out.write_all(meta_json.as_bytes())?;
        out.commit()
    }
}

fn truncate_utf8(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The folded name of an area without its type word: "hama governorate" ->
/// "hama", "muhafazat hama" -> "hama". None when there is no such word or
/// nothing would remain.
pub fn strip_area_words(key: &str) -> Option<&str> {
    for suffix in AREA_SUFFIXES {
        if let Some(rest) = key.strip_suffix(suffix) {
            if let Some(rest) = rest.strip_suffix(' ') {
                if !rest.is_empty() {
                    return Some(rest);
                }
            }
        }
    }
    for prefix in AREA_PREFIXES {
        if let Some(rest) = key.strip_prefix(prefix) {
            if let Some(rest) = rest.strip_prefix(' ') {
                if !rest.is_empty() {
                    return Some(rest);
                }
            }
        }
    }
    None
}
