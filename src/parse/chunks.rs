//! Where a very large file can be cut into runs of whole top-level items, so each run is parsed and
//! lowered on its own and its syntax tree dropped before the next (syn builds the whole file's tree at
//! once: about 80 bytes per byte of source). A cut is at the start of a line, after a line whose last
//! code at nesting depth 0 ends an item (`}` or `;`), outside strings, characters and comments.

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
                i = block_comment_end(bytes, i)?;
                continue;
            }
            b'"' => {
                i = string_end(bytes, i + 1)?;
                continue;
            }
            b'r' | b'b' if raw_string_start(bytes, i).is_some() => {
                let (hashes, quote) = raw_string_start(bytes, i)?;
                i = raw_string_end(bytes, quote + 1, hashes)?;
                ended_item = false;
                continue;
            }
            b'\'' => {
                i = char_or_lifetime_end(bytes, i);
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

/// After the `*/` closing the (nested) block comment that starts at `start`.
fn block_comment_end(bytes: &[u8], start: usize) -> Option<usize> {
    let (mut i, mut depth) = (start + 2, 1);
    while depth > 0 {
        match (bytes.get(i)?, bytes.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
            }
            _ => i += 1,
        }
    }
    Some(i)
}

/// After the `"` closing a string whose contents start at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// `r"`, `r#"`, `br##"`: the number of `#` and where the opening quote is.
fn raw_string_start(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    // Not the end of an identifier (`bar"` cannot be, but `for r in` must not be taken for one).
    if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
        return None;
    }
    let mut j = i + usize::from(bytes[i] == b'b');
    if bytes.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = bytes[j..].iter().take_while(|b| **b == b'#').count();
    (bytes.get(j + hashes) == Some(&b'"')).then_some((hashes, j + hashes))
}

/// After the `"` and `hashes` `#` closing a raw string whose contents start at `i`.
fn raw_string_end(bytes: &[u8], mut i: usize, hashes: usize) -> Option<usize> {
    loop {
        if *bytes.get(i)? == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|b| **b == b'#')
                .count()
                == hashes
        {
            return Some(i + 1 + hashes);
        }
        i += 1;
    }
}

/// After a character literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'é'`), or after the `'` of a lifetime.
fn char_or_lifetime_end(bytes: &[u8], i: usize) -> usize {
    if bytes.get(i + 1) == Some(&b'\\') {
        // An escape: the literal ends at the next `'`.
        let mut j = i + 2;
        while j < bytes.len() && bytes[j] != b'\'' && bytes[j] != b'\n' {
            j += 1;
        }
        return j + 1;
    }
    // One character (of any UTF-8 length) then `'` is a literal; anything else is a lifetime.
    let width = bytes.get(i + 1).map_or(1, |b| match b.leading_ones() {
        0 => 1,
        n => n as usize,
    });
    if bytes.get(i + 1 + width) == Some(&b'\'') {
        i + 2 + width
    } else {
        i + 1
    }
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
