//! Where a very large file can be cut into runs of whole top-level items, so each run is parsed and
//! lowered on its own and its syntax tree dropped before the next (syn builds the whole file's tree at
//! once: about 80 bytes per byte of source). A cut is at the start of a line, after a line whose last
//! code at nesting depth 0 ends an item (`}` or `;`), outside strings, characters and comments.

use super::lexical::{
    is_raw_string_start, skip_block_comment, skip_char_literal, skip_raw_string, skip_string,
};
use std::ops::Range;

/// Runs of about `target` bytes covering `text`, each starting at a line start, or `None` when the
/// text's delimiters do not balance (the whole file is then parsed at once and reports the error).
pub fn item_chunks(text: &str, target: usize) -> Option<Vec<Range<usize>>> {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut ended_item) = (0usize, 0i64, false);
    let (mut chunk_start, mut chunks) = (0usize, Vec::new());
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                if depth == 0 && ended_item && i + 1 - chunk_start >= target {
                    chunks.push(chunk_start..i + 1);
                    chunk_start = i + 1;
                }
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                // A doc comment (`///`, `//!`) belongs to the item after it: no cut before that item.
                if matches!(bytes.get(i + 2), Some(b'/' | b'!')) {
                    ended_item = false;
                }
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                if matches!(bytes.get(i + 2), Some(b'*' | b'!')) {
                    ended_item = false;
                }
                i = skip_block_comment(bytes, i);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i + 1);
                ended_item = false;
                continue;
            }
            b'r' if is_raw_string_start(bytes, i) => {
                i = skip_raw_string(bytes, i + 1);
                ended_item = false;
                continue;
            }
            b'\'' => {
                i = skip_char_literal(bytes, i);
                ended_item = false;
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => {}
        }
        if !bytes[i].is_ascii_whitespace() {
            ended_item = depth == 0 && matches!(bytes[i], b'}' | b';');
        }
        i += 1;
    }
    if depth != 0 {
        return None;
    }
    if chunk_start < bytes.len() || chunks.is_empty() {
        chunks.push(chunk_start..bytes.len());
    }
    Some(chunks)
}

#[cfg(test)]
mod tests {
    use super::item_chunks;

    #[test]
    fn cuts_fall_between_items_and_never_inside_strings_chars_or_comments() {
        let text = "struct A;\nfn f() -> &'static str {\n    \"}\\\";\"\n}\nconst C: char = '}';\n/* } ; */\nconst R: &str = r#\"}\"#;\n/// Its doc.\nimpl A {\n    fn g(&self) {}\n}\n";
        let chunks = item_chunks(text, 1).expect("balanced");
        let pieces: Vec<&str> = chunks.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(pieces.concat(), text);
        for piece in &pieces {
            assert!(syn::parse_file(piece).is_ok(), "not whole items: {piece:?}");
        }
        assert_eq!(
            pieces,
            [
                "struct A;\n",
                "fn f() -> &'static str {\n    \"}\\\";\"\n}\n",
                "const C: char = '}';\n",
                "/* } ; */\n",
                "const R: &str = r#\"}\"#;\n",
                "/// Its doc.\nimpl A {\n    fn g(&self) {}\n}\n",
            ]
        );
        assert_eq!(item_chunks("fn f() {", 1), None);
    }
}
