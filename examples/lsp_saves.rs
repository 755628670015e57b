//! Times a language server's answers to saves in-process, phase by phase, without the protocol: one
//! analysis, then `saves` analyses that alternately append a function to a file and put it back (the edit
//! `bench/lsp.py` makes), with `Memo::prepare` between them as the server does. Prints the mean time of
//! each phase and flow step, and of the whole answer. For profiling the warm path (`perf record -D` past
//! the first analysis); `bench/lsp.py` is the benchmark.
//!
//!     cargo run --release --example lsp_saves -- <checkout> <file to edit> [saves]

use cargo_pii_lint::pipeline::{check_reusing, CheckRequest, Memo};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// As the binary: the timings depend on the allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [checkout, edited, rest @ ..] = args.as_slice() else {
        eprintln!("usage: lsp_saves <checkout> <file to edit> [saves]");
        std::process::exit(2);
    };
    let saves: u32 = rest.first().and_then(|s| s.parse().ok()).unwrap_or(20);
    let edited = PathBuf::from(edited);
    let original = std::fs::read_to_string(&edited).expect("the file to edit reads");
    let changed =
        format!("{original}\nfn pii_lint_bench_edit(x: usize) -> usize {{\n    x + 1\n}}\n");
    let request = CheckRequest {
        cwd: PathBuf::from(checkout),
        ..CheckRequest::default()
    };
    let mut memo = Memo::kept();
    check_reusing(&request, &mut memo).expect("the first analysis runs");
    memo.prepare();
    // The server takes a file's text from its memory only when it was last modified 2 s before it was read.
    std::thread::sleep(Duration::from_secs(3));
    let mut total = Duration::ZERO;
    let mut phases: BTreeMap<&'static str, Duration> = BTreeMap::new();
    for save in 0..saves {
        let text = if save % 2 == 0 { &changed } else { &original };
        std::fs::write(&edited, text).expect("the edit is written");
        let started = Instant::now();
        let outcome = check_reusing(&request, &mut memo).expect("the analysis runs");
        total += started.elapsed();
        let steps = outcome
            .flow
            .steps
            .iter()
            .map(|(name, took, _)| (name, took));
        for (name, took) in outcome
            .timings
            .phases
            .iter()
            .map(|(n, t)| (n, t))
            .chain(steps)
        {
            *phases.entry(name).or_default() += *took;
        }
        // Freed after the answer, as the server frees it.
        drop(outcome);
        memo.prepare();
    }
    std::fs::write(&edited, &original).expect("the file is put back");
    let mean = |took: Duration| took.as_secs_f64() * 1000.0 / f64::from(saves.max(1));
    for (name, took) in phases {
        print!("{name} {:.1} ", mean(took));
    }
    println!("\nmean answer {:.1} ms over {saves} saves", mean(total));
}
