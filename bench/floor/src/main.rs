//! Parses every `.rs` file under a directory (skipping `target/` and hidden directories, like the linter)
//! with `syn::parse_file` on all cores, and prints how long that took and how many files and lines it read.

use rayon::prelude::*;
use std::time::Instant;

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: pii-lint-floor <directory>");
        std::process::exit(2);
    };
    let start = Instant::now();
    let files: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || name == "target")
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect();
    let (lines, parsed) = files
        .par_iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let ok = syn::parse_file(&text).is_ok();
            (text.lines().count(), usize::from(ok))
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let elapsed = start.elapsed();
    println!(
        "floor: {} files ({} parsed), {} lines in {:.0} ms",
        files.len(),
        parsed,
        lines,
        elapsed.as_secs_f64() * 1000.0
    );
}
