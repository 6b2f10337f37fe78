//! A name in, ranked candidates out: the geocoder behind `geoevents geocode`.

use super::prior::{prior, MatchType};
use crate::gazetteer::writer::strip_area_words;
use crate::gazetteer::{Gazetteer, Kind, NameKind, Place, Posting};
use crate::text::fold::fold;

/// One way a name may be read: a place and how well it fits.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The gazetteer place.
    pub place: Place<'static>,
    /// How the matched name belongs to the place (main, alternate, shortened, demonym).
    pub name_kind: NameKind,
    /// How the query met the name: exact, alternate or fuzzy.
    pub match_type: MatchType,
    /// The rank score, at most 1: the context-free prior (`prior.rs`), raised when the name asks for an area it is, or
    /// for a seat or large city over a region of its name; in `within` queries, blended with the area's score.
    pub score: f64,
    /// Why it ranks where it does, most important first.
    pub reasons: Vec<&'static str>,
}

impl Candidate {
    /// True when the name matched is a demonym or adjective ("Syrian" for Syria).
    pub fn is_demonym(&self) -> bool {
        self.name_kind == NameKind::Demonym
    }
}

/// What to look up and how to filter.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    /// The name; "Paris, Texas" is read as "Paris" within "Texas" when the
    /// whole string names no place.
    pub name: &'a str,
    /// ISO 3166-1 alpha-2; only places in this country.
    pub country: Option<&'a str>,
    /// A place the answer must lie in: a country, region or district by any
    /// of its names or codes ("Texas", "MO", "Syria").
    pub within: Option<&'a str>,
    /// Only places of this kind; `None` for any kind.
    pub kind: Option<Kind>,
    /// The most candidates returned; 0 is taken as 1.
    pub limit: usize,
    /// Try edit-distance matches when nothing matches exactly.
    pub fuzzy: bool,
}

/// Ranked candidates for a name, best first (score, then population).
pub fn geocode(gaz: &Gazetteer, q: &Query<'_>) -> Vec<Candidate> {
    if let Some(within) = q.within.map(str::trim).filter(|w| !w.is_empty()) {
        return geocode_within(gaz, &Query { within: None, ..q.clone() }, within);
    }
    let mut found = geocode_name(gaz, q);
    // "Paris, Texas", "Springfield, MO", "Kharkiv Oblast, Ukraine".
    if found.is_empty() {
        if let Some((name, within)) = q.name.rsplit_once(',') {
            found = geocode_within(gaz, &Query { name: name.trim(), ..q.clone() }, within.trim());
        }
    }
    found.truncate(q.limit.max(1));
    found
}

/// Areas a qualifier may mean: its candidates that are countries, regions
/// or districts.
fn qualifier_areas(gaz: &Gazetteer, within: &str) -> Vec<Candidate> {
    let q = Query { name: within, limit: 20, ..Query::default() };
    let mut areas = geocode_name(gaz, &q);
    areas.retain(|c| matches!(c.place.kind, Kind::Country | Kind::Admin1 | Kind::Admin2 | Kind::Region));
    areas
}

/// Candidates of `q.name` that lie inside some reading of `within`, ranked
/// by their own score plus the qualifier's (so "Springfield, MO" prefers
/// Missouri to any other "MO").
fn geocode_within(gaz: &Gazetteer, q: &Query<'_>, within: &str) -> Vec<Candidate> {
    let areas = qualifier_areas(gaz, within);
    if areas.is_empty() || q.name.is_empty() {
        return Vec::new();
    }
    let mut found = geocode_name(gaz, &Query { limit: usize::MAX, ..q.clone() });
    found.retain_mut(|c| {
        let best =
            areas.iter().filter(|a| super::containment::inside(&c.place, &a.place)).map(|a| a.score).reduce(f64::max);
        match best {
            Some(area_score) => {
                c.score = (c.score + 0.25 * area_score).min(1.0);
                c.reasons.insert(0, "inside the place the query names after its comma");
                true
            }
            None => false,
        }
    });
    sort(&mut found);
    found.truncate(q.limit.max(1));
    found
}

/// Ranked candidates for the name alone.
fn geocode_name(gaz: &Gazetteer, q: &Query<'_>) -> Vec<Candidate> {
    let key = fold(q.name);
    let mut found = Vec::new();
    collect(gaz, q, &key, &mut found);
    if found.is_empty() {
        // "Syria's" asks for Syria.
        if let Some(stem) = key.strip_suffix('s').filter(|_| q.name.ends_with("'s") || q.name.ends_with("’s")) {
            collect(gaz, q, stem, &mut found);
        }
    }
    if found.is_empty() && q.fuzzy {
        collect_fuzzy(gaz, q, &key, &mut found);
    }
    rank(&mut found);
    found.truncate(q.limit.max(1));
    found
}

/// Reads a `--country` value: an ISO 3166-1 alpha-2 code ("SY"), an alpha-3
/// code ("SYR") or a country's name in any language the gazetteer knows
/// ("Syria", "Sūriyā"). Returns the alpha-2 code.
pub fn country_code(gaz: &Gazetteer, value: &str) -> Option<&'static str> {
    let store = gaz.store();
    let value = value.trim();
    let countries = (0..store.len()).filter(|&i| store.kind(i) == Kind::Country);
    if value.len() == 2 && value.chars().all(|c| c.is_ascii_alphabetic()) {
        if let Some(i) = countries.clone().find(|&i| store.country_code(i).eq_ignore_ascii_case(value)) {
            return Some(store.country_code(i));
        }
    }
    if value.len() == 3 && value.chars().all(|c| c.is_ascii_alphabetic()) {
        if let Some(i) = countries.clone().find(|&i| store.place(i).iso_code.eq_ignore_ascii_case(value)) {
            return Some(store.country_code(i));
        }
    }
    let q = Query { name: value, kind: Some(Kind::Country), limit: 1, ..Query::default() };
    geocode_name(gaz, &q).first().map(|c| c.place.country_code).filter(|cc| !cc.is_empty())
}

fn passes(q: &Query<'_>, place: &Place<'_>) -> bool {
    q.country.is_none_or(|cc| place.country_code.eq_ignore_ascii_case(cc)) && q.kind.is_none_or(|k| place.kind == k)
}

/// Adds the candidate of a posting unless filtered out or already there in
/// a better reading; true when it was added (as the last one).
fn push(
    gaz: &Gazetteer,
    q: &Query<'_>,
    p: Posting,
    match_type: MatchType,
    area_asked: bool,
    out: &mut Vec<Candidate>,
) -> bool {
    let place = gaz.store().place(p.record);
    if !passes(q, &place) {
        return false;
    }
    // The same place may arrive by two keys: keep its best reading.
    if let Some(existing) = out.iter().position(|c| c.place.index == p.record) {
        if (out[existing].match_type, out[existing].name_kind) <= (match_type, p.name_kind) {
            return false;
        }
        out.remove(existing);
    }
    let mut reasons = Vec::new();
    let mut score = prior(&place, p.name_kind, match_type, &mut reasons);
    if area_asked {
        if matches!(place.kind, Kind::Admin1 | Kind::Admin2 | Kind::Region) {
            reasons.insert(0, "the name asks for an area (Governorate, Province, ...)");
            score = (score + 0.2).min(1.0);
        } else {
            reasons.insert(0, "the name asks for an area, this is not one");
            score *= 0.3;
        }
    }
    out.push(Candidate { place, name_kind: p.name_kind, match_type, score, reasons });
    true
}

fn collect(gaz: &Gazetteer, q: &Query<'_>, key: &str, out: &mut Vec<Candidate>) {
    let mut postings = Vec::new();
    let short = strip_area_words(key);
    let area_asked = short.is_some();
    gaz.store().lookup(key, &mut postings);
    for p in postings.drain(..) {
        let mt = if p.name_kind == NameKind::Main { MatchType::Exact } else { MatchType::Alternate };
        push(gaz, q, p, mt, area_asked, out);
    }
    // "Kurdistan Region" is a record of its own: the shortened "Kurdistan"
    // is only asked when the full name found no area.
    let full_found_area = out.iter().any(|c| matches!(c.place.kind, Kind::Admin1 | Kind::Admin2 | Kind::Region));
    if let Some(short) = short.filter(|_| !full_found_area) {
        gaz.store().lookup(short, &mut postings);
        for p in postings.drain(..) {
            push(gaz, q, p, MatchType::Alternate, true, out);
        }
    }
}

fn collect_fuzzy(gaz: &Gazetteer, q: &Query<'_>, key: &str, out: &mut Vec<Candidate>) {
    let distance = match key.chars().count() {
        0..=4 => return,
        5..=9 => 1,
        _ => 2,
    };
    let mut postings = Vec::new();
    let area_asked = strip_area_words(key).is_some();
    for (value, edits) in super::fuzzy::within_distance(gaz.store().fst().as_fst(), key, distance, 64) {
        postings.clear();
        gaz.store().postings_of(value, &mut postings);
        for p in postings.drain(..) {
            // At the same distance, the place whose own name it is comes
            // first: "Philadelpia" is Philadelphia, not Amman (once
            // Philadelphia); a second edit costs more.
            if push(gaz, q, p, MatchType::Fuzzy, area_asked, out) {
                if let Some(c) = out.last_mut() {
                    if c.name_kind != NameKind::Main {
                        c.score *= 0.75;
                    }
                    c.score *= 1.0 - 0.1 * (edits.saturating_sub(1)) as f64;
                }
            }
        }
    }
}

fn rank(found: &mut [Candidate]) {
    super::prior::seat_city_first(
        found,
        |c| &c.place,
        |c| c.score,
        |c, s| {
            c.score = s.min(1.0);
            c.reasons.insert(0, "the city that gives its region its name");
        },
    );
    super::prior::big_city_first(
        found,
        |c| &c.place,
        |c| c.score,
        |c, s| {
            c.score = s.min(1.0);
            c.reasons.insert(0, "a large city outranks a much smaller region of its name");
        },
    );
    sort(found);
}

fn sort(found: &mut [Candidate]) {
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.place.population.cmp(&a.place.population))
            .then(a.place.index.cmp(&b.place.index))
    });
}
