//! `geoevents gazetteer info` and `gazetteer import`, and using an imported
//! gazetteer through `--gazetteer` and `$GEOEVENTS_GAZETTEER`.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The GeoNames-format fixture files (see tests/fixtures/README.md).
fn geonames_fixtures() -> Vec<PathBuf> {
    ["dump.txt", "admin1CodesASCII.txt", "countryInfo.txt", "alternateNamesV2.txt"]
        .iter()
        .map(|f| fixture(&format!("geonames/{f}")))
        .collect()
}

/// The 1-based numbers of the dump lines that do not have 19 fields, and
/// how many lines do (read from the fixture, so that editing it keeps the
/// tests right).
fn dump_line_counts() -> (Vec<usize>, u64) {
    let text = std::fs::read_to_string(fixture("geonames/dump.txt")).unwrap();
    let mut bad = Vec::new();
    let mut good = 0;
    for (i, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.split('\t').count() == 19 {
            good += 1;
        } else {
            bad.push(i + 1);
        }
    }
    (bad, good)
}

fn import(out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<std::ffi::OsString> = argv(&[&"gazetteer", &"import"]);
    args.extend(extra.iter().map(Into::into));
    args.extend(geonames_fixtures().into_iter().map(Into::into));
    args.extend(argv(&[&"-o", &out]));
    run(args)
}

/// Imports the fixtures into `dir/gaz.bin` and returns its path.
fn imported(dir: &Path) -> PathBuf {
    let out = dir.join("gaz.bin");
    import(&out, &[]).ok();
    assert!(out.exists(), "import wrote no file");
    out
}

fn candidates_with(gaz: &Path, name: &str) -> Run {
    run(argv(&[&"geocode", &"--gazetteer", &gaz, &"--format", &"json", &name]))
}

fn first_with(gaz: &Path, name: &str) -> Value {
    let r = candidates_with(gaz, name);
    r.ok();
    r.json_lines()[0][0].clone()
}

#[test]
fn builtin_info_describes_a_world_gazetteer() {
    let r = run(["gazetteer", "info", "--json"]);
    r.ok();
    let info = r.json();
    let records = info["records"].as_u64().expect("records");
    assert!(records > 100_000, "only {records} records in the built-in gazetteer");
    let countries = info["meta"]["by_kind"]["country"].as_u64().expect("meta.by_kind.country");
    assert!(countries >= 240, "only {countries} countries");
}

#[test]
fn the_fixture_has_exactly_one_malformed_dump_line() {
    let (bad, good) = dump_line_counts();
    assert_eq!(bad.len(), 1, "the tests below assume one malformed line, found {bad:?}");
    assert!(good >= 5);
}

#[test]
fn import_skips_a_malformed_line_and_names_it() {
    let dir = temp_dir();
    let out = dir.path().join("gaz.bin");
    let r = import(&out, &[]);
    r.ok();
    assert!(out.exists());
    let (bad, _) = dump_line_counts();
    let skipped: Vec<&str> = r.stderr.lines().filter(|l| l.contains("skipped") && l.contains("dump.txt:")).collect();
    assert_eq!(skipped.len(), 1, "one skipped line reported, stderr:\n{}", r.stderr);
    assert!(skipped[0].contains(&format!("dump.txt:{}", bad[0])), "file:line not named: {}", skipped[0]);
    let info = run(argv(&[&"gazetteer", &"info", &"--json", &"--gazetteer", &out])).json();
    assert_eq!(info["meta"]["skipped_lines"].as_u64(), Some(1), "{info}");
}

#[test]
fn strict_import_fails_on_the_malformed_line_and_writes_nothing() {
    let dir = temp_dir();
    let out = dir.path().join("gaz.bin");
    let r = import(&out, &["--strict"]);
    r.expect_code(4);
    let (bad, _) = dump_line_counts();
    assert!(r.stderr.contains(&format!("dump.txt:{}", bad[0])), "stderr does not name file and line: {}", r.stderr);
    assert!(!out.exists(), "a failed strict import left {}", out.display());
    assert!(dir_entries(dir.path()).is_empty(), "temporary files left behind: {:?}", dir_entries(dir.path()));
}

#[test]
fn strict_import_failure_keeps_an_existing_gazetteer() {
    let dir = temp_dir();
    let out = imported(dir.path());
    let before = std::fs::read(&out).unwrap();
    import(&out, &["--strict"]).expect_code(4);
    assert_eq!(std::fs::read(&out).unwrap(), before, "the existing gazetteer was changed");
    assert_eq!(dir_entries(dir.path()), ["gaz.bin"]);
}

#[test]
fn imported_places_are_found_by_main_and_alternate_names() {
    let dir = temp_dir();
    let gaz = imported(dir.path());

    // The main name of an invented village, with its admin1 name joined from admin1CodesASCII.txt.
    let village = first_with(&gaz, "Tell Zarvana");
    assert_eq!(str_field(&village, "id"), "geonames:9900001");
    assert_eq!(str_field(&village, "country_code"), "SY");
    assert_eq!(str_field(&village, "admin1"), "Aleppo Governorate", "{village}");
    assert!((f64_field(&village, "lat") - 36.412).abs() < 1e-6 && (f64_field(&village, "lon") - 37.528).abs() < 1e-6);

    // An alternate name from the dump's own column.
    assert_eq!(str_field(&first_with(&gaz, "Khirbet Miralun"), "id"), "geonames:9900002");
    // Alternate names from alternateNamesV2.txt, in two scripts, and for a real place.
    assert_eq!(str_field(&first_with(&gaz, "Miralun Springs"), "id"), "geonames:9900002");
    assert_eq!(str_field(&first_with(&gaz, "تل زرفانا"), "id"), "geonames:9900001");
    assert_eq!(str_field(&first_with(&gaz, "Beroea"), "id"), "geonames:170063");
    // Kinds come from the feature class and code.
    assert_eq!(str_field(&first_with(&gaz, "Jebel Oruveh"), "kind"), "physical");
    assert_eq!(str_field(&first_with(&gaz, "Iraq"), "kind"), "country");

    // The place on the malformed line was skipped, and an alternate name for
    // a geonameid that is not in the dump joins nothing.
    candidates_with(&gaz, "Qaryat Vendelo").expect_code(6);
    candidates_with(&gaz, "Nowhere At All").expect_code(6);
}

#[test]
fn an_imported_gazetteer_replaces_the_built_in_one() {
    let dir = temp_dir();
    let gaz = imported(dir.path());
    // Damascus is in the built-in gazetteer but not in the fixture.
    candidates_with(&gaz, "Damascus").expect_code(6);
}

#[test]
fn the_environment_variable_selects_the_gazetteer() {
    let dir = temp_dir();
    let gaz = imported(dir.path());
    let r = run_cmd(geoevents().env("GEOEVENTS_GAZETTEER", &gaz).args(["gazetteer", "info", "--json"]));
    r.ok();
    let info = r.json();
    let (_, good) = dump_line_counts();
    assert_eq!(info["records"].as_u64(), Some(good), "{info}");
    assert_eq!(info["meta"]["records"].as_u64(), Some(good), "{info}");

    let r =
        run_cmd(geoevents().env("GEOEVENTS_GAZETTEER", &gaz).args(["geocode", "--format", "json", "Miralun Springs"]));
    r.ok();
    assert_eq!(r.json_lines()[0][0]["id"], "geonames:9900002");
}

#[test]
fn the_option_wins_over_the_environment_variable() {
    let dir = temp_dir();
    let gaz = imported(dir.path());
    let missing = dir.path().join("missing.bin");
    let r = run_cmd(geoevents().env("GEOEVENTS_GAZETTEER", &missing).args(argv(&[
        &"geocode",
        &"--gazetteer",
        &gaz,
        &"--format",
        &"json",
        &"Tell Zarvana",
    ])));
    r.ok();
    assert_eq!(r.json_lines()[0][0]["id"], "geonames:9900001");
}

#[test]
fn a_file_that_is_not_a_gazetteer_is_refused_with_4() {
    let not_gaz = fixture("geonames/countryInfo.txt");
    let r = run(argv(&[&"geocode", &"--gazetteer", &not_gaz, &"Aleppo"]));
    r.expect_code(4);
    assert!(r.stderr.contains("countryInfo.txt"), "stderr does not name the file: {}", r.stderr);
    assert!(r.stderr.to_lowercase().contains("not a geoevents gazetteer"), "unclear message: {}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_missing_gazetteer_file_is_3() {
    let dir = temp_dir();
    let missing = dir.path().join("nope.bin");
    let r = run(argv(&[&"gazetteer", &"info", &"--gazetteer", &missing]));
    r.expect_code(3);
    assert!(r.stderr.contains("nope.bin"), "{}", r.stderr);
}
