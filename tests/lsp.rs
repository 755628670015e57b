//! The language server as an editor meets it: initialize, diagnostics published, saved again, shut down.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn send(stdin: &mut impl Write, message: serde_json::Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    stdin.flush().expect("flush");
}

fn receive(reader: &mut impl BufRead) -> serde_json::Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().expect("length");
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("body");
    serde_json::from_slice(&body).expect("json")
}

/// Reads until a `textDocument/publishDiagnostics` notification.
fn next_diagnostics(reader: &mut impl BufRead) -> serde_json::Value {
    loop {
        let message = receive(reader);
        if message["method"] == "textDocument/publishDiagnostics" {
            return message["params"].clone();
        }
    }
}

#[test]
fn publishes_findings_and_clears_them_when_fixed() {
    let dir = common::workspace(&[(
        "src/lib.rs",
        "pub struct Customer {\n    pub mobile: String,\n}\n",
    )]);
    let (child, mut stdin, mut reader, initialized) = start(dir.path());
    assert_eq!(initialized["id"], 1);
    assert_eq!(
        initialized["result"]["capabilities"]["textDocumentSync"]["save"]["includeText"],
        false
    );

    let published = next_diagnostics(&mut reader);
    assert!(
        published["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("/src/lib.rs")),
        "{published}"
    );
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(diagnostic["code"], "PII009 undeclared-personal-data");
    assert_eq!(diagnostic["severity"], 2);
    assert_eq!(
        diagnostic["range"]["start"],
        serde_json::json!({"line": 1, "character": 8})
    );

    std::fs::write(
        dir.path().join("src/lib.rs"),
        "pub struct Customer {\n    pub customer_id: u64,\n}\n",
    )
    .expect("fix");
    let uri = published["uri"].clone();
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}}),
    );
    let cleared = next_diagnostics(&mut reader);
    assert_eq!(cleared["uri"], uri);
    assert_eq!(cleared["diagnostics"], serde_json::json!([]));

    shut_down(child, stdin, reader);
}

/// `shutdown` then `exit`, as an editor closes the server; it must exit with success.
fn shut_down(
    mut child: std::process::Child,
    mut stdin: std::process::ChildStdin,
    mut reader: BufReader<std::process::ChildStdout>,
) {
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    assert_eq!(receive(&mut reader)["id"], 2);
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "method": "exit"}),
    );
    drop(stdin);
    assert!(child.wait().expect("exits").success());
}

/// Starts the server in `dir` and initializes it; gives back its pipes and the initialize result.
fn start(
    dir: &std::path::Path,
) -> (
    std::process::Child,
    std::process::ChildStdin,
    BufReader<std::process::ChildStdout>,
    serde_json::Value,
) {
    start_with(dir, &[])
}

/// `start`, with more arguments after `lsp`; the server's stderr is piped (it writes there only when an
/// argument asks it to).
fn start_with(
    dir: &std::path::Path,
    args: &[&str],
) -> (
    std::process::Child,
    std::process::ChildStdin,
    BufReader<std::process::ChildStdout>,
    serde_json::Value,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-pii-lint"))
        .arg("lsp")
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let root = format!("file://{}", dir.display());
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}, "rootUri": root}}),
    );
    let initialized = receive(&mut reader);
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    (child, stdin, reader, initialized)
}

#[test]
fn unsupported_requests_are_answered_and_positions_count_utf16_units() {
    let dir = common::workspace(&[(
        "src/lib.rs",
        "pub struct Customer { /* 😀 */ pub mobile: String }\n",
    )]);
    let (mut child, mut stdin, mut reader, initialized) = start(dir.path());
    assert_eq!(
        initialized["result"]["serverInfo"]["name"],
        "cargo-pii-lint"
    );
    let published = next_diagnostics(&mut reader);
    // `mobile` starts after 34 characters but 35 UTF-16 units: the emoji takes two units.
    assert_eq!(
        published["diagnostics"][0]["range"]["start"],
        serde_json::json!({"line": 0, "character": 35})
    );
    let href = published["diagnostics"][0]["codeDescription"]["href"]
        .as_str()
        .expect("codeDescription");
    assert!(
        href.starts_with("https://docs.rs/cargo-pii-lint/") && href.ends_with(".html"),
        "{href}"
    );
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {"textDocument": {"uri": published["uri"]}, "position": {"line": 0, "character": 1}}}),
    );
    let answer = receive(&mut reader);
    assert_eq!(answer["id"], 7);
    assert_eq!(answer["error"]["code"], -32601);
    // `exit` with no `shutdown` before it: exit code 1.
    send(
        &mut stdin,
        serde_json::json!({"jsonrpc": "2.0", "method": "exit"}),
    );
    drop(stdin);
    assert_eq!(child.wait().expect("exits").code(), Some(1));
}

#[test]
fn saves_the_server_answers_from_memory_leave_the_cache_whole() {
    // The server's first analysis fills the on-disk cache; later saves take unchanged files from its
    // memory, and must not write a pack without them (a CLI run after it reads every file back).
    let dir = common::workspace(&[
        ("src/lib.rs", "pub mod orders;\npub fn id() -> u64 { 1 }\n"),
        (
            "src/orders.rs",
            "pub struct Order {\n    pub mobile: String,\n}\n",
        ),
    ]);
    let (child, mut stdin, mut reader, _) = start(dir.path());
    let published = next_diagnostics(&mut reader);
    let uri = published["uri"].clone();
    for _ in 0..2 {
        send(
            &mut stdin,
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}}),
        );
        next_diagnostics(&mut reader);
    }
    shut_down(child, stdin, reader);

    let output = Command::new(env!("CARGO_BIN_EXE_cargo-pii-lint"))
        .args(["--timings", "-q"])
        .current_dir(dir.path())
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2 of 2 files read back from the cache"),
        "{stderr}"
    );
}

/// A save after an edit inside a body (lines move, a leak comes and goes) is answered from what the
/// server kept of the analysis before (its `--timings` say so), and publishes what a fresh run finds.
#[test]
fn a_save_after_a_body_edit_publishes_what_a_fresh_run_finds() {
    let models = "#[derive(pii_lint::Pii, Debug)]\npub struct Customer {\n    #[pii(category = \"phone\", purpose = \"service\")]\n    pub phone: String,\n}\n\nimpl Customer {\n    pub fn digits(&self) -> usize {\n        self.phone.len()\n    }\n}\n";
    let audit = "pub fn audit(c: &crate::models::Customer) {\n    println!(\"{:?}\", c);\n}\n\npub fn count(c: &crate::models::Customer) -> usize {\n    c.phone.len()\n}\n";
    let dir = common::workspace(&[
        ("src/lib.rs", "pub mod audit;\npub mod models;\n"),
        ("src/models.rs", models),
        ("src/audit.rs", audit),
    ]);
    let (mut child, mut stdin, mut reader, _) = start_with(dir.path(), &["--timings"]);
    let uri = format!("file://{}/src/audit.rs", dir.path().display());
    // The log leaks' lines in audit.rs, as the server publishes them and as a fresh run finds them.
    let published_leaks = |reader: &mut BufReader<std::process::ChildStdout>| loop {
        let published = next_diagnostics(reader);
        if published["uri"] == uri.as_str() {
            let diagnostics = published["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            return (diagnostics.iter())
                .filter(|d| d["code"] == "PII005 log-leak")
                .map(|d| d["range"]["start"]["line"].as_u64().expect("line") + 1)
                .collect::<Vec<_>>();
        }
    };
    let fresh_leaks = || {
        let output = Command::new(env!("CARGO_BIN_EXE_cargo-pii-lint"))
            .args(["--format", "json", "--no-cache"])
            .current_dir(dir.path())
            .output()
            .expect("runs");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        (report["findings"].as_array().expect("findings").iter())
            .filter(|f| f["code"] == "PII005" && f["file"] == "src/audit.rs")
            .map(|f| f["line"].as_u64().expect("line"))
            .collect::<Vec<_>>()
    };
    assert_eq!(published_leaks(&mut reader), vec![2]);
    let save = |stdin: &mut std::process::ChildStdin, text: &str| {
        std::fs::write(dir.path().join("src/audit.rs"), text).expect("edit");
        send(
            stdin,
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}}),
        );
    };
    // Two lines more above the leak: it moves to line 4.
    save(
        &mut stdin,
        &audit.replacen("{\n", "{\n    let one = 1;\n    let _two = one + 1;\n", 1),
    );
    assert_eq!(published_leaks(&mut reader), vec![4]);
    assert_eq!(fresh_leaks(), vec![4]);
    // The leak goes: no log leak is published for the file.
    save(
        &mut stdin,
        &audit.replace("println!(\"{:?}\", c);", "let _ = c;"),
    );
    assert_eq!(published_leaks(&mut reader), Vec::<u64>::new());
    assert_eq!(fresh_leaks(), Vec::<u64>::new());

    let mut stderr = child.stderr.take().expect("stderr");
    shut_down(child, stdin, reader);
    let mut timings = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut timings).expect("stderr");
    let taken = timings
        .matches("evaluations taken from the analysis before")
        .count();
    assert_eq!(taken, 2, "both saves take what the edit left: {timings}");
}
