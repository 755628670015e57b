//! A file summary's shape: its items as the index and the flow's tables read them, without spans and
//! without function bodies. When every file an edit changed keeps its shape (a body was edited, lines
//! moved), the index is the one before but for those places and bodies, so a language server can take
//! the evaluations of its last analysis that read nothing the edit changed (`flow::FlowMemo`).

use super::FileSummary;
use crate::diagnostic::without_places;

/// The summary's items written without places and bodies (`None` if they cannot be written).
pub fn outline(summary: &FileSummary) -> Option<Vec<u8>> {
    without_places(|| postcard::to_allocvec(&summary.items).ok())
}

#[cfg(test)]
mod tests {
    use super::outline;
    use crate::parse::{parse_file, ParseOptions};
    use crate::workspace::FileId;

    fn shape_of(text: &str) -> Option<Vec<u8>> {
        let options = ParseOptions {
            include_tests: false,
        };
        outline(&parse_file(FileId(0), text, &options))
    }

    #[test]
    fn moved_lines_and_edited_bodies_keep_the_shape() {
        let before = "struct User { email: String }\nfn save(u: &User) -> u32 { 1 }\n";
        let after = "\n\nstruct User { email: String }\nfn save(u: &User) -> u32 {\n    log(u);\n    2\n}\n";
        assert!(shape_of(before).is_some());
        assert_eq!(shape_of(before), shape_of(after));
    }

    #[test]
    fn signatures_fields_and_items_change_the_shape() {
        let before = "struct User { email: String }\nfn save(u: &User) -> u32 { 1 }\n";
        for after in [
            "struct User { email: String, phone: String }\nfn save(u: &User) -> u32 { 1 }\n",
            "struct User { email: String }\nfn save(u: &User) -> u64 { 1 }\n",
            "struct User { email: String }\nfn save(u: &User, n: u8) -> u32 { 1 }\n",
            "struct User { email: String }\nfn save(u: &User) -> u32 { 1 }\nfn more() {}\n",
            "struct User { email: String }\n#[pii_lint::sink(kind = \"log\")]\nfn save(u: &User) -> u32 { 1 }\n",
        ] {
            assert_ne!(shape_of(before), shape_of(after), "{after}");
        }
    }
}
