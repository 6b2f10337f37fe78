//! Reads the GeoNames dump format into a gazetteer file.
//!
//! Files are recognised by name: `admin1CodesASCII.txt` (admin1 names),
//! `countryInfo.txt` (ISO alpha-3 codes), `alternateNames*.txt` (extra names,
//! joined by geonameid), anything else is a 19-column place dump
//! (`allCountries.txt`, `cities500.txt`, a country file). The small tables are
//! read first, then the dumps, then alternate names.
//!
//! Every input must be UTF-8 text: a file that starts with a UTF-16 byte
//! order mark or has NUL bytes near the top is refused as a whole. A
//! malformed line is skipped and counted (or stops the import with
//! `strict`); an import in which no dump line is a valid place writes
//! nothing and fails. A geonameid given twice (the same place in two dump
//! files, say `cities500.txt` and `allCountries.txt`) is merged: the first
//! row is kept, the later ones are counted in
//! [`ImportReport::duplicates`] and skipped (with `strict`, refused).

use super::record::{Kind, PlaceRecord};
use super::writer::{BuildStats, GazetteerWriter};
use super::GazetteerError;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Columns of a GeoNames place dump line.
pub const DUMP_COLUMNS: usize = 19;

/// The import's errors are the gazetteer domain's.
pub type ImportError = GazetteerError;

/// How far into an input NUL bytes are looked for: text never has them.
const BINARY_PROBE: usize = 8 * 1024;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Records, names and keys written, as [`GazetteerWriter::finish`] counts them.
    pub build: BuildStats,
    /// Lines that were malformed and skipped, by file.
    pub skipped: Vec<(PathBuf, u64, String)>,
    /// Every malformed line skipped, in all inputs (`skipped` keeps only the first 20).
    pub skipped_total: u64,
    /// Alternate names joined to an imported place (codes and links such as `iata` or `link` not counted).
    pub alternate_names: u64,
    /// Dump rows whose geonameid an earlier row had: merged into that row.
    pub duplicates: u64,
    /// Lines read from the place dumps (comments and blank lines included).
    pub dump_lines: u64,
}

/// Which geonameids were seen: one bit each (GeoNames ids are below 20
/// million today, so this stays a few megabytes).
#[derive(Default)]
struct SeenIds(Vec<u64>);

impl SeenIds {
    /// Marks `id`; false if it was marked already.
    fn insert(&mut self, id: u32) -> bool {
        let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
        if word >= self.0.len() {
            self.0.resize((word + 1).next_power_of_two(), 0);
        }
        let fresh = self.0[word] & bit == 0;
        self.0[word] |= bit;
        fresh
    }
}

/// Refuses input that is not UTF-8 text, from its first bytes.
fn text_check(path: &Path, head: &[u8]) -> Result<(), GazetteerError> {
    let not_text = |message: String| GazetteerError::NotText { path: path.to_path_buf(), message };
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(not_text(
            "starts with a UTF-16 byte order mark; GeoNames files are UTF-8 (convert with `iconv -f UTF-16 -t UTF-8`)"
                .into(),
        ));
    }
    match memchr::memchr(0, &head[..head.len().min(BINARY_PROBE)]) {
        Some(at) => Err(not_text(format!(
            "looks binary or UTF-16 (NUL byte at byte offset {at}), not UTF-8 text; GeoNames files are UTF-8 text"
        ))),
        None => Ok(()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum FileRole {
    Admin1,
    CountryInfo,
    AlternateNames,
    Dump,
}

fn role_of(path: &Path) -> FileRole {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
    if name.starts_with("admin1codes") {
        FileRole::Admin1
    } else if name.starts_with("countryinfo") {
        FileRole::CountryInfo
    } else if name.starts_with("alternatenames") {
        FileRole::AlternateNames
    } else {
        FileRole::Dump
    }
}

/// How [`import`] treats bad input and reports progress.
pub struct ImportOptions {
    /// Stop at the first malformed line instead of skipping it.
    pub strict: bool,
    /// Called with bytes read so far, for progress display.
    pub progress: Option<Box<dyn Fn(u64) + Send>>,
}

/// What handling one line can give besides success.
enum LineError {
    /// Skipped and counted, or fatal with `strict`.
    Malformed(String),
    /// Stops the import.
    Fatal(GazetteerError),
}

/// Why a dump line is not a place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MalformedLine(pub String);

impl From<MalformedLine> for LineError {
    fn from(e: MalformedLine) -> Self {
        LineError::Malformed(e.0)
    }
}

impl From<String> for LineError {
    fn from(message: String) -> Self {
        LineError::Malformed(message)
    }
}

/// Reads each line of `path` as UTF-8, handing `(line number, line)` to `f`.
/// Invalid UTF-8 is a bad line like any other.
fn for_each_line(
    path: &Path,
    strict: bool,
    report: &mut ImportReport,
    progress: &Option<Box<dyn Fn(u64) + Send>>,
    mut f: impl FnMut(u64, &str) -> Result<(), LineError>,
) -> Result<u64, GazetteerError> {
    let io_err = |source| GazetteerError::Unreadable { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    text_check(path, reader.fill_buf().map_err(io_err)?)?;
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut read = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io_err)?;
        if n == 0 {
            return Ok(line_no);
        }
        line_no += 1;
        read += n as u64;
        if line_no.is_multiple_of(65536) {
            if let Some(p) = progress {
                p(read);
            }
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        let line = if line_no == 1 { buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf) } else { &buf[..] };
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let result = match std::str::from_utf8(line) {
            Ok(line) => f(line_no, line),
            Err(e) => Err(LineError::Malformed(format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()))),
        };
        if let Err(e) = result {
            let message = match e {
                LineError::Fatal(e) => return Err(e),
                LineError::Malformed(m) => m,
            };
            if strict {
                return Err(GazetteerError::BadLine { path: path.to_path_buf(), line: line_no, message });
            }
            report.skipped_total += 1;
            if report.skipped.len() < 20 {
                report.skipped.push((path.to_path_buf(), line_no, message));
            }
        }
    }
}

/// Parses one 19-column dump line. `admin1` maps `CC.CODE` to its name.
pub fn parse_dump_line(
    line: &str,
    admin1: &HashMap<String, String>,
    iso3: &HashMap<String, String>,
) -> Result<PlaceRecord, MalformedLine> {
    parse_dump_line_with_id(line, admin1, iso3).map(|(_, rec)| rec)
}

/// [`parse_dump_line`], with the geonameid as a number.
fn parse_dump_line_with_id(
    line: &str,
    admin1: &HashMap<String, String>,
    iso3: &HashMap<String, String>,
) -> Result<(u32, PlaceRecord), MalformedLine> {
    let bad = |m: String| MalformedLine(m);
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() != DUMP_COLUMNS {
        return Err(bad(format!("expected {DUMP_COLUMNS} tab-separated fields, found {}", f.len())));
    }
    let geonameid: u32 = f[0].parse().map_err(|_| bad(format!("geonameid {:?} is not a number below 2^32", f[0])))?;
    let lat: f64 = f[4].parse().map_err(|_| bad(format!("latitude {:?} is not a number", f[4])))?;
    let lon: f64 = f[5].parse().map_err(|_| bad(format!("longitude {:?} is not a number", f[5])))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(bad(format!("coordinates {lat},{lon} out of range")));
    }
    let population = match f[14] {
        "" => 0,
        p => p.parse().map_err(|_| bad(format!("population {p:?} is not a whole number")))?,
    };
    let kind = Kind::from_geonames(f[6], f[7]);
    let cc = f[8].to_string();
    let admin1_code = if f[10].is_empty() || cc.is_empty() { String::new() } else { format!("{cc}.{}", f[10]) };
    let admin1_name = admin1.get(&admin1_code).cloned().unwrap_or_default();
    let mut alt_names: Vec<String> = Vec::new();
    if f[2] != f[1] && !f[2].is_empty() {
        alt_names.push(f[2].to_string());
    }
    alt_names.extend(f[3].split(',').filter(|n| !n.is_empty() && *n != f[1]).map(str::to_string));
    let iso_code = match kind {
        Kind::Country => iso3.get(&cc).cloned().unwrap_or_default(),
        _ => String::new(),
    };
    Ok((
        geonameid,
        PlaceRecord {
            id: format!("geonames:{geonameid}"),
            name: f[1].to_string(),
            kind,
            feature_code: f[7].to_string(),
            country_code: cc,
            admin1_code,
            admin1_name,
            lat,
            lon,
            population,
            alt_names,
            demonyms: Vec::new(),
            iso_code,
        },
    ))
}

/// Imports `inputs` into a gazetteer file at `out`, written atomically.
pub fn import(inputs: &[PathBuf], out: &Path, opts: &ImportOptions) -> Result<ImportReport, GazetteerError> {
    let mut report = ImportReport::default();
    let mut by_role: HashMap<FileRole, Vec<&PathBuf>> = HashMap::new();
    for p in inputs {
        by_role.entry(role_of(p)).or_default().push(p);
    }
    let dumps = by_role.remove(&FileRole::Dump).unwrap_or_default();
    if dumps.is_empty() {
        return Err(GazetteerError::NoDump);
    }
    for p in inputs {
        std::fs::metadata(p).map_err(|source| GazetteerError::Unreadable { path: p.clone(), source })?;
    }

    let mut admin1: HashMap<String, String> = HashMap::new();
    for path in by_role.remove(&FileRole::Admin1).unwrap_or_default() {
        for_each_line(path, opts.strict, &mut report, &opts.progress, |_, line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 2 {
                return Err(format!("expected at least 2 tab-separated fields (code, name), found {}", f.len()).into());
            }
            admin1.insert(f[0].to_string(), f[1].to_string());
            Ok(())
        })?;
    }
    let mut iso3: HashMap<String, String> = HashMap::new();
    for path in by_role.remove(&FileRole::CountryInfo).unwrap_or_default() {
        for_each_line(path, opts.strict, &mut report, &opts.progress, |_, line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 5 {
                return Err(format!("expected at least 5 tab-separated fields, found {}", f.len()).into());
            }
            iso3.insert(f[0].to_string(), f[1].to_string());
            Ok(())
        })?;
    }

    let out_err = |source| GazetteerError::Write { path: out.to_path_buf(), source };
    let mut writer = GazetteerWriter::create(out).map_err(out_err)?;
    // geonameid -> record index, for joining alternate names.
    let mut ids: Vec<(u32, u32)> = Vec::new();
    let mut seen = SeenIds::default();
    let mut duplicates = 0u64;
    let mut dump_lines = 0u64;
    for path in &dumps {
        dump_lines += for_each_line(path, opts.strict, &mut report, &opts.progress, |_, line| {
            let (gid, rec) = parse_dump_line_with_id(line, &admin1, &iso3)?;
            if !seen.insert(gid) {
                if opts.strict {
                    return Err(format!("geonameid {gid} was given by an earlier row").into());
                }
                duplicates += 1;
                return Ok(());
            }
            ids.push((gid, writer.stats().records as u32));
            writer.add(&rec).map_err(|e| LineError::Fatal(out_err(e)))
        })?;
    }
    if writer.stats().records == 0 {
        let files: Vec<String> = dumps.iter().map(|p| p.display().to_string()).collect();
        return Err(GazetteerError::NoPlaces {
            files: files.join(", "),
            lines: dump_lines,
            skipped: report.skipped_total,
        });
    }
    report.duplicates = duplicates;
    report.dump_lines = dump_lines;
    ids.sort_unstable();

    let mut alternate_names = 0u64;
    for path in by_role.remove(&FileRole::AlternateNames).unwrap_or_default() {
        for_each_line(path, opts.strict, &mut report, &opts.progress, |_, line| {
            // alternateNameId, geonameid, isolanguage, name, isPreferred, isShort, isColloquial, isHistoric, from, to
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                return Err(format!("expected at least 4 tab-separated fields, found {}", f.len()).into());
            }
            // Codes and links are not names a text would use.
            if matches!(f[2], "link" | "post" | "iata" | "icao" | "faac" | "wkdt" | "unlc") {
                return Ok(());
            }
            let gid: u32 = f[1].parse().map_err(|_| format!("geonameid {:?} is not a number", f[1]))?;
            if let Ok(pos) = ids.binary_search_by_key(&gid, |(g, _)| *g) {
                writer.add_alternate_name(ids[pos].1, f[3]);
                alternate_names += 1;
            }
            Ok(())
        })?;
    }

    report.alternate_names = alternate_names;
    let s = writer.stats().clone();
    let sources: Vec<String> =
        inputs.iter().map(|p| serde_json::to_string(&p.display().to_string()).unwrap_or_default()).collect();
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .filter(|k| s.by_kind[**k as usize] > 0)
        .map(|k| format!("\"{}\":{}", k.as_str(), s.by_kind[*k as usize]))
        .collect();
    let meta = format!(
        "{{\"name\":\"imported\",\"source\":[{}],\"records\":{},\"by_kind\":{{{}}},\"skipped_lines\":{},\"duplicate_geonameids\":{}}}",
        sources.join(","),
        s.records,
        kinds.join(","),
        report.skipped_total,
        report.duplicates
    );
    report.build = writer.finish(&meta).map_err(out_err)?;
    Ok(report)
}
