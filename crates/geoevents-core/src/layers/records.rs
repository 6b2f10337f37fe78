//! The three map layers built from extraction results: `events` (one point
//! per event), `places` (one point per distinct place) and `areas` (one
//! polygon per country or first-level region with something in it).
//!
//! Decisions (also in the README):
//! - Events whose place has no coordinates, and metonym events ("allies of
//!   Damascus": a mention in passing, not a happening there), are not drawn;
//!   they stay in the JSONL and count in `places` as mentions.
//! - `published_at` is always a UTC date-time (`...T00:00:00Z` for a bare
//!   date), because one value of another shape turns a QGIS column to text.
//! - Counts in `areas`: `mention_count` counts mentions of the area itself,
//!   `place_mention_count` every resolved mention inside it (the area
//!   included), `event_count` the drawn events inside it.

use super::layer::{Feature, Field, FieldType, Geometry, GeometryType, Layer, Value};
use crate::events::Event;
use crate::gazetteer::Kind;
use crate::resolve::Toponym;
use std::collections::{BTreeMap, BTreeSet};

/// One document's results, as the layers need them.
pub struct DocumentResult<'a> {
    pub toponyms: &'a [Toponym],
    pub events: &'a [Event],
}

fn s(x: &str) -> Value {
    Value::Str(x.to_string())
}

fn opt(x: Option<&str>) -> Value {
    x.map_or(Value::Null, s)
}

fn date_time(published: Option<&str>) -> Value {
    match published {
        Some(p) if p.len() == 10 => Value::Str(format!("{p}T00:00:00Z")),
        Some(p) => Value::Str(p.to_string()),
        None => Value::Null,
    }
}

/// Events that are drawn on the map.
pub fn drawn(e: &Event) -> bool {
    e.is_drawn()
}

pub const EVENT_FIELDS: &[Field] = &[
    Field::new(
        "event_date",
        FieldType::Date,
        "day of the event (first day of the week, month or year for coarser precisions)",
    ),
    Field::new("date_precision", FieldType::String, "day, week, month or year"),
    Field::new("date_rule", FieldType::String, "how event_date was found"),
    Field::new("published_at", FieldType::DateTime, "publication time of the article, UTC"),
    Field::new(
        "event_class",
        FieldType::String,
        "ACLED's six event types in snake case, or natural_disaster, man_made_disaster, diplomacy, organized_crime, statement",
    ),
    Field::new("acled_event_type", FieldType::String, "ACLED event type, spelled as ACLED; empty for news classes"),
    Field::new("acled_sub_event_type", FieldType::String, "ACLED sub-event type, spelled as ACLED"),
    Field::new("event_type_cues", FieldType::String, "the cue words that gave the type, separated by '; '"),
    Field::new("modality", FieldType::String, "reported, planned, threatened, hypothetical or denied"),
    Field::new("fatalities", FieldType::Integer, "deaths reported; 0 when none died, empty when not said"),
    Field::new("actor1", FieldType::String, "who acted, as written"),
    Field::new("actor2", FieldType::String, "on whom, as written"),
    Field::new("assoc_actor", FieldType::String, "allies of actor1, separated by '; '"),
    Field::new("actors", FieldType::String, "actors named in the sentence, separated by '; '"),
    Field::new("place_name", FieldType::String, "the gazetteer's name of the place"),
    Field::new("mention_text", FieldType::String, "the place as written"),
    Field::new("gazetteer_id", FieldType::String, "geonames:<id>, region:<slug> or ne:<ISO 3166-2>"),
    Field::new("feature_code", FieldType::String, "GeoNames feature code"),
    Field::new("kind", FieldType::String, "continent, country, region, admin1, admin2, city"),
    Field::new("country_code", FieldType::String, "ISO 3166-1 alpha-2"),
    Field::new("admin1_code", FieldType::String, "GeoNames admin1 key, e.g. SY.09"),
    Field::new("geo_precision", FieldType::String, "what the point stands for: country, admin1, city, ..."),
    Field::new("is_centroid", FieldType::Boolean, "true when the point stands for a whole area"),
    Field::new("confidence", FieldType::Real, "estimated probability that the place is right"),
    Field::new("char_start", FieldType::Integer, "code point offset of the mention in the article text"),
    Field::new("char_end", FieldType::Integer, "code point offset after the mention (end exclusive)"),
    Field::new("doc_id", FieldType::String, "the article's id"),
    Field::new("title", FieldType::String, "the article's title"),
    Field::new("source_url", FieldType::String, "the article's URL"),
    Field::new("source_name", FieldType::String, "who published it"),
    Field::new("snippet", FieldType::String, "the sentence, at most 280 characters"),
    Field::new("num_articles", FieldType::Integer, "articles reporting the merged event"),
    Field::new("num_sources", FieldType::Integer, "distinct sources (source_name, else URL host) reporting it"),
    Field::new("source_urls", FieldType::String, "the URLs of the articles, sorted, separated by ' '"),
    Field::new("first_reported", FieldType::String, "earliest published_at (else event_date) of its articles"),
    Field::new("last_reported", FieldType::String, "latest published_at (else event_date) of its articles"),
];

/// The events layer: one point per merged event ([`crate::events::merge`]),
/// drawing the events reported as having happened.
pub fn events_layer(docs: &[DocumentResult<'_>]) -> Layer {
    events_layer_drawing(docs, &[crate::events::Modality::Reported])
}

/// The events layer drawing the events of the given modalities (the
/// representative of a merged event is its member with the smallest id).
pub fn events_layer_drawing(docs: &[DocumentResult<'_>], modalities: &[crate::events::Modality]) -> Layer {
    use crate::events::merge::{merge, MergeKey};
    let shown: Vec<&Event> =
        docs.iter().flat_map(|d| d.events.iter()).filter(|e| e.is_drawn_with(modalities)).collect();
    let keys: Vec<MergeKey> = shown.iter().filter_map(|e| MergeKey::of(e)).collect();
    let groups = merge(&keys);
    let by_id: BTreeMap<&str, &Event> = shown.iter().map(|e| (e.id.as_str(), *e)).collect();
    let mut features = Vec::new();
    for g in &groups {
        let Some(e) = by_id.get(g.id.as_str()).copied() else { continue };
        let Some(p) = &e.place else { continue };
        let values = vec![
            opt(e.event_date.as_deref()),
            opt(e.date_precision.map(crate::events::dates::Precision::as_str)),
            s(&e.date_rule),
            date_time(e.published_at.as_deref()),
            s(e.event_class.as_str()),
            opt(e.acled_event_type.map(crate::events::AcledEventType::as_str)),
            opt(e.acled_sub_event_type.map(crate::events::AcledSubEventType::as_str)),
            s(&e.event_type_cues.join("; ")),
            s(e.modality.as_str()),
            e.fatalities.map_or(Value::Null, |n| Value::Int(i64::from(n))),
            opt(e.actor1.as_deref()),
            opt(e.actor2.as_deref()),
            s(&e.assoc_actor.join("; ")),
            s(&e.actors.join("; ")),
            s(&p.name),
            opt(e.mention_text.as_deref()),
            s(&p.id),
            s(&p.feature_code),
            s(p.kind.as_str()),
            opt(p.country_code.as_deref()),
            opt(p.admin1_code.as_deref()),
            s(e.geo_precision.as_str()),
            Value::Bool(e.is_centroid),
            Value::Real(e.confidence),
            e.char_start.map_or(Value::Null, |c| Value::Int(c as i64)),
            e.char_end.map_or(Value::Null, |c| Value::Int(c as i64)),
            s(&e.doc_id),
            opt(e.title.as_deref()),
            opt(e.source_url.as_deref()),
            opt(e.source_name.as_deref()),
            s(&e.snippet),
            Value::Int(g.num_articles as i64),
            Value::Int(g.num_sources as i64),
            s(&g.source_urls.join(" ")),
            opt(g.first_reported.as_deref()),
            opt(g.last_reported.as_deref()),
        ];
        features.push(Feature { id: e.id.clone(), geometry: Geometry::Point { lon: p.lon, lat: p.lat }, values });
    }
    Layer { name: "events", geometry_type: GeometryType::Point, fields: EVENT_FIELDS.to_vec(), features }
}

pub const PLACE_FIELDS: &[Field] = &[
    Field::new("place_name", FieldType::String, "the gazetteer's name of the place"),
    Field::new("gazetteer_id", FieldType::String, "geonames:<id>, region:<slug> or ne:<ISO 3166-2>"),
    Field::new("kind", FieldType::String, "continent, country, region, admin1, admin2, city"),
    Field::new("feature_code", FieldType::String, "GeoNames feature code"),
    Field::new("country_code", FieldType::String, "ISO 3166-1 alpha-2"),
    Field::new("admin1_code", FieldType::String, "GeoNames admin1 key"),
    Field::new("mention_count", FieldType::Integer, "resolved mentions of the place, all mention types"),
    Field::new("event_count", FieldType::Integer, "events drawn at the place"),
    Field::new("first_event_date", FieldType::Date, "earliest event_date"),
    Field::new("last_event_date", FieldType::Date, "latest event_date"),
    Field::new("event_types", FieldType::String, "the event types seen there, sorted, separated by '; '"),
];

#[derive(Default)]
struct PlaceAcc<'a> {
    first: Option<&'a Toponym>,
    mentions: i64,
    events: i64,
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
    types: BTreeSet<&'static str>,
}

impl<'a> PlaceAcc<'a> {
    fn add_event(&mut self, e: &'a Event) {
        self.events += 1;
        self.types.insert(e.event_class.as_str());
        if let Some(d) = e.event_date.as_deref() {
            self.first_date = Some(self.first_date.map_or(d, |f| f.min(d)));
            self.last_date = Some(self.last_date.map_or(d, |l| l.max(d)));
        }
    }
}

pub fn places_layer(docs: &[DocumentResult<'_>]) -> Layer {
    let mut places: BTreeMap<&str, PlaceAcc<'_>> = BTreeMap::new();
    for d in docs {
        for t in d.toponyms {
            let Some(p) = &t.place else { continue };
            let acc = places.entry(p.id.as_str()).or_default();
            acc.first.get_or_insert(t);
            acc.mentions += 1;
        }
        for e in d.events.iter().filter(|e| drawn(e)) {
            if let Some(acc) = e.place.as_ref().and_then(|p| places.get_mut(p.id.as_str())) {
                acc.add_event(e);
            }
        }
    }
    let features = places
        .into_iter()
        .filter_map(|(id, acc)| {
            let p = acc.first?.place.as_ref()?;
            let values = vec![
                s(&p.name),
                s(id),
                s(p.kind.as_str()),
                s(&p.feature_code),
                opt(p.country_code.as_deref()),
                opt(p.admin1_code.as_deref()),
                Value::Int(acc.mentions),
                Value::Int(acc.events),
                opt(acc.first_date),
                opt(acc.last_date),
                s(&acc.types.into_iter().collect::<Vec<_>>().join("; ")),
            ];
            Some(Feature { id: id.to_string(), geometry: Geometry::Point { lon: p.lon, lat: p.lat }, values })
        })
        .collect();
    Layer { name: "places", geometry_type: GeometryType::Point, fields: PLACE_FIELDS.to_vec(), features }
}

pub const AREA_FIELDS: &[Field] = &[
    Field::new("area_name", FieldType::String, "name of the country or first-level region"),
    Field::new("gazetteer_id", FieldType::String, "geonames:<id> (or region:<slug>, ne:<ISO 3166-2>)"),
    Field::new("kind", FieldType::String, "country, admin1 or region"),
    Field::new("country_code", FieldType::String, "ISO 3166-1 alpha-2"),
    Field::new("admin1_code", FieldType::String, "GeoNames admin1 key, for first-level regions"),
    Field::new("mention_count", FieldType::Integer, "mentions of the area itself"),
    Field::new("place_mention_count", FieldType::Integer, "resolved mentions of anything in the area, itself included"),
    Field::new("event_count", FieldType::Integer, "events drawn inside the area"),
    Field::new("first_event_date", FieldType::Date, "earliest event_date inside the area"),
    Field::new("last_event_date", FieldType::Date, "latest event_date inside the area"),
];

/// Where the polygons of areas come from (the built-in simplified Natural
/// Earth shapes, or a test's own).
pub trait AreaShapes {
    /// `(gazetteer id, name, kind)` of the country with this ISO code.
    fn country(&self, country_code: &str) -> Option<(String, String)>;
    /// `(gazetteer id, name)` of the first-level region with this GeoNames admin1 key.
    fn admin1(&self, admin1_code: &str) -> Option<(String, String)>;
    fn polygon(&self, gazetteer_id: &str) -> Option<Vec<Vec<Vec<[f64; 2]>>>>;
}

#[derive(Default)]
struct AreaAcc<'a> {
    name: String,
    kind: Option<Kind>,
    country_code: &'a str,
    admin1_code: Option<&'a str>,
    mentions: i64,
    inside: i64,
    events: i64,
    first_date: Option<&'a str>,
    last_date: Option<&'a str>,
}

pub fn areas_layer(docs: &[DocumentResult<'_>], shapes: &dyn AreaShapes) -> Layer {
    let mut areas: BTreeMap<String, AreaAcc<'_>> = BTreeMap::new();
    // The areas a toponym or event lies in: its country and its admin1.
    let containers = |cc: Option<&str>, a1: Option<&str>| {
        let mut out: Vec<(String, String, Kind)> = Vec::new();
        if let Some((id, name)) = cc.and_then(|c| shapes.country(c)) {
            out.push((id, name, Kind::Country));
        }
        if let Some((id, name)) = a1.and_then(|a| shapes.admin1(a)) {
            out.push((id, name, Kind::Admin1));
        }
        out
    };
    for d in docs {
        for p in d.toponyms.iter().filter_map(|t| t.place.as_ref()) {
            for (id, name, kind) in containers(p.country_code.as_deref(), p.admin1_code.as_deref()) {
                let acc = areas.entry(id.clone()).or_default();
                acc.name = name;
                acc.kind = Some(kind);
                acc.country_code = p.country_code.as_deref().unwrap_or_default();
                if kind == Kind::Admin1 {
                    acc.admin1_code = p.admin1_code.as_deref();
                }
                acc.inside += 1;
                if p.id == id {
                    acc.mentions += 1;
                }
            }
        }
        for e in d.events.iter().filter(|e| drawn(e)) {
            let Some(p) = &e.place else { continue };
            for (id, _, _) in containers(p.country_code.as_deref(), p.admin1_code.as_deref()) {
                if let Some(acc) = areas.get_mut(&id) {
                    acc.events += 1;
                    if let Some(day) = e.event_date.as_deref() {
                        acc.first_date = Some(acc.first_date.map_or(day, |f| f.min(day)));
                        acc.last_date = Some(acc.last_date.map_or(day, |l| l.max(day)));
                    }
                }
            }
        }
    }
    let features = areas
        .into_iter()
        .filter_map(|(id, acc)| {
            let polygon = shapes.polygon(&id)?;
            let values = vec![
                s(&acc.name),
                s(&id),
                opt(acc.kind.map(Kind::as_str)),
                s(acc.country_code),
                opt(acc.admin1_code),
                Value::Int(acc.mentions),
                Value::Int(acc.inside),
                Value::Int(acc.events),
                opt(acc.first_date),
                opt(acc.last_date),
            ];
            Some(Feature { id, geometry: Geometry::MultiPolygon(polygon), values })
        })
        .collect();
    Layer { name: "areas", geometry_type: GeometryType::MultiPolygon, fields: AREA_FIELDS.to_vec(), features }
}

/// The fixed colour of every event class ([`crate::events::EventClass::colour`]),
/// in legend order: the same in the QML styles and the web page.
pub fn event_type_colours() -> Vec<(&'static str, &'static str)> {
    crate::events::EventClass::ALL.iter().map(|c| (c.as_str(), c.colour())).collect()
}
