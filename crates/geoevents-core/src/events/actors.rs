//! Actors a sentence names: deliberately simple, so every actor can be traced
//! to a rule below.
//!
//! 1. **Names after a title.** A run of capitalised words ("Prime Minister
//!    Mohammed Shia’ al-Sudani") that starts with titles or roles
//!    ([`TITLES`]) gives what follows the last title, even one word
//!    ("President Erdogan" -> "Erdogan"; "Supreme Court Justice X Y" -> "X Y").
//!    Up to three other words may precede the titles when at least two name
//!    words follow ("Syrian President Bashar al-Assad" -> "Bashar al-Assad",
//!    for a demonym the resolver missed; but "UN General Assembly" stays
//!    whole). A place or demonym mention breaks a run, so "Iraqi Prime
//!    Minister X" and "Turkey’s Foreign Minister X" give X. Titles alone
//!    ("Foreign Minister") give nothing.
//! 2. **Multi-word names.** Any other run of two or more capitalised words
//!    (up to six; inner particles such as "al-", "bin", "of", "the" allowed):
//!    "Hay’at Tahrir al-Sham", "Sergey Lavrov". At the start of a sentence a
//!    common opener ("The", "On", "After", ...) is not part of a name.
//! 3. **Acronyms.** An all-capitals word in parentheses: "(HTS)"; glued to
//!    the name before it when there is one ("Hay’at Tahrir al-Sham (HTS)").
//!    Elsewhere in the document, a bare all-capitals word counts only when the
//!    document introduced it in parentheses ("HTS leader ..." -> "HTS").
//!    News agencies in a dateline ("BEIRUT (AFP)") are not actors.
//! 4. **Demonym or place + group.** A demonym or place mention followed by a
//!    group noun ([`GROUPS`]), with at most one lower-case word between:
//!    "Syrian army", "Syrian rebel groups", "Iranian foreign ministry",
//!    "Syrian state media", "Turkey’s army", "Damascus government".
//!
//! Never actors: words a place mention starts at (any type except "embedded", so "The
//! Washington Post" stays a name), weekday and month names, single capitalised
//! words without a title ("Araghchi" alone, "Allies"), pronouns. Limits: no
//! coreference ("Sudani" and "Mohammed Shia’ al-Sudani" are not merged), no
//! roles without names ("the foreign minister"), title-case headlines may
//! yield phrases that are not actors, and all-lower-case names are missed.

use super::dates::WEEKDAYS;
use crate::resolve::MentionType;
use crate::text::sentences::{tokens, Tok, TokKind};

/// A place mention inside the sentence: byte span relative to the sentence,
/// and its mention type (place, demonym, metonym, embedded).
#[derive(Debug, Clone, Copy)]
pub struct MentionSpan {
    /// Byte offset of the mention's start, relative to the sentence.
    pub start: usize,
    /// Byte offset after the mention (exclusive), relative to the sentence.
    pub end: usize,
    /// How the place is named: an embedded mention (part of another name) does not stop an actor's name; any
    /// other may head one with a group noun ("Syrian rebels").
    pub mention_type: MentionType,
}

/// Titles and roles stripped from the front of a name (lower case, no dot).
#[rustfmt::skip]
pub const TITLES: &[&str] = &[
    "president", "vice", "prime", "minister", "foreign", "defence", "defense", "interior", "deputy", "secretary",
    "general", "gen", "lieutenant", "lt", "colonel", "col", "major", "maj", "captain", "capt", "sergeant", "sgt",
    "brigadier", "brig", "admiral", "adm", "commander", "chief", "head", "staff", "army", "field", "marshal",
    "king", "queen", "prince", "princess", "crown", "sheikh", "sheik", "emir", "sultan", "ayatollah", "supreme",
    "leader", "pope", "cardinal", "bishop", "imam", "mr", "mrs", "ms", "dr", "prof", "professor", "sir", "lord",
    "lady", "dame", "senator", "sen", "rep", "representative", "congressman", "congresswoman", "governor", "gov",
    "mayor", "ambassador", "envoy", "spokesman", "spokeswoman", "spokesperson", "chancellor", "premier", "speaker",
    "judge", "justice", "attorney", "state", "acting", "former", "interim", "director", "officer", "president-elect",
];

/// Lower-case words allowed inside a name.
#[rustfmt::skip]
const PARTICLES: &[&str] = &[
    "al", "bin", "ibn", "bint", "de", "del", "della", "da", "di", "du", "van", "von", "der", "den", "of", "for",
    "the", "la", "le",
];

/// Lower-case prefixes of hyphenated name parts ("al-Sham").
#[rustfmt::skip]
const NAME_PREFIXES: &[&str] = &["al", "el", "ad", "as", "ash", "at", "an", "ar", "az", "ibn", "bin", "ben"];

/// Capitalised words that open sentences and are not names.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "the", "a", "an", "in", "on", "at", "this", "that", "these", "those", "it", "he", "she", "they", "we", "i",
    "his", "her", "their", "its", "our", "but", "and", "or", "meanwhile", "however", "after", "before",
    "according", "when", "while", "as", "since", "if", "some", "many", "both", "last", "earlier", "later", "also",
    "yet", "so", "for", "from", "with", "by", "to", "of", "during", "despite", "following", "amid", "under", "over",
    "there", "what", "why", "how", "where", "who", "several", "thousands", "hundreds", "dozens", "all", "no",
];

#[rustfmt::skip]
const MONTH_NAMES: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
];

/// Group nouns after a demonym or place ("Syrian army").
#[rustfmt::skip]
pub const GROUPS: &[&str] = &[
    "army", "armies", "forces", "force", "troops", "military", "government", "authorities", "police", "rebels",
    "groups", "group", "fighters", "militants", "militia", "militias", "opposition", "officials", "ministry",
    "media", "navy", "jets", "warplanes", "coalition", "regime", "parliament", "diplomats",
];

/// Lower-case words that cannot sit between a demonym and its group noun.
#[rustfmt::skip]
const NOT_MODIFIERS: &[&str] = &[
    "and", "or", "of", "the", "to", "in", "on", "at", "by", "for", "with", "from", "that", "is", "are", "was",
    "were", "has", "have",
];

#[rustfmt::skip]
const NEWS_AGENCIES: &[&str] = &["AFP", "AP", "UPI", "DPA", "ANSA", "EFE", "ANI", "PTI", "IANS"];

fn strip_possessive(s: &str) -> &str {
    s.strip_suffix("’s").or_else(|| s.strip_suffix("'s")).unwrap_or(s)
}

fn is_acronym(w: &str) -> bool {
    let w = strip_possessive(w);
    let n = w.chars().count();
    (2..=8).contains(&n)
        && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        && w.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// The all-capitals words the document introduces in parentheses: "(HTS)".
pub fn document_acronyms(text: &str) -> Vec<String> {
    let toks = tokens(text);
    let mut out: Vec<String> = toks
        .windows(3)
        .filter(|w| {
            &text[w[0].start..w[0].end] == "("
                && &text[w[2].start..w[2].end] == ")"
                && w[1].kind == TokKind::Word
                && is_acronym(&text[w[1].start..w[1].end])
                && strip_possessive(&text[w[1].start..w[1].end]) == &text[w[1].start..w[1].end]
        })
        .map(|w| text[w[1].start..w[1].end].to_string())
        .filter(|a| !NEWS_AGENCIES.contains(&a.as_str()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The actors `sentence` names (see the module documentation), in order.
/// `mentions` are the place mentions in the sentence; `known_acronyms` come
/// from [`document_acronyms`].
pub fn sentence_actors(sentence: &str, mentions: &[MentionSpan], known_acronyms: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, a) in named_actor_spans(sentence, mentions, known_acronyms) {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Generic groups that act in news reports, written in lower case: "security
/// forces", "unidentified gunmen", "protesters".
#[rustfmt::skip]
pub const GENERIC_GROUPS: &[&str] = &[
    "protesters", "protestors", "demonstrators", "police", "policemen", "soldiers", "troops", "rebels",
    "militants", "gunmen", "gunman", "fighters", "forces", "insurgents", "residents", "villagers", "civilians",
    "students", "workers", "farmers", "assailants", "attackers", "jihadists", "terrorists", "army", "military",
    "settlers", "tribesmen", "activists", "rioters", "mob", "militia", "militiamen", "guerrillas", "bandits",
    "herders", "youths", "crowd", "supporters", "members", "traders", "doctors", "teachers", "nurses",
];

/// Every actor of `sentence` with its byte offset, in text order: the named
/// actors of [`sentence_actors`], then generic groups ("security forces",
/// "Islamist fighters") not inside a named one. Repeats are kept (each
/// occurrence has its offset).
pub fn actor_spans(sentence: &str, mentions: &[MentionSpan], known_acronyms: &[String]) -> Vec<(usize, String)> {
    let mut found = named_actor_spans(sentence, mentions, known_acronyms);
    let toks = tokens(sentence);
    let covered = |at: usize, found: &[(usize, String)]| found.iter().any(|(s, a)| *s <= at && at < s + a.len());
    let mut generic = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let w = &sentence[t.start..t.end];
        if t.kind != TokKind::Word || !GENERIC_GROUPS.contains(&w.to_lowercase().as_str()) || covered(t.start, &found) {
            continue;
        }
        // Up to two modifiers: "pro-Houthi forces", "Islamist fighters", "unidentified armed men".
        let mut start = i;
        while start > 0 && i - start < 2 {
            let p = &toks[start - 1];
            let pw = &sentence[p.start..p.end];
            let lw = pw.to_lowercase();
            let modifier = p.kind == TokKind::Word
                && !OPENERS.contains(&lw.as_str())
                && !NOT_MODIFIERS.contains(&lw.as_str())
                && !GENERIC_GROUPS.contains(&lw.as_str())
                // A participle is the verb of a clause, not a modifier:
                // "killing four residents" names the residents.
                && !lw.ends_with("ing")
                && !lw.ends_with("ed")
                    | matches!(lw.as_str(), "armed" | "unidentified" | "suspected" | "masked" | "allied");
            if !modifier || MONTH_NAMES.contains(&pw) || WEEKDAYS.contains(&pw) {
                break;
            }
            start -= 1;
        }
        let s0 = toks[start].start;
        generic.push((s0, sentence[s0..t.end].to_string()));
    }
    found.extend(generic);
    found.sort_by_key(|(s, _)| *s);
    found
}

fn named_actor_spans(sentence: &str, mentions: &[MentionSpan], known_acronyms: &[String]) -> Vec<(usize, String)> {
    let toks = tokens(sentence);
    let text = |t: &Tok| &sentence[t.start..t.end];
    // A mention blocks the words it covers from their start ("Turkey" in
    // "Turkey’s"), not a word it merely ends ("Sudani" in "al-Sudani").
    let blocked = |t: &Tok| {
        mentions.iter().any(|m| m.mention_type != MentionType::Embedded && t.start < m.end && m.start <= t.start)
    };
    let is_name_part = |t: &Tok| {
        if t.kind != TokKind::Word || blocked(t) {
            return false;
        }
        let w = text(t);
        let bare = strip_possessive(w);
        if WEEKDAYS.contains(&bare) || MONTH_NAMES.contains(&bare) {
            return false;
        }
        if w.starts_with(char::is_uppercase) {
            return true;
        }
        // "al-Sham", "bin-Salman"
        w.split_once(['-', '‑'])
            .is_some_and(|(pre, rest)| NAME_PREFIXES.contains(&pre) && rest.starts_with(char::is_uppercase))
    };
    let is_particle = |t: &Tok| t.kind == TokKind::Word && !blocked(t) && PARTICLES.contains(&text(t));
    let lower_bare = |t: &Tok| text(t).trim_end_matches('.').to_lowercase();

    let mut found: Vec<(usize, String)> = Vec::new();
    let mut used_parens: Vec<usize> = Vec::new(); // token index of acronyms glued to a name
    let mut i = 0;
    while i < toks.len() {
        if !is_name_part(&toks[i]) {
            i += 1;
            continue;
        }
        // Extend the run.
        let mut run = vec![i];
        let mut j = i + 1;
        while j < toks.len() {
            let last = &toks[run[run.len() - 1]];
            if text(last).ends_with("’s") || text(last).ends_with("'s") {
                break; // a possessive ends a name
            }
            let t = &toks[j];
            if is_name_part(t) || (is_particle(t) && toks.get(j + 1).is_some_and(|n| is_name_part(n) || is_particle(n)))
            {
                run.push(j);
                j += 1;
            } else if t.kind == TokKind::Punct
                && t.start == last.end
                && ((matches!(text(t), "’" | "'") && toks.get(j + 1).is_some_and(is_name_part))
                    || (text(t) == "." && TITLES.contains(&text(last).to_lowercase().as_str())))
            {
                // "Shia’ al-Sudani", "Dr. Jones": punctuation glued to the word.
                run.push(j);
                j += 1;
            } else {
                break;
            }
        }
        let next = j;
        // Trailing particles and punctuation are not part of the name.
        while run.len() > 1
            && (toks[run[run.len() - 1]].kind == TokKind::Punct || is_particle(&toks[run[run.len() - 1]]))
        {
            run.pop();
        }
        // A sentence opener is not a name.
        if run[0] == 0 && OPENERS.contains(&lower_bare(&toks[0]).as_str()) {
            run.remove(0);
        }
        // Titles: the name is what follows the last one.
        let is_word = |x: usize| toks[x].kind == TokKind::Word && !is_particle(&toks[x]);
        let count_words = |xs: &[usize]| xs.iter().filter(|&&x| is_word(x)).count();
        let titles: Vec<usize> = (0..run.len())
            .filter(|&k| {
                let w = lower_bare(&toks[run[k]]);
                // "State" only in "Secretary of State", not "State Department".
                TITLES.contains(&w.as_str()) && (w != "state" || (k > 0 && text(&toks[run[k - 1]]) == "of"))
            })
            .collect();
        let (mut name, mut titled) = (run.clone(), false);
        if let (Some(&first), Some(&last)) = (titles.first(), titles.last()) {
            let mut rest = &run[last + 1..];
            while rest.first().is_some_and(|&x| !is_word(x)) {
                rest = &rest[1..];
            }
            let (prefix_words, rest_words) = (count_words(&run[..first]), count_words(rest));
            if rest_words >= 1 && (prefix_words == 0 || (prefix_words <= 3 && rest_words >= 2)) {
                // "Prime Minister X", and "Syrian President X Y" when "Syrian" went unrecognised.
                (name, titled) = (rest.to_vec(), true);
            } else if rest_words == 0 {
                name.clear(); // only titles: "Foreign Minister"
            }
        }
        let words = count_words(&name);
        let ok = (1..=6).contains(&words) && (titled || words >= 2);
        if ok {
            let (s, e) = (toks[name[0]].start, toks[name[name.len() - 1]].end);
            let mut actor = strip_possessive(&sentence[s..e]).to_string();
            // "Hay’at Tahrir al-Sham (HTS)"
            if toks.get(next).is_some_and(|t| text(t) == "(")
                && toks.get(next + 2).is_some_and(|t| text(t) == ")")
                && toks.get(next + 1).is_some_and(|t| t.kind == TokKind::Word && is_acronym(text(t)))
            {
                actor = format!("{actor} ({})", text(&toks[next + 1]));
                used_parens.push(next + 1);
            }
            found.push((s, actor));
        }
        i = next.max(i + 1);
    }

    // Acronyms: in parentheses, or introduced so elsewhere in the document.
    for (idx, t) in toks.iter().enumerate() {
        if t.kind != TokKind::Word || blocked(t) || used_parens.contains(&idx) {
            continue;
        }
        let w = strip_possessive(text(t));
        if !is_acronym(w) || NEWS_AGENCIES.contains(&w) {
            continue;
        }
        let in_parens = idx > 0 && text(&toks[idx - 1]) == "(" && toks.get(idx + 1).is_some_and(|n| text(n) == ")");
        let after_place = idx >= 2 && blocked(&toks[idx - 2]);
        if (in_parens && !after_place) || known_acronyms.iter().any(|a| a == w) {
            found.push((t.start, w.to_string()));
        }
    }

    // Place or demonym + group noun.
    for m in mentions.iter().filter(|m| m.mention_type != MentionType::Embedded) {
        let Some(j) = toks.iter().position(|t| t.start >= m.end) else { continue };
        let lower_word = |x: usize| {
            toks.get(x).filter(|t| t.kind == TokKind::Word && text(t).starts_with(char::is_lowercase)).map(&text)
        };
        let end = match (lower_word(j), lower_word(j + 1)) {
            (Some(w), _) if GROUPS.contains(&w) => Some(toks[j].end),
            (Some(w), Some(g)) if !NOT_MODIFIERS.contains(&w) && GROUPS.contains(&g) => Some(toks[j + 1].end),
            _ => None,
        };
        if let Some(e) = end {
            found.push((m.start, sentence[m.start..e].to_string()));
        }
    }

    found.sort_by_key(|(s, _)| *s);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mentions given as (text, mention type), located by search.
    fn spans(s: &str, mentions: &[(&str, &str)]) -> Vec<MentionSpan> {
        mentions
            .iter()
            .map(|(m, ty)| {
                let start = s.find(m).expect("mention in sentence");
                let mention_type =
                    serde_json::from_value(serde_json::Value::String((*ty).to_string())).expect("a mention type");
                MentionSpan { start, end: start + m.len(), mention_type }
            })
            .collect()
    }

    fn actors(s: &str, mentions: &[(&str, &str)], known: &[&str]) -> Vec<String> {
        let known: Vec<String> = known.iter().map(std::string::ToString::to_string).collect();
        sentence_actors(s, &spans(s, mentions), &known)
    }

    #[test]
    fn titled_people_keep_the_name() {
        let s =
            "Iraqi Prime Minister Mohammed Shia’ al-Sudani on Saturday talked with Syrian President Bashar al-Assad.";
        assert_eq!(
            actors(s, &[("Iraqi", "demonym"), ("Syrian", "demonym")], &[]),
            ["Mohammed Shia’ al-Sudani", "Bashar al-Assad"]
        );
        let s = "Araghchi discussed Syria with Turkey’s Foreign Minister Hakan Fidan and President Erdogan.";
        assert_eq!(actors(s, &[("Syria", "place"), ("Turkey", "place")], &[]), ["Hakan Fidan", "Erdogan"]);
        let s = "He met Secretary of State Antony Blinken and Dr. Jane Smith.";
        assert_eq!(actors(s, &[], &[]), ["Antony Blinken", "Jane Smith"]);
        // A demonym the resolver missed, before a title.
        let s = "Sudani talked with Syrian President Bashar al-Assad and Supreme Court Justice Ann Lee.";
        assert_eq!(actors(s, &[], &[]), ["Bashar al-Assad", "Ann Lee"]);
        // A mention inside a name part does not cut the name.
        let s = "Prime Minister Mohammed Shia’ al-Sudani spoke.";
        assert_eq!(actors(s, &[("Sudani", "place")], &[]), ["Mohammed Shia’ al-Sudani"]);
        // Organisations with title words stay whole; titles alone are nothing.
        let s = "The UN General Assembly and the State Department heard the Foreign Minister.";
        assert_eq!(actors(s, &[], &[]), ["UN General Assembly", "State Department"]);
    }

    #[test]
    fn names_acronyms_and_groups() {
        let s = "Rebels led by Hay’at Tahrir al-Sham (HTS) entered Aleppo, the Syrian army said.";
        assert_eq!(
            actors(s, &[("Aleppo", "place"), ("Syrian", "demonym")], &[]),
            ["Hay’at Tahrir al-Sham (HTS)", "Syrian army"]
        );
        let s = "HTS leader Abu Mohammad al-Jolani said they will reach Damascus.";
        assert_eq!(actors(s, &[("Damascus", "place")], &["HTS"]), ["HTS", "Abu Mohammad al-Jolani"]);
        // Unknown capitals are not actors; dateline agencies neither.
        assert_eq!(actors("ERBIL (AFP) - NATO met.", &[("ERBIL", "place")], &[]), Vec::<String>::new());
        let s = "Syrian rebel groups and Iranian foreign ministry spokesperson Esmail Baghaei spoke.";
        assert_eq!(
            actors(s, &[("Syrian", "demonym"), ("Iranian", "demonym")], &[]),
            ["Syrian rebel groups", "Iranian foreign ministry", "Esmail Baghaei"]
        );
        // The same after a place mention (also a demonym the resolver took for a place).
        let s = "Turkey’s army and Syrian state media said so.";
        assert_eq!(
            actors(s, &[("Turkey", "place"), ("Syrian", "place")], &[]),
            ["Turkey’s army", "Syrian state media"]
        );
    }

    #[test]
    fn a_participle_is_not_part_of_a_group() {
        let s = "A missile hit the city, killing four residents.";
        let found: Vec<String> = actor_spans(s, &[], &[]).into_iter().map(|(_, a)| a).collect();
        assert_eq!(found, ["four residents"]);
        let s = "Suspected armed gunmen attacked the village.";
        let found: Vec<String> = actor_spans(s, &[], &[]).into_iter().map(|(_, a)| a).collect();
        assert_eq!(found, ["Suspected armed gunmen"]);
    }

    #[test]
    fn what_is_not_an_actor() {
        // Places, single words, sentence openers, weekdays.
        let s = "Allies of Damascus, Iran and Russia, expressed concern on Saturday.";
        assert!(actors(s, &[("Damascus", "metonym"), ("Iran", "metonym"), ("Russia", "metonym")], &[]).is_empty());
        assert!(actors("The Islamist fighters entered Aleppo on Friday.", &[("Aleppo", "place")], &[]).is_empty());
        assert!(actors("On Saturday Iraq sealed its border.", &[("Iraq", "place")], &[]).is_empty());
        assert!(actors("Araghchi is set to visit Damascus.", &[("Damascus", "place")], &[]).is_empty());
        // An embedded place does not break a name.
        let s = "A report in The Washington Post said so.";
        assert_eq!(actors(s, &[("Washington", "embedded")], &[]), ["The Washington Post"]);
    }

    #[test]
    fn acronyms_of_a_document() {
        let text = "Hay’at Tahrir al-Sham (HTS) and the UN. BEIRUT (AFP) and (Reuters) and (SDF’s).";
        assert_eq!(document_acronyms(text), ["HTS"]);
    }
}
