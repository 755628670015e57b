//! The pre-commit hook as pre-commit itself runs it: the real `pre-commit` (from pip) installs this
//! repository's hook (`repo:` this checkout, `rev:` its HEAD; `language: rust` builds it with
//! `cargo install`) into a throwaway git repository and runs it on what is staged there.

mod common;

use common::python::tool_env;
use common::root;
use std::path::Path;
use std::process::{Command, Output};

const MODEL: &str = "pub struct Customer {\n    pub id: u64,\n    pub phone: String,\n}\n";
const LEAK: &str = "use crate::model::Customer;\n\npub fn notify(c: &Customer) {\n    println!(\"calling {}\", c.phone);\n}\n";
const FIXED: &str = "use crate::model::Customer;\n\npub fn notify(c: &Customer) {\n    println!(\"calling customer {}\", c.id);\n}\n";
const CONFIG: &str = "[[data]]\npath = \"shop::model::Customer.phone\"\ncategory = \"phone\"\npurposes = [\"service\"]\n";

fn git(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new("git")
        .args(["-c", "user.name=Shop Dev", "-c", "user.email=dev@shop.test"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

#[test]
fn the_hook_checks_what_is_staged_and_the_flows_it_touches() {
    let Ok(head) = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root())
        .output()
    else {
        eprintln!("SKIPPED: git is not installed");
        return;
    };
    if !head.status.success() {
        eprintln!("SKIPPED: this checkout is not a git repository, so `repo:` cannot name it");
        return;
    }
    let rev = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let Some(bin) = tool_env("pre-commit", &["pre-commit==4.7.0"]) else {
        return;
    };
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let repo = tempfile::tempdir().expect("tempdir");
    let dir = repo.path();
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        dir,
        "src/lib.rs",
        "pub mod model;\npub mod notify;\npub mod orders;\n",
    );
    write(dir, "src/model.rs", MODEL);
    write(dir, "src/notify.rs", LEAK);
    write(dir, "src/orders.rs", "pub fn count() -> u32 {\n    0\n}\n");
    write(dir, "pii-lint.toml", CONFIG);
    write(
        dir,
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: pii-lint\n",
            root().display()
        ),
    );
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--no-verify", "-m", "shop"]);

    let run = || {
        Command::new(bin.join("pre-commit"))
            .args(["run", "--color", "never"])
            .current_dir(dir)
            // The hook's build and pre-commit's clone are kept between test runs.
            .env("PRE_COMMIT_HOME", scratch.join("pre-commit-home"))
            .env("CARGO_TARGET_DIR", scratch.join("pre-commit-build"))
            .output()
            .expect("pre-commit runs")
    };
    let text = |output: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    };

    // A staged file that no finding touches: the leak in notify.rs is not this commit's business.
    write(dir, "src/orders.rs", "pub fn count() -> u32 {\n    1\n}\n");
    git(dir, &["add", "src/orders.rs"]);
    let unrelated = run();
    assert_eq!(unrelated.status.code(), Some(0), "{}", text(&unrelated));
    assert!(
        text(&unrelated).contains("cargo pii-lint"),
        "{}",
        text(&unrelated)
    );
    git(dir, &["commit", "-q", "--no-verify", "-m", "orders"]);

    // A staged declaration change: the flow it declares leaks in an unstaged file, and is reported.
    write(
        dir,
        "pii-lint.toml",
        &CONFIG.replace("[\"service\"]", "[\"service\", \"security\"]"),
    );
    git(dir, &["add", "pii-lint.toml"]);
    let declaration = run();
    assert_eq!(declaration.status.code(), Some(1), "{}", text(&declaration));
    assert!(
        text(&declaration).contains("log-leak"),
        "{}",
        text(&declaration)
    );
    assert!(
        text(&declaration).contains("src/notify.rs"),
        "{}",
        text(&declaration)
    );

    // Fixing the leak in the same commit passes.
    write(dir, "src/notify.rs", FIXED);
    git(dir, &["add", "src/notify.rs"]);
    let fixed = run();
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed));
}
