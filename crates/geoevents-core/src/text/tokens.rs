//! Words of an article with what recognition needs to know about each:
//! byte span, folded form, letter case, whether it opens a sentence, and
//! whether it may join the next word in a multiword name.

use crate::text::fold::{fold_word, for_each_word};

/// The letter case of a word as written: recognition's main cue for a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `Aleppo`
    Capitalized,
    /// `ERBIL`, `US` (two or more letters, all upper case)
    AllCaps,
    /// `province`
    Lower,
    /// Scripts without case (Arabic), and words starting with a digit.
    Uncased,
}

/// One word of a text, as [`tokenize`] finds it.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    /// Byte span in the text (a trailing possessive `'s` is left out).
    pub start: usize,
    /// End of that byte span, exclusive (UTF-8 bytes, on a character boundary).
    pub end: usize,
    /// Span of the folded word in [`Tokens::folded`].
    pub key_start: u32,
    /// End of that span, exclusive (bytes of [`Tokens::folded`]).
    pub key_end: u32,
    /// The word's letter case, ignoring a possessive `'s`.
    pub shape: Shape,
    /// A hyphen joins it directly to the next word (`al-Zour`), see [`WordSpan::hyphen_after`](crate::text::fold::WordSpan::hyphen_after).
    pub hyphen_after: bool,
    /// Only spaces, a hyphen or an abbreviation dot separate it from the next word.
    pub joins_next: bool,
    /// First word of a sentence, a heading or a quotation.
    pub sentence_start: bool,
    /// The word ended in `'s` or `’s` (either case), which `end` leaves out.
    pub possessive: bool,
}

/// The words of a text ([`tokenize`]), with their folded forms in one string.
pub struct Tokens {
    /// The words, in text order.
    pub tokens: Vec<Token>,
    /// Every word's folded form ([`fold_word`]) back to back, no separators;
    /// a token's is `folded[key_start..key_end]`.
    pub folded: String,
}

impl Tokens {
    /// The folded form of `t`, a token of this list (`folded[key_start..key_end]`).
    pub fn key(&self, t: &Token) -> &str {
        &self.folded[t.key_start as usize..t.key_end as usize]
    }
}

fn shape_of(word: &str) -> Shape {
    let mut chars = word.chars();
    let Some(first) = chars.next() else { return Shape::Lower };
    if first.is_lowercase() {
        // "d'Ivoire", "l'Aquila": an elided article before a capital.
        let mut rest = word.chars().skip(1);
        if let (Some(a), Some(c)) = (rest.next(), rest.next()) {
            if matches!(a, '\'' | '’') && c.is_uppercase() {
                return Shape::Capitalized;
            }
        }
        return Shape::Lower;
    }
    if !first.is_uppercase() {
        return Shape::Uncased;
    }
    let mut letters = 1;
    let mut all_upper = true;
    for c in chars {
        if c.is_alphabetic() {
            letters += 1;
            if c.is_lowercase() {
                all_upper = false;
                break;
            }
        }
    }
    if all_upper && letters >= 2 {
        Shape::AllCaps
    } else {
        Shape::Capitalized
    }
}

/// Whether the text between two words lets them form one name.
fn gap_joins(prev_word: &str, gap: &str) -> bool {
    match gap {
        " " | "-" | "\u{2010}" | "\u{2011}" => true,
        // "Shia' al-Sudani": a transliteration mark ending a word.
        "' " | "’ " => true,
        "." | ". " => prev_word.chars().count() == 1 || matches!(prev_word, "St" | "Mt" | "Ft" | "Ste"),
        _ => gap.len() <= 3 && gap.chars().all(|c| c == ' ' || c == '\u{a0}' || c == '\t'),
    }
}

/// True when the text just before `start` ends a sentence or opens a
/// quotation, heading or list item.
fn opens_sentence(text: &str, start: usize) -> bool {
    for c in text[..start].chars().rev() {
        match c {
            ' ' | '\t' | '\u{a0}' => continue,
            '.' | '!' | '?' | ':' | ';' | '\n' | '"' | '“' | '”' | '(' | '[' | '•' | '*' | '-' | '–' | '—' | '|'
            | '\'' | '‘' => return true,
            _ => return false,
        }
    }
    true
}

/// Splits `text` into tokens.
pub fn tokenize(text: &str) -> Tokens {
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 6);
    let mut folded = String::with_capacity(text.len());
    for_each_word(text, |w| {
        let mut end = w.end;
        let raw = &text[w.start..w.end];
        let mut possessive = false;
        for suffix in ["'s", "’s", "'S", "’S"] {
            if raw.len() > suffix.len() + 1 && raw.ends_with(suffix) {
                end -= suffix.len();
                possessive = true;
                break;
            }
        }
        let word = &text[w.start..end];
        let key_start = folded.len() as u32;
        fold_word(word, &mut folded);
        let key_end = folded.len() as u32;
        tokens.push(Token {
            start: w.start,
            end,
            key_start,
            key_end,
            shape: shape_of(word),
            hyphen_after: w.hyphen_after,
            joins_next: false,
            sentence_start: false,
            possessive,
        });
    });
    let n = tokens.len();
    for i in 0..n {
        let t = tokens[i];
        tokens[i].sentence_start = i == 0 || opens_sentence(text, t.start);
        if i + 1 < n {
            let gap = &text[w_end(&t, text)..tokens[i + 1].start];
            tokens[i].joins_next = gap_joins(&text[t.start..t.end], gap);
        }
    }
    Tokens { tokens, folded }
}

/// The end of a token's raw word including a possessive ending, so the gap
/// to the next word is measured from the real word end.
fn w_end(t: &Token, text: &str) -> usize {
    if t.possessive {
        let rest = &text[t.end..];
        t.end + rest.chars().take(2).map(char::len_utf8).sum::<usize>()
    } else {
        t.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_joins() {
        let text = "ERBIL, Kurdistan Region - Syria’s largest city. U.S. troops in Deir ez-Zor.";
        let t = tokenize(text);
        let words: Vec<(&str, Shape, bool, bool)> =
            t.tokens.iter().map(|k| (&text[k.start..k.end], k.shape, k.joins_next, k.sentence_start)).collect();
        assert_eq!(words[0], ("ERBIL", Shape::AllCaps, false, true));
        assert_eq!(words[1], ("Kurdistan", Shape::Capitalized, true, false));
        assert_eq!(words[3], ("Syria", Shape::Capitalized, true, true)); // "People's Republic" may join
        assert!(t.tokens[3].possessive);
        assert_eq!(words[6], ("U", Shape::Capitalized, true, true));
        assert_eq!(words[10], ("Deir", Shape::Capitalized, true, false));
        assert_eq!(words[11], ("ez", Shape::Lower, true, false));
        assert_eq!(t.key(&t.tokens[3]), "syria");
    }
}
