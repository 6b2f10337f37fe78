//! Events end to end: the sample article's checks of issue 9 on a fixture
//! in our own words (`articles/aleppo-advance.txt`), and cross-article
//! merging (`articles/kharkiv-strikes.jsonl`: the same strike from three
//! sources, and a fourth article on another day).

use crate::util::*;
use serde_json::Value;

fn events_of(doc: &Value) -> Vec<Value> {
    doc["events"].as_array().cloned().unwrap_or_default()
}

/// The event whose snippet contains `words` and whose class is `class`.
fn event<'a>(events: &'a [Value], words: &str, class: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["snippet"].as_str().is_some_and(|s| s.contains(words)) && e["event_class"] == class)
        .unwrap_or_else(|| panic!("no {class} event in a sentence with {words:?}: {events:#?}"))
}

fn place_name(e: &Value) -> Option<&str> {
    e["place"]["name"].as_str()
}

#[test]
fn the_sample_article_gives_the_events_an_analyst_expects() {
    let docs = run(["extract".as_ref(), fixture("articles/aleppo-advance.txt").as_os_str()]).ok().json_lines();
    let events = events_of(&docs[0]);

    // Aleppo taken on Friday (published Saturday 30 November 2024), by the rebels.
    let aleppo = event(&events, "entered Aleppo", "battles");
    assert_eq!(place_name(aleppo), Some("Aleppo"), "{aleppo}");
    assert_eq!(aleppo["event_date"], "2024-11-29", "{aleppo}");
    assert_eq!(aleppo["acled_event_type"], "Battles");
    assert_eq!(aleppo["acled_sub_event_type"], "Non-state actor overtakes territory");
    assert_eq!(aleppo["modality"], "reported");
    let actor1 = aleppo["actor1"].as_str().unwrap_or_default();
    assert!(actor1.contains("HTS") || actor1.contains("rebel"), "actor1 {actor1:?}");

    // Iraq's border closure: on Saturday, at Iraq, country precision.
    let border = events
        .iter()
        .find(|e| e["snippet"].as_str().is_some_and(|s| s.contains("sealed its border")))
        .expect("a border event");
    assert_eq!(place_name(border), Some("Iraq"), "{border}");
    assert_eq!(border["geo_precision"], "country");
    assert_eq!(border["event_date"], "2024-11-30");
    assert_eq!(border["event_class"], "strategic_developments");

    // The Damascus visit: planned diplomacy on Sunday, not drawn by default.
    let visit = event(&events, "set to visit", "diplomacy");
    assert_eq!(place_name(visit), Some("Damascus"), "{visit}");
    assert_eq!(visit["event_date"], "2024-12-01");
    assert_eq!(visit["modality"], "planned");
    assert_eq!(visit["acled_event_type"], Value::Null);

    // The Iran-Russia call: diplomacy, not at Aleppo (Aleppo is its topic).
    let call = event(&events, "phone call", "diplomacy");
    assert_ne!(place_name(call), Some("Aleppo"), "{call}");
    assert_eq!(call["geo_precision"], "none");
    assert!(
        call["mentioned_places"].as_array().unwrap().iter().any(|m| m["name"] == "Aleppo" && m["relation"] == "topic"),
        "{call}"
    );

    // No event at Erbil, the dateline.
    assert!(
        !events.iter().any(|e| place_name(e).is_some_and(|n| n.contains("Erbil") || n.contains("Arbil"))),
        "{events:#?}"
    );

    // The advance towards Hama is no change of territory, and not at Hama.
    for e in events.iter().filter(|e| e["snippet"].as_str().is_some_and(|s| s.contains("towards Hama"))) {
        assert_ne!(e["acled_sub_event_type"], "Non-state actor overtakes territory", "{e}");
        assert!(!place_name(e).is_some_and(|n| n.contains("Hama")), "{e}");
    }
}

#[test]
fn the_same_strike_in_three_sources_is_one_drawn_event() {
    let dir = temp_dir();
    let out = dir.path().join("layers");
    let jsonl = dir.path().join("events.jsonl");
    run_cmd(
        geoevents()
            .arg("extract")
            .arg(fixture("articles/kharkiv-strikes.jsonl"))
            .arg("--layers")
            .arg(&out)
            .arg("--format")
            .arg("geojson,jsonl")
            .arg("-o")
            .arg(&jsonl),
    )
    .ok();
    let text = std::fs::read_to_string(out.join("events.geojson")).unwrap();
    let layer: Value = serde_json::from_str(&text).unwrap();
    let features = layer["features"].as_array().unwrap();
    let at_kharkiv: Vec<&Value> = features.iter().filter(|f| f["properties"]["place_name"] == "Kharkiv").collect();
    assert_eq!(at_kharkiv.len(), 2, "one merged event and the later one: {features:#?}");
    let merged = at_kharkiv.iter().find(|f| f["properties"]["num_articles"] == 3).expect("a merged event");
    let p = &merged["properties"];
    assert_eq!(p["num_sources"], 3);
    assert_eq!(p["event_date"], "2024-11-29");
    assert_eq!(p["first_reported"], "2024-11-30T08:00:00Z");
    assert_eq!(p["last_reported"], "2024-11-30T09:30:00Z");
    assert_eq!(p["source_urls"].as_str().unwrap().split(' ').count(), 3);
    let later = at_kharkiv.iter().find(|f| f["properties"]["num_articles"] == 1).expect("the later event");
    assert_eq!(later["properties"]["event_date"], "2024-12-05");

    // The JSONL keeps each article's own event, with the id it merged into.
    let docs = json_lines(&std::fs::read_to_string(&jsonl).unwrap());
    let into: Vec<Value> = docs[..3]
        .iter()
        .map(|d| {
            let e = events_of(d).into_iter().find(|e| e["place"]["name"] == "Kharkiv").expect("a Kharkiv event");
            e["merged_into"].clone()
        })
        .collect();
    assert!(into.iter().all(|m| m == &into[0] && m.is_string()), "{into:?}");
    assert_eq!(into[0], merged["id"]);

    // Input order changes nothing: the same layer bytes from the reversed file.
    let reversed = dir.path().join("reversed.jsonl");
    let mut lines: Vec<String> =
        std::fs::read_to_string(fixture("articles/kharkiv-strikes.jsonl")).unwrap().lines().map(String::from).collect();
    lines.reverse();
    std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
    let out2 = dir.path().join("layers2");
    run_cmd(geoevents().arg("extract").arg(&reversed).arg("--layers").arg(&out2)).ok();
    let a: Value = serde_json::from_str(&text).unwrap();
    let b: Value = serde_json::from_str(&std::fs::read_to_string(out2.join("events.geojson")).unwrap()).unwrap();
    let ids = |v: &Value| {
        let mut x: Vec<String> = v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap_or_default().to_string())
            .collect();
        x.sort();
        x
    };
    assert_eq!(ids(&a), ids(&b));
}
