//! Discovery: the workspace root, its packages and their source files, and the source database that maps
//! opaque `FileId`s to paths and text. Nothing else in the tool reads the workspace's files (the parse
//! cache keeps its own entries in the target directory).

mod error;
mod file_id;
mod manifest;
pub mod read;
mod walk;

pub use error::WorkspaceError;
pub use file_id::{relative_to, FileId};
pub use manifest::normalize;

use crate::config::FilesConfig;
use manifest::Manifest;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackageId(pub u32);

/// Why a file's text could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileText {
    /// Shared: a language server keeps the texts of one analysis for the next.
    Utf8(std::sync::Arc<str>),
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
    /// Where each line starts, made when a column is first converted (`Workspace::utf16_column`).
    line_starts: std::sync::OnceLock<Box<[u32]>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Lib,
    Bin,
    Example,
    Bench,
    Test,
}

/// The packages, and each file's package and kind (`Workspace::layout`).
pub type Layout = (Vec<Package>, Vec<(Option<PackageId>, FileKind)>);

/// A crate root of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// the name code uses for this crate (`-` replaced by `_`)
    pub crate_name: String,
    pub kind: TargetKind,
    pub root: FileId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// What was skipped, and why (symlink loops, unreadable directories, missing target files).
    pub notes: Vec<String>,
}

impl Workspace {
    /// What the manifests say of the files: the packages, their targets and dependencies, and each
    /// file's package and kind. The same files with the same layout make the same crates.
    pub fn layout(&self) -> Layout {
        let files = self.files.iter().map(|f| (f.package, f.kind)).collect();
        (self.packages.clone(), files)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// The 1-based UTF-16 column (what LSP and SARIF consumers count) of 1-based character column
    /// `column` on line `line` of a file.
    pub fn utf16_column(&self, file: FileId, line: u32, column: u32) -> u32 {
        let characters = column.saturating_sub(1) as usize;
        let text = self.text(file).unwrap_or_default();
        let starts = self.file(file).line_starts.get_or_init(|| {
            let ends = text.match_indices('\n').map(|(at, _)| at as u32 + 1);
            std::iter::once(0).chain(ends).collect()
        });
        // The line as `str::lines` gives it: without its `\n` or `\r\n`, and no line after a final `\n`.
        let index = line.saturating_sub(1) as usize;
        let line_text = match (starts.get(index), starts.get(index + 1)) {
            (Some(&start), Some(&next)) => {
                let line = &text[start as usize..next as usize - 1];
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            (Some(&start), None) if (start as usize) < text.len() => Some(&text[start as usize..]),
            _ => None,
        };
        let units = match line_text {
            Some(line) => {
                let within: u32 = line
                    .chars()
                    .take(characters)
                    .map(|c| c.len_utf16() as u32)
                    .sum();
                within + characters.saturating_sub(line.chars().count()) as u32
            }
            None => characters as u32,
        };
        units + 1
    }

    /// Where the workspace root sits inside its git repository (`services/shop/`), empty at the
    /// repository's root or outside any repository: what paths for code hosts are prefixed with.
    pub fn repository_prefix(&self) -> String {
        let Some(repository) = self.root.ancestors().find(|dir| dir.join(".git").exists()) else {
            return String::new();
        };
        match self.root.strip_prefix(repository) {
            Ok(inner) if !inner.as_os_str().is_empty() => {
                format!("{}/", inner.to_string_lossy().replace('\\', "/"))
            }
            _ => String::new(),
        }
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
    pub fn add_file(
        &mut self,
        rel_path: String,
        abs_path: PathBuf,
        text: String,
        kind: FileKind,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(SourceFile {
            rel_path,
            abs_path,
            text: FileText::Utf8(text.into()),
            package: None,
            kind,
            line_starts: Default::default(),
        });
        id
    }
}

/// Where the workspace is: its root and root manifest, or loose paths when there is no `Cargo.toml`.
#[derive(Debug, Clone)]
pub struct Located {
    pub root: PathBuf,
    pub manifest: Option<PathBuf>,
    /// Paths given on the command line (relative to the current directory), used when there is no manifest.
    pub paths: Vec<PathBuf>,
}

impl Located {
    pub fn config_path(&self) -> PathBuf {
        self.root.join("pii-lint.toml")
    }
}

/// Like cargo: `--manifest-path`, else the nearest `Cargo.toml` above `cwd`, then the workspace above it
/// that lists it as a member. Without any `Cargo.toml` the given paths (or `cwd`) are linted as loose files.
pub fn locate(
    manifest_path: Option<&Path>,
    cwd: &Path,
    paths: &[PathBuf],
) -> Result<Located, WorkspaceError> {
    let absolute_paths: Vec<PathBuf> = paths.iter().map(|p| normalize(&cwd.join(p))).collect();
    let manifest_path = match manifest_path {
        Some(path) => {
            let path = normalize(&cwd.join(path));
            if !path.is_file() {
                let message = format!("manifest `{}` does not exist", path.display());
                return Err(WorkspaceError::new(
                    message,
                    "pass the path of a Cargo.toml with --manifest-path",
                ));
            }
            path
        }
        None => match cwd
            .ancestors()
            .map(|dir| dir.join("Cargo.toml"))
            .find(|p| p.is_file())
        {
            Some(path) => path,
            None => {
                return Ok(Located {
                    root: cwd.to_path_buf(),
                    manifest: None,
                    paths: absolute_paths,
                })
            }
        },
    };
    let manifest = Manifest::read(&manifest_path)?;
    let root_manifest = if manifest.workspace().is_some() {
        manifest
    } else {
        enclosing_workspace(manifest)?
    };
    Ok(Located {
        root: root_manifest.dir.clone(),
        manifest: Some(root_manifest.path),
        paths: absolute_paths,
    })
}

/// The `[workspace]` above a package that lists it as a member, else the package alone.
fn enclosing_workspace(package: Manifest) -> Result<Manifest, WorkspaceError> {
    for dir in package.dir.ancestors().skip(1) {
        let candidate = dir.join("Cargo.toml");
        if !candidate.is_file() {
            continue;
        }
        let Ok(outer) = Manifest::read(&candidate) else {
            continue;
        };
        if outer.workspace().is_some() {
            if outer.member_dirs().contains(&package.dir) {
                return Ok(outer);
            }
            break;
        }
    }
    Ok(package)
}

/// The packages and source files of a located workspace.
pub fn discover(located: &Located, filter: &FilesConfig) -> Result<Workspace, WorkspaceError> {
    discover_reusing(located, filter, &mut DiscoverMemo::default())
}

/// What a language server keeps of one discovery for the next: the files' texts (a file is read again
/// only when its size or modification time changed, see `TextMemo`), and the notes on packages outside
/// the workspace, made again between two analyses (`prepare`) as they walk the whole tree.
/// `DiscoverMemo::default()` keeps nothing.
#[derive(Default)]
pub struct DiscoverMemo {
    texts: walk::TextMemo,
    keep: bool,
    /// The notes, with the root and member directories they are of.
    unlinted: Option<(PathBuf, Vec<PathBuf>, Vec<String>)>,
    /// The root and member directories of the last discovery, for `prepare`.
    last: Option<(PathBuf, Vec<PathBuf>)>,
}

impl DiscoverMemo {
    pub fn kept() -> DiscoverMemo {
        DiscoverMemo {
            texts: walk::TextMemo::kept(),
            keep: true,
            ..DiscoverMemo::default()
        }
    }

    /// Work for the time between two analyses: the notes on packages outside the workspace, for the
    /// next discovery to take if its root and members are the same.
    pub fn prepare(&mut self) {
        if let (true, None, Some((root, members))) = (self.keep, &self.unlinted, &self.last) {
            let notes = unlinted_packages(root, members);
            self.unlinted = Some((root.clone(), members.clone(), notes));
        }
    }
}

/// `discover`, taking what `memo` kept of the last discovery, and leaving this one's in it.
pub fn discover_reusing(
    located: &Located,
    filter: &FilesConfig,
    memo: &mut DiscoverMemo,
) -> Result<Workspace, WorkspaceError> {
    let excludes = walk::Excludes::new(&filter.exclude)?;
    let mut walker = walk::Walker::new(&located.root, excludes);
    match &located.manifest {
        None => {
            let paths = if located.paths.is_empty() {
                vec![located.root.clone()]
            } else {
                located.paths.clone()
            };
            for path in paths {
                walker.walk(&path, None, FileKind::Loose, &path);
            }
        }
        Some(manifest_path) => {
            let root = Manifest::read(manifest_path)?;
            let member_dirs = if root.workspace().is_some() {
                root.member_dirs()
            } else {
                vec![root.dir.clone()]
            };
            let mut manifests: Vec<Manifest> = Vec::new();
            for dir in &member_dirs {
                match Manifest::read(&dir.join("Cargo.toml")) {
                    Ok(member) if member.package_name().is_some() => manifests.push(member),
                    Ok(_) => {}
                    Err(error) => return Err(error),
                }
            }
            // Like cargo, path dependencies inside the workspace root are members too (implicit members).
            let mut next = 0;
            while next < manifests.len() {
                let found: Vec<PathBuf> = manifests[next]
                    .path_dependencies(&root)
                    .into_iter()
                    .map(|(_, dir)| normalize(&dir))
                    .filter(|dir| dir.starts_with(&root.dir) && dir.join("Cargo.toml").is_file())
                    .collect();
                for dir in found {
                    if manifests.iter().any(|m| normalize(&m.dir) == dir) {
                        continue;
                    }
                    if let Ok(member) = Manifest::read(&dir.join("Cargo.toml")) {
                        if member.package_name().is_some() {
                            manifests.push(member);
                        }
                    }
                }
                next += 1;
            }
            // Looking for packages that are not members walks the whole tree (hyperswitch's `postman/`
            // alone is 9,000 directories): it runs beside the walk of the members' sources, or was run
            // before this analysis (`DiscoverMemo::prepare`).
            let member_dirs: Vec<PathBuf> = manifests.iter().map(|m| normalize(&m.dir)).collect();
            let prepared = (memo.unlinted.take())
                .filter(|(dir, members, _)| *dir == root.dir && *members == member_dirs);
            let (walker, unlinted) = match prepared {
                Some((_, _, notes)) => (walk_members(walker, &manifests, filter), notes),
                None => rayon::join(
                    || walk_members(walker, &manifests, filter),
                    || unlinted_packages(&root.dir, &member_dirs),
                ),
            };
            if memo.keep {
                memo.last = Some((root.dir.clone(), member_dirs));
            }
            let (files, mut notes) = walker.finish(&mut memo.texts);
            notes.extend(root.unmatched_member_globs());
            notes.extend(unlinted);
            return Ok(build_workspace(
                located, &root, &manifests, files, notes, filter,
            ));
        }
    }
    let (files, notes) = walker.finish(&mut memo.texts);
    Ok(Workspace {
        root: located.root.clone(),
        packages: Vec::new(),
        files,
        notes,
    })
}

/// Every source of the members' targets (tests with `include_tests`).
fn walk_members(
    mut walker: walk::Walker,
    manifests: &[Manifest],
    filter: &FilesConfig,
) -> walk::Walker {
    for (index, member) in manifests.iter().enumerate() {
        let package = PackageId(index as u32);
        for (dir, kind) in [
            ("src", FileKind::Source),
            ("examples", FileKind::Example),
            ("benches", FileKind::Bench),
        ] {
            walker.walk(&member.dir.join(dir), Some(package), kind, &member.dir);
        }
        if filter.include_tests {
            walker.walk(
                &member.dir.join("tests"),
                Some(package),
                FileKind::Test,
                &member.dir,
            );
        }
        walker.walk(
            &member.dir.join("build.rs"),
            Some(package),
            FileKind::BuildScript,
            &member.dir,
        );
        for (_, _, path) in member.targets(filter.include_tests) {
            walker.walk(&path, Some(package), FileKind::Source, &member.dir);
        }
    }
    walker
}

/// Packages below the workspace root that are not its members (examples of other workspaces, vendored
/// crates): not linted here, said in a note (lint one with `--manifest-path`).
fn unlinted_packages(root: &Path, member_dirs: &[PathBuf]) -> Vec<String> {
    let mut notes = Vec::new();
    // Directories and manifests only; a package's `src/` holds no package.
    let walker = walkdir::WalkDir::new(root).into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        let skipped = name.starts_with('.') || ["target", "node_modules", "src"].contains(&&*name);
        e.depth() == 0 || (e.file_type().is_dir() && !skipped) || name == "Cargo.toml"
    });
    for entry in walker.filter_map(Result::ok) {
        if entry.file_name() != "Cargo.toml" || entry.depth() == 1 {
            continue;
        }
        let dir = normalize(entry.path().parent().unwrap_or(root));
        if member_dirs.contains(&dir) {
            continue;
        }
        let shown = dir.strip_prefix(root).unwrap_or(&dir).display().to_string();
        notes.push(format!(
            "package in {shown}/ is not a member of this workspace and is not linted (lint it with --manifest-path {shown}/Cargo.toml)"
        ));
    }
    notes.sort();
    notes
}

fn build_workspace(
    located: &Located,
    root: &Manifest,
    manifests: &[Manifest],
    files: Vec<SourceFile>,
    mut notes: Vec<String>,
    filter: &FilesConfig,
) -> Workspace {
    let by_path: std::collections::HashMap<PathBuf, FileId> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (normalize(&f.abs_path), FileId(i as u32)))
        .collect();
    let mut packages = Vec::new();
    for member in manifests {
        let name = member.package_name().unwrap_or_default().to_string();
        let mut targets = Vec::new();
        for (crate_name, kind, path) in member.targets(filter.include_tests) {
            match by_path.get(&normalize(&path)) {
                Some(root) => targets.push(Target {
                    crate_name,
                    kind,
                    root: *root,
                }),
                None => notes.push(format!(
                    "target `{crate_name}` of `{name}` is not analysed: {} is excluded",
                    path.display()
                )),
            }
        }
        let workspace_deps = member
            .path_dependencies(root)
            .into_iter()
            .filter_map(|(code_name, dir)| {
                let dir = normalize(&dir);
                manifests
                    .iter()
                    .find(|m| m.dir == dir)
                    .and_then(|m| m.package_name())
                    .map(|pkg| (code_name, pkg.to_string()))
            })
            .collect();
        packages.push(Package {
            name,
            dir: member.dir.clone(),
            targets,
            workspace_deps,
        });
    }
    Workspace {
        root: located.root.clone(),
        packages,
        files,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The column `str::lines` gives: what `utf16_column` computed before it kept line starts.
    fn by_lines(text: &str, line: u32, column: u32) -> u32 {
        let characters = column.saturating_sub(1) as usize;
        let units = match text.lines().nth(line.saturating_sub(1) as usize) {
            Some(line) => {
                let within: u32 = (line.chars().take(characters))
                    .map(|c| c.len_utf16() as u32)
                    .sum();
                within + characters.saturating_sub(line.chars().count()) as u32
            }
            None => characters as u32,
        };
        units + 1
    }

    #[test]
    fn utf16_columns_are_counted_on_the_lines_str_lines_gives() {
        let texts = [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "a\rb\n",
            "\n\n",
            "é😀x\r\n\r\nz😀",
            "x\r\r\n",
        ];
        for text in texts {
            let mut workspace = Workspace {
                root: PathBuf::new(),
                packages: Vec::new(),
                files: Vec::new(),
                notes: Vec::new(),
            };
            let file =
                workspace.add_file("a.rs".into(), "a.rs".into(), text.into(), FileKind::Loose);
            for line in 0..6 {
                for column in 0..8 {
                    assert_eq!(
                        workspace.utf16_column(file, line, column),
                        by_lines(text, line, column),
                        "{text:?} {line}:{column}"
                    );
                }
            }
        }
    }
}
