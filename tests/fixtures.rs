//! The fixtures are merchant workspaces whose expected findings are marked in their source
//! (`//~ PII009`); the tool must report exactly those, with stable JSON and human output.

mod common;

use common::*;

#[test]
fn shop_reports_exactly_its_marked_findings() {
    assert_markers("shop");
}

#[test]
fn clean_service_has_no_findings_and_exits_zero() {
    assert_markers("clean-service");
    let output = run_fixture("clean-service", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("0 findings (0 deny, 0 warn)"));
}

#[test]
fn marketing_reports_each_violation_and_not_its_twin() {
    assert_markers("marketing");
    let output = run_fixture("marketing", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn vault_reports_what_secrecy_does_not_mask_and_nothing_it_masks() {
    assert_markers("vault");
}

#[test]
fn broken_workspace_is_still_analysed() {
    assert_markers("broken");
    let output = run_fixture("broken", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn shop_fails_the_build_with_deny_findings() {
    let output = run_fixture("shop", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["version"], 1);
    let findings = report["findings"].as_array().expect("findings");
    let summary = &report["summary"];
    assert_eq!(summary["findings"].as_u64(), Some(findings.len() as u64));
    let deny = findings.iter().filter(|f| f["level"] == "deny").count() as u64;
    assert_eq!(summary["deny"].as_u64(), Some(deny));
    assert!(deny > 0);
}

#[test]
fn json_output_is_sorted_and_identical_from_run_to_run() {
    let first = stdout(&run_fixture("shop", &["--format", "json"]));
    let second = stdout(&run_fixture("shop", &["--format", "json"]));
    assert_eq!(first, second);
    let report: serde_json::Value = serde_json::from_str(&first).expect("json");
    let keys: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().map(str::to_string),
                f["line"].as_u64(),
                f["column"].as_u64(),
                f["code"].as_str().map(str::to_string),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn json_snapshots() {
    for name in ["shop", "clean-service", "broken", "marketing"] {
        let output = run_fixture(name, &["--format", "json"]);
        insta::assert_snapshot!(format!("{name}-json"), stdout(&output));
    }
}

#[test]
fn human_snapshots() {
    for name in ["shop", "clean-service", "broken", "marketing"] {
        let output = run_fixture(name, &["--color", "never"]);
        insta::assert_snapshot!(format!("{name}-human"), stdout(&output));
    }
}

#[test]
fn sarif_carries_every_rule_and_every_finding() {
    let json_report = json(&run_fixture("shop", &["--format", "json"]));
    let output = run_fixture("shop", &["--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let sarif = json(&output);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 12);
    assert!(rules[5]["help"]["markdown"]
        .as_str()
        .is_some_and(|h| h.contains("### Why: the law")));
    let results = run["results"].as_array().expect("results");
    let findings = json_report["findings"].as_array().expect("findings");
    assert_eq!(results.len(), findings.len());
    // SARIF paths are relative to the repository's root: the fixture sits in `fixtures/shop/` of this
    // checkout when it is a git repository.
    let prefix = if root().join(".git").exists() {
        "fixtures/shop/"
    } else {
        ""
    };
    for (result, finding) in results.iter().zip(findings) {
        assert_eq!(result["ruleId"], finding["code"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], finding["line"]);
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            format!("{prefix}{}", finding["file"].as_str().unwrap_or_default())
        );
        assert_eq!(
            result["level"],
            if finding["level"] == "deny" {
                "error"
            } else {
                "warning"
            }
        );
        assert_eq!(
            result["relatedLocations"].as_array().map(Vec::len),
            finding["trace"].as_array().map(Vec::len)
        );
    }
}

#[test]
fn marketing_inventory_snapshots() {
    let manifest = fixture("marketing").join("Cargo.toml");
    let manifest = manifest.to_str().expect("utf-8 path");
    let markdown = run_in(&root(), &["inventory", "--manifest-path", manifest]);
    assert_eq!(markdown.status.code(), Some(0), "{}", stderr(&markdown));
    insta::assert_snapshot!("marketing-inventory-markdown", stdout(&markdown));
    let json = run_in(
        &root(),
        &["inventory", "--format", "json", "--manifest-path", manifest],
    );
    insta::assert_snapshot!("marketing-inventory-json", stdout(&json));
}

/// Like clippy's `missing-test-files`: every lint is expected somewhere in the fixtures, so each one is
/// proved end to end on a real crate.
#[test]
fn every_lint_is_expected_by_some_fixture() {
    let mut expected_codes = std::collections::BTreeSet::new();
    for name in ["shop", "clean-service", "broken", "marketing"] {
        expected_codes.extend(
            expected(&fixture(name))
                .into_iter()
                .map(|(_, _, code)| code),
        );
    }
    let missing: Vec<&str> = cargo_pii_lint::lints::all()
        .map(|lint| lint.code)
        .filter(|code| !expected_codes.contains(*code))
        .collect();
    assert!(missing.is_empty(), "no fixture expects {missing:?}");
}
