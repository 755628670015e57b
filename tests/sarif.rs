//! SARIF as GitHub code scanning reads it (SPEC 5.3): valid against the official 2.1.0 schema, with the
//! trace as `codeFlows` and linked `relatedLocations`, fingerprints, UTF-16 columns and URIs relative to
//! the repository's root.

mod common;

use common::{json, run_in, write_files};

const CODE: &str = "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\npub fn log(c: &Customer) {\n    /* 😀 */ println!(\"{}\", c.phone);\n}\n";

fn sarif_of_a_workspace_below_the_repository_root() -> serde_json::Value {
    let repository = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(repository.path().join(".git")).expect("git dir");
    let workspace = repository.path().join("services/shop");
    write_files(
        &workspace,
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            ),
            ("src/lib.rs", CODE),
        ],
    );
    json(&run_in(&workspace, &["--format", "sarif"]))
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    // The official schema's `language` pattern has a stray `]`
    // (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) that the validator's check of the schema itself rejects;
    // it is read as the pattern the SARIF text describes (a language tag), every other rule unchanged.
    let text = include_str!("sarif-schema-2.1.0.json").replace(
        "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema");
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema: {e}"));
    let sarif = sarif_of_a_workspace_below_the_repository_root();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does reject what the schema forbids.
    let mut broken = sarif.clone();
    broken["runs"][0]["columnKind"] = serde_json::json!("bytes");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_carries_code_flows_fingerprints_utf16_columns_and_repository_paths() {
    let sarif = sarif_of_a_workspace_below_the_repository_root();
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let leak = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "PII005")
        .expect("the log leak");
    let location = &leak["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "services/shop/src/lib.rs"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // `println!` is character 13 of line 7 and UTF-16 column 14: the emoji before it takes two units.
    assert_eq!(location["region"]["startColumn"], 14);
    let steps = leak["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("thread flow");
    assert!(steps.len() >= 2);
    assert_eq!(
        steps.last().expect("sink")["location"]["physicalLocation"]["region"]["startLine"],
        7
    );
    let related = leak["relatedLocations"].as_array().expect("related");
    assert_eq!(related[0]["id"], 1);
    assert!(leak["message"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("](1)")));
    assert!(leak["partialFingerprints"]["piiLintFinding/v1"].is_string());
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule = rules.iter().find(|r| r["id"] == "PII005").expect("rule");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    assert_eq!(
        rule["helpUri"],
        format!(
            "https://docs.rs/cargo-pii-lint/{}/cargo_pii_lint/lints/log_leak/static.LOG_LEAK.html",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .is_some_and(|u| u.starts_with("file://") && u.ends_with('/')));
}
