//! `[[data]]` entries of the kinds real services need (SPEC 3): a function's parameter or return value, a
//! dependency's type, data already protected; each with the leak and its fixed twin.

mod common;

use common::*;

#[test]
fn a_declared_return_value_is_that_data_at_every_call() {
    let code = r#"pub mod auth {
    pub fn issue_reset_token(user_id: u64) -> Result<String, String> {
        Ok(format!("{user_id}-{}", 7))
    }
    pub fn forgot_password(user_id: u64) -> Result<(), String> {
        let token = issue_reset_token(user_id)?;
        tracing::info!("reset token {}", token); // leak
        Ok(())
    }
    pub fn forgot_password_fixed(user_id: u64) -> Result<(), String> {
        let token = issue_reset_token(user_id)?;
        tracing::info!("reset token issued for user {} ({} characters)", user_id, token.len());
        Ok(())
    }
}
"#;
    let config = r#"[[data]]
path = "shop::auth::issue_reset_token"
returns = true
category = "credential"
purposes = ["security"]
"#;
    assert_marked_leaks(code, config);
}

#[test]
fn a_declared_parameter_is_that_data_also_inside_an_extractor_pattern() {
    let code = r#"use axum::extract::Path;

pub async fn profile(Path(username): Path<String>) -> String {
    println!("profile of {username}"); // leak
    format!("<h1>{}</h1>", username.len())
}

pub async fn profile_fixed(Path(username): Path<String>) -> String {
    println!("profile requested");
    format!("<h1>{}</h1>", username.len())
}

pub struct Query;

impl Query {
    pub async fn user(&self, name: String) -> String {
        tracing::debug!(%name, "looking up"); // leak
        name
    }
}
"#;
    let config = r#"[[data]]
path = "shop::profile"
param = "username"
category = "account"
purposes = ["service"]

[[data]]
path = "shop::profile_fixed"
param = "username"
category = "account"
purposes = ["service"]

[[data]]
path = "shop::Query::user"
param = "name"
category = "account"
purposes = ["service"]
"#;
    assert_marked_leaks(code, config);
}

#[test]
fn a_declared_dependency_type_is_that_data_wherever_code_names_it() {
    let code = r#"use axum::extract::ConnectInfo;
use std::net::SocketAddr;

pub async fn login(ConnectInfo(addr): ConnectInfo<SocketAddr>) {
    tracing::warn!("failed login from {addr}"); // leak
}

pub async fn login_fixed(ConnectInfo(addr): ConnectInfo<SocketAddr>) {
    tracing::warn!("failed login");
    let _ = addr.port();
}

pub async fn audit(info: Option<axum::extract::ConnectInfo<SocketAddr>>) {
    println!("{:?}", info); // leak
}
"#;
    let config = r#"[[data]]
path = "axum::extract::ConnectInfo"
category = "ip_address"
purposes = ["security"]
"#;
    assert_marked_leaks(code, config);
}

#[test]
fn protected_data_is_personal_but_not_unprotected_storage() {
    let code = r#"pub struct HistoryRecord {
    pub id: u64,
    pub ciphertext: Vec<u8>,
    pub password_hash: String,
    pub recovery_code: String,
}

pub async fn save(db: &sqlx::PgPool, r: &HistoryRecord) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO history (id, data, pw) VALUES ($1, $2, $3)")
        .bind(r.id as i64)
        .bind(&r.ciphertext)
        .bind(&r.password_hash)
        .execute(db)
        .await?;
    sqlx::query("INSERT INTO recovery (code) VALUES ($1)")
        .bind(&r.recovery_code) // leak PII008
        .execute(db)
        .await?;
    println!("saved {:?}", r.ciphertext); // leak
    Ok(())
}
"#;
    let config = r#"[[data]]
path = "shop::HistoryRecord.ciphertext"
category = "communication"
purposes = ["service"]
protected = true

[[data]]
path = "shop::HistoryRecord.password_hash"
category = "credential"
purposes = ["security"]
protected = true

[[data]]
path = "shop::HistoryRecord.recovery_code"
category = "credential"
purposes = ["security"]
"#;
    assert_marked_leaks(code, config);
}

#[test]
fn a_struct_pattern_binds_each_field_with_its_declared_type() {
    let code = r#"#[derive(serde::Deserialize)]
pub struct ServerData {
    pub username: String,
    pub generation: u64,
}

pub fn restore(bytes: &[u8]) -> Result<u64, bincode::Error> {
    let ServerData { username, generation } = bincode::deserialize(bytes)?;
    log::info!("restoring {} at {}", username, generation); // leak
    Ok(generation)
}

pub fn restore_fixed(bytes: &[u8]) -> Result<u64, bincode::Error> {
    let ServerData { generation, .. } = bincode::deserialize(bytes)?;
    log::info!("restoring generation {}", generation);
    Ok(generation)
}
"#;
    let config = r#"[[data]]
path = "shop::ServerData.username"
category = "account"
purposes = ["service"]
"#;
    assert_marked_leaks(code, config);
}

#[test]
fn entries_that_name_no_parameter_or_a_dependency_field_are_invalid_at_their_line() {
    let dir = workspace(&[
        (
            "src/lib.rs",
            "pub fn profile(username: String) {\n    let _ = username;\n}\n",
        ),
        (
            "pii-lint.toml",
            "[[data]]\npath = \"shop::profile\"\nparam = \"user\"\ncategory = \"account\"\npurposes = [\"service\"]\n\n[[data]]\npath = \"shop::nowhere\"\nreturns = true\ncategory = \"credential\"\npurposes = [\"security\"]\n\n[[data]]\npath = \"axum::extract::ConnectInfo.0\"\ncategory = \"ip_address\"\npurposes = [\"security\"]\n\n[[data]]\npath = \"axum::extract::ConectInfo\"\ncategory = \"ip_address\"\npurposes = [\"security\"]\n",
        ),
    ]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    let invalid: Vec<(u64, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "PII002")
        .map(|f| {
            (
                f["line"].as_u64().expect("line"),
                f["message"].as_str().expect("message").to_string(),
                f["help"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(invalid.len(), 4, "{invalid:?}");
    assert_eq!(invalid[0].0, 3);
    assert_eq!(invalid[0].1, "`profile` has no parameter `user`");
    assert_eq!(invalid[0].2, "its parameters bind `username`");
    assert_eq!(invalid[1].0, 8);
    assert!(invalid[1].1.contains("names nothing"), "{invalid:?}");
    assert_eq!(invalid[2].0, 14);
    assert!(invalid[2].1.contains("dependency's type"), "{invalid:?}");
    assert_eq!(invalid[3].0, 19);
    assert_eq!(
        invalid[3].1,
        "no code in the workspace names `ConectInfo`, so `axum::extract::ConectInfo` declares nothing"
    );
}

#[test]
fn param_and_returns_together_or_on_a_field_path_are_config_errors() {
    for (config, needle) in [
        (
            "[[data]]\npath = \"shop::f\"\nparam = \"x\"\nreturns = true\ncategory = \"account\"\n",
            "pii-lint.toml:3:9: [[data]] gives both `param` and `returns`",
        ),
        (
            "[[data]]\npath = \"shop::T.f\"\nreturns = true\ncategory = \"account\"\n",
            "pii-lint.toml:3:11: `param` and `returns` declare a function's data",
        ),
    ] {
        let dir = workspace(&[
            ("src/lib.rs", "pub fn f(x: u8) {}\n"),
            ("pii-lint.toml", config),
        ]);
        let output = run_in(dir.path(), &[]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(needle), "{}", stderr(&output));
    }
}

#[test]
fn the_inventory_names_each_kind_of_declaration() {
    let dir = workspace(&[
        (
            "src/lib.rs",
            "pub fn issue_token() -> String {\n    String::new()\n}\npub fn login(username: String) {\n    let _ = username;\n}\npub struct Record {\n    pub hash: String,\n}\npub fn peer(info: axum::extract::ConnectInfo<std::net::SocketAddr>) {\n    let _ = info;\n}\n",
        ),
        (
            "pii-lint.toml",
            "[[data]]\npath = \"shop::issue_token\"\nreturns = true\ncategory = \"credential\"\npurposes = [\"security\"]\n\n[[data]]\npath = \"shop::login\"\nparam = \"username\"\ncategory = \"account\"\npurposes = [\"service\"]\n\n[[data]]\npath = \"axum::extract::ConnectInfo\"\ncategory = \"ip_address\"\npurposes = [\"security\"]\n\n[[data]]\npath = \"shop::Record.hash\"\ncategory = \"credential\"\npurposes = [\"security\"]\nprotected = true\n",
        ),
    ]);
    let map = json(&run_in(dir.path(), &["inventory", "--format", "json"]));
    let kinds: Vec<(String, String, bool)> = map["declarations"]
        .as_array()
        .expect("declarations")
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().expect("kind").to_string(),
                d["path"].as_str().expect("path").to_string(),
                d["protected"].as_bool().expect("protected"),
            )
        })
        .collect();
    let expected = [
        ("dependency_type", "axum::extract::ConnectInfo", false),
        ("field", "shop::Record.hash", true),
        ("returns", "shop::issue_token()", false),
        ("param", "shop::login(username)", false),
    ];
    let expected: Vec<(String, String, bool)> = expected
        .iter()
        .map(|(k, p, protected)| (k.to_string(), p.to_string(), *protected))
        .collect();
    assert_eq!(kinds, expected);
    let markdown = stdout(&run_in(dir.path(), &["inventory"]));
    assert!(markdown.contains("`shop::login(username)`"), "{markdown}");
    assert!(markdown.contains("`[[data]]`, protected"), "{markdown}");
}

#[test]
fn init_suggests_parameters_generated_credentials_and_dependency_types_that_then_report_their_leaks(
) {
    let code = r#"use axum::extract::{ConnectInfo, Path};
use std::net::SocketAddr;

pub async fn login(email: String, password: String) -> bool {
    tracing::info!("login attempt for {}", email);
    password.len() > 8
}

pub async fn profile(Path(username): Path<String>) -> String {
    username
}

pub async fn store(email: &str, password_hash: &str, _shipping_address: &str) {
    let _ = (email, password_hash);
}

pub fn format_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub fn issue_reset_token(user_id: u64) -> Result<String, String> {
    Ok(format!("{user_id}"))
}

pub fn hash_password(password: &str) -> String {
    password.chars().rev().collect()
}

pub struct Session;

impl Session {
    pub fn get_token(&self) -> String {
        String::new()
    }
}

pub async fn limit(ConnectInfo(addr): ConnectInfo<SocketAddr>) {
    let _ = addr;
}
"#;
    let dir = workspace(&[("src/lib.rs", code)]);
    let output = run_in(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(dir.path().join("pii-lint.toml")).expect("written");
    let entries: Vec<String> = written
        .split("\n\n")
        .filter(|block| block.contains("# [[data]]"))
        .map(|block| {
            block
                .lines()
                .filter(|l| {
                    l.starts_with("# path")
                        || l.starts_with("# param")
                        || l.starts_with("# returns")
                        || l.starts_with("# protected")
                })
                .map(|l| l.trim_start_matches("# ").to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    assert_eq!(
        entries,
        [
            "path = \"shop::login\"; param = \"email\"",
            "path = \"shop::login\"; param = \"password\"",
            "path = \"shop::profile\"; param = \"username\"",
            "path = \"shop::store\"; param = \"email\"",
            "path = \"shop::store\"; param = \"password_hash\"; protected = true",
            "path = \"shop::issue_reset_token\"; returns = true",
            "path = \"axum::extract::ConnectInfo\"",
        ],
        "{written}"
    );
    // Uncommented and given a purpose, the suggestions are a valid config that finds the login leak.
    let uncommented: String = written
        .lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(entry) if entry == "[[data]]" => format!("{entry}\npurposes = [\"service\"]"),
            Some(entry)
                if [
                    "path =",
                    "param =",
                    "returns =",
                    "category =",
                    "protected =",
                ]
                .iter()
                .any(|key| entry.starts_with(key)) =>
            {
                entry.to_string()
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("pii-lint.toml"), uncommented).expect("write");
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    let flows: Vec<(u64, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] != "PII011")
        .map(|f| {
            (
                f["line"].as_u64().expect("line"),
                f["code"].as_str().expect("code").to_string(),
            )
        })
        .collect();
    assert_eq!(flows, [(5, "PII005".to_string())], "{report:#}");
}
