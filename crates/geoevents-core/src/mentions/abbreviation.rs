//! Where a name written as an abbreviation ends: "Ky.", "W.Va.", "Kan."
//! and "U.S." keep their period, which belongs to the abbreviation (also at
//! the end of a sentence, where one period does both jobs); a full name
//! ("Kansas.") never takes the period that ends its sentence.

use super::find::NameMatch;
use crate::gazetteer::{Kind, NameKind, Posting, Store};
use crate::text::tokens::{Shape, Tokens};

/// Longest abbreviation checked, in letters ("Calif", "Tenn").
const MAX_LETTERS: usize = 6;

/// True when `written` (lower-case letters) abbreviates `name`: shorter,
/// same first letter, its letters appear in `name` in order ("ky" in
/// "kentucky", "wva" in "west virginia"), and it is not one of the name's
/// words ("Moscow" in "Moscow Oblast" is the word, not an abbreviation).
pub fn abbreviates(written: &str, name: &str) -> bool {
    let lower = name.to_lowercase();
    if lower.split(|c: char| !c.is_alphabetic()).any(|w| w == written) {
        return false;
    }
    let name: Vec<char> = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let mut letters = written.chars();
    if letters.clone().next() != name.first().copied() || written.chars().count() >= name.len() {
        return false;
    }
    let mut rest = name.iter();
    letters.all(|c| rest.any(|n| *n == c))
}

/// The byte end of the mention of `m`: the end of its last word, or one past
/// the period after it when the period belongs to an abbreviation.
pub fn end_with_period(store: &Store, toks: &Tokens, text: &str, m: &NameMatch) -> usize {
    let t = &toks.tokens;
    let last = t[m.last - 1];
    let end = last.end;
    if text.as_bytes().get(end) != Some(&b'.') || last.possessive {
        return end;
    }
    // "U.S.", "D.C.": dotted single letters.
    if last.end - last.start == 1 && m.last - m.first > 1 {
        return end + 1;
    }
    let written: String =
        text[t[m.first].start..end].chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase).collect();
    // Capitals ("US", "UK") are abbreviations without periods.
    if written.chars().count() > MAX_LETTERS || last.shape != Shape::Capitalized {
        return end;
    }
    // The written form must abbreviate the main name of a place it is an
    // alternate name of: of a state or country ("Kan." for Kansas, though
    // some village is called Kan), or of any place when no place has it as
    // its own name ("Kent." is Kent).
    let mut postings: Vec<Posting> = Vec::new();
    store.postings_of(m.value, &mut postings);
    let own_name = postings.iter().any(|p| p.name_kind == NameKind::Main);
    let abbreviated = |p: &Posting| {
        let place = store.place(p.record);
        p.name_kind != NameKind::Main
            && (!own_name || matches!(place.kind, Kind::Admin1 | Kind::Country))
            && abbreviates(&written, place.name)
    };
    if postings.iter().any(abbreviated) {
        end + 1
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_ordered_letters_of_the_name() {
        assert!(abbreviates("ky", "Kentucky"));
        assert!(abbreviates("wva", "West Virginia"));
        assert!(abbreviates("kan", "Kansas"));
        assert!(abbreviates("calif", "California"));
        assert!(!abbreviates("paris", "Paris"), "the whole name is no abbreviation");
        assert!(!abbreviates("yk", "Kentucky"), "the first letter must agree");
        assert!(!abbreviates("kz", "Kentucky"));
        assert!(!abbreviates("moscow", "Moscow Oblast"), "a word of the name is no abbreviation");
    }
}
