//! Containment the text writes out: "Bangor, Maine" (a comma), "Troy is a
//! city in Rensselaer County, New York" (a statement), and areas named in
//! the same sentence ("the floods in Butler County ... Oxford"). A candidate
//! inside such a place gains more the more directly the text says so, enough
//! to beat a more populous namesake elsewhere.

use crate::gazetteer::spatial::distance_km;
use crate::gazetteer::{Kind, Place};
use crate::mentions::Mention;

/// How the text relates a mention to a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Containment {
    /// "X, Y" or "X (Y)".
    Comma,
    /// "X is a town in Y", "X, a village near Y".
    Statement,
    /// An area named elsewhere in the same sentence.
    Sentence,
    /// "X is 44 km from Y": Y is the place, X lies that far from it.
    Distance,
}

impl Containment {
    /// Added to the score of a candidate inside the place.
    pub fn bonus(self) -> f64 {
        match self {
            Containment::Comma | Containment::Statement => 0.6,
            Containment::Sentence => SENTENCE_BONUS,
            Containment::Distance => DISTANCE_BONUS,
        }
    }

    /// The text puts the name in this very place (not just nearby in the text).
    pub fn is_direct(self) -> bool {
        matches!(self, Containment::Comma | Containment::Statement | Containment::Distance)
    }
}

/// Bonus for a candidate inside an area named in the same sentence (given once).
pub const SENTENCE_BONUS: f64 = 0.25;
/// Bonus for a candidate of "Y" in "X, Y" that contains some place called X
/// ("Atlanta, Georgia": the state, not the country).
pub const CONTAINS_BONUS: f64 = 0.3;

/// Mentions looked at on either side within a sentence.
const SENTENCE_REACH: usize = 20;

/// Bonus for a candidate at the distance the text gives from a named place.
pub const DISTANCE_BONUS: f64 = 0.4;
/// Distances up to this (km) place an unlisted name at the named place.
pub const PLACE_WITHIN_KM: f64 = 100.0;

/// A place that contains a mention or lies near it, and how the text says so.
#[derive(Debug, Clone)]
pub struct Container {
    /// The containing or nearby place.
    pub place: Place<'static>,
    /// How the text relates it to the mention.
    pub how: Containment,
    /// For [`Containment::Distance`]: the distance the text gives, km.
    pub km: Option<f64>,
}

impl Container {
    /// Whether `p` fits what the text says: inside the place, or at about
    /// the stated distance from it.
    pub fn fits(&self, p: &Place<'_>) -> bool {
        match (self.how, self.km) {
            (Containment::Distance, Some(km)) => {
                matches!(p.kind, Kind::City | Kind::Other | Kind::Physical)
                    && p.index != self.place.index
                    && (distance_km(p.lat, p.lon, self.place.lat, self.place.lon) - km).abs() <= (0.35 * km).max(20.0)
            }
            _ => inside(p, &self.place),
        }
    }

    /// Whether a name inside this container is thereby shown to be a place:
    /// a statement ("X is a town in Y"), or a comma before a region, a
    /// district or a town ("Mitchell, South Dakota"). "Freeland, U.S. Trade
    /// Representative" shows nothing: a comma before a country is too common.
    pub fn establishes(&self) -> bool {
        match self.how {
            Containment::Statement => true,
            Containment::Comma => matches!(self.place.kind, Kind::Admin1 | Kind::Admin2 | Kind::City),
            Containment::Sentence => false,
            Containment::Distance => true,
        }
    }
}

/// Second-level divisions carry no code in their towns' records: a town
/// within this distance of a county's point (and in its first-level region)
/// is taken to be inside it. Most US counties and districts are under 80 km across.
pub const ADMIN2_RADIUS_KM: f64 = 50.0;
/// A place within this distance of a town the text names it with ("X, a
/// village near Y"; "Kew, London") counts as there.
pub const NEAR_KM: f64 = 50.0;

/// Whether `p` lies inside (or, for a town, near) `container`.
pub fn inside(p: &Place<'_>, container: &Place<'_>) -> bool {
    if p.index == container.index {
        return false;
    }
    let finer_than_country = !matches!(p.kind, Kind::Country | Kind::Continent | Kind::Region);
    match container.kind {
        // A named region of one country ("Surrey, UK") lies in it too.
        Kind::Country => {
            (finer_than_country || p.kind == Kind::Region && !p.country_code.is_empty())
                && p.country_code == container.country_code
        }
        Kind::Admin1 => {
            finer_than_country
                && p.kind != Kind::Admin1
                && !p.admin1_code.is_empty()
                && p.admin1_code == container.admin1_code
        }
        Kind::Admin2 | Kind::City => {
            matches!(p.kind, Kind::City | Kind::Other | Kind::Physical)
                && (p.admin1_code.is_empty()
                    || container.admin1_code.is_empty()
                    || p.admin1_code == container.admin1_code)
                && distance_km(p.lat, p.lon, container.lat, container.lon)
                    < if container.kind == Kind::Admin2 { ADMIN2_RADIUS_KM } else { NEAR_KM }
        }
        _ => false,
    }
}

/// A document as containment sees it, one entry per mention.
pub struct Reading<'a> {
    /// The document's mentions, in text order; the other slices have one entry per mention.
    pub mentions: &'a [Mention],
    /// The chosen place, None when not (yet) a place.
    pub chosen: &'a [Option<Place<'static>>],
    /// The evidence source (see `evidence::sources`): a mention never
    /// contains another mention of its own name.
    pub source: &'a [usize],
    /// The name could be a large city in a list rather than the area after
    /// a comma ("Washington, New York and Boston").
    pub list_city: &'a [bool],
    /// The mention is a demonym ("a Mexican-American community"): it
    /// qualifies, it does not contain.
    pub demonym: &'a [bool],
}

/// Whether mention `j`, written after "X, ", may be read as an item of a
/// list rather than as X's container: it has a large city among its
/// candidates and a list goes on around it.
pub fn may_be_list_item(mentions: &[Mention], j: usize, has_large_city: bool) -> bool {
    let list_before = j >= 2 && mentions[j - 2].list_continues && mentions[j - 2].end <= mentions[j - 1].start;
    has_large_city && (mentions[j].list_continues || list_before)
}

/// The places that the text says contain mention `k`. `names_an_area`:
/// the mention's best candidate is itself an area, so areas elsewhere in its
/// sentence are its peers, not its containers.
pub fn containers(k: usize, doc: &Reading<'_>, names_an_area: bool) -> Vec<Container> {
    let Reading { mentions, chosen, source, list_city, demonym } = *doc;
    let m = &mentions[k];
    let mut out = Vec::new();
    let push = |j: usize, how: Containment, km: Option<f64>, out: &mut Vec<Container>| {
        if source[j] == source[k] || demonym[j] {
            return;
        }
        if let Some(place) = chosen[j] {
            if !out.iter().any(|c: &Container| c.place.index == place.index) {
                out.push(Container { place, how, km });
            }
        }
    };
    if let Some(j) = m.followed_by_comma_name.filter(|&j| !list_city[j]) {
        push(j, Containment::Comma, None, &mut out);
    }
    for &j in &m.related {
        push(j, Containment::Statement, None, &mut out);
    }
    for &(j, km) in &m.near {
        if chosen[j].is_some_and(|p| p.kind == Kind::City) {
            push(j, Containment::Distance, Some(km), &mut out);
        }
    }
    drop_inconsistent(&mut out);
    // Areas elsewhere in the sentence, before or after the name (mentions
    // are in text order; a run-on "sentence" is looked at only nearby). Not
    // for a name that is itself an area, as in a list of states.
    if names_an_area {
        return out;
    }
    let lo = mentions.partition_point(|o| o.sentence < m.sentence).max(k.saturating_sub(SENTENCE_REACH));
    let hi = mentions.partition_point(|o| o.sentence <= m.sentence).min(k + SENTENCE_REACH + 1);
    for (j, place) in chosen.iter().enumerate().take(hi).skip(lo) {
        if j != k && place.is_some_and(|p| matches!(p.kind, Kind::Admin1 | Kind::Admin2)) {
            push(j, Containment::Sentence, None, &mut out);
        }
    }
    out
}

/// The places that mention `k` may contain: every candidate of the name
/// written just before it with a comma ("Atlanta" in "Atlanta, Georgia").
pub fn named_before<'c>(
    k: usize,
    mentions: &[Mention],
    cands: &'c [Vec<super::candidates::Cand>],
) -> &'c [super::candidates::Cand] {
    match k.checked_sub(1) {
        Some(j) if mentions[j].followed_by_comma_name == Some(k) => &cands[j],
        _ => &[],
    }
}

/// Drops a direct container that lies outside another, coarser direct
/// container: in "a village in Sioux County, Nebraska" a Sioux County of
/// Iowa is the wrong one.
pub fn drop_inconsistent(found: &mut Vec<Container>) {
    let level = |k: Kind| match k {
        Kind::Country => 1,
        Kind::Admin1 => 2,
        Kind::Admin2 => 3,
        _ => 0,
    };
    let direct: Vec<Place<'static>> =
        found.iter().filter(|c| c.how.is_direct() && level(c.place.kind) > 0).map(|c| c.place).collect();
    found.retain(|c| {
        let l = level(c.place.kind);
        !c.how.is_direct()
            || l == 0
            || direct.iter().filter(|o| level(o.kind) > 0 && level(o.kind) < l).all(|o| inside(&c.place, o))
    });
}
