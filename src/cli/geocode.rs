//! `geoevents geocode`: names in, ranked candidates out; a CSV column at a
//! time with `--csv`; nearest places with `--reverse`.

use super::output::Sink;
use super::{CliError, CliResult, Exit, GlobalArgs};
use geoevents_core::gazetteer::{Gazetteer, Kind};
use geoevents_core::resolve::answers::{candidate_json, nearest_json, ReverseQuery, DEFAULT_MAX_KM};
use geoevents_core::resolve::lookup::country_code;
use geoevents_core::resolve::{geocode, Candidate, Query};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Geojson,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct GeocodeArgs {
    /// Place names to look up (each is one query). "Paris, Texas" looks for
    /// a Paris inside Texas when the whole string names no place.
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Only places in this country: an ISO 3166-1 alpha-2 code (SY), an
    /// alpha-3 code (SYR) or the country's name (Syria).
    #[arg(long, value_name = "COUNTRY")]
    pub country: Option<String>,
    /// Only places of this kind: continent, country, region, admin1, admin2, city, physical.
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// Candidates per name (at least 1).
    #[arg(long, default_value_t = 5, value_parser = parse_limit)]
    pub limit: usize,
    /// Output format (default: table on a terminal, json otherwise; csv with --csv).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Never fall back to fuzzy (edit-distance) matches.
    #[arg(long)]
    pub no_fuzzy: bool,
    /// Geocode a column of this CSV file (streamed; every row and column
    /// kept); `-` reads standard input.
    #[arg(long, value_name = "IN.csv", conflicts_with = "reverse")]
    pub csv: Option<PathBuf>,
    /// The CSV column holding the place names.
    #[arg(long, value_name = "COL", requires = "csv")]
    pub column: Option<String>,
    /// A CSV column holding each row's country (ISO code or name), to narrow its lookup.
    #[arg(long, value_name = "COL", requires = "csv")]
    pub country_column: Option<String>,
    /// A CSV column naming a place each row's place lies in (a state,
    /// province, district or country: "Texas", "MO", "Syria").
    #[arg(long, value_name = "COL", requires = "csv")]
    pub within_column: Option<String>,
    /// The CSV field delimiter: one character, or `tab`.
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = parse_delimiter, requires = "csv")]
    pub delimiter: u8,
    /// Skip malformed CSV rows (an unterminated quote, a row with more or
    /// fewer fields than the header, a name over 1 KB) and count them,
    /// instead of stopping at the first.
    #[arg(long, requires = "csv")]
    pub skip_bad: bool,
    /// Where to write the CSV (default: standard output). Replaced atomically.
    #[arg(short, long, value_name = "OUT.csv", requires = "csv")]
    pub output: Option<PathBuf>,
    /// Nearest places to a point: LAT,LON in decimal degrees.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub reverse: Option<String>,
    /// With --reverse: only places within this distance, km.
    #[arg(long, value_name = "KM", default_value_t = DEFAULT_MAX_KM, requires = "reverse")]
    pub max_km: f64,
}

/// The longest name (or row qualifier) geocoded, bytes: longer cells are
/// not place names, and fuzzy matching of a megabyte takes seconds.
pub const MAX_QUERY_BYTES: usize = 1024;

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s)
        .ok_or_else(|| "expected one of continent, country, region, admin1, admin2, city, physical".to_string())
}

fn parse_limit(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("the limit must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a whole number")),
    }
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => Ok(s.as_bytes()[0]),
        _ => Err(format!("{s:?}: expected one ASCII character (not a quote or line break), or \"tab\"")),
    }
}

/// The ISO alpha-2 code of a `--country` value, or an error saying what is accepted.
fn country_filter(gaz: &Gazetteer, value: &str) -> Result<&'static str, CliError> {
    country_code(gaz, value).ok_or_else(|| {
        CliError::usage(format!(
            "--country {value:?}: expected an ISO 3166-1 alpha-2 code (SY), an alpha-3 code (SYR) or a country name (Syria)"
        ))
    })
}

pub fn run(global: &GlobalArgs, args: &GeocodeArgs) -> CliResult {
    let gaz = Gazetteer::choose(global.gazetteer.as_deref())?;
    let country = args.country.as_deref().map(|c| country_filter(&gaz, c)).transpose()?;
    if let Some(csv_path) = &args.csv {
        let column = args.column.as_deref().ok_or_else(|| CliError::usage("--csv needs --column COL"))?;
        return run_csv(&gaz, args, country, csv_path, column);
    }
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json });
    if let Some(point) = &args.reverse {
        return run_reverse(&gaz, args, country, point, format);
    }
    if args.names.is_empty() {
        return Err(CliError::usage("give at least one NAME, or --csv IN.csv --column COL, or --reverse LAT,LON"));
    }
    if let Some(long) = args.names.iter().find(|n| n.len() > MAX_QUERY_BYTES) {
        return Err(CliError::usage(format!(
            "a name of {} bytes is too long to be a place name (at most {MAX_QUERY_BYTES})",
            long.len()
        )));
    }
    let results: Vec<(String, Vec<Candidate>)> = args
        .names
        .iter()
        .map(|name| {
            let q =
                Query { name, country, kind: args.kind, limit: args.limit, fuzzy: !args.no_fuzzy, ..Query::default() };
            (name.clone(), geocode(&gaz, &q))
        })
        .collect();
    let rows: Vec<(String, Vec<Value>)> =
        results.iter().map(|(n, cs)| (n.clone(), cs.iter().map(candidate_json).collect())).collect();
    print_results(&rows, format)
        .map_err(|e| CliError::new(Exit::OutputFailed, format!("cannot write to standard output: {e}")))?;
    let missing: Vec<&str> = results.iter().filter(|(_, c)| c.is_empty()).map(|(n, _)| n.as_str()).collect();
    if missing.is_empty() {
        Ok(Exit::Ok)
    } else {
        eprintln!(
            "geoevents: no place found for {}",
            missing.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>().join(", ")
        );
        Ok(Exit::NotFound)
    }
}

const TABLE_COLUMNS: [&str; 10] =
    ["id", "name", "kind", "country_code", "admin1", "lat", "lon", "population", "score", "why"];

fn cell(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join("; "),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Prints results for several queries (each a list of JSON candidates).
pub fn print_results(rows: &[(String, Vec<Value>)], format: Format) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            for (_, cands) in rows {
                writeln!(out, "{}", Value::Array(cands.clone()))?;
            }
        }
        Format::Geojson => {
            let features: Vec<Value> = rows
                .iter()
                .flat_map(|(q, cands)| {
                    cands.iter().enumerate().map(move |(rank, c)| {
                        let mut props = c.clone();
                        props["query"] = json!(q);
                        props["rank"] = json!(rank + 1);
                        json!({"type": "Feature", "id": format!("{}#{}", q, rank + 1),
                               "geometry": {"type": "Point", "coordinates": [c["lon"], c["lat"]]},
                               "properties": props})
                    })
                })
                .collect();
            writeln!(out, "{}", json!({"type": "FeatureCollection", "features": features}))?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            let mut header = vec!["query", "rank"];
            header.extend(TABLE_COLUMNS.iter().copied().filter(|c| *c != "why"));
            header.push("match");
            w.write_record(&header)?;
            for (q, cands) in rows {
                for (rank, c) in cands.iter().enumerate() {
                    let mut rec = vec![q.clone(), (rank + 1).to_string()];
                    rec.extend(header[2..].iter().map(|k| cell(c, k)));
                    w.write_record(&rec)?;
                }
            }
            w.flush()?;
        }
        Format::Table => {
            for (q, cands) in rows {
                if rows.len() > 1 || cands.is_empty() {
                    writeln!(out, "{q}:{}", if cands.is_empty() { " no match" } else { "" })?;
                }
                if cands.is_empty() {
                    continue;
                }
                let mut table: Vec<Vec<String>> =
                    vec![TABLE_COLUMNS.iter().map(std::string::ToString::to_string).collect()];
                for c in cands {
                    table.push(TABLE_COLUMNS.iter().map(|k| cell(c, k)).collect());
                }
                let widths: Vec<usize> = (0..TABLE_COLUMNS.len() - 1)
                    .map(|i| table.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
                    .collect();
                for r in &table {
                    let mut line = String::new();
                    for (i, w) in widths.iter().enumerate() {
                        line.push_str(&format!("{:<w$}  ", r[i], w = *w));
                    }
                    line.push_str(&r[TABLE_COLUMNS.len() - 1]);
                    writeln!(out, "{}", line.trim_end())?;
                }
            }
        }
    }
    Ok(())
}

fn run_reverse(gaz: &Gazetteer, args: &GeocodeArgs, country: Option<&str>, point: &str, format: Format) -> CliResult {
    let bad = || CliError::usage(format!("--reverse {point:?}: expected LAT,LON in decimal degrees, e.g. 36.2,37.16"));
    let (lat, lon) = point.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    if !(args.max_km.is_finite() && args.max_km > 0.0) {
        return Err(CliError::usage(format!("--max-km {}: expected a distance above 0 km", args.max_km)));
    }
    let q = ReverseQuery { kind: args.kind, country, limit: args.limit, max_km: args.max_km };
    let cands = nearest_json(gaz, lat, lon, &q).map_err(|e| CliError::usage(format!("--reverse {point:?}: {e}")))?;
    let found = !cands.is_empty();
    print_results(&[(point.to_string(), cands)], format)
        .map_err(|e| CliError::new(Exit::OutputFailed, format!("cannot write to standard output: {e}")))?;
    if found {
        Ok(Exit::Ok)
    } else {
        eprintln!("geoevents: no place within {} km of {point} (--max-km)", args.max_km);
        Ok(Exit::NotFound)
    }
}

/// A row's query as written: (name, --within-column value, row country).
type RowKey = (Vec<u8>, Vec<u8>, Vec<u8>);

/// Distinct names remembered while streaming a CSV.
const CACHE_LIMIT: usize = 200_000;

/// Columns that `--csv` adds to every row: the best candidate's point,
/// id, name and country, how the name matched (`exact`, `alternate`,
/// `fuzzy`, `none`), its score (0..1) and the number of candidates.
pub const ADDED_COLUMNS: [&str; 8] =
    ["lat", "lon", "gazetteer_id", "resolved_name", "country_code", "match", "score", "candidates"];

/// A cell that a spreadsheet would run as a formula (OWASP "CSV
/// injection": it starts with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) gets a leading `'`, which spreadsheets show as text. Numbers
/// ("-12.5") are left as they are.
pub fn neutralise_cell(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let risky = matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    let number = std::str::from_utf8(cell).is_ok_and(|s| s.trim().parse::<f64>().is_ok());
    if risky && !number {
        let mut out = Vec::with_capacity(cell.len() + 1);
        out.push(b'\'');
        out.extend_from_slice(cell);
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// What one row's lookup found (kept per distinct name, qualifier and country).
#[derive(Clone)]
struct RowResult {
    best: Option<Value>,
    candidates: usize,
}

/// Where `--csv` writes: CSV rows as read plus [`ADDED_COLUMNS`], JSON
/// lines, or one GeoJSON FeatureCollection of the rows that matched.
enum RowWriter<'h> {
    // Boxed: the csv writer's buffer is large beside the other variants.
    Csv(Box<csv::Writer<Sink>>),
    Json(Sink, &'h csv::ByteRecord),
    Geojson { sink: Sink, headers: &'h csv::ByteRecord, first: bool },
}

impl RowWriter<'_> {
    fn fields(headers: &csv::ByteRecord, record: &csv::ByteRecord) -> serde_json::Map<String, Value> {
        headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| {
                (String::from_utf8_lossy(h).into_owned(), Value::String(String::from_utf8_lossy(v).into_owned()))
            })
            .collect()
    }

    fn write(&mut self, record: &csv::ByteRecord, result: &RowResult) -> std::io::Result<()> {
        match self {
            RowWriter::Csv(w) => {
                let best = result.best.as_ref();
                let get = |k: &str| best.map_or(String::new(), |b| cell(b, k));
                let added = [
                    get("lat"),
                    get("lon"),
                    get("id"),
                    get("name"),
                    get("country_code"),
                    best.map_or("none".to_string(), |b| cell(b, "match")),
                    get("score"),
                    result.candidates.to_string(),
                ];
                let mut out = csv::ByteRecord::new();
                for f in record {
                    out.push_field(&neutralise_cell(f));
                }
                for a in &added {
                    out.push_field(&neutralise_cell(a.as_bytes()));
                }
                w.write_byte_record(&out).map_err(std::io::Error::other)
            }
            RowWriter::Json(sink, headers) => {
                let mut obj = Self::fields(headers, record);
                obj.insert("result".into(), result.best.clone().unwrap_or(Value::Null));
                obj.insert("candidates".into(), json!(result.candidates));
                writeln!(sink, "{}", Value::Object(obj))
            }
            RowWriter::Geojson { sink, headers, first } => {
                let Some(best) = &result.best else { return Ok(()) };
                let mut props = Self::fields(headers, record);
                for (k, v) in best.as_object().into_iter().flatten() {
                    props.insert(format!("result_{k}"), v.clone());
                }
                let feature = json!({"type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [best["lon"], best["lat"]]},
                    "properties": Value::Object(props)});
                if *first {
                    writeln!(sink, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
                } else {
                    writeln!(sink, ",")?;
                }
                *first = false;
                write!(sink, "{feature}")
            }
        }
    }

    fn finish(self) -> std::io::Result<Sink> {
        match self {
            RowWriter::Csv(w) => w.into_inner().map_err(|e| std::io::Error::other(e.to_string())),
            RowWriter::Json(sink, _) => Ok(sink),
            RowWriter::Geojson { mut sink, first, .. } => {
                if first {
                    writeln!(sink, "{{\"type\":\"FeatureCollection\",\"features\":[]}}")?;
                } else {
                    writeln!(sink, "\n]}}")?;
                }
                Ok(sink)
            }
        }
    }
}

/// Why a CSV row cannot be geocoded, naming its line.
fn bad_row(path: &str, line: u64, what: impl std::fmt::Display) -> CliError {
    CliError::bad_input(format!("{path} line {line}: {what} (use --skip-bad to skip such rows and count them)"))
}

#[allow(clippy::too_many_lines)]
fn run_csv(gaz: &Gazetteer, args: &GeocodeArgs, country: Option<&'static str>, path: &Path, column: &str) -> CliResult {
    let from_stdin = path == Path::new("-");
    let shown = if from_stdin { "standard input".to_string() } else { path.display().to_string() };
    let (input, size): (Box<dyn std::io::Read>, u64) = if from_stdin {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let file = std::fs::File::open(path)
            .map_err(|e| CliError::new(Exit::InputUnreadable, format!("cannot open {shown}: {e}")))?;
        let size = file.metadata().map_or(0, |m| m.len());
        (Box::new(file), size)
    };
    let format = match args.format {
        None | Some(Format::Csv) => Format::Csv,
        Some(Format::Json) => Format::Json,
        Some(Format::Geojson) => Format::Geojson,
        Some(Format::Table) => return Err(CliError::usage("--csv writes csv, json or geojson, not a table")),
    };
    // Not flexible: a row with more or fewer fields than the header is an error.
    let quotes = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let at_end = std::rc::Rc::new(std::cell::Cell::new(false));
    let counted = QuoteCounter { inner: input, quotes: quotes.clone(), at_end: at_end.clone() };
    let unterminated = || at_end.get() && quotes.get() % 2 == 1;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(args.delimiter)
        .flexible(false)
        .from_reader(std::io::BufReader::with_capacity(1 << 16, counted));
    let headers = reader
        .byte_headers()
        .map_err(|e| CliError::bad_input(format!("{shown}: cannot read the header row: {e}")))?
        .clone();
    let header_text = |h: &[u8]| String::from_utf8_lossy(h).into_owned();
    let find = |name: &str| headers.iter().position(|h| h == name.as_bytes());
    let listed = || headers.iter().map(|h| format!("{:?}", header_text(h))).collect::<Vec<_>>().join(", ");
    let column_of = |c: &str| {
        find(c).ok_or_else(|| CliError::bad_input(format!("{shown}: no column {c:?}; the columns are: {}", listed())))
    };
    let name_col = column_of(column)?;
    let country_col = args.country_column.as_deref().map(column_of).transpose()?;
    let within_col = args.within_column.as_deref().map(column_of).transpose()?;

    let sink = Sink::open(args.output.as_deref())
        .map_err(|e| CliError::output(args.output.as_deref().unwrap_or(Path::new("-")), e))?;
    let write_err = |e: std::io::Error| match &args.output {
        Some(p) => CliError::output(p, e),
        None => CliError::new(Exit::OutputFailed, format!("cannot write to standard output: {e}")),
    };
    let mut writer = match format {
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().delimiter(args.delimiter).from_writer(sink);
            let mut out_headers = csv::ByteRecord::new();
            for h in &headers {
                out_headers.push_field(&neutralise_cell(h));
            }
            for c in ADDED_COLUMNS {
                out_headers.push_field(c.as_bytes());
            }
            w.write_byte_record(&out_headers).map_err(|e| write_err(std::io::Error::other(e)))?;
            RowWriter::Csv(Box::new(w))
        }
        Format::Json => RowWriter::Json(sink, &headers),
        _ => RowWriter::Geojson { sink, headers: &headers, first: true },
    };

    let progress = (std::io::stderr().is_terminal() && size > 0).then(|| {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {per_sec} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });

    // Repeated names (common in real CSVs) are answered once; row countries
    // ("SY", "SYR", "Syria") are read once each.
    let mut cache: HashMap<RowKey, RowResult> = HashMap::new();
    let mut countries: HashMap<Vec<u8>, Option<&'static str>> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut matched, mut bad) = (0u64, 0u64, 0u64);
    loop {
        let line_before = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_before, csv::Position::line);
                let what = match e.kind() {
                    csv::ErrorKind::UnequalLengths { .. } if unterminated() => {
                        "a quoted field is never closed (an unterminated quote)".to_string()
                    }
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("{len} fields where the header has {expected_len}")
                    }
                    _ => e.to_string(),
                };
                if args.skip_bad {
                    bad += 1;
                    eprintln!("geoevents: skipped {shown} line {line}: {what}");
                    continue;
                }
                return Err(bad_row(&shown, line, what));
            }
        }
        let line = record.position().map_or(rows + 2, csv::Position::line);
        // An unterminated quote swallows the rest of the input into one
        // field: at the end of the input an odd number of quotes says so.
        if unterminated() {
            let what = "a quoted field is never closed (an unterminated quote)";
            if args.skip_bad {
                bad += 1;
                eprintln!("geoevents: skipped {shown} line {line}: {what}");
                break;
            }
            return Err(bad_row(&shown, line, what));
        }
        let name_bytes = record.get(name_col).unwrap_or(b"");
        let within_bytes = within_col.and_then(|c| record.get(c)).unwrap_or(b"");
        let country_bytes = country_col.and_then(|c| record.get(c)).unwrap_or(b"");
        if name_bytes.len() > MAX_QUERY_BYTES || within_bytes.len() > MAX_QUERY_BYTES {
            let what = format!("a value of more than {MAX_QUERY_BYTES} bytes is not a place name");
            if args.skip_bad {
                bad += 1;
                eprintln!("geoevents: skipped {shown} line {line}: {what}");
                continue;
            }
            return Err(bad_row(&shown, line, what));
        }
        rows += 1;
        let key = (name_bytes.to_vec(), within_bytes.to_vec(), country_bytes.to_vec());
        if cache.len() >= CACHE_LIMIT {
            cache.clear(); // bounded memory on files with millions of distinct names
        }
        if !cache.contains_key(&key) {
            let name = utf8_cell(name_bytes).map_err(|at| {
                bad_row(&shown, line, format!("invalid UTF-8 at byte {at} of the value in column {column:?}"))
            })?;
            let within = utf8_cell(within_bytes).map_err(|at| {
                bad_row(&shown, line, format!("invalid UTF-8 at byte {at} of the --within-column value"))
            })?;
            let row_country = if country_bytes.is_empty() {
                country
            } else {
                *countries.entry(country_bytes.to_vec()).or_insert_with(|| {
                    std::str::from_utf8(country_bytes).ok().and_then(|c| country_code(gaz, c.trim()))
                })
            };
            let q = Query {
                name,
                country: row_country,
                within: (!within.is_empty()).then_some(within),
                kind: args.kind,
                limit: 50,
                fuzzy: !args.no_fuzzy,
            };
            let cands = if q.name.is_empty() { Vec::new() } else { geocode(gaz, &q) };
            let result = RowResult { best: cands.first().map(candidate_json), candidates: cands.len() };
            cache.insert(key.clone(), result);
        }
        let result = &cache[&key];
        if result.best.is_some() {
            matched += 1;
        }
        writer.write(&record, result).map_err(write_err)?;
        if let Some(bar) = &progress {
            if rows % 4096 == 0 {
                bar.set_position(reader.position().byte());
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let sink = writer.finish().map_err(|e| CliError::new(Exit::OutputFailed, format!("cannot flush output: {e}")))?;
    sink.finish().map_err(|e| CliError::output(args.output.as_deref().unwrap_or(Path::new("-")), e))?;
    let skipped = if args.skip_bad { format!(", {bad} bad rows skipped") } else { String::new() };
    eprintln!("geoevents: {rows} rows, {matched} matched, {} without a match{skipped}", rows - matched);
    Ok(Exit::Ok)
}

/// A cell as trimmed text, or the byte where its UTF-8 goes wrong.
fn utf8_cell(bytes: &[u8]) -> Result<&str, usize> {
    std::str::from_utf8(bytes).map(str::trim).map_err(|e| e.valid_up_to())
}

/// Counts the quote characters read through it, so an unterminated quote
/// (which the csv reader turns into one field running to the end) is seen.
struct QuoteCounter<R> {
    inner: R,
    quotes: std::rc::Rc<std::cell::Cell<u64>>,
    /// Set once the input is exhausted: the record being parsed is the last.
    at_end: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: std::io::Read> std::io::Read for QuoteCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.at_end.set(true);
        }
        let q = buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        self.quotes.set(self.quotes.get() + q);
        Ok(n)
    }
}
