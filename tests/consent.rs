//! Purpose and consent (SPEC 2.2, 2.3, 4.1, 4.3): purpose contexts, every form of consent guard with a
//! guarded and an unguarded twin, commercial messages, exports and erasure paths.

mod common;

use common::{findings_allowing, workspace};

const MODELS: &str = r#"
#[derive(pii_lint::Pii, Debug, Clone, serde::Serialize)]
pub struct Customer {
    pub id: u64,
    #[pii(category = "email", purposes = ["service", "marketing"])]
    pub email: String,
    #[pii(category = "phone", purpose = "service")]
    pub phone: String,
}

#[derive(pii_lint::Pii, Clone)]
#[pii(category = "name", purpose = "service")]
pub struct FullName(pub String);

pub struct Contact {
    pub name: FullName,
}

#[derive(Debug)]
pub struct NoConsent;

#[pii_lint::consent_check("marketing")]
pub fn has_marketing_consent(c: &Customer) -> bool {
    c.id % 2 == 0
}

#[pii_lint::consent_check("marketing")]
pub fn marketing_consent(c: &Customer) -> Result<(), NoConsent> {
    if c.id % 2 == 0 { Ok(()) } else { Err(NoConsent) }
}

#[pii_lint::consent_check("marketing")]
pub fn marketing_lookup(c: &Customer) -> Result<bool, NoConsent> {
    Ok(c.id % 2 == 0)
}

#[pii_lint::consent_check("marketing")]
pub fn marketing_token(c: &Customer) -> Option<u64> {
    (c.id % 2 == 0).then_some(c.id)
}

#[pii_lint::consent_check("marketing")]
pub fn subscribers(all: &[Customer]) -> Vec<Customer> {
    all.iter().filter(|c| c.id % 2 == 0).cloned().collect()
}

#[pii_lint::consent_check("analytics")]
pub fn has_analytics_consent(c: &Customer) -> bool {
    c.id % 3 == 0
}

#[pii_lint::consent_proof("marketing")]
pub struct MarketingConsent {
    pub customer_id: u64,
}

#[pii_lint::sink(kind = "commercial_message")]
pub fn send_sms(to: &str, text: &str) {
    let _ = (to, text);
}

#[pii_lint::erasure]
pub fn forget(c: Customer) {
    drop(c);
}
"#;

/// Findings of `code` placed in `src/lib.rs` after the models, as `line CODE` (lines within `code`,
/// 1-based), leaks and declaration warnings left out unless asked for.
fn lints(code: &str) -> Vec<String> {
    lints_with(code, &[])
}

fn lints_with(code: &str, extra_files: &[(&str, &str)]) -> Vec<String> {
    let header = "mod models;\n#[allow(unused_imports)]\nuse models::*;\n";
    let lib = format!("{header}{code}");
    let mut files = vec![("src/lib.rs", lib.as_str()), ("src/models.rs", MODELS)];
    files.extend_from_slice(extra_files);
    let dir = workspace(&files);
    findings_allowing(dir.path(), &["unused-personal-data", "log-leak"])
        .into_iter()
        .filter_map(|f| {
            let rest = f.strip_prefix("src/lib.rs:")?;
            let (line, code) = rest.split_once(' ')?;
            let line: usize = line.parse().ok()?;
            Some(format!("{} {code}", line - 3))
        })
        .collect()
}

/// The line of `code` (1-based) holding `marker`.
fn at(code: &str, marker: &str) -> String {
    let line = code
        .lines()
        .position(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no `{marker}` in\n{code}"));
    (line + 1).to_string()
}

fn expect(code: &str, expected: &[(&str, &str)]) {
    let expected: Vec<String> = expected
        .iter()
        .map(|(marker, lint)| format!("{} {lint}", at(code, marker)))
        .collect();
    assert_eq!(lints(code), expected, "\n{code}");
}

fn marketing(body: &str) -> String {
    format!("#[pii_lint::purpose(\"marketing\")]\npub fn campaign(c: &Customer, all: &[Customer]) -> Result<(), NoConsent> {{\n    let _ = all;\n{body}\n    Ok(())\n}}\n")
}

#[test]
fn an_unguarded_read_needs_consent_and_a_foreign_purpose_is_a_mismatch() {
    let code =
        marketing("    let _ = c.email.len(); // consent\n    let _ = c.phone.clone(); // purpose");
    expect(&code, &[("// consent", "PII004"), ("// purpose", "PII003")]);
}

#[test]
fn a_consent_check_may_read_the_data_it_needs_to_find_the_consent() {
    let check = "#[pii_lint::consent_check(\"marketing\")]\npub fn listed_for_marketing(c: &Customer) -> bool {\n    c.email.ends_with(\".example\")\n}\n";
    let code =
        marketing("    if listed_for_marketing(c) {\n        let _ = c.email.clone();\n    }");
    expect(&format!("{check}{code}"), &[]);
}

#[test]
fn a_value_of_a_personal_data_type_is_read_once_where_it_is_named() {
    let code = "#[pii_lint::purpose(\"marketing\")]\npub fn f(k: &Contact, n: &FullName) {\n    let _ = k.name.0.len(); // field\n    let _ = n.0.clone(); // local\n    let Contact { name } = k; // pattern\n    let _ = k.name.0.len() + name.0.len(); // both\n}\n";
    let line = at(code, "// both");
    assert_eq!(
        lints(code),
        [
            format!("{} PII003", at(code, "// field")),
            format!("{} PII003", at(code, "// local")),
            format!("{} PII003", at(code, "// pattern")),
            format!("{line} PII003"),
            format!("{line} PII003"),
        ]
    );
}

#[test]
fn if_conditions_guard_their_then_block_only() {
    let code = marketing(
        "    if has_marketing_consent(c) {\n        let _ = c.email.clone();\n    } else {\n        let _ = c.email.clone(); // else\n    }",
    );
    expect(&code, &[("// else", "PII004")]);
}

#[test]
fn and_chains_guard_their_right_side_but_or_does_not() {
    let code = marketing(
        "    if has_marketing_consent(c) && !c.email.is_empty() {}\n    let _ok = has_marketing_consent(c) && c.email.contains('@');\n    if has_marketing_consent(c) || c.email.is_empty() {} // or",
    );
    expect(&code, &[("// or", "PII004")]);
}

#[test]
fn or_guards_only_what_both_sides_prove() {
    let exit = marketing(
        "    if !has_marketing_consent(c) || c.id == 0 {\n        return Err(NoConsent);\n    }\n    let _ = c.email.clone();",
    );
    expect(&exit, &[]);
    let either = marketing(
        "    if has_marketing_consent(c) || has_analytics_consent(c) {\n        let _ = c.email.clone(); // either\n    }",
    );
    expect(&either, &[("// either", "PII004")]);
}

#[test]
fn negated_checks_and_early_exits_guard_what_follows() {
    let guarded = marketing(
        "    if !has_marketing_consent(c) {\n        return Err(NoConsent);\n    }\n    let _ = c.email.clone();",
    );
    expect(&guarded, &[]);
    let not_exiting = marketing(
        "    if !has_marketing_consent(c) {\n        let _ = 1;\n    }\n    let _ = c.email.clone(); // read",
    );
    expect(&not_exiting, &[("// read", "PII004")]);
    let in_loop = "#[pii_lint::purpose(\"marketing\")]\npub fn each(all: &[Customer]) {\n    for c in all {\n        if !has_marketing_consent(c) {\n            continue;\n        }\n        let _ = c.email.clone();\n    }\n    for c in all {\n        let _ = c.email.clone(); // unguarded\n    }\n}\n";
    expect(in_loop, &[("// unguarded", "PII004")]);
    let with_break = "#[pii_lint::purpose(\"marketing\")]\npub fn first(all: &[Customer]) {\n    for c in all {\n        if !has_marketing_consent(c) {\n            break;\n        }\n        let _ = c.email.clone();\n    }\n}\n";
    expect(with_break, &[]);
    let else_return = marketing(
        "    if has_marketing_consent(c) {\n        let _ = 1;\n    } else {\n        return Err(NoConsent);\n    }\n    let _ = c.email.clone();",
    );
    expect(&else_return, &[]);
    let else_not_leaving = marketing(
        "    if has_marketing_consent(c) {\n        let _ = 1;\n    } else {\n        let _ = 2;\n    }\n    let _ = c.email.clone(); // after",
    );
    expect(&else_not_leaving, &[("// after", "PII004")]);
    let bail = "#[pii_lint::purpose(\"marketing\")]\npub fn b(c: &Customer) -> anyhow::Result<()> {\n    if !has_marketing_consent(c) {\n        anyhow::bail!(\"no consent\");\n    }\n    let _ = c.email.clone();\n    Ok(())\n}\n";
    expect(bail, &[]);
}

#[test]
fn a_local_holding_a_check_answer_guards_where_it_is_tested() {
    let code = marketing(
        "    let agreed = has_marketing_consent(c);\n    if agreed {\n        let _ = c.email.clone();\n    }\n    let big = c.id > 10;\n    if big {\n        let _ = c.email.clone(); // not an answer\n    }\n    let mut maybe = has_marketing_consent(c);\n    maybe = c.id > 3;\n    if maybe {\n        let _ = c.email.clone(); // reassigned\n    }",
    );
    expect(
        &code,
        &[("// not an answer", "PII004"), ("// reassigned", "PII004")],
    );
}

#[test]
fn if_let_and_match_on_a_check() {
    let code = marketing(
        "    if let Some(_) = marketing_token(c) {\n        let _ = c.email.clone();\n    }\n    match has_marketing_consent(c) {\n        true => { let _ = c.email.clone(); }\n        false => { let _ = c.email.clone(); } // false arm\n    }\n    if let Some(_) = Some(c.id) {\n        let _ = c.email.clone(); // not a check\n    }",
    );
    expect(
        &code,
        &[("// false arm", "PII004"), ("// not a check", "PII004")],
    );
    let exits = marketing(
        "    match marketing_consent(c) {\n        Ok(()) => {}\n        Err(e) => return Err(e),\n    }\n    let _ = c.email.clone();\n    match has_marketing_consent(c) {\n        true => {}\n        false => { let _ = 0; }\n    }\n    let _ = c.email.clone();\n    match marketing_token(Customer { id: 1, email: String::new(), phone: String::new() }) {\n        Some(_) => {}\n        None => return Err(NoConsent),\n    }",
    );
    expect(&exits, &[]);
    let stays = "#[pii_lint::purpose(\"marketing\")]\npub fn stays(c: &Customer) {\n    match has_marketing_consent(c) {\n        true => {}\n        false => { let _ = 0; }\n    }\n    let _ = c.email.clone(); // after match\n}\n";
    expect(stays, &[("// after match", "PII004")]);
    let looping = marketing(
        "    while has_marketing_consent(c) {\n        let _ = c.email.clone();\n        break;\n    }\n    while c.id > 0 {\n        let _ = c.email.clone(); // plain while\n        break;\n    }",
    );
    expect(&looping, &[("// plain while", "PII004")]);
    let results = marketing(
        "    if let Ok(()) = marketing_consent(c) {\n        let _ = c.email.clone();\n    }\n    if let Err(_) = marketing_consent(c) {\n        let _ = c.email.clone(); // err arm\n    }",
    );
    expect(&results, &[("// err arm", "PII004")]);
    let let_else = marketing(
        "    let Some(_token) = marketing_token(c) else {\n        return Err(NoConsent);\n    };\n    let _ = c.email.clone();",
    );
    expect(&let_else, &[]);
    let let_else_other = marketing(
        "    let Some(_id) = Some(c.id) else {\n        return Err(NoConsent);\n    };\n    let _ = c.email.clone(); // not a check",
    );
    expect(&let_else_other, &[("// not a check", "PII004")]);
}

#[test]
fn the_question_mark_on_a_check_and_ensure_or_assert() {
    let question = marketing("    marketing_consent(c)?;\n    let _ = c.email.clone();");
    expect(&question, &[]);
    let ensure = "#[pii_lint::purpose(\"marketing\")]\npub fn e(c: &Customer) -> anyhow::Result<()> {\n    anyhow::ensure!(has_marketing_consent(c), \"no consent\");\n    let _ = c.email.clone();\n    Ok(())\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn a(c: &Customer) {\n    assert!(has_marketing_consent(c));\n    let _ = c.email.clone();\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn not_a_check(c: &Customer) {\n    assert!(c.id > 0);\n    let _ = c.email.clone(); // read\n}\n";
    expect(ensure, &[("// read", "PII004")]);
}

#[test]
fn a_check_answering_result_of_bool_guards_by_its_bool_not_by_its_success() {
    let code = marketing(
        "    if marketing_lookup(c)? {\n        let _ = c.email.clone();\n    }\n    let _ = c.email.clone(); // only looked up\n    if let Ok(_) = marketing_lookup(c) {\n        let _ = c.email.clone(); // ok is not yes\n    }",
    );
    expect(
        &code,
        &[
            ("// only looked up", "PII004"),
            ("// ok is not yes", "PII004"),
        ],
    );
}

#[test]
fn filter_with_a_check_guards_the_elements() {
    let code = marketing(
        "    let _to: Vec<String> = all.iter().filter(|x| has_marketing_consent(x)).map(|x| x.email.clone()).collect();\n    let _all: Vec<String> = all.iter().filter(|x| x.id > 0).map(|x| x.email.clone()).collect(); // plain filter",
    );
    expect(&code, &[("// plain filter", "PII004")]);
    let retained = "#[pii_lint::purpose(\"marketing\")]\npub fn r(all: &[Customer]) {\n    let mut list = all.to_vec();\n    list.retain(|c| has_marketing_consent(c));\n    for c in &list {\n        let _ = c.email.clone();\n    }\n    let mut other = all.to_vec();\n    other.retain(|c| c.id > 0);\n    for c in &other {\n        let _ = c.email.clone(); // plain retain\n    }\n}\n";
    expect(retained, &[("// plain retain", "PII004")]);
}

#[test]
fn consent_proofs_in_parameters() {
    let code = "#[pii_lint::purpose(\"marketing\")]\npub fn with_proof(c: &Customer, _proof: &MarketingConsent) {\n    let _ = c.email.clone();\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn maybe_proof(c: &Customer, _proof: Option<MarketingConsent>) {\n    let _ = c.email.clone(); // optional proof\n}\n";
    expect(code, &[("// optional proof", "PII004")]);
}

#[test]
fn consenting_sources_carry_consent_through_iteration_and_fields() {
    let code = marketing(
        "    for s in subscribers(all) {\n        let _ = s.email.clone();\n    }\n    for s in all {\n        let _ = s.email.clone(); // not from the source\n    }",
    );
    expect(&code, &[("// not from the source", "PII004")]);
}

#[test]
fn a_check_for_another_consent_does_not_count() {
    let code = marketing(
        "    if has_analytics_consent(c) {\n        let _ = c.email.clone(); // analytics\n    }",
    );
    expect(&code, &[("// analytics", "PII004")]);
}

#[test]
fn across_functions_every_call_site_must_be_guarded() {
    let guarded = "fn greet(c: &Customer) -> String {\n    c.email.clone()\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn run(c: &Customer) {\n    if has_marketing_consent(c) {\n        greet(c);\n    }\n}\n";
    expect(guarded, &[]);
    let one_unguarded = "fn greet(c: &Customer) -> String {\n    c.email.clone() // helper\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn run(c: &Customer) {\n    if has_marketing_consent(c) {\n        greet(c);\n    }\n    greet(c);\n}\n";
    expect(one_unguarded, &[("// helper", "PII004")]);
}

#[test]
fn purposes_of_impl_blocks_and_inline_modules_innermost_wins() {
    let code = "pub struct Mailer;\n#[pii_lint::purpose(\"marketing\")]\nimpl Mailer {\n    pub fn to(&self, c: &Customer) -> String {\n        c.phone.clone() // impl\n    }\n    #[pii_lint::purpose(\"service\")]\n    pub fn receipt(&self, c: &Customer) -> String {\n        c.phone.clone()\n    }\n}\n#[pii_lint::purpose(\"marketing\")]\nmod campaigns {\n    use super::*;\n    pub fn list(c: &Customer) -> String {\n        c.phone.clone() // module\n    }\n}\n";
    expect(code, &[("// impl", "PII003"), ("// module", "PII003")]);
}

#[test]
fn processing_config_paths_with_wildcards() {
    let code = "pub mod jobs {\n    pub mod weekly {\n        use crate::models::*;\n        pub fn digest(c: &Customer) -> String {\n            c.phone.clone() // job\n        }\n    }\n}\n";
    let config = "[[processing]]\npath = \"shop::jobs::*::digest\"\npurpose = \"marketing\"\n";
    let found = lints_with(code, &[("pii-lint.toml", config)]);
    assert_eq!(found, [format!("{} PII003", at(code, "// job"))]);
}

#[test]
fn callers_that_agree_give_their_purpose_and_disagreeing_ones_none() {
    let agree = "fn phone_of(c: &Customer) -> String {\n    c.phone.clone() // inferred\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn a(c: &Customer) { phone_of(c); }\n#[pii_lint::purpose(\"marketing\")]\npub fn b(c: &Customer) { phone_of(c); }\n";
    expect(agree, &[("// inferred", "PII003")]);
    let disagree = "fn phone_of(c: &Customer) -> String {\n    c.phone.clone()\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn a(c: &Customer) { phone_of(c); }\n#[pii_lint::purpose(\"service\")]\npub fn b(c: &Customer) { phone_of(c); }\n";
    expect(disagree, &[]);
}

#[test]
fn closures_kept_in_variables_are_not_judged_for_consent() {
    let code = "pub fn promo(all: &[Customer]) {\n    let send = |c: &Customer| send_sms(&c.email, \"sale\");\n    for c in all {\n        if has_marketing_consent(c) {\n            send(c);\n        }\n    }\n    all.iter().for_each(|c| { send_sms(&c.email, \"sale\"); }); // passed directly\n}\n";
    expect(code, &[("// passed directly", "PII007")]);
}

#[test]
fn commercial_messages_need_their_consent_and_data_collected_for_marketing() {
    let code = "pub fn promo(c: &Customer) {\n    send_sms(&c.email, \"sale\"); // unguarded\n    if has_marketing_consent(c) {\n        send_sms(&c.email, \"sale\");\n        send_sms(&c.phone, \"sale\"); // phone\n    }\n    send_sms(\"10086\", \"sale\"); // no data\n}\n";
    expect(
        code,
        &[
            ("// unguarded", "PII007"),
            ("// phone", "PII007"),
            ("// no data", "PII007"),
        ],
    );
}

#[test]
fn exports_need_a_collected_purpose_and_its_consent() {
    let code = "#[pii_lint::sink(kind = \"export\", purpose = \"marketing\")]\npub fn to_crm(email: &str) { let _ = email; }\npub fn sync(c: &Customer) {\n    to_crm(&c.email); // unchecked\n    if has_marketing_consent(c) {\n        to_crm(&c.email);\n        to_crm(&c.phone); // phone\n    }\n}\n";
    expect(code, &[("// unchecked", "PII006"), ("// phone", "PII006")]);
}

/// Only stored types need an erasure path: `Greeting` is never kept.
#[test]
fn erasure_paths_direct_through_calls_and_contained_types() {
    let code = "#[derive(pii_lint::Pii)]\npub struct Ticket { // no path\n    #[pii(category = \"name\", purpose = \"service\")]\n    pub holder: String,\n}\n#[derive(pii_lint::Pii)]\npub struct Visit {\n    #[pii(category = \"location\", purpose = \"service\")]\n    pub place: String,\n}\n#[derive(pii_lint::Pii)]\npub struct Member {\n    #[pii(category = \"name\", purpose = \"service\")]\n    pub name: String,\n    pub visits: Vec<Visit>,\n}\nfn load(id: u64) -> Member { Member { name: id.to_string(), visits: Vec::new() } }\nfn delete_member(m: Member) { drop(m); }\n#[pii_lint::erasure]\npub fn on_request(id: u64) { delete_member(load(id)); }\n#[pii_lint::sink(kind = \"storage\")]\npub fn save<T>(row: &T) { let _ = row; }\npub fn keep(t: &Ticket, m: &Member) { save(t); save(m); }\n#[derive(pii_lint::Pii)]\npub struct Greeting {\n    #[pii(category = \"name\", purpose = \"service\")]\n    pub to: String,\n}\n";
    let found: Vec<String> = lints(code)
        .into_iter()
        .filter(|f| f.ends_with("PII010"))
        .collect();
    assert_eq!(found, [format!("{} PII010", at(code, "// no path"))]);
}

#[test]
fn a_delete_from_the_types_table_is_an_erasure_path() {
    let code = "#[derive(pii_lint::Pii, FromRow)]\npub struct LoyaltyMember {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n#[derive(pii_lint::Pii, FromRow)]\npub struct Ticket { // not deleted\n    #[pii(category = \"name\", purpose = \"service\")]\n    pub holder: String,\n}\nasync fn remove(pool: &sqlx::PgPool, id: i64) {\n    let _ = sqlx::query(\"DELETE FROM loyalty_members WHERE id = $1\").bind(id).execute(pool).await;\n    let _ = sqlx::query(\"SELECT * FROM tickets WHERE id = $1\").bind(id).execute(pool).await;\n}\n#[pii_lint::erasure]\npub async fn on_request(pool: &sqlx::PgPool, id: i64) {\n    remove(pool, id).await;\n}\n";
    let found: Vec<String> = lints(code)
        .into_iter()
        .filter(|f| f.ends_with("PII010"))
        .collect();
    assert_eq!(found, [format!("{} PII010", at(code, "// not deleted"))]);
}

#[test]
fn config_consent_checks_proofs_and_erasure_count_like_attributes() {
    let code = "pub mod store {\n    use crate::models::*;\n    pub struct OptIn;\n    pub fn opted_in(c: &Customer) -> bool {\n        c.id > 10\n    }\n    pub fn purge(c: Customer) {\n        drop(c);\n    }\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn checked(c: &Customer) {\n    if store::opted_in(c) {\n        let _ = c.email.clone();\n    }\n    let _ = c.email.clone(); // unchecked\n}\n#[pii_lint::purpose(\"marketing\")]\npub fn proven(c: &Customer, _p: &store::OptIn) {\n    let _ = c.email.clone();\n}\n#[derive(pii_lint::Pii, Insertable)]\npub struct Lead {\n    #[pii(category = \"phone\", purpose = \"marketing\")]\n    pub mobile: String,\n}\n";
    let config = "[[consent_checks]]\npath = \"shop::store::opted_in\"\nconsent = \"marketing\"\n\n[[consent_proofs]]\npath = \"shop::store::OptIn\"\nconsent = \"marketing\"\n\n[[erasure]]\npath = \"shop::store::purge\"\n";
    let found: Vec<String> = lints_with(code, &[("pii-lint.toml", config)]);
    assert_eq!(
        found,
        [
            format!("{} PII004", at(code, "// unchecked")),
            format!("{} PII010", at(code, "pub struct Lead")),
        ]
    );
}
