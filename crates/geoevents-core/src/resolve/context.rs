//! Resolution in context: for every name found in a document, the place it
//! means, chosen with the document's own evidence, or the reason it is not a
//! place at all.
//!
//! Evidence, in the order it is gathered:
//! 1. The context-free prior of each candidate (`prior.rs`): kind, size,
//!    capital status, name fit; and what the text says the name is ("a
//!    town", "a county": [`fit_statement`]).
//! 2. The countries the document names (country names, demonyms, the dateline).
//! 3. The first-level regions it names.
//! 4. Containment written out (`containment.rs`): "Bangor, Maine", "Troy is
//!    a city in Rensselaer County", areas in the same sentence.
//! 5. Spatial coherence: closeness to the document's other places.
//!
//! Two passes: the second recomputes 3 to 5 from the first pass's choices.
//! Then the names the text describes or places inside another place are
//! established: soft doubts about them (a common word, a surname) are
//! dropped, and every mention of such a name means the same place ("one
//! sense per discourse"). A name the text puts inside an area where the
//! gazetteer has no place of that name is placed at that area.

use super::acceptance::{described, needs_support, reject_reason};
use super::candidates::{cached_candidates, pick, strong, Cand};
use super::confidence::confidence;
use super::containment::{
    containers, may_be_list_item, named_before, Container, Containment, Reading, PLACE_WITHIN_KM,
};
use super::evidence::{gather, score_with, sources};
use super::metonym::{acts_as_government, metonym};
use super::prior::{prior, MatchType};
use super::source_prior::SourcePrior;
use crate::gazetteer::{Gazetteer, Kind, NameKind, Place};
use crate::mentions::{Mention, PlaceNoun};
use rustc_hash::FxHashSet as HashSet;

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
    /// The name as serialised, lower case (`place`, `demonym`, `metonym`, `embedded`).
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
    /// Index of the mention in the document's mention list.
    pub mention: usize,
    /// None: a place name that matched no acceptable place (reported with null coordinates).
    pub place: Option<Place<'static>>,
    /// How the mention's name belongs to the place.
    pub name_kind: NameKind,
    /// How the name is used (place, demonym, metonym, embedded).
    pub mention_type: MentionType,
    /// Estimated probability that the place is right (see `confidence`).
    pub confidence: f64,
    /// Why this place was chosen (or none), in words; they become the toponym's `reasons`.
    pub reasons: Vec<String>,
}

/// A mention judged not to be a place, with why.
#[derive(Debug, Clone)]
pub struct Rejection {
    /// Index of the mention in the document's mention list.
    pub mention: usize,
    /// Why it is not a place.
    pub reason: &'static str,
}

/// Where a mention stands while the document is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Accepted,
    /// Doubtful for a soft reason; accepted if the document establishes the name.
    Pending(&'static str),
    Rejected,
}

/// Adjusts the candidates of a mention to what the text says it is: "a
/// town" asks for a settlement, "a county" for a second-level division.
pub fn fit_statement(noun: PlaceNoun, cands: &mut [Cand]) {
    for c in cands.iter_mut() {
        let kind = c.place.kind;
        let (bonus, factor) = match noun {
            // A municipality may be a second-level division under its own
            // name; "Macon" for Macon County is no town.
            PlaceNoun::Settlement => match kind {
                Kind::City | Kind::Other => (0.05, 1.0),
                Kind::Admin2 if c.name_kind == NameKind::Main => (0.0, 0.9),
                _ => (0.0, 0.5),
            },
            PlaceNoun::Capital => match kind {
                Kind::City if matches!(c.place.feature_code, "PPLC" | "PPLA" | "PPLA2") => (0.1, 1.0),
                Kind::City => (0.0, 1.0),
                _ => (0.0, 0.5),
            },
            // Type words map to levels differently by country (a Philippine
            // province is a GeoNames second-level division): the other
            // level is only a little worse.
            PlaceNoun::SecondLevel => match kind {
                Kind::Admin2 => (0.2, 1.0),
                Kind::Admin1 => (0.1, 1.0),
                Kind::City => (0.0, 0.6),
                _ => (0.0, 0.5),
            },
            PlaceNoun::FirstLevel => match kind {
                Kind::Admin1 | Kind::Region => (0.2, 1.0),
                Kind::Admin2 => (0.1, 1.0),
                _ => (0.0, 0.5),
            },
            PlaceNoun::Area => match kind {
                Kind::Admin1 | Kind::Admin2 | Kind::Region => (0.1, 1.0),
                _ => (0.0, 0.7),
            },
            PlaceNoun::Country => match kind {
                Kind::Country => (0.2, 1.0),
                _ => (0.0, 0.5),
            },
            PlaceNoun::Physical => match kind {
                Kind::Physical => (0.2, 1.0),
                _ => (0.0, 0.6),
            },
            PlaceNoun::Located => (0.0, 1.0),
        };
        c.prior = c.prior * factor + bonus;
        c.score = c.prior;
    }
}

/// The candidate with the highest prior (before any context).
fn best_prior(cands: &[Cand]) -> Option<&Cand> {
    cands.iter().max_by(|a, b| a.prior.total_cmp(&b.prior))
}

/// The sort of place the text says a mention is, if it says.
fn stated_noun(m: &Mention) -> Option<PlaceNoun> {
    m.statement.as_ref().map(|s| s.noun).or(m.cues.noun_before)
}

/// Scoring passes: the first with countries and regions only, the later
/// ones with every place chosen by the pass before.
const PASSES: usize = 2;

/// "Washington said": a national capital that acts is the capital, even
/// where a state of that name would otherwise win.
const GOVERNMENT_BONUS: f64 = 0.3;

/// Confidence given to a name placed at the area that contains it (the
/// share of such placements within 161 km on the development corpora).
const AT_CONTAINER_CONFIDENCE: f64 = 0.6;

/// The area a mention is placed at when the gazetteer has no place of its
/// name inside the area the text puts it in: the finest direct container
/// that is a first- or second-level division coarser than the mention's
/// best candidate, unless that candidate lies inside it. A large city
/// after a comma is left alone: "Miami, West Palm Beach, New York" is a list.
pub fn container_placement(best: Option<&Cand>, found: &[Container]) -> Option<Place<'static>> {
    // Finer is better; a country ("a town in Serbia") counts only in a
    // statement. Towns named with it ("a suburb of Plymouth") are not used:
    // placing at them was measured worse on WikToR (a town of the name often
    // stands for a county the gazetteer lacks: "in Plymouth County").
    let rank = |c: &Container| match (c.place.kind, c.how) {
        (Kind::Country, Containment::Statement) => 1,
        (Kind::Admin1, _) => 2,
        (Kind::Admin2, _) => 3,
        // "a village 10 km east of Stratford": at Stratford.
        (Kind::City, Containment::Distance) if c.km.is_some_and(|km| km <= PLACE_WITHIN_KM) => 4,
        _ => 0,
    };
    let finest_allowed = best.map_or(5, |c| match c.place.kind {
        Kind::City | Kind::Other | Kind::Physical => 5,
        Kind::Admin2 => 3,
        Kind::Admin1 => 2,
        _ => 0,
    });
    let finest = found
        .iter()
        .filter(|c| c.how.is_direct() && rank(c) > 0 && rank(c) < finest_allowed)
        .max_by_key(|c| (rank(c), c.how == Containment::Statement))?;
    match best {
        Some(c) if finest.fits(&c.place) => None,
        Some(c) if strong(c) && finest.how == Containment::Comma => None,
        _ => Some(finest.place),
    }
}

/// Resolves a document's mentions. Returns the accepted ones in text order,
/// and the rejected ones with their reasons.
pub fn resolve_document(gaz: &Gazetteer, text: &str, mentions: &[Mention]) -> (Vec<Resolution>, Vec<Rejection>) {
    resolve_document_with(gaz, text, mentions, None)
}

/// [`resolve_document`] with the prior of the document's source (see
/// `source_prior.rs`): candidates in the regions the source writes about
/// gain, before the document's own evidence is added.
pub fn resolve_document_with(
    gaz: &Gazetteer,
    text: &str,
    mentions: &[Mention],
    source_prior: Option<&SourcePrior>,
) -> (Vec<Resolution>, Vec<Rejection>) {
    // Mentions of the same name in the same setting share one candidate list.
    let mut cands: Vec<Vec<Cand>> = mentions.iter().map(|m| cached_candidates(gaz, m)).collect();
    if let Some(sp) = source_prior {
        for c in cands.iter_mut().flatten() {
            if let Some((bonus, _)) = sp.bonus(&c.place) {
                c.prior += bonus;
                c.score = c.prior;
                c.source_backed = true;
            }
        }
    }
    for (k, m) in mentions.iter().enumerate() {
        if let Some(noun) = stated_noun(m) {
            fit_statement(noun, &mut cands[k]);
        }
        if acts_as_government(text, m) && cands[k].iter().any(|c| c.place.feature_code == "PPLC") {
            for c in cands[k].iter_mut().filter(|c| c.place.feature_code == "PPLC") {
                c.prior += GOVERNMENT_BONUS;
                c.score = c.prior;
            }
        }
    }
    let described_names: HashSet<&str> = mentions.iter().filter(|m| described(m)).map(|m| m.key.as_str()).collect();
    let mut rejected = Vec::new();
    let mut status: Vec<Status> = mentions
        .iter()
        .enumerate()
        .map(|(k, m)| match reject_reason(m, &cands[k]) {
            None => Status::Accepted,
            Some(v) if v.soft && described_names.contains(m.key.as_str()) => Status::Accepted,
            Some(v) if v.soft => Status::Pending(v.reason),
            Some(v) => {
                rejected.push(Rejection { mention: k, reason: v.reason });
                Status::Rejected
            }
        })
        .collect();
    let mut chosen: Vec<Option<usize>> =
        cands.iter().enumerate().map(|(k, cs)| if status[k] == Status::Accepted { pick(cs) } else { None }).collect();

    let source = sources(mentions);
    let list_city: Vec<bool> = (0..mentions.len())
        .map(|j| {
            let large_city = cands[j].iter().any(|c| c.place.kind == Kind::City && c.place.population >= 100_000);
            may_be_list_item(mentions, j, large_city)
        })
        .collect();
    let mut found: Vec<Vec<Container>> = vec![Vec::new(); mentions.len()];
    // A name put inside an area that holds no place of that name is placed at the area.
    let mut at_container: Vec<Option<Place<'static>>> = vec![None; mentions.len()];
    for pass in 0..PASSES {
        let places: Vec<Option<Place<'static>>> =
            (0..mentions.len()).map(|k| at_container[k].or_else(|| chosen[k].map(|ci| cands[k][ci].place))).collect();
        let ev = gather(&places, mentions, &source, pass > 0);
        let demonym: Vec<bool> = (0..mentions.len())
            .map(|k| chosen[k].is_some_and(|ci| cands[k][ci].name_kind == NameKind::Demonym))
            .collect();
        for k in 0..mentions.len() {
            if status[k] == Status::Rejected {
                continue;
            }
            let names_an_area = best_prior(&cands[k])
                .is_some_and(|c| matches!(c.place.kind, Kind::Admin1 | Kind::Country | Kind::Region | Kind::Continent));
            let doc = Reading { mentions, chosen: &places, source: &source, list_city: &list_city, demonym: &demonym };
            found[k] = containers(k, &doc, names_an_area);
            let inner: Vec<Place<'static>> = named_before(k, mentions, &cands).iter().map(|c| c.place).collect();
            score_with(source[k], &mut cands[k], &ev, &found[k], &inner);
            if status[k] == Status::Accepted {
                chosen[k] = pick(&cands[k]);
            }
        }
        let mut placed_by_name: rustc_hash::FxHashMap<&str, Place<'static>> = rustc_hash::FxHashMap::default();
        for (k, m) in mentions.iter().enumerate() {
            // Not for a doubtful word the text does not describe ("Still, Hawaii's ...").
            let doubtful = m.cues.common_word || m.cues.surname || m.cues.person_elsewhere;
            at_container[k] = if status[k] != Status::Rejected && (m.unlisted.is_some() || described(m) || !doubtful) {
                container_placement(pick(&cands[k]).map(|ci| &cands[k][ci]), &found[k])
            } else {
                None
            };
            if let Some(p) = at_container[k] {
                placed_by_name.entry(m.key.as_str()).or_insert(p);
            }
        }
        // Later mentions of a placed name that the text does not place again go with it.
        for (k, m) in mentions.iter().enumerate() {
            if at_container[k].is_none() && status[k] != Status::Rejected && !found[k].iter().any(|c| c.how.is_direct())
            {
                at_container[k] = placed_by_name.get(m.key.as_str()).copied();
            }
        }
    }

    // Names the document establishes as places: described, or put inside another place.
    let mut established = described_names;
    for k in 0..mentions.len() {
        let contained = chosen[k].is_some_and(|ci| cands[k][ci].contained)
            || pick(&cands[k]).is_some_and(|ci| cands[k][ci].contained);
        if status[k] != Status::Rejected && contained {
            established.insert(mentions[k].key.as_str());
        }
    }
    for k in 0..mentions.len() {
        if let Status::Pending(reason) = status[k] {
            if established.contains(mentions[k].key.as_str()) {
                status[k] = Status::Accepted;
                chosen[k] = pick(&cands[k]);
            } else {
                status[k] = Status::Rejected;
                rejected.push(Rejection { mention: k, reason });
            }
        }
    }

    for k in 0..mentions.len() {
        if status[k] != Status::Accepted {
            at_container[k] = None;
        }
    }
    // One sense per discourse: a name the text establishes somewhere means
    // the same place wherever the text does not say otherwise.
    // The anchor is the first mention the text describes and places, else
    // the first it places ("Jerusalem (named for Jerusalem, Israel) is a
    // settlement ... New Zealand": the described one).
    let mut anchor_of: rustc_hash::FxHashMap<&str, (bool, usize)> = rustc_hash::FxHashMap::default();
    for k in 0..mentions.len() {
        let anchored = at_container[k].is_some() || chosen[k].is_some_and(|ci| cands[k][ci].contained);
        if status[k] == Status::Accepted && anchored {
            let is_described = described(&mentions[k]);
            let entry = anchor_of.entry(mentions[k].key.as_str()).or_insert((is_described, k));
            if is_described && !entry.0 {
                *entry = (true, k);
            }
        }
    }
    let anchor_of: rustc_hash::FxHashMap<&str, usize> = anchor_of.into_iter().map(|(k, (_, a))| (k, a)).collect();
    // Later mentions follow the anchor unless a comma says otherwise ("named
    // after Toledo, Ohio"); a later statement does not ("Lewiston is the
    // principal city of the Lewiston–Clarkston area, Washington").
    for k in 0..mentions.len() {
        let Some(&a) = anchor_of.get(mentions[k].key.as_str()) else { continue };
        if a == k || status[k] != Status::Accepted {
            continue;
        }
        if found[k].iter().any(|c| c.how == Containment::Comma && c.establishes()) {
            continue;
        }
        if let Some(place) = at_container[a] {
            at_container[k] = Some(place);
        } else if let Some(anchor) = chosen[a].map(|ci| cands[a][ci].place.index) {
            if let Some(ci) = cands[k].iter().position(|c| c.place.index == anchor) {
                chosen[k] = Some(ci);
                at_container[k] = None;
            }
        }
    }

    for k in 0..mentions.len() {
        if status[k] != Status::Accepted || at_container[k].is_some() || established.contains(mentions[k].key.as_str())
        {
            continue;
        }
        let Some(ci) = chosen[k] else { continue };
        if let Some(reason) = needs_support(&mentions[k], &cands[k][ci]) {
            status[k] = Status::Rejected;
            chosen[k] = None;
            rejected.push(Rejection { mention: k, reason });
        }
    }

    let mut out = Vec::new();
    for (k, m) in mentions.iter().enumerate() {
        if status[k] != Status::Accepted {
            continue;
        }
        if let Some(area) = at_container[k] {
            out.push(placed_at_container(k, m, area));
            continue;
        }
        if m.unlisted == Some(crate::mentions::unlisted::BY_STATEMENT) {
            // Described but placed nowhere the gazetteer knows: no use on a map.
            rejected
                .push(Rejection { mention: k, reason: "not in the gazetteer, and the text puts it in no known area" });
            continue;
        }
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
        let Some(ci) = chosen[k] else { continue };
        let mut r = resolution(text, k, m, &cands[k], ci, &found[k]);
        if let Some((_, why)) = source_prior.and_then(|sp| sp.bonus(&cands[k][ci].place)) {
            r.reasons.insert(1, why);
        }
        out.push(r);
    }
    (out, rejected)
}

fn placed_at_container(k: usize, m: &Mention, area: Place<'static>) -> Resolution {
    let why =
        if m.unlisted.is_some() { "not in the gazetteer" } else { "the gazetteer has no place of this name there" };
    Resolution {
        mention: k,
        place: Some(area),
        name_kind: NameKind::Main,
        mention_type: MentionType::Place,
        confidence: AT_CONTAINER_CONFIDENCE,
        reasons: vec![format!(
            "placed at {} ({}, {}), which the text says contains it or lies near it; {why}",
            area.name, area.kind, area.country_code
        )],
    }
}

/// The resolution of mention `k` to its candidate `ci`, with its reasons.
fn resolution(text: &str, k: usize, m: &Mention, cands: &[Cand], ci: usize, found: &[Container]) -> Resolution {
    let top = &cands[ci];
    let second =
        cands.iter().enumerate().filter(|(i, _)| *i != ci).map(|(_, c)| c).max_by(|a, b| a.score.total_cmp(&b.score));
    let mut reasons = vec![format!("{} ({}), score {:.2}", top.place.name, top.place.kind, top.score)];
    if let Some(noun) = stated_noun(m) {
        reasons.push(format!("the text says what it is ({noun:?})").to_lowercase());
    }
    for c in found.iter().filter(|c| c.fits(&top.place)) {
        reasons.push(match c.km {
            Some(km) => format!("{km:.0} km from {} ({}), as the text says", c.place.name, c.place.kind),
            None => format!("inside {} ({}), {:?} in the text", c.place.name, c.place.kind, c.how).to_lowercase(),
        });
    }
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
            cands.len(),
            top.place.kind as u8,
            top.name_kind as u8,
            u8::from(top.supported),
            u8::from(top.locally_supported),
            top.place.population
        ));
    }
    if let Some(s) = second {
        reasons
            .push(format!("runner-up {} ({}, {}) at {:.2}", s.place.name, s.place.kind, s.place.country_code, s.score));
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
    Resolution {
        mention: k,
        place: Some(top.place),
        name_kind: top.name_kind,
        mention_type,
        confidence: confidence(top, second, cands.len()),
        reasons,
    }
}
