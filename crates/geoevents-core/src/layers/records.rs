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

use super::layer::{finite, Field, FieldType, Geometry, GeometryType, Layer, Row};
use crate::events::dates::Precision;
use crate::events::merge::{merge, MergeKey, MergedEvent};
use crate::events::{AcledEventType, AcledSubEventType, Event, EventClass, GeoPrecision, Modality};
use crate::gazetteer::{Kind, PlaceRef};
use crate::resolve::Toponym;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One document's results, as the layers need them.
pub struct DocumentResult<'a> {
    /// Every place mention of the document, resolved or not ([`Toponym::place`] is `None` when unresolved).
    pub toponyms: &'a [Toponym],
    /// Every event of the document, drawn or not; the layers filter them.
    pub events: &'a [Event],
}

/// Events that are drawn on the map.
pub fn drawn(e: &Event) -> bool {
    e.is_drawn()
}

/// `published_at` as a UTC date-time: a bare date becomes midnight.
fn date_time(published: Option<&str>) -> Option<String> {
    match published {
        Some(p) if p.len() == 10 => Some(format!("{p}T00:00:00Z")),
        Some(p) => Some(p.to_string()),
        None => None,
    }
}

/// Earliest and latest of a set of `YYYY-MM-DD` days.
#[derive(Debug, Default, Clone, Copy)]
struct DateRange<'a> {
    first: Option<&'a str>,
    last: Option<&'a str>,
}

impl<'a> DateRange<'a> {
    fn add(&mut self, day: Option<&'a str>) {
        if let Some(d) = day {
            self.first = Some(self.first.map_or(d, |f| f.min(d)));
            self.last = Some(self.last.map_or(d, |l| l.max(d)));
        }
    }
    fn first(&self) -> Option<String> {
        self.first.map(str::to_string)
    }
    fn last(&self) -> Option<String> {
        self.last.map(str::to_string)
    }
}

/// One drawn event: a row of the `events` layer (feature id: the event id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRow {
    /// `YYYY-MM-DD`: day of the event (first day of the week, month or year for coarser precisions);
    /// `None` when the text gives no date and there is no publication date.
    pub event_date: Option<String>,
    /// Day, week, month or year; `None` with `event_date`.
    pub date_precision: Option<Precision>,
    /// How `event_date` was found ("explicit date", "yesterday", "publication date", "no date", ...).
    pub date_rule: String,
    /// Publication time of the article, UTC (`...T00:00:00Z` for a bare date); `None` when absent or unparsable.
    pub published_at: Option<String>,
    /// ACLED's six event types in snake case (`battles`, `explosions_remote_violence`, `violence_against_civilians`,
    /// `protests`, `riots`, `strategic_developments`) or a news class: `natural_disaster`, `man_made_disaster`,
    /// `diplomacy`, `organized_crime`, `statement`. The QML and the web page give each class one fixed colour (README,
    /// "Events").
    pub event_class: EventClass,
    /// ACLED's event type, spelled as ACLED ("Explosions/Remote violence"); `None` for the news classes.
    pub acled_event_type: Option<AcledEventType>,
    /// ACLED's sub-event type, spelled as ACLED ("Shelling/artillery/missile attack"); `None` for the news
    /// classes.
    pub acled_sub_event_type: Option<AcledSubEventType>,
    /// The trigger words that gave the class, separated by '; '.
    pub event_type_cues: String,
    /// `reported` (happened), `planned`, `threatened`, `hypothetical` or `denied`; only `reported` is drawn unless
    /// `--draw` / `draw = [...]` says more.
    pub modality: Modality,
    /// Deaths the text reports; 0 when it says none died; `None` (an empty cell) when it says nothing.
    pub fatalities: Option<u32>,
    /// Who acted, as written; `None` when the clause names nobody.
    pub actor1: Option<String>,
    /// On whom, as written; `None` when nobody is named.
    pub actor2: Option<String>,
    /// Allies named with actor1 ("led by", "backed by"), separated by '; '; empty when none.
    pub assoc_actor: String,
    /// Every actor the sentence names, separated by '; '; empty when none.
    pub actors: String,
    /// The gazetteer's name of the place.
    pub place_name: String,
    /// The place as written; `None` when the event has no location mention.
    pub mention_text: Option<String>,
    /// `geonames:<id>`, `region:<slug>` or `ne:<ISO 3166-2>`.
    pub gazetteer_id: String,
    /// GeoNames feature code.
    pub feature_code: String,
    /// Continent, country, region, admin1, admin2, city, ...: the gazetteer kind of the place.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 (not FIPS); `None` for places that span countries.
    pub country_code: Option<String>,
    /// GeoNames admin1 key, e.g. `SY.09`; `None` when the place is in no first-level region.
    pub admin1_code: Option<String>,
    /// What the point stands for: country, admin1, city, ...
    pub geo_precision: GeoPrecision,
    /// True when the point stands for a whole area.
    pub is_centroid: bool,
    /// Estimated probability (0 to 1) that the place is right.
    #[serde(serialize_with = "finite")]
    pub confidence: f64,
    /// Code point offset of the mention in the article text; `None` without a location mention.
    pub char_start: Option<usize>,
    /// Code point offset after the mention (end exclusive); `None` without a location mention.
    pub char_end: Option<usize>,
    /// The article's id.
    pub doc_id: String,
    /// The article's title; `None` when it has none.
    pub title: Option<String>,
    /// The article's URL; `None` when unknown.
    pub source_url: Option<String>,
    /// Who published it; `None` when unknown.
    pub source_name: Option<String>,
    /// The sentence, whitespace collapsed, at most 280 characters ([`crate::events::SNIPPET_MAX`]).
    pub snippet: String,
    /// Articles reporting the (merged) event; 1 when not merged.
    pub num_articles: usize,
    /// Distinct sources among them (`source_name`, else the URL's host).
    pub num_sources: usize,
    /// The articles' URLs, sorted, separated by ' '.
    pub source_urls: String,
    /// The earliest `published_at` (else `event_date`) of those articles; `None` when none has either.
    pub first_reported: Option<String>,
    /// The latest `published_at` (else `event_date`) of those articles; `None` when none has either.
    pub last_reported: Option<String>,
}

impl Row for EventRow {
    const FIELDS: &'static [Field] = &[
        Field::new("event_date", FieldType::Date, "day of the event (first day of the week, month or year for coarser precisions)"),
        Field::new("date_precision", FieldType::String, "day, week, month or year"),
        Field::new("date_rule", FieldType::String, "how event_date was found"),
        Field::new("published_at", FieldType::DateTime, "publication time of the article, UTC"),
        Field::new("event_class", FieldType::String, "ACLED's six event types in snake case (`battles`, `explosions_remote_violence`, `violence_against_civilians`, `protests`, `riots`, `strategic_developments`) or a news class: `natural_disaster`, `man_made_disaster`, `diplomacy`, `organized_crime`, `statement`. The QML and the web page give each class one fixed colour (README, \"Events\")"),
        Field::new("acled_event_type", FieldType::String, "ACLED's event type, spelled as ACLED (\"Explosions/Remote violence\"); empty for the news classes"),
        Field::new("acled_sub_event_type", FieldType::String, "ACLED's sub-event type, spelled as ACLED (\"Shelling/artillery/missile attack\"); empty for the news classes"),
        Field::new("event_type_cues", FieldType::String, "the trigger words that gave the class, separated by '; '"),
        Field::new("modality", FieldType::String, "`reported` (happened), `planned`, `threatened`, `hypothetical` or `denied`; only `reported` is drawn unless `--draw` / `draw = [...]` says more"),
        Field::new("fatalities", FieldType::Integer, "deaths the text reports; 0 when it says none died; empty when it says nothing"),
        Field::new("actor1", FieldType::String, "who acted, as written"),
        Field::new("actor2", FieldType::String, "on whom, as written"),
        Field::new("assoc_actor", FieldType::String, "allies named with actor1 (\"led by\", \"backed by\"), separated by '; '"),
        Field::new("actors", FieldType::String, "every actor the sentence names, separated by '; '"),
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
        Field::new("num_articles", FieldType::Integer, "articles reporting the (merged) event; 1 when not merged"),
        Field::new("num_sources", FieldType::Integer, "distinct sources among them (`source_name`, else the URL's host)"),
        Field::new("source_urls", FieldType::String, "the articles' URLs, sorted, separated by ' '"),
        Field::new("first_reported", FieldType::String, "the earliest `published_at` (else `event_date`) of those articles"),
        Field::new("last_reported", FieldType::String, "the latest `published_at` (else `event_date`) of those articles"),
    ];
}

impl EventRow {
    /// The row of the merged event `group`, drawn as its representative `e`
    /// at `place` (its resolved place).
    pub fn new(e: &Event, place: &PlaceRef, group: &MergedEvent) -> EventRow {
        EventRow {
            event_date: e.event_date.clone(),
            date_precision: e.date_precision,
            date_rule: e.date_rule.clone(),
            published_at: date_time(e.published_at.as_deref()),
            event_class: e.event_class,
            acled_event_type: e.acled_event_type,
            acled_sub_event_type: e.acled_sub_event_type,
            event_type_cues: e.event_type_cues.join("; "),
            modality: e.modality,
            fatalities: e.fatalities,
            actor1: e.actor1.clone(),
            actor2: e.actor2.clone(),
            assoc_actor: e.assoc_actor.join("; "),
            actors: e.actors.join("; "),
            place_name: place.name.clone(),
            mention_text: e.mention_text.clone(),
            gazetteer_id: place.id.clone(),
            feature_code: place.feature_code.clone(),
            kind: place.kind,
            country_code: place.country_code.clone(),
            admin1_code: place.admin1_code.clone(),
            geo_precision: e.geo_precision,
            is_centroid: e.is_centroid,
            confidence: e.confidence,
            char_start: e.char_start,
            char_end: e.char_end,
            doc_id: e.doc_id.clone(),
            title: e.title.clone(),
            source_url: e.source_url.clone(),
            source_name: e.source_name.clone(),
            snippet: e.snippet.clone(),
            num_articles: group.num_articles,
            num_sources: group.num_sources,
            source_urls: group.source_urls.join(" "),
            first_reported: group.first_reported.clone(),
            last_reported: group.last_reported.clone(),
        }
    }
}

/// The `events` layer: one point per merged event ([`crate::events::merge`]),
/// drawing the events reported as having happened.
pub fn events_layer(docs: &[DocumentResult<'_>]) -> Layer<EventRow> {
    events_layer_drawing(docs, &[Modality::Reported])
}

/// The `events` layer drawing the events of the given modalities: one point
/// per merged event, at the place of its representative (its member with
/// the smallest id).
pub fn events_layer_drawing(docs: &[DocumentResult<'_>], modalities: &[Modality]) -> Layer<EventRow> {
    let shown: Vec<&Event> =
        docs.iter().flat_map(|d| d.events.iter()).filter(|e| e.is_drawn_with(modalities)).collect();
    let keys: Vec<MergeKey> = shown.iter().filter_map(|e| MergeKey::of(e)).collect();
    let by_id: BTreeMap<&str, &Event> = shown.iter().map(|e| (e.id.as_str(), *e)).collect();
    let mut layer = Layer::new("events", GeometryType::Point);
    for g in &merge(&keys) {
        let Some(e) = by_id.get(g.id.as_str()).copied() else { continue };
        let Some(p) = &e.place else { continue };
        layer.push(e.id.clone(), Geometry::point(p.lon, p.lat), EventRow::new(e, p, g));
    }
    layer
}

/// One distinct place: a row of the `places` layer (feature id: the
/// gazetteer id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceRow {
    /// The gazetteer's name of the place.
    pub place_name: String,
    /// `geonames:<id>`, `region:<slug>` or `ne:<ISO 3166-2>`.
    pub gazetteer_id: String,
    /// Continent, country, region, admin1, admin2, city, ...: the gazetteer kind of the place.
    pub kind: Kind,
    /// GeoNames feature code.
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 (not FIPS); `None` for places that span countries.
    pub country_code: Option<String>,
    /// GeoNames admin1 key (`SY.09`); `None` when the place is in no first-level region.
    pub admin1_code: Option<String>,
    /// Resolved mentions of the place, all mention types.
    pub mention_count: u64,
    /// Events drawn at the place.
    pub event_count: u64,
    /// Earliest `event_date` of the events drawn there; `None` when none is dated.
    pub first_event_date: Option<String>,
    /// Latest `event_date` of the events drawn there; `None` when none is dated.
    pub last_event_date: Option<String>,
    /// The event classes (`event_class`) seen there, sorted, separated by '; '; empty without events.
    pub event_types: String,
}

impl Row for PlaceRow {
    const FIELDS: &'static [Field] = &[
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
        Field::new(
            "event_types",
            FieldType::String,
            "the event classes (`event_class`) seen there, sorted, separated by '; '",
        ),
    ];
}

#[derive(Default)]
struct PlaceAcc<'a> {
    place: Option<&'a PlaceRef>,
    mentions: u64,
    events: u64,
    dates: DateRange<'a>,
    types: BTreeSet<&'static str>,
}

/// The `places` layer: one point per distinct resolved place, sorted by id.
pub fn places_layer(docs: &[DocumentResult<'_>]) -> Layer<PlaceRow> {
    let mut places: BTreeMap<&str, PlaceAcc<'_>> = BTreeMap::new();
    for d in docs {
        for p in d.toponyms.iter().filter_map(|t| t.place.as_ref()) {
            let acc = places.entry(p.id.as_str()).or_default();
            acc.place.get_or_insert(p);
            acc.mentions += 1;
        }
        for e in d.events.iter().filter(|e| drawn(e)) {
            if let Some(acc) = e.place.as_ref().and_then(|p| places.get_mut(p.id.as_str())) {
                acc.events += 1;
                acc.types.insert(e.event_class.as_str());
                acc.dates.add(e.event_date.as_deref());
            }
        }
    }
    let mut layer = Layer::new("places", GeometryType::Point);
    for (id, acc) in places {
        let Some(p) = acc.place else { continue };
        let row = PlaceRow {
            place_name: p.name.clone(),
            gazetteer_id: id.to_string(),
            kind: p.kind,
            feature_code: p.feature_code.clone(),
            country_code: p.country_code.clone(),
            admin1_code: p.admin1_code.clone(),
            mention_count: acc.mentions,
            event_count: acc.events,
            first_event_date: acc.dates.first(),
            last_event_date: acc.dates.last(),
            event_types: acc.types.into_iter().collect::<Vec<_>>().join("; "),
        };
        layer.push(id, Geometry::point(p.lon, p.lat), row);
    }
    layer
}

/// One country or first-level region with something in it: a row of the
/// `areas` layer (feature id: the gazetteer id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRow {
    /// Name of the country or first-level region.
    pub area_name: String,
    /// `geonames:<id>` (or `region:<slug>`, `ne:<ISO 3166-2>`).
    pub gazetteer_id: String,
    /// `country` or `admin1`: areas are built only from countries and first-level regions.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2: the country, or the country the region is in.
    pub country_code: String,
    /// GeoNames admin1 key (`SY.09`), for first-level regions; `None` for countries.
    pub admin1_code: Option<String>,
    /// Mentions of the area itself.
    pub mention_count: u64,
    /// Resolved mentions of anything in the area, itself included.
    pub place_mention_count: u64,
    /// Events drawn inside the area.
    pub event_count: u64,
    /// Earliest `event_date` inside the area; `None` when no drawn event inside is dated.
    pub first_event_date: Option<String>,
    /// Latest `event_date` inside the area; `None` when no drawn event inside is dated.
    pub last_event_date: Option<String>,
}

impl Row for AreaRow {
    const FIELDS: &'static [Field] = &[
        Field::new("area_name", FieldType::String, "name of the country or first-level region"),
        Field::new("gazetteer_id", FieldType::String, "geonames:<id> (or region:<slug>, ne:<ISO 3166-2>)"),
        Field::new("kind", FieldType::String, "country, admin1 or region"),
        Field::new("country_code", FieldType::String, "ISO 3166-1 alpha-2"),
        Field::new("admin1_code", FieldType::String, "GeoNames admin1 key, for first-level regions"),
        Field::new("mention_count", FieldType::Integer, "mentions of the area itself"),
        Field::new(
            "place_mention_count",
            FieldType::Integer,
            "resolved mentions of anything in the area, itself included",
        ),
        Field::new("event_count", FieldType::Integer, "events drawn inside the area"),
        Field::new("first_event_date", FieldType::Date, "earliest event_date inside the area"),
        Field::new("last_event_date", FieldType::Date, "latest event_date inside the area"),
    ];
}

/// Where the shapes of areas come from (the built-in simplified Natural
/// Earth polygons, or a test's own).
pub trait AreaShapes {
    /// `(gazetteer id, name)` of the country with this ISO 3166-1 alpha-2 code.
    fn country(&self, country_code: &str) -> Option<(String, String)>;
    /// `(gazetteer id, name)` of the first-level region with this GeoNames admin1 key.
    fn admin1(&self, admin1_code: &str) -> Option<(String, String)>;
    /// The area's polygons, in WGS 84 longitude/latitude.
    fn shape(&self, gazetteer_id: &str) -> Option<geo::MultiPolygon>;
}

struct AreaAcc<'a> {
    name: String,
    kind: Kind,
    country_code: &'a str,
    admin1_code: Option<&'a str>,
    mentions: u64,
    inside: u64,
    events: u64,
    dates: DateRange<'a>,
}

/// The `areas` layer: the countries and first-level regions that hold a
/// resolved mention, with their shapes; areas without a shape are left out.
pub fn areas_layer(docs: &[DocumentResult<'_>], shapes: &dyn AreaShapes) -> Layer<AreaRow> {
    let mut areas: BTreeMap<String, AreaAcc<'_>> = BTreeMap::new();
    // The areas a place lies in: its country and its admin1.
    let containers = |p: &PlaceRef| {
        let mut out: Vec<(String, String, Kind)> = Vec::new();
        if let Some((id, name)) = p.country_code.as_deref().and_then(|c| shapes.country(c)) {
            out.push((id, name, Kind::Country));
        }
        if let Some((id, name)) = p.admin1_code.as_deref().and_then(|a| shapes.admin1(a)) {
            out.push((id, name, Kind::Admin1));
        }
        out
    };
    for d in docs {
        for p in d.toponyms.iter().filter_map(|t| t.place.as_ref()) {
            for (id, name, kind) in containers(p) {
                let is_itself = p.id == id;
                let acc = areas.entry(id).or_insert_with(|| AreaAcc {
                    name: String::new(),
                    kind,
                    country_code: "",
                    admin1_code: None,
                    mentions: 0,
                    inside: 0,
                    events: 0,
                    dates: DateRange::default(),
                });
                acc.name = name;
                acc.kind = kind;
                acc.country_code = p.country_code.as_deref().unwrap_or_default();
                if kind == Kind::Admin1 {
                    acc.admin1_code = p.admin1_code.as_deref();
                }
                acc.inside += 1;
                if is_itself {
                    acc.mentions += 1;
                }
            }
        }
        for e in d.events.iter().filter(|e| drawn(e)) {
            let Some(p) = &e.place else { continue };
            for (id, _, _) in containers(p) {
                if let Some(acc) = areas.get_mut(&id) {
                    acc.events += 1;
                    acc.dates.add(e.event_date.as_deref());
                }
            }
        }
    }
    let mut layer = Layer::new("areas", GeometryType::MultiPolygon);
    for (id, acc) in areas {
        let Some(shape) = shapes.shape(&id) else { continue };
        let row = AreaRow {
            area_name: acc.name,
            gazetteer_id: id.clone(),
            kind: acc.kind,
            country_code: acc.country_code.to_string(),
            admin1_code: acc.admin1_code.map(str::to_string),
            mention_count: acc.mentions,
            place_mention_count: acc.inside,
            event_count: acc.events,
            first_event_date: acc.dates.first(),
            last_event_date: acc.dates.last(),
        };
        layer.push(id, Geometry::MultiPolygon(shape), row);
    }
    layer
}

/// The fixed colour of every event class ([`crate::events::EventClass::colour`]),
/// in legend order: the same in the QML styles and the web page.
pub fn event_type_colours() -> Vec<(&'static str, &'static str)> {
    crate::events::EventClass::ALL.iter().map(|c| (c.as_str(), c.colour())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::layer::AnyLayer;
    use serde_json::json;

    fn place(id: &str, name: &str, kind: &str, cc: &str, a1: Option<&str>, lon: f64, lat: f64) -> serde_json::Value {
        json!({"id": id, "name": name, "kind": kind, "feature_code": "PPLA", "country_code": cc,
               "admin1_code": a1, "admin1": null, "lat": lat, "lon": lon})
    }

    fn aleppo() -> serde_json::Value {
        place("geonames:170063", "Aleppo", "city", "SY", Some("SY.09"), 37.16117, 36.20124)
    }

    fn event(id: &str, day: Option<&str>, modality: &str) -> Event {
        serde_json::from_value(json!({
            "id": id, "doc_id": "doc-1", "event_date": day, "date_precision": day.map(|_| "day"),
            "date_rule": "explicit date", "published_at": "2024-11-30",
            "event_class": "explosions_remote_violence", "acled_event_type": "Explosions/Remote violence",
            "acled_sub_event_type": "Shelling/artillery/missile attack", "event_type_cues": ["shelled"],
            "modality": modality, "fatalities": 2, "actor1": "rebels", "actor2": null, "assoc_actor": [],
            "actors": ["rebels", "the army"], "place": aleppo(), "mention_text": "Aleppo",
            "location_rule": "locative", "geo_precision": "city", "is_centroid": false, "confidence": 0.875,
            "char_start": 10, "char_end": 16, "sentence_char_start": 0, "sentence_char_end": 40,
            "mentioned_places": [], "source_url": "https://example.org/a", "source_name": null,
            "title": "Shelling", "snippet": "Rebels shelled Aleppo."
        }))
        .unwrap()
    }

    fn toponym(place: serde_json::Value) -> Toponym {
        serde_json::from_value(json!({"start": 10, "end": 16, "byte_start": 10, "byte_end": 16, "name": "Aleppo",
            "place": place, "mention_type": "place", "confidence": 0.9, "reasons": []}))
        .unwrap()
    }

    struct Shapes;
    impl AreaShapes for Shapes {
        fn country(&self, cc: &str) -> Option<(String, String)> {
            (cc == "SY").then(|| ("geonames:163843".into(), "Syria".into()))
        }
        fn admin1(&self, a1: &str) -> Option<(String, String)> {
            (a1 == "SY.09").then(|| ("geonames:170062".into(), "Aleppo Governorate".into()))
        }
        fn shape(&self, id: &str) -> Option<geo::MultiPolygon> {
            let (x, y) = if id == "geonames:163843" { (35.7, 32.3) } else { (36.5, 35.6) };
            Some(geo::Rect::new((x, y), (x + 1.5, y + 1.0)).to_polygon().into())
        }
    }

    /// The keys of a row's serde form, in order.
    fn keys<R: Row>(row: &R) -> Vec<String> {
        match serde_json::to_value(row).unwrap() {
            serde_json::Value::Object(o) => o.keys().cloned().collect(),
            other => panic!("not an object: {other}"),
        }
    }

    fn names<R: Row>() -> Vec<String> {
        R::FIELDS.iter().map(|f| f.name.to_string()).collect()
    }

    #[test]
    fn output_rows_serialise_to_exactly_their_schema() {
        let events =
            [event("e1", Some("2024-11-29"), "reported"), event("e2", None, "reported"), event("e3", None, "planned")];
        let toponyms = [toponym(aleppo()), toponym(aleppo())];
        let docs = [DocumentResult { toponyms: &toponyms, events: &events }];
        let (ev, pl, ar) = (events_layer(&docs), places_layer(&docs), areas_layer(&docs, &Shapes));
        assert_eq!((ev.len(), pl.len(), ar.len()), (2, 1, 2), "the planned event is not drawn");
        for f in &ev.features {
            assert_eq!(keys(&f.row), names::<EventRow>());
        }
        assert_eq!(keys(&pl.features[0].row), names::<PlaceRow>());
        for f in &ar.features {
            assert_eq!(keys(&f.row), names::<AreaRow>());
        }
        ev.validate().unwrap();
        pl.validate().unwrap();
        ar.validate().unwrap();
    }

    #[test]
    fn output_rows_values() {
        let events = [event("e1", Some("2024-11-29"), "reported")];
        let toponyms = [toponym(aleppo())];
        let docs = [DocumentResult { toponyms: &toponyms, events: &events }];
        let ev = events_layer(&docs);
        let v = ev.values(0).unwrap();
        let at = |name: &str| v[EventRow::FIELDS.iter().position(|f| f.name == name).unwrap()].clone();
        use crate::layers::layer::Value;
        assert_eq!(at("event_date"), Value::Str("2024-11-29".into()));
        assert_eq!(at("date_precision"), Value::Str("day".into()));
        assert_eq!(at("published_at"), Value::Str("2024-11-30T00:00:00Z".into()));
        assert_eq!(at("event_class"), Value::Str("explosions_remote_violence".into()));
        assert_eq!(at("acled_sub_event_type"), Value::Str("Shelling/artillery/missile attack".into()));
        assert_eq!(at("modality"), Value::Str("reported".into()));
        assert_eq!(at("fatalities"), Value::Int(2));
        assert_eq!(at("actor2"), Value::Null);
        assert_eq!(at("num_articles"), Value::Int(1));
        assert_eq!(at("source_urls"), Value::Str("https://example.org/a".into()));
        assert_eq!(at("actors"), Value::Str("rebels; the army".into()));
        assert_eq!(at("kind"), Value::Str("city".into()));
        assert_eq!(at("geo_precision"), Value::Str("city".into()));
        assert_eq!(at("is_centroid"), Value::Bool(false));
        assert_eq!(at("confidence"), Value::Real(0.875));
        assert_eq!(at("char_end"), Value::Int(16));
        assert_eq!(at("source_name"), Value::Null);
        assert_eq!(ev.id(0), "e1");

        let pl = places_layer(&docs);
        let v = pl.values(0).unwrap();
        assert_eq!(
            v[6..10],
            [Value::Int(1), Value::Int(1), Value::Str("2024-11-29".into()), Value::Str("2024-11-29".into())]
        );
        assert_eq!(pl.id(0), "geonames:170063");

        let ar = areas_layer(&docs, &Shapes);
        let ids: Vec<&str> = (0..ar.len()).map(|i| ar.id(i)).collect();
        assert_eq!(ids, ["geonames:163843", "geonames:170062"]);
        let syria = ar.values(0).unwrap();
        assert_eq!(syria[2], Value::Str("country".into()));
        assert_eq!(syria[4], Value::Null, "a country has no admin1 code");
        assert_eq!(syria[5..8], [Value::Int(0), Value::Int(1), Value::Int(1)]);
    }

    #[test]
    fn output_rows_enums_serialise_as_their_names() {
        for c in EventClass::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for t in AcledSubEventType::ALL {
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
            assert_eq!(serde_json::to_value(t.event_type()).unwrap(), t.event_type().as_str());
        }
        for m in [Modality::Reported, Modality::Planned, Modality::Threatened, Modality::Hypothetical, Modality::Denied]
        {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        for k in [Kind::Continent, Kind::Country, Kind::Region, Kind::Admin1, Kind::Admin2, Kind::City] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for p in [Precision::Day, Precision::Week, Precision::Month, Precision::Year] {
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
    }

    #[test]
    fn output_readme_lists_every_field() {
        let readme = include_str!("../../../../output/README.md");
        let section = |title: &str| -> Vec<String> {
            let start = readme.find(&format!("## {title}\n")).unwrap_or_else(|| panic!("no section {title}"));
            readme[start..]
                .lines()
                .skip(1)
                // Up to the next heading: a subsection (events in the JSONL) is not the layer.
                .take_while(|l| !l.starts_with('#'))
                .filter(|l| l.starts_with("| `"))
                .map(str::to_string)
                .collect()
        };
        for (title, fields) in [("events", EventRow::FIELDS), ("places", PlaceRow::FIELDS), ("areas", AreaRow::FIELDS)]
        {
            let want: Vec<String> =
                fields.iter().map(|f| format!("| `{}` | {} | {} |", f.name, f.kind, f.doc)).collect();
            assert_eq!(section(title), want, "output/README.md, section {title}");
        }
    }
}
