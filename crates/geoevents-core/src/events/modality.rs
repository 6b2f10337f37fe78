//! Certainty: did the action happen, or is it planned, threatened,
//! hypothetical or denied?
//!
//! Read from the words before the clause's first trigger cue (within the
//! clause): the marker nearest the trigger decides.
//! * denied: "denied", "denies", "rejected reports", "did not", "didn't",
//!   "never";
//! * threatened: "threatened to", "threatens", "vowed to", "vows", "warned
//!   (that) ... would", "will not stop until";
//! * hypothetical: "could", "would", "might", "may" (lower case), "if",
//!   "unless", "risk of", "fears of";
//! * planned: "will", "shall", "'ll", "is/are set to", "plans/planned to",
//!   "is/are to", "due to", "expected to", "scheduled", "intends to", "going
//!   to", "to visit";
//! * otherwise reported.

use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Written in snake case. Only `reported` events are drawn by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// It happened (past or ongoing).
    Reported,
    /// Announced for the future: "is set to visit", "will go to".
    Planned,
    /// Threatened or vowed: "threatened to strike", "vowed to reach".
    Threatened,
    /// Possible or conditional: "could hit", "would leave", "if ... attack".
    Hypothetical,
    /// Denied by someone: "denied shelling the town".
    Denied,
}

impl Modality {
    /// The name as serialised, lower case (`reported`, `planned`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Reported => "reported",
            Modality::Planned => "planned",
            Modality::Threatened => "threatened",
            Modality::Hypothetical => "hypothetical",
            Modality::Denied => "denied",
        }
    }

    /// The modality written `s` (as serialised); `None` for anything else.
    pub fn parse(s: &str) -> Option<Modality> {
        [Modality::Reported, Modality::Planned, Modality::Threatened, Modality::Hypothetical, Modality::Denied]
            .into_iter()
            .find(|m| m.as_str() == s.trim())
    }
}

#[rustfmt::skip]
const MARKERS: &[(&str, Modality)] = &[
    ("denied", Modality::Denied), ("denies", Modality::Denied), ("deny", Modality::Denied),
    ("did not", Modality::Denied), ("didn't", Modality::Denied), ("never", Modality::Denied),
    ("rejected reports", Modality::Denied), ("rejected claims", Modality::Denied),
    ("threatened to", Modality::Threatened), ("threatens to", Modality::Threatened),
    ("threatening to", Modality::Threatened), ("vowed to", Modality::Threatened), ("vows to", Modality::Threatened),
    ("will not stop until", Modality::Threatened), ("won't stop until", Modality::Threatened),
    ("would not stop until", Modality::Threatened), ("not stop until", Modality::Threatened),
    ("could", Modality::Hypothetical), ("would", Modality::Hypothetical), ("might", Modality::Hypothetical),
    ("may", Modality::Hypothetical), ("if", Modality::Hypothetical), ("unless", Modality::Hypothetical),
    ("risk of", Modality::Hypothetical), ("fears of", Modality::Hypothetical), ("possible", Modality::Hypothetical),
    ("will", Modality::Planned), ("shall", Modality::Planned), ("'ll", Modality::Planned),
    ("set to", Modality::Planned), ("plans to", Modality::Planned), ("planned to", Modality::Planned),
    ("planning to", Modality::Planned), ("is to", Modality::Planned), ("are to", Modality::Planned),
    ("due to visit", Modality::Planned), ("is due", Modality::Planned), ("are due", Modality::Planned),
    ("expected to", Modality::Planned), ("scheduled", Modality::Planned), ("intends to", Modality::Planned),
    ("going to", Modality::Planned), ("to visit", Modality::Planned), ("to travel", Modality::Planned),
    ("upcoming", Modality::Planned),
];

/// The modality of the action whose trigger starts at byte `trigger` of
/// `clause`: the marker nearest before it, else one in the three words after
/// it (a noun trigger: "storms could hit").
pub fn modality(clause: &str, trigger: usize) -> Modality {
    let before = nearest_marker(clause.get(..trigger).unwrap_or(clause));
    if before != Modality::Reported {
        return before;
    }
    let rest = clause.get(trigger..).unwrap_or("");
    let cut = rest.char_indices().filter(|(_, c)| c.is_whitespace()).nth(3).map_or(rest.len(), |(b, _)| b);
    let after = nearest_marker(&rest[..cut]);
    if after == Modality::Denied {
        Modality::Reported
    } else {
        after
    }
}

fn nearest_marker(head: &str) -> Modality {
    static AC: OnceLock<(AhoCorasick, Vec<Modality>)> = OnceLock::new();
    let (ac, modalities) = AC.get_or_init(|| {
        // Each marker as written, and with a typographic apostrophe.
        let mut patterns: Vec<String> = Vec::new();
        let mut modalities = Vec::new();
        for (marker, m) in MARKERS {
            patterns.push((*marker).to_string());
            modalities.push(*m);
            if marker.contains('\'') {
                patterns.push(marker.replace('\'', "’"));
                modalities.push(*m);
            }
        }
        #[expect(clippy::expect_used, reason = "the markers are constants: every test builds them")]
        let ac = AhoCorasick::new(&patterns).expect("modality markers");
        (ac, modalities)
    });
    let lower = super::cues::lower_same_len(head);
    // The marker that ends last wins; on a tie, the one listed first.
    let mut best: Option<(usize, usize)> = None;
    for mat in ac.find_overlapping_iter(&lower) {
        let (at, end) = (mat.start(), mat.end());
        let before_ok = at == 0 || !lower[..at].chars().next_back().is_some_and(char::is_alphanumeric);
        let after_ok = !lower[end..].chars().next().is_some_and(char::is_alphanumeric);
        // "May" the month is capitalised; the modal is not.
        if &lower[at..end] == "may" && head.get(at..at + 1) == Some("M") {
            continue;
        }
        let k = mat.pattern().as_usize();
        if before_ok && after_ok && best.is_none_or(|(b, bk)| end > b || (end == b && k < bk)) {
            best = Some((end, k));
        }
    }
    best.map_or(Modality::Reported, |(_, k)| modalities[k])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(clause: &str, trigger: &str) -> &'static str {
        modality(clause, clause.find(trigger).unwrap()).as_str()
    }

    #[test]
    fn markers() {
        assert_eq!(at("Rebels entered Aleppo on Friday", "entered"), "reported");
        assert_eq!(at("Araghchi is set to visit Damascus on Sunday", "visit"), "planned");
        assert_eq!(at("then will go to Ankara", "go to"), "planned");
        assert_eq!(at("Storms could hit the coast on Thursday", "Storms"), "hypothetical");
        assert_eq!(at("Officials said storms could hit the coast", "hit"), "hypothetical");
        assert_eq!(at("The group threatened to attack the base", "attack"), "threatened");
        assert_eq!(at("The army denied shelling the village", "shelling"), "denied");
        assert_eq!(at("they will not stop until they reach Damascus", "reach"), "threatened");
        assert_eq!(at("On May 3 rebels attacked Hama", "attacked"), "reported");
    }
}
