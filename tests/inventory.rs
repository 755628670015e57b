//! `cargo pii-lint inventory`: the data map a merchant hands to its privacy officer, as Markdown or JSON.

mod common;

use common::python::tool_env;
use common::*;
use serde_json::Value;

const SHOP: &str = r#"use pii_lint::Pii;

#[derive(Pii, Debug)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "phone", purposes = ["service", "marketing"])]
    pub phone: String,
    #[pii(category = "id_number", purpose = "legal_obligation")]
    pub id_card: String,
    #[pii(category = "loyalty_id", purpose = "order_fulfillment")]
    pub loyalty: String,
}

pub fn greet(c: &Customer) {
    println!("calling {}", c.phone);
}

#[pii_lint::erasure]
pub fn forget(c: Customer) {
    drop(c);
}
"#;

const CONFIG: &str = r#"[categories.loyalty_id]
sensitive = false

[purposes.order_fulfillment]
description = "ship | deliver"

[[data]]
path = "shop::Ticket.receiver"
category = "name"
purposes = ["order_fulfillment"]
"#;

const TICKET: &str = "pub struct Ticket {\n    pub receiver: String,\n}\n";

fn shop() -> tempfile::TempDir {
    workspace(&[
        (
            "src/lib.rs",
            &format!("pub mod ticket;\npub use ticket::Ticket;\n{SHOP}"),
        ),
        ("src/ticket.rs", TICKET),
        ("pii-lint.toml", CONFIG),
    ])
}

fn inventory_json(dir: &std::path::Path) -> Value {
    let output = run_in(dir, &["inventory", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    json(&output)
}

fn declaration<'a>(map: &'a Value, path: &str) -> &'a Value {
    map["declarations"]
        .as_array()
        .expect("declarations")
        .iter()
        .find(|d| d["path"] == path)
        .unwrap_or_else(|| panic!("no declaration `{path}` in {map:#}"))
}

#[test]
fn json_lists_each_declaration_with_its_rules_readers_and_sinks() {
    let dir = shop();
    let map = inventory_json(dir.path());
    assert_eq!(map["version"], 1);
    assert_eq!(map["tool"]["name"], "cargo-pii-lint");
    let paths: Vec<&str> = map["declarations"]
        .as_array()
        .expect("declarations")
        .iter()
        .map(|d| d["path"].as_str().expect("path"))
        .collect();
    assert_eq!(
        paths,
        [
            "shop::Customer.id_card",
            "shop::Customer.loyalty",
            "shop::Customer.phone",
            "shop::ticket::Ticket.receiver",
        ]
    );

    let phone = declaration(&map, "shop::Customer.phone");
    assert_eq!(phone["type"], "shop::Customer");
    assert_eq!(phone["field"], "phone");
    assert_eq!(phone["category"], "phone");
    assert_eq!(phone["fideslang_category"], "user.contact.phone_number");
    assert_eq!(phone["sensitive"], false);
    let purposes = serde_json::json!([
        {"name": "service", "defined": true, "consent": null, "fideslang_use": "essential.service"},
        {"name": "marketing", "defined": true, "consent": "marketing", "fideslang_use": "marketing"},
    ]);
    assert_eq!(phone["purposes"], purposes);
    assert_eq!(
        phone["declared_at"],
        serde_json::json!({"file": "src/lib.rs", "line": 8, "by": "attribute"})
    );
    assert_eq!(phone["read_by"], serde_json::json!(["shop::greet"]));
    let sinks = phone["sinks"].as_array().expect("sinks");
    assert_eq!(sinks.len(), 1, "{sinks:#?}");
    assert_eq!(sinks[0]["kind"], "log");
    assert_eq!(sinks[0]["file"], "src/lib.rs");
    assert_eq!(sinks[0]["line"], 17);
    assert_eq!(sinks[0]["function"], "shop::greet");
    assert!(sinks[0]["sink"]
        .as_str()
        .expect("sink")
        .contains("println!"));
    assert_eq!(phone["erasure"], true);

    let id_card = declaration(&map, "shop::Customer.id_card");
    assert_eq!(id_card["sensitive"], true);
    assert_eq!(id_card["fideslang_category"], "user.government_id");
    assert_eq!(id_card["read_by"], serde_json::json!([]));
    assert_eq!(id_card["sinks"], serde_json::json!([]));
}

#[test]
fn config_declarations_and_config_rules_have_no_fideslang_key() {
    let dir = shop();
    let map = inventory_json(dir.path());
    let loyalty = declaration(&map, "shop::Customer.loyalty");
    assert_eq!(loyalty["category"], "loyalty_id");
    assert_eq!(loyalty["fideslang_category"], Value::Null);
    assert_eq!(loyalty["purposes"][0]["fideslang_use"], Value::Null);
    assert_eq!(loyalty["purposes"][0]["consent"], Value::Null);

    let receiver = declaration(&map, "shop::ticket::Ticket.receiver");
    assert_eq!(
        receiver["declared_at"],
        serde_json::json!({"file": "pii-lint.toml", "line": 8, "by": "config"})
    );
    assert_eq!(receiver["fideslang_category"], "user.name");
    assert_eq!(receiver["erasure"], false);

    let purposes: Vec<&str> = map["purposes"]
        .as_array()
        .expect("purposes")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        purposes,
        [
            "analytics",
            "legal_obligation",
            "marketing",
            "order_fulfillment",
            "security",
            "service",
            "third_party_sharing"
        ]
    );
}

#[test]
fn markdown_is_the_default_with_one_row_per_declaration() {
    let dir = shop();
    let output = run_in(dir.path(), &["inventory"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("# Personal data inventory\n"), "{text}");
    assert!(text.contains("CRPL Art. 29 ¶1"), "{text}");
    assert!(text.contains(
        "| data | category | sensitive | purposes | consent | retention | read by | sinks | erasure |\n"
    ));
    let phone = text
        .lines()
        .find(|l| l.starts_with("| `shop::Customer.phone`"))
        .unwrap_or_else(|| panic!("no row for Customer.phone:\n{text}"));
    let cells: Vec<&str> = phone
        .trim_matches('|')
        .split(" | ")
        .map(str::trim)
        .collect();
    assert_eq!(cells.len(), 9, "{phone}");
    assert_eq!(
        cells[0],
        "`shop::Customer.phone`<br>src/lib.rs:8 (`#[pii]`)"
    );
    assert_eq!(cells[1], "phone (`user.contact.phone_number`)");
    assert_eq!(cells[2], "no");
    assert_eq!(cells[3], "service<br>marketing");
    assert_eq!(cells[4], "service: none<br>marketing: `marketing`");
    assert_eq!(cells[5], "—", "no retention stated");
    assert_eq!(cells[6], "`shop::greet`");
    assert!(cells[7].starts_with("log ") && cells[7].ends_with(" at src/lib.rs:17"));
    assert_eq!(cells[8], "yes");
    assert!(
        text.contains("| loyalty_id (—) |"),
        "a configured category has no fideslang key:\n{text}"
    );
    assert!(
        text.contains("| `order_fulfillment` | none | ship \\| deliver | — |"),
        "a `|` in a cell is escaped:\n{text}"
    );
    assert!(
        text.contains("| `marketing` | `marketing` | marketing to the consumer | `marketing` |")
    );
}

#[test]
fn a_workspace_without_personal_data_says_so() {
    let dir = workspace(&[(
        "src/lib.rs",
        "pub fn add(a: u32, b: u32) -> u32 { a + b }\n",
    )]);
    let output = run_in(dir.path(), &["inventory"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("No personal data is declared in this workspace."));
    let map = inventory_json(dir.path());
    assert_eq!(map["declarations"], serde_json::json!([]));
}

#[test]
fn config_and_usage_errors_exit_two_with_nothing_on_stdout() {
    let dir = workspace(&[
        ("src/lib.rs", SHOP),
        (
            "pii-lint.toml",
            "[categories.loyalty_id]\nsensitive = \"maybe\"\n",
        ),
    ]);
    for args in [
        &["inventory"][..],
        &["inventory", "--format", "json"],
        &["inventory", "--format", "sarif"],
        &["inventory", "--manifest-path", "missing/Cargo.toml"],
    ] {
        let output = run_in(dir.path(), args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}: {}", stdout(&output));
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn the_shop_fixture_maps_every_declaration_whatever_its_findings() {
    let first = run_fixture_inventory(&["--format", "json"]);
    // `check` exits 1 on this fixture: the inventory reports, it does not judge.
    assert_eq!(first.status.code(), Some(0), "stderr: {}", stderr(&first));
    assert_eq!(
        first.stdout,
        run_fixture_inventory(&["--format", "json"]).stdout,
        "output is identical from run to run"
    );
    let map = json(&first);
    let paths: Vec<&str> = map["declarations"]
        .as_array()
        .expect("declarations")
        .iter()
        .map(|d| d["path"].as_str().expect("path"))
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "declarations come in path order");

    let id_card = declaration(&map, "shop_core::models::customer::Customer.id_card");
    assert_eq!(id_card["sensitive"], true);
    assert_eq!(id_card["fideslang_category"], "user.government_id");
    assert_eq!(id_card["purposes"][0]["name"], "legal_obligation");
    assert_eq!(
        id_card["declared_at"]["file"],
        "crates/shop-core/src/models/customer.rs"
    );
    assert_eq!(id_card["declared_at"]["by"], "attribute");

    let email = declaration(&map, "shop_core::models::contact::EmailAddress");
    assert_eq!(email["field"], Value::Null);
    assert_eq!(email["fideslang_category"], "user.contact.email");

    let courier = declaration(&map, "shop_core::vendor::CourierTicket.receiver_phone");
    assert_eq!(
        courier["declared_at"],
        serde_json::json!({"file": "pii-lint.toml", "line": 11, "by": "config"})
    );
    assert_eq!(courier["purposes"][0]["name"], "order_fulfillment");
    assert_eq!(courier["purposes"][0]["fideslang_use"], Value::Null);

    // The kinds of declaration a real service needs (SPEC 3), each in the shop's config.
    let token = declaration(&map, "shop_api::accounts::issue_reset_token()");
    assert_eq!(token["kind"], "returns");
    assert_eq!(token["retention"], "until used, at most 30 minutes");
    assert_eq!(
        declaration(&map, "shop_api::accounts::sign_in(username)")["kind"],
        "param"
    );
    assert_eq!(
        declaration(&map, "axum::extract::ConnectInfo")["kind"],
        "dependency_type"
    );
    let hash = declaration(&map, "shop_api::accounts::StoredLogin.password_hash");
    assert_eq!(hash["protected"], true);

    // A purpose that is defined nowhere (a typo) is shown as such, not as needing no consent.
    let misspelt = declaration(&map, "shop_core::vendor::CourierTicket.receiver_name");
    assert_eq!(misspelt["purposes"][0]["defined"], false);

    let markdown = run_fixture_inventory(&[]);
    assert_eq!(markdown.status.code(), Some(0));
    let text = stdout(&markdown);
    let rows = text
        .lines()
        .filter(|l| l.starts_with("| `") && (l.contains("(`#[pii]`)") || l.contains("(`[[data]]`")))
        .count();
    assert_eq!(rows, paths.len(), "one table row per declaration:\n{text}");
    assert!(text.contains("order_fulfilment: ?"), "{text}");
}

fn run_fixture_inventory(args: &[&str]) -> std::process::Output {
    let manifest = fixture("shop").join("Cargo.toml");
    let mut all = vec![
        "inventory",
        "--manifest-path",
        manifest.to_str().expect("utf-8 path"),
    ];
    all.extend_from_slice(args);
    run_in(&root(), &all)
}

/// The content of a processing notice: who (the controller), what, why, how long, to whom.
const RECORD_CODE: &str = r#"pub struct Customer {
    pub id: u64,
    pub phone: String,
    pub email: String,
    pub loyalty: String,
}

pub mod crm {
    pub fn push_contacts(c: &super::Customer) {
        let _ = c;
    }
}

pub fn sync(c: &Customer) {
    crm::push_contacts(c);
    println!("{}", c.email);
}
"#;

const RECORD_CONFIG: &str = r#"[controller]
name = "Example Shop Ltd."
contact = "privacy@example.com"

[categories.loyalty_id]
fideslang = "user.unique_id"

[purposes.order_fulfillment]
description = "Ship what was ordered"
[purposes.newsletter]
consent = "marketing"

[[data]]
path = "shop::Customer.phone"
category = "phone"
purposes = ["order_fulfillment"]
retention = "two years after the last order"

[[data]]
path = "shop::Customer.email"
category = "email"
purposes = ["newsletter", "service"]

[[data]]
path = "shop::Customer.loyalty"
category = "loyalty_id"
purposes = ["service"]

[[sinks]]
path = "shop::crm::push_contacts"
kind = "export"
purpose = "newsletter"
recipient = "Acme CRM Inc. (processor)"
"#;

fn record_workspace() -> tempfile::TempDir {
    workspace(&[
        ("src/lib.rs", RECORD_CODE),
        ("pii-lint.toml", RECORD_CONFIG),
    ])
}

#[test]
fn controller_retention_and_recipients_are_in_the_json_and_markdown_inventories() {
    let dir = record_workspace();
    let map = inventory_json(dir.path());
    assert_eq!(
        map["controller"],
        serde_json::json!({"name": "Example Shop Ltd.", "contact": "privacy@example.com"})
    );
    let phone = declaration(&map, "shop::Customer.phone");
    assert_eq!(phone["retention"], "two years after the last order");
    let email = declaration(&map, "shop::Customer.email");
    assert_eq!(email["retention"], Value::Null);
    let export = email["sinks"]
        .as_array()
        .expect("sinks")
        .iter()
        .find(|s| s["kind"] == "export")
        .expect("the CRM export");
    assert_eq!(export["recipient"], "Acme CRM Inc. (processor)");
    assert_eq!(export["purpose"], "newsletter");
    assert_eq!(
        declaration(&map, "shop::Customer.loyalty")["fideslang_category"],
        "user.unique_id"
    );

    let output = run_in(dir.path(), &["inventory"]);
    let markdown = stdout(&output);
    assert!(
        markdown.contains("Controller: **Example Shop Ltd.**, contact: privacy@example.com."),
        "{markdown}"
    );
    assert!(
        markdown.contains("| two years after the last order |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("export `push_contacts` to Acme CRM Inc. (processor) at src/lib.rs:15"),
        "{markdown}"
    );
    assert!(markdown.contains("## Recipients"), "{markdown}");
}

#[test]
fn a_fides_manifest_loads_in_fideslang_with_known_keys() {
    let dir = record_workspace();
    let output = run_in(dir.path(), &["inventory", "--format", "fides"]);
    assert_eq!(output.status.code(), Some(0), "stderr: {}", stderr(&output));
    let manifest = stdout(&output);
    // What the manifest says, whatever validates it.
    for expected in [
        "legal_name: \"Example Shop Ltd.\"",
        "retention_period: \"shop::Customer.phone: two years after the last order\"",
        "third_parties: \"Acme CRM Inc. (processor)\"",
        "data_use: \"marketing\"",
        "data_use: \"essential\"",
    ] {
        assert!(
            manifest.contains(expected),
            "no `{expected}` in:\n{manifest}"
        );
    }
    let path = dir.path().join("fides.yml");
    std::fs::write(&path, &manifest).expect("write the manifest");
    let Some(bin) = tool_env("fideslang", &["fideslang==3.1.4", "pyyaml"]) else {
        return;
    };
    let validate = |path: &std::path::Path, text: &str| {
        let validated = std::process::Command::new(bin.join("python"))
            .arg(root().join("tests/fides_validate.py"))
            .arg(path)
            .output()
            .expect("python runs");
        assert!(
            validated.status.success(),
            "fideslang rejects the manifest:\n{}{}\n{text}",
            String::from_utf8_lossy(&validated.stdout),
            String::from_utf8_lossy(&validated.stderr)
        );
    };
    validate(&path, &manifest);
    // The shop fixture, with its undefined purpose and config-only category, loads too.
    let shop = stdout(&run_fixture_inventory(&["--format", "fides"]));
    let path = dir.path().join("shop.yml");
    std::fs::write(&path, &shop).expect("write the manifest");
    validate(&path, &shop);
}
