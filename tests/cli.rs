//! The command line as users meet it: exit codes, errors on stderr with nothing on stdout, levels,
//! `explain`, and linting without a Cargo.toml.

mod common;

use common::*;
use std::path::Path;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

const MANIFEST: &str = "[package]\nname = \"merchant\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
const UNDECLARED: &str = "pub struct Customer {\n    pub mobile: String,\n}\n";

fn merchant(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[("Cargo.toml", MANIFEST), ("src/lib.rs", UNDECLARED)],
    );
    if let Some(config) = config {
        write(dir.path(), &[("pii-lint.toml", config)]);
    }
    dir
}

fn assert_usage_error(output: &std::process::Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "stderr: {}", stderr(output));
    assert!(
        output.stdout.is_empty(),
        "stdout must stay empty on exit 2: {}",
        stdout(output)
    );
    assert!(
        stderr(output).contains(needle),
        "stderr lacks `{needle}`: {}",
        stderr(output)
    );
}

#[test]
fn warnings_alone_exit_zero_and_deny_warnings_exits_one() {
    let dir = merchant(None);
    let output = run_in(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("PII009 undeclared-personal-data"));
    assert!(stdout(&output).contains("1 findings (0 deny, 1 warn) in 1 files"));
    assert_eq!(
        run_in(dir.path(), &["-D", "warnings"]).status.code(),
        Some(1)
    );
    assert_eq!(
        run_in(
            dir.path(),
            &["pii-lint", "check", "-D", "undeclared_personal_data"]
        )
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn allow_on_the_command_line_wins_over_the_config() {
    let dir = merchant(Some("[lints]\nundeclared-personal-data = \"deny\"\n"));
    assert_eq!(run_in(dir.path(), &[]).status.code(), Some(1));
    let output = run_in(dir.path(), &["-A", "PII009", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(json(&output)["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn quiet_drops_the_summary_line() {
    let dir = merchant(None);
    let output = run_in(dir.path(), &["-q"]);
    assert!(stdout(&output).contains("PII009"));
    assert!(!stdout(&output).contains("findings ("));
}

#[test]
fn no_color_and_color_never_print_no_escape_codes() {
    let dir = merchant(None);
    let output = run_in(dir.path(), &["--color", "never"]);
    assert!(!stdout(&output).contains('\u{1b}'));
    let output = run_in(dir.path(), &["--color", "always"]);
    assert!(
        stdout(&output).contains('\u{1b}'),
        "--color always colours even under NO_COLOR"
    );
}

#[test]
fn timings_go_to_stderr() {
    let dir = merchant(None);
    let output = run_in(dir.path(), &["--timings", "--format", "json"]);
    for phase in ["discover", "parse", "index", "lints", "report", "total"] {
        assert!(
            stderr(&output).contains(&format!("timing: {phase}")),
            "{}",
            stderr(&output)
        );
    }
    json(&output);
}

#[test]
fn config_errors_exit_two_with_file_line_and_column() {
    for (config, needle) in [
        (
            "[lints]\nlog-leek = \"deny\"\n",
            "pii-lint.toml:2:1: unknown lint `log-leek`",
        ),
        (
            "[lints]\nlog-leak = \"forbid\"\n",
            "pii-lint.toml:2:12: unknown level `forbid`",
        ),
        (
            "[files]\nexclud = []\n",
            "pii-lint.toml:2:1: unknown field `exclud`",
        ),
        (
            "[files]\ninclude_tests = \"yes\"\n",
            "pii-lint.toml:2:17: invalid type",
        ),
        (
            "[[sinks]]\npath = \"a::b\"\nkind = \"mail\"\n",
            "pii-lint.toml:3:8: unknown sink kind `mail`",
        ),
        ("[[data]]\ncategory = \"phone\"\n", "missing field `path`"),
        (
            "[controller]\nname = \"\"\n",
            "pii-lint.toml:2:8: [controller] has an empty `name`",
        ),
        (
            "[controller]\nname = \"Shop\"\nemail = \"a@b.c\"\n",
            "pii-lint.toml:3:1: unknown field `email`",
        ),
        (
            "[purposes.crm]\nfideslang = \"Marketing Stuff\"\n",
            "pii-lint.toml:2:13: `Marketing Stuff` is not a fideslang key",
        ),
        ("this is not toml\n", "pii-lint.toml:1:"),
    ] {
        let dir = merchant(Some(config));
        for format in ["human", "json"] {
            assert_usage_error(&run_in(dir.path(), &["--format", format]), needle);
        }
    }
}

#[test]
fn an_empty_config_is_valid() {
    let dir = merchant(Some(""));
    assert_eq!(run_in(dir.path(), &[]).status.code(), Some(0));
}

#[test]
fn usage_errors_exit_two() {
    let dir = merchant(None);
    assert_usage_error(
        &run_in(dir.path(), &["--manifest-path", "nowhere/Cargo.toml"]),
        "does not exist",
    );
    assert_usage_error(
        &run_in(dir.path(), &["--config", "missing.toml"]),
        "cannot read the config",
    );
    assert_usage_error(
        &run_in(dir.path(), &["-D", "log-leek"]),
        "unknown lint `log-leek`",
    );
    assert_usage_error(&run_in(dir.path(), &["--format", "xml"]), "xml");
    assert_usage_error(
        &run_in(dir.path(), &["explain", "no-such-lint"]),
        "unknown lint `no-such-lint`",
    );
    write(dir.path(), &[("Cargo.toml", "[package\nname = 1")]);
    assert_usage_error(&run_in(dir.path(), &[]), "not a valid Cargo manifest");
}

#[test]
fn explain_prints_every_lints_documentation() {
    let dir = merchant(None);
    for code in (0..=11).map(|n| format!("PII{n:03}")) {
        let output = run_in(dir.path(), &["explain", &code]);
        assert_eq!(output.status.code(), Some(0));
        let text = stdout(&output);
        assert!(text.starts_with(&code), "{text}");
        assert!(text.contains("### What it does"), "{text}");
    }
    let by_name = stdout(&run_in(dir.path(), &["explain", "log_leak"]));
    assert_eq!(
        by_name,
        stdout(&run_in(dir.path(), &["pii-lint", "explain", "PII005"]))
    );
    let table = stdout(&run_in(dir.path(), &["explain"]));
    assert_eq!(table.lines().count(), 12);
}

#[test]
fn without_a_manifest_the_given_paths_are_linted() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("loose/customer.rs", UNDECLARED),
            ("other/skip.rs", UNDECLARED),
        ],
    );
    let output = run_in(dir.path(), &["--format", "json", "loose"]);
    let report = json(&output);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["findings"][0]["file"], "loose/customer.rs");
    let output = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(json(&output)["summary"]["files"], 2);
}

#[test]
fn non_utf8_and_empty_files_are_handled() {
    let dir = merchant(None);
    write(
        dir.path(),
        &[
            ("src/lib.rs", "mod empty;\nmod latin1;\n"),
            ("src/empty.rs", ""),
        ],
    );
    std::fs::write(
        dir.path().join("src/latin1.rs"),
        b"// caf\xe9\npub struct A;\n",
    )
    .expect("write");
    let output = run_in(dir.path(), &["--format", "json"]);
    let report = json(&output);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["code"], "PII000");
    assert_eq!(findings[0]["file"], "src/latin1.rs");
    assert_eq!(findings[0]["line"], 1);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn deeply_nested_generated_code_neither_crashes_nor_hangs() {
    let dir = merchant(None);
    let depth = 20_000;
    let code = format!(
        "pub fn f(x: u32) -> u32 {{ {}x{} }}\npub fn g(x: u32) -> u32 {{ {}x{} }}\n",
        "(".repeat(depth),
        ")".repeat(depth),
        "{ ".repeat(depth),
        " }".repeat(depth)
    );
    write(dir.path(), &[("src/lib.rs", &code)]);
    let output = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(json(&output)["summary"]["files"], 1);
}

#[test]
fn files_reports_only_findings_in_those_files() {
    let dir = merchant(None);
    write(
        dir.path(),
        &[
            (
                "src/lib.rs",
                "mod other;\npub struct A { pub mobile: String }\n",
            ),
            ("src/other.rs", "pub struct B { pub email: String }\n"),
        ],
    );
    let output = run_in(dir.path(), &["--format", "json", "--files", "src/other.rs"]);
    let report = json(&output);
    let files: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["file"].clone())
        .collect();
    assert_eq!(files, ["src/other.rs"]);
    assert_eq!(report["summary"]["findings"], 1);
    let output = run_in(
        dir.path(),
        &[
            "--format",
            "json",
            "--files",
            "./src/../src/lib.rs",
            "src/other.rs",
        ],
    );
    assert_eq!(json(&output)["summary"]["findings"], 2);
    let output = run_in(dir.path(), &["-D", "warnings", "--files", "src/nothing.rs"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "unreported findings do not fail the run"
    );
}

#[test]
fn github_format_prints_workflow_annotations() {
    let dir = merchant(None);
    let output = run_in(dir.path(), &["--format", "github"]);
    let text = stdout(&output);
    assert_eq!(
        text.lines().next(),
        Some("::warning file=src/lib.rs,line=2,col=9,endLine=2,endColumn=15,title=PII009 undeclared-personal-data::field `Customer.mobile` looks like personal data (phone) but is not declared%0Ahelp: declare it with `#[pii(category = \"phone\", purpose = \"...\")]` on the field and derive `pii_lint::Pii` on the type, or a [[data]] entry in pii-lint.toml; if it is not personal data, allow the lint with a reason")
    );
    assert_eq!(text.lines().count(), 1);
}

#[test]
fn a_baseline_hides_accepted_findings_and_only_new_ones_fail() {
    let dir = merchant(Some("[lints]\nundeclared-personal-data = \"deny\"\n"));
    let output = run_in(dir.path(), &["--write-baseline", "pii-baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("wrote 1 findings to the baseline"));
    let output = run_in(dir.path(), &["--baseline", "pii-baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("0 findings (0 deny, 0 warn)"));
    // A new finding, and the accepted one moved down a line: only the new one is reported.
    write(dir.path(), &[("src/lib.rs", "pub struct Added { pub email: String }\npub struct Customer {\n    pub mobile: String,\n}\n")]);
    let output = run_in(
        dir.path(),
        &["--baseline", "pii-baseline.json", "--format", "json"],
    );
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["summary"]["findings"], 1);
    assert!(report["findings"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("Added.email")));
}

#[test]
fn a_missing_or_malformed_baseline_is_a_usage_error() {
    let dir = merchant(None);
    assert_usage_error(
        &run_in(dir.path(), &["--baseline", "nowhere.json"]),
        "cannot read the baseline",
    );
    write(
        dir.path(),
        &[(
            "bad.json",
            "{\"version\": 1, \"findings\": [{\"code\": 5}]}",
        )],
    );
    assert_usage_error(
        &run_in(dir.path(), &["--baseline", "bad.json", "--format", "json"]),
        "not a pii-lint baseline",
    );
}

#[test]
fn message_format_json_attaches_config_findings_to_the_package() {
    let dir = merchant(Some(
        "[[data]]\npath = \"merchant::Nowhere\"\ncategory = \"phone\"\npurposes = [\"service\"]\n",
    ));
    let output = run_in(dir.path(), &["--message-format", "json"]);
    let text = stdout(&output);
    let messages: Vec<cargo_metadata::Message> =
        cargo_metadata::Message::parse_stream(text.as_bytes())
            .collect::<Result<_, _>>()
            .expect("cargo messages");
    let in_config = messages
        .iter()
        .find_map(|m| match m {
            cargo_metadata::Message::CompilerMessage(m)
                if m.message
                    .spans
                    .iter()
                    .any(|s| s.file_name == "pii-lint.toml") =>
            {
                Some(m)
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no message in pii-lint.toml:\n{text}"));
    assert!(in_config.message.message.contains("names nothing"));
    assert_eq!(in_config.target.name, "merchant");
    // cargo's own field, which rust-analyzer maps files by.
    let line = text
        .lines()
        .find(|l| l.contains("names nothing"))
        .expect("the line");
    let raw: serde_json::Value = serde_json::from_str(line).expect("JSON");
    let manifest = raw["manifest_path"].as_str().expect("manifest_path");
    assert_eq!(
        std::path::Path::new(manifest),
        dir.path().join("Cargo.toml")
    );
}

#[test]
fn message_format_json_speaks_cargo_messages_for_editors() {
    let dir = merchant(None);
    let output = run_in(dir.path(), &["--message-format", "json"]);
    let text = stdout(&output);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON value a line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["reason"], "compiler-message");
    assert_eq!(
        lines[1],
        serde_json::json!({"reason": "build-finished", "success": true})
    );
    // What tools built on cargo's stream read: every line a message, the findings compiler messages.
    let messages: Vec<cargo_metadata::Message> =
        cargo_metadata::Message::parse_stream(text.as_bytes())
            .collect::<Result<_, _>>()
            .expect("cargo messages");
    match &messages[0] {
        cargo_metadata::Message::CompilerMessage(m) => {
            assert_eq!(m.target.name, "merchant");
            assert!(m.message.message.contains("looks like personal data"));
        }
        other => panic!("not a compiler message: {other:?}"),
    }
    assert!(matches!(
        messages[1],
        cargo_metadata::Message::BuildFinished(_)
    ));
    let d = &lines[0]["message"];
    assert_eq!(d["level"], "warning");
    assert_eq!(d["code"]["code"], "PII009 undeclared-personal-data");
    let span = &d["spans"][0];
    assert_eq!(span["is_primary"], true);
    assert_eq!(
        (span["line_start"].as_u64(), span["column_start"].as_u64()),
        (Some(2), Some(9))
    );
    let (start, end) = (
        span["byte_start"].as_u64().expect("start") as usize,
        span["byte_end"].as_u64().expect("end") as usize,
    );
    assert_eq!(&UNDECLARED[start..end], "mobile");
    assert_eq!(d["children"][0]["level"], "help");
    assert!(d["rendered"]
        .as_str()
        .is_some_and(|r| r.starts_with("warning[PII009]")));
}

#[test]
fn init_writes_a_valid_starter_config_with_suggestions_and_never_overwrites() {
    let dir = merchant(None);
    let output = run_in(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.path().join("pii-lint.toml")).expect("written");
    assert!(
        written.contains("# path = \"merchant::Customer.mobile\""),
        "{written}"
    );
    assert!(written.contains("# category = \"phone\""), "{written}");
    let check = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "the starter config is valid: {}",
        stderr(&check)
    );
    assert_usage_error(&run_in(dir.path(), &["init"]), "exists already");
}

#[test]
fn files_reports_a_flow_whose_declaration_or_path_lies_in_a_given_file() {
    let dir = merchant(None);
    write(
        dir.path(),
        &[
            (
                "src/lib.rs",
                "mod models;\nmod report;\n",
            ),
            (
                "src/models.rs",
                "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n",
            ),
            (
                "src/report.rs",
                "pub fn show(c: &crate::models::Customer) {\n    println!(\"{}\", c.phone);\n}\n",
            ),
        ],
    );
    // Only the declaration's file is staged: the leak it causes in another file is still reported.
    let output = run_in(
        dir.path(),
        &["--format", "json", "--files", "src/models.rs"],
    );
    let report = json(&output);
    let leaks: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "PII005")
        .map(|f| f["file"].clone())
        .collect();
    assert_eq!(leaks, ["src/report.rs"]);

    // Declared in pii-lint.toml instead: staging the config reports the leak too.
    write(
        dir.path(),
        &[
            (
                "src/models.rs",
                "pub struct Customer {\n    pub phone: String,\n}\n",
            ),
            (
                "pii-lint.toml",
                "[[data]]\npath = \"merchant::models::Customer.phone\"\ncategory = \"phone\"\npurposes = [\"service\"]\n",
            ),
        ],
    );
    let staged = |file: &str| {
        let report = json(&run_in(dir.path(), &["--format", "json", "--files", file]));
        let codes: Vec<_> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["code"].clone())
            .collect();
        codes
    };
    assert_eq!(staged("pii-lint.toml"), ["PII005"]);
    assert_eq!(staged("src/lib.rs"), Vec::<serde_json::Value>::new());
}

#[test]
fn the_pre_commit_hook_is_declared_at_the_root() {
    let hooks =
        std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).expect("file");
    for line in [
        "- id: pii-lint",
        "language: rust",
        "require_serial: true",
        "files: '(\\.rs|pii-lint\\.toml)$'",
        "args: [\"-q\", \"--files\"]",
    ] {
        assert!(hooks.contains(line), "missing `{line}`");
    }
}

#[test]
fn github_paths_are_relative_to_the_repository_and_the_step_summary_lists_every_finding() {
    let repository = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(repository.path().join(".git")).expect("git dir");
    let workspace = repository.path().join("services/shop");
    write(
        &workspace,
        &[("Cargo.toml", MANIFEST), ("src/lib.rs", UNDECLARED)],
    );
    let summary = repository.path().join("summary.md");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-pii-lint"))
        .args(["--format", "github"])
        .current_dir(&workspace)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    let annotations = String::from_utf8_lossy(&output.stdout);
    assert!(
        annotations.contains("file=services/shop/src/lib.rs,"),
        "{annotations}"
    );
    let table = std::fs::read_to_string(&summary).expect("summary written");
    assert!(table.starts_with("### cargo pii-lint: "), "{table}");
    assert!(
        table.contains("| level | lint | location | message |"),
        "{table}"
    );
    assert!(table.contains("`services/shop/src/lib.rs:"), "{table}");
}

#[test]
fn baseline_entries_survive_moved_lines_renamed_files_and_data_added_to_the_same_type() {
    let dir = merchant(None);
    let model = "#[derive(pii_lint::Pii, Debug)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n";
    let log = "pub fn log(c: &Customer) {\n    println!(\"{:?}\", c);\n}\n";
    write(
        dir.path(),
        &[
            ("src/lib.rs", "mod orders;\n"),
            ("src/orders.rs", &format!("{model}{log}")),
        ],
    );
    let written = run_in(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(written.status.code(), Some(0));
    let baseline = std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline");
    assert!(baseline.contains("\"fingerprint\""), "{baseline}");

    // Lines moved, the file renamed, a field of the same type added to what is printed.
    let grown = model.replace(
        "    pub phone: String,\n",
        "    pub phone: String,\n    #[pii(category = \"email\", purpose = \"service\")]\n    pub email: String,\n",
    );
    std::fs::remove_file(dir.path().join("src/orders.rs")).expect("remove");
    write(
        dir.path(),
        &[
            ("src/lib.rs", "mod sales;\n"),
            ("src/sales.rs", &format!("\n\n// moved\n{grown}{log}")),
        ],
    );
    let report = json(&run_in(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json"],
    ));
    let codes: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].clone())
        .collect();
    assert!(!codes.contains(&serde_json::json!("PII005")), "{codes:?}");

    // A leak in another function is new.
    write(
        dir.path(),
        &[(
            "src/sales.rs",
            &format!(
                "{grown}{log}pub fn audit(c: &Customer) {{\n    println!(\"{{}}\", c.phone);\n}}\n"
            ),
        )],
    );
    let report = json(&run_in(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "json"],
    ));
    let leaks = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "PII005")
        .count();
    assert_eq!(leaks, 1);
}
