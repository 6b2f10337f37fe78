//! Finding place names in text. Recognition looks at the words alone: it
//! finds gazetteer names and notes what the surrounding words say about them
//! (a title before a name means a person, "Post" after one means a
//! newspaper). Which place a name means, and whether the evidence is enough,
//! is decided in `resolve`.

pub mod find;
pub mod lexicon;
pub mod unlisted;

use crate::gazetteer::Store;
use crate::text::tokens::{tokenize, Shape, Tokens};
use find::find_names;
use lexicon::*;
use rustc_hash::FxHashSet as HashSet;

/// What the words around a name say about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Cues {
    /// First word of a sentence, heading or quotation: capitals prove nothing.
    pub sentence_start: bool,
    /// Written in capitals (`ERBIL`, `US`).
    pub all_caps: bool,
    /// A single word that is also a lower-case English word ("Reading").
    pub common_word: bool,
    /// A title or given name before it, or a surname after a given name.
    pub person: bool,
    /// Followed by a word that makes it part of an organisation's name.
    pub organisation: bool,
    /// Preceded by capitalised words of a longer name ("Agence France-Presse").
    pub inside_longer_name: bool,
    /// Opens a longer capitalised name ("US Centers for Disease Control").
    pub starts_longer_name: bool,
    /// Followed by a lower-case area word ("Hama province").
    pub area_word_after: bool,
    /// That area word names a second-level division ("county", "district").
    pub second_level_area: bool,
    /// Part of a currency sign: "US$", "$US", "HK$".
    pub currency: bool,
    /// Followed by a word that makes it a disease's name ("West Nile virus").
    pub disease: bool,
    /// A frequent surname, or a word seen earlier in the document as part of a person's name.
    pub surname: bool,
    /// A one-word name followed by "said", "told", ...: a person unless a country or capital.
    pub speaker: bool,
    /// Between slashes, as in the flu strain "A/California/7/2009".
    pub in_code: bool,
    /// After "in", "at", "from", "near": a location, not a speaker or a government.
    pub after_locative: bool,
    /// After "of": "Mark Kitsmore, of Tyler, said" (a place), "allies of Damascus" (a government).
    pub after_of: bool,
    /// Straight after a lower-case article joined by a hyphen ("al-Sudani").
    pub after_article: bool,
    /// Opens the text in capitals and is followed by a comma or dash: a dateline.
    pub dateline: bool,
}

/// A gazetteer name found in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Byte span in the text, end exclusive.
    pub start: usize,
    pub end: usize,
    /// The folded key and its name index value.
    pub key: String,
    pub value: u64,
    pub cues: Cues,
    /// The name continues ", X" with a name found right after (containment: "Bangor, Maine").
    pub followed_by_comma_name: Option<usize>,
    /// Set for a place the gazetteer does not list (`value` is then 0): why it is taken for a place.
    pub unlisted: Option<&'static str>,
}

/// Finds candidate place names in `text` with their cues.
pub fn recognize(store: &Store, text: &str) -> Vec<Mention> {
    let toks = tokenize(text);
    let matches = find_names(store, &toks);
    let person_words = person_name_words(&toks);
    let mut out: Vec<Mention> = Vec::with_capacity(matches.len());
    for m in &matches {
        let cues = cues_for(&toks, text, m.first, m.last, &person_words);
        if m.last - m.first == 1 && is_calendar_word(&m.key) {
            continue;
        }
        let last = toks.tokens[m.last - 1];
        let mut end = last.end;
        // "U.S." and "D.C." keep their final dot.
        if last.end - last.start == 1 && text.as_bytes().get(end) == Some(&b'.') && m.last - m.first > 1 {
            end += 1;
        }
        out.push(Mention {
            start: toks.tokens[m.first].start,
            end,
            key: m.key.clone(),
            value: m.value,
            cues,
            followed_by_comma_name: None,
            unlisted: None,
        });
    }
    for u in unlisted::find_unlisted(&toks, text, &matches) {
        let (first, last) = (toks.tokens[u.first], toks.tokens[u.last - 1]);
        let mut key = String::new();
        crate::text::fold::join_key(
            toks.tokens[u.first..u.last].iter().map(|w| (toks.key(w), w.hyphen_after)),
            &mut key,
        );
        out.push(Mention {
            start: first.start,
            end: last.end,
            key,
            value: 0,
            cues: Cues { sentence_start: first.sentence_start, ..Cues::default() },
            followed_by_comma_name: None,
            unlisted: Some(u.reason),
        });
    }
    out.sort_by_key(|m| m.start);
    // "Bangor, Maine": a name, a comma, and the next name straight after it.
    for k in 0..out.len().saturating_sub(1) {
        let gap = &text[out[k].end..out[k + 1].start];
        if gap.trim() == "," || gap.trim() == "(" {
            out[k].followed_by_comma_name = Some(k + 1);
        }
    }
    out
}

fn is_capitalised(shape: Shape) -> bool {
    matches!(shape, Shape::Capitalized | Shape::AllCaps)
}

fn cues_for(toks: &Tokens, text: &str, first: usize, last: usize, person_words: &HashSet<&str>) -> Cues {
    let t = &toks.tokens;
    let head = t[first];
    let mut cues = Cues {
        sentence_start: head.sentence_start,
        all_caps: head.shape == Shape::AllCaps,
        // "US" in capitals is an abbreviation, not the word "us".
        common_word: last - first == 1 && head.shape != Shape::AllCaps && is_common_word(toks.key(&head)),
        ..Cues::default()
    };
    let prev = (first > 0 && t[first - 1].joins_next).then(|| t[first - 1]);
    let next = (t[last - 1].joins_next && last < t.len()).then(|| t[last]);

    // "Tahrir al-Sham": look through a lower-case article to the word before it.
    let mut prev = prev;
    if let Some(p) = prev {
        if p.shape == Shape::Lower
            && p.hyphen_after
            && matches!(toks.key(&p), "al" | "el" | "ad" | "ar" | "as" | "ash" | "az" | "an" | "at")
        {
            cues.after_article = true;
            prev = (first > 1 && t[first - 2].joins_next).then(|| t[first - 2]);
        }
    }
    if let Some(p) = prev {
        let pk = toks.key(&p);
        if is_person_title(pk) || (is_capitalised(p.shape) && is_given_name(pk) && p.shape != Shape::AllCaps) {
            cues.person = true;
        }
        // A capitalised word before the name makes it part of a longer name,
        // unless that word only has its capital for opening the sentence.
        if is_capitalised(p.shape) && !is_name_connector(pk) && !p.sentence_start {
            cues.inside_longer_name = true;
        }
    }
    let before = text[..head.start].chars().next_back();
    cues.in_code = before == Some('/') && text[t[last - 1].end..].starts_with('/');
    // "the state of Victoria", "the province of Alberta" ask for an area too.
    if first >= 2
        && toks.key(&t[first - 1]) == "of"
        && t[first - 2].shape == Shape::Lower
        && t[first - 2].joins_next
        && t[first - 1].joins_next
    {
        let word = toks.key(&t[first - 2]);
        if is_area_word(word) {
            cues.area_word_after = true;
            cues.second_level_area = is_second_level_area_word(word);
        }
    }
    cues.after_locative = first > 0
        && t[first - 1].joins_next
        && matches!(
            toks.key(&t[first - 1]),
            "in" | "at" | "from" | "near" | "outside" | "across" | "around" | "inside"
        );
    cues.after_of = first > 0 && t[first - 1].joins_next && toks.key(&t[first - 1]) == "of";
    if last - first == 1 && last < t.len() && text[t[last - 1].end..t[last].start].trim().is_empty() {
        cues.speaker = is_speech_verb(toks.key(&t[last]));
    }
    // "Peanut Corporation of America", "University of Texas": after "of" that follows an organisation word.
    if first >= 2
        && toks.key(&t[first - 1]) == "of"
        && t[first - 2].joins_next
        && t[first - 1].joins_next
        && is_organisation_word(toks.key(&t[first - 2]))
        && is_capitalised(t[first - 2].shape)
    {
        cues.organisation = true;
    }
    let after_text = &text[t[last - 1].end..];
    cues.currency = before == Some('$') || after_text.starts_with('$');
    cues.surname = last - first == 1 && is_surname(toks.key(&head));
    if last - first == 1 && person_words.contains(toks.key(&head)) {
        cues.person = true;
    }
    // The word after the name, even across a space that does not join (lower case).
    if last < t.len() && text[t[last - 1].end..t[last].start].trim().is_empty() && is_disease_word(toks.key(&t[last])) {
        cues.disease = true;
    }
    if let Some(n) = next {
        let nk = toks.key(&n);
        if n.shape == Shape::Lower && is_area_word(nk) {
            cues.area_word_after = true;
            cues.second_level_area = is_second_level_area_word(nk);
        } else if is_capitalised(n.shape) {
            if is_organisation_word(nk) {
                cues.organisation = true;
            } else if !is_area_word(nk) {
                cues.starts_longer_name = true;
                // "Jordan Peterson": a given name followed by a surname.
                if last - first == 1 && is_given_name(toks.key(&head)) && head.shape == Shape::Capitalized {
                    cues.person = true;
                }
            }
        }
    }
    if first == 0 || text[..head.start].trim().is_empty() {
        let after = text[t[last - 1].end..].trim_start();
        cues.dateline = head.shape == Shape::AllCaps
            && (after.starts_with(',') || after.starts_with('-') || after.starts_with('—') || after.starts_with('('));
    }
    cues
}

/// Words that the document uses inside people's names: the capitalised words
/// after a title or a given name ("President Bashar al-Assad" gives "bashar"
/// and "assad"). A later "Assad" alone is then the person.
fn person_name_words(toks: &Tokens) -> HashSet<&str> {
    let t = &toks.tokens;
    let mut words = HashSet::default();
    for i in 0..t.len() {
        let k = toks.key(&t[i]);
        let opens = is_person_title(k) || (t[i].shape == Shape::Capitalized && is_given_name(k));
        if !opens {
            continue;
        }
        let mut j = i;
        while j + 1 < t.len() && j - i < 4 && t[j].joins_next {
            let n = t[j + 1];
            let nk = toks.key(&n);
            if n.shape == Shape::Capitalized && !is_person_title(nk) && !is_organisation_word(nk) {
                words.insert(nk);
            } else if !(n.shape == Shape::Lower
                && (t[j].hyphen_after || matches!(nk, "bin" | "ibn" | "de" | "van" | "von" | "da" | "al" | "el")))
            {
                break;
            }
            j += 1;
        }
    }
    words
}
