//! Reading the files a run is given (manifests, the config, baselines): only regular files, so a FIFO, a
//! device such as `/dev/zero` or a directory is an error with its path instead of a hang or a huge read.

use std::path::Path;

/// The bytes of a regular file, or why it cannot be read.
pub fn regular_file(path: &Path) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !metadata.is_file() {
        return Err("not a regular file (a directory, FIFO or device cannot be read)".to_string());
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// The text of a regular UTF-8 file; a file that is not UTF-8 is reported at the line and column of its
/// first invalid byte.
pub fn regular_text(path: &Path) -> Result<String, String> {
    let bytes = regular_file(path)?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        format!("not UTF-8 text: invalid byte at line {line}, column {column} (save it as UTF-8)")
    })
}
