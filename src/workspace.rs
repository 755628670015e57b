//! Discovery: the workspace root, its packages and their source files, and the source database that maps
//! opaque `FileId`s to paths and text. Nothing else in the tool touches the file system.

use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackageId(pub u32);

/// Why a file's text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileText {
    Utf8(String),
    NotUtf8,
    Unreadable(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `src/**` of a package
    Source,
    Example,
    Bench,
    /// `tests/**`, only discovered with `include_tests = true`
    Test,
    /// `build.rs`
    BuildScript,
    /// `pii-lint.toml`, registered so that findings can point into it
    Config,
    /// a file given on the command line outside any Cargo package
    Loose,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// relative to the workspace root, `/` separators
    pub rel_path: String,
    pub abs_path: PathBuf,
    pub text: FileText,
    pub package: Option<PackageId>,
    pub kind: FileKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Lib,
    Bin,
    Example,
    Bench,
    Test,
}

/// A crate root of a package.
#[derive(Debug, Clone)]
pub struct Target {
    /// the name code uses for this crate (`-` replaced by `_`)
    pub crate_name: String,
    pub kind: TargetKind,
    pub root: FileId,
}

#[derive(Debug, Clone)]
pub struct Package {
    pub name: String,
    pub dir: PathBuf,
    pub targets: Vec<Target>,
    /// dependencies that are workspace members: (name code writes, package name)
    pub workspace_deps: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub packages: Vec<Package>,
    pub files: Vec<SourceFile>,
}

impl Workspace {
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn text(&self, id: FileId) -> Option<&str> {
        match &self.file(id).text {
            FileText::Utf8(text) => Some(text),
            _ => None,
        }
    }

    pub fn file_ids(&self) -> impl Iterator<Item = FileId> {
        (0..self.files.len() as u32).map(FileId)
    }

    /// Registers a file that is not Rust source (the config) so findings can point into it.
    pub fn add_file(&mut self, rel_path: String, abs_path: PathBuf, text: String, kind: FileKind) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile { rel_path, abs_path, text: FileText::Utf8(text), package: None, kind });
        id
    }
}
