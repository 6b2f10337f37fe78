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

// ---- Damaged gazetteer files: exit 4 naming what is wrong, never a panic ----

/// The header fields of a gazetteer file (layout in
/// crates/geoevents-core/src/gazetteer/layout.rs): magic, then 15 u64s.
const FIELDS: usize = 15;

fn field(bytes: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(bytes[8 + 8 * i..16 + 8 * i].try_into().unwrap())
}

fn set_field(bytes: &mut [u8], i: usize, v: u64) {
    bytes[8 + 8 * i..16 + 8 * i].copy_from_slice(&v.to_le_bytes());
}

/// (offset, length) of each section: record, string, name index, postings, metadata.
fn sections(bytes: &[u8]) -> [(usize, usize); 5] {
    let n = field(bytes, 0) as usize;
    [
        (field(bytes, 1) as usize, n * 32),
        (field(bytes, 2) as usize, field(bytes, 3) as usize),
        (field(bytes, 4) as usize, field(bytes, 5) as usize),
        (field(bytes, 6) as usize, field(bytes, 7) as usize),
        (field(bytes, 8) as usize, field(bytes, 9) as usize),
    ]
}

/// Recomputes every checksum, so that only the structural checks can find
/// what a test broke (the name index keeps its own, fst's, checksum).
fn rechecksum(bytes: &mut [u8]) {
    let s = sections(bytes);
    for (k, &idx) in [0usize, 1, 3, 4].iter().enumerate() {
        let (off, len) = s[idx];
        let crc = crc32fast::hash(&bytes[off..off + len]);
        set_field(bytes, 10 + k, u64::from(crc));
    }
    rechecksum_header(bytes);
}

/// Recomputes the header's own checksum only.
fn rechecksum_header(bytes: &mut [u8]) {
    let crc = crc32fast::hash(&bytes[..8 + 8 * (FIELDS - 1)]);
    set_field(bytes, FIELDS - 1, u64::from(crc));
}

/// Writes `bytes` as a gazetteer file and opens it with `geocode`: exit 4
/// with a message that names the file and contains `expect`.
fn refused(dir: &Path, name: &str, bytes: &[u8], expect: &str) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let r = run(argv(&[&"geocode", &"--gazetteer", &path, &"Aleppo"]));
    assert_ne!(r.code, 101, "panicked on {name}: {}", r.stderr);
    r.expect_code(4);
    assert!(r.stderr.contains(name), "{name}: the message does not name the file: {}", r.stderr);
    assert!(r.stderr.contains(expect), "{name}: expected {expect:?} in: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn a_truncated_gazetteer_is_refused() {
    let dir = temp_dir();
    let good = std::fs::read(imported(dir.path())).unwrap();
    refused(dir.path(), "half.bin", &good[..good.len() / 2], "outside the");
    refused(dir.path(), "short.bin", &good[..good.len() - 1], "outside the");
    refused(dir.path(), "header-only.bin", &good[..60], "shorter than the 128-byte header");
    refused(dir.path(), "empty.bin", b"", "not a geoevents gazetteer");
}

#[test]
fn a_flipped_byte_in_any_section_is_found_by_its_checksum() {
    let dir = temp_dir();
    let good = std::fs::read(imported(dir.path())).unwrap();
    let names = ["record", "string", "name index", "postings", "metadata"];
    for (i, (off, len)) in sections(&good).into_iter().enumerate() {
        assert!(len > 0, "the fixture gazetteer has an empty {} section", names[i]);
        for at in [off, off + len / 2, off + len - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x20;
            let expect = if names[i] == "name index" { "name index" } else { "checksum does not match" };
            refused(dir.path(), &format!("flip-{}-{at}.bin", names[i].replace(' ', "-")), &bad, expect);
        }
    }
    let mut bad = good.clone();
    bad[20] ^= 1;
    refused(dir.path(), "flip-header.bin", &bad, "header checksum");
}

#[test]
fn a_wrong_magic_or_an_old_version_is_refused() {
    let dir = temp_dir();
    let good = std::fs::read(imported(dir.path())).unwrap();
    let mut bad = good.clone();
    bad[..6].copy_from_slice(b"NOTGAZ");
    refused(dir.path(), "magic.bin", &bad, "not a geoevents gazetteer");
    let mut old = good.clone();
    old[7] = 1;
    refused(dir.path(), "v1.bin", &old, "format version 1");
}

#[test]
fn a_valid_header_pointing_outside_the_file_is_refused() {
    let dir = temp_dir();
    let good = std::fs::read(imported(dir.path())).unwrap();
    for (name, i, v) in [
        ("blob-len.bin", 3, u64::MAX - 3),
        ("fst-off.bin", 4, good.len() as u64),
        ("records.bin", 0, good.len() as u64 / 32 + 1),
        ("meta-off.bin", 8, 3),
    ] {
        let mut bad = good.clone();
        set_field(&mut bad, i, v);
        rechecksum_header(&mut bad);
        refused(dir.path(), name, &bad, "lies outside the");
    }
}

#[test]
fn damaged_structure_with_matching_checksums_is_refused() {
    let dir = temp_dir();
    let good = std::fs::read(imported(dir.path())).unwrap();
    let [(core, _), (blob, blob_len), _, (postings, postings_len), _] = sections(&good);

    // Record 1's strings said to start past the string section.
    let mut bad = good.clone();
    bad[core + 32 + 24..core + 32 + 28].copy_from_slice(&(blob_len as u32 + 10).to_le_bytes());
    rechecksum(&mut bad);
    refused(dir.path(), "blob-offset.bin", &bad, "record 1: strings start at byte");

    // The first string's length runs past the end of the section.
    let mut bad = good.clone();
    bad[blob..blob + 2].copy_from_slice(&u16::MAX.to_le_bytes());
    rechecksum(&mut bad);
    refused(dir.path(), "string-len.bin", &bad, "record 0:");

    // A string that is not UTF-8 (the first byte of the first id).
    let mut bad = good.clone();
    bad[blob + 2] = 0xFF;
    rechecksum(&mut bad);
    refused(dir.path(), "utf8.bin", &bad, "is not UTF-8");

    // An unknown kind, a latitude off the Earth.
    let mut bad = good.clone();
    bad[core + 28] = 200;
    rechecksum(&mut bad);
    refused(dir.path(), "kind.bin", &bad, "unknown kind byte 200");
    let mut bad = good.clone();
    bad[core..core + 8].copy_from_slice(&f64::NAN.to_le_bytes());
    rechecksum(&mut bad);
    refused(dir.path(), "lat.bin", &bad, "not a point on Earth");

    // A posting of a record that does not exist.
    assert!(postings_len >= 9, "the fixture gazetteer has a shared name (a postings list)");
    let mut bad = good.clone();
    bad[postings + 4..postings + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    rechecksum(&mut bad);
    refused(dir.path(), "posting.bin", &bad, "does not exist");

    // Metadata that is not JSON.
    let (meta, meta_len) = sections(&good)[4];
    let mut bad = good.clone();
    bad[meta..meta + meta_len].fill(b'x');
    rechecksum(&mut bad);
    refused(dir.path(), "meta.bin", &bad, "metadata is not UTF-8 JSON");
}

// ---- Import inputs that are not GeoNames text ----

fn import_files(files: &[&Path], out: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<std::ffi::OsString> = argv(&[&"gazetteer", &"import"]);
    args.extend(extra.iter().map(Into::into));
    args.extend(files.iter().map(Into::into));
    args.extend(argv(&[&"-o", &out]));
    run(args)
}

#[test]
fn importing_nothing_valid_is_4_and_writes_nothing() {
    let dir = temp_dir();
    let out = dir.path().join("out").join("gaz.bin");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let text = std::fs::read_to_string(fixture("geonames/dump.txt")).unwrap();
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let utf16_no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    // Bytes from a fixed pseudo-random sequence, with no NUL among them.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8 | 1
        })
        .collect();
    let mut binary = random.clone();
    binary[100] = 0;
    for (name, bytes, expect) in [
        ("empty.txt", b"".to_vec(), "no valid place"),
        ("comments.txt", b"# only a comment\n\n".to_vec(), "no valid place"),
        ("random.txt", random, "no valid place"),
        ("binary.txt", binary, "looks binary or UTF-16"),
        ("utf16.txt", utf16, "UTF-16 byte order mark"),
        ("utf16-nobom.txt", utf16_no_bom, "looks binary or UTF-16"),
    ] {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let r = import_files(&[&input], &out, &[]);
        r.expect_code(4);
        assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
        assert!(r.stderr.contains(expect), "{name}: expected {expect:?} in {}", r.stderr);
        assert!(
            dir_entries(&dir.path().join("out")).is_empty(),
            "{name} left {:?}",
            dir_entries(&dir.path().join("out"))
        );
    }
}

#[test]
fn duplicate_geonameids_are_merged_into_the_first_row_and_counted() {
    let dir = temp_dir();
    let dump = fixture("geonames/dump.txt");
    let out = dir.path().join("gaz.bin");
    // The same dump twice, as when cities500.txt and allCountries.txt are both given.
    let r = import_files(&[&dump, &dump], &out, &[]);
    r.ok();
    let (_, good) = dump_line_counts();
    assert!(r.stderr.contains(&format!("{good} duplicate geonameids merged")), "{}", r.stderr);
    let info = run(argv(&[&"gazetteer", &"info", &"--json", &"--gazetteer", &out])).json();
    assert_eq!(info["records"].as_u64(), Some(good), "{info}");
    assert_eq!(info["meta"]["duplicate_geonameids"].as_u64(), Some(good), "{info}");
    let r = candidates_with(&out, "Tell Zarvana");
    r.ok();
    let lines = r.json_lines();
    let ids: Vec<&str> = lines[0].as_array().unwrap().iter().map(|c| str_field(c, "id")).collect();
    assert_eq!(ids.iter().filter(|id| **id == "geonames:9900001").count(), 1, "{ids:?}");

    // With --strict a repeated geonameid is refused (a dump without the malformed line).
    let clean = dir.path().join("clean.txt");
    let text = std::fs::read_to_string(&dump).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| l.split('\t').count() == 19).collect();
    std::fs::write(&clean, lines.join("\n") + "\n").unwrap();
    let strict = dir.path().join("strict.bin");
    import_files(&[&clean], &strict, &["--strict"]).ok();
    std::fs::remove_file(&strict).unwrap();
    let r = import_files(&[&clean, &clean], &strict, &["--strict"]);
    r.expect_code(4);
    assert!(r.stderr.contains("was given by an earlier row"), "{}", r.stderr);
    assert!(!strict.exists());
}
