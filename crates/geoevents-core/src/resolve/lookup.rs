//! A name in, ranked candidates out: the geocoder behind `geoevents geocode`.

use super::prior::{prior, MatchType};
use crate::gazetteer::writer::strip_area_words;
use crate::gazetteer::{Gazetteer, Kind, NameKind, Place, Posting};
use crate::text::fold::fold;

/// One way a name may be read: a place and how well it fits.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub place: Place<'static>,
    pub name_kind: NameKind,
    pub match_type: MatchType,
    pub score: f64,
    /// Why it ranks where it does, most important first.
    pub reasons: Vec<&'static str>,
}

impl Candidate {
    pub fn is_demonym(&self) -> bool {
        self.name_kind == NameKind::Demonym
    }
}

/// What to look up and how to filter.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    pub name: &'a str,
    /// ISO 3166-1 alpha-2; only places in this country.
    pub country: Option<&'a str>,
    pub kind: Option<Kind>,
    pub limit: usize,
    /// Try edit-distance matches when nothing matches exactly.
    pub fuzzy: bool,
}

/// Ranked candidates for a name, best first (score, then population).
pub fn geocode(gaz: &Gazetteer, q: &Query<'_>) -> Vec<Candidate> {
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

fn passes(q: &Query<'_>, place: &Place<'_>) -> bool {
    q.country.is_none_or(|cc| place.country_code.eq_ignore_ascii_case(cc)) && q.kind.is_none_or(|k| place.kind == k)
}

fn push(gaz: &Gazetteer, q: &Query<'_>, p: Posting, match_type: MatchType, area_asked: bool, out: &mut Vec<Candidate>) {
    let place = gaz.store().place(p.record);
    if !passes(q, &place) {
        return;
    }
    // The same place may arrive by two keys: keep its best reading.
    if let Some(existing) = out.iter().position(|c| c.place.index == p.record) {
        if (out[existing].match_type, out[existing].name_kind) <= (match_type, p.name_kind) {
            return;
        }
        out.swap_remove(existing);
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
    for (value, _) in super::fuzzy::within_distance(gaz.store().fst().as_fst(), key, distance, 64) {
        gaz.store().postings_of(value, &mut postings);
    }
    let area_asked = strip_area_words(key).is_some();
    for p in postings {
        push(gaz, q, p, MatchType::Fuzzy, area_asked, out);
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
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.place.population.cmp(&a.place.population))
            .then(a.place.index.cmp(&b.place.index))
    });
}
