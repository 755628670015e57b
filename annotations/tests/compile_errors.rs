//! Misused annotations fail to compile, with the expected message at the expected place. `ui/misuse.rs`
//! is compiled by real rustc as a crate of its own that depends on this one; its `//~ at TOKEN: MESSAGE`
//! markers say which errors must appear, and no other error may.

use std::path::Path;
use std::process::Command;

/// An error rustc reported, or one a marker expects: 1-based line and column, and the message (for an
/// expectation, its start).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Located {
    line: usize,
    column: usize,
    message: String,
}

fn expectations(source: &str) -> Vec<Located> {
    let mut expected = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let Some((code, marker)) = line.split_once("//~ at ") else {
            continue;
        };
        if code.trim_start().starts_with("//") {
            continue; // a comment explaining the markers
        }
        let (token, message) = marker
            .split_once(": ")
            .unwrap_or_else(|| panic!("line {}: write `//~ at TOKEN: MESSAGE`", index + 1));
        let column = code
            .find(token)
            .unwrap_or_else(|| panic!("line {}: `{token}` is not on the line", index + 1));
        expected.push(Located {
            line: index + 1,
            column: code[..column].chars().count() + 1,
            message: message.to_string(),
        });
    }
    expected
}

/// The errors in `cargo check --message-format short` output: `src/lib.rs:3:5: error: message`.
fn reported(stderr: &str) -> Vec<Located> {
    let mut errors = Vec::new();
    for line in stderr.lines() {
        let Some(rest) = line.strip_prefix("src/lib.rs:") else {
            continue;
        };
        let mut parts = rest.splitn(3, ':');
        let (Some(row), Some(column), Some(diagnostic)) =
            (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(message) = diagnostic.trim_start().strip_prefix("error") else {
            continue; // a warning
        };
        // `error: ..` or, for rustc's own errors, `error[E0412]: ..`
        let message = message.split_once(": ").map_or(message, |(_, m)| m);
        if let (Ok(line), Ok(column)) = (row.parse(), column.parse()) {
            errors.push(Located {
                line,
                column,
                message: message.to_string(),
            });
        }
    }
    errors
}

/// A crate of its own in the test's scratch directory, depending on this one by path.
fn compile_misuse(source: &str) -> String {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pii-lint-misuse");
    std::fs::create_dir_all(dir.join("src")).expect("scratch directory");
    let manifest = format!(
        "[package]\nname = \"pii-lint-misuse\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\npii-lint = {{ path = {:?} }}\n\n[workspace]\n",
        manifest_dir.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(dir.join("src/lib.rs"), source).expect("source");
    // The workspace's lock pins syn and quote to the versions already built and downloaded.
    let _ = std::fs::copy(manifest_dir.join("../Cargo.lock"), dir.join("Cargo.lock"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--message-format", "short"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        !output.status.success(),
        "the misuse crate compiled, so some mistake passed silently"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_misuse_is_a_compile_error_at_its_place() {
    let source = include_str!("ui/misuse.rs");
    let mut expected = expectations(source);
    assert!(expected.len() >= 15, "the markers were not read");
    let stderr = compile_misuse(source);
    let mut reported = reported(&stderr);
    expected.sort();
    reported.sort();
    let same = expected.len() == reported.len()
        && expected.iter().zip(&reported).all(|(e, r)| {
            (e.line, e.column) == (r.line, r.column) && r.message.starts_with(&e.message)
        });
    let show = |errors: &[Located]| {
        errors
            .iter()
            .map(|e| format!("  {}:{}: {}\n", e.line, e.column, e.message))
            .collect::<String>()
    };
    assert!(
        same,
        "expected:\n{}reported:\n{}\nrustc said:\n{stderr}",
        show(&expected),
        show(&reported)
    );
}
