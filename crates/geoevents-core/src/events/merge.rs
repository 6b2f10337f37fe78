//! The same event in several articles: one pure rule, used by `extract`
//! (over all its documents) and `run` (over all events in its state).
//!
//! Two drawn events of *different documents* are the same event when:
//! * they have the same [`EventClass`];
//! * their dates are the same day or adjacent days (both dated);
//! * they are at the same gazetteer place, or both at city (or site)
//!   precision within [`CITY_MERGE_KM`] of each other.
//!
//! Groups are the connected components of that relation (so a chain of
//! adjacent days can join three days). Only compact [`MergeKey`]s are held, not
//! whole events. The result does not depend on input order: keys are sorted
//! by event id before linking, a group's id is the smallest member id, and
//! groups come out sorted by that id.

use super::{Event, EventClass, GeoPrecision};
use crate::gazetteer::spatial::distance_km;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Two city-precision events closer than this are at the same place, km
/// (one town and its suburbs; two gazetteer entries for one city).
pub const CITY_MERGE_KM: f64 = 10.0;

/// What merging needs of one event.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeKey {
    /// The event's id ([`Event::id`]).
    pub event_id: String,
    /// The document it comes from: events of one document are never merged with each other.
    pub doc_id: String,
    /// Only events of the same class merge.
    pub class: EventClass,
    /// The event's date; `None` when it has none or it does not parse as `YYYY-MM-DD` (such events never merge). Dates
    /// merge when at most one day apart.
    pub date: Option<NaiveDate>,
    /// The gazetteer id of the event's place.
    pub place_id: String,
    /// Latitude of the place, WGS 84 degrees.
    pub lat: f64,
    /// Longitude of the place, WGS 84 degrees.
    pub lon: f64,
    /// What the point stands for: city and site points merge within [`CITY_MERGE_KM`], others only with the same
    /// `place_id`.
    pub precision: GeoPrecision,
    /// Who published it: `source_name`, else the URL's host, else the document id.
    pub source: String,
    /// The article's URL, if known.
    pub url: Option<String>,
    /// `published_at` (UTC), else the event date.
    pub reported: Option<String>,
}

impl MergeKey {
    /// The key of a drawn event; `None` for an event that is not drawn.
    pub fn of(e: &Event) -> Option<MergeKey> {
        let p = e.place.as_ref()?;
        let host = e.source_url.as_deref().and_then(|u| u.split("://").nth(1)).and_then(|r| r.split('/').next());
        Some(MergeKey {
            event_id: e.id.clone(),
            doc_id: e.doc_id.clone(),
            class: e.event_class,
            date: e.event_date.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
            place_id: p.id.clone(),
            lat: p.lat,
            lon: p.lon,
            precision: e.geo_precision,
            source: e.source_name.clone().or_else(|| host.map(str::to_string)).unwrap_or_else(|| e.doc_id.clone()),
            url: e.source_url.clone(),
            reported: e.published_at.clone().or_else(|| e.event_date.clone()),
        })
    }
}

/// One merged event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergedEvent {
    /// The smallest member id: the id of the merged event.
    pub id: String,
    /// Member event ids, sorted.
    pub members: Vec<String>,
    /// Distinct documents among the members (at least 1).
    pub num_articles: usize,
    /// Distinct sources among the members ([`MergeKey::source`]).
    pub num_sources: usize,
    /// Distinct, sorted.
    pub source_urls: Vec<String>,
    /// The smallest [`MergeKey::reported`] of the members (strings compared as text); `None` when none has one.
    pub first_reported: Option<String>,
    /// The largest [`MergeKey::reported`] of the members; `None` when none has one.
    pub last_reported: Option<String>,
}

fn city_like(p: GeoPrecision) -> bool {
    matches!(p, GeoPrecision::City | GeoPrecision::Site)
}

/// True when two keys are the same event (see the module documentation).
pub fn same_event(a: &MergeKey, b: &MergeKey) -> bool {
    if a.doc_id == b.doc_id || a.class != b.class {
        return false;
    }
    let (Some(da), Some(db)) = (a.date, b.date) else { return false };
    if (da - db).num_days().abs() > 1 {
        return false;
    }
    a.place_id == b.place_id
        || (city_like(a.precision) && city_like(b.precision) && distance_km(a.lat, a.lon, b.lat, b.lon) < CITY_MERGE_KM)
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Groups the keys into merged events (every key in exactly one group).
/// Candidate pairs are found per class and date, so the cost grows with the
/// events of one class on neighbouring days, not with all pairs.
pub fn merge(keys: &[MergeKey]) -> Vec<MergedEvent> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].event_id.cmp(&keys[b].event_id));
    let mut parent: Vec<usize> = (0..keys.len()).collect();
    // (class, day) -> key indices, for the neighbour search.
    let mut by_day: BTreeMap<(EventClass, i32), Vec<usize>> = BTreeMap::new();
    for &i in &order {
        if let Some(d) = keys[i].date {
            by_day.entry((keys[i].class, day_number(d))).or_default().push(i);
        }
    }
    for &i in &order {
        let Some(d) = keys[i].date else { continue };
        let day = day_number(d);
        for nd in [day - 1, day, day + 1] {
            let Some(others) = by_day.get(&(keys[i].class, nd)) else { continue };
            for &j in others {
                if j != i && same_event(&keys[i], &keys[j]) {
                    let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                    if ri != rj {
                        // The root is the smaller event id: order-independent.
                        if keys[ri].event_id <= keys[rj].event_id {
                            parent[rj] = ri;
                        } else {
                            parent[ri] = rj;
                        }
                    }
                }
            }
        }
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in 0..keys.len() {
        let r = find(&mut parent, i);
        groups.entry(keys[r].event_id.clone()).or_default().push(i);
    }
    groups
        .into_values()
        .map(|members| {
            let ids: BTreeSet<&str> = members.iter().map(|&i| keys[i].event_id.as_str()).collect();
            let docs: BTreeSet<&str> = members.iter().map(|&i| keys[i].doc_id.as_str()).collect();
            let sources: BTreeSet<&str> = members.iter().map(|&i| keys[i].source.as_str()).collect();
            let urls: BTreeSet<&str> = members.iter().filter_map(|&i| keys[i].url.as_deref()).collect();
            let reported: BTreeSet<&str> = members.iter().filter_map(|&i| keys[i].reported.as_deref()).collect();
            MergedEvent {
                id: ids.iter().next().map(|s| (*s).to_string()).unwrap_or_default(),
                members: ids.iter().map(|s| (*s).to_string()).collect(),
                num_articles: docs.len(),
                num_sources: sources.len(),
                source_urls: urls.iter().map(|s| (*s).to_string()).collect(),
                first_reported: reported.iter().next().map(|s| (*s).to_string()),
                last_reported: reported.iter().next_back().map(|s| (*s).to_string()),
            }
        })
        .collect()
}

fn day_number(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    d.num_days_from_ce()
}

/// Member event id -> the merged event's id.
pub fn merged_ids(groups: &[MergedEvent]) -> BTreeMap<String, String> {
    groups.iter().flat_map(|g| g.members.iter().map(|m| (m.clone(), g.id.clone()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, doc: &str, source: &str, date: &str, place: &str, lat: f64) -> MergeKey {
        MergeKey {
            event_id: id.into(),
            doc_id: doc.into(),
            class: EventClass::Battles,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            place_id: place.into(),
            lat,
            lon: 37.0,
            precision: GeoPrecision::City,
            source: source.into(),
            url: Some(format!("https://{source}/{doc}")),
            reported: Some(format!("{date}T10:00:00Z")),
        }
    }

    #[test]
    fn same_place_adjacent_days_merge_once() {
        let keys = vec![
            key("c", "d3", "s3", "2024-11-30", "p1", 36.2),
            key("a", "d1", "s1", "2024-11-29", "p1", 36.2),
            key("b", "d2", "s2", "2024-11-29", "p1", 36.2),
            // Three days later: another event.
            key("d", "d4", "s1", "2024-12-03", "p1", 36.2),
            // Another gazetteer entry 3 km away, same day: the same event.
            key("e", "d5", "s2", "2024-11-29", "p2", 36.227),
            // 50 km away: not.
            key("f", "d6", "s2", "2024-11-29", "p3", 36.65),
        ];
        let groups = merge(&keys);
        assert_eq!(groups.len(), 3);
        let g = &groups[0];
        assert_eq!((g.id.as_str(), g.members.len(), g.num_articles, g.num_sources), ("a", 4, 4, 3));
        assert_eq!(g.first_reported.as_deref(), Some("2024-11-29T10:00:00Z"));
        assert_eq!(g.last_reported.as_deref(), Some("2024-11-30T10:00:00Z"));
        // Input order does not matter.
        let mut reversed = keys.clone();
        reversed.reverse();
        assert_eq!(merge(&reversed), groups);
        assert_eq!(merged_ids(&groups)["c"], "a");
    }

    #[test]
    fn class_document_and_date_separate() {
        let mut other = key("b", "d2", "s2", "2024-11-29", "p1", 36.2);
        other.class = EventClass::Protests;
        let same_doc = key("c", "d1", "s1", "2024-11-29", "p1", 36.2);
        let mut undated = key("d", "d4", "s4", "2024-11-29", "p1", 36.2);
        undated.date = None;
        let groups = merge(&[key("a", "d1", "s1", "2024-11-29", "p1", 36.2), other, same_doc, undated]);
        assert_eq!(groups.len(), 4);
    }
}
