//! The geocoder's answers as JSON: one form for `geoevents geocode` (its
//! json, geojson, csv and table output) and the Python bindings, so that
//! both give the same fields.

use super::lookup::Candidate;
use crate::gazetteer::{Gazetteer, Kind};
use serde_json::{json, Value};

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// The JSON form of a candidate (also the GeoJSON properties). `score` is
/// rounded to three decimals; `lat`/`lon` are WGS 84 degrees as stored.
pub fn candidate_json(c: &Candidate) -> Value {
    let p = &c.place;
    json!({
        "id": p.id,
        "name": p.name,
        "kind": p.kind.as_str(),
        "feature_code": p.feature_code,
        "country_code": p.country_code,
        "admin1": p.admin1_name,
        "admin1_code": p.admin1_code,
        "lat": p.lat,
        "lon": p.lon,
        "population": p.population,
        "score": round(c.score, 3),
        "match": c.match_type.as_str(),
        "demonym": c.is_demonym(),
        "why": c.reasons,
    })
}

/// Why a reverse lookup cannot be answered.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum BadReverseQuery {
    /// The point is not on the globe.
    #[error("latitude must be within ±90 and longitude within ±180")]
    OutOfRange,
    /// The distance cap is not a number of km above 0.
    #[error("the distance cap must be above 0 km, not {0}")]
    BadMaxKm(f64),
}

/// What to look for near a point.
#[derive(Debug, Clone, Copy)]
pub struct ReverseQuery<'a> {
    /// Only places of this kind; `None`: towns, districts and first-level
    /// regions, not the centroids of whole countries or continents.
    pub kind: Option<Kind>,
    /// ISO 3166-1 alpha-2; only places in this country.
    pub country: Option<&'a str>,
    /// At most this many places (the nearest).
    pub limit: usize,
    /// Only places within this great-circle distance, km (above 0).
    pub max_km: f64,
}

/// The distance cap of a reverse lookup when none is given: towns and
/// districts within 100 km. The middle of the Gulf of Guinea (0,0) is 560 km
/// from the nearest town, so it gives nothing rather than "Takoradi".
pub const DEFAULT_MAX_KM: f64 = 100.0;

impl Default for ReverseQuery<'_> {
    fn default() -> Self {
        ReverseQuery { kind: None, country: None, limit: 5, max_km: DEFAULT_MAX_KM }
    }
}

/// The places nearest to `lat`, `lon` (WGS 84 degrees), nearest first, in
/// the JSON form of `geocode --reverse`: the place's fields, `distance_km`
/// (great circle, two decimals) and a `score` of 1 / (1 + km); none
/// farther than `q.max_km`.
pub fn nearest_json(gaz: &Gazetteer, lat: f64, lon: f64, q: &ReverseQuery<'_>) -> Result<Vec<Value>, BadReverseQuery> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(BadReverseQuery::OutOfRange);
    }
    if !(q.max_km.is_finite() && q.max_km > 0.0) {
        return Err(BadReverseQuery::BadMaxKm(q.max_km));
    }
    let store = gaz.store();
    let nearest = gaz.spatial().nearest(lat, lon, q.limit.max(1), |i| {
        let k = store.kind(i);
        q.kind.map_or(matches!(k, Kind::City | Kind::Admin2 | Kind::Admin1), |want| k == want)
            && q.country.is_none_or(|cc| store.country_code(i).eq_ignore_ascii_case(cc))
    });
    Ok(nearest
        .iter()
        .filter(|&&(_, km)| km <= q.max_km)
        .map(|&(i, km)| {
            let p = store.place(i);
            json!({"id": p.id, "name": p.name, "kind": p.kind.as_str(), "feature_code": p.feature_code,
                   "country_code": p.country_code, "admin1": p.admin1_name, "admin1_code": p.admin1_code,
                   "lat": p.lat, "lon": p.lon, "population": p.population,
                   "distance_km": round(km, 2), "score": round(1.0 / (1.0 + km), 3),
                   "why": [format!("{:.1} km away", km)]})
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{geocode, Query};

    #[test]
    fn candidates_and_neighbours_carry_the_place_fields() {
        let gaz = Gazetteer::builtin();
        let best = &geocode(&gaz, &Query { name: "Aleppo", limit: 1, ..Query::default() })[0];
        let j = candidate_json(best);
        assert_eq!(j["id"], "geonames:170063");
        assert_eq!(j["match"], "exact");
        let near = nearest_json(
            &gaz,
            j["lat"].as_f64().unwrap(),
            j["lon"].as_f64().unwrap(),
            &ReverseQuery { limit: 3, ..ReverseQuery::default() },
        )
        .unwrap();
        assert_eq!(near.len(), 3);
        assert_eq!(near[0]["id"], "geonames:170063");
        assert!(near[0]["distance_km"].as_f64().unwrap() < near[2]["distance_km"].as_f64().unwrap());
        assert_eq!(nearest_json(&gaz, 91.0, 0.0, &ReverseQuery::default()), Err(BadReverseQuery::OutOfRange));
    }

    #[test]
    fn reverse_lookups_stop_at_the_distance_cap() {
        let gaz = Gazetteer::builtin();
        // The Gulf of Guinea at 0,0 is hundreds of km from any town.
        assert_eq!(nearest_json(&gaz, 0.0, 0.0, &ReverseQuery::default()), Ok(Vec::new()));
        let far = ReverseQuery { max_km: 1000.0, ..ReverseQuery::default() };
        let found = nearest_json(&gaz, 0.0, 0.0, &far).unwrap();
        assert!(!found.is_empty() && found.iter().all(|p| p["distance_km"].as_f64().unwrap() <= 1000.0));
        let zero = ReverseQuery { max_km: 0.0, ..ReverseQuery::default() };
        assert_eq!(nearest_json(&gaz, 0.0, 0.0, &zero), Err(BadReverseQuery::BadMaxKm(0.0)));
    }
}
