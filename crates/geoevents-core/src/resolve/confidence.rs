//! How sure resolution is of a chosen place.

use super::candidates::Cand;
use super::prior::population_scale;
use crate::gazetteer::{Kind, NameKind};

/// The probability that the chosen place is right (within 161 km of the
/// gold point): a logistic model over the evidence, fitted on the
/// development corpora's matched toponyms by `benches/calibrate.py`
/// (4,047 toponyms; in each tenth of the scale, the share right is within
/// about 0.05 of the stated value). Refit when scoring changes.
pub fn confidence(top: &Cand, second: Option<&Cand>, candidates: usize) -> f64 {
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
