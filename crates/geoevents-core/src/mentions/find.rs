//! Finds every stretch of words that is a name in the gazetteer: from each
//! capitalised (or uncased-script) word, the longest run of words whose
//! folded key is in the name index. Matches never begin inside a word and
//! never overlap.

use super::lexicon::is_name_connector;
use crate::gazetteer::Store;
use crate::text::fold::join_key;
use crate::text::tokens::{Shape, Tokens};

/// The longest multiword name tried.
pub const MAX_WORDS: usize = 7;

/// A run of words whose key is a gazetteer name.
#[derive(Debug, Clone)]
pub struct NameMatch {
    /// Token range `[first, last)`.
    pub first: usize,
    /// End of the token range (exclusive): the token after the name's last word.
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

/// Walks the name index byte by byte, remembering where it stands, so that
/// extending "new" to "new york" only walks the new bytes.
struct Walker<'f> {
    fst: &'f fst::raw::Fst<&'static [u8]>,
    node: fst::raw::Node<'f>,
    output: fst::raw::Output,
    /// The bytes walked so far (a prefix of some key), or None if the walk fell off.
    walked: String,
    alive: bool,
}

impl<'f> Walker<'f> {
    fn new(fst: &'f fst::raw::Fst<&'static [u8]>) -> Self {
        Walker { fst, node: fst.root(), output: fst::raw::Output::zero(), walked: String::new(), alive: true }
    }

    /// Moves to `key`, reusing the walk when `key` extends what was walked.
    /// Returns false when no name starts with `key`.
    fn seek(&mut self, key: &str) -> bool {
        if !(self.alive && key.starts_with(self.walked.as_str())) {
            self.node = self.fst.root();
            self.output = fst::raw::Output::zero();
            self.walked.clear();
            self.alive = true;
        }
        for &b in &key.as_bytes()[self.walked.len()..] {
            if let Some(i) = self.node.find_input(b) {
                let t = self.node.transition(i);
                self.output = self.output.cat(t.out);
                self.node = self.fst.node(t.addr);
            } else {
                self.alive = false;
                return false;
            }
        }
        self.walked.clear();
        self.walked.push_str(key);
        true
    }

    /// The index value if the walked bytes are a whole name.
    fn value(&self) -> Option<u64> {
        (self.alive && self.node.is_final()).then(|| self.output.cat(self.node.final_output()).value())
    }
}

/// One-word lookups: the name index value of the word, and whether some
/// longer name starts with it. Kept per thread across documents (news
/// vocabulary repeats), for one gazetteer at a time, and bounded.
#[derive(Default)]
struct WordCache {
    gazetteer: usize,
    words: rustc_hash::FxHashMap<String, (Option<u64>, bool)>,
}

const WORD_CACHE_LIMIT: usize = 200_000;

thread_local! {
    static WORD_CACHE: std::cell::RefCell<WordCache> = std::cell::RefCell::new(WordCache::default());
}

impl WordCache {
    fn lookup(&mut self, walker: &mut Walker<'_>, key: &str) -> (Option<u64>, bool) {
        if let Some(hit) = self.words.get(key) {
            return *hit;
        }
        let found = walker.seek(key);
        let value = walker.value().filter(|_| found);
        let mut spaced = String::with_capacity(key.len() + 1);
        spaced.push_str(key);
        spaced.push(' ');
        // An article ("al") leads to names without it, so it always extends.
        let extends = walker.seek(&spaced) || crate::text::fold::is_dropped_article(key, true, true, true);
        if self.words.len() >= WORD_CACHE_LIMIT {
            self.words.clear();
        }
        self.words.insert(key.to_string(), (value, extends));
        (value, extends)
    }
}

/// The gazetteer names in `toks`, in text order, not overlapping: from left to right, the longest run of at
/// most [`MAX_WORDS`] words that is a name, then on after it.
pub fn find_names(store: &Store, toks: &Tokens) -> Vec<NameMatch> {
    WORD_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // Gazetteer bytes are never freed (embedded or leaked mmap): their address names them.
        let id = store.fst().as_fst().as_bytes().as_ptr() as usize;
        if cache.gazetteer != id {
            cache.words.clear();
            cache.gazetteer = id;
        }
        find_with(store, toks, &mut cache)
    })
}

fn find_with(store: &Store, toks: &Tokens, cache: &mut WordCache) -> Vec<NameMatch> {
    let t = &toks.tokens;
    let mut out = Vec::new();
    let mut key = String::new();
    let mut walker = Walker::new(store.fst().as_fst());
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
            if j == i {
                // Most windows are one word that names nothing: answer those from the cache.
                let (value, extends) = cache.lookup(&mut walker, &key);
                if let Some(value) = value.filter(|_| !single_letter) {
                    best = Some(NameMatch { first: i, last: j + 1, key: key.clone(), value });
                }
                // "Cox's Bazar": a possessive word goes on when a name continues its "s" form.
                let possessive_extends = t[i].possessive && {
                    let mut with_s = key.clone();
                    with_s.push_str("s ");
                    walker.seek(&with_s)
                };
                if !extends && !possessive_extends {
                    break;
                }
                key.push(' ');
                j += 1;
                continue;
            }
            let found = walker.seek(&key);
            if let Some(value) = walker.value().filter(|_| found && !single_letter) {
                best = Some(NameMatch { first: i, last: j + 1, key: key.clone(), value });
            }
            key.push(' ');
            if !walker.seek(&key) {
                break;
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
