//! The README's main job end to end on the sample article: `extract
//! --layers` gives the events the article reports, with the dates and types
//! its facts call for, and areas for its countries and governorates.

use crate::util::*;
use serde_json::Value;

fn layer(dir: &std::path::Path, name: &str) -> Vec<Value> {
    let text =
        std::fs::read_to_string(dir.join(format!("{name}.geojson"))).unwrap_or_else(|e| panic!("{name}.geojson: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}.geojson is not JSON: {e}"));
    v["features"].as_array().cloned().unwrap_or_default()
}

/// The event at `place` whose snippet contains `words`.
fn event<'a>(events: &'a [Value], place: &str, words: &str) -> &'a Value {
    events
        .iter()
        .find(|e| {
            e["properties"]["place_name"] == place
                && e["properties"]["snippet"].as_str().is_some_and(|s| s.contains(words))
        })
        .unwrap_or_else(|| panic!("no event at {place} in a sentence with {words:?}"))
}

#[test]
fn the_sample_article_becomes_dated_typed_events_and_areas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("layers");
    run_cmd(
        geoevents()
            .arg("extract")
            .arg(fixture("articles/erbil-offensive.txt"))
            .arg("--layers")
            .arg(&out)
            .arg("--draw")
            .arg("reported,planned"),
    )
    .ok();

    let events = layer(&out, "events");
    // Published Saturday 30 November 2024 (the article's date line).
    let aleppo = &event(&events, "Aleppo", "entered Aleppo")["properties"];
    assert_eq!(aleppo["event_date"], "2024-11-29", "{aleppo}");
    assert_eq!(aleppo["acled_sub_event_type"], "Non-state actor overtakes territory", "{aleppo}");
    let border = &event(&events, "Iraq", "sealed its border")["properties"];
    assert_eq!(border["event_date"], "2024-11-30", "{border}");
    assert_eq!(border["event_class"], "strategic_developments", "{border}");
    assert_eq!(border["geo_precision"], "country", "{border}");
    let visit = &event(&events, "Damascus", "set to visit")["properties"];
    assert_eq!(visit["event_date"], "2024-12-01", "{visit}");
    assert_eq!(visit["event_class"], "diplomacy", "{visit}");
    assert_eq!(visit["modality"], "planned", "{visit}");
    // "the two main backers of Damascus" is a metonym: not drawn as a happening there.
    assert!(
        !events.iter().any(|e| e["properties"]["place_name"] == "Damascus"
            && e["properties"]["snippet"].as_str().is_some_and(|s| s.contains("backers of Damascus"))),
        "the metonym was drawn as an event at Damascus"
    );

    let areas = layer(&out, "areas");
    let ids: Vec<&str> = areas.iter().filter_map(|a| a["id"].as_str()).collect();
    for (id, what) in
        [("geonames:163843", "Syria"), ("geonames:99237", "Iraq"), ("geonames:170015", "Hama Governorate")]
    {
        assert!(ids.contains(&id), "{what} ({id}) is not among the areas: {ids:?}");
    }
    for a in &areas {
        assert_eq!(a["geometry"]["type"], "MultiPolygon", "{}", a["id"]);
        assert!(a["properties"]["place_mention_count"].as_i64().unwrap_or(0) >= 1, "{}", a["id"]);
    }
    assert!(out.join("index.html").is_file(), "no web page beside the layers");
}
