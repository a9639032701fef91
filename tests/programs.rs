//! Node is the oracle.
//!
//! Every folder under `fixtures/programs/` is a small ES-module program. Its
//! expected stdout is what Node prints when it runs the program unbundled
//! (`node main.js` in the folder), or, for TypeScript programs that Node
//! cannot run directly, the contents of `expected.txt`. weft bundles the
//! program in each output format the fixture allows, Node runs the bundle, and
//! the stdout and exit status must match exactly.
//!
//! Fixture layout:
//! - `package.json` (`{"type":"module"}`, plus dependencies for fixtures that
//!   use real npm packages, which also commit a `package-lock.json`; those are
//!   installed here with `npm ci` when `node_modules` is missing),
//! - an entry: `main.js`, `main.mjs`, `main.jsx`, `main.ts` or `main.tsx`,
//! - `expected.txt`: required for entries Node cannot run itself,
//! - `formats`: optional, a whitespace-separated subset of `esm cjs iife`
//!   (default: all three).
//!
//! Each fixture is its own `#[test]` (listed in `programs!` below), and every
//! test reports all of its failing formats at once. `every_fixture_is_listed`
//! makes sure a new folder cannot be forgotten. Set `WEFT_KEEP_FAILED_BUNDLES`
//! to keep the bundles of failing formats on disk for a look.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

macro_rules! programs {
    ($($(#[$attr:meta])* $name:ident),* $(,)?) => {
        /// Every fixture folder that has a test of its own.
        const LISTED: &[&str] = &[$(stringify!($name)),*];

        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                run_program(stringify!($name));
            }
        )*
    };
}

programs! {
    cycle_side_effects_both_ways,
    cycle_through_entry,
    default_export_forms,
    dynamic_import_await_ordering,
    dynamic_import_then_without_tla,
    exec_order_siblings_nested,
    export_star_conflicts,
    json_import_with_attribute,
    live_bindings_export_let_aliases,
    module_boundaries_asi_hashbang,
    module_this_undefined_strict,
    name_collisions_across_modules,
    namespace_object_shape,
    syntax_roundtrip_modern,
    tdz_across_cycle,
    top_level_await_imported,
    top_level_await_sibling_not_blocked,
    tree_shaking_keeps_side_effects,
    ts_enums_namespaces_type_elision,
    tsx_automatic_runtime_preact,
    #[ignore = "react is CommonJS: needs CommonJS interop (issue 3)"]
    tsx_automatic_runtime_react,
    tsx_classic_runtime_pragma,
    tsx_classic_runtime_tsconfig_factory,
}

const ENTRY_NAMES: &[&str] = &["main.js", "main.mjs", "main.jsx", "main.ts", "main.tsx"];
const ALL_FORMATS: &[Format] = &[Format::Esm, Format::Cjs, Format::Iife];

const NODE_TIMEOUT: Duration = Duration::from_secs(60);
const WEFT_TIMEOUT: Duration = Duration::from_secs(120);
const NPM_TIMEOUT: Duration = Duration::from_secs(600);

/// How much of a captured stderr goes into a failure report.
const STDERR_LIMIT: usize = 4000;

#[test]
fn every_fixture_is_listed() {
    let on_disk: BTreeSet<String> = fs::read_dir(programs_dir())
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", programs_dir().display()))
        .map(|entry| entry.expect("readable directory entry"))
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = LISTED.iter().map(|s| s.to_string()).collect();
    assert!(
        LISTED.windows(2).all(|pair| pair[0] < pair[1]),
        "keep the programs! list in tests/programs.rs sorted"
    );

    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        "fixtures/programs and the programs! list in tests/programs.rs disagree\n  \
         folders not listed: {unlisted:?}\n  listed without a folder: {missing:?}"
    );
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Esm,
    Cjs,
    Iife,
}

impl Format {
    fn parse(word: &str) -> Option<Format> {
        match word {
            "esm" => Some(Format::Esm),
            "cjs" => Some(Format::Cjs),
            "iife" => Some(Format::Iife),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Esm => "esm",
            Format::Cjs => "cjs",
            Format::Iife => "iife",
        }
    }

    fn out_file(self) -> &'static str {
        match self {
            Format::Esm => "out.mjs",
            Format::Cjs => "out.cjs",
            Format::Iife => "out.js",
        }
    }
}

struct Fixture {
    name: String,
    dir: PathBuf,
    entry: PathBuf,
    formats: Vec<Format>,
}

fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("programs")
}

fn load_fixture(name: &str) -> Fixture {
    let dir = programs_dir().join(name);
    assert!(
        dir.is_dir(),
        "fixture folder {} does not exist",
        dir.display()
    );
    assert!(
        dir.join("package.json").is_file(),
        "fixture `{name}` has no package.json"
    );

    let entries: Vec<PathBuf> = ENTRY_NAMES
        .iter()
        .map(|entry| dir.join(entry))
        .filter(|path| path.is_file())
        .collect();
    let entry = match entries.as_slice() {
        [entry] => entry.clone(),
        [] => panic!("fixture `{name}` has no entry (one of {ENTRY_NAMES:?})"),
        _ => panic!("fixture `{name}` has more than one entry: {entries:?}"),
    };

    let formats = match fs::read_to_string(dir.join("formats")) {
        Ok(text) => {
            let formats: Vec<Format> = text
                .split_whitespace()
                .map(|word| {
                    Format::parse(word).unwrap_or_else(|| {
                        panic!("fixture `{name}`: unknown format {word:?} in `formats`")
                    })
                })
                .collect();
            assert!(
                !formats.is_empty(),
                "fixture `{name}`: `formats` names no format"
            );
            formats
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => ALL_FORMATS.to_vec(),
        Err(e) => panic!("fixture `{name}`: cannot read `formats`: {e}"),
    };

    Fixture {
        name: name.to_string(),
        dir,
        entry,
        formats,
    }
}

fn run_program(name: &str) {
    let fixture = load_fixture(name);
    require_node();
    install_dependencies(&fixture);
    let expected = expected_stdout(&fixture);

    let failures: Vec<String> = fixture
        .formats
        .iter()
        .filter_map(|&format| check_format(&fixture, format, &expected).err())
        .collect();

    if !failures.is_empty() {
        let mut report = format!(
            "fixture `{}`: {} of {} format(s) failed\n",
            fixture.name,
            failures.len(),
            fixture.formats.len()
        );
        for failure in failures {
            report.push('\n');
            report.push_str(&failure);
        }
        panic!("{report}");
    }
}

/// Fails with a clear message, once, if Node cannot be run at all: without the
/// oracle there is nothing to compare against.
fn require_node() {
    static NODE: OnceLock<Result<String, String>> = OnceLock::new();
    let node =
        NODE.get_or_init(
            || match run(Command::new("node").arg("--version"), NODE_TIMEOUT) {
                Ok(out) if out.success() => Ok(out.stdout.trim().to_string()),
                Ok(out) => Err(format!(
                    "`node --version` failed ({}): {}",
                    out.describe_status(),
                    out.stderr.trim()
                )),
                Err(e) => Err(format!("`node` could not be started: {e}")),
            },
        );
    if let Err(message) = node {
        panic!(
            "these tests run programs under Node, the oracle, and Node is not usable: \
             {message}\ninstall Node.js 20 or newer and put `node` on PATH"
        );
    }
}

/// Fixtures that use real npm packages commit package.json and a lockfile;
/// the packages are installed at test time, never committed.
fn install_dependencies(fixture: &Fixture) {
    if !fixture.dir.join("package-lock.json").is_file() || fixture.dir.join("node_modules").exists()
    {
        return;
    }
    let mut npm = Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&fixture.dir);
    match run(&mut npm, NPM_TIMEOUT) {
        Ok(out) if out.success() => {}
        Ok(out) => panic!(
            "fixture `{}`: `npm ci` failed ({})\n{}\n{}",
            fixture.name,
            out.describe_status(),
            out.stdout.trim(),
            truncate(&out.stderr)
        ),
        Err(e) => panic!(
            "fixture `{}` needs npm packages, and `npm` could not be started: {e}",
            fixture.name
        ),
    }
}

fn expected_stdout(fixture: &Fixture) -> String {
    let expected_file = fixture.dir.join("expected.txt");
    if expected_file.is_file() {
        return fs::read_to_string(&expected_file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", expected_file.display()));
    }

    let entry_name = fixture.entry.file_name().unwrap().to_string_lossy();
    assert!(
        entry_name.ends_with(".js") || entry_name.ends_with(".mjs"),
        "fixture `{}`: Node cannot run {entry_name} unbundled, so the fixture needs an expected.txt",
        fixture.name
    );
    let out = run(
        node_command(&fixture.entry).current_dir(&fixture.dir),
        NODE_TIMEOUT,
    )
    .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    assert!(
        out.success(),
        "fixture `{}` is broken: `node {entry_name}` itself failed ({})\nstdout:\n{}\nstderr:\n{}",
        fixture.name,
        out.describe_status(),
        out.stdout,
        truncate(&out.stderr)
    );
    out.stdout
}

/// Bundles the fixture in one format, runs the bundle under Node and compares.
/// The error is a readable report of what went wrong.
fn check_format(fixture: &Fixture, format: Format, expected: &str) -> Result<(), String> {
    let header = format!("── {} [{}] ──", fixture.name, format.name());
    let temp = tempfile::Builder::new()
        .prefix(&format!("weft-{}-{}-", fixture.name, format.name()))
        .tempdir()
        .map_err(|e| format!("{header}\ncannot create a temporary directory: {e}\n"))?;
    let out_file = temp.path().join(format.out_file());

    if format == Format::Iife {
        // Pin CommonJS semantics for out.js whatever the ancestors of the temp
        // dir say, and turn off Node's ES-module syntax detection, which would
        // otherwise quietly run an iife that leaked `import`/`export` as ESM.
        fs::write(
            temp.path().join("package.json"),
            "{\"type\":\"commonjs\"}\n",
        )
        .map_err(|e| format!("{header}\ncannot write package.json: {e}\n"))?;
    }

    let mut weft = Command::new(env!("CARGO_BIN_EXE_weft"));
    weft.arg("bundle")
        .arg(&fixture.entry)
        .arg("-o")
        .arg(&out_file)
        .args(["--format", format.name()])
        .current_dir(&fixture.dir);
    let bundled =
        run(&mut weft, WEFT_TIMEOUT).map_err(|e| format!("{header}\ncannot run weft: {e}\n"))?;
    if !bundled.success() {
        let mut report = format!(
            "{header}\n`weft bundle` failed ({})\nstderr:\n{}\n",
            bundled.describe_status(),
            indent(&truncate(&bundled.stderr))
        );
        if out_file.exists() {
            report
                .push_str("and it left an output file behind, which a failed build must not do\n");
        }
        return Err(report);
    }
    if !out_file.is_file() {
        return Err(format!(
            "{header}\n`weft bundle` exited 0 but wrote no {}\nstderr:\n{}\n",
            format.out_file(),
            indent(&truncate(&bundled.stderr))
        ));
    }

    let ran = run(
        node_command(&out_file).current_dir(temp.path()),
        NODE_TIMEOUT,
    )
    .map_err(|e| format!("{header}\ncannot run node: {e}\n"))?;

    if ran.success() && ran.stdout == expected {
        return Ok(());
    }

    let mut report = format!("{header}\n");
    if !ran.success() {
        let _ = writeln!(
            report,
            "the bundle failed under node ({})",
            ran.describe_status()
        );
    }
    if ran.stdout != expected {
        let _ = writeln!(
            report,
            "stdout differs from the expected output (- expected, + actual):"
        );
        report.push_str(&line_diff(expected, &ran.stdout));
    }
    if !ran.stderr.trim().is_empty() {
        let _ = writeln!(report, "node stderr:\n{}", indent(&truncate(&ran.stderr)));
    }
    if !bundled.stderr.trim().is_empty() {
        let _ = writeln!(
            report,
            "weft stderr:\n{}",
            indent(&truncate(&bundled.stderr))
        );
    }
    // Keep the bundle around for a look when asked to.
    if std::env::var_os("WEFT_KEEP_FAILED_BUNDLES").is_some() {
        let kept = temp.keep();
        let _ = writeln!(
            report,
            "bundle kept at {}",
            kept.join(format.out_file()).display()
        );
    }
    Err(report)
}

fn node_command(script: &Path) -> Command {
    let mut node = Command::new("node");
    node.arg(script).env_remove("NODE_OPTIONS");
    node
}

struct Output {
    status: Option<ExitStatus>,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

impl Output {
    fn success(&self) -> bool {
        !self.timed_out && self.status.is_some_and(|s| s.success())
    }

    fn describe_status(&self) -> String {
        if self.timed_out {
            return "timed out and was killed".to_string();
        }
        match self.status {
            Some(status) => match status.code() {
                Some(code) => format!("exit code {code}"),
                None => format!("{status}"),
            },
            None => "no exit status".to_string(),
        }
    }
}

/// Runs a command to completion with captured output, killing it after
/// `timeout` so that a hanging program fails its test instead of the run.
fn run(command: &mut Command, timeout: Duration) -> io::Result<Output> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;

    fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    }
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));

    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().ok();
        }
        thread::sleep(Duration::from_millis(10));
    };

    let text = |handle: thread::JoinHandle<Vec<u8>>| {
        String::from_utf8_lossy(&handle.join().unwrap_or_default()).into_owned()
    };
    Ok(Output {
        status,
        timed_out,
        stdout: text(stdout),
        stderr: text(stderr),
    })
}

fn truncate(text: &str) -> String {
    if text.len() <= STDERR_LIMIT {
        return text.to_string();
    }
    let mut end = STDERR_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more bytes)", &text[..end], text.len() - end)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A line diff of two outputs (longest common subsequence), with every line
/// shown: program outputs are short. Control characters, trailing spaces and
/// a missing final newline are made visible.
fn line_diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.split_inclusive('\n').collect();
    let b: Vec<&str> = actual.split_inclusive('\n').collect();

    let mut out = String::new();
    let mut line = |mark: char, text: &str| {
        let _ = writeln!(out, "    {mark} {}", visible(text));
    };

    // Quadratic tables are fine for program outputs; past that, compare line
    // by line.
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        for i in 0..a.len().max(b.len()) {
            match (a.get(i), b.get(i)) {
                (Some(x), Some(y)) if x == y => line(' ', x),
                (x, y) => {
                    if let Some(x) = x {
                        line('-', x);
                    }
                    if let Some(y) = y {
                        line('+', y);
                    }
                }
            }
        }
    } else {
        let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
        for i in (0..a.len()).rev() {
            for j in (0..b.len()).rev() {
                lcs[i][j] = if a[i] == b[j] {
                    lcs[i + 1][j + 1] + 1
                } else {
                    lcs[i + 1][j].max(lcs[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            if i < a.len() && j < b.len() && a[i] == b[j] {
                line(' ', a[i]);
                i += 1;
                j += 1;
            } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
                line('-', a[i]);
                i += 1;
            } else {
                line('+', b[j]);
                j += 1;
            }
        }
    }

    if b.is_empty() {
        out.push_str("    (actual stdout is empty)\n");
    }
    out
}

/// One output line for a report: control characters escaped, trailing spaces
/// shown as `·`, and a missing final newline spelled out.
fn visible(line: &str) -> String {
    let (body, has_newline) = match line.strip_suffix('\n') {
        Some(body) => (body, true),
        None => (line, false),
    };
    let kept = body.trim_end_matches(' ');
    let mut shown = String::with_capacity(body.len() + 8);
    for c in kept.chars() {
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    shown.extend(std::iter::repeat_n('·', body.len() - kept.len()));
    if !has_newline {
        shown.push_str("  [no newline at end]");
    }
    shown
}
