//! Finding place names in text. Recognition looks at the words alone: it
//! finds gazetteer names and notes what the surrounding words say about them
//! (a title before a name means a person, "Post" after one means a
//! newspaper). Which place a name means, and whether the evidence is enough,
//! is decided in `resolve`.

pub mod abbreviation;
pub mod distance;
pub mod find;
pub mod lexicon;
pub mod statements;
pub mod unlisted;

use crate::gazetteer::Store;
use crate::text::sentences::split_sentences;
use crate::text::tokens::{tokenize, Shape, Tokens};
use find::find_names;
use lexicon::*;
use rustc_hash::FxHashSet as HashSet;
pub use statements::{PlaceNoun, Statement};

/// What the words around a name say about it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Cues {
    /// First word of a sentence, heading or quotation: capitals prove nothing.
    pub sentence_start: bool,
    /// Written in capitals (`ERBIL`, `US`).
    pub all_caps: bool,
    /// A single word that is also a lower-case English word ("Reading").
    pub common_word: bool,
    /// A title or given name before it, or a surname after it ("Paris Hilton").
    pub person: bool,
    /// Used elsewhere in the document as part of a person's name ("President
    /// Warren", then "Warren"): weaker than [`Cues::person`], a statement overrules it.
    pub person_elsewhere: bool,
    /// Followed by a surname, or by a word and a verb of speech ("Paris
    /// Hilton", "Lincoln Chafee said"): a person unless a country or a demonym.
    pub surname_after: bool,
    /// A type word before it: "the city of X", "Town of X".
    pub noun_before: Option<PlaceNoun>,
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
    /// After "very", "so", "too", ...: an adjective ("a very Nice day").
    pub after_intensifier: bool,
    /// Straight after a lower-case article joined by a hyphen ("al-Sudani").
    pub after_article: bool,
    /// Opens the text in capitals and is followed by a comma or dash: a dateline.
    pub dateline: bool,
    /// Words of flying in its sentence ("airport", "flight", "landed"): only
    /// there may a code in capitals ("LHR", "EGLL") mean an airport.
    pub aviation: bool,
}

/// A gazetteer name found in the text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// Byte span in the text, end exclusive.
    pub start: usize,
    /// Byte offset after the name in the text (exclusive).
    pub end: usize,
    /// The folded key and its name index value.
    pub key: String,
    /// The name index value for `key` (decode with `Store::postings_of`); 0 for an unlisted place.
    pub value: u64,
    /// What the words around the name say about it.
    pub cues: Cues,
    /// The name continues ", X" with a name found right after (containment: "Bangor, Maine").
    pub followed_by_comma_name: Option<usize>,
    /// Followed by ",", "and" or "or" and another name: an item of a list
    /// ("Miami, West Palm Beach, New York and Detroit").
    pub list_continues: bool,
    /// What the text says the name is ("is a town in", ", a village near").
    pub statement: Option<Statement>,
    /// The mentions after the statement in the same sentence (indices into
    /// the mention list): the places that contain the name or lie near it.
    pub related: Vec<usize>,
    /// Mentions the text puts this place a distance from, in km ("44 km from Shimla").
    pub near: Vec<(usize, f64)>,
    /// Index of the sentence (see [`split_sentences`]) and of the paragraph
    /// (text between line breaks) the mention is in.
    pub sentence: u32,
    /// Index of the paragraph, 0-based: the number of line breaks (`\n`) in the text before the mention.
    pub paragraph: u32,
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
        if m.last - m.first == 1 && is_calendar_word(&m.key) {
            continue;
        }
        let mut cues = cues_for(&toks, text, m.first, m.last, &person_words);
        let mut end = abbreviation::end_with_period(store, &toks, text, m);
        let mut next = m.last;
        // "Wayne County" where the gazetteer lists no county of that name:
        // the type word belongs to the name and asks for that sort of area.
        if let Some(area) = capitalised_area_word(&toks, text, m.last).filter(|_| names_a_place(store, m.value)) {
            end = toks.tokens[area].end;
            next = area + 1;
            cues.area_word_after = true;
            cues.second_level_area = is_second_level_area_word(toks.key(&toks.tokens[area]));
            cues.starts_longer_name = false;
            cues.person = false;
        }
        out.push(Mention {
            start: toks.tokens[m.first].start,
            end,
            key: m.key.clone(),
            value: m.value,
            cues,
            followed_by_comma_name: None,
            list_continues: false,
            statement: if is_pronoun(&m.key) { None } else { statements::statement_after(&toks, text, end, next) },
            related: Vec::new(),
            near: Vec::new(),
            sentence: 0,
            paragraph: 0,
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
            list_continues: false,
            statement: statements::statement_after(&toks, text, last.end, u.last),
            related: Vec::new(),
            near: Vec::new(),
            sentence: 0,
            paragraph: 0,
            unlisted: Some(u.reason),
        });
    }
    let anaphoric = anaphoric_statements(&toks, text);
    out.sort_by_key(|m| m.start);
    // A name that took its area word ("Santa Ana Canton") covers a name found in that word.
    let mut covered_to = 0;
    out.retain(|m| {
        let keep = m.start >= covered_to;
        if keep {
            covered_to = m.end;
        }
        keep
    });
    link_mentions(text, &mut out, &anaphoric);
    out
}

/// Statements whose subject is "It" or "The town" at the start of a
/// sentence ("It is located in Vojvodina province"): they describe the
/// place the text last described. Returns (byte offset of the subject, statement).
fn anaphoric_statements(toks: &Tokens, text: &str) -> Vec<(usize, Statement)> {
    let t = &toks.tokens;
    let mut out = Vec::new();
    for i in 0..t.len() {
        if !t[i].sentence_start || t[i].shape != Shape::Capitalized {
            continue;
        }
        let noun_follows =
            t.get(i + 1).is_some_and(|n| n.shape == Shape::Lower && statements::place_noun(toks.key(n)).is_some());
        let subject_end = match toks.key(&t[i]) {
            "it" => i + 1,
            "the" if noun_follows => i + 2,
            _ => continue,
        };
        if let Some(st) = statements::statement_after(toks, text, t[subject_end - 1].end, subject_end) {
            out.push((t[i].start, st));
        }
    }
    out
}

/// Whether a name index value leads to some place under a name that is not
/// a demonym ("Indian State of Sikkim" is no state called Indian).
fn names_a_place(store: &Store, value: u64) -> bool {
    let mut postings = Vec::new();
    store.postings_of(value, &mut postings);
    postings.iter().any(|p| p.name_kind != crate::gazetteer::NameKind::Demonym)
}

/// Sentences back that an "It is ..." statement may refer to.
const ANAPHORA_SENTENCES: u32 = 3;

/// Fills in what ties mentions together: the sentence and paragraph of
/// each, "Bangor, Maine" pairs, and the places a statement points at.
fn link_mentions(text: &str, out: &mut [Mention], anaphoric: &[(usize, Statement)]) {
    let sentences = split_sentences(text);
    let mut s = 0;
    let mut paragraph = 0u32;
    let mut scanned = 0usize;
    for m in out.iter_mut() {
        while s + 1 < sentences.len() && sentences[s].end <= m.start {
            s += 1;
        }
        paragraph += text[scanned..m.start].matches('\n').count() as u32;
        scanned = m.start;
        m.sentence = s as u32;
        m.paragraph = paragraph;
    }
    // "Bangor, Maine": a name, a comma, and the next name straight after it.
    for k in 0..out.len().saturating_sub(1) {
        let gap = &text[out[k].end..out[k + 1].start];
        let gap = gap.trim();
        if gap == "," || gap == "(" {
            out[k].followed_by_comma_name = Some(k + 1);
        }
        out[k].list_continues = matches!(gap, "," | "and" | "or" | ", and" | ", or" | "&");
    }
    for k in 0..out.len() {
        let Some(st) = out[k].statement.clone() else { continue };
        (out[k].related, out[k].near) = related(text, out, k + 1, &st, out[k].sentence);
    }
    for (subject, st) in anaphoric {
        let first_after = out.partition_point(|m| m.start < *subject);
        let sentence = sentences.partition_point(|s| s.end <= *subject) as u32;
        // The place last described, a few sentences back at most.
        let Some(k) = (0..first_after)
            .rev()
            .take_while(|&k| out[k].sentence + ANAPHORA_SENTENCES >= sentence)
            .find(|&k| out[k].statement.is_some() || out[k].cues.noun_before.is_some())
        else {
            continue;
        };
        let (more, near) = related(text, out, first_after, st, sentence);
        out[k].related.extend(more);
        out[k].near.extend(near);
    }
}

/// The places a statement relates its name to: the chain of names inside
/// its description ("a Roanoke, Virginia neighborhood") and the chain right
/// after it ("a town in Butler County, Ohio, United States"), in sentence
/// `sentence`, looking from mention `from` on. A chain goes on over commas
/// and words like "in", "of the", "province" and stops at any other word:
/// in "a city in Heilongjiang, bordering Russia" Russia is no container.
fn related(text: &str, out: &[Mention], from: usize, st: &Statement, sentence: u32) -> (Vec<usize>, Vec<(usize, f64)>) {
    let in_sentence = |j: usize| j < out.len() && out[j].sentence == sentence;
    let mut near = Vec::new();
    let chain = |first: usize, near: &mut Vec<(usize, f64)>| -> Vec<usize> {
        let mut chain = vec![first];
        let mut j = first;
        while in_sentence(j + 1) {
            let gap = &text[out[j].end..out[j + 1].start];
            if links_containers(gap) {
                j += 1;
                chain.push(j);
            } else {
                // ", 74 miles (119 km) west of Houston" ends the chain with a distance.
                if let Some(km) = distance::distance_km(gap) {
                    near.push((j + 1, km));
                }
                break;
            }
        }
        chain
    };
    let mut found = Vec::new();
    let inside = (from..out.len()).take_while(|&j| in_sentence(j)).find(|&j| out[j].start >= st.words_start);
    if let Some(j) = inside.filter(|&j| out[j].start < st.words_end) {
        found.extend(chain(j, &mut near).into_iter().filter(|&j| out[j].start < st.words_end));
    }
    // The chain after the description starts right after its noun: "a town
    // in Carroll County", not "a railroad town in 1875 when the Maine ...";
    // or it starts with a distance: "a settlement 10 km east of Stratford, New Zealand".
    let after = (from..out.len()).take_while(|&j| in_sentence(j)).find(|&j| out[j].start >= st.words_end);
    if let Some(j) = after {
        let gap = &text[st.words_end..out[j].start];
        if opens_containers(gap) {
            found.extend(chain(j, &mut near));
        } else if let Some(km) = distance::distance_km(gap) {
            near.push((j, km));
            found.extend(chain(j, &mut near).into_iter().skip(1));
        }
    }
    (found, near)
}

/// Whether the text between a statement's noun and the next name may lead
/// to its containers: "(CDP) in", "located in the heart of"; not "in 1875
/// when the", "named after", "bordering".
fn opens_containers(gap: &str) -> bool {
    gap.len() <= 80
        && !gap.contains(['.', ';', ':'])
        && !gap.chars().any(|c| c.is_ascii_digit())
        && gap.split(|c: char| !c.is_alphanumeric()).all(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "when"
                    | "where"
                    | "which"
                    | "who"
                    | "that"
                    | "after"
                    | "before"
                    | "named"
                    | "since"
                    | "because"
                    | "but"
                    | "with"
                    | "bordering"
                    | "across"
                    | "from"
                    | "for"
                    | "by"
                    | "like"
                    | "than"
            )
        })
}

/// Whether the text between two names keeps them in one chain of
/// containers: punctuation and words such as "in", "of the", "county of".
fn links_containers(gap: &str) -> bool {
    gap.len() <= 60
        && !gap.contains(['.', ';', ':'])
        && gap.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).all(|w| {
            let w = w.to_lowercase();
            matches!(
                w.as_str(),
                "in" | "of"
                    | "the"
                    | "within"
                    | "and"
                    | "u"
                    | "s"
                    | "on"
                    | "at"
                    | "coast"
                    | "shore"
                    | "bank"
                    | "banks"
                    | "side"
                    | "part"
                    | "portion"
                    | "edge"
                    | "outskirts"
                    | "heart"
                    | "shire"
                    | "located"
                    | "situated"
                    | "lying"
                    | "near"
                    | "just"
                    | "administratively"
            ) || is_area_word(&w)
                || statements::place_noun(&w).is_some()
                || is_compass_word(&w)
        })
}

/// Lower-case words of direction inside a chain of containers ("in
/// northwestern Butler County", "in southeastern Texas").
fn is_compass_word(w: &str) -> bool {
    let w = w.strip_suffix("ern").unwrap_or(w);
    matches!(
        w,
        "north" | "south" | "east" | "west" | "northeast" | "northwest" | "southeast" | "southwest" | "central" | "mid"
    ) || matches!(w, "upper" | "lower" | "far" | "extreme" | "eastern" | "western" | "southern" | "northern")
}

/// The token after a name when it is a capitalised area word that makes
/// one name with it ("Wayne County", "Kidal Region", "Borno State"), and
/// the name goes no further ("Walker County Sheriff's Office" is an office).
fn capitalised_area_word(toks: &Tokens, text: &str, next: usize) -> Option<usize> {
    let t = toks.tokens.get(next)?;
    let joined = next > 0 && toks.tokens[next - 1].joins_next && text[toks.tokens[next - 1].end..t.start] == *" ";
    let longer = t.joins_next
        && toks
            .tokens
            .get(next + 1)
            .is_some_and(|n| matches!(n.shape, Shape::Capitalized | Shape::AllCaps) || toks.key(n) == "of");
    (joined && !longer && t.shape == Shape::Capitalized && is_area_word(toks.key(t))).then_some(next)
}

/// Most words looked at on each side of a name for words of flying.
const AVIATION_REACH: usize = 40;

/// Whether the sentence of tokens `[first, last)` speaks of flying: a word
/// such as "airport", "flight" or "landed" within [`AVIATION_REACH`] words.
fn aviation_in_sentence(toks: &Tokens, first: usize, last: usize) -> bool {
    let t = &toks.tokens;
    let mut lo = first;
    while lo > 0 && !t[lo].sentence_start && first - lo < AVIATION_REACH {
        lo -= 1;
    }
    let mut hi = last;
    while hi < t.len() && !t[hi].sentence_start && hi - last < AVIATION_REACH {
        hi += 1;
    }
    t[lo..hi].iter().any(|w| is_aviation_word(toks.key(w)))
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
        // "Tehrik-i-Taliban Pakistan": a word after a hyphen opens nothing.
        let opens = p.sentence_start && !(first >= 2 && t[first - 2].hyphen_after);
        if is_capitalised(p.shape) && !is_name_connector(pk) && !opens {
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
    // "a very Nice day": after an intensifier a common word is the adjective.
    cues.after_intensifier = first > 0 && t[first - 1].joins_next && is_intensifier(toks.key(&t[first - 1]));
    if last - first == 1 && last < t.len() && text[t[last - 1].end..t[last].start].trim().is_empty() {
        cues.speaker = is_speech_verb(toks.key(&t[last]));
    }
    cues.noun_before = statements::noun_before(toks, first);
    cues.aviation = aviation_in_sentence(toks, first, last);
    // "Peanut Corporation of America", "University of Texas": after "of" that
    // follows an organisation word; "City of Hope" is the place.
    if first >= 2
        && toks.key(&t[first - 1]) == "of"
        && t[first - 2].joins_next
        && t[first - 1].joins_next
        && is_organisation_word(toks.key(&t[first - 2]))
        && is_capitalised(t[first - 2].shape)
        && cues.noun_before.is_none()
    {
        cues.organisation = true;
    }
    let after_text = &text[t[last - 1].end..];
    cues.currency = before == Some('$') || after_text.starts_with('$');
    cues.surname = last - first == 1 && is_surname(toks.key(&head));
    if last - first == 1 && person_words.contains(toks.key(&head)) {
        cues.person_elsewhere = true;
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
                // "Jordan Peterson": a given name followed by a surname;
                // "Paris Hilton", "Lincoln Chafee said": a name followed by a
                // surname, or by a word and a verb of speech.
                let speaks = last + 1 < t.len() && n.joins_next && is_speech_verb(toks.key(&t[last + 1]));
                if last - first == 1 && head.shape == Shape::Capitalized {
                    if is_given_name(toks.key(&head)) {
                        cues.person = true;
                    } else if n.shape == Shape::Capitalized && (is_surname(nk) || speaks) {
                        cues.surname_after = true;
                    }
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

#[cfg(test)]
mod tests;
