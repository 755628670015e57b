//! Command-line arguments (clap derive) and what each command prints; exit codes live in `main.rs`.

use crate::diagnostic::Level;
use crate::report::Format;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "cargo-pii-lint",
    bin_name = "cargo pii-lint",
    version,
    about = "Finds personal information processed without purpose or consent, or leaked, in a Rust workspace",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint the workspace (the default command)
    Check(Box<CheckArgs>),
    /// Print a lint's documentation (by name or code); without a lint, list them all
    Explain { lint: Option<String> },
    /// The data map: every personal-data declaration with its category, purposes, consent, readers and sinks
    Inventory(Box<InventoryArgs>),
    /// Write a starter pii-lint.toml at the workspace root, suggesting declarations for undeclared data
    Init(Box<CheckArgs>),
    /// A language server over stdio that publishes the findings (re-analysed on every save)
    Lsp(Box<CheckArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Path to the workspace's Cargo.toml (default: found from the current directory)
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Path to the config (default: pii-lint.toml at the workspace root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Option<Format>,
    /// `json`: rustc's JSON diagnostics, one per line (for rust-analyzer's `check.overrideCommand`)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub message_format: Option<MessageFormat>,
    /// Set a lint to deny (a name, a code, or `warnings` for every warning)
    #[arg(short = 'D', long = "deny", value_name = "LINT")]
    pub deny: Vec<String>,
    /// Set a lint to warn
    #[arg(short = 'W', long = "warn", value_name = "LINT")]
    pub warn: Vec<String>,
    /// Set a lint to allow (not reported)
    #[arg(short = 'A', long = "allow", value_name = "LINT")]
    pub allow: Vec<String>,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Option<ColorChoice>,
    /// Do not report the findings listed in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding into this baseline file (they are then not reported)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings located in these files (the whole workspace is still analysed): for pre-commit
    #[arg(long, num_args = 1.., value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// Print only findings: no summary line, no notes
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the time of each phase on stderr
    #[arg(long)]
    pub timings: bool,
    /// Parse every file again instead of reading the summaries kept in <target-dir>/pii-lint/
    #[arg(long)]
    pub no_cache: bool,
    /// Rust files or directories to lint when there is no Cargo.toml
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// `-D/-W/-A` in the order given (filled from the raw matches: clap keeps each flag's values apart).
    #[arg(skip)]
    pub level_flags: Vec<(Level, String)>,
}

/// `inventory`: the options that locate the workspace, and the output format.
#[derive(Debug, Args, Default)]
pub struct InventoryArgs {
    /// Path to the workspace's Cargo.toml (default: found from the current directory)
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Path to the config (default: pii-lint.toml at the workspace root)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: crate::inventory::Format,
    /// No notes about skipped files on stderr
    #[arg(short, long)]
    pub quiet: bool,
    /// Rust files or directories to map when there is no Cargo.toml
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

impl InventoryArgs {
    /// The same workspace, config and files as `check` with these options would analyse.
    pub fn check_args(&self) -> CheckArgs {
        CheckArgs {
            manifest_path: self.manifest_path.clone(),
            config: self.config.clone(),
            paths: self.paths.clone(),
            quiet: self.quiet,
            ..CheckArgs::default()
        }
    }
}

impl CheckArgs {
    /// The output format: `--message-format json` wins over `--format`.
    pub fn output_format(&self) -> Format {
        match self.message_format {
            Some(MessageFormat::Json) => Format::RustcJson,
            None => self.format.unwrap_or(Format::Human),
        }
    }

    pub fn use_color(&self) -> bool {
        match self.color.unwrap_or(ColorChoice::Auto) {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Parses the arguments; when run as `cargo pii-lint`, cargo passes `pii-lint` first, which is dropped.
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let mut args: Vec<_> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "pii-lint") {
        args.remove(1);
    }
    let matches = Cli::command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    match (&mut cli.command, matches.subcommand()) {
        (Some(Command::Check(check)), Some((_, sub))) => check.level_flags = ordered_levels(sub),
        _ => cli.check.level_flags = ordered_levels(&matches),
    }
    Ok(cli)
}

fn ordered_levels(matches: &ArgMatches) -> Vec<(Level, String)> {
    let mut flags = Vec::new();
    for (id, level) in [
        ("deny", Level::Deny),
        ("warn", Level::Warn),
        ("allow", Level::Allow),
    ] {
        let (Some(indices), Some(values)) =
            (matches.indices_of(id), matches.get_many::<String>(id))
        else {
            continue;
        };
        flags.extend(
            indices
                .zip(values)
                .map(|(index, value)| (index, level, value.clone())),
        );
    }
    flags.sort_by_key(|(index, _, _)| *index);
    flags
        .into_iter()
        .map(|(_, level, value)| (level, value))
        .collect()
}

/// `explain`: the lint's header and its documentation.
pub fn explain(lint: &crate::lints::Lint) -> String {
    format!(
        "{} {} (default: {})\n\n{}\n\n{}",
        lint.code,
        lint.name,
        lint.default_level.as_str(),
        lint.summary,
        lint.documentation().trim_end()
    )
}

/// `explain` with no lint: a table of every lint.
pub fn lint_table() -> String {
    let mut out = String::new();
    for lint in crate::lints::all() {
        out.push_str(&format!(
            "{}  {:<32} {:<5}  {}\n",
            lint.code,
            lint.name,
            lint.default_level.as_str(),
            lint.summary
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(words: &str) -> Cli {
        parse(words.split_whitespace().map(Into::into)).unwrap()
    }

    #[test]
    fn cargo_subcommand_argument_is_dropped() {
        let cli = parse_words("cargo-pii-lint pii-lint --format json");
        assert!(cli.command.is_none());
        assert_eq!(cli.check.format, Some(Format::Json));
    }

    #[test]
    fn level_flags_keep_their_order_with_or_without_check() {
        let cli = parse_words("cargo-pii-lint -A log-leak -D warnings -W PII005");
        let expected = vec![
            (Level::Allow, "log-leak".to_string()),
            (Level::Deny, "warnings".to_string()),
            (Level::Warn, "PII005".to_string()),
        ];
        assert_eq!(cli.check.level_flags, expected);
        let cli =
            parse_words("cargo-pii-lint pii-lint check -A log-leak -D warnings -W PII005 src");
        let Some(Command::Check(check)) = cli.command else {
            panic!("expected check")
        };
        assert_eq!(check.level_flags, expected);
        assert_eq!(check.paths, [PathBuf::from("src")]);
    }

    #[test]
    fn explain_takes_a_lint() {
        let cli = parse_words("cargo-pii-lint explain log-leak");
        assert!(matches!(cli.command, Some(Command::Explain { lint: Some(l) }) if l == "log-leak"));
    }

    #[test]
    fn inventory_defaults_to_markdown_and_takes_the_check_locations() {
        let cli = parse_words("cargo-pii-lint pii-lint inventory --manifest-path shop/Cargo.toml");
        let Some(Command::Inventory(args)) = cli.command else {
            panic!("expected inventory")
        };
        assert_eq!(args.format, crate::inventory::Format::Markdown);
        assert_eq!(args.manifest_path, Some(PathBuf::from("shop/Cargo.toml")));
        let cli = parse_words("cargo-pii-lint inventory --format json --config p.toml src");
        let Some(Command::Inventory(args)) = cli.command else {
            panic!("expected inventory")
        };
        assert_eq!(args.format, crate::inventory::Format::Json);
        assert_eq!(args.check_args().paths, [PathBuf::from("src")]);
        assert!(parse(
            "cargo-pii-lint inventory --format sarif"
                .split(' ')
                .map(Into::into)
        )
        .is_err());
    }

    #[test]
    fn bad_values_are_usage_errors() {
        assert!(parse("cargo-pii-lint --format xml".split(' ').map(Into::into)).is_err());
        assert!(parse(
            "cargo-pii-lint --color sometimes"
                .split(' ')
                .map(Into::into)
        )
        .is_err());
        assert!(parse("cargo-pii-lint --no-such-flag".split(' ').map(Into::into)).is_err());
    }
}
