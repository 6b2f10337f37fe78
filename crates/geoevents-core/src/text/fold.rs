//! The one name normalisation of geoevents.
//!
//! Index building (the gazetteer, at compile time in `build.rs` and in
//! `gazetteer import`) and lookup (geocoding a name, scanning article text)
//! both call this module, so a name and its mention in text always fold to
//! the same key. This file is also compiled into `build.rs`: it may only use
//! `std`, `unicode_normalization` and `any_ascii`.
//!
//! Folding, in order:
//! 1. Unicode NFKC (Arabic presentation forms become ordinary letters).
//! 2. Lower case; combining marks dropped.
//! 3. Latin letters with diacritics become ASCII (`Türkiye` -> `turkiye`).
//! 4. Apostrophes and transliteration marks (`'`, `’`, `ʿ`, `ʾ`) vanish:
//!    `Hay'at` -> `hayat`.
//! 5. Arabic script: vowel marks and tatweel dropped, alef/yeh/kaf/teh marbuta
//!    variants unified, the article `ال` dropped from the word start.
//! 6. Everything else that is not a letter or digit separates words.
//! 7. Transliterated Arabic articles are dropped (see [`is_dropped_article`]):
//!    `Deir ez-Zor` -> `deir zor`, `Ar-Raqqah` -> `raqqa`, `Dayr az Zawr` -> `dayr zawr`.
//! 8. A word-final `ah` becomes `a` (`Raqqah` = `Raqqa`, `Hamah` = `Hama`);
//!    `saint` becomes `st`.

use unicode_normalization::UnicodeNormalization;

/// A word of a text: a byte span `[start, end)` in the text, and whether a
/// hyphen joins it to the next word (`al-Zour`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSpan {
    /// Byte offset of the word's first character (a letter, digit or mark, never an apostrophe).
    pub start: usize,
    /// Byte offset just past its last character, exclusive; a trailing apostrophe is left out.
    pub end: usize,
    /// A hyphen or dash (`-`, `‐`, `‑`, `‒`, `–`, `—`, `−`) follows at `end`, directly followed by a letter or digit.
    pub hyphen_after: bool,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02BB}' | '`' | '\u{00B4}' | '\u{02BE}' | '\u{02BF}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}')
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

/// Characters that belong inside a word (before folding).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining(c) || is_apostrophe(c) || is_arabic_mark(c)
}

fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}')
}

/// Splits `text` into words, calling `f` for each. Apostrophes stay inside a
/// word when letters follow them (`Hay'at`), hyphens separate words but are
/// remembered in [`WordSpan::hyphen_after`].
pub fn for_each_word(text: &str, mut f: impl FnMut(WordSpan)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let n = bytes.len();
    while i < n {
        // Fast skip of ASCII separators.
        let b = bytes[i];
        if b < 0x80 && !b.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        if !is_word_char(c) || is_apostrophe(c) {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        let mut end = i;
        while i < n {
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() {
                    i += 1;
                    end = i;
                    continue;
                }
                if b == b'\'' {
                    i += 1;
                    continue; // kept only if a letter follows (end not moved yet)
                }
                break;
            }
            let c = text[i..].chars().next().unwrap_or(' ');
            if !is_word_char(c) {
                break;
            }
            i += c.len_utf8();
            if !is_apostrophe(c) {
                end = i;
            }
        }
        // A hyphen directly between this word and the next letter joins them.
        let mut hyphen_after = false;
        if end < n {
            let c = text[end..].chars().next().unwrap_or(' ');
            if is_hyphen(c) {
                let after = end + c.len_utf8();
                if let Some(next) = text[after..].chars().next() {
                    hyphen_after = next.is_alphanumeric();
                }
            }
        }
        f(WordSpan { start, end, hyphen_after });
        i = end.max(i);
    }
}

fn push_arabic(c: char, out: &mut String) {
    let mapped = match c {
        '\u{0623}' | '\u{0625}' | '\u{0622}' | '\u{0671}' => '\u{0627}',
        '\u{0649}' | '\u{06CC}' | '\u{0626}' => '\u{064A}',
        '\u{06A9}' => '\u{0643}',
        '\u{0629}' => '\u{0647}',
        '\u{0624}' => '\u{0648}',
        _ => c,
    };
    out.push(mapped);
}

/// Folds one word (as found by [`for_each_word`]) and appends it to `out`.
/// Separators that folding uncovers (rare: `½`) are dropped.
pub fn fold_word(word: &str, out: &mut String) {
    let start_len = out.len();
    if word.is_ascii() {
        for b in word.bytes() {
            if b.is_ascii_alphanumeric() {
                out.push(b.to_ascii_lowercase() as char);
            }
        }
    } else {
        for c in word.nfkc() {
            for c in c.to_lowercase() {
                if c.is_ascii() {
                    if c.is_ascii_alphanumeric() {
                        out.push(c);
                    }
                } else if is_combining(c) || is_apostrophe(c) || is_arabic_mark(c) {
                } else if ('\u{0600}'..='\u{06FF}').contains(&c) || ('\u{0750}'..='\u{077F}').contains(&c) {
                    push_arabic(c, out);
                } else if is_latin_extended(c) {
                    for a in any_ascii::any_ascii_char(c).chars() {
                        if a.is_ascii_alphanumeric() {
                            out.push(a.to_ascii_lowercase());
                        }
                    }
                } else if c.is_alphanumeric() {
                    out.push(c);
                }
            }
        }
        // The Arabic article is written joined to its word.
        let folded = &out[start_len..];
        if folded.starts_with("\u{0627}\u{0644}") && folded.chars().count() >= 4 {
            out.replace_range(start_len..start_len + 4, "");
        }
    }
    // Transliteration: a word-final "ah" is the same as "a" (Raqqah, Hamah).
    let folded = &out[start_len..];
    if folded.len() >= 4 && folded.ends_with("ah") && folded.is_ascii() {
        out.pop();
    }
    if &out[start_len..] == "saint" {
        out.truncate(start_len);
        out.push_str("st");
    }
}

fn is_latin_extended(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{0250}'..='\u{02AF}')
}

/// Whether a folded word is a transliterated Arabic article that is left out
/// of keys. `first` says the word opens the name; `hyphen_after` that a hyphen
/// joins it to the next word; `has_next` that a word follows.
///
/// "al" and "el" go whenever a word follows them. The short forms that are
/// also English or French words ("as", "at", "an", "ad", "es", "ed", "en") go
/// only when hyphenated (`as-Suwayda`) or inside a name (`Dayr az Zawr`), so
/// "as Aleppo" in running text never becomes "Aleppo".
pub fn is_dropped_article(word: &str, first: bool, hyphen_after: bool, has_next: bool) -> bool {
    if !has_next {
        return false;
    }
    match word {
        "al" | "el" => true,
        "ar" | "ad" | "ash" | "as" | "az" | "ez" | "es" | "ed" | "at" | "an" | "ath" | "adh" | "ul" | "ud" | "ur"
        | "en" | "et" | "er" | "us" => {
            hyphen_after || (!first && matches!(word, "az" | "ez" | "ash" | "ar" | "ad" | "ath" | "adh" | "ul"))
        }
        _ => false,
    }
}

/// Joins folded words into a lookup key: articles dropped, single spaces.
/// `words` are `(folded word, hyphen_after)` pairs.
pub fn join_key<'a>(words: impl ExactSizeIterator<Item = (&'a str, bool)>, out: &mut String) {
    let n = words.len();
    for (i, (w, hyphen_after)) in words.enumerate() {
        if w.is_empty() || is_dropped_article(w, i == 0, hyphen_after, i + 1 < n) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
}

/// Folds a whole name into its lookup key.
///
/// ```
/// use geoevents_core::text::fold::fold;
/// assert_eq!(fold("Deir ez-Zor"), fold("Deir al-Zor"));
/// assert_eq!(fold("Ar-Raqqah"), "raqqa");
/// assert_eq!(fold("Türkiye"), "turkiye");
/// assert_eq!(fold("Hay’at Tahrir al-Sham"), "hayat tahrir sham");
/// ```
pub fn fold(name: &str) -> String {
    let mut folded: Vec<(String, bool)> = Vec::new();
    for_each_word(name, |w| {
        let mut s = String::new();
        fold_word(&name[w.start..w.end], &mut s);
        folded.push((s, w.hyphen_after));
    });
    let mut key = String::new();
    join_key(folded.iter().map(|(s, h)| (s.as_str(), *h)), &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_variants_meet() {
        assert_eq!(fold("Deir ez-Zor"), "deir zor");
        assert_eq!(fold("Dayr az Zawr"), "dayr zawr");
        assert_eq!(fold("Ar-Raqqah"), fold("Raqqa"));
        assert_eq!(fold("AR RAQQAH"), "ar raqqa"); // first-word "ar" without hyphen stays
        assert_eq!(fold("as Suwayda"), "as suwayda");
        assert_eq!(fold("as-Suwayda"), "suwayda");
        assert_eq!(fold("El Paso"), "paso");
    }

    #[test]
    fn arabic_script() {
        assert_eq!(fold("حلب"), "حلب");
        assert_eq!(fold("أربيل"), fold("اربيل"));
        assert_eq!(fold("الرقة"), fold("رقه"));
        assert_eq!(fold("ﺣﻠﺐ"), "حلب"); // presentation forms
    }

    #[test]
    fn latin_and_punctuation() {
        assert_eq!(fold("Türkiye"), "turkiye");
        assert_eq!(fold("Hewlêr"), "hewler");
        assert_eq!(fold("U.S."), "u s");
        assert_eq!(fold("Syria’s"), "syrias");
        assert_eq!(fold("  São   Paulo "), "sao paulo");
        assert_eq!(fold("İstanbul"), "istanbul");
        assert_eq!(fold("Saint Louis"), fold("St. Louis"));
    }

    #[test]
    fn words_and_hyphens() {
        let text = "al-Zour, Hay'at x";
        let mut spans = Vec::new();
        for_each_word(text, |w| spans.push((&text[w.start..w.end], w.hyphen_after)));
        assert_eq!(spans, vec![("al", true), ("Zour", false), ("Hay'at", false), ("x", false)]);
    }
}
