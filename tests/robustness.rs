//! Hostile and broken inputs (SPEC 6): never a crash, a hang or a lost file; limits are said in `notes`
//! and never turned into another finding. Every input is generated here; none is committed.

mod common;

use common::{json, run_in, stderr, workspace};
use std::time::{Duration, Instant};

const PACKAGE: &str = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

const CUSTOMER: &str = "#[derive(pii_lint::Pii, Debug)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n";

fn codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["file"].as_str().unwrap_or(""),
                f["line"],
                f["code"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn notes(report: &serde_json::Value) -> Vec<String> {
    report["notes"]
        .as_array()
        .map(|n| {
            n.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn code_nested_past_the_parsers_stack_is_a_parse_error_with_a_note() {
    let n = 80_000;
    let generics = format!("pub type T = {}u8{};\n", "Vec<".repeat(n), ">".repeat(n));
    let parens = format!(
        "pub fn f() -> u8 {{ {}1{} }}\n",
        "(".repeat(1_000_000),
        ")".repeat(1_000_000)
    );
    let blocks = format!(
        "pub fn g() {{ {}{} }}\n",
        "{".repeat(300_000),
        "}".repeat(300_000)
    );
    let dir = workspace(&[
        ("Cargo.toml", PACKAGE),
        ("src/lib.rs", "mod a;\nmod b;\nmod c;\n"),
        ("src/a.rs", &generics),
        ("src/b.rs", &parens),
        ("src/c.rs", &blocks),
    ]);
    let output = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        codes(&report),
        [
            "src/a.rs:1 PII000",
            "src/b.rs:1 PII000",
            "src/c.rs:1 PII000"
        ]
    );
    assert_eq!(notes(&report).len(), 3, "{:?}", notes(&report));
    assert!(notes(&report)[0].starts_with("src/a.rs: nested more than"));
}

#[test]
fn an_expression_nested_past_the_limit_is_a_note_not_unused_data() {
    let deep = format!(
        "pub fn f(c: &Customer) -> usize {{ {}c.phone.len(){} }}\n",
        "(".repeat(500),
        ")".repeat(500)
    );
    let lib = format!("{CUSTOMER}{deep}");
    let dir = workspace(&[("Cargo.toml", PACKAGE), ("src/lib.rs", &lib)]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert!(codes(&report).is_empty(), "{:?}", codes(&report));
    assert_eq!(
        notes(&report),
        ["src/lib.rs: fn `f`: an expression nested more than 400 levels deep at line 6: the data inside it is not followed"]
    );
}

#[test]
fn a_leak_twenty_calls_deep_is_found() {
    let mut lib = String::from(CUSTOMER);
    lib.push_str("pub fn start(c: &Customer) { step0(&c.phone); }\n");
    for i in 0..20 {
        lib.push_str(&format!("fn step{i}(v: &str) {{ step{}(v); }}\n", i + 1));
    }
    lib.push_str("fn step20(v: &str) { println!(\"{v}\"); }\n");
    let dir = workspace(&[("Cargo.toml", PACKAGE), ("src/lib.rs", &lib)]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert!(
        codes(&report).contains(&"src/lib.rs:27 PII005".to_string()),
        "{:?}",
        codes(&report)
    );
}

#[test]
fn a_struct_printed_whole_is_a_leak_and_its_field_is_read() {
    let lib = format!("{CUSTOMER}#[derive(Debug)]\npub struct Order {{\n    pub customer: Customer,\n}}\npub fn log(o: &Order) {{\n    println!(\"{{o:?}}\");\n}}\n");
    let dir = workspace(&[("Cargo.toml", PACKAGE), ("src/lib.rs", &lib)]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert_eq!(codes(&report), ["src/lib.rs:11 PII005"]);
}

#[cfg(unix)]
#[test]
fn a_config_that_is_a_fifo_or_a_device_is_an_error_not_a_hang() {
    let dir = workspace(&[("Cargo.toml", PACKAGE), ("src/lib.rs", CUSTOMER)]);
    let fifo = dir.path().join("pii-lint.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let start = Instant::now();
    let output = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a regular file"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
    std::fs::remove_file(&fifo).expect("remove fifo");
    for args in [["--config", "/dev/zero"], ["--baseline", "/dev/zero"]] {
        let output = run_in(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("not a regular file"),
            "{}",
            stderr(&output)
        );
    }
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_config_that_is_not_utf8_names_the_line() {
    let dir = workspace(&[("Cargo.toml", PACKAGE), ("src/lib.rs", CUSTOMER)]);
    std::fs::write(
        dir.path().join("pii-lint.toml"),
        b"[files]\ninclude_tests = \xff\n",
    )
    .expect("write");
    let output = run_in(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("line 2, column 17"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("UTF-8"), "{}", stderr(&output));
}

#[test]
fn write_baseline_never_replaces_a_file_that_is_not_a_baseline() {
    let dir = workspace(&[("Cargo.toml", PACKAGE), ("src/lib.rs", CUSTOMER)]);
    for target in ["src/lib.rs", "Cargo.toml"] {
        let before = std::fs::read(dir.path().join(target)).expect("read");
        let output = run_in(dir.path(), &["--write-baseline", target]);
        assert_eq!(output.status.code(), Some(2), "{target}");
        assert!(stderr(&output).contains("is not a pii-lint baseline"));
        assert_eq!(
            std::fs::read(dir.path().join(target)).expect("read"),
            before
        );
    }
    let output = run_in(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let again = run_in(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(again.status.code(), Some(0), "a baseline is replaced");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[cfg(unix)]
#[test]
fn init_does_not_write_through_a_dangling_symlink() {
    let dir = workspace(&[("Cargo.toml", PACKAGE), ("src/lib.rs", CUSTOMER)]);
    let outside = tempfile::tempdir().expect("tempdir");
    let target = outside.path().join("elsewhere.toml");
    std::os::unix::fs::symlink(&target, dir.path().join("pii-lint.toml")).expect("symlink");
    let output = run_in(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!target.exists());
}

#[test]
fn invalid_manifests_are_exit_2_with_file_line_and_column() {
    for (manifest, place) in [
        ("", "Cargo.toml:1:1"),
        ("package = 5\n", "Cargo.toml:1:11"),
        ("[workspace]\nmembers = [5]\n", "Cargo.toml:2:12"),
        ("[workspace]\nmembers = [\"missing\"]\n", "Cargo.toml:2:12"),
    ] {
        let dir = workspace(&[("Cargo.toml", manifest), ("src/lib.rs", CUSTOMER)]);
        let output = run_in(dir.path(), &["--format", "json"]);
        assert_eq!(output.status.code(), Some(2), "{manifest:?}");
        assert!(output.stdout.is_empty());
        assert!(
            stderr(&output).contains(place),
            "{manifest:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_members_glob_matching_nothing_and_a_missing_files_path_are_notes() {
    let manifest = "[workspace]\nmembers = [\"crates/*\", \"app\"]\n";
    let dir = workspace(&[
        ("Cargo.toml", manifest),
        ("app/Cargo.toml", PACKAGE),
        ("app/src/lib.rs", CUSTOMER),
    ]);
    let report = json(&run_in(
        dir.path(),
        &["--format", "json", "--files", "app/src/missing.rs"],
    ));
    let notes = notes(&report);
    assert!(
        notes
            .iter()
            .any(|n| n.contains("glob `crates/*` matches no package")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("--files app/src/missing.rs: no such file")),
        "{notes:?}"
    );
}

#[test]
fn a_star_path_is_one_mistake_only_when_no_type_it_names_has_the_field() {
    let mut lib = String::new();
    for (module, field) in [("a", "name"), ("b", "total"), ("c", "total")] {
        lib.push_str(&format!(
            "pub mod {module} {{\n    pub struct Model {{\n        pub {field}: String,\n    }}\n    pub fn read(m: &Model) -> usize {{\n        m.{field}.len()\n    }}\n}}\n"
        ));
    }
    let config = "[[data]]\npath = \"shop::*::Model.name\"\ncategory = \"name\"\npurposes = [\"service\"]\n\n[[data]]\npath = \"shop::*::Model.email\"\ncategory = \"email\"\npurposes = [\"service\"]\n";
    let dir = workspace(&[
        ("Cargo.toml", PACKAGE),
        ("src/lib.rs", &lib),
        ("pii-lint.toml", config),
    ]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert_eq!(codes(&report), ["pii-lint.toml:7 PII002"]);
    let message = report["findings"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("none of the 3 types"), "{message}");
}

#[test]
fn a_path_imported_twice_behind_cfg_features_names_both_definitions() {
    let lib = r#"mod v1_types {
    pub struct Customer {
        pub phone: String,
    }
}
mod v2_types {
    pub struct Customer {
        pub phone: String,
        pub email: String,
    }
}
#[cfg(feature = "v1")]
pub use v1_types::Customer;
#[cfg(feature = "v2")]
pub use v2_types::Customer;

#[cfg(feature = "v2")]
pub fn handle(c: &Customer) {
    println!("{} {}", c.phone, c.email);
}
"#;
    let manifest = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nv1 = []\nv2 = []\n";
    let config = "[[data]]\npath = \"shop::Customer.phone\"\ncategory = \"phone\"\npurposes = [\"service\"]\n\n[[data]]\npath = \"shop::Customer.email\"\ncategory = \"email\"\npurposes = [\"service\"]\n";
    let dir = workspace(&[
        ("Cargo.toml", manifest),
        ("src/lib.rs", lib),
        ("pii-lint.toml", config),
    ]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    // Both `phone`s are declared (nothing is left undeclared), `email` of v2 too, and v2's handler leaks it.
    assert_eq!(codes(&report), ["src/lib.rs:19 PII005"]);
}
