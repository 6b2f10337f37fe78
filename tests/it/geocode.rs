//! `geoevents geocode`: names, filters, output formats, reverse lookup and
//! the CSV batch mode with its failure modes.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

const ALEPPO: &str = "geonames:170063";

fn assert_near(v: &Value, lat: f64, lon: f64, tolerance: f64) {
    let (got_lat, got_lon) = (f64_field(v, "lat"), f64_field(v, "lon"));
    assert!(
        (got_lat - lat).abs() <= tolerance && (got_lon - lon).abs() <= tolerance,
        "expected about {lat},{lon} (±{tolerance}), got {got_lat},{got_lon}: {v}"
    );
}

#[test]
fn aleppo_in_three_scripts_is_the_same_city() {
    for name in ["Aleppo", "Halab", "حلب"] {
        let first = geocode_first(name);
        assert_eq!(str_field(&first, "id"), ALEPPO, "{name}: {first}");
        assert_near(&first, 36.20, 37.16, 0.05);
    }
}

#[test]
fn erbil_names_give_one_city_record() {
    let ids: Vec<String> = ["Erbil", "Arbil", "Hawler", "أربيل"]
        .iter()
        .map(|name| {
            let first = geocode_first(name);
            assert_eq!(str_field(&first, "kind"), "city", "{name}: {first}");
            assert_eq!(str_field(&first, "country_code"), "IQ", "{name}: {first}");
            str_field(&first, "id").to_string()
        })
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "different records for the names of Erbil: {ids:?}");
}

#[test]
fn kurdistan_region_is_a_region_in_iraq() {
    let first = geocode_first("Kurdistan Region");
    assert_eq!(str_field(&first, "kind"), "region", "{first}");
    assert_eq!(str_field(&first, "country_code"), "IQ", "{first}");
}

/// When a record is called exactly what was asked for, it should come before
/// a record that only matches once the type word ("Region") is dropped.
/// `extract` resolves "Kurdistan Region" in text to that exact record, so
/// `geocode` disagreeing with it is a ranking bug.
#[test]
fn kurdistan_region_prefers_the_record_of_that_exact_name() {
    let first = geocode_first("Kurdistan Region");
    assert_eq!(str_field(&first, "name"), "Kurdistan Region", "first candidate: {first}");
    assert_eq!(str_field(&first, "match"), "exact", "first candidate: {first}");
}

#[test]
fn hama_governorate_is_admin1_and_hama_is_the_city() {
    let gov = geocode_first("Hama Governorate");
    assert_eq!((str_field(&gov, "kind"), str_field(&gov, "country_code")), ("admin1", "SY"), "{gov}");
    let city = geocode_first("Hama");
    assert_eq!((str_field(&city, "kind"), str_field(&city, "country_code")), ("city", "SY"), "{city}");
    assert_ne!(str_field(&gov, "id"), str_field(&city, "id"));
}

#[test]
fn damascus_is_the_syrian_capital() {
    let first = geocode_first("Damascus");
    assert_eq!(str_field(&first, "country_code"), "SY", "{first}");
    assert_eq!(str_field(&first, "feature_code"), "PPLC", "{first}");
}

#[test]
fn spellings_of_deir_ez_zor_agree() {
    let firsts: Vec<Value> = ["Deir ez-Zor", "Deir al-Zour", "Dayr az Zawr"].iter().map(|n| geocode_first(n)).collect();
    for f in &firsts {
        assert_eq!(str_field(f, "kind"), "city", "{f}");
        assert_eq!(str_field(f, "id"), str_field(&firsts[0], "id"), "{f} vs {}", firsts[0]);
    }
}

#[test]
fn country_names_give_countries() {
    for (name, cc) in [("Iraq", "IQ"), ("Turkey", "TR"), ("Türkiye", "TR"), ("Iran", "IR"), ("Russia", "RU")] {
        let first = geocode_first(name);
        assert_eq!(str_field(&first, "kind"), "country", "{name}: {first}");
        assert_eq!(str_field(&first, "country_code"), cc, "{name}: {first}");
    }
    assert_eq!(str_field(&geocode_first("Turkey"), "id"), str_field(&geocode_first("Türkiye"), "id"));
}

#[test]
fn middle_east_is_a_region() {
    let first = geocode_first("Middle East");
    assert_eq!(str_field(&first, "kind"), "region", "{first}");
}

#[test]
fn syrian_is_a_demonym_of_syria() {
    let first = geocode_first("Syrian");
    assert_eq!(str_field(&first, "country_code"), "SY", "{first}");
    assert_eq!(str_field(&first, "kind"), "country", "{first}");
    assert_eq!(first.get("demonym"), Some(&Value::Bool(true)), "\"Syrian\" should be matched as a demonym: {first}");
}

#[test]
fn several_names_give_one_array_per_line_in_order() {
    let r = run(["geocode", "--format", "json", "Damascus", "Aleppo", "Erbil"]);
    r.ok();
    let lines = r.json_lines();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    let expected = [geocode_first("Damascus"), geocode_first("Aleppo"), geocode_first("Erbil")];
    for (line, want) in lines.iter().zip(&expected) {
        let first = &line.as_array().expect("an array")[0];
        assert_eq!(first["id"], want["id"]);
    }
}

#[test]
fn an_unknown_name_among_several_keeps_its_place_and_fails_with_6() {
    let r = run(["geocode", "--format", "json", "Aleppo", "Xqzzyvillez", "Erbil"]);
    r.expect_code(6);
    let lines = r.json_lines();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(lines[0][0]["id"], ALEPPO);
    assert_eq!(lines[1], Value::Array(vec![]));
    assert_eq!(lines[2][0]["country_code"], "IQ");
    assert!(r.stderr.contains("Xqzzyvillez"), "{}", r.stderr);
}

#[test]
fn limit_caps_the_candidates() {
    // Alexandria names many places (Egypt, Virginia, Romania, ...).
    let unlimited = geocode_candidates("Alexandria", &["--limit", "20"]);
    assert!(unlimited.len() > 3, "the test needs a name with more than 3 candidates; got {}", unlimited.len());
    let cands = geocode_candidates("Alexandria", &["--limit", "3"]);
    assert!(!cands.is_empty() && cands.len() <= 3, "{} candidates", cands.len());
    // The first three of a longer list.
    let ids = |v: &[Value]| v.iter().map(|c| c["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&cands), ids(&unlimited[..cands.len()]));
}

#[test]
fn country_filter_keeps_only_that_country() {
    let cands = geocode_candidates("Hama", &["--country", "JP"]);
    assert!(!cands.is_empty(), "no candidate for Hama in JP");
    for c in &cands {
        assert_eq!(str_field(c, "country_code"), "JP", "{c}");
    }
}

#[test]
fn kind_filter_keeps_only_that_kind() {
    let cands = geocode_candidates("Aleppo", &["--kind", "admin1"]);
    assert!(!cands.is_empty(), "no admin1 candidate for Aleppo");
    for c in &cands {
        assert_eq!(str_field(c, "kind"), "admin1", "{c}");
    }
}

#[test]
fn an_unknown_name_exits_6_and_is_named() {
    let r = run(["geocode", "--format", "json", "Xqzzyvillez"]);
    r.expect_code(6);
    assert!(r.stderr.contains("Xqzzyvillez"), "stderr does not name the query: {}", r.stderr);
}

#[test]
fn geojson_is_a_feature_collection_of_lon_lat_points() {
    let r = run(["geocode", "--format", "geojson", "Aleppo", "Erbil"]);
    r.ok();
    let fc = r.json();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().expect("features");
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["geometry"]["type"], "Point");
        let coords = f["geometry"]["coordinates"].as_array().expect("coordinates");
        assert_eq!(coords.len(), 2);
        assert_eq!(coords[0].as_f64(), f["properties"]["lon"].as_f64(), "coordinates are [lon, lat]: {f}");
        assert_eq!(coords[1].as_f64(), f["properties"]["lat"].as_f64(), "coordinates are [lon, lat]: {f}");
    }
    let aleppo = features.iter().find(|f| f["properties"]["id"] == ALEPPO).expect("Aleppo among the features");
    let c = &aleppo["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - 37.16).abs() < 0.05 && (c[1].as_f64().unwrap() - 36.20).abs() < 0.05, "{c}");
}

#[test]
fn csv_format_has_a_header_row() {
    let r = run(["geocode", "--format", "csv", "--limit", "2", "Aleppo"]);
    r.ok();
    let mut reader = csv::Reader::from_reader(r.stdout.as_bytes());
    let header: Vec<String> = reader.headers().expect("a header row").iter().map(str::to_string).collect();
    for col in ["id", "name", "lat", "lon"] {
        assert!(header.iter().any(|h| h == col), "no {col:?} column in {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert!(!rows.is_empty() && rows.len() <= 2, "{} rows", rows.len());
    let id_col = header.iter().position(|h| h == "id").unwrap();
    assert_eq!(&rows[0][id_col], ALEPPO);
}

#[test]
fn reverse_lookup_finds_aleppo() {
    let r = run(["geocode", "--format", "json", "--reverse", "36.2,37.16"]);
    r.ok();
    let lines = r.json_lines();
    let first = &lines[0][0];
    assert_eq!(str_field(first, "id"), ALEPPO, "{first}");
    assert!(f64_field(first, "distance_km") < 5.0, "{first}");
}

#[test]
fn reverse_lookup_out_of_range_is_a_usage_error() {
    let r = run(["geocode", "--format", "json", "--reverse", "95,0"]);
    r.expect_code(2);
    assert!(r.stdout.trim().is_empty(), "nothing on stdout: {}", r.stdout);
}

// ---------------------------------------------------------------- CSV batch

const ADDED: [&str; 8] =
    ["lat", "lon", "gazetteer_id", "resolved_name", "country_code", "match", "score", "candidates"];

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path).expect("the output CSV can be read");
    let header = reader.headers().expect("a header").iter().map(str::to_string).collect();
    let rows = reader.records().map(|r| r.expect("a CSV row").iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[test]
fn batch_keeps_every_row_and_column_and_adds_the_results() {
    let dir = temp_dir();
    let input = dir.path().join("in.csv");
    let output = dir.path().join("out.csv");
    let rows: [[&str; 3]; 6] = [
        ["Aleppo", "", "first, with a comma"],
        ["Xqzzyvillez", "", "no such place"],
        ["", "", "empty name"],
        ["Tripoli", "LB", "the Lebanese one"],
        ["Aleppoo", "", "misspelled"],
        ["Tripoli", "", "the capital of Libya, by default"],
    ];
    {
        let mut w = csv::Writer::from_path(&input).unwrap();
        w.write_record(["name", "country", "note"]).unwrap();
        for r in &rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
    }
    assert!(
        std::fs::read_to_string(&input).unwrap().contains("\"first, with a comma\""),
        "the fixture quotes the comma"
    );

    let r = run(argv(&[
        &"geocode",
        &"--csv",
        &input,
        &"--column",
        &"name",
        &"--country-column",
        &"country",
        &"-o",
        &output,
    ]));
    r.ok();
    assert!(r.stdout.is_empty(), "with -o nothing goes to stdout: {}", r.stdout);

    let (header, out) = read_csv(&output);
    let mut want_header = vec!["name", "country", "note"];
    want_header.extend(ADDED);
    assert_eq!(header, want_header);
    assert_eq!(out.len(), rows.len(), "one output row per input row");
    for (row, input_row) in out.iter().zip(&rows) {
        assert_eq!(row.len(), header.len(), "{row:?}");
        assert_eq!(&row[..3], &input_row[..], "input columns kept in order");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (lat, lon, id, cc, how) = (col("lat"), col("lon"), col("gazetteer_id"), col("country_code"), col("match"));

    assert_eq!(out[0][id], ALEPPO);
    assert!((out[0][lat].parse::<f64>().unwrap() - 36.20).abs() < 0.05, "{:?}", out[0]);
    assert!((out[0][lon].parse::<f64>().unwrap() - 37.16).abs() < 0.05, "{:?}", out[0]);
    assert_eq!(out[0][how], "exact");

    for unmatched in [&out[1], &out[2]] {
        assert_eq!((unmatched[lat].as_str(), unmatched[lon].as_str()), ("", ""), "{unmatched:?}");
        assert_eq!(unmatched[id], "", "{unmatched:?}");
        assert_eq!(unmatched[how], "none", "{unmatched:?}");
    }

    assert_eq!(out[3][cc], "LB", "the country column narrows the lookup: {:?}", out[3]);
    assert_eq!(out[5][cc], "LY", "without a country, Tripoli is the Libyan capital: {:?}", out[5]);

    assert_eq!(out[4][how], "fuzzy", "{:?}", out[4]);
    assert_eq!(out[4][id], ALEPPO, "{:?}", out[4]);
}

#[test]
fn batch_missing_column_exits_4_and_lists_the_columns() {
    let dir = temp_dir();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "place,country_iso,remark\nAleppo,SY,x\n").unwrap();
    let output = dir.path().join("out.csv");
    let r = run(argv(&[&"geocode", &"--csv", &input, &"--column", &"name", &"-o", &output]));
    r.expect_code(4);
    for col in ["place", "country_iso", "remark"] {
        assert!(r.stderr.contains(col), "stderr does not list column {col:?}: {}", r.stderr);
    }
    assert!(!output.exists(), "no output after a failure");
    assert_eq!(dir_entries(dir.path()), ["in.csv"], "nothing left behind");
}

#[test]
fn batch_missing_country_column_exits_4() {
    let dir = temp_dir();
    let input = dir.path().join("in.csv");
    std::fs::write(&input, "name,note\nAleppo,x\n").unwrap();
    let r = run(argv(&[&"geocode", &"--csv", &input, &"--column", &"name", &"--country-column", &"cc"]));
    r.expect_code(4);
    assert!(r.stderr.contains("\"cc\"") || r.stderr.contains(" cc"), "stderr does not name the column: {}", r.stderr);
    assert!(r.stderr.contains("note"), "stderr does not list the columns: {}", r.stderr);
}

#[test]
fn batch_missing_file_exits_3() {
    let dir = temp_dir();
    let input = dir.path().join("does-not-exist.csv");
    let output = dir.path().join("out.csv");
    let r = run(argv(&[&"geocode", &"--csv", &input, &"--column", &"name", &"-o", &output]));
    r.expect_code(3);
    assert!(r.stderr.contains("does-not-exist.csv"), "{}", r.stderr);
    assert!(!output.exists());
}

fn invalid_utf8_csv(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("latin1.csv");
    // Line 3 holds "Halab" with a Latin-1 e-acute (0xE9) in the name column.
    let mut bytes = b"name,note\nAleppo,fine\nHal".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"b,latin-1\nErbil,after\n");
    std::fs::write(&input, bytes).unwrap();
    input
}

#[test]
fn batch_invalid_utf8_exits_4_naming_the_line_and_writes_nothing() {
    let dir = temp_dir();
    let input = invalid_utf8_csv(dir.path());
    let output = dir.path().join("out.csv");
    let r = run(argv(&[&"geocode", &"--csv", &input, &"--column", &"name", &"-o", &output]));
    r.expect_code(4);
    assert!(r.stderr.contains("latin1.csv"), "stderr does not name the file: {}", r.stderr);
    assert!(r.stderr.contains("line 3"), "stderr does not name line 3: {}", r.stderr);
    assert!(!output.exists(), "a failing run must not leave a half-written output");
    assert_eq!(dir_entries(dir.path()), ["latin1.csv"], "no temporary file left behind");
}

#[test]
fn batch_failure_leaves_an_existing_output_unchanged() {
    let dir = temp_dir();
    let output = dir.path().join("out.csv");
    let before = "an earlier result,kept\n";
    let bad_utf8 = invalid_utf8_csv(dir.path());
    let no_column = dir.path().join("cols.csv");
    std::fs::write(&no_column, "place\nAleppo\n").unwrap();
    for input in [&bad_utf8, &no_column] {
        std::fs::write(&output, before).unwrap();
        let r = run(argv(&[&"geocode", &"--csv", &input, &"--column", &"name", &"-o", &output]));
        r.expect_code(4);
        assert_eq!(
            std::fs::read_to_string(&output).unwrap(),
            before,
            "{} changed the existing output",
            input.display()
        );
    }
    assert_eq!(dir_entries(dir.path()), ["cols.csv", "latin1.csv", "out.csv"], "no temporary file left behind");
}
