//! Workspace discovery: members, targets, files, and what is skipped.

use cargo_pii_lint::config::FilesConfig;
use cargo_pii_lint::workspace::{discover, locate, FileKind, FileText, TargetKind, Workspace};
use std::path::{Path, PathBuf};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

fn package(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
}

fn discover_from(cwd: &Path, filter: &FilesConfig) -> Workspace {
    let located = locate(None, cwd, &[]).expect("located");
    discover(&located, filter).expect("discovered")
}

fn paths(workspace: &Workspace) -> Vec<&str> {
    workspace
        .files
        .iter()
        .map(|f| f.rel_path.as_str())
        .collect()
}

#[test]
fn virtual_workspace_with_glob_members_and_exclude() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\", \"tools/cli\"]\nexclude = [\"crates/legacy\"]\n"),
            ("crates/a/Cargo.toml", &package("shop-a")),
            ("crates/a/src/lib.rs", ""),
            ("crates/b/Cargo.toml", &package("shop-b")),
            ("crates/b/src/main.rs", ""),
            ("crates/legacy/Cargo.toml", &package("legacy")),
            ("crates/legacy/src/lib.rs", ""),
            ("crates/notes/readme.txt", "not a package"),
            ("tools/cli/Cargo.toml", &package("cli")),
            ("tools/cli/src/lib.rs", ""),
            ("tools/other/Cargo.toml", &package("other")),
            ("tools/other/src/lib.rs", ""),
        ],
    );
    let workspace = discover_from(&dir.path().join("crates/a/src"), &FilesConfig::default());
    let names: Vec<&str> = workspace.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["shop-a", "shop-b", "cli"]);
    assert_eq!(
        paths(&workspace),
        [
            "crates/a/src/lib.rs",
            "crates/b/src/main.rs",
            "tools/cli/src/lib.rs"
        ]
    );
    assert_eq!(workspace.packages[0].targets[0].crate_name, "shop_a");
    assert_eq!(workspace.packages[1].targets[0].kind, TargetKind::Bin);
}

#[test]
fn package_targets_and_test_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = format!("{}[lib]\nname = \"shop_lib\"\n", package("shop"));
    write(
        dir.path(),
        &[
            ("Cargo.toml", &manifest),
            ("build.rs", "fn main() {}"),
            ("src/lib.rs", "mod a;"),
            ("src/a.rs", ""),
            ("src/main.rs", ""),
            ("src/bin/admin.rs", ""),
            ("src/bin/worker/main.rs", ""),
            ("examples/demo.rs", ""),
            ("benches/speed.rs", ""),
            ("tests/api.rs", ""),
            ("src/.hidden/x.rs", ""),
            ("target/debug/build/out.rs", ""),
            ("src/generated/schema.rs", ""),
            ("src/notes.txt", ""),
            ("vendor/nested/Cargo.toml", &package("nested")),
            ("src/nested/Cargo.toml", &package("nested2")),
            ("src/nested/src/lib.rs", ""),
        ],
    );
    let workspace = discover_from(dir.path(), &FilesConfig::default());
    assert_eq!(
        paths(&workspace),
        [
            "benches/speed.rs",
            "build.rs",
            "examples/demo.rs",
            "src/a.rs",
            "src/bin/admin.rs",
            "src/bin/worker/main.rs",
            "src/generated/schema.rs",
            "src/lib.rs",
            "src/main.rs",
        ]
    );
    let targets: Vec<(&str, TargetKind)> = workspace.packages[0]
        .targets
        .iter()
        .map(|t| (t.crate_name.as_str(), t.kind))
        .collect();
    assert!(targets.contains(&("shop_lib", TargetKind::Lib)));
    assert!(targets.contains(&("shop", TargetKind::Bin)));
    assert!(targets.contains(&("worker", TargetKind::Bin)));
    assert!(targets.contains(&("demo", TargetKind::Example)));
    assert!(!targets.iter().any(|(_, kind)| *kind == TargetKind::Test));

    let filter = FilesConfig {
        exclude: vec!["src/generated/**".into()],
        include_tests: true,
    };
    let workspace = discover_from(dir.path(), &filter);
    let found = paths(&workspace);
    assert!(found.contains(&"tests/api.rs"));
    assert!(!found.contains(&"src/generated/schema.rs"));
    let test_file = workspace
        .files
        .iter()
        .find(|f| f.rel_path == "tests/api.rs")
        .expect("test file");
    assert_eq!(test_file.kind, FileKind::Test);
}

#[test]
fn workspace_dependencies_by_path_and_by_workspace_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let api = format!(
        "{}[dependencies]\ncore = {{ path = \"../core\", package = \"shop-core\" }}\nshop-util.workspace = true\nserde = \"1\"\n",
        package("shop-api")
    );
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"core\", \"api\", \"util\"]\n[workspace.dependencies]\nshop-util = { path = \"util\" }\n"),
            ("core/Cargo.toml", &package("shop-core")),
            ("core/src/lib.rs", ""),
            ("util/Cargo.toml", &package("shop-util")),
            ("util/src/lib.rs", ""),
            ("api/Cargo.toml", &api),
            ("api/src/lib.rs", ""),
        ],
    );
    let workspace = discover_from(dir.path(), &FilesConfig::default());
    let api = workspace
        .packages
        .iter()
        .find(|p| p.name == "shop-api")
        .expect("api");
    let mut deps = api.workspace_deps.clone();
    deps.sort();
    assert_eq!(
        deps,
        [
            ("core".to_string(), "shop-core".to_string()),
            ("shop_util".to_string(), "shop-util".to_string())
        ]
    );
}

#[test]
fn unreadable_text_is_recorded_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("Cargo.toml", &package("shop")),
            ("src/lib.rs", ""),
            ("src/empty.rs", ""),
        ],
    );
    std::fs::write(dir.path().join("src/bytes.rs"), [0xff, 0xfe, 0x00]).expect("write");
    let workspace = discover_from(dir.path(), &FilesConfig::default());
    let text = |name: &str| {
        workspace
            .files
            .iter()
            .find(|f| f.rel_path == name)
            .map(|f| f.text.clone())
    };
    assert_eq!(text("src/bytes.rs"), Some(FileText::NotUtf8));
    assert_eq!(text("src/empty.rs"), Some(FileText::Utf8("".into())));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_noted_and_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("Cargo.toml", &package("shop")),
            ("src/lib.rs", ""),
            ("src/deep/x.rs", ""),
        ],
    );
    std::os::unix::fs::symlink(dir.path().join("src"), dir.path().join("src/deep/loop"))
        .expect("symlink");
    let workspace = discover_from(dir.path(), &FilesConfig::default());
    assert_eq!(paths(&workspace), ["src/deep/x.rs", "src/lib.rs"]);
    assert!(
        workspace.notes.iter().any(|n| n.contains("loop")),
        "{:?}",
        workspace.notes
    );
}

#[test]
fn missing_and_invalid_manifests_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing =
        locate(Some(Path::new("nowhere/Cargo.toml")), dir.path(), &[]).expect_err("missing");
    assert!(missing.to_string().contains("does not exist"));
    write(dir.path(), &[("Cargo.toml", "[package]\nname = ")]);
    let invalid = locate(None, dir.path(), &[]).expect_err("invalid");
    assert!(invalid.to_string().contains("not a valid Cargo manifest"));
}

#[test]
fn without_a_manifest_the_paths_are_loose_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[("a/one.rs", ""), ("b/two.rs", ""), ("a/.git/x.rs", "")],
    );
    let located = locate(None, dir.path(), &[PathBuf::from("a")]).expect("located");
    assert!(located.manifest.is_none());
    let workspace = discover(&located, &FilesConfig::default()).expect("discovered");
    assert_eq!(paths(&workspace), ["a/one.rs"]);
    assert_eq!(workspace.files[0].kind, FileKind::Loose);
}

#[test]
fn invalid_exclude_globs_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[("Cargo.toml", &package("shop")), ("src/lib.rs", "")],
    );
    let located = locate(None, dir.path(), &[]).expect("located");
    let filter = FilesConfig {
        exclude: vec!["src/[".into()],
        include_tests: false,
    };
    assert!(discover(&located, &filter).is_err());
}

#[test]
fn path_dependencies_inside_the_root_are_implicit_members_and_other_packages_a_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = format!(
        "{}[dependencies]\nmodels = {{ path = \"../models\" }}\n",
        package("app")
    );
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"app\"]\n"),
            ("app/Cargo.toml", &app),
            ("app/src/lib.rs", "pub fn f() {}\n"),
            ("models/Cargo.toml", &package("models")),
            (
                "models/src/lib.rs",
                "pub struct Customer { pub phone: String }\n",
            ),
            ("tools/gen/Cargo.toml", &package("gen")),
            ("tools/gen/src/main.rs", "fn main() {}\n"),
        ],
    );
    let workspace = discover_from(dir.path(), &FilesConfig::default());
    assert_eq!(paths(&workspace), ["app/src/lib.rs", "models/src/lib.rs"]);
    assert_eq!(
        workspace.notes,
        ["package in tools/gen/ is not a member of this workspace and is not linted (lint it with --manifest-path tools/gen/Cargo.toml)"]
    );
}

/// A language server's discovery (`DiscoverMemo`: the texts it kept, the notes made between two
/// analyses) gives what a fresh one gives, and sees a package added outside the workspace once it has
/// prepared again.
#[test]
fn a_kept_discovery_gives_what_a_fresh_one_gives() {
    use cargo_pii_lint::workspace::{discover_reusing, DiscoverMemo};
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        &[
            ("Cargo.toml", "[workspace]\nmembers = [\"app\"]\n"),
            ("app/Cargo.toml", &package("app")),
            ("app/src/lib.rs", "pub fn f() {}\n"),
            ("tools/gen/Cargo.toml", &package("gen")),
            ("tools/gen/src/main.rs", "fn main() {}\n"),
        ],
    );
    let located = locate(None, dir.path(), &[]).expect("located");
    let filter = FilesConfig::default();
    let mut memo = DiscoverMemo::kept();
    let shown = |w: &Workspace| format!("{:?} {:?}", paths(w), w.notes);
    let fresh = || shown(&discover(&located, &filter).expect("discovered"));
    let kept = |memo: &mut DiscoverMemo| {
        shown(&discover_reusing(&located, &filter, memo).expect("discovered"))
    };
    assert_eq!(kept(&mut memo), fresh());
    memo.prepare();
    assert_eq!(kept(&mut memo), fresh());
    write(
        dir.path(),
        &[
            ("app/src/more.rs", "pub fn g() {}\n"),
            ("vendor/x/Cargo.toml", &package("x")),
        ],
    );
    memo.prepare();
    let now = kept(&mut memo);
    assert_eq!(now, fresh());
    assert!(
        now.contains("app/src/more.rs") && now.contains("vendor/x/"),
        "{now}"
    );
}
