//! What the text says a name is: copular statements ("Troy is a city in
//! Rensselaer County"), appositions ("Afrin, a town near the border") and
//! type words before the name ("the city of Troy", "Town of Hope"). Such a
//! statement makes a name a place whatever else it could be (a person, a
//! common word), says which sort of place it is, and points at the places
//! named after it in the same sentence, which contain it or lie near it.

use super::lexicon::is_person_title;
use crate::text::tokens::{Shape, Tokens};

/// The sort of place a statement names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceNoun {
    /// city, town, village, borough, community, municipality, suburb, ...
    Settlement,
    /// A national or regional capital, a county seat.
    Capital,
    /// county, district, parish (second-level divisions).
    SecondLevel,
    /// state, province, governorate, oblast, ...
    FirstLevel,
    /// region, area: an area of some level.
    Area,
    /// country, nation, kingdom, republic.
    Country,
    /// river, lake, mountain, island, sea, ...
    Physical,
    /// "X is located in Y", "X lies on": a place of unknown sort.
    Located,
}

/// A statement about the name at a mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The sort of place the statement says the name is.
    pub noun: PlaceNoun,
    /// Byte offset where the statement's description starts (after "is"):
    /// the places named from there to the end of the sentence are related
    /// to the name ("a Roanoke, Virginia neighborhood", "a town in Ohio").
    pub words_start: usize,
    /// Byte offset where the description's place noun ends.
    pub words_end: usize,
}

/// The sort of place a (folded) noun names, if it names one.
pub fn place_noun(word: &str) -> Option<PlaceNoun> {
    Some(match word {
        "city" | "cities" | "town" | "towns" | "village" | "villages" | "hamlet" | "borough" | "township"
        | "community" | "communities" | "municipality" | "municipalities" | "suburb" | "neighbourhood"
        | "neighborhood" | "locality" | "settlement" | "commune" | "place" | "port" | "metropolis" | "resort"
        | "enclave" | "kibbutz" | "moshav" | "oasis" | "cdp" | "comune" | "gemeinde" | "barangay" | "quarter"
        | "parish" | "ward" => PlaceNoun::Settlement,
        "capital" | "seat" => PlaceNoun::Capital,
        "county" | "counties" | "district" | "districts" | "raion" | "arrondissement" => PlaceNoun::SecondLevel,
        "state" | "states" | "province" | "provinces" | "governorate" | "oblast" | "prefecture" | "canton"
        | "emirate" | "territory" | "krai" | "voivodeship" => PlaceNoun::FirstLevel,
        "region" | "area" | "department" | "unit" | "units" | "subdivision" => PlaceNoun::Area,
        "country" | "nation" | "kingdom" | "republic" | "sultanate" | "principality" => PlaceNoun::Country,
        "river" | "lake" | "mountain" | "mountains" | "island" | "islands" | "sea" | "bay" | "peninsula" | "valley"
        | "desert" | "volcano" | "archipelago" | "gulf" | "ocean" | "creek" | "stream" | "plateau" | "range" => {
            PlaceNoun::Physical
        }
        _ => return None,
    })
}

fn is_copula(w: &str) -> bool {
    matches!(w, "is" | "was" | "are" | "were" | "remains" | "remained" | "became" | "becomes")
}

fn is_adverb(w: &str) -> bool {
    matches!(
        w,
        "also"
            | "now"
            | "still"
            | "officially"
            | "currently"
            | "today"
            | "formerly"
            | "historically"
            | "once"
            | "mainly"
    )
}

fn is_located(w: &str) -> bool {
    matches!(w, "located" | "situated" | "lies" | "lying" | "sits" | "nestled")
}

/// Words that end the description before any place noun came ("a man who",
/// "the son of", "the epidemic has affected four villages"): the statement
/// is about something else.
fn ends_description(w: &str) -> bool {
    matches!(
        w,
        "of" | "in"
            | "on"
            | "for"
            | "with"
            | "who"
            | "which"
            | "that"
            | "whose"
            | "by"
            | "to"
            | "at"
            | "from"
            | "has"
            | "have"
            | "had"
            | "is"
            | "was"
            | "are"
            | "were"
            | "will"
            | "would"
            | "said"
            | "says"
    )
}

/// Most words between the article and the place noun ("a home rule-class
/// city", "a small unincorporated community").
const MAX_DESCRIPTION_WORDS: usize = 7;
/// A parenthesis right after the name is skipped up to this many bytes
/// ("Haicheng (Chinese: ...; pinyin: ...) is a county-level city").
const MAX_PARENTHESIS_BYTES: usize = 400;

/// The byte just past the parenthesis that opens at `open`, if it closes soon.
fn skip_parenthesis(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        if i > MAX_PARENTHESIS_BYTES {
            return None;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i + 1);
                }
            }
            '\n' => return None,
            _ => {}
        }
    }
    None
}

/// Skips what may stand between a name and its statement: parentheses
/// ("(Chinese: 海城)"), pronunciations between slashes ("/ˈtrɔɪ/") and an
/// alias clause between commas (", also known as X,"). Returns the byte
/// offset after them and the index of the first token there.
fn skip_asides(toks: &Tokens, text: &str, mut pos: usize, mut i: usize) -> Option<(usize, usize)> {
    let t = &toks.tokens;
    for _ in 0..4 {
        let gap = text[pos..t.get(i)?.start].trim_start();
        let skipped = if gap.starts_with('(') || gap.starts_with('[') {
            let open = pos + text[pos..].find(['(', '['])?;
            skip_parenthesis(text, open)?
        } else if gap.starts_with('/') {
            let open = pos + text[pos..].find('/')?;
            let close = text[open + 1..].find('/').filter(|&n| n < MAX_PARENTHESIS_BYTES)?;
            open + 1 + close + 1
        } else if gap.starts_with(',') && t.get(i).is_some_and(|w| is_alias_word(toks.key(w))) {
            let comma = pos + text[pos..].find(',')?;
            let next = text[comma + 1..].find([',', '.', ';'])?;
            if next > MAX_PARENTHESIS_BYTES || text.as_bytes()[comma + 1 + next] != b',' {
                return None;
            }
            comma + 1 + next + 1
        } else {
            return Some((pos, i));
        };
        pos = skipped;
        while i < t.len() && t[i].start < pos {
            i += 1;
        }
    }
    Some((pos, i))
}

/// Words that open an alias clause: ", also known as ...", ", officially ...".
fn is_alias_word(w: &str) -> bool {
    matches!(w, "also" | "officially" | "formerly" | "locally" | "historically" | "or" | "known" | "sometimes")
}

/// The statement that follows the name ending before token `next` (and at
/// byte `name_end`): "is a town in ...", ", a village near ...", "(...) is
/// located in ...".
pub fn statement_after(toks: &Tokens, text: &str, name_end: usize, next: usize) -> Option<Statement> {
    let t = &toks.tokens;
    let (pos, mut i) = skip_asides(toks, text, name_end, next)?;
    let gap = text[pos..t.get(i)?.start].trim();
    let apposition = match gap {
        "" => false,
        "," => true,
        _ => return None,
    };
    let key = |i: usize| t.get(i).map(|w| toks.key(w));
    let located = |i: usize| Statement { noun: PlaceNoun::Located, words_start: t[i].end, words_end: t[i].end };
    if !apposition {
        if !key(i).is_some_and(is_copula) {
            // "X lies on the Tigris", "X, located in ..."
            return key(i).filter(|w| is_located(w)).map(|_| located(i));
        }
        i += 1;
    }
    let mut adverbs = 0;
    while key(i).is_some_and(is_adverb) && adverbs < 2 {
        i += 1;
        adverbs += 1;
    }
    if key(i).is_some_and(is_located) {
        return Some(located(i));
    }
    // "Chail is 44 km from Shimla": a distance straight after the verb.
    if !apposition
        && t.get(i).is_some_and(|w| w.shape == Shape::Uncased && toks.key(w).starts_with(|c: char| c.is_ascii_digit()))
    {
        return Some(located(i - 1));
    }
    match key(i)? {
        "a" | "an" | "the" => i += 1,
        // "one of the ..."
        "one" if key(i + 1) == Some("of") && key(i + 2) == Some("the") => i += 3,
        _ => return None,
    }
    let words_start = t[i - 1].end;
    // The last place noun of the description is its head: "a county-level
    // city", "a town and civil parish", "the state capital".
    let start = i;
    let mut found = None;
    while i < t.len() && i - start < MAX_DESCRIPTION_WORDS {
        let w = &t[i];
        // Only spaces, hyphens, commas and slashes between the description's words.
        let gap = text[t[i - 1].end..w.start].trim();
        if i > start && !gap.is_empty() && !matches!(gap, "-" | "," | "/" | "–") {
            break;
        }
        let k = toks.key(w);
        if w.shape == Shape::Lower || k == "cdp" {
            if let Some(noun) = place_noun(k) {
                found = Some(Statement { noun, words_start, words_end: w.end });
            } else if ends_description(k) {
                break;
            }
        } else if is_person_title(k) {
            return None;
        }
        i += 1;
    }
    found
}

/// The sort of place a type word before the name gives it: "the city of X",
/// "Town of X", "the village of X". Token `first` is the name's first word.
pub fn noun_before(toks: &Tokens, first: usize) -> Option<PlaceNoun> {
    let t = &toks.tokens;
    if first < 2 || toks.key(&t[first - 1]) != "of" || !t[first - 1].joins_next || !t[first - 2].joins_next {
        return None;
    }
    // "the district of Karo" names Karo; "the 25th District of Florida" is a
    // district in Florida: area words count in lower case only.
    match place_noun(toks.key(&t[first - 2]))? {
        PlaceNoun::Settlement => Some(PlaceNoun::Settlement),
        n @ (PlaceNoun::SecondLevel | PlaceNoun::FirstLevel) if t[first - 2].shape == Shape::Lower => Some(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokens::tokenize;

    /// The statement after the first occurrence of `name` in `text`.
    fn after(text: &str, name: &str) -> Option<PlaceNoun> {
        let toks = tokenize(text);
        let start = text.find(name).unwrap_or(0);
        let end = start + name.len();
        let next = toks.tokens.iter().position(|w| w.start >= end).unwrap_or(toks.tokens.len());
        statement_after(&toks, text, end, next).map(|s| s.noun)
    }

    #[test]
    fn copular_statements_name_the_sort_of_place() {
        assert_eq!(after("Troy is a city in Rensselaer County.", "Troy"), Some(PlaceNoun::Settlement));
        assert_eq!(after("Hope is a small unincorporated community in Arkansas.", "Hope"), Some(PlaceNoun::Settlement));
        assert_eq!(after("Reading was once a home rule-class city.", "Reading"), Some(PlaceNoun::Settlement));
        assert_eq!(after("Wayne County is a county located in Ohio.", "Wayne County"), Some(PlaceNoun::SecondLevel));
        assert_eq!(after("Salem is the capital of Oregon.", "Salem"), Some(PlaceNoun::Capital));
        assert_eq!(after("Ohio is one of the states of the Midwest.", "Ohio"), Some(PlaceNoun::FirstLevel));
        assert_eq!(after("Newton is located in Harvey County.", "Newton"), Some(PlaceNoun::Located));
    }

    #[test]
    fn parentheses_and_appositions() {
        let text = "Haicheng (Chinese: 海城; literally \"Sea City\") is a county-level city of Liaoning.";
        assert_eq!(after(text, "Haicheng"), Some(PlaceNoun::Settlement));
        let text = "Nevada /nəˈveɪdə/ (locally NevAYda) is a city and county seat of Vernon County.";
        assert_eq!(after(text, "Nevada"), Some(PlaceNoun::Capital));
        let text = "Santa Catalina, also known as the Bowl of the North, is a municipality in Ilocos Sur.";
        assert_eq!(after(text, "Santa Catalina"), Some(PlaceNoun::Settlement));
        assert_eq!(after("They fled Afrin, a Kurdish town near the border.", "Afrin"), Some(PlaceNoun::Settlement));
        assert_eq!(after("Talks in Salem, the state capital, ended.", "Salem"), Some(PlaceNoun::Capital));
    }

    #[test]
    fn other_statements_are_not_about_a_place() {
        assert_eq!(after("Paris is a singer from New York.", "Paris"), None);
        assert_eq!(after("Lincoln was the president of the country.", "Lincoln"), None);
        assert_eq!(after("Jordan is an ally of Egypt.", "Jordan"), None);
        assert_eq!(after("Warren said the town was quiet.", "Warren"), None);
        assert_eq!(after("Mr Reading, a teacher in town, spoke.", "Reading"), None);
    }

    #[test]
    fn type_words_before_the_name() {
        let toks = tokenize("the City of Hope and the village of Newton");
        assert_eq!(noun_before(&toks, 3), Some(PlaceNoun::Settlement));
        assert_eq!(noun_before(&toks, 8), Some(PlaceNoun::Settlement));
        let toks = tokenize("the University of Reading");
        assert_eq!(noun_before(&toks, 3), None);
        let toks = tokenize("the district of Karo and the 25th District of Florida");
        assert_eq!(noun_before(&toks, 3), Some(PlaceNoun::SecondLevel));
        assert_eq!(noun_before(&toks, 9), None);
    }
}
