//! Annotations for cargo pii-lint (placeholder until the macros land).
#[allow(dead_code)]
mod args;
