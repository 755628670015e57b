//! Per-file summaries.
