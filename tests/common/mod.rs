//! Running the built binary on fixtures, and reading the expectations written in them.
#![allow(dead_code)]

pub mod python;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// Runs `cargo-pii-lint` with `args` in `dir`, with NO_COLOR set so output is plain.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cargo-pii-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

pub fn run_fixture(name: &str, args: &[&str]) -> Output {
    let manifest = fixture(name).join("Cargo.toml");
    let mut all = vec!["--manifest-path", manifest.to_str().expect("utf-8 path")];
    all.extend_from_slice(args);
    run_in(&root(), &all)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(output)))
}

/// (file, line, code) of every finding in a JSON report.
pub fn reported(report: &serde_json::Value) -> BTreeSet<(String, u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file").to_string(),
                f["line"].as_u64().expect("line"),
                f["code"].as_str().expect("code").to_string(),
            )
        })
        .collect()
}

/// (file, line, code) of every marker: `//~ PIIxxx` for its own line, `//~v PIIxxx` for the next line and
/// `//~^ PIIxxx` for the line before (as in rustc's ui tests) in `.rs` files, `#~ PIIxxx` in `pii-lint.toml`.
pub fn expected(fixture_dir: &Path) -> BTreeSet<(String, u64, String)> {
    let mut expected = BTreeSet::new();
    for entry in walkdir::WalkDir::new(fixture_dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let rel = path
            .strip_prefix(fixture_dir)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("target") || !entry.file_type().is_file() {
            continue;
        }
        let marker = if rel.ends_with(".rs") {
            "//~"
        } else if rel.ends_with("pii-lint.toml") {
            "#~"
        } else {
            continue;
        };
        let bytes = std::fs::read(path).expect("readable fixture");
        for (index, line) in String::from_utf8_lossy(&bytes).lines().enumerate() {
            let Some(at) = line.rfind(marker) else {
                continue;
            };
            let rest = &line[at + marker.len()..];
            let (target, codes) = match rest.chars().next() {
                Some('v') => (index + 2, &rest[1..]),
                Some('^') => (index, &rest[1..]),
                _ => (index + 1, rest),
            };
            for code in codes.split_whitespace() {
                expected.insert((rel.clone(), target as u64, code.to_string()));
            }
        }
    }
    expected
}

/// Fails with the missing and unexpected findings listed.
pub fn assert_markers(name: &str) {
    let output = run_fixture(name, &["--format", "json"]);
    let report = json(&output);
    let (expected, reported) = (expected(&fixture(name)), reported(&report));
    let missing: Vec<_> = expected.difference(&reported).collect();
    let unexpected: Vec<_> = reported.difference(&expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "fixture `{name}`:\nmarked but not reported: {missing:#?}\nreported but not marked: {unexpected:#?}\nstderr: {}",
        stderr(&output)
    );
}

/// A workspace written to a temporary directory (a `shop` package unless the files give a Cargo.toml).
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let has_manifest = files.iter().any(|(p, _)| *p == "Cargo.toml");
    let manifest = (
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    for (path, text) in files.iter().chain((!has_manifest).then_some(&manifest)) {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

/// `file:line CODE` of every finding of the whole pipeline (run as a library), in report order, with the
/// lints in `allow` not reported.
pub fn findings_allowing(dir: &Path, allow: &[&str]) -> Vec<String> {
    use cargo_pii_lint::diagnostic::Level;
    use cargo_pii_lint::pipeline::{check, CheckRequest};
    let level_flags = allow
        .iter()
        .map(|lint| (Level::Allow, lint.to_string()))
        .collect();
    let request = CheckRequest {
        cwd: dir.to_path_buf(),
        level_flags,
        ..CheckRequest::default()
    };
    let outcome = check(&request).unwrap_or_else(|e| panic!("{e:?}"));
    outcome
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                outcome.index.workspace.file(f.span.file).rel_path,
                f.span.line,
                f.lint.code
            )
        })
        .collect()
}

/// Lints that flow tests leave out: they check what reaches sinks.
pub const NOT_FLOWS: &[&str] = &[
    "unused-personal-data",
    "no-erasure-path",
    "purpose-mismatch",
    "missing-consent",
    "undeclared-personal-data",
];

/// Runs the tool on `src/lib.rs` = `code` (and `pii-lint.toml` = `config` unless empty) and checks that
/// the flow findings are exactly the lines marked `// leak`, with the lint named after the marker
/// (log-leak when none is named).
pub fn assert_marked_leaks(code: &str, config: &str) {
    let mut files = vec![("src/lib.rs", code)];
    if !config.is_empty() {
        files.push(("pii-lint.toml", config));
    }
    let dir = workspace(&files);
    let expected: Vec<String> = code
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let after = line.split("// leak").nth(1)?;
            let lint = after.split_whitespace().next().unwrap_or("PII005");
            Some(format!("src/lib.rs:{} {lint}", i + 1))
        })
        .collect();
    assert_eq!(
        findings_allowing(dir.path(), NOT_FLOWS),
        expected,
        "\n{code}"
    );
}

/// Writes files under `dir`, creating directories.
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}
