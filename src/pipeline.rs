//! The pipeline as one function: discover → parse → index → lints → filter (suppressions, levels).

use crate::config::{self, Config};
use crate::diagnostic::{Finding, Level};
use crate::index::Index;
use crate::last_run::LastRun;
use crate::levels::Levels;
use crate::parse::{self, ParseOptions};
use crate::workspace::{self, FileId, FileKind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
pub struct CheckRequest {
    pub manifest_path: Option<PathBuf>,
    pub config_path: Option<PathBuf>,
    pub paths: Vec<PathBuf>,
    pub cwd: PathBuf,
    pub level_flags: Vec<(Level, String)>,
    /// Keep file summaries in `<target-dir>/pii-lint/` and read them back (a workspace with a
    /// `Cargo.toml` only); off for `--no-cache`.
    pub cache: bool,
}

pub struct CheckOutcome {
    pub index: Index,
    /// After suppressions and levels, sorted as SPEC 5.1 says.
    pub findings: Vec<Finding>,
    /// What the flow analysis found: reads, sink flows, purposes (the inventory is built from it).
    pub flow: crate::flow::FlowFacts,
    pub timings: Timings,
}

#[derive(Debug, Default)]
pub struct Timings {
    pub phases: Vec<(&'static str, Duration)>,
    /// The CPU time the process spent in each phase (all threads), where the system tells it.
    pub cpu: Vec<Option<Duration>>,
    /// How many files' summaries were read back from the on-disk cache, of how many, when it was used.
    pub cached: Option<(usize, usize)>,
    /// How many macro expansions were taken from the on-disk cache or the analysis before, of how many.
    pub expansions_taken: (usize, usize),
}

impl Timings {
    fn time<T>(&mut self, phase: &'static str, work: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let cpu_start = crate::clock::process_cpu_time();
        let result = work();
        self.phases.push((phase, start.elapsed()));
        self.cpu.push(
            cpu_start
                .zip(crate::clock::process_cpu_time())
                .map(|(a, b)| b.saturating_sub(a)),
        );
        if std::env::var_os("PII_LINT_TRACE_MEMORY").is_some() {
            eprintln!(
                "memory after {phase}: {} MiB resident",
                resident_mib().unwrap_or(0)
            );
        }
        result
    }

    pub fn total(&self) -> Duration {
        self.phases.iter().map(|(_, d)| *d).sum()
    }
}

/// `--timings`: each phase's time (and `last`, a phase after the analysis such as the report's), the
/// flow's steps, and what was taken from a cache or the analysis before.
pub fn timings_report(outcome: &CheckOutcome, last: Option<(&'static str, Duration)>) -> String {
    let mut phases = outcome.timings.phases.clone();
    phases.extend(last);
    let total: Duration = phases.iter().map(|(_, d)| *d).sum();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let mut out = String::new();
    // The CPU time beside the wall time shows how much of a phase ran on all cores.
    let cpu = |cpu: Option<Duration>| {
        cpu.map_or_else(String::new, |c| format!(" (cpu {:.0} ms)", ms(&c)))
    };
    for (i, (phase, duration)) in phases.iter().enumerate() {
        let phase_cpu = cpu(outcome.timings.cpu.get(i).copied().flatten());
        out += &format!("timing: {phase:<8} {:>9.3} ms{phase_cpu}\n", ms(duration));
        if let ("parse", Some((read_back, files))) = (*phase, outcome.timings.cached) {
            out += &format!("timing:   {read_back} of {files} files read back from the cache\n");
        }
        if let ("index", (taken @ 1.., all)) = (*phase, outcome.timings.expansions_taken) {
            out += &format!("timing:   {taken} of {all} macro expansions taken from before\n");
        }
        if *phase == "flow" {
            for (step, duration, step_cpu) in &outcome.flow.steps {
                let step_cpu = cpu(*step_cpu);
                out += &format!("timing:   {step:<10} {:>7.3} ms{step_cpu}\n", ms(duration));
            }
            if let (taken @ 1.., all) = outcome.flow.evaluations {
                out += &format!(
                    "timing:   {taken} of {all} evaluations taken from the analysis before\n"
                );
            }
        }
    }
    out += &format!("timing: {:<8} {:>9.3} ms\n", "total", ms(&total));
    out
}

pub fn check(request: &CheckRequest) -> Result<CheckOutcome, miette::Report> {
    check_reusing(request, &mut Memo::default())
}

/// What a language server keeps from one analysis for the next: every file's summary, what the index
/// expanded and resolved, and the flow's evaluations. `Memo::default()` keeps nothing (a one-off run
/// pays nothing for it).
#[derive(Default)]
pub struct Memo {
    discover: workspace::DiscoverMemo,
    pub parse: parse::ParseMemo,
    /// The workspace's layout at the last analysis (`Workspace::layout`): a manifest edit changes no
    /// source file but can change every crate.
    layout: Option<workspace::Layout>,
    index: crate::index::IndexMemo,
    flow: Option<crate::flow::FlowMemo>,
    /// The evaluations the last analysis replaced, freed between analyses.
    stale_flow: Option<crate::flow::FlowMemo>,
    keep: bool,
}

impl Memo {
    pub fn kept() -> Memo {
        Memo {
            discover: workspace::DiscoverMemo::kept(),
            parse: parse::ParseMemo::kept(),
            layout: None,
            index: crate::index::IndexMemo::kept(),
            flow: None,
            stale_flow: None,
            keep: true,
        }
    }

    /// Work for the time between two analyses (a language server calls it once it has answered): the
    /// evaluations the last one replaced are freed; the notes on packages outside the workspace, and the
    /// copies of the summaries and macro expansions the next analysis hands to the index (which
    /// consumes them), are made.
    pub fn prepare(&mut self) {
        self.stale_flow = None;
        self.discover.prepare();
        self.parse.prepare();
        self.index.prepare();
    }
}

/// As `check`, parsing only the files whose text changed since the run that left `memo` (the language
/// server's re-analysis on save), and, when the edit kept the index's shape, evaluating again only what
/// it can have changed; the outcome is the one `check` gives.
pub fn check_reusing(
    request: &CheckRequest,
    memo: &mut Memo,
) -> Result<CheckOutcome, miette::Report> {
    let mut timings = Timings::default();
    let (mut workspace, config, config_source, levels, cache) =
        timings.time("discover", || -> Result<_, miette::Report> {
            let located = workspace::locate(
                request.manifest_path.as_deref(),
                &request.cwd,
                &request.paths,
            )?;
            let (config, config_source) = load_config(request, &located)?;
            let levels = Levels::new(&config, &request.level_flags)
                .map_err(|message| miette::miette!("{message}"))?;
            let mut workspace =
                workspace::discover_reusing(&located, &config.files, &mut memo.discover)?;
            // A language server's memory holds every file after its first analysis: reading the
            // on-disk cache again (a pack of the whole workspace) would find nothing it lacks.
            let cache = if memo.parse.has_run() {
                None
            } else {
                open_cache(request, &located, &mut workspace.notes)
            };
            Ok((workspace, config, config_source, levels, cache))
        })?;
    let config_file: Option<FileId> = config_source.map(|(path, text)| {
        let rel_path = path
            .strip_prefix(&workspace.root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| path.to_string_lossy().into_owned());
        workspace.add_file(rel_path, path, text, FileKind::Config)
    });
    let options = ParseOptions {
        include_tests: config.files.include_tests,
    };
    // The index's macro expansions are kept beside the summaries, and the last run's record.
    let expansions_pack = cache.as_ref().map(|c| c.side_pack("expansions.pack"));
    let mut cached = None;
    let (summaries, mut last_run) = timings.time("parse", || {
        let summaries =
            parse::parse_workspace_reusing(&workspace, &options, &mut memo.parse, cache.as_ref());
        let last_run = (cache.as_ref())
            .map(|cache| LastRun::open(cache, &workspace, &options, &summaries))
            .filter(LastRun::records);
        if let Some(cache) = cache {
            let rust_files = (workspace.files.iter())
                .filter(|f| f.kind != FileKind::Config)
                .count();
            cached = Some((cache.hits(), rust_files));
            cache.finish();
        }
        (summaries, last_run)
    });
    timings.cached = cached;
    // An edit that kept every file's shape and the manifests' layout: the index is the one before but
    // for the changed files' places and bodies (`parse::shape`).
    let layout = memo.keep.then(|| workspace.layout());
    let same_layout = layout.is_some() && memo.layout == layout;
    memo.layout = layout;
    // An edit of bodies and functions only, with the same layout: the flow can take evaluations from
    // before (`flow::FlowMemo`).
    let functions_edit = match &last_run {
        Some(last_run) => last_run.edit().cloned(),
        None => (memo.parse.edit())
            .filter(|edit| edit.changed_functions.is_some() && same_layout)
            .cloned(),
    };
    let index = timings.time("index", || {
        if let Some(last_run) = &last_run {
            memo.index.record_resolutions();
            if let Some(bytes) = last_run.resolutions() {
                memo.index.load_resolutions(bytes);
            }
        }
        if let Some(pack) = &expansions_pack {
            let written = pack.read().unwrap_or_default();
            memo.index.load_expansions(&written, &workspace.files);
        }
        let index = Index::build_reusing(
            workspace,
            config,
            config_file,
            summaries,
            &mut memo.index,
            (functions_edit.as_ref())
                .and_then(|edit| edit.changed_functions.as_ref())
                .map(|functions| &functions.names[..]),
        );
        if let Some(pack) = expansions_pack {
            if let Some(bytes) = memo.index.expansions_pack(&index.workspace.files) {
                pack.write(&bytes);
            }
        }
        index
    });
    timings.expansions_taken = memo.index.expansions_taken();
    let previous = memo.flow.take();
    let flow = timings.time("flow", || {
        let read = last_run.as_mut().and_then(LastRun::take_memo);
        let previous = (read.as_ref().or(previous.as_ref())).zip(functions_edit.as_ref());
        let keep = memo.keep || last_run.is_some();
        let (flow, kept) = crate::flow::compute_with(&index, previous, keep);
        (flow, kept, read)
    });
    let (flow, kept, read) = flow;
    // The evaluations before this edit are freed after the answer (`Memo::prepare`).
    memo.stale_flow = previous;
    let findings = timings.time("lints", || {
        let mut findings = Vec::new();
        let context = crate::lints::LintContext {
            index: &index,
            flow: &flow,
        };
        for (_, check) in crate::lints::REGISTRY {
            check(&context, &mut findings);
        }
        crate::suppress::apply(&mut findings, &index.suppressions);
        levels.apply(&mut findings);
        crate::report::sort(&mut findings, &index.workspace);
        let functions = innermost_functions(&index, &findings);
        for (finding, function) in findings.iter_mut().zip(functions) {
            finding.fingerprint = fingerprint(&index, finding, function);
        }
        findings
    });
    // The CLI's record for its next run, from this run's evaluations.
    if let (Some(last_run), Some(kept)) = (last_run, &kept) {
        let index_memo = &memo.index;
        timings.time("record", || {
            last_run.record(kept, read.as_ref(), index_memo.resolutions())
        });
    }
    // Evaluations no later analysis takes are freed on another thread (a process that exits once it has
    // answered need not wait for it).
    let (kept, unused) = match memo.keep {
        true => (kept, None),
        false => (None, kept),
    };
    if read.is_some() || unused.is_some() {
        std::thread::spawn(move || drop((read, unused)));
    }
    memo.flow = kept;
    Ok(CheckOutcome {
        index,
        findings,
        flow,
        timings,
    })
}

/// The on-disk cache, when asked for and the workspace has a manifest to put a target directory beside;
/// a cache that cannot be made is said in the notes and the run goes on without it.
fn open_cache(
    request: &CheckRequest,
    located: &workspace::Located,
    notes: &mut Vec<String>,
) -> Option<parse::cache::DiskCache> {
    if !request.cache || located.manifest.is_none() {
        return None;
    }
    let target = parse::cache::target_dir(&located.root, &request.cwd);
    match parse::cache::DiskCache::open(&target) {
        Ok(cache) => Some(cache),
        Err(message) => {
            notes.push(format!(
                "{message} (the run parses every file; --no-cache skips it)"
            ));
            None
        }
    }
}

/// `--config` must exist; the default `pii-lint.toml` at the root is optional.
fn load_config(
    request: &CheckRequest,
    located: &workspace::Located,
) -> Result<(Config, Option<(PathBuf, String)>), miette::Report> {
    let (path, explicit) = match &request.config_path {
        Some(path) => (request.cwd.join(path), true),
        None => (located.config_path(), false),
    };
    if !explicit && !path.exists() {
        return Ok((Config::default(), None));
    }
    let display = path
        .strip_prefix(&located.root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.to_string_lossy().into_owned());
    let (config, text) = config::load(&path, &display)?;
    Ok((config, Some((path, text))))
}

/// Resident memory of this process (Linux), for profiling the phases.
fn resident_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// For each finding, the innermost function whose item holds it: one sweep per file over the functions
/// sorted by where they start, keeping the chain of those still open (items nest or are apart), so a file
/// with tens of thousands of functions and findings costs a sort, not their product.
fn innermost_functions(index: &Index, findings: &[Finding]) -> Vec<Option<usize>> {
    type At = (u32, u32);
    let start = |s: &crate::diagnostic::Span| -> At { (s.line, s.column) };
    let end = |s: &crate::diagnostic::Span| -> At { (s.end_line, s.end_column) };
    let mut by_file: std::collections::BTreeMap<_, Vec<usize>> = Default::default();
    for (i, f) in index.fns.iter().enumerate() {
        by_file.entry(f.item_span.file).or_default().push(i);
    }
    for fns in by_file.values_mut() {
        // Outer items first where two start together.
        fns.sort_by_key(|&i| {
            let span = &index.fns[i].item_span;
            (start(span), std::cmp::Reverse(end(span)))
        });
    }
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| (findings[i].span.file, start(&findings[i].span)));
    let mut found = vec![None; findings.len()];
    let mut current_file = None;
    let (mut next, mut open): (usize, Vec<usize>) = (0, Vec::new());
    for i in order {
        let span = findings[i].span;
        if current_file != Some(span.file) {
            current_file = Some(span.file);
            (next, open) = (0, Vec::new());
        }
        let Some(fns) = by_file.get(&span.file) else {
            continue;
        };
        while let Some(&f) = fns.get(next) {
            let item = &index.fns[f].item_span;
            if start(item) > start(&span) {
                break;
            }
            while open
                .last()
                .is_some_and(|&o| end(&index.fns[o].item_span) < start(item))
            {
                open.pop();
            }
            open.push(f);
            next += 1;
        }
        while open
            .last()
            .is_some_and(|&o| end(&index.fns[o].item_span) < start(&span))
        {
            open.pop();
        }
        found[i] = open
            .iter()
            .rev()
            .copied()
            .find(|&o| end(&span) <= end(&index.fns[o].item_span));
    }
    found
}

/// A finding's fingerprint: its lint, the innermost function whose item holds it (else the declaration
/// it names, type and field), and the types of its data, hashed. Moving lines, renaming the file or
/// adding data of the same type to it keeps it.
fn fingerprint(index: &Index, finding: &Finding, function: Option<usize>) -> String {
    let function = function.map(|i| &index.fns[i]).map(|f| {
        let owner = f.owner.and_then(|imp| {
            index.impls[imp.0 as usize]
                .self_ty
                .last_name()
                .map(str::to_string)
        });
        format!("{}::{}", owner.unwrap_or_default(), f.name)
    });
    let mut types: Vec<&str> = finding.data.iter().map(|d| d.type_name.as_str()).collect();
    types.sort();
    types.dedup();
    let subject = match function {
        Some(function) => function,
        // A declaration finding is about one field or type; several in a function are told apart by data.
        None => finding
            .data
            .iter()
            .map(|d| format!("{}.{}", d.type_name, d.field.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(","),
    };
    // The sink a flow reaches, as its message names it (`info!`, `.bind(..)`), without the data list.
    let sink = finding
        .message
        .rsplit_once(" (`")
        .map_or("", |(_, sink)| sink);
    // FNV-1a: the same on every build and platform, since baselines keep it.
    let canonical = format!("{}|{subject}|{}|{sink}", finding.lint.code, types.join(","));
    let hash = canonical
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    format!("{hash:016x}")
}
