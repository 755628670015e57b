//! A guard before syn: code nested deeper than any hand-written code (generated or hostile: 80,000 nested
//! generics, a million parentheses) would overflow the parser's stack, so it is reported as a parse error
//! of its file instead (SPEC 6). A rough lexer is enough: strings and comments are skipped, delimiters and
//! generic angle brackets counted.

/// Deeper than this, a file is not parsed. Real code stays below a few dozen levels; with the 512 MiB
/// stacks the run gives its threads, syn overflows somewhere past 65,000 nested generics.
pub const MAX_NESTING: usize = 25_000;

/// The line where nesting first goes past `MAX_NESTING`, if it does.
pub fn too_deep(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    // Nesting never exceeds the number of openers: most files are ruled out by their length, the rest by a
    // count (written without branches, so it runs over many bytes at once).
    if bytes.len() <= MAX_NESTING {
        return None;
    }
    // Counted in bytes, a run of at most 255 at a time, so the compiler counts many bytes per step.
    let openers: usize = bytes
        .chunks(255)
        .map(|run| {
            let count = run.iter().fold(0u8, |n, &c| {
                n.wrapping_add(u8::from(matches!(c, b'(' | b'[' | b'{' | b'<')))
            });
            usize::from(count)
        })
        .sum();
    if openers <= MAX_NESTING {
        return None;
    }
    let (mut depth, mut angles, mut line) = (0usize, 0usize, 1u32);
    let mut previous = b' ';
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => line += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    line += u32::from(bytes[i] == b'\n');
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    line += u32::from(bytes[i] == b'\n');
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if c == b'{' {
                    angles = 0;
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if c == b'}' {
                    angles = 0;
                }
            }
            b';' => angles = 0,
            b'<' if previous.is_ascii_alphanumeric() || matches!(previous, b'_' | b':' | b'<') => {
                angles += 1
            }
            b'>' if !matches!(previous, b'-' | b'=') => angles = angles.saturating_sub(1),
            _ => {}
        }
        if depth + angles > MAX_NESTING {
            return Some(line);
        }
        if !c.is_ascii_whitespace() {
            previous = c;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_code_is_not_too_deep() {
        let code = "fn f(a: Vec<Vec<u8>>) -> bool { let s = \"((((\"; a.len() < 3 && (1 > 0) }\n";
        assert_eq!(too_deep(code), None);
    }

    #[test]
    fn many_shallow_delimiters_are_not_too_deep() {
        let calls = "f(x[0]);\n".repeat(MAX_NESTING);
        assert_eq!(too_deep(&format!("fn g() {{ {calls} }}")), None);
    }

    #[test]
    fn deep_generics_parentheses_and_blocks_are() {
        let n = MAX_NESTING + 1;
        let generics = format!("type T = {}u8{};", "Vec<".repeat(n), ">".repeat(n));
        let parens = format!("\nfn f() -> u8 {{ {}1{} }}", "(".repeat(n), ")".repeat(n));
        let blocks = format!("fn g() {{ {}{} }}", "{".repeat(n), "}".repeat(n));
        assert_eq!(too_deep(&generics), Some(1));
        assert_eq!(too_deep(&parens), Some(2));
        assert_eq!(too_deep(&blocks), Some(1));
    }
}
