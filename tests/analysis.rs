//! What the analysis makes of a merchant's code: annotations recognised as SPEC 2 says, personal-data
//! types through containers and across crates, config declarations, suppressions. Each case runs the
//! whole pipeline on a small workspace written to a temporary directory.

mod common;

use common::{findings_allowing, workspace};

/// These cases are about declarations: whether declared data is later read or erased is other tests' business.
fn findings(dir: &std::path::Path) -> Vec<String> {
    findings_allowing(dir, &["unused-personal-data", "no-erasure-path"])
}

fn lib(text: &str) -> Vec<String> {
    findings(workspace(&[("src/lib.rs", text)]).path())
}

#[test]
fn attributes_are_recognised_by_path_or_import_only() {
    let text = r#"
use pii_lint::purpose as goal;
#[pii_lint::purpose("markting")]
fn by_path() {}
#[goal("markting")]
fn renamed() {}
mod inner;
"#;
    let inner =
        "use pii_lint::*;\n#[consent_check(\"nonsense\")]\nfn glob_imported() -> bool { true }\n";
    let elsewhere = "#[purpose(\"markting\")]\nfn not_imported() {}\n#[pii_lint::purpose(\"service\")]\nfn fine() {}\n";
    let dir = workspace(&[
        ("src/lib.rs", text),
        ("src/inner.rs", inner),
        ("src/elsewhere.rs", elsewhere),
    ]);
    assert_eq!(
        findings(dir.path()),
        [
            "src/inner.rs:2 PII002",
            "src/lib.rs:3 PII002",
            "src/lib.rs:5 PII002"
        ]
    );
}

#[test]
fn pii_helper_is_read_only_on_types_deriving_pii_or_redacted_debug() {
    let text = r#"
#[derive(Pii)]
pub struct A { #[pii(category = "phone")] pub phone: String }
#[derive(pii_lint::RedactedDebug)]
pub struct B { #[pii(category = "phone")] pub phone: String }
#[derive(Debug)]
pub struct C { #[pii(category = "phone")] pub phone: String }
"#;
    assert_eq!(
        lib(text),
        [
            "src/lib.rs:3 PII001",
            "src/lib.rs:5 PII001",
            "src/lib.rs:7 PII009"
        ]
    );
}

#[test]
fn malformed_attributes_are_invalid_and_count_as_declared() {
    let text = r#"
#[derive(pii_lint::Pii)]
pub struct A {
    #[pii(purpose = "service")]
    pub phone: String,
    #[pii(category = phone, purpose = "service")]
    pub email: String,
}
#[pii_lint::sink(kind = "mail")]
fn send() {}
#[pii_lint::purpose]
fn nothing() {}
#[pii_lint::sanitizer(strong)]
fn mask() {}
"#;
    assert_eq!(
        lib(text),
        [
            "src/lib.rs:4 PII002",
            "src/lib.rs:6 PII002",
            "src/lib.rs:9 PII002",
            "src/lib.rs:11 PII002",
            "src/lib.rs:13 PII002"
        ]
    );
}

#[test]
fn a_type_without_purpose_is_reported_once_at_the_type() {
    let text = r#"
#[derive(pii_lint::Pii)]
#[pii(category = "email")]
pub struct EmailAddress(String);

#[derive(pii_lint::Pii)]
pub struct Customer {
    pub primary: EmailAddress,
    pub others: Vec<EmailAddress>,
}
"#;
    assert_eq!(lib(text), ["src/lib.rs:4 PII001"]);
}

#[test]
fn fields_holding_personal_types_through_containers_are_declared() {
    let text = r#"
use std::collections::HashMap;
use std::sync::Arc;
#[derive(pii_lint::Pii)]
#[pii(category = "email", purpose = "service")]
pub struct EmailAddress(String);
pub struct Customer<'a> {
    pub email: Option<EmailAddress>,
    pub email_history: Vec<Box<EmailAddress>>,
    pub email_by_label: HashMap<String, Arc<EmailAddress>>,
    pub email_ref: &'a [EmailAddress],
    pub email_pair: (u8, [EmailAddress; 2]),
    pub email_raw: String,
}
"#;
    assert_eq!(lib(text), ["src/lib.rs:13 PII009"]);
}

#[test]
fn undeclared_fields_by_name_and_by_type() {
    let text = r#"
pub struct PhoneNumber(String);
pub struct Customer {
    pub customer_id: u64,
    pub phone_model: String,
    pub email_verified: bool,
    pub mobile: String,
    pub contact: PhoneNumber,
    pub shenfenzheng: String,
}
pub enum Contact { Sms { shouji: String }, Mail(String) }
"#;
    assert_eq!(
        lib(text),
        [
            "src/lib.rs:2 PII009",
            "src/lib.rs:7 PII009",
            "src/lib.rs:9 PII009",
            "src/lib.rs:11 PII009"
        ]
    );
}

#[test]
fn personal_types_resolve_across_modules_and_crates() {
    let dir = workspace(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
        ("crates/core/Cargo.toml", "[package]\nname = \"shop-core\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        ("crates/core/src/lib.rs", "pub mod models;\npub use models::contact::EmailAddress;\n"),
        ("crates/core/src/models/mod.rs", "pub mod contact;\n"),
        (
            "crates/core/src/models/contact.rs",
            "#[derive(pii_lint::Pii)]\n#[pii(category = \"email\", purpose = \"service\")]\npub struct EmailAddress(String);\n",
        ),
        (
            "crates/api/Cargo.toml",
            "[package]\nname = \"shop-api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\ncore = { path = \"../core\", package = \"shop-core\" }\n",
        ),
        (
            "crates/api/src/lib.rs",
            "use core::EmailAddress;\npub struct Order {\n    pub email: EmailAddress,\n    pub backup_email: core::models::contact::EmailAddress,\n    pub email_text: String,\n}\n",
        ),
    ]);
    assert_eq!(findings(dir.path()), ["crates/api/src/lib.rs:5 PII009"]);
}

#[test]
fn config_declarations_and_their_mistakes_point_into_the_config() {
    let config = r#"[purposes.order_fulfillment]
description = "ship orders"

[[data]]
path = "shop::vendor::Ticket.receiver_phone"
category = "phone"
purposes = ["order_fulfillment"]

[[data]]
path = "shop::vendor::Ticket.receiver_name"
category = "name"

[[data]]
path = "shop::vendor::Ticket.receiver_address"
category = "adress"
purpose = "shipping"

[[data]]
path = "shop::vendor::Ticket.nothing"
category = "name"
purpose = "service"

[[data]]
path = "shop::*::Parcel"
category = "address"
purpose = "service"

[[consent_checks]]
path = "shop::vendor::Ticket::opted_in"
consent = "marketing"

[[sanitizers]]
path = "shop::nowhere::mask"
"#;
    let code = "pub mod vendor {\n    pub struct Ticket {\n        pub receiver_phone: String,\n        pub receiver_name: String,\n        pub receiver_address: String,\n    }\n    impl Ticket {\n        pub fn opted_in(&self) -> bool { true }\n    }\n    pub struct Parcel { pub address: String }\n}\n";
    let dir = workspace(&[("src/lib.rs", code), ("pii-lint.toml", config)]);
    assert_eq!(
        findings(dir.path()),
        [
            "pii-lint.toml:10 PII001",
            "pii-lint.toml:15 PII002",
            "pii-lint.toml:16 PII002",
            "pii-lint.toml:19 PII002",
            "pii-lint.toml:33 PII002",
        ]
    );
}

#[test]
fn suppressions_need_a_reason() {
    let text = r#"
#[pii_lint::allow(undeclared_personal_data, reason = "vendor payload, declared in the config")]
pub struct A { pub mobile: String }
#[pii_lint::allow(undeclared_personal_data)]
pub struct B { pub mobile: String }
pub struct C {
    // pii-lint: allow(undeclared-personal-data) reason: a test double
    pub mobile: String,
    pub email: String, // pii-lint: allow(PII009) reason: never stored
    pub phone: String, // pii-lint: allow(PII009)
    pub tel: String, // pii-lint: allow(log-leek) reason: typo in the lint name
}
"#;
    assert_eq!(
        lib(text),
        // On one line the field's name comes before the comment (column order).
        [
            "src/lib.rs:4 PII002",
            "src/lib.rs:5 PII009",
            "src/lib.rs:10 PII009",
            "src/lib.rs:10 PII002",
            "src/lib.rs:11 PII009",
            "src/lib.rs:11 PII002"
        ]
    );
}

#[test]
fn test_code_is_skipped_unless_included() {
    let text = "#[cfg(test)]\nmod tests {\n    pub struct Fake { pub mobile: String }\n}\n";
    assert!(lib(text).is_empty());
    let dir = workspace(&[
        ("src/lib.rs", text),
        ("pii-lint.toml", "[files]\ninclude_tests = true\n"),
    ]);
    assert_eq!(findings(dir.path()), ["src/lib.rs:3 PII009"]);
}

#[test]
fn a_syntax_error_in_one_file_leaves_the_others_analysed() {
    let dir = workspace(&[
        ("src/lib.rs", "mod broken;\nmod fine;\n"),
        ("src/broken.rs", "pub fn f( {\n"),
        ("src/fine.rs", "pub struct A { pub mobile: String }\n"),
    ]);
    assert_eq!(
        findings(dir.path()),
        ["src/broken.rs:1 PII000", "src/fine.rs:1 PII009"]
    );
}

/// The language server's re-analysis parses only the files that changed, and gives what a fresh run gives.
#[test]
fn a_reanalysis_reusing_unchanged_files_equals_a_fresh_run() {
    use cargo_pii_lint::pipeline::{check, check_reusing, CheckRequest, Memo};
    let dir = common::workspace(&[
        (
            "src/lib.rs",
            "pub mod models;\npub mod orders;\n",
        ),
        (
            "src/models.rs",
            "#[derive(pii_lint::Pii, Debug)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n",
        ),
        (
            "src/orders.rs",
            "pub fn place(c: &crate::models::Customer) -> usize {\n    c.phone.len()\n}\n",
        ),
    ]);
    let request = CheckRequest {
        cwd: dir.path().to_path_buf(),
        ..CheckRequest::default()
    };
    let shown = |findings: &[cargo_pii_lint::diagnostic::Finding]| {
        findings
            .iter()
            .map(|f| format!("{:?} {} {}", f.span, f.message, f.fingerprint))
            .collect::<Vec<_>>()
    };
    let mut memo = Memo::kept();
    let first = check_reusing(&request, &mut memo).expect("runs");
    assert_eq!(
        shown(&first.findings),
        shown(&check(&request).expect("runs").findings)
    );
    // An edit that adds a leak: one file parsed again, the others reused.
    common::write_files(
        dir.path(),
        &[(
            "src/orders.rs",
            "pub fn place(c: &crate::models::Customer) -> usize {\n    println!(\"{:?}\", c);\n    c.phone.len()\n}\n",
        )],
    );
    let warm = check_reusing(&request, &mut memo).expect("runs");
    assert_eq!(memo.parse.reused(), 2, "lib.rs and models.rs are unchanged");
    let cold = check(&request).expect("runs");
    assert!(shown(&warm.findings).iter().any(|f| f.contains("log sink")));
    assert_eq!(shown(&warm.findings), shown(&cold.findings));
    // A new file moves the files after it: they are parsed again, and the outcome is still a fresh run's.
    common::write_files(
        dir.path(),
        &[
            (
                "src/lib.rs",
                "pub mod a_first;\npub mod models;\npub mod orders;\n",
            ),
            ("src/a_first.rs", "pub fn nothing() {}\n"),
        ],
    );
    let warm = check_reusing(&request, &mut memo).expect("runs");
    assert_eq!(
        shown(&warm.findings),
        shown(&check(&request).expect("runs").findings)
    );
}

/// Everything of a finding a re-analysis must give as a fresh run does: place, message, data, trace and
/// fingerprint.
fn described(findings: &[cargo_pii_lint::diagnostic::Finding]) -> Vec<String> {
    (findings.iter())
        .map(|f| {
            let data = (f.data.iter()).map(|d| format!("{:?}", d.field));
            let trace = (f.trace.iter()).map(|t| format!("{:?} {}", t.span, t.note));
            let (data, trace) = (data.collect::<Vec<_>>(), trace.collect::<Vec<_>>());
            format!(
                "{:?} {} {data:?} {trace:?} {}",
                f.span, f.message, f.fingerprint
            )
        })
        .collect()
}

/// A run of the whole pipeline in `dir`.
/// Sets the modification time of every file under `dir` to `ago` before now.
fn date_back(dir: &std::path::Path, ago: std::time::Duration) {
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .expect("opened");
            file.set_modified(std::time::SystemTime::now() - ago)
                .expect("dated");
        }
    }
}

fn request_in(dir: &std::path::Path) -> cargo_pii_lint::pipeline::CheckRequest {
    cargo_pii_lint::pipeline::CheckRequest {
        cwd: dir.to_path_buf(),
        ..Default::default()
    }
}

/// After an edit that keeps every item and signature (a body edited, lines moved), the language server's
/// re-analysis takes the evaluations that read nothing the edit changed, and still gives a fresh run's
/// findings: when the edited function's summary moves, adds or loses data, and when a hand-written
/// render changes (nothing is taken then), or a signature (nothing is taken either). With the copies
/// the server makes between two saves (`Memo::prepare`), and without.
#[test]
fn a_reanalysis_after_a_body_edit_takes_what_the_edit_left_and_equals_a_fresh_run() {
    reanalyse_after_body_edits(false);
    reanalyse_after_body_edits(true);
}

fn reanalyse_after_body_edits(prepared: bool) {
    use cargo_pii_lint::pipeline::{check, check_reusing, Memo};
    let models = "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n    pub tier: u8,\n}\n\nimpl std::fmt::Display for Customer {\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {\n        write!(f, \"{}\", self.tier)\n    }\n}\n";
    let orders = "pub fn phone_of(c: &crate::models::Customer) -> String {\n    c.phone.clone()\n}\n\npub fn tier_of(c: &crate::models::Customer) -> u8 {\n    c.tier\n}\n";
    let audit = "pub fn audit(c: &crate::models::Customer) {\n    println!(\"{}\", crate::orders::phone_of(c));\n    println!(\"{}\", c);\n    crate::sinks::emit(&c.phone);\n}\n\npub fn count(c: &crate::models::Customer) -> u8 {\n    crate::orders::tier_of(c) + 1\n}\n";
    let sinks = "#[pii_lint::sink(kind = \"export\", purpose = \"service\")]\npub fn emit(text: &str) -> usize {\n    text.len()\n}\n";
    let dir = common::workspace(&[
        (
            "src/lib.rs",
            "pub mod audit;\npub mod models;\npub mod orders;\npub mod sinks;\n",
        ),
        ("src/models.rs", models),
        ("src/orders.rs", orders),
        ("src/audit.rs", audit),
        ("src/sinks.rs", sinks),
    ]);
    // Files last changed a minute ago: the server takes their texts from its memory, and reads an edited
    // one (a new time) again.
    date_back(dir.path(), std::time::Duration::from_secs(60));
    let request = request_in(dir.path());
    let shown = described;
    let mut memo = Memo::kept();
    check_reusing(&request, &mut memo).expect("runs");
    let mut edit = |path: &str, text: String| {
        common::write_files(dir.path(), &[(path, text.as_str())]);
        if prepared {
            memo.prepare();
        }
        let warm = check_reusing(&request, &mut memo).expect("runs");
        let cold = check(&request).expect("runs");
        assert_eq!(
            shown(&warm.findings),
            shown(&cold.findings),
            "after {path}:\n{text}"
        );
        // The flow's facts too, not only what the lints make of them today.
        let facts = |flow: &cargo_pii_lint::flow::FlowFacts| {
            format!("{:?} {:?} {:?}", flow.sink_flows, flow.reads, flow.purposes)
        };
        assert_eq!(
            facts(&warm.flow),
            facts(&cold.flow),
            "after {path}:\n{text}"
        );
        (warm.flow.evaluations.0, shown(&cold.findings))
    };
    let leaks = |findings: &[String]| findings.iter().filter(|f| f.contains("log sink")).count();

    // Lines move in `phone_of`: its summary's trace moves, so `audit` is evaluated again, `count` is not.
    let moved = orders.replacen("{\n", "{\n    let _unused = 1;\n\n", 1);
    let (reused, findings) = edit("src/orders.rs", moved.clone());
    assert!(reused > 0, "the functions of untouched files are taken");
    assert_eq!(leaks(&findings), 1, "{findings:#?}");
    // `phone_of` no longer returns the phone: the leak in `audit`, an unchanged file, goes.
    let (reused, findings) = edit(
        "src/orders.rs",
        moved.replace("c.phone.clone()", "String::new()"),
    );
    assert!(reused > 0);
    assert_eq!(leaks(&findings), 0, "{findings:#?}");
    // And comes back.
    let (_, findings) = edit("src/orders.rs", orders.to_string());
    assert_eq!(leaks(&findings), 1, "{findings:#?}");
    // Lines move above a declared sink: its callers in other files are taken, and their facts (the flow
    // into `emit`, compared by `edit`) hold nothing of where the sink was: its purpose is named, not placed.
    let (reused, _) = edit("src/sinks.rs", format!("\n\n{sinks}"));
    assert!(reused > 0);
    // The hand-written `Display` now shows the phone: a second leak, and nothing is taken.
    let (reused, findings) = edit("src/models.rs", models.replace("self.tier", "self.phone"));
    assert_eq!(reused, 0, "a render read from a body changed");
    assert_eq!(leaks(&findings), 2, "{findings:#?}");
    // A field is added: the index's shape changed, nothing is taken.
    let (reused, _) = edit(
        "src/models.rs",
        models.replace("pub tier: u8,", "pub tier: u8,\n    pub rank: u8,"),
    );
    assert_eq!(reused, 0, "the index's shape changed");
}

/// A crate of three modules, `models`, `orders` and `audit` (and a config), analysed once by a language
/// server's memory; each `edit` rewrites `src/orders.rs`, analyses again taking what it can, and checks the
/// outcome against a fresh run (findings, and the flow's facts).
struct OrdersEdits {
    dir: tempfile::TempDir,
    request: cargo_pii_lint::pipeline::CheckRequest,
    memo: cargo_pii_lint::pipeline::Memo,
}

/// What a re-analysis after an edit gave.
struct Reanalysed {
    /// Evaluations taken from the analysis before.
    reused: usize,
    /// Findings of personal data reaching a log sink.
    leaks: usize,
    /// The fresh run's flow facts, as `Debug` writes them.
    facts: String,
}

impl OrdersEdits {
    fn new(models: &str, orders: &str, audit: &str, config: Option<&str>) -> OrdersEdits {
        let mut files = vec![
            (
                "src/lib.rs",
                "pub mod audit;\npub mod models;\npub mod orders;\n",
            ),
            ("src/models.rs", models),
            ("src/orders.rs", orders),
            ("src/audit.rs", audit),
        ];
        files.extend(config.map(|config| ("pii-lint.toml", config)));
        let dir = common::workspace(&files);
        // Files last changed a minute ago: the server takes their texts from its memory.
        date_back(dir.path(), std::time::Duration::from_secs(60));
        let request = request_in(dir.path());
        let mut memo = cargo_pii_lint::pipeline::Memo::kept();
        cargo_pii_lint::pipeline::check_reusing(&request, &mut memo).expect("runs");
        OrdersEdits { dir, request, memo }
    }

    fn edit(&mut self, orders: &str) -> Reanalysed {
        use cargo_pii_lint::pipeline::{check, check_reusing};
        common::write_files(self.dir.path(), &[("src/orders.rs", orders)]);
        self.memo.prepare();
        let warm = check_reusing(&self.request, &mut self.memo).expect("runs");
        let cold = check(&self.request).expect("runs");
        assert_eq!(
            described(&warm.findings),
            described(&cold.findings),
            "after:\n{orders}"
        );
        let facts = |flow: &cargo_pii_lint::flow::FlowFacts| {
            format!("{:?} {:?} {:?}", flow.sink_flows, flow.reads, flow.purposes)
        };
        assert_eq!(facts(&warm.flow), facts(&cold.flow), "after:\n{orders}");
        Reanalysed {
            reused: warm.flow.evaluations.0,
            leaks: (cold.findings.iter())
                .filter(|f| f.message.contains("log sink"))
                .count(),
            facts: facts(&cold.flow),
        }
    }
}

/// After an edit that only adds, removes or changes functions, the functions after them are renumbered;
/// the re-analysis takes the evaluations of the functions that name none of the changed ones (by their
/// name or by a `use` alias), and still gives a fresh run's findings.
#[test]
fn a_reanalysis_after_functions_are_added_or_renamed_equals_a_fresh_run() {
    let models = "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n    pub tier: u8,\n}\n\npub struct Ledger {\n    pub phone: String,\n}\n";
    let orders = "pub fn masked(_phone: &str) -> String {\n    String::new()\n}\n\npub fn tier_of(c: &crate::models::Customer) -> u8 {\n    c.tier\n}\n\npub fn load() -> crate::models::Customer {\n    todo!()\n}\n\nimpl crate::models::Customer {\n    pub fn contact(c: &crate::models::Customer) -> String {\n        c.phone.clone()\n    }\n}\n";
    let audit = "pub fn shout(text: &str) {\n    let x = serde_json::from_str(text).unwrap();\n    println!(\"{}\", x.contact());\n}\n\npub fn dump() {\n    let c = crate::orders::load();\n    println!(\"{}\", c.phone);\n}\n\nuse crate::orders::masked as hide;\n\npub fn audit(c: &crate::models::Customer) {\n    println!(\"{}\", hide(&c.phone));\n}\n\npub fn count(c: &crate::models::Customer) -> u8 {\n    crate::orders::tier_of(c) + 1\n}\n\npub fn rank(c: &crate::models::Customer) {\n    println!(\"{}\", c.tier);\n}\n";
    // The return value of `token` (not written yet) is declared before `tier`.
    let config = "[[data]]\npath = \"shop::orders::token\"\nreturns = true\ncategory = \"name\"\npurpose = \"service\"\n\n[[data]]\npath = \"shop::models::Customer.tier\"\ncategory = \"phone\"\npurpose = \"service\"\n";
    let mut server = OrdersEdits::new(models, orders, audit, Some(config));
    let mut edit = |text: String| {
        let reanalysed = server.edit(&text);
        (reanalysed.reused, reanalysed.leaks)
    };
    // A function first in the file: every function after it is renumbered, and taken.
    let first = format!("pub fn first() -> u8 {{\n    1\n}}\n\n{orders}");
    let (reused, leaks) = edit(first.clone());
    assert!(reused >= 2, "{reused} taken");
    assert_eq!(leaks, 2, "`rank` prints the tier, `dump` the phone");
    // `load` returns another type now, with the same (empty) summary: `dump`, which names it, prints a
    // field of no personal data; the function keeps its id.
    let (reused, leaks) =
        edit(first.replace("-> crate::models::Customer", "-> crate::models::Ledger"));
    assert!(reused >= 2, "{reused} taken");
    assert_eq!(leaks, 1, "`dump` prints a ledger's phone");
    // `contact` becomes a method, the only one of its name: `shout`'s call on a value of unknown type
    // goes to it now (the methods are filed anew), and prints the phone it returns.
    let method = first.replace(
        "contact(c: &crate::models::Customer) -> String {\n        c.phone",
        "contact(&self) -> String {\n        self.phone",
    );
    let (reused, leaks) = edit(method);
    assert!(reused >= 2, "{reused} taken");
    assert_eq!(leaks, 3, "`shout` prints the phone");
    // `masked` is renamed: `hide` names nothing in the workspace now, so `audit` (in an unchanged file,
    // naming it only by its alias) prints the phone it is given.
    let (reused, leaks) = edit(first.replace("fn masked", "fn masked_v2"));
    assert!(reused >= 1, "`count` is taken");
    assert_eq!(leaks, 3);
    let (_, leaks) = edit(first.clone());
    assert_eq!(leaks, 2);
    // `token` is written: its return value is declared, and the tier's declaration is numbered after it,
    // so nothing is taken (`rank`'s kept facts name the tier by its number before).
    let (reused, leaks) = edit(format!(
        "{first}\npub fn token() -> String {{\n    String::new()\n}}\n"
    ));
    assert_eq!(reused, 0, "the declarations were numbered anew");
    assert_eq!(leaks, 2);
    let (reused, _) = edit(first.clone());
    assert_eq!(reused, 0);
    // A signature changes: `count`, which calls it, is evaluated again; `audit` is taken.
    let (reused, _) = edit(first.replace("-> u8 {\n    c.tier", "-> u16 {\n    c.tier as u16"));
    assert!(reused >= 1, "`audit` is taken");
    // A struct is added: the index's shape changed, nothing is taken.
    let (reused, _) = edit(format!("{first}\npub struct Ledger;\n"));
    assert_eq!(reused, 0);
}

/// An edit that writes a function a `[[data]]` entry names numbers the declarations after it anew: the
/// re-analysis, which finds the fields carrying a personal-data type again then (they name its declaration
/// by number), equals a fresh run.
#[test]
fn a_reanalysis_after_the_declarations_are_numbered_anew_equals_a_fresh_run() {
    let models = "#[derive(Debug)]\npub struct Phone(pub String);\n\n#[derive(Debug)]\npub struct Contact {\n    pub phone: Phone,\n}\n";
    let orders = "pub fn load() -> crate::models::Contact {\n    todo!()\n}\n";
    let audit =
        "pub fn dump() {\n    let c = crate::orders::load();\n    println!(\"{:?}\", c);\n}\n";
    // The return value of `token` (not written yet) is declared before the type `Phone`.
    let config = "[[data]]\npath = \"shop::orders::token\"\nreturns = true\ncategory = \"name\"\npurpose = \"service\"\n\n[[data]]\npath = \"shop::models::Phone\"\ncategory = \"phone\"\npurpose = \"service\"\n";
    let mut server = OrdersEdits::new(models, orders, audit, Some(config));
    let before = server.edit(&format!("{orders}\npub fn other() {{}}\n"));
    assert_eq!(
        before.leaks, 1,
        "`dump` prints the contact, its phone with it"
    );
    // The edit only adds a function; every finding (checked by `edit`) names the phone, not the token.
    let after = server.edit(&format!(
        "{orders}\npub fn token() -> String {{\n    String::new()\n}}\n"
    ));
    assert_eq!(after.leaks, 1);
}

/// A method added to an impl of a workspace trait is an edit of functions: the functions that call a method
/// of that name are evaluated again, the others taken. A method of an impl of a trait from outside (called
/// by Rust where no name is written) makes the flow computed in full.
#[test]
fn a_reanalysis_after_a_trait_impl_gains_a_method_equals_a_fresh_run() {
    let models = "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n\npub trait Store {\n    fn put(&self, c: &Customer) -> String;\n    fn peek(&self, _c: &Customer) -> String {\n        String::new()\n    }\n}\n\npub struct Ledger;\n";
    let orders = "pub struct Db;\n\nimpl crate::models::Store for Db {\n    fn put(&self, _c: &crate::models::Customer) -> String {\n        String::new()\n    }\n}\n\nimpl From<u8> for crate::models::Ledger {\n    fn from(_n: u8) -> Self {\n        crate::models::Ledger\n    }\n}\n";
    let audit = "pub fn show(db: &dyn crate::models::Store, c: &crate::models::Customer) {\n    println!(\"{}\", db.peek(c));\n}\n\npub fn keep(db: &dyn crate::models::Store, c: &crate::models::Customer) -> String {\n    db.put(c)\n}\n";
    let mut server = OrdersEdits::new(models, orders, audit, None);
    let mut edit = |text: String| {
        let reanalysed = server.edit(&text);
        (reanalysed.reused, reanalysed.leaks)
    };
    // `Db` overrides `peek` with one that returns the phone: `show` prints it.
    let peeks = orders.replace(
        "        String::new()\n    }\n}\n\nimpl From",
        "        String::new()\n    }\n\n    fn peek(&self, c: &crate::models::Customer) -> String {\n        c.phone.clone()\n    }\n}\n\nimpl From",
    );
    let (reused, leaks) = edit(peeks.clone());
    assert!(reused >= 1, "`keep` is taken");
    assert_eq!(leaks, 1, "`show` prints the phone");
    // `from` of `From`, a trait from outside, takes another parameter type: nothing is taken.
    let (reused, _) = edit(peeks.replace("from(_n: u8)", "from(_n: u16)"));
    assert_eq!(reused, 0, "a method of a trait from outside changed");
}

/// Consents are numbered as checks name them: a function a `[[consent_checks]]` entry names, written
/// before the others, numbers them anew, and the re-analysis takes nothing (kept facts name consents by
/// number).
#[test]
fn a_reanalysis_after_a_consent_check_is_written_equals_a_fresh_run() {
    let models = "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n";
    let orders = "pub fn check_b(_c: &crate::models::Customer) -> bool {\n    true\n}\n";
    let audit = "pub fn notify(c: &crate::models::Customer) {\n    if crate::orders::check_b(c) {\n        println!(\"{}\", c.phone);\n    }\n}\n";
    let config = "[[consent_checks]]\npath = \"shop::orders::check_a\"\nconsent = \"alpha\"\n\n[[consent_checks]]\npath = \"shop::orders::check_b\"\nconsent = \"beta\"\n";
    let mut server = OrdersEdits::new(models, orders, audit, Some(config));
    let written = format!(
        "pub fn check_a(_c: &crate::models::Customer) -> bool {{\n    true\n}}\n\n{orders}"
    );
    let reanalysed = server.edit(&written);
    assert!(
        reanalysed.facts.contains("\"beta\""),
        "{}",
        reanalysed.facts
    );
    assert_eq!(reanalysed.reused, 0, "the consents were numbered anew");
}

/// The language server keeps the items workspace macros made; an edit of a macro's rules or of an
/// invocation makes them again, so the re-analysis still gives a fresh run's findings: with the copies
/// the server makes between two saves (`Memo::prepare`), and without.
#[test]
fn a_reanalysis_expands_again_what_an_edit_of_a_macro_changed() {
    reanalyse_after_macro_edits(false);
    reanalyse_after_macro_edits(true);
}

fn reanalyse_after_macro_edits(prepared: bool) {
    use cargo_pii_lint::pipeline::{check, check_reusing, Memo};
    let rules = "#[macro_export]\nmacro_rules! record {\n    ($name:ident) => {\n        #[derive(Debug)]\n        pub struct $name {\n            pub tier: u8,\n        }\n    };\n}\n";
    let dir = common::workspace(&[
        (
            "src/lib.rs",
            "#[macro_use]\npub mod macros;\npub mod models;\npub mod audit;\n",
        ),
        ("src/macros.rs", rules),
        ("src/models.rs", "record!(Contact);\n"),
        (
            "src/audit.rs",
            "pub fn audit(c: &crate::models::Contact) {\n    println!(\"{:?}\", c);\n}\n",
        ),
    ]);
    let request = request_in(dir.path());
    let shown = described;
    let mut memo = Memo::kept();
    assert_eq!(
        shown(&check_reusing(&request, &mut memo).expect("runs").findings),
        shown(&check(&request).expect("runs").findings)
    );
    let mut edit = |path: &str, text: String| {
        common::write_files(dir.path(), &[(path, text.as_str())]);
        if prepared {
            memo.prepare();
        }
        let warm = shown(&check_reusing(&request, &mut memo).expect("runs").findings);
        assert_eq!(
            warm,
            shown(&check(&request).expect("runs").findings),
            "{text}"
        );
        warm
    };
    // The rules now make a phone field: it is found, on the type the invocation names.
    let with_phone = rules.replace(
        "pub tier: u8,",
        "pub tier: u8,\n            pub phone: String,",
    );
    let findings = edit("src/macros.rs", with_phone);
    assert!(
        findings.iter().any(|f| f.contains("`Contact.phone`")),
        "{findings:#?}"
    );
    // The invocation names another type: the field is found on that one.
    let findings = edit("src/models.rs", "record!(Client);\n".to_string());
    assert!(
        findings.iter().any(|f| f.contains("`Client.phone`")),
        "{findings:#?}"
    );
    assert!(
        !findings.iter().any(|f| f.contains("`Contact.phone`")),
        "{findings:#?}"
    );
}

/// A manifest edit changes no source file but can change every crate: a new path dependency makes a
/// call resolve. The re-analysis takes none of the evaluations and equals a fresh run.
#[test]
fn a_reanalysis_after_a_manifest_edit_equals_a_fresh_run() {
    use cargo_pii_lint::pipeline::{check, check_reusing, Memo};
    let shop = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
    let dir = common::workspace(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"shop\", \"payments\"]\n"),
        ("shop/Cargo.toml", shop),
        (
            "shop/src/lib.rs",
            "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n\npub fn pay(c: &Customer) -> usize {\n    payments::charge(&c.phone)\n}\n",
        ),
        (
            "payments/Cargo.toml",
            "[package]\nname = \"payments\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "payments/src/lib.rs",
            "#[pii_lint::sink(kind = \"log\")]\npub fn charge(text: &str) -> usize {\n    text.len()\n}\n",
        ),
    ]);
    let request = request_in(dir.path());
    let shown = described;
    let mut memo = Memo::kept();
    let before = shown(&check_reusing(&request, &mut memo).expect("runs").findings);
    assert!(
        !before.iter().any(|f| f.contains("log sink")),
        "{before:#?}"
    );
    common::write_files(
        dir.path(),
        &[(
            "shop/Cargo.toml",
            &format!("{shop}\n[dependencies]\npayments = {{ path = \"../payments\" }}\n"),
        )],
    );
    let warm = check_reusing(&request, &mut memo).expect("runs");
    let cold = check(&request).expect("runs");
    assert_eq!(warm.flow.evaluations.0, 0, "nothing is taken");
    assert_eq!(shown(&warm.findings), shown(&cold.findings));
    assert!(shown(&warm.findings).iter().any(|f| f.contains("log sink")));
}
