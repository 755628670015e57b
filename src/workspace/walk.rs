//! Walking package directories into source files: hidden directories, `target/`, nested packages and
//! `[files] exclude` are skipped; symlinks are followed and loops noted, not fatal.

use super::error::WorkspaceError;
use super::{FileKind, FileText, PackageId, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_or(FileText::NotUtf8, FileText::Utf8),
            Err(error) => FileText::Unreadable(error.to_string()),
        };
        let file = SourceFile {
            rel_path: rel_path.clone(),
            abs_path: path.to_path_buf(),
            text,
            package,
            kind,
        };
        self.files.insert(rel_path, file);
    }

    /// The files in `rel_path` order (so `FileId`s are deterministic) and the notes.
    pub fn finish(self) -> (Vec<SourceFile>, Vec<String>) {
        (self.files.into_values().collect(), self.notes)
    }
}
