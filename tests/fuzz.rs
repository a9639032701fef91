//! The fuzzer: weft must not crash, hang, write broken JavaScript or write
//! anything on a failed build, whatever it is given (issue 24).
//!
//! Seeds are the programs of `fixtures/programs/`, the demo and the
//! regression fixtures; each run copies one into a fresh folder, mutates
//! it (`fuzz/mutate.rs`), bundles it with a random flag set
//! (`fuzz/flags.rs`) by running the weft binary as a child process, and
//! judges what happened (`fuzz/oracle.rs`: signals, panics, hangs past 20
//! seconds, outputs `node --check` rejects, writes on failure). Two workers
//! run side by side, each with its own splitmix64 sequence (`fuzz/rng.rs`)
//! and its own node process screening outputs (`fuzz/syntax.rs`).
//!
//! A finding is shrunk a little (`fuzz/shrink.rs`), saved under
//! `target/fuzz-findings/<n>/` in the layout of a regression fixture (the
//! program, a `flags` file, and `finding.txt` with what went wrong), and
//! printed at once, past the test harness's capture; findings with the same
//! kind and key line count once. The test fails if there is any. The
//! findings folder is emptied when a run starts.
//!
//! `cargo test` fuzzes 500 cases a worker from seed 1, the same cases every
//! time, for 60 seconds at most (`WEFT_FUZZ_RUNS` a worker,
//! `WEFT_FUZZ_SECONDS`, `WEFT_FUZZ_SEED`; with only a time given, the run
//! lasts that long). A longer run, from another seed:
//!
//! ```text
//! WEFT_FUZZ_SECONDS=1800 WEFT_FUZZ_SEED=7 cargo test --test fuzz
//! ```
//!
//! (with `--release`, the optimised binary is fuzzed: faster runs, and the
//! stack depths users get).
//!
//! Every crash the fuzzer found stays in `fixtures/fuzz/regressions/<name>/`
//! (a finding's folder without `finding.txt`, minimised by hand, with a
//! comment in `flags` saying what it pins); `regressions_stay_fixed`
//! replays each one against the same oracle, which for a fixture also
//! requires that a build of JavaScript node refuses fails.

mod support;

#[path = "fuzz/dictionary.rs"]
mod dictionary;
#[path = "fuzz/flags.rs"]
mod flags;
#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/oracle.rs"]
mod oracle;
#[path = "fuzz/program.rs"]
mod program;
#[path = "fuzz/rng.rs"]
mod rng;
#[path = "fuzz/shrink.rs"]
mod shrink;
#[path = "fuzz/syntax.rs"]
mod syntax;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use mutate::Donors;
use oracle::Finding;
use program::{Case, Program};
use rng::Rng;
use shrink::Shrinker;

const DEFAULT_SECONDS: u64 = 60;
/// Runs each worker makes when neither `WEFT_FUZZ_SECONDS` nor
/// `WEFT_FUZZ_RUNS` is set: each worker's cases follow from the seed, so a
/// fixed count makes `cargo test` try the same programs every time, however
/// fast the machine (the default time still bounds it).
const DEFAULT_RUNS_PER_WORKER: u64 = 500;
const DEFAULT_SEED: u64 = 1;
const WORKERS: u64 = 2;

/// Builds one finding's shrinking may run, and for how long.
const SHRINK_RUNS: usize = 150;
const SHRINK_TIME: Duration = Duration::from_secs(30);

/// How often a long run says how far it got.
const PROGRESS_EVERY: Duration = Duration::from_secs(60);

#[test]
fn fuzz() {
    support::require_node();
    let config = Config::from_env();
    let seeds = Seeds::load();
    let findings = Findings::new(findings_dir());
    let runs = AtomicUsize::new(0);
    thread::scope(|scope| {
        for worker in 0..WORKERS {
            let (config, seeds, findings, runs) = (&config, &seeds, &findings, &runs);
            scope.spawn(move || fuzz_worker(worker, config, seeds, findings, runs));
        }
        scope.spawn(|| report_progress(&config, &findings, &runs));
    });
    let found = findings.reports.into_inner().expect("no worker panicked");
    let seen = findings.seen.into_inner().expect("no worker panicked");
    say(&format!(
        "fuzz: seed {}, {} runs in {:.0?}, {} findings",
        config.seed,
        runs.load(Ordering::Relaxed),
        config.started.elapsed(),
        found.len()
    ));
    assert!(found.is_empty(), "{}", failure_report(&found, &seen));
}

/// Replays every regression fixture: none may crash, hang, write broken
/// JavaScript, write on failure, or bundle JavaScript node refuses.
#[test]
fn regressions_stay_fixed() {
    support::require_node();
    let failures: Vec<String> = regression_dirs()
        .iter()
        .filter_map(|dir| {
            let case = Case::read_fixture(dir).expect("a regression fixture can be read");
            let finding = oracle::judge_fixture(&case)?;
            Some(format!(
                "── {} ──\n{}\n  run: {}\n{}\n",
                dir.file_name().unwrap_or_default().to_string_lossy(),
                finding.signature(),
                case.command_line(),
                indent(&finding.detail)
            ))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} regression fixture(s) fail:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

struct Config {
    seed: u64,
    started: Instant,
    deadline: Instant,
    /// Cases each worker tries at most.
    runs_per_worker: u64,
}

impl Config {
    fn from_env() -> Config {
        let seconds = env_number("WEFT_FUZZ_SECONDS", DEFAULT_SECONDS);
        let timed = std::env::var_os("WEFT_FUZZ_SECONDS").is_some();
        let default_runs = if timed {
            u64::MAX
        } else {
            DEFAULT_RUNS_PER_WORKER
        };
        let started = Instant::now();
        Config {
            seed: env_number("WEFT_FUZZ_SEED", DEFAULT_SEED),
            started,
            deadline: started + Duration::from_secs(seconds),
            runs_per_worker: env_number("WEFT_FUZZ_RUNS", default_runs),
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, not {text:?}")),
        Err(_) => default,
    }
}

/// What cases start from.
struct Seeds {
    programs: Vec<(String, Program)>,
    regressions: Vec<Case>,
    donors: Donors,
}

impl Seeds {
    fn load() -> Seeds {
        let mut programs = Vec::new();
        for dir in subfolders(&fixtures().join("programs")) {
            let name = dir
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            // Packages are installed by the programs test; without them,
            // every run would stop at the first unresolved import.
            let missing_packages =
                dir.join("package-lock.json").is_file() && !dir.join("node_modules").is_dir();
            if let (Some(entry), false) = (program::find_entry(&dir), missing_packages) {
                let program = Program::read(&dir, &entry).expect("a seed program can be read");
                programs.push((name, program));
            }
        }
        let demo = Program::read(&fixtures().join("demo"), Path::new("src/main.ts"))
            .expect("the demo can be read");
        programs.push(("demo".to_string(), demo));
        let regressions: Vec<Case> = regression_dirs()
            .iter()
            .map(|dir| Case::read_fixture(dir).expect("a regression fixture can be read"))
            .collect();
        let donors = programs
            .iter()
            .map(|(_, program)| &program.files)
            .flat_map(|files| files.iter().filter(|(path, _)| program::is_source(path)))
            .map(|(_, text)| text.clone())
            .collect();
        Seeds {
            programs,
            regressions,
            donors: Donors(donors),
        }
    }

    /// A case: a seed (now and then a regression fixture), a flag set
    /// (the fixture's own, sometimes), and mostly a few mutations.
    fn generate(&self, rng: &mut Rng) -> Case {
        let mut case = if !self.regressions.is_empty() && rng.one_in(10) {
            rng.pick(&self.regressions).clone()
        } else {
            let (name, program) = rng.pick(&self.programs);
            Case {
                program: program.clone(),
                flags: Vec::new(),
                origin: format!("seed {name}"),
            }
        };
        if case.flags.is_empty() || rng.one_in(2) {
            case.flags = flags::random_flags(rng);
        }
        if !rng.one_in(8) {
            let mutations = mutate::mutate_program(rng, &mut case.program, &self.donors);
            case.origin = format!("{}; {}", case.origin, mutations.join("; "));
        }
        case
    }
}

fn fuzz_worker(
    index: u64,
    config: &Config,
    seeds: &Seeds,
    findings: &Findings,
    runs: &AtomicUsize,
) {
    let mut rng = Rng::new(config.seed.wrapping_mul(WORKERS).wrapping_add(index));
    let mut made = 0;
    while Instant::now() < config.deadline && made < config.runs_per_worker {
        made += 1;
        let case = seeds.generate(&mut rng);
        runs.fetch_add(1, Ordering::Relaxed);
        if let Some(finding) = oracle::judge(&case) {
            findings.report(&case, finding, config, runs);
        }
    }
}

fn report_progress(config: &Config, findings: &Findings, runs: &AtomicUsize) {
    let mut next = config.started + PROGRESS_EVERY;
    while next < config.deadline {
        thread::sleep(Duration::from_millis(200));
        if Instant::now() >= next {
            let found = findings.reports.lock().map_or(0, |reports| reports.len());
            let runs = runs.load(Ordering::Relaxed);
            say(&format!("fuzz: {runs} runs, {found} findings so far"));
            next += PROGRESS_EVERY;
        }
    }
}

/// The distinct findings of a run, each saved in a folder of its own.
struct Findings {
    dir: PathBuf,
    /// How often each signature came up.
    seen: Mutex<BTreeMap<String, usize>>,
    /// One report for each distinct finding, in the order they were saved.
    reports: Mutex<Vec<(String, String)>>,
}

impl Findings {
    fn new(dir: PathBuf) -> Findings {
        let _ = fs::remove_dir_all(&dir);
        Findings {
            dir,
            seen: Mutex::new(BTreeMap::new()),
            reports: Mutex::new(Vec::new()),
        }
    }

    /// Counts the finding and, the first time its signature comes up,
    /// shrinks, saves and prints it.
    fn report(&self, case: &Case, finding: Finding, config: &Config, runs: &AtomicUsize) {
        let signature = finding.signature();
        {
            let mut seen = self.seen.lock().expect("no worker panicked");
            let count = seen.entry(signature.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                return;
            }
        }
        let (case, finding) = shrunk(case, finding, config, runs);
        let mut reports = self.reports.lock().expect("no worker panicked");
        let folder = self.dir.join((reports.len() + 1).to_string());
        let notes = format!("{signature}\nfrom {}", case.origin);
        let saved = fs::create_dir_all(&folder)
            .and_then(|()| case.write_fixture(&folder, &notes))
            .and_then(|()| fs::write(folder.join("finding.txt"), &finding.detail));
        let report = format!(
            "fuzz finding {}: {signature}\n  from:  {}\n  run:   {}\n  saved: {}{}\n",
            reports.len() + 1,
            case.origin,
            case.command_line(),
            folder.display(),
            saved
                .err()
                .map(|e| format!(" (failed: {e})"))
                .unwrap_or_default()
        );
        say(&report);
        reports.push((signature, report));
    }
}

/// The finding shrunk, unless it is a hang (each try would take the full
/// time limit), with the shrunk case's own finding.
fn shrunk(case: &Case, finding: Finding, config: &Config, runs: &AtomicUsize) -> (Case, Finding) {
    if finding.kind == "hang" {
        return (case.clone(), finding);
    }
    let deadline = (Instant::now() + SHRINK_TIME).min(config.deadline + SHRINK_TIME);
    let mut shrinker = Shrinker::new(finding.signature(), SHRINK_RUNS, deadline);
    let small = shrinker.shrink(case);
    runs.fetch_add(shrinker.runs + 1, Ordering::Relaxed);
    match oracle::judge(&small) {
        Some(again) if again.signature() == finding.signature() => (small, again),
        _ => (case.clone(), finding),
    }
}

fn failure_report(found: &[(String, String)], seen: &BTreeMap<String, usize>) -> String {
    let mut text = format!("the fuzzer found {} distinct problem(s):\n\n", found.len());
    for (signature, report) in found {
        text.push_str(report);
        text.push_str(&format!(
            "  seen {} time(s)\n\n",
            seen.get(signature).copied().unwrap_or(1)
        ));
    }
    text.push_str(
        "each is saved as a regression fixture; once fixed, copy its folder (without \
         finding.txt) into fixtures/fuzz/regressions/<what it pins>/",
    );
    text
}

/// Prints past the test harness's capture: a fuzzing run's progress and
/// summary show in CI logs whether the test passes or not.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{}", text.trim_end());
}

fn indent(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn findings_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("fuzz-findings")
}

fn regression_dirs() -> Vec<PathBuf> {
    subfolders(&fixtures().join("fuzz").join("regressions"))
}

/// The folders directly under `dir`, sorted by name; none if it is missing.
fn subfolders(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}
