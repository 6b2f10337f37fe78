//! Boosted decision trees for binary classification: the sum of the trees'
//! leaf values plus a starting log-odds, through the logistic function.
//!
//! The text format, one record a line, `#` lines are comments:
//! ```text
//! trees 1                       format and version
//! features N                    the length of the feature vector
//! init -1.234                   the starting log-odds
//! threshold 0.5                 the probability from which the answer is yes
//! tree K                        K nodes follow, node 0 is the root
//! F T L R                       a split: go to node L when x[F] <= T, else R
//! leaf V                        a leaf: add V
//! ```
//! This is what `benches/train_events.py` writes from scikit-learn's
//! `GradientBoostingClassifier` (learning rate folded into the leaf values).
//! Features are `f32`, compared as `f64` with the thresholds, as scikit-learn
//! compares its `float32` inputs.

use super::ModelError;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Split { feature: usize, threshold: f64, left: usize, right: usize },
    Leaf(f64),
}

/// A boosted tree ensemble.
#[derive(Debug, Clone, PartialEq)]
pub struct Trees {
    features: usize,
    init: f64,
    threshold: f64,
    ensemble: Vec<Vec<Node>>,
}

impl Trees {
    /// The probability from which the answer is yes (chosen in training).
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The number of features the model reads.
    pub fn features(&self) -> usize {
        self.features
    }

    /// The probability of the positive class; `x` must have
    /// [`Trees::features`] values (missing ones count as 0).
    pub fn probability(&self, x: &[f32]) -> f64 {
        let mut raw = self.init;
        for tree in &self.ensemble {
            let mut at = 0;
            // Parsing checked that every child index points forward, so this ends.
            loop {
                match tree[at] {
                    Node::Leaf(v) => {
                        raw += v;
                        break;
                    }
                    Node::Split { feature, threshold, left, right } => {
                        let v = f64::from(x.get(feature).copied().unwrap_or(0.0));
                        at = if v <= threshold { left } else { right };
                    }
                }
            }
        }
        1.0 / (1.0 + (-raw).exp())
    }

    /// Reads the text format (see the module documentation); `name` is for errors.
    pub fn parse(name: &str, text: &str) -> Result<Trees, ModelError> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
        let bad = |line: usize, message: String| ModelError::Parse { model: name.to_string(), line: line + 1, message };
        let mut next = |what: &str| lines.next().ok_or_else(|| bad(0, format!("ends before {what}")));
        let (n, head) = next("the header")?;
        if head.trim() != "trees 1" {
            return Err(bad(n, format!("expected \"trees 1\", found {head:?}")));
        }
        let field = |n: usize, line: &str, key: &str| -> Result<String, ModelError> {
            line.strip_prefix(key)
                .map(|v| v.trim().to_string())
                .ok_or_else(|| bad(n, format!("expected \"{key} ...\", found {line:?}")))
        };
        let (n, l) = next("features")?;
        let features: usize = field(n, l, "features ")?.parse().map_err(|e| bad(n, format!("features: {e}")))?;
        let (n, l) = next("init")?;
        let init: f64 = field(n, l, "init ")?.parse().map_err(|e| bad(n, format!("init: {e}")))?;
        let (n, l) = next("threshold")?;
        let threshold: f64 = field(n, l, "threshold ")?.parse().map_err(|e| bad(n, format!("threshold: {e}")))?;
        let mut trees = Vec::new();
        while let Some((n, l)) = lines.next() {
            let count: usize = field(n, l, "tree ")?.parse().map_err(|e| bad(n, format!("tree: {e}")))?;
            let mut nodes = Vec::with_capacity(count);
            for k in 0..count {
                let (n, l) = lines.next().ok_or_else(|| bad(n, format!("tree of {count} nodes ends at node {k}")))?;
                let parts: Vec<&str> = l.split_whitespace().collect();
                let node = match parts.as_slice() {
                    ["leaf", v] => Node::Leaf(v.parse().map_err(|e| bad(n, format!("leaf: {e}")))?),
                    [f, t, left, right] => {
                        let num = |s: &str| s.parse::<usize>().map_err(|e| bad(n, format!("split: {e}")));
                        let (feature, left, right) = (num(f)?, num(left)?, num(right)?);
                        if feature >= features || left <= k || right <= k || left >= count || right >= count {
                            return Err(bad(n, format!("split {l:?} points outside the tree or backwards")));
                        }
                        let threshold = t.parse().map_err(|e| bad(n, format!("threshold: {e}")))?;
                        Node::Split { feature, threshold, left, right }
                    }
                    _ => return Err(bad(n, format!("expected a split or a leaf, found {l:?}"))),
                };
                nodes.push(node);
            }
            if nodes.is_empty() {
                return Err(bad(n, "an empty tree".into()));
            }
            trees.push(nodes);
        }
        Ok(Trees { features, init, threshold, ensemble: trees })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_trees_and_applies_the_logistic() {
        let text = "# a comment\ntrees 1\nfeatures 2\ninit 0.5\nthreshold 0.4\ntree 3\n1 0.5 1 2\nleaf -1\nleaf 1.5\ntree 1\nleaf 0.25\n";
        let m = Trees::parse("t", text).unwrap();
        assert_eq!(m.threshold(), 0.4);
        let p = |raw: f64| 1.0 / (1.0 + (-raw).exp());
        assert!((m.probability(&[9.0, 0.0]) - p(0.5 - 1.0 + 0.25)).abs() < 1e-12);
        assert!((m.probability(&[0.0, 0.5]) - p(0.5 - 1.0 + 0.25)).abs() < 1e-12, "<= goes left");
        assert!((m.probability(&[0.0, 0.6]) - p(0.5 + 1.5 + 0.25)).abs() < 1e-12);
    }

    #[test]
    fn refuses_broken_files() {
        assert!(Trees::parse("t", "trees 2\nfeatures 1\ninit 0\nthreshold 0.5\n").is_err());
        let backwards = "trees 1\nfeatures 1\ninit 0\nthreshold 0.5\ntree 2\n0 0.5 0 1\nleaf 1\n";
        let e = Trees::parse("t", backwards).unwrap_err().to_string();
        assert!(e.contains("line 6") && e.contains("backwards"), "{e}");
        assert!(Trees::parse("t", "trees 1\nfeatures 1\ninit 0\nthreshold 0.5\ntree 2\nleaf 1\n").is_err());
        assert!(Trees::parse("t", "trees 1\nfeatures 1\ninit 0\nthreshold 0.5\ntree 1\n3 0.5 1 2\n").is_err());
    }
}
