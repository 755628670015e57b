//! Checks on a real checkout that a language server's analysis after an edit gives what a fresh run
//! gives (the scale issue's "byte-identical" warm target), and says how much it took from the analysis
//! before. Edits one file as `bench/lsp.py` does, then puts it back. With `--cli`, the runs before and
//! after the edit are the CLI's, with the on-disk cache (the second takes from the first's record).
//!
//!     cargo run --release --example warm_equals_cold -- [--cli] <checkout> <file to edit> [body|item]
//!     cargo run --release --example warm_equals_cold -- [--cli] <checkout> <file> replace <text> <by>
//!
//! (`replace` replaces the first occurrence of a text in the file, to try other edits.)

use cargo_pii_lint::pipeline::{check, check_reusing, CheckOutcome, CheckRequest, Memo};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let via_cli = args.first().is_some_and(|a| a == "--cli");
    if via_cli {
        args.remove(0);
    }
    let [checkout, edited, rest @ ..] = args.as_slice() else {
        eprintln!(
            "usage: warm_equals_cold <checkout> <file to edit> [body|item|replace <text> <by>]"
        );
        std::process::exit(2);
    };
    let mode = rest.first().map_or("body", String::as_str);
    let edited = PathBuf::from(edited);
    let original = std::fs::read_to_string(&edited).expect("the file to edit reads");
    let changed = match rest {
        [_, text, by] if mode == "replace" => original
            .contains(text.as_str())
            .then(|| original.replacen(text.as_str(), by, 1)),
        _ => edit(&original, mode),
    };
    let Some(changed) = changed else {
        eprintln!("{}: nothing to edit", edited.display());
        std::process::exit(2);
    };
    let request = CheckRequest {
        cwd: PathBuf::from(checkout),
        ..CheckRequest::default()
    };
    let cached = CheckRequest {
        cache: true,
        ..request.clone()
    };
    let mut memo = if via_cli {
        Memo::default()
    } else {
        Memo::kept()
    };
    let warm_request = if via_cli { &cached } else { &request };
    check_reusing(warm_request, &mut memo).expect("the first analysis runs");
    if via_cli {
        // The first run fills the cache; the second leaves the record the run after the edit takes from.
        check_reusing(warm_request, &mut memo).expect("the second analysis runs");
    }
    std::fs::write(&edited, &changed).expect("the edit is written");
    let started = Instant::now();
    let warm = check_reusing(warm_request, &mut memo);
    let warm_time = started.elapsed();
    let cold = check(&request);
    std::fs::write(&edited, &original).expect("the file is put back");
    let (warm, cold) = (warm.expect("runs"), cold.expect("runs"));
    let (warm_shown, cold_shown) = (shown(&warm), shown(&cold));
    println!(
        "{} findings; warm analysis {} ms, {} evaluations taken from the one before",
        cold_shown.len(),
        warm_time.as_millis(),
        warm.flow.evaluations.0
    );
    if warm_shown != cold_shown {
        for line in warm_shown.iter().filter(|l| !cold_shown.contains(l)) {
            println!("only warm: {line}");
        }
        for line in cold_shown.iter().filter(|l| !warm_shown.contains(l)) {
            println!("only cold: {line}");
        }
        std::process::exit(1);
    }
    println!("the same");
}

/// Everything a finding says, one line each.
fn shown(outcome: &CheckOutcome) -> Vec<String> {
    outcome.findings.iter().map(|f| format!("{f:?}")).collect()
}

/// The edit `bench/lsp.py` makes, found the same way: a function appended (`item`), or a statement added
/// at the start of the first function body (`body`), moving every line after it.
fn edit(original: &str, mode: &str) -> Option<String> {
    if mode == "item" {
        return Some(format!(
            "{original}\nfn pii_lint_bench_edit(x: usize) -> usize {{\n    x + 1\n}}\n"
        ));
    }
    let mut in_signature = false;
    let mut at = 0;
    for line in original.split_inclusive('\n') {
        at += line.len();
        let code = line.split("//").next().unwrap_or("").trim_end();
        in_signature = in_signature || code.split_whitespace().any(|w| w == "fn");
        // A declaration, or a function whose body is on the line (`fn on() -> bool { true }`).
        if in_signature && (code.ends_with(';') || code.ends_with('}')) {
            in_signature = false;
        } else if in_signature && code.ends_with('{') {
            return Some(format!(
                "{}    let _pii_lint_bench_edit = 1;\n{}",
                &original[..at],
                &original[at..]
            ));
        }
    }
    None
}
