use cargo_pii_lint::baseline::Baseline;
use cargo_pii_lint::cli::{self, CheckArgs, Command, InventoryArgs};
use cargo_pii_lint::diagnostic::Level;
use cargo_pii_lint::pipeline::{self, CheckRequest};
use cargo_pii_lint::report::{self, ReportInput, Summary};
use cargo_pii_lint::workspace;
use std::io::Write;
use std::process::ExitCode;

/// The analysis allocates and frees millions of small values; mimalloc does that far faster than the
/// system allocator (the allocator ruff and uv ship for the same reason).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc asks Linux for transparent huge pages, and the analysis frees and reuses memory all the time:
/// each page it touches again is a fresh 2 MiB to zero. Without them, a hyperswitch run takes 0.6 s (a
/// sixth) less, 1 s less system time, and less memory (measured with `MIMALLOC_ALLOW_THP=0`, which does
/// this for mimalloc's own mappings only after the first).
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: `PR_SET_THP_DISABLE` only sets a flag of this process; no memory is passed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc's `mi_option_purge_delay` (its position in `mi_option_e`, mimalloc.h, v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

unsafe extern "C" {
    /// mimalloc's own, linked with the allocator.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// mimalloc holds freed pages 10 ms before it hands them back (100 ms for its arenas), so each phase
/// finds the last one's pages still resident. Holding them 100 ms (1 s for arenas) lets the later phases
/// reuse more of them: on hyperswitch the peak is 311–321 MiB instead of 321–347, for about 2 % more
/// time (measured side by side; 0 lowers it to 305 MiB but costs 15 % more time).
fn purge_later() {
    // SAFETY: sets one of the allocator's options, as the `MIMALLOC_PURGE_DELAY` variable would; nothing
    // is allocated or freed.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 100) }
}

const USAGE_ERROR: u8 = 2;

/// Parsing and lowering recurse as deep as the code nests: generated code can nest thousands of levels.
const STACK_BYTES: usize = 512 << 20;

fn main() -> ExitCode {
    without_transparent_huge_pages();
    purge_later();
    // Rayon's workers and the main work get stacks large enough for deeply nested code (reserved, not used).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_BYTES)
        .build_global();
    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(run);
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(code)) => code,
        _ => usage_error("internal error: the analysis thread failed"),
    }
}

fn run() -> ExitCode {
    let cli = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version on stdout with success, usage errors on stderr with code 2.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { USAGE_ERROR } else { 0 });
        }
    };
    match cli.command {
        None => check(&cli.check),
        Some(Command::Check(args)) => check(&args),
        Some(Command::Explain { lint: None }) => print(&cli::lint_table()),
        Some(Command::Explain { lint: Some(name) }) => match cargo_pii_lint::lints::find(&name) {
            Some(lint) => print(&(cli::explain(lint) + "\n")),
            None => usage_error(&format!(
                "unknown lint `{name}`; the lints are:\n{}",
                cli::lint_table()
            )),
        },
        Some(Command::Init(args)) => init(&args),
        Some(Command::Lsp(args)) => match request_of(&args) {
            Ok(request) => match cargo_pii_lint::lsp::serve(request, args.timings) {
                Ok(true) => ExitCode::SUCCESS,
                // `exit` without `shutdown` before it (LSP).
                Ok(false) => ExitCode::from(1),
                Err(message) => usage_error(&format!("language server: {message}")),
            },
            Err(code) => code,
        },
        Some(Command::Inventory(args)) => inventory(&args),
    }
}

fn request_of(args: &CheckArgs) -> Result<CheckRequest, ExitCode> {
    let cwd = std::env::current_dir()
        .map_err(|e| usage_error(&format!("cannot read the current directory: {e}")))?;
    Ok(CheckRequest {
        manifest_path: args.manifest_path.clone(),
        config_path: args.config.clone(),
        paths: args.paths.clone(),
        cwd,
        level_flags: args.level_flags.clone(),
        cache: !args.no_cache,
    })
}

/// The whole analysis for a command; a usage or config error is printed and becomes the exit code.
fn analyse(request: &CheckRequest) -> Result<pipeline::CheckOutcome, ExitCode> {
    pipeline::check(request).map_err(|report| {
        eprintln!("{report:?}");
        ExitCode::from(USAGE_ERROR)
    })
}

/// Notes about what was skipped (unreadable manifests, excluded members), unless `-q`.
fn print_notes(outcome: &pipeline::CheckOutcome, quiet: bool) {
    if !quiet {
        for note in &outcome.index.workspace.notes {
            eprintln!("note: {note}");
        }
    }
}

/// `inventory`: the data map on stdout; findings do not change the exit code (that is `check`'s job).
fn inventory(args: &InventoryArgs) -> ExitCode {
    let outcome = match request_of(&args.check_args()).and_then(|r| analyse(&r)) {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    print_notes(&outcome, args.quiet);
    let map = cargo_pii_lint::inventory::build(&outcome.index, &outcome.flow);
    print(&cargo_pii_lint::inventory::render(&map, args.format))
}

fn init(args: &CheckArgs) -> ExitCode {
    let outcome = match request_of(args).and_then(|r| analyse(&r)) {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    let path = outcome.index.workspace.root.join("pii-lint.toml");
    // `symlink_metadata`: a dangling symlink must not be written through to wherever it points.
    if std::fs::symlink_metadata(&path).is_ok() {
        return usage_error(&format!(
            "{} exists already: init does not overwrite it",
            path.display()
        ));
    }
    match std::fs::write(&path, cargo_pii_lint::init::starter_config(&outcome)) {
        Ok(()) => {
            eprintln!("wrote {}", path.display());
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(&format!("cannot write {}: {error}", path.display())),
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let request = match request_of(args) {
        Ok(request) => request,
        Err(code) => return code,
    };
    let mut outcome = match analyse(&request) {
        Ok(outcome) => outcome,
        Err(code) => return code,
    };
    for file in &args.files {
        if !request.cwd.join(file).exists() {
            let note = format!("--files {}: no such file", file.display());
            outcome.index.workspace.notes.push(note);
        }
    }
    print_notes(&outcome, args.quiet);
    let baseline = match &args.baseline {
        Some(path) => match Baseline::read(&request.cwd.join(path)) {
            Ok(baseline) => Some(baseline),
            Err(message) => return usage_error(&message),
        },
        None => None,
    };
    if let Some(path) = &args.write_baseline {
        let written = Baseline::of(&outcome.findings, &outcome.index.workspace);
        if let Err(message) = written.write(&request.cwd.join(path)) {
            return usage_error(&message);
        }
        if !args.quiet {
            eprintln!(
                "note: wrote {} findings to the baseline {}",
                written.findings.len(),
                path.display()
            );
        }
        written.filter(&mut outcome.findings, &outcome.index.workspace);
    }
    if let Some(baseline) = &baseline {
        baseline.filter(&mut outcome.findings, &outcome.index.workspace);
    }
    if !args.files.is_empty() {
        let wanted: Vec<std::path::PathBuf> = args
            .files
            .iter()
            .map(|f| workspace::normalize(&request.cwd.join(f)))
            .collect();
        let files = &outcome.index.workspace;
        let given = |file: workspace::FileId| {
            wanted.contains(&workspace::normalize(
                &files.root.join(&files.file(file).rel_path),
            ))
        };
        // A staged change can break a flow elsewhere: its declaration or a step of its path counts too.
        outcome.findings.retain(|f| {
            given(f.span.file)
                || f.trace.iter().any(|step| given(step.span.file))
                || f.data.iter().any(|d| d.declared_in.is_some_and(given))
        });
    }
    let summary = Summary::of(&outcome.findings, outcome.index.rust_files);
    let input = ReportInput {
        findings: &outcome.findings,
        workspace: &outcome.index.workspace,
        summary,
        color: args.use_color(),
        quiet: args.quiet,
    };
    let started = std::time::Instant::now();
    let text = report::reporter(args.output_format()).render(&input);
    let code = print(&text);
    if args.output_format() == report::Format::Github {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            append_step_summary(std::path::Path::new(&path), &report::step_summary(&input));
        }
    }
    if args.timings {
        eprint!(
            "{}",
            cargo_pii_lint::pipeline::timings_report(&outcome, Some(("report", started.elapsed())))
        );
    }
    let denied = outcome.findings.iter().any(|f| f.level == Level::Deny);
    // The process ends here and the system takes its memory back at once; freeing the analysis one
    // allocation at a time would take tens of milliseconds on a large workspace.
    std::mem::forget(outcome);
    if code != ExitCode::SUCCESS {
        return code;
    }
    ExitCode::from(u8::from(denied))
}

/// Appends to the step summary file GitHub gives; a failure is said on stderr, never fatal.
fn append_step_summary(path: &std::path::Path, markdown: &str) {
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(markdown.as_bytes()));
    if let Err(error) = written {
        eprintln!(
            "note: cannot append to GITHUB_STEP_SUMMARY {}: {error}",
            path.display()
        );
    }
}

fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error of the lint run.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => usage_error(&format!("cannot write the report: {error}")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(USAGE_ERROR)
}
