//! Scoring a corpus whose annotation is partial: WikToR marks only each
//! article's own place ("Santa Maria is a city ... in Santa Barbara County"
//! has Santa Maria annotated, not Santa Barbara County), so a prediction that
//! matches no gold span is not known to be wrong. Such predictions are left
//! out before scoring (`../shared/eval/README.md`: "score it without false
//! positives"); recall, acc@161 and the end-to-end figures keep their meaning,
//! precision and F1 have none.

use crate::gold::GoldDoc;
use crate::score::{score_document, Predicted, ScoreOptions};

/// Whether false positives are counted, and why (for the eval report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FalsePositivePolicy {
    pub counted: bool,
    pub because: &'static str,
}

/// True when the corpus annotates one place per document: every document
/// with gold toponyms has them all at one point under one name, and at
/// least one document has several (so a corpus of single-toponym documents
/// is not taken for a partial one). WikToR is such a corpus; GeoWebNews and
/// GeoVirus are not (their documents name many places).
pub fn annotates_one_place_per_document(docs: &[GoldDoc]) -> bool {
    let mut some_repeated = false;
    for d in docs {
        let Some(first) = d.toponyms.first() else { continue };
        let same = d.toponyms.iter().all(|t| {
            t.name.to_lowercase() == first.name.to_lowercase()
                && (t.lat - first.lat).abs() < 1e-6
                && (t.lon - first.lon).abs() < 1e-6
        });
        if !same {
            return false;
        }
        some_repeated |= d.toponyms.len() > 1;
    }
    some_repeated
}

/// Chooses the policy: `explicit` (from the command line) wins; otherwise
/// false positives are ignored for a corpus that annotates one place per
/// document ([`annotates_one_place_per_document`]).
pub fn false_positive_policy(docs: &[GoldDoc], explicit: Option<bool>) -> FalsePositivePolicy {
    match explicit {
        Some(true) => FalsePositivePolicy { counted: true, because: "--false-positives count" },
        Some(false) => FalsePositivePolicy { counted: false, because: "--false-positives ignore" },
        None if annotates_one_place_per_document(docs) => FalsePositivePolicy {
            counted: false,
            because: "the corpus annotates one place per document (as WikToR): unmatched predictions are not known to be wrong",
        },
        None => FalsePositivePolicy { counted: true, because: "the corpus annotates every place" },
    }
}

/// The predictions that match some gold or ungrounded span of `doc` under
/// the protocol's one-to-one matching; the others are dropped. Scoring the
/// result gives no false positives and the same true positives as scoring
/// all of `preds`.
pub fn matched_predictions(doc: &GoldDoc, preds: &[Predicted], opts: ScoreOptions) -> Vec<Predicted> {
    let outcome = score_document(&doc.toponyms, &doc.ungrounded, preds, opts);
    let mut keep = vec![true; preds.len()];
    for i in outcome.false_positives {
        keep[i] = false;
    }
    preds.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| p.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gold::GoldToponym;
    use crate::score::Accumulator;

    fn gold(start: usize, name: &str, lat: f64) -> GoldToponym {
        GoldToponym {
            start,
            end: start + name.chars().count(),
            name: name.into(),
            lat,
            lon: 0.0,
            geonameid: None,
            category: None,
        }
    }

    fn doc(toponyms: Vec<GoldToponym>) -> GoldDoc {
        GoldDoc { id: "d".into(), text: String::new(), toponyms, ungrounded: Vec::new() }
    }

    fn pred(start: usize, name: &str, lat: f64) -> Predicted {
        Predicted { start, end: start + name.chars().count(), name: name.into(), lat: Some(lat), lon: Some(0.0) }
    }

    #[test]
    fn one_place_per_document_is_detected() {
        let partial = [doc(vec![gold(0, "Troy", 1.0), gold(40, "troy", 1.0)]), doc(vec![])];
        assert!(annotates_one_place_per_document(&partial));
        let full = [doc(vec![gold(0, "Troy", 1.0), gold(40, "Albany", 2.0)])];
        assert!(!annotates_one_place_per_document(&full));
        let singles = [doc(vec![gold(0, "Troy", 1.0)])];
        assert!(!annotates_one_place_per_document(&singles), "single toponyms prove nothing");
        assert!(false_positive_policy(&partial, Some(true)).counted);
        assert!(!false_positive_policy(&full, Some(false)).counted);
        assert!(!false_positive_policy(&partial, None).counted);
        assert!(false_positive_policy(&full, None).counted);
    }

    #[test]
    fn unmatched_predictions_are_dropped_and_matches_kept() {
        let d = doc(vec![gold(0, "Troy", 1.0), gold(50, "Troy", 1.0)]);
        let preds = [pred(0, "Troy", 1.0), pred(20, "Rensselaer County", 3.0), pred(50, "Troy", 9.0)];
        let kept = matched_predictions(&d, &preds, ScoreOptions::default());
        assert_eq!(kept, vec![preds[0].clone(), preds[2].clone()]);
        let mut acc = Accumulator::new(ScoreOptions::default());
        acc.add_doc(&d, &kept);
        let s = acc.finish();
        assert_eq!((s.tp, s.fp, s.fn_), (2, 0, 0));
        assert_eq!(s.acc161, Some(0.5), "the far one still counts against accuracy");
    }
}
