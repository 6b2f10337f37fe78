//! Writes a gazetteer file (layout in `layout.rs`) from place records.
//!
//! Used by `build.rs` for the built-in gazetteer and by `gazetteer import`
//! for GeoNames dumps of any size: records stream to temporary files in the
//! destination folder, only the folded names are held in memory (one byte
//! arena plus 12 bytes a name), and the result is renamed into place at the
//! end, so a failed build never leaves a half-written gazetteer.

use super::layout::*;
use super::record::{Kind, NameKind, PlaceRecord, AREA_PREFIXES, AREA_SUFFIXES};
use crate::text::fold;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

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
    pub records: u64,
    pub names: u64,
    pub keys: u64,
    pub by_kind: [u64; 8],
}

pub struct GazetteerWriter {
    out_path: PathBuf,
    core_path: PathBuf,
    blob_path: PathBuf,
    core: BufWriter<File>,
    blob: BufWriter<File>,
    blob_len: u64,
    arena: Vec<u8>,
    names: Vec<NameEntry>,
    stats: BuildStats,
    key: String,
}

fn tmp_sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(format!(".{}.{suffix}.tmp", std::process::id()));
    path.with_file_name(name)
}

impl GazetteerWriter {
    /// Starts a gazetteer that [`finish`](Self::finish) will write to `out_path`.
    pub fn create(out_path: &Path) -> io::Result<Self> {
        let core_path = tmp_sibling(out_path, "core");
        let blob_path = tmp_sibling(out_path, "blob");
        Ok(GazetteerWriter {
            out_path: out_path.to_path_buf(),
            core: BufWriter::with_capacity(1 << 20, File::create(&core_path)?),
            blob: BufWriter::with_capacity(1 << 20, File::create(&blob_path)?),
            core_path,
            blob_path,
            blob_len: 0,
            arena: Vec::new(),
            names: Vec::new(),
            stats: BuildStats::default(),
            key: String::new(),
        })
    }

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
        for s in [&rec.id, &rec.name, &rec.feature_code, &rec.admin1_code, &rec.admin1_name, &rec.iso_code] {
            let bytes = truncate_utf8(s, u16::MAX as usize).as_bytes();
            self.blob.write_all(&(bytes.len() as u16).to_le_bytes())?;
            self.blob.write_all(bytes)?;
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
        self.core.flush()?;
        self.blob.flush()?;
        let arena = std::mem::take(&mut self.arena);
        let mut names = std::mem::take(&mut self.names);
        let key_of = |e: &NameEntry| &arena[e.key_off as usize..e.key_off as usize + e.key_len as usize];
        names.sort_unstable_by(|a, b| key_of(a).cmp(key_of(b)).then(a.record.cmp(&b.record)).then(a.kind.cmp(&b.kind)));

        let fst_path = tmp_sibling(&self.out_path, "fst");
        let mut postings: Vec<u8> = Vec::new();
        {
            let fst_file = BufWriter::with_capacity(1 << 20, File::create(&fst_path)?);
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
            map.finish().map_err(io::Error::other)?;
        }
        drop(names);
        drop(arena);

        let result = self.assemble(&fst_path, &postings, meta_json);
        for p in [&self.core_path, &self.blob_path, &fst_path] {
            let _ = std::fs::remove_file(p);
        }
        result?;
        Ok(self.stats.clone())
    }

    fn assemble(&self, fst_path: &Path, postings: &[u8], meta_json: &str) -> io::Result<()> {
        let core_len = self.stats.records * CORE_SIZE as u64;
        let fst_len = std::fs::metadata(fst_path)?.len();
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
        ];
        let tmp = tmp_sibling(&self.out_path, "out");
        let write = || -> io::Result<()> {
            let mut out = BufWriter::with_capacity(1 << 20, File::create(&tmp)?);
            out.write_all(MAGIC)?;
            for f in fields {
                out.write_all(&f.to_le_bytes())?;
            }
            for part in [&self.core_path, &self.blob_path, &fst_path.to_path_buf()] {
                let mut f = File::open(part)?;
                f.rewind()?;
                io::copy(&mut (&mut f).take(u64::MAX), &mut out)?;
            }
            out.write_all(postings)?;
            out.write_all(meta_json.as_bytes())?;
            out.into_inner().map_err(std::io::IntoInnerError::into_error)?.sync_all()?;
            Ok(())
        };
        match write() {
            Ok(()) => std::fs::rename(&tmp, &self.out_path),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}

impl Drop for GazetteerWriter {
    fn drop(&mut self) {
        // Abandoned builds leave nothing behind; after finish these are gone already.
        let _ = std::fs::remove_file(&self.core_path);
        let _ = std::fs::remove_file(&self.blob_path);
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
