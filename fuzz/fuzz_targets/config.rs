//! Any text as `pii-lint.toml`: reading it must give a config or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cargo_pii_lint::config::parse(text, "pii-lint.toml");
    }
});
