//! Byte offsets to Unicode code point offsets. Results report both: code
//! points for Python users (`text[start:end]`), bytes for Rust and Arrow.

/// Converts increasing byte offsets to code point offsets in one pass.
pub struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    /// A counter at the start of `text` (byte 0 is code point 0).
    pub fn new(text: &'a str) -> Self {
        CharCounter { text, byte: 0, chars: 0 }
    }

    /// Code point offset of byte offset `b`, which must lie on a character
    /// boundary. Offsets should not go backwards; when one does, counting
    /// restarts from the beginning (correct, only slower).
    pub fn at(&mut self, b: usize) -> usize {
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..b].chars().count();
        self.byte = b;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_points_not_bytes() {
        let text = "Türkiye, حلب and Aleppo";
        let mut c = CharCounter::new(text);
        let b = text.find("Aleppo").unwrap();
        assert_eq!(c.at(b), 17);
        assert_eq!(c.at(text.len()), 23);
        // Backwards works too.
        assert_eq!(c.at(text.find(',').unwrap()), 7);
    }
}
