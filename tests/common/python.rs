//! Python tools the integrations are checked with (fideslang, pre-commit), installed with pip into a
//! virtualenv under cargo's test scratch directory, once, and reused by later runs.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `bin` directory of a virtualenv named `name` with `packages` installed, or `None` (after printing
/// why, so the skip is visible with `--nocapture` and in CI logs) when Python or pip cannot provide it.
/// Each name must belong to one test: two tests building the same virtualenv at once would race.
pub fn tool_env(name: &str, packages: &[&str]) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("venvs")
        .join(name);
    let bin = venv.join("bin");
    let installed = venv.join(".installed");
    let wanted = packages.join(" ");
    if std::fs::read_to_string(&installed).is_ok_and(|text| text == wanted) {
        return Some(bin);
    }
    let _ = std::fs::remove_dir_all(&venv);
    let steps: [(&str, Vec<String>); 2] = [
        (
            "python3",
            vec!["-m".into(), "venv".into(), venv.display().to_string()],
        ),
        (
            "pip",
            ["install", "--quiet", "--disable-pip-version-check"]
                .iter()
                .map(|s| s.to_string())
                .chain(packages.iter().map(|s| s.to_string()))
                .collect(),
        ),
    ];
    for (program, args) in steps {
        let program = match program {
            "pip" => bin.join("pip"),
            other => PathBuf::from(other),
        };
        let result = Command::new(&program).args(&args).output();
        let failure = match result {
            Ok(output) if output.status.success() => continue,
            Ok(output) => String::from_utf8_lossy(&output.stderr).into_owned(),
            Err(error) => error.to_string(),
        };
        eprintln!(
            "SKIPPED: cannot install {wanted} with pip ({} failed): {}",
            program.display(),
            failure.trim()
        );
        return None;
    }
    std::fs::write(&installed, &wanted).expect("mark the virtualenv installed");
    Some(bin)
}
