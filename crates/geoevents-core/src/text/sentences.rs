//! Sentence splitting with byte spans, and the small word tokenizer the other
//! event modules share. No crate: the rules are few and written down here.
//!
//! A sentence ends
//! * at a paragraph break (a line with nothing but whitespace on it), always;
//! * at a single line break, except when the line does not end in sentence
//!   punctuation and the next line starts with a lower-case letter (hard-wrapped
//!   prose such as "Iraq on Saturday\nsealed its border": one sentence);
//! * after `.`, `!`, `?` or `…` (and any run of them, then any closing quotes or
//!   brackets) followed by whitespace and then a character that is not a
//!   lower-case letter ("he asked?" he said" stays whole), except after
//!   - a title or common abbreviation (`Mr.`, `Dr.`, `Gen.`, `St.`, `No.`,
//!     `e.g.`, ...),
//!   - a single capital letter (an initial: "George W. Bush"),
//!   - a dotted acronym (`U.S.`, `U.N.`, `a.m.`) unless the next word is a
//!     common sentence opener ("The", "It", "In", ...),
//!   - an abbreviated month followed by a number ("Nov. 30").
//!
//! A full stop not followed by whitespace never ends a sentence, so decimal
//! numbers ("3.5"), domain names and "U.S.-led" stay whole.
//!
//! Spans are UTF-8 byte offsets into the text, end exclusive, trimmed of
//! surrounding whitespace; empty sentences are not returned.

/// One sentence: `&text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    /// Byte offset of its first non-whitespace character.
    pub start: usize,
    /// Byte offset just past its last non-whitespace character (exclusive).
    pub end: usize,
}

impl Sentence {
    /// The sentence's text; `text` must be the string it was split from.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Abbreviations after which a full stop never ends a sentence (lower case,
/// without the dot).
#[rustfmt::skip]
const NEVER_END: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "lt", "col", "capt", "cpt", "sgt", "maj", "brig", "adm",
    "cmdr", "cpl", "pvt", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "det", "fr", "st", "mt", "ft",
    "no", "nos", "vs", "v", "jr", "sr", "approx", "est", "dept", "univ", "e.g", "i.e", "cf", "al", "ca",
];

/// Abbreviations that may or may not end a sentence: they do only when the next
/// word is a common sentence opener.
#[rustfmt::skip]
const MAYBE_END: &[&str] = &["inc", "ltd", "co", "corp", "bros", "etc"];

#[rustfmt::skip]
const MONTH_ABBREVIATIONS: &[&str] =
    &["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"];

/// Words that commonly open a sentence: after an ambiguous abbreviation, a
/// following opener means the sentence did end.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "the", "a", "an", "it", "its", "he", "she", "they", "we", "i", "you", "this", "that", "these", "those", "there",
    "his", "her", "their", "our", "in", "on", "at", "but", "and", "however", "meanwhile", "after", "before", "when",
    "while", "according", "officials", "some", "many", "both", "if", "as", "since", "last", "earlier", "later",
];

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '}')
}

/// Splits `text` into sentences (see the module documentation for the rules).
pub fn split_sentences(text: &str) -> Vec<Sentence> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut out = Vec::new();
    let mut seg_start = 0usize; // byte offset
    let push = |from: usize, to: usize, out: &mut Vec<Sentence>| {
        let s = &text[from..to];
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        if !trimmed.is_empty() {
            out.push(Sentence { start: from + lead, end: from + lead + trimmed.len() });
        }
    };
    let mut i = 0usize;
    while i < n {
        let c = chars[i].1;
        if c == '\n' || c == '\r' {
            // The whole whitespace run: how many line breaks, and what follows.
            let mut j = i;
            let mut newlines = 0;
            while j < n && chars[j].1.is_whitespace() {
                if chars[j].1 == '\n' {
                    newlines += 1;
                }
                j += 1;
            }
            if newlines == 0 {
                // A lone '\r' (old Mac line ending) counts as one break.
                newlines = 1;
            }
            let prev = text[..byte_at(i)].trim_end().chars().last();
            let next = if j < n { Some(chars[j].1) } else { None };
            let hard_wrap = newlines == 1
                && prev.is_some_and(|p| !is_terminal(p) && !is_closing(p) && p != ':')
                && next.is_some_and(char::is_lowercase);
            if !hard_wrap {
                push(seg_start, byte_at(i), &mut out);
                seg_start = byte_at(j);
            }
            i = j;
            continue;
        }
        if !is_terminal(c) {
            i += 1;
            continue;
        }
        // A run of terminal marks, then closing quotes / brackets.
        let mut j = i;
        while j < n && is_terminal(chars[j].1) {
            j += 1;
        }
        let marks_end = j;
        while j < n && is_closing(chars[j].1) {
            j += 1;
        }
        let end = j;
        if end < n && !chars[end].1.is_whitespace() {
            i = end.max(i + 1);
            continue;
        }
        // What follows the whitespace (a line break is handled by the newline rule).
        let mut k = end;
        while k < n && chars[k].1.is_whitespace() && chars[k].1 != '\n' && chars[k].1 != '\r' {
            k += 1;
        }
        if k < n && (chars[k].1 == '\n' || chars[k].1 == '\r') {
            // Ends here regardless of what the next line holds.
            push(seg_start, byte_at(end), &mut out);
            seg_start = byte_at(end);
            i = end;
            continue;
        }
        let next_word = next_word(text, byte_at(k));
        let next_char = next_word.chars().next();
        let mut ends = next_char.is_none_or(|c| !c.is_lowercase());
        if ends && marks_end == i + 1 && c == '.' {
            ends = full_stop_ends(text, byte_at(i), next_word);
        }
        if ends {
            push(seg_start, byte_at(end), &mut out);
            seg_start = byte_at(end);
        }
        i = end.max(i + 1);
    }
    push(seg_start, text.len(), &mut out);
    out
}

/// The word starting at byte `at`, after any opening quotes or brackets.
fn next_word(text: &str, at: usize) -> &str {
    let rest = text[at..].trim_start_matches(['"', '\'', '“', '‘', '(', '[', '«']);
    let end = rest.find(|c: char| !(c.is_alphanumeric())).unwrap_or(rest.len());
    if end == 0 {
        // Not a word: return the first character (digit handling uses it).
        let first = rest.chars().next().map_or(0, char::len_utf8);
        &rest[..first]
    } else {
        &rest[..end]
    }
}

/// Decides whether the single full stop at byte `dot` ends the sentence, given
/// the word that follows.
fn full_stop_ends(text: &str, dot: usize, next_word: &str) -> bool {
    let before = &text[..dot];
    let word_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '.' || c == '\'' || c == '’'))
        .map_or(0, |p| p + before[p..].chars().next().map_or(1, char::len_utf8));
    let word = &before[word_start..];
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    let opener = OPENERS.contains(&next_word.to_lowercase().as_str());
    if NEVER_END.contains(&lower.as_str()) {
        return false;
    }
    if MAYBE_END.contains(&lower.as_str()) {
        return opener;
    }
    if MONTH_ABBREVIATIONS.contains(&lower.as_str()) && next_word.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    if word.chars().count() == 1 && word.chars().all(char::is_uppercase) {
        return false; // an initial
    }
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        return opener; // dotted acronym: U.S., U.N., a.m.
    }
    true
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// Letters (and digits after the first letter), with inner apostrophes and
    /// hyphens: "Hay’at", "al-Sham", "counter-offensive", "G7".
    Word,
    /// Digits, with any letters glued to them: "29", "29th", "5km".
    Num,
    /// Any other non-space character, one a token.
    Punct,
}

/// A token: `&s[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
}

fn joins_word(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐' | '‑')
}

/// Splits `s` into words, numbers and punctuation; whitespace is dropped.
pub(crate) fn tokens(s: &str) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { s.len() };
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c.is_alphabetic() {
            i += 1;
            while i < n {
                let d = chars[i].1;
                if d.is_alphanumeric() {
                    i += 1;
                } else if joins_word(d) && i + 1 < n && chars[i + 1].1.is_alphabetic() {
                    i += 2;
                } else {
                    break;
                }
            }
            TokKind::Word
        } else if c.is_ascii_digit() {
            while i < n && chars[i].1.is_ascii_digit() {
                i += 1;
            }
            while i < n && chars[i].1.is_alphabetic() {
                i += 1;
            }
            TokKind::Num
        } else {
            i += 1;
            TokKind::Punct
        };
        out.push(Tok { start: byte_at(start), end: byte_at(i), kind });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text).iter().map(|s| s.text(text)).collect()
    }

    #[test]
    fn plain_sentences_and_spans() {
        let text = "  Rebels entered Aleppo. Iraq closed the border!  Why? ";
        let s = split_sentences(text);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], Sentence { start: 2, end: 24 });
        assert_eq!(s[0].text(text), "Rebels entered Aleppo.");
        assert_eq!(s[1].text(text), "Iraq closed the border!");
        assert_eq!(s[2].text(text), "Why?");
    }

    #[test]
    fn titles_initials_acronyms_and_decimals_do_not_split() {
        assert_eq!(
            split("Mr. Smith met Dr. Jones in St. Louis. They talked."),
            ["Mr. Smith met Dr. Jones in St. Louis.", "They talked."]
        );
        assert_eq!(
            split("George W. Bush spoke. Prices rose 3.5 percent."),
            ["George W. Bush spoke.", "Prices rose 3.5 percent."]
        );
        assert_eq!(
            split("The U.S. Army arrived. Talks with the U.S. The envoy left."),
            ["The U.S. Army arrived.", "Talks with the U.S.", "The envoy left."]
        );
        assert_eq!(split("U.S.-led forces moved at 5 a.m. on Friday."), ["U.S.-led forces moved at 5 a.m. on Friday."]);
        assert_eq!(split("It happened on Nov. 30 in Erbil."), ["It happened on Nov. 30 in Erbil."]);
    }

    #[test]
    fn quotes_close_sentences_and_lowercase_continues() {
        assert_eq!(
            split("He said: \u{201c}We will win.\u{201d} The army left."),
            ["He said: \u{201c}We will win.\u{201d}", "The army left."]
        );
        assert_eq!(split("\"Is it over?\" he asked. Nobody knew."), ["\"Is it over?\" he asked.", "Nobody knew."]);
    }

    #[test]
    fn line_breaks() {
        // Paragraph breaks and headline lines end sentences.
        assert_eq!(
            split("Iraq seals border\n\nRebels advance\nRudaw reports it"),
            ["Iraq seals border", "Rebels advance", "Rudaw reports it"]
        );
        // CRLF, and a blank line made of spaces.
        assert_eq!(split("One line\r\n \r\nTwo line"), ["One line", "Two line"]);
        // Hard-wrapped prose: one newline, lower case next.
        assert_eq!(
            split("Iraq on Saturday\nsealed its border. Then\nThe end"),
            ["Iraq on Saturday\nsealed its border.", "Then", "The end"]
        );
        // A paragraph break always ends, even before lower case.
        assert_eq!(split("Iraq on Saturday\n\nsealed"), ["Iraq on Saturday", "sealed"]);
    }

    #[test]
    fn multibyte_text_keeps_valid_spans() {
        let text = "Syria’s army left Aleppo… Then «rebels» arrived. Éric spoke.";
        let s = split(text);
        assert_eq!(s, ["Syria’s army left Aleppo…", "Then «rebels» arrived.", "Éric spoke."]);
    }

    #[test]
    fn tokenizer() {
        let s = "Hay’at Tahrir al-Sham (HTS) took 29th place, 3.5km.";
        let toks: Vec<(&str, TokKind)> = tokens(s).iter().map(|t| (&s[t.start..t.end], t.kind)).collect();
        assert_eq!(toks[0], ("Hay’at", TokKind::Word));
        assert_eq!(toks[2], ("al-Sham", TokKind::Word));
        assert_eq!(toks[3], ("(", TokKind::Punct));
        assert_eq!(toks[7], ("29th", TokKind::Num));
        assert_eq!(toks[10], ("3", TokKind::Num));
        assert_eq!(toks[12], ("5km", TokKind::Num));
    }
}
