//! Resolution in context: for every name found in a document, the place it
//! means, chosen with the document's own evidence, or the reason it is not a
//! place at all.
//!
//! Evidence, in the order it is gathered:
//! 1. The context-free prior of each candidate (`prior.rs`): kind, size,
//!    capital status, name fit.
//! 2. The countries the document names (country names, demonyms, the dateline).
//! 3. The first-level regions it names.
//! 4. Containment written out: "Bangor, Maine", "Aleppo, Syria".
//! 5. Spatial coherence: closeness to the document's other places.
//!
//! Two passes: the second recomputes 3 and 5 from the first pass's choices.

use super::prior::{population_scale, prior, MatchType};
use crate::gazetteer::spatial::{unit_vector, EARTH_RADIUS_KM};
use crate::gazetteer::{Gazetteer, Kind, NameKind, Place, Posting};
use crate::mentions::Mention;
use rustc_hash::FxHashMap as HashMap;

/// How a place name is used. Written in lower case (`metonym`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MentionType {
    /// The place itself: "fighting in Aleppo".
    Place,
    /// An adjective or people noun: "Syrian", "Kurdish".
    Demonym,
    /// The place stands for its government or people: "Damascus said".
    Metonym,
    /// Part of another name: "The Washington Post", "West Nile virus".
    Embedded,
}

impl MentionType {
    pub fn as_str(self) -> &'static str {
        match self {
            MentionType::Place => "place",
            MentionType::Demonym => "demonym",
            MentionType::Metonym => "metonym",
            MentionType::Embedded => "embedded",
        }
    }
}

/// The outcome for one mention.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub mention: usize,
    /// None: a place name that matched no acceptable place (reported with null coordinates).
    pub place: Option<Place<'static>>,
    pub name_kind: NameKind,
    pub mention_type: MentionType,
    /// Estimated probability that the place is right (see `confidence`).
    pub confidence: f64,
    pub reasons: Vec<String>,
}

/// A mention judged not to be a place, with why.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub mention: usize,
    pub reason: &'static str,
}

#[derive(Debug, Clone)]
struct Cand {
    place: Place<'static>,
    name_kind: NameKind,
    prior: f64,
    score: f64,
    /// Some other mention of the document backs it (country, region, containment, nearness).
    supported: bool,
    /// Backed by something finer than a country: its region, containment or a nearby place.
    locally_supported: bool,
}

/// Most candidates kept per name before context scoring: all areas first,
/// then places by population.
const MAX_CANDIDATES: usize = 64;

fn strong(c: &Cand) -> bool {
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
}

/// Candidate lists depend only on the name and a few cues, and news repeats
/// its names: they are kept per thread across documents, for one gazetteer
/// at a time, and the cache is bounded.
fn cached_candidates(gaz: &Gazetteer, m: &Mention) -> Vec<Cand> {
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

fn candidates(gaz: &Gazetteer, m: &Mention) -> Vec<Cand> {
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
                s = if place.kind == wanted || place.kind == Kind::Region { (s + 0.2).min(1.0) } else { s * 0.3 };
            }
            Cand { place, name_kind: p.name_kind, prior: s, score: s, supported: false, locally_supported: false }
        })
        .collect();
    // "US" in capitals is an abbreviation: of a country or a region, never of a village called Us.
    if m.cues.all_caps && !m.cues.dateline && m.key.chars().count() <= 3 {
        cands.retain(|c| matches!(c.place.kind, Kind::Country | Kind::Admin1 | Kind::Region | Kind::Continent));
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

fn best(cands: &[Cand]) -> Option<&Cand> {
    cands.iter().max_by(|a, b| a.score.total_cmp(&b.score).then(b.place.index.cmp(&a.place.index)))
}

/// Decides from the words around it and its best candidate whether a name
/// is a place at all. Checks that need the document's other places come
/// later, in [`needs_support`].
fn reject_reason(m: &Mention, cands: &[Cand]) -> Option<&'static str> {
    let top = best(cands)?;
    let c = &m.cues;
    if c.person {
        return Some("a person's name (title or given name next to it, or used so elsewhere in the text)");
    }
    // A nisba: "al-Sudani", "al-Masri" are family names, whether the word is
    // listed as a demonym or as a foreign name of the country.
    if c.after_article && !m.key.contains(' ') && top.name_kind != NameKind::Main {
        return Some("an Arabic family name (al- before a demonym: al-Sudani)");
    }
    if c.in_code {
        return Some("part of a code between slashes (A/California/7/2009)");
    }
    if c.speaker
        && !c.after_locative
        && !c.after_of
        && !matches!(top.place.kind, Kind::Country | Kind::Continent)
        && top.place.feature_code != "PPLC"
    {
        return Some("a person: a single name followed by a verb of speech");
    }
    if c.currency {
        return Some("part of a currency sign (US$)");
    }
    // An abbreviation of a country or region ("U.S.", "UK", "NSW") counts as its own name here.
    let abbreviation = (c.all_caps || m.key.contains(' ') && m.key.split(' ').all(|w| w.len() == 1))
        && matches!(top.place.kind, Kind::Country | Kind::Admin1);
    let main_and_strong =
        strong(top) && (abbreviation || !matches!(top.name_kind, NameKind::Alternate | NameKind::Shortened));
    if (c.inside_longer_name || c.starts_longer_name) && !main_and_strong && top.name_kind != NameKind::Demonym {
        return Some("part of a longer capitalised name");
    }
    if (c.organisation || c.disease) && !strong(top) {
        return Some("part of the name of an organisation or a disease");
    }
    // A common word that is only some place's alternate name ("Polio" is
    // Poland in Esperanto) is the word, except for a major city ("Mecca").
    let major_city = top.place.kind == Kind::City && top.place.population >= 1_000_000;
    if c.common_word
        && !matches!(top.name_kind, NameKind::Main | NameKind::Demonym)
        && (c.sentence_start || !major_city)
    {
        return Some("a common English word, and not the place's own name");
    }
    if c.all_caps && !c.dateline && !strong(top) {
        return Some("capitals that name no country, region or city");
    }
    None
}

/// After context: names that are only places if the document backs them.
fn needs_support(m: &Mention, c: &Cand) -> Option<&'static str> {
    let single_word = !m.key.contains(' ');
    if c.name_kind == NameKind::Demonym || !single_word {
        return None;
    }
    let cues = &m.cues;
    if cues.common_word {
        let ok = if cues.sentence_start || cues.all_caps {
            matches!(c.place.kind, Kind::Country | Kind::Continent)
        } else {
            // Mid-sentence with a capital: a country, a capital or a city of a
            // million ("Mecca", "Shanghai") is the place; a smaller one needs local support.
            let major =
                c.place.kind == Kind::City && (c.place.population >= 1_000_000 || c.place.feature_code == "PPLC");
            matches!(c.place.kind, Kind::Country | Kind::Continent) || major || (strong(c) && c.locally_supported)
        };
        if !ok {
            return Some("a common English word without support from the document");
        }
    }
    if cues.surname && !strong(c) && !c.locally_supported {
        return Some("a frequent surname, and no nearby place or region backs the town");
    }
    if !strong(c) && !c.supported {
        return Some("a small place with no support in the document");
    }
    None
}

/// What the document says, each piece remembering which mention said it, so
/// a mention never counts as its own support.
/// Totals of the document's evidence, and what each source contributed, so
/// a source is left out of its own support in constant time.
#[derive(Default)]
struct Evidence {
    country_total: HashMap<&'static str, f64>,
    country_by_source: HashMap<(&'static str, usize), f64>,
    all_countries: f64,
    admin1_total: HashMap<&'static str, usize>,
    admin1_by_source: HashMap<(&'static str, usize), usize>,
    /// Places below region level: (source, unit vector), in a grid of
    /// unit-sphere cells so closeness checks stay local in long documents.
    anchors: HashMap<[i32; 3], Vec<(usize, [f64; 3])>>,
}

impl Evidence {
    fn add_country(&mut self, cc: &'static str, source: usize, w: f64) {
        if !cc.is_empty() {
            *self.country_total.entry(cc).or_default() += w;
            *self.country_by_source.entry((cc, source)).or_default() += w;
            self.all_countries += w;
        }
    }
    fn add_admin1(&mut self, code: &'static str, source: usize) {
        if !code.is_empty() {
            *self.admin1_total.entry(code).or_default() += 1;
            *self.admin1_by_source.entry((code, source)).or_default() += 1;
        }
    }
    fn country_weight(&self, cc: &str, except: usize) -> f64 {
        let Some((&cc, total)) = self.country_total.get_key_value(cc) else { return 0.0 };
        total - self.country_by_source.get(&(cc, except)).copied().unwrap_or(0.0)
    }
    fn total_country_weight(&self) -> f64 {
        self.all_countries.max(1.0)
    }
    fn admin1_named(&self, code: &str, except: usize) -> bool {
        let Some((&code, total)) = self.admin1_total.get_key_value(code) else { return false };
        *total > self.admin1_by_source.get(&(code, except)).copied().unwrap_or(0)
    }
}

/// Mentions of one name form one source of evidence ("one sense per
/// discourse"): two "Mexico"s do not back each other. `source[k]` is the
/// first mention with mention k's name.
fn sources(mentions: &[Mention]) -> Vec<usize> {
    let mut first: HashMap<&str, usize> = HashMap::default();
    mentions.iter().enumerate().map(|(k, m)| *first.entry(m.key.as_str()).or_insert(k)).collect()
}

fn gather(
    cands: &[Vec<Cand>],
    chosen: &[Option<usize>],
    mentions: &[Mention],
    source: &[usize],
    with_places: bool,
) -> Evidence {
    let mut ev = Evidence::default();
    for (m, choice) in chosen.iter().enumerate() {
        let Some(ci) = *choice else { continue };
        let k = source[m];
        let p = &cands[m][ci].place;
        let weight = if mentions[m].cues.dateline { 2.0 } else { 1.0 };
        match p.kind {
            Kind::Country | Kind::Region => ev.add_country(p.country_code, k, weight),
            Kind::Admin1 => {
                ev.add_country(p.country_code, k, 0.5 * weight);
                ev.add_admin1(p.admin1_code, k);
            }
            _ if with_places => {
                ev.add_country(p.country_code, k, 0.5 * weight);
                ev.add_admin1(p.admin1_code, k);
                if matches!(p.kind, Kind::City | Kind::Admin2) {
                    let v = unit_vector(p.lat, p.lon);
                    let cell = ev.anchors.entry(anchor_cell(v)).or_default();
                    if !cell.iter().any(|a| a.0 == k) {
                        cell.push((k, v));
                    }
                }
            }
            _ => {}
        }
    }
    ev
}

/// Grid cells of 0.04 on the unit sphere's axes: a chord of 0.04 is 255 km,
/// so every place within 250 km lies in the same or a neighbouring cell.
fn anchor_cell(v: [f64; 3]) -> [i32; 3] {
    v.map(|x| (x / 0.04).floor() as i32)
}

/// Bonus for a place inside a first-level region the document names.
const ADMIN1_BONUS: f64 = 0.1;
/// Bonus for a place within 50 km of another place of the document (half within 250 km).
const NEAR_BONUS: f64 = 0.08;

/// Scores every candidate of a mention whose evidence source is `k` (see
/// [`sources`]), marking which candidates the rest of the document backs.
fn score_with(k: usize, cands: &mut [Cand], ev: &Evidence, container: Option<&Cand>) {
    let total = ev.total_country_weight();
    for c in cands.iter_mut() {
        let p = &c.place;
        let mut s = c.prior;
        let mut support = false;
        let mut local = false;
        let w = ev.country_weight(p.country_code, k);
        if w > 0.0 {
            support = true;
            // The country itself gains more than a town inside it, so a
            // village named China never displaces China.
            s += if p.kind == Kind::Country { 0.1 + 0.15 * (w / total) } else { 0.08 + 0.12 * (w / total) };
        }
        if !p.admin1_code.is_empty() && p.kind != Kind::Admin1 && ev.admin1_named(p.admin1_code, k) {
            s += ADMIN1_BONUS;
            support = true;
            local = true;
        }
        if let Some(kc) = container {
            let kp = &kc.place;
            let inside = match kp.kind {
                Kind::Country => p.country_code == kp.country_code && p.kind != Kind::Country,
                Kind::Admin1 => p.admin1_code == kp.admin1_code && p.kind != Kind::Admin1,
                _ => false,
            };
            if inside {
                s += 0.6;
                support = true;
                local = true;
            }
        }
        if matches!(p.kind, Kind::City | Kind::Admin2) && !ev.anchors.is_empty() {
            // Closeness by the dot product of unit vectors, looking only at
            // the neighbouring grid cells (they cover 250 km all round).
            let v = unit_vector(p.lat, p.lon);
            let [cx, cy, cz] = anchor_cell(v);
            let mut closest = f64::NEG_INFINITY;
            for dx in -1..=1 {
                for dy in -1..=1 {
                    for dz in -1..=1 {
                        for (_, a) in
                            ev.anchors.get(&[cx + dx, cy + dy, cz + dz]).into_iter().flatten().filter(|a| a.0 != k)
                        {
                            closest = closest.max(v[0] * a[0] + v[1] * a[1] + v[2] * a[2]);
                        }
                    }
                }
            }
            let nearest = closest.clamp(-1.0, 1.0).acos() * EARTH_RADIUS_KM;
            if nearest < 50.0 {
                s += NEAR_BONUS;
                support = true;
                local = true;
            } else if nearest < 250.0 {
                s += NEAR_BONUS / 2.0;
                support = true;
                local = true;
            }
        }
        c.score = s;
        c.supported = support;
        c.locally_supported = local;
    }
}

const METONYM_VERBS: &[&str] = &[
    "said",
    "says",
    "announced",
    "accused",
    "warned",
    "denied",
    "urged",
    "demanded",
    "insisted",
    "insists",
    "claims",
    "claimed",
    "rejected",
    "backs",
    "backed",
    "supports",
    "condemned",
    "welcomed",
    "threatened",
    "responded",
    "agreed",
    "signed",
    "wants",
    "vowed",
    "pledged",
    "blamed",
    "recognised",
    "recognized",
    "imposed",
    "sanctioned",
];
const METONYM_BEFORE: &[&str] = &[
    "allies of",
    "ally of",
    "backers of",
    "backer of",
    "supporters of",
    "patrons of",
    "backed by",
    "pressure from",
    "ties with",
    "relations with",
    "talks with",
    "support from",
    "sanctions on",
];

fn metonym(text: &str, m: &Mention, p: &Place<'_>) -> bool {
    // "Officials in Israel said": the place itself.
    if m.cues.after_locative || !(p.kind == Kind::Country || p.feature_code == "PPLC") {
        return false;
    }
    let after = text[m.end..].trim_start_matches(['\'', '’', 's']).trim_start();
    let next_word: String = after.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
    if METONYM_VERBS.contains(&next_word.as_str()) {
        return true;
    }
    // Only the last few words before the name matter.
    let mut from = m.start.saturating_sub(24);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..m.start].trim_end().to_lowercase();
    METONYM_BEFORE.iter().any(|b| before.ends_with(b))
}

/// The probability that the chosen place is right (within 161 km of the
/// gold point): a logistic model over the evidence, fitted on the
/// development corpora's matched toponyms by `benches/calibrate.py`
/// (4,047 toponyms; in each tenth of the scale, the share right is within
/// about 0.05 of the stated value). Refit when scoring changes.
fn confidence(top: &Cand, second: Option<&Cand>, candidates: usize) -> f64 {
    let n = candidates.max(1) as f64;
    let margin = second.map_or(1.0, |s| (top.score - s.score).min(1.0));
    let kind = top.place.kind;
    let features = [
        1.0,
        margin,
        top.score.min(1.5),
        f64::from(u8::from(candidates == 1)),
        n.log10(),
        f64::from(u8::from(kind == Kind::Country)),
        f64::from(u8::from(matches!(kind, Kind::Admin1 | Kind::Admin2))),
        f64::from(u8::from(kind == Kind::City)),
        f64::from(u8::from(top.name_kind == NameKind::Main)),
        f64::from(u8::from(top.supported)),
        f64::from(u8::from(top.locally_supported)),
        population_scale(top.place.population),
    ];
    const WEIGHTS: [f64; 12] = [-0.474, -0.547, 1.494, 0.556, -1.005, 0.61, 1.016, 1.172, -0.228, 0.322, 0.487, 0.846];
    let z: f64 = features.iter().zip(WEIGHTS).map(|(f, w)| f * w).sum();
    1.0 / (1.0 + (-z).exp())
}

/// Resolves a document's mentions. Returns the accepted ones in text order,
/// and the rejected ones with their reasons.
pub fn resolve_document(gaz: &Gazetteer, text: &str, mentions: &[Mention]) -> (Vec<Resolution>, Vec<Rejection>) {
    // Mentions of the same name in the same setting share one candidate list.
    let mut cands: Vec<Vec<Cand>> = mentions.iter().map(|m| cached_candidates(gaz, m)).collect();
    let mut rejected = Vec::new();
    let mut accepted: Vec<bool> = vec![true; mentions.len()];
    for (k, m) in mentions.iter().enumerate() {
        if let Some(reason) = reject_reason(m, &cands[k]) {
            accepted[k] = false;
            rejected.push(Rejection { mention: k, reason });
        }
    }
    let pick = |cs: &[Cand]| -> Option<usize> {
        cs.iter()
            .enumerate()
            .max_by(|a, b| a.1.score.total_cmp(&b.1.score).then(b.1.place.index.cmp(&a.1.place.index)))
            .map(|(i, _)| i)
    };
    let mut chosen: Vec<Option<usize>> =
        cands.iter().enumerate().map(|(k, cs)| if accepted[k] { pick(cs) } else { None }).collect();

    let source = sources(mentions);
    for pass in 0..2 {
        let ev = gather(&cands, &chosen, mentions, &source, pass > 0);
        for k in 0..mentions.len() {
            if !accepted[k] {
                continue;
            }
            let container = mentions[k].followed_by_comma_name.and_then(|n| chosen[n].map(|ci| cands[n][ci].clone()));
            score_with(source[k], &mut cands[k], &ev, container.as_ref());
            chosen[k] = pick(&cands[k]);
        }
    }
    for k in 0..mentions.len() {
        let Some(ci) = chosen[k] else { continue };
        if let Some(reason) = needs_support(&mentions[k], &cands[k][ci]) {
            accepted[k] = false;
            chosen[k] = None;
            rejected.push(Rejection { mention: k, reason });
        }
    }

    let mut out = Vec::new();
    for (k, m) in mentions.iter().enumerate() {
        if let Some(why) = m.unlisted {
            // Reported, with no place and no coordinates, rather than dropped.
            out.push(Resolution {
                mention: k,
                place: None,
                name_kind: NameKind::Main,
                mention_type: MentionType::Place,
                confidence: 0.0,
                reasons: vec![why.to_string()],
            });
            continue;
        }
        if !accepted[k] {
            continue;
        }
        let Some(ci) = chosen[k] else { continue };
        let top = &cands[k][ci];
        let second = cands[k]
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != ci)
            .map(|(_, c)| c)
            .max_by(|a, b| a.score.total_cmp(&b.score));
        let mut reasons = vec![format!("{} ({}), score {:.2}", top.place.name, top.place.kind, top.score)];
        let mut why = Vec::new();
        prior(&top.place, top.name_kind, MatchType::Alternate, &mut why);
        reasons.extend(why.iter().map(std::string::ToString::to_string));
        if top.score > top.prior + 1e-9 {
            reasons.push(format!("document context added {:.2}", top.score - top.prior));
        }
        // The inputs of `confidence`, for refitting it (benches/calibrate.py).
        if std::env::var_os("GEOEVENTS_DUMP_FEATURES").is_some() {
            reasons.push(format!(
                "FEATURES {} {} {} {} {} {} {} {}",
                top.score,
                second.map_or(0.0, |s| s.score),
                cands[k].len(),
                top.place.kind as u8,
                top.name_kind as u8,
                u8::from(top.supported),
                u8::from(top.locally_supported),
                top.place.population
            ));
        }
        if let Some(s) = second {
            reasons.push(format!(
                "runner-up {} ({}, {}) at {:.2}",
                s.place.name, s.place.kind, s.place.country_code, s.score
            ));
        }
        let cues = &m.cues;
        let mention_type = if cues.organisation || cues.disease || cues.inside_longer_name {
            MentionType::Embedded
        } else if top.name_kind == NameKind::Demonym {
            MentionType::Demonym
        } else if metonym(text, m, &top.place) {
            MentionType::Metonym
        } else {
            MentionType::Place
        };
        out.push(Resolution {
            mention: k,
            place: Some(top.place),
            name_kind: top.name_kind,
            mention_type,
            confidence: confidence(top, second, cands[k].len()),
            reasons,
        });
    }
    (out, rejected)
}
