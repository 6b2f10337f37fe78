//! A multinomial logistic regression over hashed sparse features: each class
//! scores its bias plus the weights of the features present (binary); the
//! highest score wins, and the softmax of the scores is its probability.
//!
//! The text format, one record a line, `#` lines are comments:
//! ```text
//! linear 1                      format and version
//! classes K                     K class names follow, one a line
//! NAME
//! bias B1 ... BK                one bias a class
//! w BUCKET C:W C:W ...          a feature's non-zero weights, by class index
//! ```
//! Buckets are [`super::features::bucket`] values; a feature absent from the
//! file weighs nothing. `benches/train_events.py` writes it from
//! scikit-learn's `LogisticRegression`.

use super::ModelError;
use rustc_hash::FxHashMap;

/// A linear classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    classes: Vec<String>,
    bias: Vec<f64>,
    weights: FxHashMap<u32, Vec<(u16, f32)>>,
}

impl Linear {
    /// A model with no classes: it predicts nothing.
    pub fn empty() -> Linear {
        Linear { classes: Vec::new(), bias: Vec::new(), weights: FxHashMap::default() }
    }

    /// The class names, in the file's order (a class's index in weights and biases); empty for [`Linear::empty`].
    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    /// The best class and its probability for the features present; `None`
    /// for a model with no classes. Repeated buckets count once each time
    /// they are given.
    pub fn predict(&self, buckets: &[u32]) -> Option<(usize, f64)> {
        if self.classes.is_empty() {
            return None;
        }
        let mut scores = self.bias.clone();
        for b in buckets {
            if let Some(ws) = self.weights.get(b) {
                for &(c, w) in ws {
                    scores[usize::from(c)] += f64::from(w);
                }
            }
        }
        let (best, top) =
            scores.iter().copied().enumerate().fold(
                (0, f64::NEG_INFINITY),
                |acc, (i, s)| {
                    if s > acc.1 {
                        (i, s)
                    } else {
                        acc
                    }
                },
            );
        let total: f64 = scores.iter().map(|s| (s - top).exp()).sum();
        Some((best, 1.0 / total))
    }

    /// Reads the text format (see the module documentation); `name` is for errors.
    pub fn parse(name: &str, text: &str) -> Result<Linear, ModelError> {
        let bad = |line: usize, message: String| ModelError::Parse { model: name.to_string(), line: line + 1, message };
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let (n, head) = lines.next().ok_or_else(|| bad(0, "empty".into()))?;
        if head.trim() != "linear 1" {
            return Err(bad(n, format!("expected \"linear 1\", found {head:?}")));
        }
        let (n, l) = lines.next().ok_or_else(|| bad(n, "ends before classes".into()))?;
        let k: usize = l
            .strip_prefix("classes ")
            .ok_or_else(|| bad(n, format!("expected \"classes K\", found {l:?}")))?
            .trim()
            .parse()
            .map_err(|e| bad(n, format!("classes: {e}")))?;
        if k > usize::from(u16::MAX) {
            return Err(bad(n, format!("{k} classes is too many")));
        }
        let mut classes = Vec::with_capacity(k);
        let mut last = n;
        for _ in 0..k {
            let (n, l) = lines.next().ok_or_else(|| bad(last, "ends inside the class list".into()))?;
            classes.push(l.trim().to_string());
            last = n;
        }
        let (n, l) = lines.next().ok_or_else(|| bad(last, "ends before bias".into()))?;
        let bias: Vec<f64> = l
            .strip_prefix("bias")
            .ok_or_else(|| bad(n, format!("expected \"bias ...\", found {l:?}")))?
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|e| bad(n, format!("bias: {e}")))?;
        if bias.len() != k {
            return Err(bad(n, format!("{} biases for {k} classes", bias.len())));
        }
        let mut weights: FxHashMap<u32, Vec<(u16, f32)>> = FxHashMap::default();
        for (n, l) in lines {
            let mut parts = l.split_whitespace();
            if parts.next() != Some("w") {
                return Err(bad(n, format!("expected \"w BUCKET C:W ...\", found {l:?}")));
            }
            let bucket: u32 = parts
                .next()
                .ok_or_else(|| bad(n, "no bucket".into()))?
                .parse()
                .map_err(|e| bad(n, format!("bucket: {e}")))?;
            let mut ws = Vec::new();
            for p in parts {
                let (c, w) = p.split_once(':').ok_or_else(|| bad(n, format!("weight {p:?} is not C:W")))?;
                let c: u16 = c.parse().map_err(|e| bad(n, format!("class index {c:?}: {e}")))?;
                if usize::from(c) >= k {
                    return Err(bad(n, format!("class index {c} of {k} classes")));
                }
                ws.push((c, w.parse().map_err(|e| bad(n, format!("weight {w:?}: {e}")))?));
            }
            weights.entry(bucket).or_default().extend(ws);
        }
        Ok(Linear { classes, bias, weights })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_softmax() {
        let m = Linear::parse("t", "linear 1\nclasses 2\nA\nB\nbias 0 0.5\nw 7 0:2\nw 9 1:1 0:-1\n").unwrap();
        assert_eq!(m.classes(), ["A", "B"]);
        assert_eq!(m.predict(&[]).map(|p| p.0), Some(1));
        let (best, p) = m.predict(&[7]).unwrap();
        assert_eq!(best, 0);
        assert!((p - 1.0 / (1.0 + (-1.5f64).exp())).abs() < 1e-9);
        assert_eq!(m.predict(&[7, 9]).map(|p| p.0), Some(1));
        assert_eq!(Linear::empty().predict(&[7]), None);
    }

    #[test]
    fn refuses_broken_files() {
        assert!(Linear::parse("t", "linear 1\nclasses 2\nA\nB\nbias 0\n").is_err());
        let e = Linear::parse("t", "linear 1\nclasses 1\nA\nbias 0\nw 3 4:1\n").unwrap_err().to_string();
        assert!(e.contains("line 5"), "{e}");
    }
}
