//! The registry's conventions, enforced by test: stable codes, kebab-case names, one file per lint, the
//! SPEC 4 default levels, and documentation with the same headings everywhere.

use cargo_pii_lint::diagnostic::Level;
use cargo_pii_lint::lints::{all, find};

const SPEC_TABLE: &[(&str, &str, Level)] = &[
    ("PII000", "parse-error", Level::Deny),
    ("PII001", "missing-purpose", Level::Deny),
    ("PII002", "invalid-annotation", Level::Deny),
    ("PII003", "purpose-mismatch", Level::Deny),
    ("PII004", "missing-consent", Level::Deny),
    ("PII005", "log-leak", Level::Deny),
    ("PII006", "export-leak", Level::Deny),
    ("PII007", "unsolicited-commercial-message", Level::Deny),
    ("PII008", "unprotected-storage", Level::Warn),
    ("PII009", "undeclared-personal-data", Level::Warn),
    ("PII010", "no-erasure-path", Level::Warn),
    ("PII011", "unused-personal-data", Level::Warn),
];

const HEADINGS: &[&str] = &[
    "### What it does",
    "### Why: the law",
    "### Example",
    "### Passing",
    "### Fix",
];

#[test]
fn codes_names_and_levels_match_the_spec_in_order() {
    let registered: Vec<_> = all().map(|l| (l.code, l.name, l.default_level)).collect();
    assert_eq!(registered, SPEC_TABLE);
}

#[test]
fn each_lint_lives_in_the_file_named_after_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("lints");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("lints/")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs") && name != "mod.rs")
        .collect();
    files.sort();
    let mut expected: Vec<String> = all().map(|l| format!("{}.rs", l.snake_name())).collect();
    expected.sort();
    assert_eq!(files, expected);
    for lint in all() {
        let text = std::fs::read_to_string(dir.join(format!("{}.rs", lint.snake_name())))
            .expect("lint file");
        assert!(
            text.contains(&format!("\"{}\", \"{}\"", lint.code, lint.name)),
            "{} is declared elsewhere",
            lint.name
        );
    }
}

#[test]
fn every_lint_is_documented_with_the_same_headings() {
    for lint in all() {
        let doc = lint.documentation();
        let mut last = 0;
        for heading in HEADINGS {
            let at = doc
                .find(heading)
                .unwrap_or_else(|| panic!("{} lacks `{heading}`", lint.name));
            assert!(at >= last, "{}: `{heading}` is out of order", lint.name);
            last = at;
        }
        let example =
            &doc[doc.find("### Example").unwrap_or(0)..doc.find("### Passing").unwrap_or(0)];
        let passing = &doc[doc.find("### Passing").unwrap_or(0)..doc.find("### Fix").unwrap_or(0)];
        assert!(
            example.contains("```rust,ignore"),
            "{}: the example needs a rust block",
            lint.name
        );
        assert!(
            passing.contains("```rust,ignore"),
            "{}: the passing example needs a rust block",
            lint.name
        );
        assert!(
            !lint.summary.is_empty() && !lint.summary.ends_with('.'),
            "{}: summary",
            lint.name
        );
    }
}

#[test]
fn lints_that_enforce_an_article_cite_it() {
    for lint in all().filter(|l| !["PII000", "PII002"].contains(&l.code)) {
        let why = lint.documentation();
        assert!(
            why.contains("CRPL") || why.contains("Decision"),
            "{} cites no article",
            lint.name
        );
    }
}

#[test]
fn lints_are_found_by_code_or_either_spelling_of_the_name() {
    for (code, name, _) in SPEC_TABLE {
        let lint = find(code).expect("by code");
        assert_eq!(lint.name, *name);
        assert_eq!(find(&code.to_lowercase()).map(|l| l.code), Some(*code));
        assert_eq!(find(name).map(|l| l.code), Some(*code));
        assert_eq!(find(&name.replace('-', "_")).map(|l| l.code), Some(*code));
    }
    for unknown in [
        "",
        "PII012",
        "PII",
        "log",
        "log-leaks",
        "warnings",
        "LOG-LEAK ",
    ] {
        assert!(
            find(unknown).is_none(),
            "`{unknown}` should not name a lint"
        );
    }
}

#[test]
fn the_readme_table_lists_every_lint_as_registered() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README");
    for lint in all() {
        let row = format!(
            "| {} | `{}` | {} |",
            lint.code,
            lint.name,
            lint.default_level.as_str()
        );
        assert!(readme.contains(&row), "README lacks the row `{row}`");
    }
}
