//! Measuring geoparsing against hand-annotated gold corpora.
//!
//! [`gold`] reads the corpora in `../shared/eval/` (JSONL, code point
//! offsets; the corpora are read from there, never copied into this tree).
//! [`score`] implements the standard protocol of that directory's README:
//! span matching (midpoints < 10 characters apart, names equal ignoring case),
//! precision / recall / F1, and distance figures (acc@161, mean and median
//! km, AUC) over matched toponyms and end to end.
//!
//! ```
//! use geoevents_eval::{Accumulator, GoldToponym, Predicted, ScoreOptions};
//!
//! let gold = [GoldToponym { start: 0, end: 6, name: "Aleppo".into(), lat: 36.2, lon: 37.16, geonameid: Some(170063), category: None }];
//! let preds = [Predicted { start: 0, end: 6, name: "aleppo".into(), lat: Some(36.2), lon: Some(37.16) }];
//! let mut acc = Accumulator::new(ScoreOptions { require_geonameid: true });
//! acc.add("doc-1", &gold, &[], &preds);
//! let scores = acc.finish();
//! assert_eq!((scores.tp, scores.f1, scores.acc161), (1, 1.0, Some(1.0)));
//! ```

pub mod gold;
pub mod score;

pub use gold::{
    check_spans, gold_counts, read_gold, CharOffsets, GoldCounts, GoldDoc, GoldError, GoldReader, GoldSpan,
    GoldToponym, SpanCheck, SpanMismatch,
};
pub use score::{Accumulator, DocOutcome, ErrorItem, ErrorKind, Predicted, ScoreOptions, Scores};

#[cfg(test)]
mod corpus_tests {
    //! Checks against the real corpora, which live outside the tree:
    //! `cargo test -- --ignored` (directory from `GEOEVENTS_EVAL_DIR`, default
    //! `../shared/eval`).
    use super::*;
    use std::path::PathBuf;

    fn eval_dir() -> PathBuf {
        std::env::var_os("GEOEVENTS_EVAL_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval"), PathBuf::from)
    }

    /// The gold spans with the gold coordinates, as a system would report them.
    fn perfect(doc: &GoldDoc) -> Vec<Predicted> {
        doc.toponyms
            .iter()
            .map(|t| Predicted { start: t.start, end: t.end, name: t.name.clone(), lat: Some(t.lat), lon: Some(t.lon) })
            .collect()
    }

    fn check_corpus(file: &str, require_geonameid: bool) {
        let path = eval_dir().join(file);
        let docs = read_gold(&path).unwrap_or_else(|e| panic!("{e}"));
        let spans = check_spans(&docs);
        assert!(
            spans.is_clean(),
            "{file}: {} of {} spans mismatch, first {:?}",
            spans.mismatches.len(),
            spans.checked,
            spans.mismatches.first()
        );
        let mut acc = Accumulator::new(ScoreOptions { require_geonameid }).with_errors(true);
        for doc in &docs {
            acc.add_doc(doc, &perfect(doc));
        }
        let s = acc.finish();
        eprintln!(
            "{file}: {:?}\n  require_geonameid={require_geonameid}: {}",
            gold_counts(&docs),
            serde_json::to_string(&s).unwrap_or_default()
        );
        assert_eq!((s.precision, s.recall, s.f1), (1.0, 1.0, 1.0), "{file}");
        assert_eq!((s.acc161, s.auc, s.e2e_acc161, s.e2e_auc), (Some(1.0), Some(0.0), Some(1.0), Some(0.0)), "{file}");
        assert!(acc.errors().is_empty(), "{file}: {:?}", acc.errors().first());
    }

    #[test]
    #[ignore = "needs the gold corpora in ../shared/eval: see README"]
    fn perfect_predictor_scores_perfectly_on_gwn() {
        check_corpus("gwn.jsonl", true);
        check_corpus("gwn.jsonl", false);
    }

    #[test]
    #[ignore = "needs the gold corpora in ../shared/eval: see README"]
    fn perfect_predictor_scores_perfectly_on_geovirus() {
        check_corpus("geovirus.jsonl", false);
    }
}
