//! What the document as a whole says: the countries and first-level regions
//! it names, and where its other places are. Each piece of evidence
//! remembers which mention gave it, so a mention never supports itself.

use super::candidates::Cand;
use super::containment::{inside, Container, Containment, CONTAINS_BONUS, SENTENCE_BONUS};
use crate::gazetteer::spatial::{unit_vector, EARTH_RADIUS_KM};
use crate::gazetteer::{Kind, NameKind, Place};
use crate::mentions::Mention;
use rustc_hash::FxHashMap as HashMap;

/// Totals of the document's evidence, and what each source contributed, so
/// a source is left out of its own support in constant time.
#[derive(Default)]
pub struct Evidence {
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
    /// Adds weight `w` for the country with ISO 3166-1 alpha-2 code `cc`, from evidence source `source` (see
    /// [`sources`]); an empty code adds nothing.
    pub fn add_country(&mut self, cc: &'static str, source: usize, w: f64) {
        if !cc.is_empty() {
            *self.country_total.entry(cc).or_default() += w;
            *self.country_by_source.entry((cc, source)).or_default() += w;
            self.all_countries += w;
        }
    }
    /// Adds one for the first-level region with GeoNames admin1 key `code` (`SY.09`), from evidence source `source`; an
    /// empty key adds nothing.
    pub fn add_admin1(&mut self, code: &'static str, source: usize) {
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
pub fn sources(mentions: &[Mention]) -> Vec<usize> {
    let mut first: HashMap<&str, usize> = HashMap::default();
    mentions.iter().enumerate().map(|(k, m)| *first.entry(m.key.as_str()).or_insert(k)).collect()
}

/// The evidence of the places chosen so far (`places[m]` for mention m);
/// places below region level count only `with_places` (the later passes).
pub fn gather(
    places: &[Option<Place<'static>>],
    mentions: &[Mention],
    source: &[usize],
    with_places: bool,
) -> Evidence {
    let mut ev = Evidence::default();
    for (m, place) in places.iter().enumerate() {
        let Some(p) = place else { continue };
        let k = source[m];
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
/// `containers` are the places the text puts the mention in or near.
pub fn score_with(k: usize, cands: &mut [Cand], ev: &Evidence, containers: &[Container], inner: &[Place<'static>]) {
    let total = ev.total_country_weight();
    for c in cands.iter_mut() {
        let p = &c.place;
        let mut s = c.prior;
        // What the source's other documents say backs a place like a region named here.
        let mut support = c.source_backed;
        let mut local = c.source_backed;
        let mut contained = false;
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
        let mut in_sentence_area = false;
        for container in containers {
            if container.fits(p) {
                if container.how == Containment::Sentence {
                    in_sentence_area = true;
                } else {
                    s += container.how.bonus();
                }
                support = true;
                local = true;
                contained |= container.establishes();
            }
        }
        // Only for a place's own name: "Birmingham" is not Cartersville
        // (once called Birmingham) for a "GA" nearby.
        if in_sentence_area && c.name_kind == NameKind::Main {
            s += SENTENCE_BONUS;
        }
        if inner.iter().any(|q| inside(q, p)) {
            s += CONTAINS_BONUS;
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
        c.contained = contained;
    }
}
