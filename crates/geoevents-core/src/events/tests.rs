//! Events of a whole article, with toponyms built by hand (no resolver).

use super::*;
use crate::ingest::Origin;

/// The gazetteer fields of the places the test articles name.
struct Place {
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    feature_code: &'static str,
    country_code: &'static str,
    admin1_code: Option<&'static str>,
    lat: f64,
    lon: f64,
}

#[expect(clippy::too_many_arguments, reason = "one row of test data")]
const fn place(
    id: &'static str,
    name: &'static str,
    kind: &'static str,
    feature_code: &'static str,
    country_code: &'static str,
    admin1_code: Option<&'static str>,
    lat: f64,
    lon: f64,
) -> Place {
    Place { id, name, kind, feature_code, country_code, admin1_code, lat, lon }
}

const ALEPPO: Place = place("geonames:170063", "Aleppo", "city", "PPLA", "SY", Some("SY.09"), 36.20124, 37.16117);
const SYRIA: Place = place("geonames:163843", "Syria", "country", "PCLI", "SY", None, 35.0, 38.0);
const IRAQ: Place = place("geonames:99237", "Iraq", "country", "PCLI", "IQ", None, 33.0, 44.0);
const DAMASCUS: Place = place("geonames:170654", "Damascus", "city", "PPLC", "SY", Some("SY.13"), 33.5102, 36.29128);
const IRAN: Place = place("geonames:130758", "Iran", "country", "PCLI", "IR", None, 32.0, 53.0);
const RUSSIA: Place = place("geonames:2017370", "Russia", "country", "PCLI", "RU", None, 60.0, 100.0);
const ANKARA: Place = place("geonames:323786", "Ankara", "city", "PPLC", "TR", Some("TR.68"), 39.91987, 32.85427);
const IDLIB: Place =
    place("geonames:169387", "Idlib Governorate", "admin1", "ADM1", "SY", Some("SY.12"), 35.76667, 36.66667);
const TURKEY: Place = place("geonames:298795", "Türkiye", "country", "PCLI", "TR", None, 39.0, 35.0);

fn enum_of<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(serde_json::Value::String(name.to_string())).expect("a known name")
}

/// The `nth` (0-based) occurrence of `needle` in `text` as a toponym.
fn topo(text: &str, needle: &str, nth: usize, mention_type: &'static str, p: Option<&Place>) -> Toponym {
    let byte_start = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} #{nth} in text")).0;
    let byte_end = byte_start + needle.len();
    Toponym {
        start: text[..byte_start].chars().count(),
        end: text[..byte_end].chars().count(),
        byte_start,
        byte_end,
        name: needle.to_string(),
        place: p.map(|p| PlaceRef {
            id: p.id.to_string(),
            name: p.name.to_string(),
            kind: enum_of(p.kind),
            feature_code: p.feature_code.to_string(),
            country_code: Some(p.country_code.to_string()),
            admin1_code: p.admin1_code.map(str::to_string),
            admin1: None,
            lat: p.lat,
            lon: p.lon,
        }),
        mention_type: enum_of(mention_type),
        confidence: 0.9,
        reasons: vec![],
    }
}

fn doc(id: &str, text: &str, published_at: Option<&str>) -> Document {
    Document {
        id: id.into(),
        text: text.into(),
        title: Some("Iraq shuts Syria border as rebels sweep into Aleppo".into()),
        url: Some("https://example.org/news/iraq-border".into()),
        source: Some("Example News".into()),
        published_at: published_at.map(str::to_string),
        origin: Origin { path: "test".into(), line: None },
    }
}

/// An article in our own words with the facts of the Erbil example
/// (published Saturday 30 November 2024).
const ARTICLE: &str = "Iraq shuts Syria border as rebels sweep into Aleppo

Opposition fighters entered Aleppo, the biggest city in Syria, on Friday afternoon after seizing a string of nearby villages, witnesses said.

It is the first major advance by the rebel alliance in several years.

On Saturday Iraq sealed its border with Syria and placed its army on standby, Iraqi state television reported.

Supporters of Damascus, namely Iran and Russia, voiced grave concern about the situation in Aleppo.

Iranian Foreign Minister Abbas Araghchi is set to visit Damascus on Sunday and will then fly on to Ankara, a ministry spokesman said.

Turkish officials said yesterday that aid deliveries to Idlib had stalled.
Thousands of families fled Idlib last week.
Flights to Aleppo were last seen on 12 March 2023, airport staff told reporters on Friday.
";

fn article_toponyms(text: &str) -> Vec<Toponym> {
    vec![
        // Headline.
        topo(text, "Iraq", 0, "place", Some(&IRAQ)),
        topo(text, "Syria", 0, "place", Some(&SYRIA)),
        topo(text, "Aleppo", 0, "place", Some(&ALEPPO)),
        // Aleppo entered.
        topo(text, "Aleppo", 1, "place", Some(&ALEPPO)),
        topo(text, "Syria", 1, "place", Some(&SYRIA)),
        // Border.
        topo(text, "Iraq", 1, "place", Some(&IRAQ)),
        topo(text, "Syria", 2, "place", Some(&SYRIA)),
        topo(text, "Iraqi", 0, "demonym", Some(&IRAQ)),
        // Allies.
        topo(text, "Damascus", 0, "metonym", Some(&DAMASCUS)),
        topo(text, "Iran", 0, "metonym", Some(&IRAN)),
        topo(text, "Russia", 0, "metonym", Some(&RUSSIA)),
        topo(text, "Aleppo", 2, "place", Some(&ALEPPO)),
        // Visit.
        topo(text, "Iranian", 0, "demonym", Some(&IRAN)),
        topo(text, "Damascus", 1, "place", Some(&DAMASCUS)),
        topo(text, "Ankara", 0, "place", Some(&ANKARA)),
        // Yesterday, last week, explicit date.
        topo(text, "Turkish", 0, "demonym", Some(&TURKEY)),
        topo(text, "Idlib", 0, "place", Some(&IDLIB)),
        topo(text, "Idlib", 1, "place", Some(&IDLIB)),
        topo(text, "Aleppo", 3, "place", Some(&ALEPPO)),
    ]
}

fn events_of(text: &str, published_at: Option<&str>) -> Vec<Event> {
    document_events(&doc("news/erbil.txt", text, published_at), &article_toponyms(text))
}

/// The event at the `nth` mention of `needle`.
fn at<'a>(events: &'a [Event], text: &str, needle: &str, nth: usize) -> &'a Event {
    let start = text[..text.match_indices(needle).nth(nth).unwrap().0].chars().count();
    events.iter().find(|e| e.char_start == start).unwrap_or_else(|| panic!("no event at {needle} #{nth}"))
}

#[test]
fn the_article_dates_types_and_anchors() {
    let ev = events_of(ARTICLE, Some("2024-11-30T09:00:00Z"));

    // Rebels entering Aleppo on Friday afternoon: the day before publication.
    let aleppo = at(&ev, ARTICLE, "Aleppo", 1);
    assert_eq!(aleppo.event_date.as_deref(), Some("2024-11-29"));
    assert_eq!(aleppo.date_precision.map(dates::Precision::as_str), Some("day"));
    assert_eq!(aleppo.date_rule, "weekday Friday before publication");
    assert_eq!(aleppo.event_type.as_str(), "territorial_change");
    assert_eq!(aleppo.event_type_cues, ["entered", "seizing"]);
    assert!(!aleppo.is_metonym);
    assert_eq!(aleppo.place.as_ref().map(|p| p.id.as_str()), Some("geonames:170063"));
    assert_eq!((aleppo.geo_precision.map(GeoPrecision::as_str), aleppo.is_centroid), (Some("city"), false));
    // Syria in the same sentence: the same happening, anchored there too.
    let syria = at(&ev, ARTICLE, "Syria", 1);
    assert_eq!((syria.event_date.as_deref(), syria.event_type.as_str()), (Some("2024-11-29"), "territorial_change"));
    assert_eq!((syria.geo_precision.map(GeoPrecision::as_str), syria.is_centroid), (Some("country"), true));
    assert_eq!(syria.sentence_char_start, aleppo.sentence_char_start);

    // Iraq seals its border on Saturday: publication day.
    let iraq = at(&ev, ARTICLE, "Iraq", 1);
    assert_eq!(iraq.event_date.as_deref(), Some("2024-11-30"));
    assert_eq!(iraq.date_precision.map(dates::Precision::as_str), Some("day"));
    assert_eq!(iraq.event_type.as_str(), "border_closure");
    // The demonym "Iraqi" anchors nothing.
    let iraqi = ARTICLE[..ARTICLE.find("Iraqi").unwrap()].chars().count();
    assert!(ev.iter().all(|e| e.char_start != iraqi));
    assert_eq!(ev.iter().filter(|e| e.sentence_char_start == iraq.sentence_char_start).count(), 2);

    // Araghchi is set to visit Damascus on Sunday: the day after publication.
    let visit = at(&ev, ARTICLE, "Damascus", 1);
    assert_eq!(visit.event_date.as_deref(), Some("2024-12-01"));
    assert_eq!(visit.date_rule, "weekday Sunday after publication (future tense)");
    assert_eq!(visit.event_type.as_str(), "diplomacy");
    assert_eq!(visit.actors, ["Abbas Araghchi"]);
    assert!(!visit.is_metonym);
    assert_eq!(at(&ev, ARTICLE, "Ankara", 0).event_date.as_deref(), Some("2024-12-01"));

    // Allies of Damascus: a metonym, flagged; Aleppo in that sentence is a place.
    let allies = at(&ev, ARTICLE, "Damascus", 0);
    assert!(allies.is_metonym);
    assert_eq!(allies.event_date.as_deref(), Some("2024-11-30"));
    assert_eq!(allies.date_rule, "publication date");
    assert_eq!(allies.event_type.as_str(), "statement");
    assert!(at(&ev, ARTICLE, "Iran", 0).is_metonym);
    assert!(!at(&ev, ARTICLE, "Aleppo", 2).is_metonym);

    // Yesterday, last week, and an explicit date over a weekday.
    let yesterday = at(&ev, ARTICLE, "Idlib", 0);
    assert_eq!(yesterday.event_date.as_deref(), Some("2024-11-29"));
    assert_eq!(yesterday.date_rule, "yesterday");
    assert_eq!(yesterday.actors, ["Turkish officials"]);
    let last_week = at(&ev, ARTICLE, "Idlib", 1);
    assert_eq!(last_week.date_precision.map(dates::Precision::as_str), Some("week"));
    assert_eq!(last_week.event_date.as_deref(), Some("2024-11-18"));
    assert_eq!(last_week.event_type.as_str(), "displacement");
    let explicit = at(&ev, ARTICLE, "Aleppo", 3);
    assert_eq!(explicit.event_date.as_deref(), Some("2023-03-12"));
    assert_eq!(explicit.date_rule, "explicit date");
}

#[test]
fn sentences_without_places_give_no_events_and_counts_add_up() {
    let ev = events_of(ARTICLE, Some("2024-11-30T09:00:00Z"));
    let quiet = "It is the first major advance";
    let start = ARTICLE[..ARTICLE.find(quiet).unwrap()].chars().count();
    assert!(ev.iter().all(|e| e.sentence_char_start != start));
    // 19 toponyms, 3 demonyms: 16 events, one for each place a sentence names.
    assert_eq!(ev.len(), 16);
    // In text order.
    assert!(ev.windows(2).all(|w| w[0].char_start < w[1].char_start));
}

#[test]
fn ids_are_stable_and_distinct() {
    let a = events_of(ARTICLE, Some("2024-11-30T09:00:00Z"));
    let b = events_of(ARTICLE, Some("2024-11-30T09:00:00Z"));
    assert_eq!(a, b);
    let ids: std::collections::HashSet<&str> = a.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), a.len(), "one id per event");
    assert!(a.iter().all(|e| e.id.len() == 16 && e.id.chars().all(|c| c.is_ascii_hexdigit())));
    // Same sentence, different places: different ids.
    assert_ne!(at(&a, ARTICLE, "Aleppo", 1).id, at(&a, ARTICLE, "Syria", 1).id);
    // Another document id: other ids.
    let c = document_events(&doc("news/other.txt", ARTICLE, None), &article_toponyms(ARTICLE));
    assert!(a.iter().zip(&c).all(|(x, y)| x.id != y.id));
}

#[test]
fn offsets_mentions_and_metadata() {
    let ev = events_of(ARTICLE, Some("2024-11-30T09:00:00Z"));
    let chars: Vec<char> = ARTICLE.chars().collect();
    for e in &ev {
        let mention: String = chars[e.char_start..e.char_end].iter().collect();
        assert_eq!(mention, e.mention_text);
        let sentence: String = chars[e.sentence_char_start..e.sentence_char_end].iter().collect();
        assert!(sentence.contains(&e.mention_text));
        assert_eq!(e.snippet, sentence.split_whitespace().collect::<Vec<_>>().join(" "));
        assert_eq!(e.published_at.as_deref(), Some("2024-11-30T09:00:00Z"));
        assert_eq!(e.source_name.as_deref(), Some("Example News"));
        assert_eq!(e.doc_id, "news/erbil.txt");
    }
    let idlib = at(&ev, ARTICLE, "Idlib", 0);
    assert_eq!(idlib.place.as_ref().map(|p| p.name.as_str()), Some("Idlib Governorate"));
    assert_eq!((idlib.geo_precision.map(GeoPrecision::as_str), idlib.is_centroid), (Some("admin1"), true));
    assert_eq!(idlib.place.as_ref().and_then(|p| p.admin1_code.as_deref()), Some("SY.12"));
}

#[test]
fn multibyte_text_gives_code_point_offsets() {
    let text = "Ça va. Les rebelles sont entrés à Alep vendredi. Fin.";
    let t = topo(text, "Alep", 0, "place", Some(&ALEPPO));
    let ev = document_events(&doc("fr", text, Some("2024-11-30")), &[t]);
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].char_start, ev[0].char_end), (34, 38));
    assert_eq!((ev[0].sentence_char_start, ev[0].sentence_char_end), (7, 48));
    assert_eq!(ev[0].published_at.as_deref(), Some("2024-11-30"));
    assert_eq!(ev[0].event_type.as_str(), "unclassified");
    assert!(ev[0].event_type_cues.is_empty());
}

#[test]
fn no_date_anywhere_gives_null_dates() {
    let text = "Rebels entered Aleppo.";
    let ev = document_events(&doc("d", text, None), &[topo(text, "Aleppo", 0, "place", Some(&ALEPPO))]);
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].event_date.as_deref(), ev[0].date_precision), (None, None));
    assert_eq!(ev[0].date_rule, "no date");
    assert_eq!(ev[0].published_at, None);
    // A weekday cannot be resolved without a reference either.
    let text = "Rebels entered Aleppo on Friday.";
    let ev = document_events(&doc("d", text, Some("not a date")), &[topo(text, "Aleppo", 0, "place", Some(&ALEPPO))]);
    assert_eq!((ev[0].event_date.as_deref(), ev[0].date_rule.as_str()), (None, "no date"));
}

#[test]
fn dateline_date_when_published_at_is_missing() {
    let text = "Rebels take Aleppo\n\n30-11-2024\n\nRebels entered Aleppo on Friday.";
    let ev = document_events(&doc("d", text, None), &[topo(text, "Aleppo", 1, "place", Some(&ALEPPO))]);
    assert_eq!(ev[0].event_date.as_deref(), Some("2024-11-29"));
    assert_eq!(ev[0].date_rule, "weekday Friday before publication, from dateline date");
    assert_eq!(ev[0].published_at, None, "published_at reports the metadata only");
}

#[test]
fn offset_published_at_is_converted_to_utc() {
    let text = "Iraq sealed its border with Syria yesterday.";
    let toponyms = [topo(text, "Iraq", 0, "place", Some(&IRAQ)), topo(text, "Syria", 0, "place", Some(&SYRIA))];
    let ev = document_events(&doc("d", text, Some("2024-11-30T12:00:00+03:00")), &toponyms);
    assert_eq!(ev[0].published_at.as_deref(), Some("2024-11-30T09:00:00Z"));
    // Early morning local time: the UTC stamp is the day before, but
    // "yesterday" counts from the local date as written.
    let ev = document_events(&doc("d", text, Some("2024-11-30T01:00:00+03:00")), &toponyms);
    assert_eq!(ev[0].published_at.as_deref(), Some("2024-11-29T22:00:00Z"));
    assert_eq!(ev[0].event_date.as_deref(), Some("2024-11-29"));
}

#[test]
fn one_event_per_place_and_sentence() {
    // Damascus twice: once as its government, once as the city.
    let text = "Damascus said rebels were near Damascus and Homs.";
    let toponyms = [
        topo(text, "Damascus", 0, "metonym", Some(&DAMASCUS)),
        topo(text, "Damascus", 1, "place", Some(&DAMASCUS)),
        topo(text, "Homs", 0, "place", None),        // resolved to nothing
        topo(text, "Damascus", 0, "embedded", None), // ignored: not an anchor
    ];
    let ev = document_events(&doc("d", text, Some("2024-11-30")), &toponyms);
    assert_eq!(ev.len(), 2);
    assert_eq!(ev[0].mention_text, "Damascus");
    assert!(!ev[0].is_metonym, "the place mention wins over the metonym");
    assert_eq!(ev[0].char_start, 31);
    // Unresolved names still give an event, with null geography.
    assert_eq!(ev[1].mention_text, "Homs");
    assert_eq!((ev[1].place.as_ref(), ev[1].geo_precision), (None, None));
    assert!(!ev[1].is_centroid);
    assert_eq!(ev[1].id, id::event_id("d", 0, text.len(), "name:Homs"));
}

#[test]
fn serialises_with_the_documented_fields() {
    let ev = events_of(ARTICLE, Some("2024-11-30T09:00:00Z"));
    let v = serde_json::to_value(at(&ev, ARTICLE, "Damascus", 1)).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "doc_id",
            "event_date",
            "date_precision",
            "date_rule",
            "published_at",
            "event_type",
            "event_type_cues",
            "actors",
            "place",
            "mention_text",
            "geo_precision",
            "is_centroid",
            "confidence",
            "char_start",
            "char_end",
            "sentence_char_start",
            "sentence_char_end",
            "is_metonym",
            "source_url",
            "source_name",
            "title",
            "snippet"
        ]
    );
    assert_eq!(v["event_date"], "2024-12-01");
    assert_eq!(v["place"]["lat"], 33.5102);
    assert_eq!(v["is_metonym"], false);
    assert_eq!(v["place"]["admin1_code"], "SY.13");
}

#[test]
fn snippets_are_cut_at_a_word_boundary() {
    assert_eq!(snippet("  Rebels\n entered\tAleppo. "), "Rebels entered Aleppo.");
    let long = "word ".repeat(100);
    let s = snippet(&long);
    assert!(s.chars().count() <= SNIPPET_MAX);
    assert!(s.ends_with("word…"), "{s}");
    let giant = "x".repeat(400);
    assert_eq!(snippet(&giant).chars().count(), SNIPPET_MAX);
    let exact = "y".repeat(SNIPPET_MAX);
    assert_eq!(snippet(&exact), exact);
}
