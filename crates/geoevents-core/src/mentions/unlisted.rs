//! Places the gazetteer does not list but the text itself marks as places:
//! "Mukuru district", "the village of Kampungu", "in Cellardyke, Fife",
//! "Brixwold is a village in Piute County".
//! They are reported with no coordinates rather than dropped.

use super::find::NameMatch;
use super::lexicon::*;
use crate::text::tokens::{Shape, Tokens};

/// Why a name that a statement describes ("X is a village in ...") is taken
/// for an unlisted place. Such a name is reported only where the text also
/// places it (resolution then puts it at its stated area).
pub const BY_STATEMENT: &str = "not in the gazetteer; a place by what the text says it is (\"X is a village in ...\")";

/// A run of words `[first, last)` taken for an unlisted place, and why.
pub struct Unlisted {
    /// Index of the first token of the name.
    pub first: usize,
    /// Index of the token after the name's last word (exclusive).
    pub last: usize,
    /// Why it is taken for a place, for the toponym's `reasons` ("not in the gazetteer; ...").
    pub reason: &'static str,
}

/// Words before "of" that introduce a place: "the village of X".
fn is_settlement_word(w: &str) -> bool {
    matches!(
        w,
        "town"
            | "village"
            | "city"
            | "district"
            | "province"
            | "region"
            | "county"
            | "municipality"
            | "suburb"
            | "township"
            | "hamlet"
    )
}

fn is_locative(w: &str) -> bool {
    matches!(w, "in" | "near" | "at" | "outside" | "from")
}

/// A word that can be part of an unlisted place name.
fn namelike(toks: &Tokens, i: usize) -> bool {
    let t = &toks.tokens[i];
    let k = toks.key(t);
    t.shape == Shape::Capitalized
        && k.len() > 2
        && !is_common_word(k)
        && !is_given_name(k)
        && !is_person_title(k)
        && !is_calendar_word(k)
        && !is_organisation_word(k)
}

/// Names of one to three capitalised words, not covered by `matches`, that the words around them mark as places the
/// gazetteer does not list ("the village of X", "X district").
pub fn find_unlisted(toks: &Tokens, text: &str, matches: &[NameMatch]) -> Vec<Unlisted> {
    let t = &toks.tokens;
    let mut covered = vec![false; t.len()];
    for m in matches {
        covered[m.first..m.last].iter_mut().for_each(|c| *c = true);
    }
    let starts_match: std::collections::HashSet<usize> = matches.iter().map(|m| m.first).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if covered[i] || !namelike(toks, i) {
            i += 1;
            continue;
        }
        let first = i;
        let mut last = i + 1;
        while last < t.len() && last - first < 3 && t[last - 1].joins_next && !covered[last] && namelike(toks, last) {
            last += 1;
        }
        i = last;
        let before = |back: usize| (first >= back).then(|| toks.key(&t[first - back]));
        let joined_before = |back: usize| first >= back && t[first - back].joins_next;
        let reason = if last < t.len()
            && t[last - 1].joins_next
            && t[last].shape == Shape::Lower
            && matches!(
                toks.key(&t[last]),
                "district" | "province" | "county" | "governorate" | "municipality" | "village" | "town" | "region"
            ) {
            Some("not in the gazetteer; a place by the area word after it")
        } else if before(1) == Some("of")
            && before(2).is_some_and(is_settlement_word)
            && joined_before(1)
            && joined_before(2)
        {
            Some("not in the gazetteer; a place by \"town of\", \"village of\" before it")
        } else if first >= 1
            && !t[first].sentence_start
            && before(1).is_some_and(is_locative)
            && joined_before(1)
            && text[t[last - 1].end..].starts_with(", ")
            && last < t.len()
            && starts_match.contains(&last)
        {
            Some("not in the gazetteer; a place by \"in X, <known place>\"")
        } else if super::statements::statement_after(toks, text, t[last - 1].end, last)
            .is_some_and(|st| !matches!(st.noun, super::statements::PlaceNoun::Located))
        {
            Some(BY_STATEMENT)
        } else {
            None
        };
        if let Some(reason) = reason {
            out.push(Unlisted { first, last, reason });
        }
    }
    out
}
