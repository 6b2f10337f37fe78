//! What a place is worth before any context: kind, size, capital status and
//! how well the name fits. Shared by the geocoder and by resolution in text,
//! which adds document evidence on top.
//!
//! Scores are in [0, 1]. The constants make these orderings hold (each is
//! checked by a test): a country's name beats any town of that name ("Iraq"
//! is not Arak, "Turkey" is not Turkey, Texas); a large city's own name beats
//! the shortened name of the region named after it ("Aleppo" is the city,
//! "Hama" the Syrian city); a first-level region beats a small town.

use crate::gazetteer::writer::strip_area_words;
use crate::gazetteer::{Kind, NameKind, Place};
use crate::text::fold::fold;

/// How the query met the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchType {
    /// The place's own name.
    Exact,
    /// An alternate name, a shortened area name or a demonym.
    Alternate,
    /// Close but not equal (edit distance on the folded name).
    Fuzzy,
}

impl MatchType {
    /// The name as written in `geocode` output (`exact`, `alternate`, `fuzzy`).
    pub fn as_str(self) -> &'static str {
        match self {
            MatchType::Exact => "exact",
            MatchType::Alternate => "alternate",
            MatchType::Fuzzy => "fuzzy",
        }
    }
}

/// Population on a 0..1 scale: log10, 10 million and over is 1.
pub fn population_scale(population: u64) -> f64 {
    ((population as f64 + 1.0).log10() / 7.0).min(1.0)
}

/// The context-free score of a place reached through a name of `name_kind`,
/// with the reasons that made it.
pub fn prior(place: &Place<'_>, name_kind: NameKind, match_type: MatchType, reasons: &mut Vec<&'static str>) -> f64 {
    let pop = population_scale(place.population);
    let base = match place.kind {
        Kind::Country => {
            reasons.push("a country outranks places that share its name");
            0.95
        }
        Kind::Continent => {
            reasons.push("continent");
            0.9
        }
        Kind::Region => {
            reasons.push("named region");
            0.85
        }
        Kind::Admin1 => {
            reasons.push("first-level region outranks towns");
            0.72 + 0.1 * pop
        }
        Kind::Admin2 => {
            reasons.push("second-level district");
            0.5 + 0.1 * pop
        }
        Kind::City => {
            let capital = match place.feature_code {
                "PPLC" => {
                    reasons.push("national capital");
                    0.15
                }
                "PPLA" => {
                    reasons.push("seat of a first-level region");
                    0.05
                }
                _ => 0.0,
            };
            reasons.push(if place.population >= 100_000 {
                "large population"
            } else {
                "city or town, ranked by population"
            });
            0.35 + 0.45 * pop + capital
        }
        Kind::Physical => {
            reasons.push("physical feature");
            0.5
        }
        Kind::Other => 0.3,
    };
    let fit = match (match_type, name_kind) {
        (MatchType::Fuzzy, _) => {
            reasons.push("fuzzy match: spelling differs");
            0.6
        }
        (_, NameKind::Main) => {
            reasons.push("its main name");
            1.0
        }
        (_, NameKind::Alternate) => {
            reasons.push("an alternate name");
            0.9
        }
        (_, NameKind::Shortened) => {
            reasons.push("area name without its type word");
            0.8
        }
        (_, NameKind::Demonym) => {
            reasons.push("demonym");
            0.88
        }
    };
    (base * fit).min(1.0)
}

/// The seat-city rule: where a first-level region and its seat share a name
/// ("Erbil", "Baghdad"), the bare name means the city; "Oklahoma" is the
/// state, its seat being "Oklahoma City". Lifts such a city just
/// above the region. `score` and `set_score` read and write a candidate's score.
pub fn seat_city_first<T>(
    cands: &mut [T],
    place: impl Fn(&T) -> &Place<'_>,
    score: impl Fn(&T) -> f64,
    mut set_score: impl FnMut(&mut T, f64),
) {
    for i in 0..cands.len() {
        let region = place(&cands[i]);
        if region.kind != Kind::Admin1 {
            continue;
        }
        let (code, region_score) = (region.admin1_code.to_string(), score(&cands[i]));
        let region_key = fold(region.name);
        let region_short = strip_area_words(&region_key).unwrap_or(&region_key).to_string();
        for city_cand in cands.iter_mut() {
            let city = place(city_cand);
            // The same name: "Erbil" and "Erbil", "Ḩamāh" and "Hama Governorate";
            // not "Oklahoma City" for "Oklahoma".
            if city.kind == Kind::City
                && matches!(city.feature_code, "PPLA" | "PPLC")
                && city.admin1_code == code
                && score(city_cand) <= region_score
                && fold(city.name) == region_short
            {
                set_score(city_cand, region_score + 0.01);
            }
        }
    }
}

/// A city at least this many times as populous as a same-named first-level
/// region comes first: "Portland" is Oregon's city, not Portland Parish
/// (Jamaica); "Oklahoma" stays the state, far larger than its namesake city.
pub const BIG_CITY_RATIO: u64 = 4;

/// The big-city rule (see [`BIG_CITY_RATIO`]): lifts a large city (100,000
/// and over) just above a first-level region of the same name that it
/// outnumbers. Regions of unknown population (0) are left alone.
pub fn big_city_first<T>(
    cands: &mut [T],
    place: impl Fn(&T) -> &Place<'_>,
    score: impl Fn(&T) -> f64,
    mut set_score: impl FnMut(&mut T, f64),
) {
    let regions: Vec<(u64, f64)> = cands
        .iter()
        .filter(|c| place(c).kind == Kind::Admin1 && place(c).population > 0)
        .map(|c| (place(c).population, score(c)))
        .collect();
    for c in cands.iter_mut() {
        let city = place(c);
        if city.kind != Kind::City || city.population < 100_000 {
            continue;
        }
        let pop = city.population;
        let beat = regions.iter().filter(|(rp, _)| pop >= BIG_CITY_RATIO * rp).map(|(_, s)| *s).reduce(f64::max);
        if let Some(region_score) = beat.filter(|&rs| score(c) <= rs) {
            set_score(c, region_score + 0.01);
        }
    }
}
