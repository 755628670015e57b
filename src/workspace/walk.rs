//! Walking package directories into source files: hidden directories, `target/`, nested packages and
//! `[files] exclude` are skipped; symlinks are followed and loops noted, not fatal.

use super::error::WorkspaceError;
use super::{FileKind, FileText, PackageId, SourceFile};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub struct Excludes {
    set: globset::GlobSet,
}

impl Excludes {
    pub fn new(patterns: &[String]) -> Result<Excludes, WorkspaceError> {
        let mut builder = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|error| {
                    WorkspaceError::new(
                        format!("invalid glob `{pattern}` in [files] exclude: {error}"),
                        "use `*`, `**`, `?` and `[...]` as in .gitignore",
                    )
                })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|error| {
            WorkspaceError::new(
                format!("invalid [files] exclude: {error}"),
                "check the globs",
            )
        })?;
        Ok(Excludes { set })
    }

    fn excludes(&self, relative_paths: &[&str]) -> bool {
        relative_paths.iter().any(|p| self.set.is_match(p))
    }
}

pub struct Walker {
    root: PathBuf,
    excludes: Excludes,
    files: BTreeMap<String, SourceFile>,
    notes: Vec<String>,
}

fn relative(path: &Path, base: &Path) -> Option<String> {
    path.strip_prefix(base)
        .ok()
        .map(|r| r.to_string_lossy().replace('\\', "/"))
}

impl Walker {
    pub fn new(root: &Path, excludes: Excludes) -> Walker {
        Walker {
            root: root.to_path_buf(),
            excludes,
            files: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    /// Adds every `.rs` file at or under `path` (a file or a directory); a missing path adds nothing.
    pub fn walk(
        &mut self,
        path: &Path,
        package: Option<PackageId>,
        kind: FileKind,
        package_dir: &Path,
    ) {
        if !path.exists() {
            return;
        }
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        let entries = walker.filter_entry(|entry| {
            if entry.depth() == 0 || !entry.file_type().is_dir() {
                return true;
            }
            let name = entry.file_name().to_string_lossy();
            // Loose paths are walked whole; a package's walk stops at packages nested in it.
            let nested_package = package.is_some()
                && entry.path() != package_dir
                && entry.path().join("Cargo.toml").is_file();
            !(name.starts_with('.') || name == "target" || nested_package)
        });
        for entry in entries {
            match entry {
                Ok(entry)
                    if entry.file_type().is_file()
                        && entry.path().extension().is_some_and(|e| e == "rs") =>
                {
                    self.add(entry.path(), package, kind, package_dir);
                }
                Ok(_) => {}
                Err(error) => self.notes.push(format!("skipped: {error}")),
            }
        }
    }

    fn add(&mut self, path: &Path, package: Option<PackageId>, kind: FileKind, package_dir: &Path) {
        let rel_path =
            relative(path, &self.root).unwrap_or_else(|| path.to_string_lossy().replace('\\', "/"));
        let in_package = relative(path, package_dir).unwrap_or_default();
        if self.excludes.excludes(&[&rel_path, &in_package]) || self.files.contains_key(&rel_path) {
            return;
        }
        // Read in `finish`, all at once.
        let file = SourceFile {
            rel_path: rel_path.clone(),
            abs_path: path.to_path_buf(),
            text: FileText::NotUtf8,
            package,
            kind,
            line_starts: Default::default(),
        };
        self.files.insert(rel_path, file);
    }

    /// The files in `rel_path` order (so `FileId`s are deterministic), read in parallel (those `texts`
    /// holds unchanged are taken from it), and the notes.
    pub fn finish(self, texts: &mut TextMemo) -> (Vec<SourceFile>, Vec<String>) {
        let mut files: Vec<SourceFile> = self.files.into_values().collect();
        let kept: Vec<Option<KeptText>> = (files.par_iter_mut())
            .map(|file| texts.read(file))
            .collect();
        if texts.keep {
            texts.kept = (files.iter().zip(kept))
                .filter_map(|(file, kept)| Some((file.abs_path.clone(), kept?)))
                .collect();
        }
        (files, self.notes)
    }
}

/// The texts of the last discovery, kept by a language server for the next: a file whose size and
/// modification time are those it had is not read again, unless it had been modified shortly before it
/// was read (a later edit within the file system's time granularity would keep the same time).
/// `TextMemo::default()` keeps nothing.
#[derive(Default)]
pub struct TextMemo {
    keep: bool,
    kept: HashMap<PathBuf, KeptText>,
}

#[derive(Clone)]
struct KeptText {
    modified: SystemTime,
    len: u64,
    read_at: SystemTime,
    text: FileText,
}

/// How long before it was read a file must have been last modified for its time to be trusted.
const SETTLED: Duration = Duration::from_secs(2);

impl TextMemo {
    pub fn kept() -> TextMemo {
        TextMemo {
            keep: true,
            kept: HashMap::new(),
        }
    }

    /// Sets `file`'s text, from the memo when it is unchanged there; what to keep of it.
    fn read(&self, file: &mut SourceFile) -> Option<KeptText> {
        let metadata = self
            .keep
            .then(|| std::fs::metadata(&file.abs_path).ok())
            .flatten();
        let stamp = metadata.and_then(|m| Some((m.modified().ok()?, m.len())));
        if let (Some((modified, len)), Some(kept)) = (stamp, self.kept.get(&file.abs_path)) {
            let settled = modified + SETTLED <= kept.read_at;
            if kept.modified == modified && kept.len == len && settled {
                file.text = kept.text.clone();
                return Some(kept.clone());
            }
        }
        let read_at = SystemTime::now();
        file.text = match std::fs::read(&file.abs_path) {
            Ok(bytes) => String::from_utf8(bytes)
                .map_or(FileText::NotUtf8, |text| FileText::Utf8(text.into())),
            Err(error) => FileText::Unreadable(error.to_string()),
        };
        let (modified, len) = stamp?;
        Some(KeptText {
            modified,
            len,
            read_at,
            text: file.text.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &Path) -> SourceFile {
        SourceFile {
            rel_path: "src/lib.rs".to_string(),
            abs_path: path.to_path_buf(),
            text: FileText::NotUtf8,
            package: None,
            kind: FileKind::Source,
            line_starts: Default::default(),
        }
    }

    /// Writes `text` and dates the file `ago` back.
    fn write(path: &Path, text: &str, ago: Duration) {
        std::fs::write(path, text).expect("written");
        let file = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("opened");
        file.set_modified(SystemTime::now() - ago).expect("dated");
    }

    /// Writes `text` (of the same size) and sets the time the file had back.
    fn rewrite_keeping_its_time(path: &Path, text: &str) {
        let modified = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .expect("time");
        std::fs::write(path, text).expect("written");
        let file = std::fs::File::options()
            .write(true)
            .open(path)
            .expect("opened");
        file.set_modified(modified).expect("dated");
    }

    /// Reads `path` through `memo` and keeps what it read, as `finish` does.
    fn read(memo: &mut TextMemo, path: &Path) -> FileText {
        let mut file = source(path);
        let kept = memo.read(&mut file);
        memo.kept = kept.into_iter().map(|k| (path.to_path_buf(), k)).collect();
        file.text
    }

    #[test]
    fn a_settled_file_with_the_same_size_and_time_is_not_read_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("lib.rs");
        let mut memo = TextMemo::kept();
        write(&path, "fn a() {}\n", Duration::from_secs(60));
        assert_eq!(read(&mut memo, &path), FileText::Utf8("fn a() {}\n".into()));
        // Same size, same time: taken from the memo (what is on disk now is not read).
        rewrite_keeping_its_time(&path, "fn b() {}\n");
        assert_eq!(read(&mut memo, &path), FileText::Utf8("fn a() {}\n".into()));
        // Another time: read again.
        write(&path, "fn c() {}\n", Duration::from_secs(30));
        assert_eq!(read(&mut memo, &path), FileText::Utf8("fn c() {}\n".into()));
        // A memo that keeps nothing always reads.
        assert_eq!(
            read(&mut TextMemo::default(), &path),
            FileText::Utf8("fn c() {}\n".into())
        );
    }

    #[test]
    fn a_file_read_just_after_it_was_modified_is_read_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("lib.rs");
        let mut memo = TextMemo::kept();
        write(&path, "fn a() {}\n", Duration::ZERO);
        assert_eq!(read(&mut memo, &path), FileText::Utf8("fn a() {}\n".into()));
        // An edit in the same instant keeps the size and maybe the time: the memo does not trust it.
        rewrite_keeping_its_time(&path, "fn b() {}\n");
        assert_eq!(read(&mut memo, &path), FileText::Utf8("fn b() {}\n".into()));
    }
}
