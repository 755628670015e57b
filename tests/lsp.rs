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
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-pii-lint"))
        .arg("lsp")
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
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
