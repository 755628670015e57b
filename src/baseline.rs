//! Baselines: the findings a team has accepted for now. Findings in the baseline are not reported, so a
//! linter can be adopted on an existing codebase and only new problems fail the build. Entries match by
//! fingerprint (lint, enclosing function or declaration, data types: moved lines, a renamed file and data
//! added to the same type keep them matching), as many times as they are listed; entries written before
//! fingerprints match by lint, file and message.

use crate::diagnostic::Finding;
use crate::workspace::Workspace;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    /// The finding's fingerprint (lint, function or declaration, data types): what an entry matches by.
    /// Baselines written before fingerprints have none, and match by file and message.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    pub file: String,
    pub message: String,
}

fn entry(finding: &Finding, workspace: &Workspace) -> Entry {
    Entry {
        code: finding.lint.code.to_string(),
        fingerprint: finding.fingerprint.clone(),
        file: workspace.file(finding.span.file).rel_path.clone(),
        message: finding.message.clone(),
    }
}

/// What an entry is matched by: its fingerprint, or (for old baselines) its file and message.
fn key(entry: &Entry) -> (String, String, String) {
    if entry.fingerprint.is_empty() {
        (
            entry.code.clone(),
            entry.file.clone(),
            entry.message.clone(),
        )
    } else {
        (entry.code.clone(), entry.fingerprint.clone(), String::new())
    }
}

impl Baseline {
    pub fn of(findings: &[Finding], workspace: &Workspace) -> Baseline {
        let mut entries: Vec<Entry> = findings.iter().map(|f| entry(f, workspace)).collect();
        entries.sort();
        Baseline {
            version: 1,
            findings: entries,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = crate::workspace::read::regular_text(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}:{}: not a pii-lint baseline: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })
    }

    /// Writes the baseline atomically (a temporary file beside it, then a rename), and refuses to replace a
    /// file that is not a baseline (`--write-baseline src/lib.rs` must not destroy the source).
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let shown = path.display();
        if std::fs::symlink_metadata(path).is_ok() && Baseline::read(path).is_err() {
            return Err(format!(
                "{shown} exists and is not a pii-lint baseline: --write-baseline only replaces a baseline"
            ));
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())? + "\n";
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&temporary);
                format!("cannot write the baseline {shown}: {e}")
            })
    }

    /// Drops the findings the baseline lists (each entry accepts one finding).
    pub fn filter(&self, findings: &mut Vec<Finding>, workspace: &Workspace) {
        let mut accepted: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for e in &self.findings {
            *accepted.entry(key(e)).or_default() += 1;
        }
        findings.retain(|f| {
            let mine = entry(f, workspace);
            let old_style = Entry {
                fingerprint: String::new(),
                ..mine.clone()
            };
            for candidate in [key(&mine), key(&old_style)] {
                if let Some(left) = accepted.get_mut(&candidate).filter(|left| **left > 0) {
                    *left -= 1;
                    return false;
                }
            }
            true
        });
    }
}
