//! The places a name may mean: every gazetteer record the name leads to,
//! each with its context-free prior (`prior.rs`) adjusted for the cues
//! around the mention ("Hama province" asks for an area; "US" in capitals
//! is no village).

use super::prior::{prior, MatchType};
use crate::gazetteer::{Gazetteer, Kind, NameKind, Place, Posting};
use crate::mentions::Mention;
use rustc_hash::FxHashMap as HashMap;

/// One place a mention may mean, with its score so far.
#[derive(Debug, Clone)]
pub struct Cand {
    /// The gazetteer place.
    pub place: Place<'static>,
    /// How the mention's name belongs to the place (main, alternate, shortened, demonym).
    pub name_kind: NameKind,
    /// The context-free score (see `prior.rs`), adjusted for the cues.
    pub prior: f64,
    /// The prior plus the document's evidence.
    pub score: f64,
    /// Some other mention of the document backs it (country, region, containment, nearness).
    pub supported: bool,
    /// Backed by something finer than a country: its region, containment or a nearby place.
    pub locally_supported: bool,
    /// Inside (or near) a place that shows the name to be a place (see
    /// [`Container::establishes`](super::containment::Container::establishes)):
    /// "X, Maine", "X is a town in Y County".
    pub contained: bool,
    /// In a region the document's source writes about (see `source_prior.rs`).
    pub source_backed: bool,
}

impl Cand {
    /// A candidate with no context yet.
    pub fn new(place: Place<'static>, name_kind: NameKind, prior: f64) -> Cand {
        Cand {
            place,
            name_kind,
            prior,
            score: prior,
            supported: false,
            locally_supported: false,
            contained: false,
            source_backed: false,
        }
    }
}

/// Most candidates kept per name before context scoring: all areas first,
/// then places by population.
pub const MAX_CANDIDATES: usize = 64;

/// A place that stands on its own: an area, a capital or a city of 100,000.
pub fn strong(c: &Cand) -> bool {
    match c.place.kind {
        Kind::Country | Kind::Continent | Kind::Region | Kind::Admin1 => true,
        Kind::City => c.place.population >= 100_000 || matches!(c.place.feature_code, "PPLC" | "PPLA"),
        _ => false,
    }
}

/// What `candidates` depends on besides the name: the cues it reads.
fn candidate_setting(m: &Mention) -> u8 {
    let c = &m.cues;
    u8::from(c.area_word_after)
        | u8::from(c.second_level_area) << 1
        | u8::from(c.all_caps) << 2
        | u8::from(c.dateline) << 3
        | u8::from(m.key.chars().count() <= 3) << 4
        | u8::from(c.aviation) << 5
}

/// Candidate lists depend only on the name and a few cues, and news repeats
/// its names: they are kept per thread across documents, for one gazetteer
/// at a time, and the cache is bounded.
pub fn cached_candidates(gaz: &Gazetteer, m: &Mention) -> Vec<Cand> {
    type Cache = (usize, HashMap<(u64, u8), Vec<Cand>>);
    thread_local! {
        static CACHE: std::cell::RefCell<Cache> = std::cell::RefCell::new((0, HashMap::default()));
    }
    if m.unlisted.is_some() {
        return Vec::new();
    }
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Gazetteer bytes are never freed (embedded or leaked mmap): their address names them.
        let id = gaz.store().fst().as_fst().as_bytes().as_ptr() as usize;
        if cache.0 != id || cache.1.len() > 8_000 {
            cache.1.clear();
            cache.0 = id;
        }
        cache.1.entry((m.value, candidate_setting(m))).or_insert_with(|| candidates(gaz, m)).clone()
    })
}

/// Longest airport code: IATA codes have 3 characters, ICAO codes 4.
const AIRPORT_CODE_CHARS: usize = 4;

/// An airport reached by one of its codes rather than by a name: airports'
/// names are words ("Heathrow Airport"), their codes one short token.
pub fn reached_by_code(m: &Mention, c: &Cand) -> bool {
    c.place.feature_code == "AIRP"
        && c.name_kind == NameKind::Alternate
        && m.key.chars().count() <= AIRPORT_CODE_CHARS
        && !m.key.contains(' ')
}

/// The candidates of a mention, with priors adjusted for its cues.
pub fn candidates(gaz: &Gazetteer, m: &Mention) -> Vec<Cand> {
    let store = gaz.store();
    let mut postings: Vec<Posting> = Vec::new();
    store.postings_of(m.value, &mut postings);
    if postings.len() > MAX_CANDIDATES {
        // Long lists ("San Jose", "Victoria") are cut to the areas and the
        // most populous places, reading only the fixed-size record part.
        postings.sort_by_key(|p| {
            let area = matches!(store.kind(p.record), Kind::Country | Kind::Continent | Kind::Region | Kind::Admin1);
            (!area, std::cmp::Reverse(store.population(p.record)), p.record)
        });
        postings.truncate(MAX_CANDIDATES);
    }
    let mut reasons = Vec::new();
    let mut cands: Vec<Cand> = postings
        .into_iter()
        .map(|p| {
            let place = store.place(p.record);
            reasons.clear();
            let mt = if p.name_kind == NameKind::Main { MatchType::Exact } else { MatchType::Alternate };
            let mut s = prior(&place, p.name_kind, mt, &mut reasons);
            if m.cues.area_word_after {
                let wanted = if m.cues.second_level_area { Kind::Admin2 } else { Kind::Admin1 };
                // The other level counts a little: a Philippine "province" is a second-level division.
                s = if place.kind == wanted || place.kind == Kind::Region {
                    (s + 0.2).min(1.0)
                } else if matches!(place.kind, Kind::Admin1 | Kind::Admin2) {
                    (s + 0.1).min(1.0)
                } else {
                    s * 0.3
                };
            }
            Cand::new(place, p.name_kind, s)
        })
        .collect();
    // An airport's code ("LHR", "EGLL") names it only in capitals among words
    // of flying: otherwise "MPs", "CDs", "Csa" or "ACT" are not airports.
    let code_airport = |c: &Cand| reached_by_code(m, c) && m.cues.all_caps && m.cues.aviation;
    cands.retain(|c| !reached_by_code(m, c) || code_airport(c));
    // "US" in capitals is an abbreviation: of a country or a region, never of a village called Us.
    if m.cues.all_caps && !m.cues.dateline && m.key.chars().count() <= 3 {
        cands.retain(|c| {
            matches!(c.place.kind, Kind::Country | Kind::Admin1 | Kind::Region | Kind::Continent) || code_airport(c)
        });
    }
    // A name that is some place's own name means that place before it means
    // another place as an alternate ("Mexico" the country, not Mexico City;
    // "Tunis" the city, not Tunisia).
    if cands.iter().any(|c| c.name_kind == NameKind::Main && strong(c)) {
        for c in cands.iter_mut().filter(|c| matches!(c.name_kind, NameKind::Alternate | NameKind::Shortened)) {
            c.prior *= 0.9;
            c.score = c.prior;
        }
    }
    if !m.cues.area_word_after {
        super::prior::big_city_first(
            &mut cands,
            |c| &c.place,
            |c| c.prior,
            |c, s| {
                c.prior = s;
                c.score = s;
            },
        );
        super::prior::seat_city_first(
            &mut cands,
            |c| &c.place,
            |c| c.prior,
            |c, s| {
                c.prior = s;
                c.score = s;
            },
        );
    }
    cands
}

/// The index of the best candidate: highest score, then lowest record index.
pub fn pick(cands: &[Cand]) -> Option<usize> {
    cands
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.score.total_cmp(&b.1.score).then(b.1.place.index.cmp(&a.1.place.index)))
        .map(|(i, _)| i)
}

/// The best candidate (see [`pick`]).
pub fn best(cands: &[Cand]) -> Option<&Cand> {
    pick(cands).map(|i| &cands[i])
}
