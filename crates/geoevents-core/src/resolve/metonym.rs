//! A place standing for its government: "Damascus said", "Islamabad closed
//! the border", "allies of Tehran". Only countries and national capitals are
//! read so; "officials in Israel said" is the place itself.

use crate::gazetteer::{Kind, Place};
use crate::mentions::Mention;

/// Words right after a place name that make it stand for its government ("Damascus said"); lower case.
pub const METONYM_VERBS: &[&str] = &[
    "said",
    "says",
    "announced",
    "accused",
    "warned",
    "denied",
    "urged",
    "demanded",
    "insisted",
    "insists",
    "claims",
    "claimed",
    "rejected",
    "backs",
    "backed",
    "supports",
    "condemned",
    "welcomed",
    "threatened",
    "responded",
    "agreed",
    "signed",
    "wants",
    "vowed",
    "pledged",
    "blamed",
    "recognised",
    "recognized",
    "imposed",
    "sanctioned",
    "closed",
    "reopened",
    "expelled",
    "recalled",
    "summoned",
    "deployed",
    "ordered",
    "banned",
    "suspended",
    "halted",
    "approved",
    "refused",
    "retaliated",
    "protested",
    "objected",
    "believes",
];
/// Words ending right before a place name that make it stand for its government ("allies of Tehran"); lower case.
pub const METONYM_BEFORE: &[&str] = &[
    "allies of",
    "ally of",
    "backers of",
    "backer of",
    "supporters of",
    "patrons of",
    "backed by",
    "pressure from",
    "ties with",
    "relations with",
    "talks with",
    "support from",
    "sanctions on",
];

/// Whether the words around the mention make its place act: a verb of
/// saying or deciding after it, or "allies of", "talks with" before it.
pub fn acts_as_government(text: &str, m: &Mention) -> bool {
    if m.cues.after_locative {
        return false;
    }
    let after = text[m.end..].trim_start_matches(['\'', '’', 's']).trim_start();
    let next_word: String = after.chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
    if METONYM_VERBS.contains(&next_word.as_str()) {
        return true;
    }
    // Only the last few words before the name matter.
    let mut from = m.start.saturating_sub(24);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..m.start].trim_end().to_lowercase();
    METONYM_BEFORE.iter().any(|b| before.ends_with(b))
}

/// A place that can stand for a government: a country or a national capital.
pub fn can_govern(p: &Place<'_>) -> bool {
    p.kind == Kind::Country || p.feature_code == "PPLC"
}

/// Whether the mention of `p` stands for its government.
pub fn metonym(text: &str, m: &Mention, p: &Place<'_>) -> bool {
    can_govern(p) && acts_as_government(text, m)
}
