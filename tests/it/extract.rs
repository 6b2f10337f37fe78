//! `geoevents extract`: which places a news text yields, their offsets, the
//! input formats, and what happens with bad input.

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The places of tests/fixtures/articles/erbil-offensive.txt, by the name
/// used in the text, with the gazetteer ids they must resolve to.
const ERBIL_ARTICLE_PLACES: [(&str, &str); 11] = [
    ("Erbil", "geonames:95446"),
    ("Kurdistan Region", "region:kurdistan-region"),
    ("Iraq", "geonames:99237"),
    ("Syria", "geonames:163843"),
    ("Aleppo", "geonames:170063"),
    ("Hama (the governorate)", "geonames:170015"),
    ("Damascus", "geonames:170654"),
    ("Iran", "geonames:130758"),
    ("Russia", "geonames:2017370"),
    ("Turkey", "geonames:298795"),
    ("Ankara", "geonames:323786"),
];

/// Names in the article that are people, groups or a newspaper, never places.
const NOT_PLACES: [&str; 9] = ["Sudani", "Assad", "Tahrir", "Sham", "Jolani", "Araghchi", "Lavrov", "Fidan", "Rudaw"];

fn toponyms(doc: &Value) -> &Vec<Value> {
    doc["toponyms"].as_array().unwrap_or_else(|| panic!("no toponyms array in {doc}"))
}

fn extract_file(path: &Path) -> Value {
    let r = run(argv(&[&"extract", &path]));
    r.ok();
    let docs = r.json_lines();
    assert_eq!(docs.len(), 1, "one document for one file: {}", r.stdout);
    docs.into_iter().next().unwrap()
}

fn extract_text(text: &str) -> Value {
    let r = run_stdin(["extract", "--input-format", "txt"], text);
    r.ok();
    let docs = r.json_lines();
    assert_eq!(docs.len(), 1, "{}", r.stdout);
    docs.into_iter().next().unwrap()
}

/// Every toponym's code point span and byte span must both be its `name`.
fn check_offsets(text: &str, doc: &Value) {
    for t in toponyms(doc) {
        let name = str_field(t, "name");
        let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("no {k} in {t}")) as usize;
        let (start, end, byte_start, byte_end) = (n("start"), n("end"), n("byte_start"), n("byte_end"));
        assert!(start <= end && byte_start <= byte_end, "{t}");
        let by_chars: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(by_chars, name, "code point offsets {start}..{end} do not give the name: {t}");
        let by_bytes = text.as_bytes().get(byte_start..byte_end).map(String::from_utf8_lossy);
        assert_eq!(by_bytes.as_deref(), Some(name), "byte offsets {byte_start}..{byte_end} do not give the name: {t}");
    }
}

fn place_ids(doc: &Value) -> BTreeSet<String> {
    toponyms(doc)
        .iter()
        .filter(|t| matches!(t["mention_type"].as_str(), Some("place" | "metonym")))
        .filter_map(|t| t["place"]["id"].as_str().map(str::to_string))
        .collect()
}

fn ids_of(doc: &Value) -> Vec<String> {
    toponyms(doc).iter().filter_map(|t| t["place"]["id"].as_str().map(str::to_string)).collect()
}

// ------------------------------------------------------------ the article

fn erbil_article() -> (String, Value) {
    let path = fixture("articles/erbil-offensive.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    (text, extract_file(&path))
}

#[test]
fn the_article_yields_exactly_its_eleven_places() {
    let (_, doc) = erbil_article();
    let want: BTreeSet<String> = ERBIL_ARTICLE_PLACES.iter().map(|(_, id)| id.to_string()).collect();
    let got = place_ids(&doc);
    let missing: Vec<&str> =
        ERBIL_ARTICLE_PLACES.iter().filter(|(_, id)| !got.contains(*id)).map(|(name, _)| *name).collect();
    let extra: Vec<String> = toponyms(&doc)
        .iter()
        .filter(|t| matches!(t["mention_type"].as_str(), Some("place" | "metonym")))
        .filter(|t| t["place"]["id"].as_str().is_some_and(|id| !want.contains(id)))
        .map(|t| format!("{:?} -> {} ({})", t["name"].as_str().unwrap_or(""), t["place"]["id"], t["place"]["name"]))
        .collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing places: {missing:?}\nunexpected places: {extra:?}");
    assert_eq!(got, want);
}

#[test]
fn hama_province_is_the_governorate() {
    let (_, doc) = erbil_article();
    let hama: Vec<&Value> =
        toponyms(&doc).iter().filter(|t| t["name"].as_str().is_some_and(|n| n.starts_with("Hama"))).collect();
    assert!(!hama.is_empty(), "\"Hama province\" not found");
    for t in hama {
        assert_eq!(t["place"]["kind"], "admin1", "{t}");
        assert_eq!(t["place"]["country_code"], "SY", "{t}");
    }
}

#[test]
fn the_articles_people_groups_and_newspaper_are_not_places() {
    let (_, doc) = erbil_article();
    let wrong: Vec<String> = toponyms(&doc)
        .iter()
        .filter(|t| NOT_PLACES.iter().any(|p| t["name"].as_str().unwrap_or("").contains(p)))
        .map(|t| {
            format!(
                "{:?} -> {} ({}, {})",
                t["name"].as_str().unwrap_or(""),
                t["place"]["id"],
                t["place"]["name"],
                t["mention_type"]
            )
        })
        .collect();
    assert!(wrong.is_empty(), "names of people, groups or the newspaper reported as toponyms: {wrong:?}");
}

#[test]
fn the_articles_demonyms_are_typed_as_demonyms() {
    let (_, doc) = erbil_article();
    let wrong: Vec<String> = toponyms(&doc)
        .iter()
        .filter(|t| matches!(t["name"].as_str(), Some("Iraqi" | "Syrian" | "Iranian" | "Russian")))
        .filter(|t| t["mention_type"] != "demonym")
        .map(|t| format!("{:?} at {} typed {}", t["name"].as_str().unwrap_or(""), t["start"], t["mention_type"]))
        .collect();
    assert!(wrong.is_empty(), "demonyms not typed \"demonym\": {wrong:?}");
}

#[test]
fn the_articles_offsets_are_right_in_code_points_and_bytes() {
    let (text, doc) = erbil_article();
    assert!(toponyms(&doc).len() >= 11);
    check_offsets(&text, &doc);
    assert_eq!(doc["id"], "erbil-offensive.txt");
}

// ------------------------------------------------------- scripts and offsets

#[test]
fn arabic_and_turkish_spellings_resolve_with_code_point_offsets() {
    let text =
        "Über Nacht meldeten Sprecher: Kämpfer erreichten حلب am Freitag, und Türkiye schloss am Samstag die Grenze.";
    let doc = extract_text(text);
    check_offsets(text, &doc);
    let find = |name: &str| {
        toponyms(&doc)
            .iter()
            .find(|t| t["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} not found in {doc}"))
    };
    let aleppo = find("حلب");
    assert_eq!(aleppo["place"]["id"], "geonames:170063", "{aleppo}");
    let turkey = find("Türkiye");
    assert_eq!(turkey["place"]["id"], "geonames:298795", "{turkey}");
    assert_eq!(turkey["place"]["kind"], "country");
    // Non-ASCII text comes first, so code point and byte offsets differ.
    for t in [&aleppo, &turkey] {
        assert_ne!(t["start"], t["byte_start"], "{t}");
        let start = t["start"].as_u64().unwrap() as usize;
        assert_eq!(
            start,
            text.char_indices().position(|(b, _)| b == t["byte_start"].as_u64().unwrap() as usize).unwrap()
        );
    }
}

// ------------------------------------------------------------------- HTML

#[test]
fn html_pages_give_the_article_places_only() {
    let doc = extract_file(&fixture("articles/page.html"));
    let ids: BTreeSet<String> = ids_of(&doc).into_iter().collect();
    for (name, id) in [
        ("Mosul", "geonames:99072"),
        ("Kirkuk", "geonames:94787"),
        ("Dohuk", "geonames:96994"),
        ("Baghdad", "geonames:98182"),
    ] {
        assert!(ids.contains(id), "{name} ({id}) missing from the article places {ids:?}");
    }
    let mentioned: Vec<&str> = toponyms(&doc).iter().filter_map(|t| t["name"].as_str()).collect();
    for outside in ["Paris", "London", "Tokyo", "Lisbon", "Oslo", "Nairobi", "Lima"] {
        assert!(!mentioned.contains(&outside), "{outside} (menu, comment form or footer) was extracted: {mentioned:?}");
    }
    assert_eq!(doc["title"], "Heavy rain floods streets in Mosul");
    assert_eq!(doc["published_at"], "2024-03-14T09:30:00Z");
}

// ------------------------------------------------------ JSONL, dirs, stdin

const JSONL: &str = concat!(
    r#"{"id": "w-3", "text": "Shelling was reported near Aleppo on Monday.", "title": "Aleppo"}"#,
    "\n",
    r#"{"id": 17, "text": "Floods cut the road between Mosul and Erbil."}"#,
    "\n\n",
    r#"{"text": "Talks resumed in Ankara."}"#,
    "\n",
    r#"{"id": "w-1", "text": "Nothing happened anywhere in particular."}"#,
    "\n",
);

#[test]
fn jsonl_documents_keep_their_order_and_ids() {
    let dir = temp_dir();
    let path = dir.path().join("wire.jsonl");
    std::fs::write(&path, JSONL).unwrap();
    let r = run(argv(&[&"extract", &path]));
    r.ok();
    let docs = r.json_lines();
    let ids: Vec<&str> = docs.iter().map(|d| str_field(d, "id")).collect();
    assert_eq!(ids, ["w-3", "17", "wire.jsonl:4", "w-1"]);
    assert_eq!(docs[0]["title"], "Aleppo");
    assert_eq!(ids_of(&docs[0]), ["geonames:170063"]);
    assert!(ids_of(&docs[1]).contains(&"geonames:95446".to_string()), "{}", docs[1]);
    assert_eq!(ids_of(&docs[2]), ["geonames:323786"]);
    assert!(toponyms(&docs[3]).is_empty(), "{}", docs[3]);
    // Offsets refer to each document's own text.
    let texts: Vec<String> = JSONL
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["text"].as_str().unwrap().to_string())
        .collect();
    for (text, doc) in texts.iter().zip(&docs) {
        check_offsets(text, doc);
    }
}

#[test]
fn a_directory_is_read_recursively_in_sorted_order() {
    let dir = temp_dir();
    let root = dir.path().join("news");
    for (name, content) in [
        ("c.txt", "Protests in Basra."),
        ("b/2.txt", "Rain in Kirkuk."),
        ("b/10.html", "<html><body><p>Snow fell on Dohuk overnight.</p></body></html>"),
        (
            "a.jsonl",
            "{\"id\": \"a-1\", \"text\": \"Heat in Mosul.\"}\n{\"id\": \"a-2\", \"text\": \"Wind in Erbil.\"}\n",
        ),
        ("notes.md", "Damascus is not read: not an input extension."),
        (".hidden/x.txt", "Hidden files about Homs are skipped."),
    ] {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    let r = run(argv(&[&"extract", &root]));
    r.ok();
    let docs = r.json_lines();
    let ids: Vec<&str> = docs.iter().map(|d| str_field(d, "id")).collect();
    assert_eq!(ids, ["a-1", "a-2", "b/10.html", "b/2.txt", "c.txt"]);
    let resolved: Vec<Vec<String>> = docs.iter().map(ids_of).collect();
    // Mosul, Erbil, Dohuk, Kirkuk, Basra.
    let want = ["geonames:99072", "geonames:95446", "geonames:96994", "geonames:94787", "geonames:99532"];
    assert_eq!(resolved, want.map(|id| vec![id.to_string()]));
}

#[test]
fn standard_input_is_read_as_text_or_jsonl() {
    let r = run_stdin(["extract"], "Aid convoys reached Aleppo on Tuesday.\n");
    r.ok();
    let docs = r.json_lines();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], "stdin");
    assert_eq!(ids_of(&docs[0]), ["geonames:170063"]);
    check_offsets("Aid convoys reached Aleppo on Tuesday.\n", &docs[0]);

    let r = run_stdin(["extract", "-"], JSONL);
    r.ok();
    let ids: Vec<String> = r.json_lines().iter().map(|d| str_field(d, "id").to_string()).collect();
    assert_eq!(ids, ["w-3", "17", "stdin:4", "w-1"]);
}

#[test]
fn output_file_holds_what_stdout_would() {
    let dir = temp_dir();
    let input = dir.path().join("wire.jsonl");
    std::fs::write(&input, JSONL).unwrap();
    let out = dir.path().join("out.jsonl");
    let r = run(argv(&[&"extract", &input, &"-o", &out]));
    r.ok();
    assert!(r.stdout.is_empty());
    let to_stdout = run(argv(&[&"extract", &input]));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), to_stdout.stdout);
}

// ---------------------------------------------------------------- bad input

fn bad_jsonl(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("feed.jsonl");
    std::fs::write(
        &path,
        "{\"id\": \"one\", \"text\": \"Shelling near Aleppo.\"}\nthis line is not JSON\n{\"id\": \"three\", \"text\": \"Rain in Erbil.\"}\n",
    )
    .unwrap();
    path
}

#[test]
fn a_line_that_is_not_json_fails_with_4_naming_file_and_line() {
    let dir = temp_dir();
    let path = bad_jsonl(dir.path());
    let r = run(argv(&[&"extract", &path]));
    r.expect_code(4);
    assert!(r.stderr.contains("feed.jsonl:2"), "stderr does not name feed.jsonl line 2: {}", r.stderr);
}

#[test]
fn skip_bad_goes_on_and_counts_the_skipped_line() {
    let dir = temp_dir();
    let path = bad_jsonl(dir.path());
    let r = run(argv(&[&"extract", &"--skip-bad", &path]));
    r.ok();
    let ids: Vec<String> = r.json_lines().iter().map(|d| str_field(d, "id").to_string()).collect();
    assert_eq!(ids, ["one", "three"]);
    assert!(r.stderr.contains("feed.jsonl:2"), "the skipped line is not named: {}", r.stderr);
    assert!(r.stderr.contains("1 skipped"), "stderr does not say 1 skipped: {}", r.stderr);
}

#[test]
fn a_document_without_text_is_named() {
    let dir = temp_dir();
    let path = dir.path().join("notext.jsonl");
    std::fs::write(&path, "{\"id\": \"a\", \"text\": \"Rain in Erbil.\"}\n{\"id\": \"b\", \"title\": \"no body\"}\n")
        .unwrap();
    let r = run(argv(&[&"extract", &path]));
    r.expect_code(4);
    assert!(r.stderr.contains("notext.jsonl:2"), "file and line not named: {}", r.stderr);
    assert!(r.stderr.contains("text"), "the missing field is not named: {}", r.stderr);
}

#[test]
fn an_invalid_utf8_text_file_fails_with_4_naming_it() {
    let dir = temp_dir();
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"Rain in Erbil and a caf\xE9 closed.\n").unwrap();
    let r = run(argv(&[&"extract", &path]));
    r.expect_code(4);
    assert!(r.stderr.contains("latin1.txt"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn an_empty_file_fails_with_4() {
    let dir = temp_dir();
    let path = dir.path().join("empty.txt");
    std::fs::write(&path, b"").unwrap();
    let r = run(argv(&[&"extract", &path]));
    r.expect_code(4);
    assert!(r.stderr.contains("empty.txt"), "{}", r.stderr);
}

#[test]
fn a_missing_file_fails_with_3() {
    let dir = temp_dir();
    let path = dir.path().join("nowhere.txt");
    let r = run(argv(&[&"extract", &path]));
    r.expect_code(3);
    assert!(r.stderr.contains("nowhere.txt"), "{}", r.stderr);
}

#[test]
fn failing_input_leaves_no_output_file() {
    let dir = temp_dir();
    let input = bad_jsonl(dir.path());
    let out = dir.path().join("out.jsonl");
    run(argv(&[&"extract", &input, &"-o", &out])).expect_code(4);
    assert!(!out.exists(), "a failing run left {}", out.display());
    assert_eq!(dir_entries(dir.path()), ["feed.jsonl"], "temporary files left behind");

    // An earlier result under that name is left as it was.
    std::fs::write(&out, "earlier\n").unwrap();
    let missing = dir.path().join("missing.txt");
    run(argv(&[&"extract", &input, &"-o", &out])).expect_code(4);
    run(argv(&[&"extract", &missing, &"-o", &out])).expect_code(3);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier\n");
    assert_eq!(dir_entries(dir.path()), ["feed.jsonl", "out.jsonl"]);
}

#[test]
fn an_output_that_is_a_folder_fails_with_5_and_leaves_nothing() {
    let dir = temp_dir();
    let input = dir.path().join("wire.jsonl");
    std::fs::write(&input, JSONL).unwrap();
    let out = dir.path().join("results");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine\n").unwrap();
    let r = run(argv(&[&"extract", &input, &"-o", &out]));
    r.expect_code(5);
    assert!(r.stderr.contains("results") && r.stderr.contains("is a directory"), "{}", r.stderr);
    assert_eq!(dir_entries(dir.path()), ["results", "wire.jsonl"], "temporary files left beside the folder");
    assert_eq!(dir_entries(&out), ["keep.txt"]);
}

#[test]
fn stale_temporaries_of_killed_runs_are_swept_before_writing() {
    let dir = temp_dir();
    let input = dir.path().join("wire.jsonl");
    std::fs::write(&input, JSONL).unwrap();
    // What a killed writer leaves: our temporary name, locked by nobody.
    let stale = dir.path().join(".out.jsonl.geoevents-k1LLed.tmp");
    std::fs::write(&stale, "half a result").unwrap();
    // Not ours: never touched.
    std::fs::write(dir.path().join(".notes.tmp"), "x").unwrap();
    let out = dir.path().join("out.jsonl");
    let r = run(argv(&[&"extract", &input, &"-o", &out]));
    r.ok();
    assert!(r.stderr.contains("removed the stale temporary file"), "{}", r.stderr);
    assert_eq!(dir_entries(dir.path()), [".notes.tmp", "out.jsonl", "wire.jsonl"]);
}
