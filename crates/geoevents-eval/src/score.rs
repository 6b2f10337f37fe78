//! The standard geoparsing scoring protocol (Gritta et al. 2017/2018, the
//! EUPEG benchmark), as described in `../shared/eval/README.md`, "The
//! standard protocol". Every step is a pure function; [`Accumulator`] sums
//! documents and [`Accumulator::finish`] turns the sums into [`Scores`].
//!
//! Decisions the README leaves open, made here once:
//!
//! * **Matching.** A prediction and a gold span match when their midpoints
//!   differ by less than [`MATCH_WINDOW`] code points and their names are equal
//!   ignoring case ([`names_match`]). Matching is one-to-one and greedy: all
//!   candidate pairs are taken in order of midpoint distance (ties: earlier
//!   gold start, then earlier prediction start, then input order), each pair
//!   kept when neither side is already taken ([`match_spans`]).
//! * **Ignored gold.** Spans that are annotated toponyms but not scored are
//!   still matched against, so that recognising them is neither a true nor a
//!   false positive: the `ungrounded` spans (always), and, with
//!   [`ScoreOptions::require_geonameid`], gold toponyms without a GeoNames id
//!   (the usual GeoWebNews setting). They take part in the same one-to-one
//!   matching; a prediction matched to one is counted in
//!   [`Scores::ignored`] only.
//! * **Unresolved predictions.** A matched prediction without coordinates
//!   (either one missing or not finite) has error [`MISS_KM`].
//! * **Empty sets.** Precision, recall and F1 are 0 when their denominator is
//!   0. Distance figures are `None` (JSON `null`) when there is nothing to
//!   measure: no matched toponym, or no gold toponym for the end-to-end ones.
//! * **AUC.** Each error maps to `ln(1 + km) / ln(20039)`, capped at 1 so the
//!   [`MISS_KM`] penalty is exactly 1 (real great-circle errors never exceed
//!   20,015 km and are unaffected). Sorted, integrated with the trapezoid rule
//!   over the n-1 gaps, divided by n-1; a single error's AUC is its own value.

use crate::gold::{GoldDoc, GoldSpan, GoldToponym};
use serde::Serialize;

/// The error given to a missed or unresolved toponym, km (and the AUC scale).
pub const MISS_KM: f64 = 20039.0;
/// acc@161: errors strictly below 161 km (100 miles) count as accurate.
pub const ACC_KM: f64 = 161.0;
/// Span midpoints must differ by strictly less than this many code points.
pub const MATCH_WINDOW: usize = 10;

/// A toponym found by the system under test.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicted {
    /// Code point offset of the first character (like the gold offsets).
    pub start: usize,
    /// Code point offset one past the last character.
    pub end: usize,
    /// The recognised name; compared to the gold name ignoring case.
    pub name: String,
    /// `None` when the name was recognised but not resolved.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

impl Predicted {
    /// Coordinates when both are present and finite.
    pub fn coords(&self) -> Option<(f64, f64)> {
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) if lat.is_finite() && lon.is_finite() => Some((lat, lon)),
            _ => None,
        }
    }
}

/// Protocol variants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreOptions {
    /// Score only gold toponyms with a GeoNames id; predictions matching a
    /// gold toponym without one are ignored (README: "GeoWebNews is usually
    /// scored on the toponyms that have a GeoNames id").
    pub require_geonameid: bool,
}

/// A span as the matcher sees it: code point offsets and a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanRef<'a> {
    pub start: usize,
    pub end: usize,
    pub name: &'a str,
}

impl<'a> From<&'a GoldToponym> for SpanRef<'a> {
    fn from(t: &'a GoldToponym) -> Self {
        SpanRef { start: t.start, end: t.end, name: &t.name }
    }
}

impl<'a> From<&'a GoldSpan> for SpanRef<'a> {
    fn from(s: &'a GoldSpan) -> Self {
        SpanRef { start: s.start, end: s.end, name: &s.name }
    }
}

impl<'a> From<&'a Predicted> for SpanRef<'a> {
    fn from(p: &'a Predicted) -> Self {
        SpanRef { start: p.start, end: p.end, name: &p.name }
    }
}

/// Twice the distance between two span midpoints, in code points (twice, so
/// that half-character midpoints stay integers; u128 so no offset overflows).
fn double_midpoint_gap(a: SpanRef, b: SpanRef) -> u128 {
    let twice_mid = |s: SpanRef| s.start as u128 + s.end as u128;
    twice_mid(a).abs_diff(twice_mid(b))
}

/// Protocol: "span midpoints differ by less than 10 characters".
pub fn midpoints_close(a: SpanRef, b: SpanRef) -> bool {
    double_midpoint_gap(a, b) < 2 * MATCH_WINDOW as u128
}

/// Protocol: "the strings are equal ignoring case" (Unicode lowercase).
pub fn names_match(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// One-to-one matching of predictions to gold spans (see the module doc for
/// the order). Returns `(gold index, prediction index)` pairs sorted by gold
/// index.
pub fn match_spans(gold: &[SpanRef], preds: &[SpanRef]) -> Vec<(usize, usize)> {
    let gold_lower: Vec<String> = gold.iter().map(|g| g.name.to_lowercase()).collect();
    let pred_lower: Vec<String> = preds.iter().map(|p| p.name.to_lowercase()).collect();
    let mut candidates = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for (pi, p) in preds.iter().enumerate() {
            if midpoints_close(*g, *p) && gold_lower[gi] == pred_lower[pi] {
                candidates.push((double_midpoint_gap(*g, *p), g.start, p.start, gi, pi));
            }
        }
    }
    candidates.sort_unstable();
    let mut gold_taken = vec![false; gold.len()];
    let mut pred_taken = vec![false; preds.len()];
    let mut pairs = Vec::new();
    for (_, _, _, gi, pi) in candidates {
        if !gold_taken[gi] && !pred_taken[pi] {
            gold_taken[gi] = true;
            pred_taken[pi] = true;
            pairs.push((gi, pi));
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Great-circle distance by the haversine formula, km: the gazetteer's own.
pub use geoevents_core::gazetteer::spatial::distance_km as haversine_km;

/// The error of a matched pair: distance, or [`MISS_KM`] when unresolved.
pub fn pair_error_km(gold: &GoldToponym, pred: &Predicted) -> f64 {
    pred.coords().map_or(MISS_KM, |(lat, lon)| haversine_km(gold.lat, gold.lon, lat, lon))
}

/// An error on the AUC scale: `ln(1 + km) / ln(20039)`, capped at 1.
pub fn normalized_error(km: f64) -> f64 {
    (km.max(0.0).ln_1p() / MISS_KM.ln()).min(1.0)
}

/// Area under the sorted, normalised error curve (trapezoid rule over the
/// n-1 gaps, x spacing 1/(n-1)); 0 is perfect, 1 is every toponym missed.
/// `None` for no errors; a single error gives its own normalised value.
pub fn auc(errors_km: &[f64]) -> Option<f64> {
    let mut ys: Vec<f64> = errors_km.iter().map(|&km| normalized_error(km)).collect();
    ys.sort_unstable_by(f64::total_cmp);
    match ys.len() {
        0 => None,
        1 => Some(ys[0]),
        n => Some(ys.windows(2).map(|w| f64::midpoint(w[0], w[1])).sum::<f64>() / (n - 1) as f64),
    }
}

/// Share of errors strictly below [`ACC_KM`]; `None` for no errors.
pub fn acc_at_161(errors_km: &[f64]) -> Option<f64> {
    share(errors_km.iter().filter(|&&km| km < ACC_KM).count(), errors_km.len())
}

/// Arithmetic mean; `None` for no errors.
pub fn mean(errors_km: &[f64]) -> Option<f64> {
    share_f(errors_km.iter().sum(), errors_km.len())
}

/// Median (mean of the two middle values for an even count); `None` for no
/// errors.
pub fn median(errors_km: &[f64]) -> Option<f64> {
    let mut sorted = errors_km.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(f64::midpoint(sorted[n / 2 - 1], sorted[n / 2])),
    }
}

fn share(part: usize, whole: usize) -> Option<f64> {
    share_f(part as f64, whole)
}

fn share_f(part: f64, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part / whole as f64)
}

/// `part / whole`, 0 when `whole` is 0 (precision and recall convention).
fn ratio_or_zero(part: usize, whole: usize) -> f64 {
    share(part, whole).unwrap_or(0.0)
}

/// Harmonic mean of precision and recall, 0 when both are 0.
pub fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    }
}

/// A matched gold toponym and its error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchedPair {
    /// Index into the document's gold toponyms (the slice given, unfiltered).
    pub gold: usize,
    /// Index into the predictions.
    pub pred: usize,
    pub km: f64,
}

/// How one document scored.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocOutcome {
    /// True positives, by gold index.
    pub matched: Vec<MatchedPair>,
    /// Scored gold toponyms no prediction matched (false negatives).
    pub missed: Vec<usize>,
    /// Predictions that matched no gold span at all.
    pub false_positives: Vec<usize>,
    /// Predictions that matched an ignored span (ungrounded, or lacking a
    /// GeoNames id under `require_geonameid`).
    pub ignored: Vec<usize>,
    /// Number of scored gold toponyms.
    pub gold: usize,
}

/// Whether a gold toponym is scored under `opts`.
fn is_scored(t: &GoldToponym, opts: ScoreOptions) -> bool {
    !opts.require_geonameid || t.geonameid.is_some()
}

/// Scores one document (pure). Gold toponyms that are not scored under
/// `opts` and the `ungrounded` spans are matched against but only absorb
/// predictions (see the module doc, "Ignored gold").
pub fn score_document(
    gold: &[GoldToponym],
    ungrounded: &[GoldSpan],
    preds: &[Predicted],
    opts: ScoreOptions,
) -> DocOutcome {
    // Targets: every gold toponym (index i < gold.len()), then the ungrounded spans.
    let targets: Vec<SpanRef> = gold.iter().map(SpanRef::from).chain(ungrounded.iter().map(SpanRef::from)).collect();
    let pred_spans: Vec<SpanRef> = preds.iter().map(SpanRef::from).collect();
    let scored = |gi: usize| gold.get(gi).is_some_and(|t| is_scored(t, opts));

    let mut out = DocOutcome { gold: gold.iter().filter(|t| is_scored(t, opts)).count(), ..DocOutcome::default() };
    let mut gold_hit = vec![false; targets.len()];
    let mut pred_hit = vec![false; preds.len()];
    for (gi, pi) in match_spans(&targets, &pred_spans) {
        gold_hit[gi] = true;
        pred_hit[pi] = true;
        if scored(gi) {
            out.matched.push(MatchedPair { gold: gi, pred: pi, km: pair_error_km(&gold[gi], &preds[pi]) });
        } else {
            out.ignored.push(pi);
        }
    }
    out.ignored.sort_unstable();
    out.missed = (0..gold.len()).filter(|&gi| scored(gi) && !gold_hit[gi]).collect();
    out.false_positives = (0..preds.len()).filter(|&pi| !pred_hit[pi]).collect();
    out
}

/// The protocol's figures for a corpus. Nothing is rounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Over matched toponyms: share with error < 161 km.
    #[serde(rename = "acc_at_161")]
    pub acc161: Option<f64>,
    /// Over matched toponyms; lower is better.
    pub auc: Option<f64>,
    /// Over matched toponyms, km.
    pub mean_km: Option<f64>,
    pub median_km: Option<f64>,
    /// Over all scored gold toponyms, a missed one counting [`MISS_KM`].
    #[serde(rename = "e2e_acc_at_161")]
    pub e2e_acc161: Option<f64>,
    pub e2e_auc: Option<f64>,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Scored gold toponyms (after the GeoNames id filter).
    #[serde(rename = "gold_toponyms")]
    pub gold: usize,
    /// All predictions submitted: `tp + fp + ignored`.
    #[serde(rename = "predicted_toponyms")]
    pub predicted: usize,
    /// Predictions that matched an ignored gold span, neither TP nor FP.
    #[serde(rename = "ignored_predictions")]
    pub ignored: usize,
    pub documents: usize,
}

/// What kind of mistake an [`ErrorItem`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A scored gold toponym no prediction matched.
    Missed,
    /// A prediction that matched no gold span.
    FalsePositive,
    /// Matched, but placed 161 km or more away (or not placed at all).
    Far,
}

/// One mistake, for an error report. Spans are the gold one for `missed`
/// and `far`, the prediction's for `false_positive`. A `far` item with no
/// prediction coordinates is a matched but unresolved toponym (`km` is then
/// the [`MISS_KM`] penalty).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorItem {
    pub doc: String,
    pub kind: ErrorKind,
    pub name: String,
    pub start: usize,
    pub end: usize,
    pub km: Option<f64>,
    pub gold_lat: Option<f64>,
    pub gold_lon: Option<f64>,
    pub pred_lat: Option<f64>,
    pub pred_lon: Option<f64>,
}

/// The error items of one scored document, ordered by span start.
pub fn error_items(doc_id: &str, gold: &[GoldToponym], preds: &[Predicted], outcome: &DocOutcome) -> Vec<ErrorItem> {
    let missed = outcome.missed.iter().map(|&gi| gold_item(doc_id, ErrorKind::Missed, &gold[gi], None, None));
    let far = outcome
        .matched
        .iter()
        .filter(|m| m.km >= ACC_KM)
        .map(|m| gold_item(doc_id, ErrorKind::Far, &gold[m.gold], Some(&preds[m.pred]), Some(m.km)));
    let false_pos = outcome.false_positives.iter().map(|&pi| false_positive_item(doc_id, &preds[pi]));
    let mut items: Vec<ErrorItem> = missed.chain(far).chain(false_pos).collect();
    items.sort_by_key(|e| (e.start, e.end));
    items
}

fn gold_item(doc: &str, kind: ErrorKind, g: &GoldToponym, p: Option<&Predicted>, km: Option<f64>) -> ErrorItem {
    let coords = p.and_then(Predicted::coords);
    ErrorItem {
        doc: doc.to_owned(),
        kind,
        name: g.name.clone(),
        start: g.start,
        end: g.end,
        km,
        gold_lat: Some(g.lat),
        gold_lon: Some(g.lon),
        pred_lat: coords.map(|c| c.0),
        pred_lon: coords.map(|c| c.1),
    }
}

fn false_positive_item(doc: &str, p: &Predicted) -> ErrorItem {
    ErrorItem {
        doc: doc.to_owned(),
        kind: ErrorKind::FalsePositive,
        name: p.name.clone(),
        start: p.start,
        end: p.end,
        km: None,
        gold_lat: None,
        gold_lon: None,
        pred_lat: p.lat,
        pred_lon: p.lon,
    }
}

/// Sums documents one at a time; [`finish`](Accumulator::finish) computes
/// [`Scores`].
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    opts: ScoreOptions,
    collect_errors: bool,
    documents: usize,
    gold: usize,
    predicted: usize,
    fp: usize,
    fn_: usize,
    ignored: usize,
    /// Errors of the true positives, km.
    matched_km: Vec<f64>,
    errors: Vec<ErrorItem>,
}

impl Accumulator {
    pub fn new(opts: ScoreOptions) -> Self {
        Accumulator { opts, ..Accumulator::default() }
    }

    /// Collect an [`ErrorItem`] per miss, false positive and far match.
    pub fn with_errors(mut self, collect: bool) -> Self {
        self.collect_errors = collect;
        self
    }

    /// Scores one document and adds it to the totals.
    pub fn add(
        &mut self,
        doc_id: &str,
        gold: &[GoldToponym],
        ungrounded: &[GoldSpan],
        preds: &[Predicted],
    ) -> DocOutcome {
        let outcome = score_document(gold, ungrounded, preds, self.opts);
        self.documents += 1;
        self.gold += outcome.gold;
        self.predicted += preds.len();
        self.fp += outcome.false_positives.len();
        self.fn_ += outcome.missed.len();
        self.ignored += outcome.ignored.len();
        self.matched_km.extend(outcome.matched.iter().map(|m| m.km));
        if self.collect_errors {
            self.errors.extend(error_items(doc_id, gold, preds, &outcome));
        }
        outcome
    }

    /// [`add`](Accumulator::add) for a gold document.
    pub fn add_doc(&mut self, doc: &GoldDoc, preds: &[Predicted]) -> DocOutcome {
        self.add(&doc.id, &doc.toponyms, &doc.ungrounded, preds)
    }

    /// Every error item so far, in document order (empty unless
    /// [`with_errors`](Accumulator::with_errors)`(true)`).
    pub fn errors(&self) -> &[ErrorItem] {
        &self.errors
    }

    pub fn into_errors(self) -> Vec<ErrorItem> {
        self.errors
    }

    /// The end-to-end error list: every true positive's error, then
    /// [`MISS_KM`] per missed gold toponym.
    fn e2e_errors(&self) -> Vec<f64> {
        let misses = std::iter::repeat_n(MISS_KM, self.fn_);
        self.matched_km.iter().copied().chain(misses).collect()
    }

    /// The figures for everything added so far.
    pub fn finish(&self) -> Scores {
        let tp = self.matched_km.len();
        let precision = ratio_or_zero(tp, tp + self.fp);
        let recall = ratio_or_zero(tp, self.gold);
        let e2e = self.e2e_errors();
        Scores {
            precision,
            recall,
            f1: f1(precision, recall),
            acc161: acc_at_161(&self.matched_km),
            auc: auc(&self.matched_km),
            mean_km: mean(&self.matched_km),
            median_km: median(&self.matched_km),
            e2e_acc161: acc_at_161(&e2e),
            e2e_auc: auc(&e2e),
            tp,
            fp: self.fp,
            fn_: self.fn_,
            gold: self.gold,
            predicted: self.predicted,
            ignored: self.ignored,
            documents: self.documents,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geoevents_core::gazetteer::spatial::EARTH_RADIUS_KM;

    /// One degree of arc on the protocol's sphere, km.
    const DEGREE_KM: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

    fn gold(start: usize, name: &str, lat: f64, id: Option<u64>) -> GoldToponym {
        let end = start + name.chars().count();
        GoldToponym { start, end, name: name.to_owned(), lat, lon: 0.0, geonameid: id, category: None }
    }

    fn pred(start: usize, name: &str, lat: Option<f64>) -> Predicted {
        let end = start + name.chars().count();
        Predicted { start, end, name: name.to_owned(), lat, lon: lat.map(|_| 0.0) }
    }

    fn span(start: usize, name: &str) -> GoldSpan {
        GoldSpan { start, end: start + name.chars().count(), name: name.to_owned() }
    }

    fn score(gold: &[GoldToponym], ungrounded: &[GoldSpan], preds: &[Predicted], opts: ScoreOptions) -> Scores {
        let mut acc = Accumulator::new(opts);
        acc.add("d", gold, ungrounded, preds);
        acc.finish()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn midpoints_nine_apart_match_ten_do_not() {
        let g = SpanRef { start: 100, end: 105, name: "Paris" };
        let at = |start| SpanRef { start, end: start + 5, name: "Paris" };
        assert!(midpoints_close(g, at(109)));
        assert!(midpoints_close(g, at(91)));
        assert!(!midpoints_close(g, at(110)));
        assert!(!midpoints_close(g, at(90)));
        // Spans of different lengths: midpoint 102.5 against 112 (9.5 apart) and 113 (10.5).
        assert!(midpoints_close(g, SpanRef { start: 111, end: 113, name: "" }));
        assert!(!midpoints_close(g, SpanRef { start: 112, end: 114, name: "" }));
        assert_eq!(match_spans(&[g], &[at(109)]), vec![(0, 0)]);
        assert!(match_spans(&[g], &[at(110)]).is_empty());
    }

    #[test]
    fn names_compare_ignoring_case_only() {
        assert!(names_match("Paris", "PARIS"));
        assert!(names_match("zürich", "ZÜRICH"));
        assert!(!names_match("Paris", "Paris,"));
        assert!(!names_match("Paris", "Pariss"));
        let g = [SpanRef { start: 0, end: 5, name: "paris" }];
        assert_eq!(match_spans(&g, &[SpanRef { start: 0, end: 5, name: "PaRiS" }]), vec![(0, 0)]);
        assert!(match_spans(&g, &[SpanRef { start: 0, end: 5, name: "Paros" }]).is_empty());
    }

    #[test]
    fn matching_is_one_to_one_and_nearest_first() {
        // Two predictions on one gold: one TP, one FP.
        let s = score(
            &[gold(10, "Homs", 34.7, None)],
            &[],
            &[pred(10, "Homs", Some(34.7)), pred(12, "Homs", Some(34.7))],
            ScoreOptions::default(),
        );
        assert_eq!((s.tp, s.fp, s.fn_), (1, 1, 0));
        // Two golds, one prediction: one TP, one FN; the nearer gold wins.
        let golds = [gold(0, "Homs", 0.0, None), gold(6, "Homs", 0.0, None)];
        let out = score_document(&golds, &[], &[pred(5, "Homs", Some(0.0))], ScoreOptions::default());
        assert_eq!(out.matched.iter().map(|m| m.gold).collect::<Vec<_>>(), vec![1]);
        assert_eq!(out.missed, vec![0]);
        // Greedy by distance gives each prediction its own gold when possible.
        let preds = [pred(6, "Homs", Some(0.0)), pred(0, "Homs", Some(0.0))];
        let out = score_document(&golds, &[], &preds, ScoreOptions::default());
        let pairs: Vec<_> = out.matched.iter().map(|m| (m.gold, m.pred)).collect();
        assert_eq!(pairs, vec![(0, 1), (1, 0)]);
    }

    #[test]
    fn auc_bounds_and_trapezoid() {
        assert_eq!(auc(&[]), None);
        assert_eq!(auc(&[0.0, 0.0, 0.0]), Some(0.0));
        assert_eq!(auc(&[MISS_KM, MISS_KM]), Some(1.0));
        assert_eq!(auc(&[MISS_KM]), Some(1.0));
        // Sorted [0, 1]: one gap, area 0.5; input order does not matter.
        assert!(close(auc(&[MISS_KM, 0.0]).unwrap_or(f64::NAN), 0.5));
        // [0, e-1, MISS]: y = [0, 1/ln 20039, 1]; area = (y1 + (y1 + 1)) / 2 / 2.
        let y1 = 1.0 / MISS_KM.ln();
        let expected = (y1 + (y1 + 1.0)) / 2.0 / 2.0;
        let got = auc(&[MISS_KM, std::f64::consts::E - 1.0, 0.0]).unwrap_or(f64::NAN);
        assert!(close(got, expected), "{got} vs {expected}");
    }

    #[test]
    fn haversine_known_distances() {
        assert!(close(haversine_km(0.0, 0.0, 1.0, 0.0), DEGREE_KM));
        assert!(close(haversine_km(0.0, 0.0, 0.0, 1.0), DEGREE_KM));
        // Antipodes: half the circumference (haversine loses ~1e-8 rad there).
        let half = haversine_km(10.0, 20.0, -10.0, -160.0);
        assert!((half - EARTH_RADIUS_KM * std::f64::consts::PI).abs() < 1e-3, "{half}");
        assert_eq!(haversine_km(51.5, -0.12, 51.5, -0.12), 0.0);
    }

    #[test]
    fn median_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn hand_computed_example() {
        // Gold at lat 0 along a line; predictions:
        //   Aleppo  exact               -> TP, 0 km
        //   Idlib   1 degree off        -> TP, 111.19 km (< 161)
        //   Raqqa   2 degrees off       -> TP, 222.39 km (far)
        //   Hama    unresolved          -> TP, 20039 km
        //   Deir    nowhere in gold     -> FP
        //   Manbij, Afrin               -> missed
        let g = [
            gold(0, "Aleppo", 0.0, None),
            gold(20, "Idlib", 0.0, None),
            gold(40, "Raqqa", 0.0, None),
            gold(60, "Hama", 0.0, None),
            gold(80, "Manbij", 0.0, None),
            gold(100, "Afrin", 0.0, None),
        ];
        let p = [
            pred(0, "Aleppo", Some(0.0)),
            pred(20, "idlib", Some(1.0)),
            pred(40, "Raqqa", Some(2.0)),
            pred(60, "Hama", None),
            pred(120, "Deir", Some(0.0)),
        ];
        let mut acc = Accumulator::new(ScoreOptions::default()).with_errors(true);
        acc.add("d", &g, &[], &p);
        let s = acc.finish();
        assert_eq!((s.tp, s.fp, s.fn_, s.gold, s.predicted, s.ignored, s.documents), (4, 1, 2, 6, 5, 0, 1));
        assert!(close(s.precision, 0.8));
        assert!(close(s.recall, 4.0 / 6.0));
        assert!(close(s.f1, 2.0 * 0.8 * (4.0 / 6.0) / (0.8 + 4.0 / 6.0)));
        assert_eq!(s.acc161, Some(0.5));
        let mean = (DEGREE_KM + 2.0 * DEGREE_KM + MISS_KM) / 4.0;
        assert!(close(s.mean_km.unwrap_or(f64::NAN), mean));
        assert!(close(s.median_km.unwrap_or(f64::NAN), 1.5 * DEGREE_KM));
        assert_eq!(s.e2e_acc161, Some(2.0 / 6.0));
        let kinds: Vec<(ErrorKind, &str)> = acc.errors().iter().map(|e| (e.kind, e.name.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (ErrorKind::Far, "Raqqa"),
                (ErrorKind::Far, "Hama"),
                (ErrorKind::Missed, "Manbij"),
                (ErrorKind::Missed, "Afrin"),
                (ErrorKind::FalsePositive, "Deir"),
            ]
        );
        assert_eq!(acc.errors()[1].km, Some(MISS_KM));
        assert_eq!(acc.errors()[1].pred_lat, None);
    }

    #[test]
    fn end_to_end_counts_misses_as_max_error() {
        let g = [gold(0, "Aleppo", 0.0, None), gold(20, "Idlib", 0.0, None)];
        let s = score(&g, &[], &[pred(0, "Aleppo", Some(0.0))], ScoreOptions::default());
        assert_eq!(s.acc161, Some(1.0));
        assert_eq!(s.auc, Some(0.0));
        assert_eq!(s.e2e_acc161, Some(0.5));
        // Errors [0, 20039]: AUC 0.5.
        assert_eq!(s.e2e_auc, Some(0.5));
        let none = score(&g, &[], &[], ScoreOptions::default());
        assert_eq!((none.acc161, none.auc, none.e2e_acc161, none.e2e_auc), (None, None, Some(0.0), Some(1.0)));
        assert_eq!((none.precision, none.recall, none.f1), (0.0, 0.0, 0.0));
    }

    #[test]
    fn require_geonameid_filters_gold_and_ignores_predictions_on_it() {
        let g = [gold(0, "Aleppo", 0.0, Some(170063)), gold(20, "Frenchmen Street", 0.0, None)];
        let ungrounded = [span(50, "Syrian")];
        let p = [pred(0, "Aleppo", Some(0.0)), pred(20, "Frenchmen Street", Some(5.0)), pred(50, "syrian", None)];
        let with_ids = score(&g, &ungrounded, &p, ScoreOptions { require_geonameid: true });
        assert_eq!((with_ids.tp, with_ids.fp, with_ids.fn_, with_ids.gold), (1, 0, 0, 1));
        assert_eq!((with_ids.ignored, with_ids.predicted), (2, 3));
        assert_eq!((with_ids.precision, with_ids.recall), (1.0, 1.0));
        assert_eq!(with_ids.acc161, Some(1.0));
        // Missing the id-less gold is not a miss either.
        let only_aleppo = score(&g, &ungrounded, &p[..1], ScoreOptions { require_geonameid: true });
        assert_eq!((only_aleppo.fn_, only_aleppo.recall), (0, 1.0));
        // Without the filter the id-less toponym is scored (and far); the
        // ungrounded span still only absorbs its prediction.
        let all = score(&g, &ungrounded, &p, ScoreOptions::default());
        assert_eq!((all.tp, all.fp, all.fn_, all.gold, all.ignored), (2, 0, 0, 2, 1));
        assert_eq!(all.acc161, Some(0.5));
        // An ignored span absorbs one prediction only; a second is a FP.
        let twice =
            score(&[], &ungrounded, &[pred(50, "Syrian", None), pred(51, "Syrian", None)], ScoreOptions::default());
        assert_eq!((twice.fp, twice.ignored), (1, 1));
    }

    #[test]
    fn unresolved_or_partial_coordinates_cost_the_maximum() {
        let g = gold(0, "Homs", 34.7, None);
        let mut p = pred(0, "Homs", Some(34.7));
        assert_eq!(pair_error_km(&g, &p), 0.0);
        p.lon = None;
        assert_eq!(pair_error_km(&g, &p), MISS_KM);
        p.lon = Some(f64::NAN);
        assert_eq!(pair_error_km(&g, &p), MISS_KM);
    }

    #[test]
    fn scores_serialize_with_protocol_names() {
        let s = score(&[gold(0, "Homs", 0.0, None)], &[], &[], ScoreOptions::default());
        let json = serde_json::to_value(&s).unwrap_or_default();
        let keys: Vec<&str> = json.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(
            keys,
            [
                "precision",
                "recall",
                "f1",
                "acc_at_161",
                "auc",
                "mean_km",
                "median_km",
                "e2e_acc_at_161",
                "e2e_auc",
                "tp",
                "fp",
                "fn",
                "gold_toponyms",
                "predicted_toponyms",
                "ignored_predictions",
                "documents",
            ]
        );
        let item = ErrorItem {
            doc: "d".into(),
            kind: ErrorKind::FalsePositive,
            name: "X".into(),
            start: 0,
            end: 1,
            km: None,
            gold_lat: None,
            gold_lon: None,
            pred_lat: None,
            pred_lon: None,
        };
        assert_eq!(serde_json::to_value(&item).unwrap_or_default()["kind"], "false_positive");
    }
}
