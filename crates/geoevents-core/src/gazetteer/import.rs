//! Reads the GeoNames dump format into a gazetteer file.
//!
//! Files are recognised by name: `admin1CodesASCII.txt` (admin1 names),
//! `countryInfo.txt` (ISO alpha-3 codes), `alternateNames*.txt` (extra names,
//! joined by geonameid), anything else is a 19-column place dump
//! (`allCountries.txt`, `cities500.txt`, a country file). The small tables are
//! read first, then the dumps, then alternate names.

use super::record::{Kind, PlaceRecord};
use super::writer::{BuildStats, GazetteerWriter};
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Columns of a GeoNames place dump line.
pub const DUMP_COLUMNS: usize = 19;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}:{line}: {message}")]
    BadLine { path: PathBuf, line: u64, message: String },
    #[error("no place dump among the inputs (expected a 19-column file such as allCountries.txt or cities500.txt)")]
    NoDump,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub build: BuildStats,
    /// Lines that were malformed and skipped, by file.
    pub skipped: Vec<(PathBuf, u64, String)>,
    pub skipped_total: u64,
    pub alternate_names: u64,
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

pub struct ImportOptions {
    /// Stop at the first malformed line instead of skipping it.
    pub strict: bool,
    /// Called with bytes read so far, for progress display.
    pub progress: Option<Box<dyn Fn(u64) + Send>>,
}

/// Reads each line of `path` as UTF-8, handing `(line number, line)` to `f`.
/// Invalid UTF-8 is a bad line like any other.
fn for_each_line(
    path: &Path,
    strict: bool,
    report: &mut ImportReport,
    progress: &Option<Box<dyn Fn(u64) + Send>>,
    mut f: impl FnMut(u64, &str) -> Result<(), String>,
) -> Result<(), ImportError> {
    let io_err = |source| ImportError::Io { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut read = 0u64;
    loop {
        buf.clear();
        let n = reader.read_until(b'\n', &mut buf).map_err(io_err)?;
        if n == 0 {
            return Ok(());
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
        if buf.is_empty() || buf[0] == b'#' {
            continue;
        }
        let result = match std::str::from_utf8(&buf) {
            Ok(line) => f(line_no, line),
            Err(e) => Err(format!("invalid UTF-8 at byte {} of the line", e.valid_up_to())),
        };
        if let Err(message) = result {
            if strict {
                return Err(ImportError::BadLine { path: path.to_path_buf(), line: line_no, message });
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
) -> Result<PlaceRecord, String> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() != DUMP_COLUMNS {
        return Err(format!("expected {DUMP_COLUMNS} tab-separated fields, found {}", f.len()));
    }
    let geonameid: u64 = f[0].parse().map_err(|_| format!("geonameid {:?} is not a number", f[0]))?;
    let lat: f64 = f[4].parse().map_err(|_| format!("latitude {:?} is not a number", f[4]))?;
    let lon: f64 = f[5].parse().map_err(|_| format!("longitude {:?} is not a number", f[5]))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("coordinates {lat},{lon} out of range"));
    }
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
    Ok(PlaceRecord {
        id: format!("geonames:{geonameid}"),
        name: f[1].to_string(),
        kind,
        feature_code: f[7].to_string(),
        country_code: cc,
        admin1_code,
        admin1_name,
        lat,
        lon,
        population: f[14].parse().unwrap_or(0),
        alt_names,
        demonyms: Vec::new(),
        iso_code,
    })
}

/// Imports `inputs` into a gazetteer file at `out`, written atomically.
pub fn import(inputs: &[PathBuf], out: &Path, opts: &ImportOptions) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut by_role: HashMap<FileRole, Vec<&PathBuf>> = HashMap::new();
    for p in inputs {
        by_role.entry(role_of(p)).or_default().push(p);
    }
    let dumps = by_role.remove(&FileRole::Dump).unwrap_or_default();
    if dumps.is_empty() {
        return Err(ImportError::NoDump);
    }
    for p in inputs {
        std::fs::metadata(p).map_err(|source| ImportError::Io { path: p.clone(), source })?;
    }

    let mut admin1: HashMap<String, String> = HashMap::new();
    for path in by_role.remove(&FileRole::Admin1).unwrap_or_default() {
        for_each_line(path, opts.strict, &mut report, &opts.progress, |_, line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 2 {
                return Err(format!("expected at least 2 tab-separated fields (code, name), found {}", f.len()));
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
                return Err(format!("expected at least 5 tab-separated fields, found {}", f.len()));
            }
            iso3.insert(f[0].to_string(), f[1].to_string());
            Ok(())
        })?;
    }

    let out_err = |source| ImportError::Io { path: out.to_path_buf(), source };
    let mut writer = GazetteerWriter::create(out).map_err(out_err)?;
    // geonameid -> record index, for joining alternate names.
    let mut ids: Vec<(u32, u32)> = Vec::new();
    let mut write_error: Option<io::Error> = None;
    for path in dumps {
        for_each_line(path, opts.strict, &mut report, &opts.progress, |_, line| {
            let rec = parse_dump_line(line, &admin1, &iso3)?;
            let index = writer.stats().records as u32;
            if let Some(gid) = rec.id.strip_prefix("geonames:").and_then(|g| g.parse::<u32>().ok()) {
                ids.push((gid, index));
            }
            if let Err(e) = writer.add(&rec) {
                write_error.get_or_insert(e);
            }
            Ok(())
        })?;
        if let Some(e) = write_error.take() {
            return Err(out_err(e));
        }
    }
    ids.sort_unstable();

    let mut alternate_names = 0u64;
    for path in by_role.remove(&FileRole::AlternateNames).unwrap_or_default() {
        for_each_line(path, opts.strict, &mut report, &opts.progress, |_, line| {
            // alternateNameId, geonameid, isolanguage, name, isPreferred, isShort, isColloquial, isHistoric, from, to
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                return Err(format!("expected at least 4 tab-separated fields, found {}", f.len()));
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
        "{{\"name\":\"imported\",\"source\":[{}],\"records\":{},\"by_kind\":{{{}}},\"skipped_lines\":{}}}",
        sources.join(","),
        s.records,
        kinds.join(","),
        report.skipped_total
    );
    report.build = writer.finish(&meta).map_err(out_err)?;
    Ok(report)
}
