//! The fixtures are real merchant crates: the annotation syntax they use must compile.

use std::process::Command;

fn cargo_check(fixture: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--workspace", "--manifest-path"])
        .arg(root.join("fixtures").join(fixture).join("Cargo.toml"))
        // One target directory for all fixtures, so their shared dependencies build once.
        .env("CARGO_TARGET_DIR", root.join("target").join("fixtures"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo check` of fixtures/{fixture} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn shop_compiles() {
    cargo_check("shop");
}

#[test]
fn clean_service_compiles() {
    cargo_check("clean-service");
}

#[test]
fn marketing_compiles() {
    cargo_check("marketing");
}

#[test]
fn vault_compiles_with_the_real_secrecy_crate() {
    cargo_check("vault");
}

#[test]
fn broken_does_not_compile() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["check", "--quiet", "--manifest-path"])
        .arg(root.join("fixtures/broken/Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target").join("fixtures"))
        .output()
        .expect("cargo runs");
    assert!(
        !output.status.success(),
        "the broken fixture is meant not to compile"
    );
}
