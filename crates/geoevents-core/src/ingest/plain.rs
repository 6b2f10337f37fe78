//! A plain text file is one document, taken as it is.
//!
//! The text is not normalised (CRLF stays CRLF) so that character offsets
//! found later point into the file; only a leading byte order mark is
//! dropped, so offsets count from just after it.

use super::decode::{binary_message, invalid_utf8_at, BOM};
use super::{Document, IngestError, Input};

/// The document in `bytes`, the whole content of a text input.
pub(crate) fn document(mut bytes: Vec<u8>, input: &Input) -> Result<Document, IngestError> {
    if let Some(message) = binary_message(&bytes) {
        return Err(input.bad_file(message));
    }
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    bytes.drain(..bom);
    let text = String::from_utf8(bytes).map_err(|e| {
        // Report the offset in the file, BOM included, where an editor finds it.
        let mut file = BOM[..bom].to_vec();
        file.extend_from_slice(e.as_bytes());
        input.bad_file(invalid_utf8_at(&file, bom + e.utf8_error().valid_up_to()))
    })?;
    if text.trim().is_empty() {
        return Err(input.bad_file("empty file"));
    }
    Ok(Document {
        id: input.id.clone(),
        text,
        title: None,
        url: None,
        source: None,
        published_at: None,
        origin: input.origin(None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> Input {
        Input { display: "in/a.txt".into(), origin: "in/a.txt".into(), id: "a.txt".into() }
    }

    #[test]
    fn text_is_kept_byte_for_byte_after_the_bom() {
        let doc = document(b"\xEF\xBB\xBFRain in Pune.\r\nMore rain.\r\n".to_vec(), &input()).unwrap();
        assert_eq!(doc.text, "Rain in Pune.\r\nMore rain.\r\n");
        assert_eq!(doc.id, "a.txt");
        assert_eq!(doc.origin, super::super::Origin { path: "in/a.txt".into(), line: None });
    }

    #[test]
    fn invalid_utf8_counts_the_bom_in_the_offset() {
        let err = document(b"\xEF\xBB\xBFok\nbad \xC3( here".to_vec(), &input()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in/a.txt: invalid UTF-8 at byte offset 10 (line 2, byte 5 of the line); the input must be UTF-8 text"
        );
    }

    #[test]
    fn empty_and_binary_are_refused() {
        let empty = document(b" \r\n\t\n".to_vec(), &input()).unwrap_err();
        assert_eq!(empty.to_string(), "in/a.txt: empty file");
        let binary = document(b"\x7FELF\x02\x01\x01\x00\x00".to_vec(), &input()).unwrap_err();
        assert!(binary.to_string().contains("looks binary"), "{binary}");
    }
}
