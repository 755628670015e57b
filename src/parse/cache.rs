//! The on-disk cache of file summaries, under `<target-dir>/pii-lint/<build>/`: a file whose path and text
//! are those of an earlier run of the same build is read back instead of parsed (its spans written
//! relative to it, so files added or removed elsewhere do not matter).
//!
//! The summaries of a run are one pack file, read whole at the start and, when anything changed,
//! written whole at the end: thousands of small files cost more to create than to parse. A pack is
//! written to a temporary name and renamed into place, so runs sharing the directory each read a whole
//! pack (the last to finish leaves its own); a pack or entry that does not read back is a miss.

use super::{FileSummary, ParseOptions};
use crate::workspace::{relative_to, FileId, SourceFile};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The build's identity (see `build.rs`): packs of any other build are never read.
const BUILD: &str = env!("PII_LINT_BUILD_ID");

const PACK: &str = "summaries.pack";

/// Directories of other builds are removed once their pack is untouched for this long.
const STALE_BUILD_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// What decides a file's summary, hashed (128 bits).
type Key = [u64; 2];

pub struct DiskCache {
    dir: PathBuf,
    /// The last pack's entries: each file's encoded summary, with its checksum, by key.
    packed: HashMap<Key, (u64, Vec<u8>)>,
    /// This run's entries (read back or parsed), to be written as the next pack.
    kept: Mutex<Vec<(Key, u64, Vec<u8>)>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

#[derive(Deserialize)]
struct Entry {
    rel_path: String,
    summary: FileSummary,
}

/// What `Entry` reads back, written from borrowed parts.
#[derive(Serialize)]
struct EntryOf<'a> {
    rel_path: &'a str,
    summary: &'a FileSummary,
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn key(source: &SourceFile, text: &str, options: &ParseOptions) -> Key {
    let hash = |salt: u8| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (salt, &source.rel_path, options.include_tests, text).hash(&mut hasher);
        hasher.finish()
    };
    [hash(1), hash(2)]
}

impl DiskCache {
    /// The cache under `target_dir`, created if needed, with the last pack read; an error when the
    /// directory cannot be made.
    pub fn open(target_dir: &Path) -> Result<DiskCache, String> {
        let base = target_dir.join("pii-lint");
        let dir = base.join(BUILD);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create the cache {}: {e}", dir.display()))?;
        remove_stale_builds(&base);
        let packed: Vec<(Key, u64, Vec<u8>)> = std::fs::read(dir.join(PACK))
            .ok()
            .and_then(|bytes| postcard::from_bytes(&bytes).ok())
            .unwrap_or_default();
        Ok(DiskCache {
            dir,
            packed: packed
                .into_iter()
                .map(|(key, sum, bytes)| (key, (sum, bytes)))
                .collect(),
            kept: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        })
    }

    /// The summary an earlier run left for this file, else `parse()`'s, kept for the next run.
    pub fn summary(
        &self,
        source: &SourceFile,
        file: FileId,
        text: &str,
        options: &ParseOptions,
        parse: impl FnOnce() -> FileSummary,
    ) -> FileSummary {
        let key = key(source, text, options);
        // A damaged entry can still decode, as another summary: the checksum tells.
        let intact = self.packed.get(&key).filter(|(sum, b)| checksum(b) == *sum);
        if let Some((sum, bytes)) = intact {
            let entry: Option<Entry> = relative_to(file, || postcard::from_bytes(bytes).ok());
            if let Some(entry) = entry.filter(|e| e.rel_path == source.rel_path) {
                self.hits.fetch_add(1, Ordering::Relaxed);
                self.keep(key, *sum, bytes.clone());
                return entry.summary;
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let summary = parse();
        let entry = EntryOf {
            rel_path: &source.rel_path,
            summary: &summary,
        };
        if let Ok(bytes) = relative_to(file, || postcard::to_allocvec(&entry)) {
            self.keep(key, checksum(&bytes), bytes);
        }
        summary
    }

    fn keep(&self, key: Key, sum: u64, bytes: Vec<u8>) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.push((key, sum, bytes));
        }
    }

    /// How many files this run took from the cache.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Writes this run's pack, unless it is the one read (every file read back, none dropped). A pack
    /// that cannot be written only costs the next run its parse.
    pub fn finish(self) {
        let Ok(mut kept) = self.kept.into_inner() else {
            return;
        };
        if self.misses.load(Ordering::Relaxed) == 0 && kept.len() == self.packed.len() {
            return;
        }
        // In key order, so the same files make the same pack whatever the threads did.
        kept.sort_unstable_by_key(|(key, _, _)| *key);
        let Ok(bytes) = postcard::to_allocvec(&kept) else {
            return;
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let temporary = self.dir.join(format!(
            "{PACK}.{}-{}.tmp",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        if std::fs::write(&temporary, bytes).is_err()
            || std::fs::rename(&temporary, self.dir.join(PACK)).is_err()
        {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

fn remove_stale_builds(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name() == BUILD {
            continue;
        }
        let stale = std::fs::metadata(entry.path().join(PACK))
            .or_else(|_| entry.metadata())
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > STALE_BUILD_AFTER);
        if stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Where cargo would build this workspace: `CARGO_TARGET_DIR`, `CARGO_BUILD_TARGET_DIR`, the
/// `build.target-dir` of the workspace's `.cargo/config.toml`, else `<root>/target`.
pub fn target_dir(root: &Path, cwd: &Path) -> PathBuf {
    for variable in ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"] {
        if let Some(dir) = std::env::var_os(variable).filter(|d| !d.is_empty()) {
            return cwd.join(dir);
        }
    }
    for name in [".cargo/config.toml", ".cargo/config"] {
        let configured = std::fs::read_to_string(root.join(name))
            .ok()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .and_then(|table| {
                table
                    .get("build")?
                    .get("target-dir")?
                    .as_str()
                    .map(PathBuf::from)
            });
        if let Some(dir) = configured {
            return root.join(dir);
        }
    }
    root.join("target")
}
