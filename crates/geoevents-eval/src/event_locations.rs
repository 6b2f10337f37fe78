//! Event locations (`../shared/eval/event_location_dev.jsonl`, protocol in
//! that directory's README, "Event locations").
//!
//! One sentence per line: `{"id", "text", "source", "locations": [{"start",
//! "end", "text"}]}`, code point offsets, end exclusive. Each sentence is run
//! as its own document; the predicted spans are the mention spans of the
//! events drawn on the map. A prediction matches a gold span when the two
//! overlap (share at least one code point); matching is one-to-one (each gold
//! span and each prediction at most once, pairs taken in text order), and
//! precision, recall and F1 are over spans.
//!
//! Two predictions on the same span (two events at one mention) count once:
//! the protocol scores where events are drawn, not how many.

use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LocationDoc {
    pub id: String,
    pub text: String,
    /// Where the sentence comes from (a news agency or collection label).
    #[serde(default)]
    pub source: Option<String>,
    /// The places where the sentence's reported actions happened.
    pub locations: Vec<LocationSpan>,
}

/// A gold location span.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct LocationSpan {
    /// Code point offset of the first character.
    pub start: usize,
    /// Code point offset one past the last character.
    pub end: usize,
    pub text: String,
}

/// A file that cannot be read: `path:line: message`.
#[derive(Debug, thiserror::Error)]
pub enum LocationError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}:{line}: {message}", path.display())]
    BadLine { path: PathBuf, line: u64, message: String },
}

/// Reads a whole event-location file; blank lines are skipped.
pub fn read_locations(path: &Path) -> Result<Vec<LocationDoc>, LocationError> {
    let io_err = |source| LocationError::Io { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let mut docs = Vec::new();
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line_no = n as u64 + 1;
        let bad = |message: String| LocationError::BadLine { path: path.to_path_buf(), line: line_no, message };
        let line = line.map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => bad("invalid UTF-8".into()),
            _ => LocationError::Io { path: path.to_path_buf(), source: e },
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let doc: LocationDoc = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        if let Some(s) = doc.locations.iter().find(|s| s.start >= s.end) {
            return Err(bad(format!("document {}: location {:?} is empty or reversed", doc.id, s.text)));
        }
        docs.push(doc);
    }
    Ok(docs)
}

/// True when a line of JSON looks like an event-location document (has
/// `locations`, not `toponyms`).
pub fn looks_like_locations(first_line: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(first_line)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.contains_key("locations") && !o.contains_key("toponyms")))
        .unwrap_or(false)
}

/// A predicted event location: code point offsets of the drawn event's mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictedSpan {
    pub start: usize,
    pub end: usize,
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// The outcome of one sentence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SentenceOutcome {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

/// Scores one sentence: one-to-one overlap matching.
pub fn score_sentence(gold: &[LocationSpan], predicted: &[PredictedSpan]) -> SentenceOutcome {
    let mut preds: Vec<(usize, usize)> = predicted.iter().map(|p| (p.start, p.end)).collect();
    preds.sort_unstable();
    preds.dedup();
    let mut gold_used = vec![false; gold.len()];
    let mut tp = 0;
    for p in &preds {
        if let Some(g) = (0..gold.len()).find(|&g| !gold_used[g] && overlaps(*p, (gold[g].start, gold[g].end))) {
            gold_used[g] = true;
            tp += 1;
        }
    }
    SentenceOutcome { tp, fp: preds.len() - tp, fn_: gold.len() - tp }
}

/// Totals and figures over a corpus.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LocationScores {
    pub sentences: usize,
    pub gold_spans: usize,
    pub predicted_spans: usize,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Sums sentence outcomes.
#[derive(Debug, Clone, Default)]
pub struct LocationAccumulator {
    sentences: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl LocationAccumulator {
    pub fn add(&mut self, gold: &[LocationSpan], predicted: &[PredictedSpan]) -> SentenceOutcome {
        let o = score_sentence(gold, predicted);
        self.sentences += 1;
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        o
    }

    pub fn finish(&self) -> LocationScores {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(self.tp, self.tp + self.fp);
        let recall = ratio(self.tp, self.tp + self.fn_);
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
        LocationScores {
            sentences: self.sentences,
            gold_spans: self.tp + self.fn_,
            predicted_spans: self.tp + self.fp,
            tp: self.tp,
            fp: self.fp,
            fn_: self.fn_,
            precision: r3(precision),
            recall: r3(recall),
            f1: r3(f1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(start: usize, end: usize) -> LocationSpan {
        LocationSpan { start, end, text: String::new() }
    }

    fn p(start: usize, end: usize) -> PredictedSpan {
        PredictedSpan { start, end }
    }

    #[test]
    fn overlap_matching_is_one_to_one() {
        // Overlap by one code point matches; touching does not.
        assert_eq!(score_sentence(&[g(10, 16)], &[p(15, 20)]), SentenceOutcome { tp: 1, fp: 0, fn_: 0 });
        assert_eq!(score_sentence(&[g(10, 16)], &[p(16, 20)]), SentenceOutcome { tp: 0, fp: 1, fn_: 1 });
        // Two predictions inside one gold span: one match, one false positive.
        assert_eq!(score_sentence(&[g(0, 20)], &[p(0, 5), p(8, 12)]), SentenceOutcome { tp: 1, fp: 1, fn_: 0 });
        // The same span twice counts once.
        assert_eq!(score_sentence(&[g(0, 5)], &[p(0, 5), p(0, 5)]), SentenceOutcome { tp: 1, fp: 0, fn_: 0 });
        // Nothing gold, nothing predicted.
        assert_eq!(score_sentence(&[], &[]), SentenceOutcome::default());
    }

    #[test]
    fn figures() {
        let mut acc = LocationAccumulator::default();
        acc.add(&[g(0, 5), g(10, 15)], &[p(0, 5), p(30, 35)]);
        acc.add(&[], &[]);
        let s = acc.finish();
        assert_eq!((s.sentences, s.tp, s.fp, s.fn_), (2, 1, 1, 1));
        assert_eq!((s.precision, s.recall, s.f1), (0.5, 0.5, 0.5));
    }

    #[test]
    fn detects_the_file_shape() {
        assert!(looks_like_locations(r#"{"id": "a", "text": "x", "locations": []}"#));
        assert!(!looks_like_locations(r#"{"id": "a", "text": "x", "toponyms": []}"#));
        assert!(!looks_like_locations("not json"));
    }
}
