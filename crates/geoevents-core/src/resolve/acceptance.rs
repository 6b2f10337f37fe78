//! Whether a name is a place at all. Some cues decide it on the spot (a
//! title before it, a currency sign, part of an organisation's name); others
//! are soft (a common word, a surname, a name used elsewhere for a person)
//! and give way when the text says what the name is ("Hope is a town in
//! ...", "the city of Reading") or places it inside another place.

use super::candidates::{best, strong, Cand};
use super::metonym::can_govern;
use crate::gazetteer::{Kind, NameKind};
use crate::mentions::lexicon::is_common_word;
use crate::mentions::Mention;

/// Why a mention is not a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Why, in words; a verdict that is not soft becomes a [`super::context::Rejection`] with this reason.
    pub reason: &'static str,
    /// A statement about the name ("X is a town") or its containment overrules a soft verdict.
    pub soft: bool,
}

const fn hard(reason: &'static str) -> Option<Verdict> {
    Some(Verdict { reason, soft: false })
}

const fn soft(reason: &'static str) -> Option<Verdict> {
    Some(Verdict { reason, soft: true })
}

/// True when the text says what the name is: a statement after it ("is a
/// town in") or a type word before it ("the city of").
pub fn described(m: &Mention) -> bool {
    m.statement.is_some() || m.cues.noun_before.is_some()
}

/// Decides from the words around it and its best candidate whether a name
/// is a place at all. Checks that need the document's other places come
/// later, in [`needs_support`].
pub fn reject_reason(m: &Mention, cands: &[Cand]) -> Option<Verdict> {
    let top = best(cands)?;
    let c = &m.cues;
    if c.person {
        return hard("a person's name (a title or given name before it, or a surname after it)");
    }
    if c.surname_after
        && !matches!(top.place.kind, Kind::Country | Kind::Continent)
        && top.name_kind != NameKind::Demonym
    {
        return hard("a person's name: a surname after it (Paris Hilton), or a name and a verb of speech");
    }
    // A nisba: "al-Sudani", "al-Masri" are family names, whether the word is
    // listed as a demonym or as a foreign name of the country.
    if c.after_article && !m.key.contains(' ') && top.name_kind != NameKind::Main {
        return hard("an Arabic family name (al- before a demonym: al-Sudani)");
    }
    if c.in_code {
        return hard("part of a code between slashes (A/California/7/2009)");
    }
    // "Ali said" is a person; "Damascus said" and "Washington said" are governments.
    let governs = cands.iter().any(|c| can_govern(&c.place) || c.place.kind == Kind::Continent);
    if c.speaker && !c.after_locative && !c.after_of && !governs {
        return hard("a person: a single name followed by a verb of speech");
    }
    if c.currency {
        return hard("part of a currency sign (US$)");
    }
    // An abbreviation of a country or region ("U.S.", "UK", "NSW") counts as its own name here.
    let abbreviation = (c.all_caps || m.key.contains(' ') && m.key.split(' ').all(|w| w.len() == 1))
        && matches!(top.place.kind, Kind::Country | Kind::Admin1);
    let main_and_strong =
        strong(top) && (abbreviation || !matches!(top.name_kind, NameKind::Alternate | NameKind::Shortened));
    if (c.inside_longer_name || c.starts_longer_name) && !main_and_strong && top.name_kind != NameKind::Demonym {
        return hard("part of a longer capitalised name");
    }
    if (c.organisation || c.disease) && !strong(top) {
        return hard("part of the name of an organisation or a disease");
    }
    if c.all_caps && !c.dateline && !strong(top) && !super::candidates::reached_by_code(m, top) {
        return hard("capitals that name no country, region or city");
    }
    if c.person_elsewhere {
        return soft("a person's name: used so elsewhere in the text");
    }
    if c.after_intensifier && (c.common_word || m.key.split(' ').all(is_common_word)) {
        return hard("an adjective after \"very\", \"so\", \"too\"");
    }
    // A phrase of common words that is only some place's alternate name and
    // a translation ("White House" is Casablanca in English) is the phrase:
    // measured on the news corpora, where such phrases are buildings and
    // offices. Not for English-speaking countries, whose alternate names are
    // English ("Fort Hood", "Garden City"), nor for countries and regions
    // ("Ivory Coast").
    if m.key.contains(' ')
        && m.key.split(' ').all(is_common_word)
        && top.name_kind == NameKind::Alternate
        && !matches!(top.place.kind, Kind::Country | Kind::Admin1 | Kind::Region | Kind::Continent)
        && !english_speaking(top.place.country_code)
        && !shares_a_word(&m.key, top.place.name)
    {
        return soft("a phrase of common English words, and not the place's own name");
    }
    // A common word that is only some place's alternate name ("Polio" is
    // Poland in Esperanto) is the word, except for a major city ("Mecca").
    let major_city = top.place.kind == Kind::City && top.place.population >= 1_000_000;
    if c.common_word
        && !matches!(top.name_kind, NameKind::Main | NameKind::Demonym)
        && (c.sentence_start || !major_city)
    {
        return soft("a common English word, and not the place's own name");
    }
    None
}

/// After context: names that are only places if the document backs them.
pub fn needs_support(m: &Mention, c: &Cand) -> Option<&'static str> {
    let single_word = !m.key.contains(' ');
    if c.name_kind == NameKind::Demonym || !single_word {
        return None;
    }
    let cues = &m.cues;
    if cues.common_word {
        let ok = if cues.sentence_start || cues.all_caps {
            matches!(c.place.kind, Kind::Country | Kind::Continent)
        } else {
            // Mid-sentence with a capital: a country, a capital or a city of a
            // million ("Mecca", "Shanghai") is the place; a smaller one needs local support.
            let major =
                c.place.kind == Kind::City && (c.place.population >= 1_000_000 || c.place.feature_code == "PPLC");
            // "officials in Sake", "flooding in Mobile": after "in", "near",
            // a capitalised word is a place when the document backs it or it is large.
            let located = cues.after_locative && (strong(c) || c.supported);
            matches!(c.place.kind, Kind::Country | Kind::Continent)
                || major
                || located
                || (strong(c) && c.locally_supported)
        };
        if !ok {
            return Some("a common English word without support from the document");
        }
    }
    if cues.surname && !strong(c) && !c.locally_supported {
        return Some("a frequent surname, and no nearby place or region backs the town");
    }
    // An airport's code survives candidate selection only in capitals among
    // words of flying (`candidates.rs`): that context is its support.
    if !strong(c) && !c.supported && !super::candidates::reached_by_code(m, c) {
        return Some("a small place with no support in the document");
    }
    None
}

/// Countries where English is the language of most place names.
fn english_speaking(cc: &str) -> bool {
    matches!(cc, "US" | "GB" | "IE" | "CA" | "AU" | "NZ" | "JM" | "BS" | "BB" | "TT" | "GY" | "BZ" | "LR" | "SL")
}

/// Whether the folded phrase and the place's name have a word in common
/// (then the phrase is no translation: "Santa Maria Valley", "La Manga").
fn shares_a_word(key: &str, name: &str) -> bool {
    let name = crate::text::fold::fold(name);
    key.split(' ').any(|w| name.split(' ').any(|n| n == w))
}
