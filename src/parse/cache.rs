//! The on-disk cache of file summaries, under `<target-dir>/pii-lint/<build>/`: a file whose path and text
//! are those of an earlier run of the same build is read back instead of parsed (its spans written
//! relative to it, so files added or removed elsewhere do not matter).
//!
//! The summaries of a run are one pack of entries by key, read whole at the start: thousands of small
//! files cost more to create than to parse. A run that parsed some files writes their entries to a
//! second, small pack beside it (`KeyedPack`), and writes the whole pack again only once that has grown
//! to a quarter of it. Each is written to a temporary name and renamed into place, so runs sharing the
//! directory each read whole packs (the last to finish leaves its own); as an entry's key is what it was
//! made of, any base with any delta reads back right; a pack or entry that does not read back is a miss.

use super::{FileSummary, ParseOptions};
use crate::workspace::{relative_to, FileId, SourceFile};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The sources' identity (see `build.rs`): packs of any other build are never read.
const SOURCES: &str = env!("PII_LINT_BUILD_ID");

/// Rewritten by every run of a build: its time says when the build last ran, for other builds' pruning.
const LAST_USED: &str = "last-used";

/// This build: the sources' identity and the executable's size and time, since the same sources built
/// against other dependency versions (`cargo install` without `--locked`) may parse differently.
fn build() -> String {
    let executable = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| {
            let time = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            format!("{:x}-{time:x}", m.len())
        })
        .unwrap_or_default();
    format!("{SOURCES}-{executable}")
}

const PACK: &str = "summaries";

/// Directories of other builds are removed once unused for this long.
const STALE_BUILD_AFTER: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// What decides a file's summary, hashed (128 bits).
pub type Key = [u64; 2];

pub struct DiskCache {
    dir: PathBuf,
    /// The last pack's entries: each file's encoded summary, with its checksum, by key.
    packed: Entries,
    /// Where they were read from.
    pack: KeyedPack,
    /// The entries this run read back (their bytes stay in `packed`).
    read_back: Mutex<Vec<Key>>,
    /// The entries this run parsed.
    parsed: Mutex<Vec<(Key, u64, Vec<u8>)>>,
    /// Each file's key, as this run found it.
    keys: Mutex<Vec<(FileId, Key)>>,
    /// Some files were had elsewhere (a language server's memory): this run's pack would lack them.
    partial: std::sync::atomic::AtomicBool,
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

/// Bytes written as one run (serde writes a `&[u8]` a byte at a time); read back as a `&[u8]`.
pub struct Bytes<'a>(pub &'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// Tells a damaged entry or pack from an intact one (not made to resist forgery: the cache is the user's).
fn checksum(bytes: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    bytes.hash(&mut hasher);
    hasher.finish()
}

fn key(source: &SourceFile, text: &str, options: &ParseOptions) -> Key {
    content_key(&(&source.rel_path, options.include_tests, text))
}

/// What names an entry made of `what`: two different hashes of 64 bits each (one pass of SipHash and one
/// of FxHash: the files' texts are most of a warm run's hashing).
pub fn content_key(what: &impl Hash) -> Key {
    let mut sip = std::collections::hash_map::DefaultHasher::new();
    what.hash(&mut sip);
    let mut fx = rustc_hash::FxHasher::default();
    what.hash(&mut fx);
    [sip.finish(), fx.finish()]
}

impl DiskCache {
    /// The cache under `target_dir`, created if needed, with the last pack read; an error when the
    /// directory cannot be made.
    pub fn open(target_dir: &Path) -> Result<DiskCache, String> {
        let base = target_dir.join("pii-lint");
        let build = build();
        let dir = base.join(&build);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create the cache {}: {e}", dir.display()))?;
        let _ = std::fs::write(dir.join(LAST_USED), &build);
        remove_stale_builds(&base, &build);
        remove_abandoned_temporaries(&dir);
        let pack = KeyedPack::new(&dir, PACK);
        let packed = pack.read();
        Ok(DiskCache {
            dir,
            packed,
            pack,
            read_back: Mutex::new(Vec::new()),
            parsed: Mutex::new(Vec::new()),
            keys: Mutex::new(Vec::new()),
            partial: Default::default(),
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
        if let Ok(mut keys) = self.keys.lock() {
            keys.push((file, key));
        }
        if let Some(summary) = self.earlier(&key, file, &source.rel_path) {
            if let Ok(mut read_back) = self.read_back.lock() {
                read_back.push(key);
            }
            return summary;
        }
        let summary = parse();
        let entry = EntryOf {
            rel_path: &source.rel_path,
            summary: &summary,
        };
        if let (Ok(bytes), Ok(mut parsed)) = (
            relative_to(file, || postcard::to_allocvec(&entry)),
            self.parsed.lock(),
        ) {
            parsed.push((key, checksum(&bytes), bytes));
        }
        summary
    }

    /// Every file's key (what its summary is made of), those this run did not summarise (the config)
    /// made now; `None` when a file has no text to make one of.
    pub fn keys(&self, files: &[SourceFile], options: &ParseOptions) -> Option<Vec<Key>> {
        let mut keys: Vec<Option<Key>> = vec![None; files.len()];
        for (file, key) in self.keys.lock().ok()?.iter() {
            keys[file.0 as usize] = Some(*key);
        }
        (keys.into_iter().zip(files))
            .map(|(known, source)| match (known, &source.text) {
                (Some(key), _) => Some(key),
                (None, crate::workspace::FileText::Utf8(text)) => Some(key(source, text, options)),
                (None, _) => None,
            })
            .collect()
    }

    /// The summary the last pack holds under `key` for the file `file` at `rel_path`, if it does.
    pub fn earlier(&self, key: &Key, file: FileId, rel_path: &str) -> Option<FileSummary> {
        let bytes = KeyedPack::entry(&self.packed, key)?;
        let entry: Entry = relative_to(file, || postcard::from_bytes(bytes).ok())?;
        (entry.rel_path == rel_path).then_some(entry.summary)
    }

    /// A file this run had from elsewhere (the language server's memory of its last analysis): the pack
    /// is then left as it is, rather than written without that file.
    pub fn had_elsewhere(&self) {
        self.partial.store(true, Ordering::Relaxed);
    }

    /// Whether an earlier run left summaries (the cache is in use, not new).
    pub fn was_filled(&self) -> bool {
        !self.packed.is_empty()
    }

    /// How many files this run took from the cache.
    pub fn hits(&self) -> usize {
        self.read_back.lock().map_or(0, |r| r.len())
    }

    /// Writes this run's pack, unless it is the one read (every file read back, none dropped). A pack
    /// that cannot be written only costs the next run its parse.
    pub fn finish(self) {
        let (Ok(read_back), Ok(parsed)) = (self.read_back.into_inner(), self.parsed.into_inner())
        else {
            return;
        };
        let unchanged = parsed.is_empty() && read_back.len() == self.packed.len();
        if unchanged || self.partial.into_inner() {
            return;
        }
        self.pack.write(&self.packed, &read_back, parsed);
    }

    /// A pack of entries by key in this build's directory, as the summaries' (the flow keeps its
    /// evaluations in one).
    pub fn keyed_pack(&self, name: &'static str) -> KeyedPack {
        KeyedPack::new(&self.dir, name)
    }

    /// Another pack of this build's directory, read and written whole like the summaries' (the index
    /// keeps its macro expansions in one).
    pub fn side_pack(&self, name: &'static str) -> SidePack {
        SidePack {
            dir: self.dir.clone(),
            name,
        }
    }
}

/// A pack of entries by key (each with its checksum): a base, and a delta holding the entries made since
/// it was written, read as one.
pub struct KeyedPack {
    dir: PathBuf,
    name: &'static str,
}

/// The entries of a `KeyedPack` as read: the base's and the delta's bytes, and where each entry is in
/// them (read in place, not copied out).
#[derive(Default)]
pub struct Entries {
    parts: [Vec<u8>; 2],
    /// By key: its checksum, which part it is in (0 the base, 1 the delta) and where.
    at: HashMap<Key, (u64, usize, std::ops::Range<usize>)>,
    base_bytes: usize,
}

impl Entries {
    fn get(&self, key: &Key) -> Option<(u64, &[u8])> {
        let (sum, part, range) = self.at.get(key)?;
        Some((*sum, &self.parts[*part][range.clone()]))
    }

    fn in_delta(&self, key: &Key) -> bool {
        self.at.get(key).is_some_and(|(_, part, _)| *part == 1)
    }

    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }
}

impl KeyedPack {
    pub fn new(dir: &Path, name: &'static str) -> KeyedPack {
        KeyedPack {
            dir: dir.to_path_buf(),
            name,
        }
    }

    fn path(&self, part: &str) -> PathBuf {
        self.dir.join(format!("{}.{part}", self.name))
    }

    /// The entry under `key`, if it is there and intact.
    pub fn entry<'a>(entries: &'a Entries, key: &Key) -> Option<&'a [u8]> {
        // A damaged entry can still decode, as something else: the checksum tells.
        let (_, bytes) = entries.get(key).filter(|(sum, b)| checksum(b) == *sum)?;
        Some(bytes)
    }

    /// An entry of `bytes`, with its checksum.
    pub fn made(key: Key, bytes: Vec<u8>) -> (Key, u64, Vec<u8>) {
        (key, checksum(&bytes), bytes)
    }

    /// Every entry of the base and the delta.
    pub fn read(&self) -> Entries {
        let mut entries = Entries::default();
        for (part, name) in ["pack", "delta"].into_iter().enumerate() {
            let bytes = std::fs::read(self.path(name)).unwrap_or_default();
            let start = bytes.as_ptr() as usize;
            let packed: Vec<(Key, u64, &[u8])> = postcard::from_bytes(&bytes).unwrap_or_default();
            for (key, sum, entry) in packed {
                let at = entry.as_ptr() as usize - start;
                if part == 0 {
                    entries.base_bytes += entry.len();
                }
                entries.at.insert(key, (sum, part, at..at + entry.len()));
            }
            entries.parts[part] = bytes;
        }
        entries
    }

    /// Leaves the entries `kept` names (of those `read` gave) and the `made` ones: `made` added to the
    /// delta, else, once the delta would be a quarter of the base, all of them as the base.
    pub fn write(&self, entries: &Entries, kept: &[Key], made: Vec<(Key, u64, Vec<u8>)>) {
        let made_bytes: usize = made.iter().map(|(_, _, bytes)| bytes.len()).sum();
        let kept_in_delta = kept.iter().filter(|key| entries.in_delta(key));
        let kept_bytes: usize = (kept_in_delta.clone())
            .filter_map(|key| Some(entries.get(key)?.1.len()))
            .sum();
        let delta_bytes = made_bytes + kept_bytes;
        let compact = entries.base_bytes == 0 || delta_bytes * 4 > entries.base_bytes;
        let kept: Vec<&Key> = match compact {
            true => kept.iter().collect(),
            false => kept_in_delta.collect(),
        };
        let mut written: Vec<(Key, u64, Bytes)> = (made.iter())
            .map(|(key, sum, bytes)| (*key, *sum, Bytes(bytes)))
            .chain(kept.into_iter().filter_map(|key| {
                let (sum, bytes) = entries.get(key)?;
                Some((*key, sum, Bytes(bytes)))
            }))
            .collect();
        // In key order, so the same entries make the same pack whatever the threads did.
        written.sort_unstable_by_key(|(key, _, _)| *key);
        written.dedup_by_key(|(key, _, _)| *key);
        let Ok(bytes) = postcard::to_allocvec(&written) else {
            return;
        };
        if compact {
            write_whole(&self.dir, &format!("{}.pack", self.name), &bytes);
            let _ = std::fs::remove_file(self.path("delta"));
        } else {
            write_whole(&self.dir, &format!("{}.delta", self.name), &bytes);
        }
    }
}

/// A pack beside the summaries', holding what another stage made; checksummed, so a damaged one is
/// not read.
pub struct SidePack {
    dir: PathBuf,
    name: &'static str,
}

impl SidePack {
    /// What the last run wrote, if it reads back whole.
    pub fn read(&self) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.dir.join(self.name)).ok()?;
        let (sum, contents): (u64, &[u8]) = postcard::from_bytes(&bytes).ok()?;
        (checksum(contents) == sum).then(|| contents.to_vec())
    }

    /// Replaces the pack (a pack that cannot be written only costs the next run the work).
    pub fn write(&self, contents: &[u8]) {
        if let Ok(bytes) = postcard::to_allocvec(&(checksum(contents), Bytes(contents))) {
            write_whole(&self.dir, self.name, &bytes);
        }
    }
}

/// Writes `dir/name` under a temporary name renamed into place, so runs sharing the directory each read
/// a whole file (the last to finish leaves its own).
fn write_whole(dir: &Path, name: &str, bytes: &[u8]) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let temporary = dir.join(format!(
        "{name}.{}-{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    if std::fs::write(&temporary, bytes).is_err()
        || std::fs::rename(&temporary, dir.join(name)).is_err()
    {
        let _ = std::fs::remove_file(&temporary);
    }
}

fn remove_stale_builds(base: &Path, build: &str) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name() == build {
            continue;
        }
        let stamp = std::fs::metadata(entry.path().join(LAST_USED)).or_else(|_| entry.metadata());
        if untouched_for(stamp, STALE_BUILD_AFTER) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether what `metadata` describes was last modified longer than `age` ago (not when unknown).
fn untouched_for(metadata: std::io::Result<std::fs::Metadata>, age: std::time::Duration) -> bool {
    metadata
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|elapsed| elapsed > age)
}

/// Temporary packs of runs that were killed before renaming them (a running one renames within seconds).
fn remove_abandoned_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let abandoned = entry.file_name().to_string_lossy().ends_with(".tmp")
            && untouched_for(entry.metadata(), std::time::Duration::from_secs(60 * 60));
        if abandoned {
            let _ = std::fs::remove_file(entry.path());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64, size: usize) -> (Key, u64, Vec<u8>) {
        KeyedPack::made([n, n], vec![n as u8; size])
    }

    fn keys(entries: &Entries) -> Vec<Key> {
        let mut keys: Vec<Key> = entries.at.keys().copied().collect();
        keys.sort();
        keys
    }

    #[test]
    fn a_keyed_pack_adds_what_a_run_made_to_its_delta_until_it_is_a_quarter_of_the_base() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pack = KeyedPack::new(dir.path(), "things");
        let entries = pack.read();
        pack.write(&entries, &[], (1..=8).map(|n| entry(n, 100)).collect());
        assert!(
            !dir.path().join("things.delta").exists(),
            "the first write is a base"
        );

        // Entry 8 is dropped and entry 9 made: 9 goes to the delta, 8 stays in the base unread.
        let entries = pack.read();
        let kept: Vec<Key> = (1..=7).map(|n| [n, n]).collect();
        pack.write(&entries, &kept, vec![entry(9, 100)]);
        assert!(dir.path().join("things.delta").exists());
        let entries = pack.read();
        assert_eq!(keys(&entries), (1..=9).map(|n| [n, n]).collect::<Vec<_>>());
        assert_eq!(KeyedPack::entry(&entries, &[9, 9]), Some(&[9u8; 100][..]));

        // A delta of more than a quarter of the base: everything kept is written as the base.
        let kept: Vec<Key> = (1..=7).chain([9]).map(|n| [n, n]).collect();
        pack.write(&entries, &kept, vec![entry(10, 300)]);
        assert!(!dir.path().join("things.delta").exists());
        let entries = pack.read();
        let expected: Vec<Key> = (1..=7).chain([9, 10]).map(|n| [n, n]).collect();
        assert_eq!(keys(&entries), expected);
    }

    #[test]
    fn a_damaged_entry_of_a_keyed_pack_is_not_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pack = KeyedPack::new(dir.path(), "things");
        let entries = pack.read();
        pack.write(&entries, &[], vec![entry(1, 64), entry(2, 64)]);
        let path = dir.path().join("things.pack");
        let mut bytes = std::fs::read(&path).expect("read");
        let last = bytes.len() - 10;
        bytes[last] ^= 0x5a;
        std::fs::write(&path, &bytes).expect("write");
        let entries = pack.read();
        assert!(KeyedPack::entry(&entries, &[1, 1]).is_some());
        assert!(KeyedPack::entry(&entries, &[2, 2]).is_none());
    }
}
