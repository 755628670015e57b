//! Every fixture, mutated token by token with a fixed seed (a few hundred mutations in all): the tool must
//! never panic, must exit 0 or 1, and must print one valid JSON document. A stable-Rust companion of the
//! `cargo fuzz` targets in `fuzz/`.

mod common;

use common::{fixture, run_in};
use std::path::{Path, PathBuf};

const FIXTURES: &[&str] = &["shop", "marketing", "clean-service", "vault", "broken"];
const MUTATIONS_PER_FIXTURE: usize = 100;

/// A small deterministic generator (xorshift), so a failure names a reproducible mutation.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    ";",
    ",",
    "#[pii(",
    "\"",
    "'",
    "::",
    "fn ",
    "impl ",
    "mod x;",
    "*/",
    "/*",
    "//",
    "r#\"",
    "#[pii_lint::purpose(\"",
    "\u{1F600}",
    "\0",
    "=>",
    "?",
];

fn mutate(text: &str, rng: &mut Seeded) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let at = rng.next(chars.len() + 1);
    match rng.next(5) {
        0 => {
            let end = (at + 1 + rng.next(40)).min(chars.len());
            chars.drain(at.min(end)..end);
        }
        1 => {
            let token = TOKENS[rng.next(TOKENS.len())];
            chars.splice(at..at, token.chars());
        }
        2 if chars.len() > 2 => {
            let other = rng.next(chars.len());
            let at = at.min(chars.len() - 1);
            chars.swap(at, other);
        }
        3 => chars.truncate(at),
        _ => {
            let start = rng.next(chars.len() + 1);
            let end = (start + rng.next(200)).min(chars.len());
            let copy: Vec<char> = chars[start..end].to_vec();
            chars.splice(at..at, copy);
        }
    }
    chars.into_iter().collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() && !path.ends_with("target") {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "toml") {
            out.push(path);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            if !source.ends_with("target") {
                copy_dir(&source, &target);
            }
        } else {
            std::fs::copy(&source, &target).expect("copy");
        }
    }
}

#[test]
fn mutated_fixtures_never_panic_and_always_print_json() {
    let mut rng = Seeded(0x5eed_2026);
    for name in FIXTURES {
        let scratch = tempfile::tempdir().expect("tempdir");
        let root = scratch.path().join(name);
        copy_dir(&fixture(name), &root);
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        files.sort();
        for round in 0..MUTATIONS_PER_FIXTURE {
            let file = &files[rng.next(files.len())];
            let original = std::fs::read(file).expect("read");
            let text = String::from_utf8_lossy(&original).into_owned();
            let mutated = mutate(&text, &mut rng);
            std::fs::write(file, &mutated).expect("write");
            let output = run_in(&root, &["--format", "json", "-q"]);
            let code = output.status.code();
            let what = format!("{name}, round {round}, {}", file.display());
            assert!(
                matches!(code, Some(0..=2)),
                "{what}: exit {code:?}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            if code != Some(2) {
                let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&output.stdout);
                assert!(parsed.is_ok(), "{what}: stdout is not JSON");
            } else {
                // Exit 2 is for a manifest or config the mutation broke, and then stdout stays empty.
                assert!(output.stdout.is_empty(), "{what}: exit 2 with output");
                assert!(
                    file.extension().is_some_and(|e| e == "toml"),
                    "{what}: exit 2 for a Rust file\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            std::fs::write(file, &original).expect("restore");
        }
    }
}
