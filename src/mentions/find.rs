//! Finds every stretch of words that is a name in the gazetteer: from each
//! capitalised (or uncased-script) word, the longest run of words whose
//! folded key is in the name index. Matches never begin inside a word and
//! never overlap.

use super::lexicon::is_name_connector;
use super::tokens::{Shape, Tokens};
use crate::gazetteer::Store;
use crate::text::fold::join_key;

/// The longest multiword name tried.
pub const MAX_WORDS: usize = 7;

/// A run of words whose key is a gazetteer name.
#[derive(Debug, Clone)]
pub struct NameMatch {
    /// Token range `[first, last)`.
    pub first: usize,
    pub last: usize,
    /// The folded key that matched.
    pub key: String,
    /// The name index value for `key` (decode with `Store::postings_of`).
    pub value: u64,
}

fn may_start(shape: Shape, key: &str) -> bool {
    match shape {
        Shape::Capitalized | Shape::AllCaps => true,
        // Arabic script has no capitals; digits never start a name.
        Shape::Uncased => key.chars().next().is_some_and(|c| !c.is_ascii_digit()),
        Shape::Lower => false,
    }
}

/// Whether some name in the index starts with `prefix`.
fn is_prefix(store: &Store, prefix: &str) -> bool {
    let fst = store.fst().as_fst();
    let mut node = fst.root();
    for &b in prefix.as_bytes() {
        match node.find_input(b) {
            Some(i) => node = fst.node(node.transition(i).addr),
            None => return false,
        }
    }
    true
}

pub fn find_names(store: &Store, toks: &Tokens) -> Vec<NameMatch> {
    let t = &toks.tokens;
    let mut out = Vec::new();
    let mut key = String::new();
    let mut i = 0;
    while i < t.len() {
        if !may_start(t[i].shape, toks.key(&t[i])) {
            i += 1;
            continue;
        }
        let mut best: Option<NameMatch> = None;
        let mut j = i;
        while j < t.len() && j - i < MAX_WORDS {
            if j > i {
                let inside = matches!(t[j].shape, Shape::Capitalized | Shape::AllCaps | Shape::Uncased)
                    || is_name_connector(toks.key(&t[j]))
                    || t[j - 1].hyphen_after;
                if !t[j - 1].joins_next || !inside {
                    break;
                }
            }
            // A possessive inside a name keeps its "s": "People's Republic of China".
            if t[i..j].iter().any(|w| w.possessive) {
                let inner: Vec<(String, bool)> = t[i..=j]
                    .iter()
                    .enumerate()
                    .map(|(k, w)| {
                        let mut word = toks.key(w).to_string();
                        if w.possessive && i + k < j {
                            word.push('s');
                        }
                        (word, w.hyphen_after)
                    })
                    .collect();
                key.clear();
                join_key(inner.iter().map(|(w, h)| (w.as_str(), *h)), &mut key);
            } else {
                key.clear();
                join_key(t[i..=j].iter().map(|w| (toks.key(w), w.hyphen_after)), &mut key);
            }
            // One letter alone ("I", "A") is never a name; in "U.S." it is.
            let single_letter = j == i && key.chars().count() == 1;
            if let Some(value) = store.fst().get(&key).filter(|_| !single_letter) {
                best = Some(NameMatch { first: i, last: j + 1, key: key.clone(), value });
            }
            // A leading article ("Al-") may drop out of the key once a word follows.
            if j > i {
                key.push(' ');
                if !is_prefix(store, &key) {
                    break;
                }
            }
            j += 1;
        }
        match best {
            Some(m) => {
                i = m.last;
                out.push(m);
            }
            None => i += 1,
        }
    }
    out
}
