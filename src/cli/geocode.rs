//! `geoevents geocode`: names in, ranked candidates out; a CSV column at a
//! time with `--csv`; nearest places with `--reverse`.

use super::output::Sink;
use super::{CliError, CliResult, Exit, GlobalArgs};
use geoevents_core::gazetteer::{Gazetteer, Kind};
use geoevents_core::resolve::answers::{candidate_json, nearest_json, ReverseQuery};
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
    /// Place names to look up (each is one query).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Only places in this country (ISO 3166-1 alpha-2, e.g. SY).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Only places of this kind: continent, country, region, admin1, admin2, city, physical.
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<Kind>,
    /// Candidates per name.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Never fall back to fuzzy (edit-distance) matches.
    #[arg(long)]
    pub no_fuzzy: bool,
    /// Geocode a column of this CSV file (streamed; every row and column kept).
    #[arg(long, value_name = "IN.csv", conflicts_with = "reverse")]
    pub csv: Option<PathBuf>,
    /// The CSV column holding the place names.
    #[arg(long, value_name = "COL", requires = "csv")]
    pub column: Option<String>,
    /// A CSV column holding each row's ISO country code, to narrow its lookup.
    #[arg(long, value_name = "COL", requires = "csv")]
    pub country_column: Option<String>,
    /// Where to write the CSV (default: standard output). Replaced atomically.
    #[arg(short, long, value_name = "OUT.csv", requires = "csv")]
    pub output: Option<PathBuf>,
    /// Nearest places to a point: LAT,LON in decimal degrees.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    pub reverse: Option<String>,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s)
        .ok_or_else(|| "expected one of continent, country, region, admin1, admin2, city, physical".to_string())
}

pub fn run(global: &GlobalArgs, args: &GeocodeArgs) -> CliResult {
    let gaz = Gazetteer::choose(global.gazetteer.as_deref())?;
    if let Some(csv_path) = &args.csv {
        let column = args.column.as_deref().ok_or_else(|| CliError::usage("--csv needs --column COL"))?;
        return run_csv(&gaz, args, csv_path, column);
    }
    let format = args.format.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json });
    if let Some(point) = &args.reverse {
        return run_reverse(&gaz, args, point, format);
    }
    if args.names.is_empty() {
        return Err(CliError::usage("give at least one NAME, or --csv IN.csv --column COL, or --reverse LAT,LON"));
    }
    let results: Vec<(String, Vec<Candidate>)> = args
        .names
        .iter()
        .map(|name| {
            let q = Query {
                name,
                country: args.country.as_deref(),
                kind: args.kind,
                limit: args.limit,
                fuzzy: !args.no_fuzzy,
            };
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

fn run_reverse(gaz: &Gazetteer, args: &GeocodeArgs, point: &str, format: Format) -> CliResult {
    let bad = || CliError::usage(format!("--reverse {point:?}: expected LAT,LON in decimal degrees, e.g. 36.2,37.16"));
    let (lat, lon) = point.split_once(',').ok_or_else(bad)?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    let q = ReverseQuery { kind: args.kind, country: args.country.as_deref(), limit: args.limit };
    let cands = nearest_json(gaz, lat, lon, &q).map_err(|e| CliError::usage(format!("--reverse {point:?}: {e}")))?;
    print_results(&[(point.to_string(), cands)], format)
        .map_err(|e| CliError::new(Exit::OutputFailed, format!("cannot write to standard output: {e}")))?;
    Ok(Exit::Ok)
}

/// Distinct names remembered while streaming a CSV.
const CACHE_LIMIT: usize = 200_000;

/// Columns that `--csv` adds to every row.
pub const ADDED_COLUMNS: [&str; 6] = ["lat", "lon", "gazetteer_id", "country_code", "match", "candidates"];

fn run_csv(gaz: &Gazetteer, args: &GeocodeArgs, path: &Path, column: &str) -> CliResult {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::new(Exit::InputUnreadable, format!("cannot open {}: {e}", path.display())))?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut reader =
        csv::ReaderBuilder::new().flexible(true).from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let headers = reader
        .byte_headers()
        .map_err(|e| CliError::bad_input(format!("{}: cannot read the header row: {e}", path.display())))?
        .clone();
    let header_text = |h: &[u8]| String::from_utf8_lossy(h).into_owned();
    let find = |name: &str| headers.iter().position(|h| h == name.as_bytes());
    let listed = || headers.iter().map(|h| format!("{:?}", header_text(h))).collect::<Vec<_>>().join(", ");
    let name_col = find(column).ok_or_else(|| {
        CliError::bad_input(format!("{}: no column {column:?}; the columns are: {}", path.display(), listed()))
    })?;
    let country_col = match &args.country_column {
        Some(c) => Some(find(c).ok_or_else(|| {
            CliError::bad_input(format!("{}: no column {c:?}; the columns are: {}", path.display(), listed()))
        })?),
        None => None,
    };

    let sink = Sink::open(args.output.as_deref())
        .map_err(|e| CliError::output(args.output.as_deref().unwrap_or(Path::new("-")), e))?;
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(sink);
    let write_err = |e: csv::Error| match &args.output {
        Some(p) => CliError::output(p, e),
        None => CliError::new(Exit::OutputFailed, format!("cannot write to standard output: {e}")),
    };
    let mut out_headers = headers.clone();
    for c in ADDED_COLUMNS {
        out_headers.push_field(c.as_bytes());
    }
    writer.write_byte_record(&out_headers).map_err(write_err)?;

    let progress = (std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {per_sec} eta {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });

    // Repeated names (common in real CSVs) are answered once.
    let mut cache: HashMap<(Vec<u8>, Vec<u8>), [String; 6]> = HashMap::new();
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut matched) = (0u64, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(CliError::bad_input(format!("{}: {e}", path.display())));
            }
        }
        rows += 1;
        let line = record.position().map_or(rows + 1, csv::Position::line);
        let name_bytes = record.get(name_col).unwrap_or(b"");
        let country_bytes = country_col.and_then(|c| record.get(c)).unwrap_or(b"");
        let key = (name_bytes.to_vec(), country_bytes.to_vec());
        if cache.len() >= CACHE_LIMIT {
            cache.clear(); // bounded memory on files with millions of distinct names
        }
        if !cache.contains_key(&key) {
            let name = std::str::from_utf8(name_bytes).map_err(|e| {
                CliError::bad_input(format!(
                    "{} line {line}, column {column:?}: invalid UTF-8 at byte {} of the value",
                    path.display(),
                    e.valid_up_to()
                ))
            })?;
            let country = std::str::from_utf8(country_bytes).ok().map(str::trim).filter(|c| !c.is_empty());
            let q = Query {
                name: name.trim(),
                country: country.or(args.country.as_deref()),
                kind: args.kind,
                limit: 50,
                fuzzy: !args.no_fuzzy,
            };
            let cands = if q.name.is_empty() { Vec::new() } else { geocode(gaz, &q) };
            let added = match cands.first() {
                Some(best) => [
                    format!("{}", best.place.lat),
                    format!("{}", best.place.lon),
                    best.place.id.to_string(),
                    best.place.country_code.to_string(),
                    best.match_type.as_str().to_string(),
                    cands.len().to_string(),
                ],
                None => {
                    [String::new(), String::new(), String::new(), String::new(), "none".to_string(), "0".to_string()]
                }
            };
            cache.insert(key.clone(), added);
        }
        let added = &cache[&key];
        if added[4] != "none" {
            matched += 1;
        }
        // Short rows are padded so the added columns line up with the header.
        while record.len() < headers.len() {
            record.push_field(b"");
        }
        for a in added {
            record.push_field(a.as_bytes());
        }
        writer.write_byte_record(&record).map_err(write_err)?;
        if let Some(bar) = &progress {
            if rows % 4096 == 0 {
                bar.set_position(reader.position().byte());
            }
        }
    }
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    let sink =
        writer.into_inner().map_err(|e| CliError::new(Exit::OutputFailed, format!("cannot flush output: {e}")))?;
    sink.finish().map_err(|e| CliError::output(args.output.as_deref().unwrap_or(Path::new("-")), e))?;
    eprintln!("geoevents: {rows} rows, {matched} matched, {} without a match", rows - matched);
    Ok(Exit::Ok)
}
