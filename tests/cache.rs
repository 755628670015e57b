//! The on-disk cache under `<target-dir>/pii-lint/` (the scale issue's warm runs): a warm run reports byte
//! for byte what a cold run does, after edits too; a damaged cache, runs sharing the cache and
//! `--no-cache` are safe; the target directory is found as cargo finds it.

mod common;

use common::{fixture, json, reported, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A copy of the shop fixture (without its build output) in a temporary directory.
fn shop_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixture("shop"), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).expect("copy");
        }
    }
}

/// The linter on `dir` with `target` as cargo's target directory.
fn command(dir: &Path, target: Option<&Path>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-pii-lint"));
    command
        .args(["--format", "json", "--timings"])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    match target {
        Some(target) => command.env("CARGO_TARGET_DIR", target),
        None => command.env_remove("CARGO_TARGET_DIR"),
    };
    command
}

fn run(dir: &Path, target: Option<&Path>, args: &[&str]) -> Output {
    let output = command(dir, target, args)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "{}",
        stderr(&output)
    );
    output
}

/// `(read back, files)` from `--timings`.
fn read_back(output: &Output) -> (usize, usize) {
    let line = stderr(output)
        .lines()
        .find(|l| l.contains("files read back from the cache"))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no cache line in:\n{}", stderr(output)));
    let numbers: Vec<usize> = line
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// Every file in the cache (each build's pack and last-used stamp, and any temporary file left behind).
fn entries(target: &Path) -> Vec<PathBuf> {
    let base = target.join("pii-lint");
    let mut found = Vec::new();
    for build in std::fs::read_dir(&base).into_iter().flatten().flatten() {
        for entry in std::fs::read_dir(build.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            found.push(entry.path());
        }
    }
    found
}

#[test]
fn a_warm_run_reports_what_a_cold_run_does_after_edits() {
    let shop = shop_copy();
    let target = shop.path().join("target/custom");
    let first = run(shop.path(), Some(&target), &[]);
    assert_eq!(read_back(&first).0, 0, "nothing is cached yet");
    assert!(
        !entries(&target).is_empty(),
        "the first run fills the cache"
    );
    let warm = run(shop.path(), Some(&target), &[]);
    let cold = run(shop.path(), Some(&target), &["--no-cache"]);
    assert_eq!(stdout(&warm), stdout(&cold));
    assert_eq!(stdout(&first), stdout(&cold));
    let (read, files) = read_back(&warm);
    assert!(read > 10 && read + 1 >= files, "{read} of {files}");

    // Lines move in one file and a new leak appears in it; a file is added; another file is removed.
    let accounts = shop.path().join("crates/shop-api/src/accounts.rs");
    let text = std::fs::read_to_string(&accounts).expect("read");
    let mut lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("password reset token {token} issued"))
        .expect("the fixture still has the line this test edits");
    lines.insert(at + 1, "    log::info!(\"again {token}\");");
    lines.splice(at..at, ["", ""]);
    let edited = lines.join("\n") + "\n";
    assert_ne!(
        edited, text,
        "the fixture still has the line this test edits"
    );
    std::fs::write(&accounts, edited).expect("write");
    let lib = shop.path().join("crates/shop-api/src/lib.rs");
    let lib_text = std::fs::read_to_string(&lib).expect("read");
    std::fs::write(&lib, format!("{lib_text}\npub mod extra;\n")).expect("write");
    std::fs::write(
        shop.path().join("crates/shop-api/src/extra.rs"),
        "pub fn nothing() {}\n",
    )
    .expect("write");

    let warm = run(shop.path(), Some(&target), &[]);
    let cold = run(shop.path(), Some(&target), &["--no-cache"]);
    assert_eq!(stdout(&warm), stdout(&cold));
    assert_ne!(
        stdout(&warm),
        stdout(&first),
        "the edit changed the findings"
    );
    let found = reported(&json(&warm));
    for line in [18, 19] {
        let leak = (
            "crates/shop-api/src/accounts.rs".to_string(),
            line,
            "PII005".to_string(),
        );
        assert!(found.contains(&leak), "{leak:?} not in {found:#?}");
    }
    let (read, files) = read_back(&warm);
    assert!(read > 10 && read < files, "{read} of {files}");
}

/// A file's bytes damaged four ways: garbage, nothing, cut in half, and one byte in the middle changed.
fn damaged_copies(bytes: &[u8]) -> [Vec<u8>; 4] {
    let mut flipped = bytes.to_vec();
    flipped[bytes.len() / 2] ^= 0x5a;
    [
        b"not a pack".to_vec(),
        Vec::new(),
        bytes[..bytes.len() / 2].to_vec(),
        flipped,
    ]
}

#[test]
fn a_damaged_cache_is_parsed_again_and_rewritten() {
    let shop = shop_copy();
    let target = shop.path().join("target/custom");
    let cold = run(shop.path(), Some(&target), &["--no-cache"]);
    run(shop.path(), Some(&target), &[]);
    let written: Vec<PathBuf> = entries(&target)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "summaries.pack"))
        .collect();
    assert_eq!(written.len(), 1, "one pack: {written:?}");
    let pack = std::fs::read(&written[0]).expect("read pack");
    for damaged in damaged_copies(&pack) {
        std::fs::write(&written[0], &damaged).expect("damage");
        let warm = run(shop.path(), Some(&target), &[]);
        assert_eq!(stdout(&warm), stdout(&cold));
        let again = run(shop.path(), Some(&target), &[]);
        assert_eq!(stdout(&again), stdout(&cold));
        let (read, files) = read_back(&again);
        assert_eq!(read, files, "the pack was written again whole");
    }
}

/// Four runs at once, each reporting what `cold` says.
fn four_at_once_agree_with(dir: &Path, target: &Path, cold: &Output) {
    let children: Vec<_> = (0..4)
        .map(|_| {
            command(dir, Some(target), &[])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert_eq!(stdout(&output), stdout(cold), "{}", stderr(&output));
    }
}

#[test]
fn runs_sharing_the_cache_at_once_agree() {
    let shop = shop_copy();
    let target = shop.path().join("target/custom");
    let cold = run(shop.path(), Some(&target), &["--no-cache"]);
    four_at_once_agree_with(shop.path(), &target, &cold);
    let warm = run(shop.path(), Some(&target), &[]);
    assert_eq!(stdout(&warm), stdout(&cold));
    // After an edit, runs at once read the summaries and the last run's record while others write them.
    let accounts = shop.path().join("crates/shop-api/src/accounts.rs");
    let text = std::fs::read_to_string(&accounts).expect("read");
    let edited = text.replacen(
        "    token.len()\n",
        "    log::warn!(\"{token}\");\n    token.len()\n",
        1,
    );
    assert_ne!(
        edited, text,
        "the fixture still has the line this test edits"
    );
    std::fs::write(&accounts, edited).expect("write");
    let cold = run(shop.path(), Some(&target), &["--no-cache"]);
    four_at_once_agree_with(shop.path(), &target, &cold);
    let warm = run(shop.path(), Some(&target), &[]);
    assert_eq!(stdout(&warm), stdout(&cold));
    let leftovers: Vec<_> = entries(&target)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn no_cache_writes_nothing() {
    let shop = shop_copy();
    let target = shop.path().join("target/custom");
    run(shop.path(), Some(&target), &["--no-cache"]);
    assert!(!target.join("pii-lint").exists());
}

#[test]
fn the_target_directory_is_found_as_cargo_finds_it() {
    // Without CARGO_TARGET_DIR: `<root>/target`, else `build.target-dir` of `.cargo/config.toml`.
    let shop = shop_copy();
    run(shop.path(), None, &[]);
    assert!(!entries(&shop.path().join("target")).is_empty());

    let shop = shop_copy();
    std::fs::create_dir_all(shop.path().join(".cargo")).expect("mkdir");
    std::fs::write(
        shop.path().join(".cargo/config.toml"),
        "[build]\ntarget-dir = \"elsewhere\"\n",
    )
    .expect("write");
    run(shop.path(), None, &[]);
    assert!(!entries(&shop.path().join("elsewhere")).is_empty());
    assert!(!shop.path().join("target/pii-lint").exists());
}

/// `n of m` from the `--timings` line that contains `what`.
fn counted(output: &Output, what: &str) -> (usize, usize) {
    let line = stderr(output)
        .lines()
        .find(|l| l.contains(what))
        .map(str::to_string)
        .unwrap_or_else(|| panic!("no `{what}` in:\n{}", stderr(output)));
    let numbers: Vec<usize> = (line.split_whitespace())
        .filter_map(|word| word.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// Macro expansions are kept in the cache beside the summaries: a warm run takes them, and reports what
/// a cold run does after a file added before the invoking one (its id moves), an edit of the rules, and
/// a damaged pack.
#[test]
fn kept_macro_expansions_give_what_a_cold_run_does() {
    let rules = "#[macro_export]\nmacro_rules! record {\n    ($name:ident) => {\n        #[derive(Debug)]\n        pub struct $name {\n            pub phone: String,\n        }\n    };\n}\n";
    let dir = common::workspace(&[
        (
            "src/lib.rs",
            "#[macro_use]\npub mod macros;\npub mod models;\npub mod audit;\n",
        ),
        ("src/macros.rs", rules),
        ("src/models.rs", "record!(Contact);\nrecord!(Client);\n"),
        (
            "src/audit.rs",
            "pub fn audit(c: &crate::models::Contact) {\n    println!(\"{:?}\", c);\n}\n",
        ),
    ]);
    let target = dir.path().join("target");
    let same_as_cold = |what: &str| {
        let warm = run(dir.path(), Some(&target), &[]);
        let cold = run(dir.path(), Some(&target), &["--no-cache"]);
        assert_eq!(stdout(&warm), stdout(&cold), "{what}");
        warm
    };
    let first = same_as_cold("first run");
    assert!(
        stdout(&first).contains("Contact.phone"),
        "{}",
        stdout(&first)
    );
    let warm = same_as_cold("nothing changed");
    assert_eq!(counted(&warm, "macro expansions taken"), (2, 2));

    common::write_files(
        dir.path(),
        &[
            ("src/aaa.rs", "pub fn first() {}\n"),
            (
                "src/lib.rs",
                "pub mod aaa;\n#[macro_use]\npub mod macros;\npub mod models;\npub mod audit;\n",
            ),
        ],
    );
    let warm = same_as_cold("a file added before the invocations");
    assert_eq!(counted(&warm, "macro expansions taken"), (2, 2));

    common::write_files(
        dir.path(),
        &[("src/macros.rs", &rules.replace("phone", "email"))],
    );
    let warm = same_as_cold("the rules edited");
    assert!(stdout(&warm).contains("Contact.email"), "{}", stdout(&warm));

    let pack = entries(&target)
        .into_iter()
        .find(|p| p.ends_with("expansions.pack"))
        .expect("the expansions are kept");
    let mut bytes = std::fs::read(&pack).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&pack, &bytes).expect("damage");
    same_as_cold("a damaged pack");
}

/// `(taken, all)` from `--timings`: the evaluations the flow took from the last run's record.
fn evaluations_taken(output: &Output) -> (usize, usize) {
    let Some(line) = stderr(output)
        .lines()
        .find(|l| l.contains("evaluations taken from the analysis before"))
        .map(str::to_string)
    else {
        return (0, 0);
    };
    let numbers: Vec<usize> = line
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

#[test]
fn after_an_edit_of_bodies_or_functions_the_flow_takes_the_last_runs_evaluations() {
    let shop = shop_copy();
    let target = shop.path().join("target/custom");
    let first = run(shop.path(), Some(&target), &[]);
    let has_record = |target: &Path| {
        (entries(target).iter()).any(|p| p.file_name().is_some_and(|n| n == "flow.pack"))
    };
    assert!(!has_record(&target), "a first run leaves no record");
    let second = run(shop.path(), Some(&target), &[]);
    assert_eq!(evaluations_taken(&second).0, 0, "no record yet");
    assert!(has_record(&target), "the second run leaves one");
    let accounts = shop.path().join("crates/shop-api/src/accounts.rs");
    let original = std::fs::read_to_string(&accounts).expect("read");
    let body_edit = original.replacen(
        "    token.len()\n",
        "    log::warn!(\"token {token} again\");\n    token.len()\n",
        1,
    );
    let function_added = format!(
        "{original}\npub fn resend_reset(customer_id: u64) -> usize {{\n    \
         let token = issue_reset_token(customer_id, 7);\n    \
         log::info!(\"resent {{token}}\");\n    token.len()\n}}\n"
    );
    // (A function the config or an attribute names is a declaration: removing one is no such edit.)
    for (what, text) in [
        ("a body edited", &body_edit),
        ("put back", &original),
        ("a function added", &function_added),
        ("put back (the function removed)", &original),
    ] {
        let put_back = what.starts_with("put back");
        assert!(
            put_back || *text != original,
            "the fixture still has what this test edits ({what})"
        );
        std::fs::write(&accounts, text).expect("write");
        let warm = run(shop.path(), Some(&target), &[]);
        let cold = run(shop.path(), Some(&target), &["--no-cache"]);
        assert_eq!(stdout(&warm), stdout(&cold), "{what}");
        if !put_back {
            assert_ne!(stdout(&warm), stdout(&first), "{what} changes the findings");
        }
        let (taken, all) = evaluations_taken(&warm);
        assert!(taken > 0 && taken < all, "{what}: {taken} of {all} taken");
    }
    // Nothing changed since: every evaluation is taken, and the record is left as it is.
    let record = entries(&target)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "flow.pack"))
        .expect("a record");
    let written = std::fs::metadata(&record).and_then(|m| m.modified());
    let again = run(shop.path(), Some(&target), &[]);
    assert_eq!(stdout(&again), stdout(&first));
    let (taken, all) = evaluations_taken(&again);
    assert!(taken > 0 && taken == all, "{taken} of {all} taken");
    assert_eq!(
        std::fs::metadata(&record).and_then(|m| m.modified()).ok(),
        written.ok()
    );
}

#[test]
fn a_damaged_record_of_the_last_run_is_not_used_and_is_written_again() {
    let shop = shop_copy();
    let target = shop.path().join("target/custom");
    let cold = run(shop.path(), Some(&target), &["--no-cache"]);
    // The first run fills the cache, the second leaves a record.
    run(shop.path(), Some(&target), &[]);
    run(shop.path(), Some(&target), &[]);
    let record = entries(&target)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "flow.pack"))
        .expect("a record");
    let bytes = std::fs::read(&record).expect("read record");
    for damaged in damaged_copies(&bytes) {
        std::fs::write(&record, &damaged).expect("damage");
        let warm = run(shop.path(), Some(&target), &[]);
        assert_eq!(stdout(&warm), stdout(&cold));
        assert_eq!(
            evaluations_taken(&warm).0,
            0,
            "a damaged record is not used"
        );
        let again = run(shop.path(), Some(&target), &[]);
        assert_eq!(stdout(&again), stdout(&cold));
        let (taken, all) = evaluations_taken(&again);
        assert!(
            taken > 0 && taken == all,
            "written again whole: {taken} of {all}"
        );
    }
}
