//! The flow analysis, construct by construct (SPEC 4.2): each case has a leak and its fixed twin, and
//! names the line the finding must point at.

mod common;

use common::{findings_allowing, workspace};

const MODELS: &str = r#"
#[derive(pii_lint::Pii, Debug, Clone, serde::Serialize)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
    #[pii(category = "id_number", purpose = "legal_obligation")]
    #[serde(skip)]
    pub id_card: String,
}

#[derive(pii_lint::Pii, pii_lint::RedactedDebug, Clone)]
pub struct Profile {
    pub id: u64,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}

#[derive(pii_lint::Pii, Clone)]
#[pii(category = "email", purposes = ["service", "marketing"])]
pub struct EmailAddress(pub String);

pub struct Row {
    pub id: u64,
    pub label: String,
}

#[pii_lint::sanitizer]
pub fn mask(value: &str) -> String {
    format!("{}****", &value[..3])
}

#[pii_lint::encryptor]
pub fn seal(value: &str) -> Vec<u8> {
    value.bytes().rev().collect()
}
"#;

/// Findings of `code` (placed in `src/lib.rs` after `mod models; use models::*;`), as line numbers of
/// `src/lib.rs` with their codes. Unused-data, erasure, purpose and consent findings are left out: these
/// cases are flows (tests/consent.rs has the others).
fn flows(code: &str) -> Vec<String> {
    let lib = format!("mod models;\n#[allow(unused_imports)]\nuse models::*;\n{code}");
    let dir = workspace(&[("src/lib.rs", &lib), ("src/models.rs", MODELS)]);
    findings_allowing(
        dir.path(),
        &[
            "unused-personal-data",
            "no-erasure-path",
            "purpose-mismatch",
            "missing-consent",
        ],
    )
}

/// The line (1-based, within `code`) of the first line containing `marker`, as `src/lib.rs` numbers it.
fn line_of(code: &str, marker: &str) -> usize {
    code.lines()
        .position(|l| l.contains(marker))
        .map(|i| i + 4)
        .unwrap_or_else(|| panic!("no `{marker}`"))
}

fn assert_flows(code: &str, expected: &[(&str, &str)]) {
    let expected: Vec<String> = expected
        .iter()
        .map(|(marker, lint)| format!("src/lib.rs:{} {lint}", line_of(code, marker)))
        .collect();
    assert_eq!(flows(code), expected, "\n{code}");
}

#[test]
fn field_reads_reach_sinks_and_other_fields_do_not() {
    let code = "pub fn f(c: &Customer) {\n    println!(\"{}\", c.phone); // leak\n    println!(\"{}\", c.id);\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}

#[test]
fn debug_of_a_deriving_type_leaks_but_redacted_debug_does_not() {
    let code = "pub fn f(c: &Customer, p: &Profile) {\n    log::info!(\"{:?}\", c); // leak\n    log::info!(\"{:?}\", p);\n    log::info!(\"{}\", p.id);\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}

#[test]
fn bindings_and_reassignment() {
    let leak = "pub fn f(c: &Customer) {\n    let mut x = String::new();\n    x = c.phone.clone();\n    let y = x;\n    println!(\"{y}\"); // leak\n}\n";
    assert_flows(leak, &[("// leak", "PII005")]);
    let fixed = "pub fn f(c: &Customer) {\n    let mut x = c.phone.clone();\n    x = mask(&x);\n    println!(\"{x}\");\n}\n";
    assert_flows(fixed, &[]);
}

#[test]
fn references_and_derefs() {
    let code = "pub fn f(c: &Customer) {\n    let r = &c.phone;\n    let d = &*r;\n    eprintln!(\"{}\", *d); // leak\n    let i = &c.id;\n    eprintln!(\"{}\", *i);\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}

#[test]
fn method_chains_carry_data_except_measuring_ones() {
    let code = "pub fn f(c: &Customer) {\n    let p = c.phone.trim().to_lowercase().to_string();\n    tracing::warn!(%p, \"x\"); // leak\n    println!(\"{} {}\", c.phone.len(), c.phone.is_empty());\n    println!(\"{}\", c.phone == \"1\");\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}

#[test]
fn format_and_concatenation() {
    let code = "pub fn f(c: &Customer) {\n    let s = format!(\"tel {}\", c.phone);\n    let t = String::from(\"a\") + &s;\n    log::warn!(\"{t}\"); // leak\n    let u = format!(\"id {}\", c.id);\n    log::warn!(\"{u}\");\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}

#[test]
fn construction_keeps_fields_apart() {
    let code = "pub fn f(c: &Customer) {\n    let row = Row { id: c.id, label: c.phone.clone() };\n    println!(\"{}\", row.id);\n    println!(\"{}\", row.label); // leak\n    let pair = (c.id, c.phone.clone());\n    println!(\"{}\", pair.0);\n    let (i, p) = pair;\n    println!(\"{i}\");\n    println!(\"{p}\"); // tuple\n    let all = vec![c.phone.clone()];\n    dbg!(all); // vec\n}\n";
    assert_flows(
        code,
        &[
            ("// leak", "PII005"),
            ("// tuple", "PII005"),
            ("// vec", "PII005"),
        ],
    );
}

#[test]
fn iteration_and_closures() {
    let code = "pub fn f(cs: &[Customer]) {\n    for c in cs {\n        println!(\"{}\", c.phone); // loop\n    }\n    let phones: Vec<String> = cs.iter().map(|c| c.phone.clone()).collect();\n    println!(\"{:?}\", phones); // map\n    let ids: Vec<u64> = cs.iter().filter(|c| !c.phone.is_empty()).map(|c| c.id).collect();\n    println!(\"{:?}\", ids);\n}\n";
    assert_flows(code, &[("// loop", "PII005"), ("// map", "PII005")]);
}

#[test]
fn try_ok_and_some() {
    let code = "fn phone_of(c: &Customer) -> Option<String> {\n    Some(c.phone.clone())\n}\nfn id_of(c: &Customer) -> Result<u64, ()> {\n    Ok(c.id)\n}\npub fn f(c: &Customer) -> Option<()> {\n    let p = phone_of(c)?;\n    println!(\"{p}\"); // leak\n    let i = id_of(c).ok()?;\n    println!(\"{i}\");\n    if let Some(q) = phone_of(c) {\n        println!(\"{q}\"); // if-let\n    }\n    None\n}\n";
    assert_flows(code, &[("// leak", "PII005"), ("// if-let", "PII005")]);
}

#[test]
fn arguments_and_returns_across_modules_and_files() {
    let lib = "mod models;\nmod audit;\nuse models::*;\npub fn f(c: &Customer) {\n    audit::record(&c.phone);\n    audit::record(&c.id.to_string());\n    let p = audit::passthrough(&c.phone);\n    println!(\"{p}\");\n}\n";
    let audit = "pub fn record(value: &str) {\n    eprintln!(\"audit {value}\");\n}\npub fn passthrough(value: &str) -> String {\n    value.to_string()\n}\n";
    let dir = workspace(&[
        ("src/lib.rs", lib),
        ("src/models.rs", MODELS),
        ("src/audit.rs", audit),
    ]);
    let found = findings_allowing(dir.path(), &["unused-personal-data", "no-erasure-path"]);
    assert_eq!(found, ["src/audit.rs:2 PII005", "src/lib.rs:8 PII005"]);
}

#[test]
fn arguments_across_workspace_crates() {
    let dir = workspace(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"core\", \"api\"]\n"),
        ("core/Cargo.toml", "[package]\nname = \"shop-core\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        ("core/src/lib.rs", &format!("{MODELS}\npub mod log {{\n    pub fn note(text: &str) {{\n        println!(\"{{text}}\");\n    }}\n}}\n")),
        ("api/Cargo.toml", "[package]\nname = \"shop-api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[dependencies]\nshop-core = { path = \"../core\" }\n"),
        ("api/src/lib.rs", "use shop_core::Customer;\npub fn handle(c: &Customer) {\n    shop_core::log::note(&c.phone);\n}\n"),
    ]);
    let found = findings_allowing(dir.path(), &["unused-personal-data", "no-erasure-path"]);
    let note_line = MODELS.lines().count() + 4;
    assert_eq!(found, [format!("core/src/lib.rs:{note_line} PII005")]);
}

#[test]
fn recursion_terminates_and_still_follows_data() {
    let code = "fn ping(v: String, n: u32) -> String {\n    if n == 0 { v } else { pong(v, n - 1) }\n}\nfn pong(v: String, n: u32) -> String {\n    ping(v, n)\n}\npub fn f(c: &Customer) {\n    let out = ping(c.phone.clone(), 3);\n    println!(\"{out}\"); // leak\n    let id = ping(c.id.to_string(), 3);\n    println!(\"{id}\");\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}

#[test]
fn hand_written_display_leaks_what_it_formats() {
    let code = "pub struct Shown(pub Customer);\npub struct Hidden(pub Customer);\nimpl std::fmt::Display for Customer {\n    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {\n        write!(f, \"{} {}\", self.id, self.phone)\n    }\n}\npub fn f(c: &Customer, p: &Profile) {\n    println!(\"{}\", c); // leak\n    println!(\"{}\", p.id);\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}

#[test]
fn serialisation_skips_skipped_fields() {
    let code = "pub fn f(c: &Customer, out: std::fs::File) {\n    serde_json::to_writer(out, c).unwrap(); // export\n}\n";
    let found = flows(code);
    assert_eq!(
        found,
        [format!("src/lib.rs:{} PII006", line_of(code, "// export"))]
    );
    let text = "pub fn g(c: &Customer) {\n    let json = serde_json::to_string(c).unwrap();\n    std::fs::write(\"c.json\", json).unwrap();\n}\n";
    let lib = format!("mod models;\nuse models::*;\n{text}");
    let dir = workspace(&[("src/lib.rs", &lib), ("src/models.rs", MODELS)]);
    let report = cargo_pii_lint::pipeline::check(&cargo_pii_lint::pipeline::CheckRequest {
        cwd: dir.path().to_path_buf(),
        ..Default::default()
    })
    .expect("ran");
    let export = report
        .findings
        .iter()
        .find(|f| f.lint.code == "PII006")
        .expect("an export");
    let fields: Vec<_> = export.data.iter().filter_map(|d| d.field.clone()).collect();
    assert_eq!(fields, ["phone"], "id_card is #[serde(skip)]");
}

#[test]
fn sanitizers_stop_the_flow_and_encryptors_only_protect_storage() {
    let code = "pub fn f(c: &Customer) {\n    println!(\"{}\", mask(&c.phone));\n    let sealed = seal(&c.id_card);\n    sqlx::query(\"insert\").bind(&sealed).bind(c.id);\n    sqlx::query(\"insert\").bind(&c.id_card); // plain\n    println!(\"{:?}\", sealed); // still personal\n}\n";
    assert_flows(
        code,
        &[("// plain", "PII008"), ("// still personal", "PII005")],
    );
}

#[test]
fn tracing_fields_and_instrument() {
    let code = "#[tracing::instrument]\npub fn leaky(c: &Customer) {} // attr\n#[tracing::instrument(skip(c))]\npub fn skipped(c: &Customer, n: u32) {}\n#[tracing::instrument(skip_all, fields(id = c.id))]\npub fn fields_ok(c: &Customer) {}\npub fn events(c: &Customer) {\n    tracing::info!(phone = %c.phone, \"sent\"); // field\n    tracing::info!(id = c.id, \"sent\");\n}\n";
    let found = flows(code);
    let attr = line_of(code, "// attr") - 1;
    assert_eq!(
        found,
        [
            format!("src/lib.rs:{attr} PII005"),
            format!("src/lib.rs:{} PII005", line_of(code, "// field"))
        ]
    );
}

/// A sink's body is the boundary of its own kind only (SPEC 2.4): the export inside an export sink is not
/// reported again, the `println!` in it is a log leak.
#[test]
fn declared_sinks_and_their_boundary() {
    let code = "#[pii_lint::sink(kind = \"export\", purpose = \"third_party_sharing\")]\npub fn upload(rows: &[String]) {\n    println!(\"{:?}\", rows); // log\n    std::fs::write(\"rows.txt\", rows.join(\",\")).unwrap();\n}\npub fn f(c: &Customer) {\n    upload(&[c.phone.clone()]); // export\n    upload(&[c.id.to_string()]);\n}\n";
    assert_flows(code, &[("// log", "PII005"), ("// export", "PII006")]);
}

#[test]
fn config_sinks_are_sinks() {
    let lib = "mod models;\nuse models::*;\npub mod crm {\n    pub fn push(value: &str) -> usize { value.len() }\n}\npub fn f(c: &Customer) {\n    crm::push(&c.phone);\n}\n";
    let config = "[[sinks]]\npath = \"shop::crm::push\"\nkind = \"export\"\npurpose = \"third_party_sharing\"\n";
    let dir = workspace(&[
        ("src/lib.rs", lib),
        ("src/models.rs", MODELS),
        ("pii-lint.toml", config),
    ]);
    assert_eq!(
        findings_allowing(dir.path(), &["unused-personal-data", "no-erasure-path"]),
        ["src/lib.rs:7 PII006"]
    );
}

#[test]
fn ecosystem_sinks_from_the_catalogue() {
    let code = "use std::io::Write;\npub async fn f(c: &Customer, client: reqwest::Client) {\n    let _ = client.post(\"https://partner\").json(&c).send().await; // http\n    let mut w = csv::Writer::from_path(\"out.csv\").unwrap();\n    w.write_record(&[c.phone.as_str()]).unwrap(); // csv\n    let mut file = std::io::BufWriter::new(std::fs::File::create(\"x\").unwrap());\n    writeln!(file, \"{}\", c.phone).unwrap(); // file\n    writeln!(file, \"{}\", c.id).unwrap();\n    let mut text = String::new();\n    std::fmt::Write::write_str(&mut text, \"x\").unwrap();\n    anyhow::bail!(\"no customer {}\", c.phone); // error\n}\n";
    assert_flows(
        code,
        &[
            ("// http", "PII006"),
            ("// csv", "PII006"),
            ("// file", "PII006"),
            ("// error", "PII005"),
        ],
    );
}

/// Two types with a method of the same name: only one of them logs.
const TWO_SHOUTS: &str = "pub struct Notifier;\nimpl Notifier {\n    pub fn shout(&self, text: &str) {\n        println!(\"{text}\"); // inside\n    }\n}\npub struct Quiet;\nimpl Quiet {\n    pub fn shout(&self, text: &str) -> usize {\n        text.len()\n    }\n}\n";

#[test]
fn method_calls_resolve_through_receiver_types() {
    let code = format!("{TWO_SHOUTS}pub fn f(c: &Customer) {{\n    let quiet = Quiet;\n    quiet.shout(&c.phone);\n    let loud: Notifier = make();\n    loud.shout(&c.phone);\n}}\nfn make() -> Notifier {{\n    Notifier\n}}\n");
    assert_flows(&code, &[("// inside", "PII005")]);
}

#[test]
fn one_finding_per_sink_call_naming_all_the_data() {
    let code = "pub fn f(c: &Customer, e: &EmailAddress) {\n    println!(\"{} {} {}\", c.phone, e.0, c.id_card); // all\n}\n";
    let lib = format!("mod models;\nuse models::*;\n{code}");
    let dir = workspace(&[("src/lib.rs", &lib), ("src/models.rs", MODELS)]);
    let report = cargo_pii_lint::pipeline::check(&cargo_pii_lint::pipeline::CheckRequest {
        cwd: dir.path().to_path_buf(),
        ..Default::default()
    })
    .expect("ran");
    let leaks: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.lint.code == "PII005")
        .collect();
    assert_eq!(leaks.len(), 1);
    let named: Vec<String> = leaks[0].data.iter().map(|d| d.describe()).collect();
    assert_eq!(
        named,
        [
            "`Customer.phone` (phone)",
            "`Customer.id_card` (id_number)",
            "`EmailAddress` (email)"
        ]
    );
    assert!(leaks[0]
        .trace
        .first()
        .is_some_and(|s| s.note.contains("declared here")));
}

#[test]
fn exports_for_a_purpose_the_data_was_collected_for_are_allowed() {
    let code = "#[pii_lint::purpose(\"service\")]\npub fn ship(c: &Customer) {\n    std::fs::write(\"label.txt\", &c.phone).unwrap();\n}\n#[pii_lint::purpose(\"analytics\")]\npub fn study(c: &Customer) {\n    std::fs::write(\"study.txt\", &c.phone).unwrap(); // export\n}\n";
    assert_flows(code, &[("// export", "PII006")]);
}

#[test]
fn unused_personal_data_is_read_nowhere() {
    let models = "#[derive(pii_lint::Pii)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n    #[pii(category = \"gender\", purpose = \"service\")]\n    pub gender: String,\n}\n#[derive(pii_lint::Pii, Debug)]\npub struct Printed {\n    #[pii(category = \"name\", purpose = \"service\")]\n    pub name: String,\n}\n";
    let lib = "mod models;\nuse models::*;\npub fn f(c: &Customer, p: &Printed) -> usize {\n    let Customer { phone, .. } = c;\n    let shown = format!(\"{p:?}\");\n    phone.len() + shown.len()\n}\n";
    let dir = workspace(&[("src/lib.rs", lib), ("src/models.rs", models)]);
    assert_eq!(
        findings_allowing(dir.path(), &["no-erasure-path"]),
        ["src/models.rs:6 PII011"]
    );
}

#[test]
fn return_types_of_resolved_calls_give_method_receivers() {
    let code = format!("{TWO_SHOUTS}fn loud() -> Notifier {{\n    Notifier\n}}\nfn quiet() -> Quiet {{\n    Quiet\n}}\npub fn f(c: &Customer) {{\n    quiet().shout(&c.phone);\n    loud().shout(&c.phone);\n}}\n");
    assert_flows(&code, &[("// inside", "PII005")]);
}

#[test]
fn config_sinks_outside_the_workspace_are_matched_at_calls() {
    let lib = "mod models;\nuse models::*;\nuse sms_sdk::Client;\npub fn f(c: &Customer, sms: &Client) {\n    sms_sdk::send(&c.phone, \"hi\");\n    Client::push(sms, &c.id.to_string());\n}\n";
    let config = "[[sinks]]\npath = \"sms_sdk::send\"\nkind = \"export\"\n";
    let dir = workspace(&[
        ("src/lib.rs", lib),
        ("src/models.rs", MODELS),
        ("pii-lint.toml", config),
    ]);
    assert_eq!(
        findings_allowing(dir.path(), &["unused-personal-data", "no-erasure-path"]),
        ["src/lib.rs:5 PII006"]
    );
}

#[test]
fn a_function_reached_through_glob_re_exports_is_followed_and_unknown_names_are_outside() {
    // `shout` is named through two globs; `Some`, `Ok` and `String` are defined nowhere in the
    // workspace (looking them up skips the globs), and still resolve as they did.
    let code = "pub mod outer {\n    pub use self::inner::*;\n    pub mod inner {\n        pub fn shout(s: &str) {\n            println!(\"{s}\"); // leak\n        }\n    }\n}\nuse self::outer::*;\npub fn f(c: &Customer) {\n    let phone: Option<String> = Some(c.phone.clone());\n    if let Some(p) = phone {\n        shout(&p);\n    }\n    let r: Result<u64, String> = Ok(c.id);\n    if let Ok(id) = r {\n        shout(&id.to_string());\n    }\n}\n";
    assert_flows(code, &[("// leak", "PII005")]);
}
