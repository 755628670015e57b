//! Reading `Cargo.toml` files: workspace members, packages, targets and path dependencies.

use super::error::WorkspaceError;
use super::TargetKind;
use std::path::{Path, PathBuf};

pub struct Manifest {
    pub path: PathBuf,
    pub dir: PathBuf,
    pub table: toml::Table,
}

impl Manifest {
    pub fn read(path: &Path) -> Result<Manifest, WorkspaceError> {
        let shown = path.display().to_string();
        let text = super::read::regular_text(path).map_err(|error| {
            WorkspaceError::new(
                format!("cannot read {shown}: {error}"),
                "pass the workspace's Cargo.toml with --manifest-path",
            )
        })?;
        let table: toml::Table = text
            .parse()
            .map_err(|error| WorkspaceError::toml(&shown, &text, &error))?;
        check_shape(path, &shown, &text)?;
        let dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(Manifest {
            path: path.to_path_buf(),
            dir,
            table,
        })
    }

    pub fn workspace(&self) -> Option<&toml::Table> {
        self.table.get("workspace").and_then(toml::Value::as_table)
    }

    pub fn package_name(&self) -> Option<&str> {
        self.table.get("package")?.get("name")?.as_str()
    }

    /// `members` globs of a `[workspace]` that match no package: said in the run's notes.
    pub fn unmatched_member_globs(&self) -> Vec<String> {
        let Some(members) = self
            .workspace()
            .and_then(|w| w.get("members"))
            .and_then(toml::Value::as_array)
        else {
            return Vec::new();
        };
        members
            .iter()
            .filter_map(toml::Value::as_str)
            .filter(|pattern| pattern.contains(['*', '?', '[']))
            .filter(|pattern| {
                !expand(&self.dir, pattern)
                    .iter()
                    .any(|dir| dir.join("Cargo.toml").is_file())
            })
            .map(|pattern| {
                format!(
                    "{}: workspace members glob `{pattern}` matches no package",
                    self.path.display()
                )
            })
            .collect()
    }

    /// Member directories of a `[workspace]` (globs expanded, `exclude` removed), sorted.
    pub fn member_dirs(&self) -> Vec<PathBuf> {
        let Some(workspace) = self.workspace() else {
            return Vec::new();
        };
        let strings = |key: &str| -> Vec<String> {
            workspace
                .get(key)
                .and_then(toml::Value::as_array)
                .map_or_else(Vec::new, |list| {
                    list.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
        };
        let excluded: Vec<PathBuf> = strings("exclude")
            .iter()
            .flat_map(|p| expand(&self.dir, p))
            .collect();
        let mut dirs: Vec<PathBuf> = strings("members")
            .iter()
            .flat_map(|pattern| expand(&self.dir, pattern))
            .filter(|dir| dir.join("Cargo.toml").is_file())
            .filter(|dir| !excluded.iter().any(|ex| dir.starts_with(ex)))
            .collect();
        if self.package_name().is_some() {
            dirs.push(self.dir.clone());
        }
        dirs.sort();
        dirs.dedup();
        dirs
    }

    /// The package's targets (crate name, kind, root file), by Cargo's rules for automatic targets.
    pub fn targets(&self, include_tests: bool) -> Vec<(String, TargetKind, PathBuf)> {
        let Some(package) = self.package_name() else {
            return Vec::new();
        };
        let crate_name = |name: &str| name.replace('-', "_");
        let mut targets = Vec::new();
        let lib = self.table.get("lib");
        let lib_path = lib
            .and_then(|l| l.get("path"))
            .and_then(toml::Value::as_str)
            .map_or_else(|| self.dir.join("src/lib.rs"), |p| self.dir.join(p));
        if lib_path.is_file() {
            let name = lib
                .and_then(|l| l.get("name"))
                .and_then(toml::Value::as_str)
                .unwrap_or(package);
            targets.push((crate_name(name), TargetKind::Lib, lib_path));
        }
        for (key, kind, dir) in [
            ("bin", TargetKind::Bin, "src/bin"),
            ("example", TargetKind::Example, "examples"),
            ("bench", TargetKind::Bench, "benches"),
            ("test", TargetKind::Test, "tests"),
        ] {
            if kind == TargetKind::Test && !include_tests {
                continue;
            }
            if let Some(list) = self.table.get(key).and_then(toml::Value::as_array) {
                for entry in list {
                    let name = entry.get("name").and_then(toml::Value::as_str);
                    let path = entry
                        .get("path")
                        .and_then(toml::Value::as_str)
                        .map(|p| self.dir.join(p));
                    let path =
                        path.or_else(|| name.map(|n| self.dir.join(dir).join(format!("{n}.rs"))));
                    if let (Some(name), Some(path)) = (name.or(Some(package)), path) {
                        targets.push((crate_name(name), kind, path));
                    }
                }
            }
            if kind == TargetKind::Bin {
                targets.push((crate_name(package), kind, self.dir.join("src/main.rs")));
            }
            for (name, path) in auto_targets(&self.dir.join(dir)) {
                targets.push((crate_name(&name), kind, path));
            }
        }
        let mut seen = std::collections::HashSet::new();
        targets.retain(|(_, _, path)| path.is_file() && seen.insert(path.clone()));
        targets
    }

    /// Dependencies given by path, directly or through `[workspace.dependencies]`: (name code writes, dir).
    pub fn path_dependencies(&self, root: &Manifest) -> Vec<(String, PathBuf)> {
        let mut tables: Vec<&toml::Table> = Vec::new();
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            tables.extend(self.table.get(key).and_then(toml::Value::as_table));
        }
        if let Some(targets) = self.table.get("target").and_then(toml::Value::as_table) {
            for target in targets.values() {
                for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
                    tables.extend(target.get(key).and_then(toml::Value::as_table));
                }
            }
        }
        let shared = root
            .workspace()
            .and_then(|w| w.get("dependencies"))
            .and_then(toml::Value::as_table);
        let mut deps = Vec::new();
        for table in tables {
            for (key, spec) in table {
                let from_workspace =
                    spec.get("workspace").and_then(toml::Value::as_bool) == Some(true);
                let path = if from_workspace {
                    shared
                        .and_then(|s| s.get(key))
                        .and_then(|s| s.get("path"))
                        .and_then(toml::Value::as_str)
                        .map(|p| root.dir.join(p))
                } else {
                    spec.get("path")
                        .and_then(toml::Value::as_str)
                        .map(|p| self.dir.join(p))
                };
                if let Some(path) = path {
                    deps.push((key.replace('-', "_"), path));
                }
            }
        }
        deps
    }
}

/// `dir/*.rs` and `dir/*/main.rs`, by name.
fn auto_targets(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let name = path.file_stem()?.to_string_lossy().into_owned();
            if path.is_dir() {
                let main = path.join("main.rs");
                main.is_file().then_some((name, main))
            } else {
                (path.extension()? == "rs").then_some((name, path))
            }
        })
        .collect();
    found.sort();
    found
}

/// A member pattern (`crates/*`, `tools/cli`) as directories under `root`.
fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    if !pattern.contains(['*', '?', '[']) {
        return vec![normalize(&root.join(pattern))];
    }
    let Ok(glob) = globset::Glob::new(pattern.trim_end_matches('/')) else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
    let depth = pattern.split('/').count();
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .max_depth(depth)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter(|e| {
            e.path()
                .strip_prefix(root)
                .is_ok_and(|rel| matcher.is_match(rel))
        })
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// Removes `.` and `..` components without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The parts of a manifest's shape the analysis relies on, with their spans.
#[derive(serde::Deserialize)]
struct Shape {
    package: Option<toml::Spanned<toml::Value>>,
    workspace: Option<toml::Spanned<WorkspaceShape>>,
}

#[derive(serde::Deserialize)]
struct WorkspaceShape {
    members: Option<Vec<toml::Spanned<toml::Value>>>,
}

/// A manifest that is neither a package nor a workspace, a `package` that is no table with a name, or a
/// member that is no string or names a directory without `Cargo.toml`: errors at their place, like cargo.
fn check_shape(path: &Path, shown: &str, text: &str) -> Result<(), WorkspaceError> {
    let shape: Shape =
        toml::from_str(text).map_err(|error| WorkspaceError::toml(shown, text, &error))?;
    let at = |span: std::ops::Range<usize>, message: String| {
        WorkspaceError::at(shown, text, span, message.clone(), message)
    };
    if shape.package.is_none() && shape.workspace.is_none() {
        return Err(at(
            0..0,
            format!("{shown} is neither a package nor a workspace (no [package] or [workspace])"),
        ));
    }
    if let Some(package) = &shape.package {
        let named = package
            .get_ref()
            .get("name")
            .is_some_and(toml::Value::is_str);
        if !named {
            return Err(at(
                package.span(),
                "`package` must be a table with a `name` string".to_string(),
            ));
        }
    }
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let members = shape
        .workspace
        .as_ref()
        .and_then(|w| w.get_ref().members.as_ref());
    for member in members.into_iter().flatten() {
        let Some(pattern) = member.get_ref().as_str() else {
            return Err(at(
                member.span(),
                "workspace members must be strings (paths or globs)".to_string(),
            ));
        };
        let literal = !pattern.contains(['*', '?', '[']);
        if literal && !dir.join(pattern).join("Cargo.toml").is_file() {
            return Err(at(
                member.span(),
                format!("workspace member `{pattern}` has no Cargo.toml"),
            ));
        }
    }
    Ok(())
}
