//! Any text as a Rust source file: parsing and lowering must never panic or overflow.
#![no_main]

use cargo_pii_lint::parse::{parse_file, ParseOptions};
use cargo_pii_lint::workspace::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let options = ParseOptions {
            include_tests: true,
        };
        let _ = parse_file(FileId(0), text, &options);
    }
});
