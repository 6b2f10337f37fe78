//! `geoevents eval`: the scores on the two shared gold corpora must not fall
//! below the agreed floors, and the protocol is checked end to end on a tiny
//! gold file of our own.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

/// The shared gold corpora live outside the crate (`../shared/eval/`); they
/// must be there: a missing corpus is a failure, not a skip.
fn shared_corpus(name: &str) -> String {
    let path = format!("{}/../shared/eval/{name}", env!("CARGO_MANIFEST_DIR"));
    assert!(
        Path::new(&path).is_file(),
        "gold corpus {path} is missing: the evaluation tests need ../shared/eval/{name} (see ../shared/eval/README.md)"
    );
    path
}

fn eval(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Value {
    let mut all = argv(&[&"eval"]);
    all.extend(argv(args));
    let r = run(all);
    r.ok();
    let lines = r.json_lines();
    assert!(!lines.is_empty(), "eval printed nothing");
    lines[0].clone()
}

fn score(v: &Value, key: &str) -> f64 {
    f64_field(v, key)
}

fn assert_floor(v: &Value, key: &str, floor: f64) {
    let got = score(v, key);
    assert!(got >= floor, "{key} = {got:.4} is below the floor {floor} (scores: {v})");
}

#[test]
#[ignore = "needs the gold corpora in ../shared/eval: see README"]
fn geowebnews_scores_stay_above_the_floor() {
    let v = eval(&[&shared_corpus("gwn.jsonl"), &"--require-geonameid"]);
    assert_eq!(v["documents"].as_u64(), Some(200), "{v}");
    assert_floor(&v, "f1", 0.80);
    assert_floor(&v, "acc_at_161", 0.92);
    assert_floor(&v, "e2e_acc_at_161", 0.70);
}

/// The floors are the targets of the accuracy issue; measured with the
/// built-in gazetteer: f1 0.929, acc_at_161 0.856, e2e_acc_at_161 0.794.
#[test]
#[ignore = "needs the gold corpora in ../shared/eval: see README"]
fn geovirus_scores_stay_above_the_floor() {
    let v = eval(&[&shared_corpus("geovirus.jsonl")]);
    assert_eq!(v["documents"].as_u64(), Some(229), "{v}");
    assert_floor(&v, "f1", 0.92);
    assert_floor(&v, "acc_at_161", 0.85);
    assert_floor(&v, "e2e_acc_at_161", 0.78);
}

#[test]
fn a_perfectly_extracted_gold_file_scores_one() {
    let v = eval(&[&fixture("eval/mini-gold.jsonl")]);
    assert_eq!(v["documents"].as_u64(), Some(2), "{v}");
    assert_eq!(score(&v, "precision"), 1.0, "{v}");
    assert_eq!(score(&v, "recall"), 1.0, "{v}");
    assert_eq!(score(&v, "f1"), 1.0, "{v}");
    assert_eq!(score(&v, "acc_at_161"), 1.0, "{v}");
    assert_eq!(score(&v, "e2e_acc_at_161"), 1.0, "{v}");
    assert_eq!(v["tp"].as_u64(), Some(5), "{v}");
    assert_eq!(v["fp"].as_u64(), Some(0), "{v}");
    assert_eq!(v["fn"].as_u64(), Some(0), "{v}");
}

/// The same gold with one toponym left out (the prediction becomes a false
/// positive), one placed at 0,0 (a match, but thousands of km off) and one
/// added on a word the program rightly does not report (a miss).
#[test]
fn the_protocol_counts_false_positives_misses_and_distances() {
    let gold = std::fs::read_to_string(fixture("eval/mini-gold.jsonl")).unwrap();
    let mut docs: Vec<Value> = json_lines(&gold);
    // Doc 1: drop Mosul from the gold.
    let tops = docs[0]["toponyms"].as_array_mut().unwrap();
    let before = tops.len();
    tops.retain(|t| t["name"] != "Mosul");
    assert_eq!(tops.len(), before - 1);
    // Doc 2: Kilis moved to 0,0; and a gold toponym added on "Freitag".
    let text = docs[1]["text"].as_str().unwrap().to_string();
    let tops = docs[1]["toponyms"].as_array_mut().unwrap();
    for t in tops.iter_mut() {
        if t["name"] == "Kilis" {
            t["lat"] = 0.0.into();
            t["lon"] = 0.0.into();
        }
    }
    let byte = text.find("Freitag").expect("doc 2 says Freitag");
    let start = text[..byte].chars().count() as u64;
    let mut extra = tops[0].clone();
    extra["name"] = "Freitag".into();
    extra["start"] = start.into();
    extra["end"] = (start + 7).into();
    extra["geonameid"] = Value::Null;
    tops.push(extra);
    let dir = temp_dir();
    let path = dir.path().join("changed.jsonl");
    std::fs::write(&path, docs.iter().map(|d| d.to_string() + "\n").collect::<String>()).unwrap();

    let v = eval(&[&path]);
    // 5 predictions: Mosul is a false positive; Kirkuk, Ankara, Türkiye, Kilis match.
    // 5 gold: Kirkuk, Ankara, Türkiye, Kilis (far off) and Freitag (missed).
    assert_eq!((v["tp"].as_u64(), v["fp"].as_u64(), v["fn"].as_u64()), (Some(4), Some(1), Some(1)), "{v}");
    assert!((score(&v, "precision") - 0.8).abs() < 1e-9, "{v}");
    assert!((score(&v, "recall") - 0.8).abs() < 1e-9, "{v}");
    assert!((score(&v, "acc_at_161") - 0.75).abs() < 1e-9, "3 of the 4 matches are within 161 km: {v}");
    assert!((score(&v, "e2e_acc_at_161") - 0.6).abs() < 1e-9, "3 of the 5 gold toponyms are within 161 km: {v}");
}

/// Exit code 3 is "an input file is missing or unreadable" (src/cli/mod.rs),
/// as for `extract` and `geocode --csv`.
#[test]
fn a_missing_gold_file_exits_3() {
    let dir = temp_dir();
    let r = run(argv(&[&"eval", &dir.path().join("absent.jsonl")]));
    r.expect_code(3);
    assert!(r.stderr.contains("absent.jsonl"), "{}", r.stderr);
}
