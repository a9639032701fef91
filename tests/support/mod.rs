//! What the oracle tests share: running a command with a time limit and
//! captured output, making sure Node is there, installing a fixture's npm
//! packages, bundling with weft, running the bundle under Node, and reporting
//! a mismatch as a readable diff.
//!
//! Each test binary that compares bundles against Node declares `mod support;`.

// Every test binary compiles its own copy of this module and uses a different
// part of it; what one binary leaves unused is not dead code.
#![allow(dead_code)]

/// One `#[test]` per listed fixture, each calling `$run(name)`, and
/// `LISTED`, the names in order, for a test that checks the list against
/// the disk.
#[allow(unused_macros)]
macro_rules! fixture_tests {
    ($run:ident: $($(#[$attr:meta])* $name:ident),* $(,)?) => {
        /// Every fixture that has a test of its own.
        const LISTED: &[&str] = &[$(stringify!($name)),*];

        $(
            #[test]
            $(#[$attr])*
            fn $name() {
                $run(stringify!($name));
            }
        )*
    };
}

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

pub const NODE_TIMEOUT: Duration = Duration::from_secs(60);
pub const WEFT_TIMEOUT: Duration = Duration::from_secs(120);
pub const NPM_TIMEOUT: Duration = Duration::from_secs(600);

/// How much of a captured stderr goes into a failure report.
const STDERR_LIMIT: usize = 4000;

/// A finished (or killed) process: its exit status and its output as text.
pub struct Output {
    pub status: Option<ExitStatus>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn success(&self) -> bool {
        !self.timed_out && self.status.is_some_and(|s| s.success())
    }

    pub fn describe_status(&self) -> String {
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
pub fn run(command: &mut Command, timeout: Duration) -> io::Result<Output> {
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

/// `node <script>`, without any `NODE_OPTIONS` of the environment the tests
/// run in.
pub fn node_command(script: &Path) -> Command {
    let mut node = Command::new("node");
    node.arg(script).env_remove("NODE_OPTIONS");
    node
}

/// Runs the weft binary under test with `args` in `cwd`.
pub fn run_weft(args: &[OsString], cwd: &Path) -> io::Result<Output> {
    let mut weft = Command::new(env!("CARGO_BIN_EXE_weft"));
    weft.args(args).current_dir(cwd);
    run(&mut weft, WEFT_TIMEOUT)
}

/// Writes `contents` to `dir/rel`, creating parent folders.
pub fn write_file(dir: &Path, rel: &str, contents: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, contents).unwrap();
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs the weft binary under test with `args` in `dir`, without colors,
/// and returns what it did, whatever its exit status.
pub fn weft(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_weft"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("failed to run the weft binary")
}

/// Runs weft like [`weft`], and panics with its stderr unless it succeeds.
#[allow(dead_code)]
pub fn weft_ok(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = weft(dir, args);
    assert!(
        out.status.success(),
        "weft {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `node <script>` in `dir`: its stdout, or a panic with its stderr.
pub fn node_stdout(dir: &Path, script: &str) -> String {
    let out = node_command(Path::new(script))
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("could not run `node` (is Node.js installed and on PATH?): {e}")
        });
    assert!(
        out.status.success(),
        "node {script} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("node prints UTF-8")
}

/// Fails with a clear message, once, if Node cannot be run at all: without the
/// oracle there is nothing to compare against.
pub fn require_node() {
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
/// the packages are installed at test time with `npm ci`, never committed.
/// Nothing happens when `dir` has no lockfile or already has `node_modules`.
pub fn install_npm_packages(dir: &Path) -> Result<(), String> {
    if !dir.join("package-lock.json").is_file() || dir.join("node_modules").exists() {
        return Ok(());
    }
    let mut npm = Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund"]).current_dir(dir);
    match run(&mut npm, NPM_TIMEOUT) {
        Ok(out) if out.success() => Ok(()),
        Ok(out) => Err(format!(
            "`npm ci` in {} failed ({})\n{}\n{}",
            dir.display(),
            out.describe_status(),
            out.stdout.trim(),
            truncate(&out.stderr)
        )),
        Err(e) => Err(format!(
            "{} needs npm packages, and `npm` could not be started: {e}",
            dir.display()
        )),
    }
}

/// Runs a program unbundled under Node for its expected stdout. The program
/// must succeed: a failing oracle means the fixture itself is broken.
pub fn node_expectation(fixture: &str, script: &Path, cwd: &Path) -> String {
    let out = run(node_command(script).current_dir(cwd), NODE_TIMEOUT)
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    assert!(
        out.success(),
        "fixture `{fixture}` is broken: `node {}` itself failed ({})\nstdout:\n{}\nstderr:\n{}",
        script.display(),
        out.describe_status(),
        out.stdout,
        truncate(&out.stderr)
    );
    out.stdout
}

/// One way of bundling a fixture, checked by [`check_bundle`].
pub struct BundleCheck<'a> {
    /// The fixture's name, for reports and the temporary directory's name.
    pub fixture: &'a str,
    /// The output format or variant, for the same.
    pub variant: &'a str,
    /// The entry as weft is given it (relative paths are relative to `cwd`).
    pub entry: &'a Path,
    /// Where weft runs.
    pub cwd: &'a Path,
    /// The bundle's file name in the temporary directory; its extension
    /// decides how Node loads it.
    pub out_file: &'a str,
    /// The arguments of `weft bundle` after the entry and `-o FILE`.
    pub weft_args: Vec<String>,
    /// Files written into the temporary directory before weft runs, as
    /// (name, contents).
    pub temp_files: &'a [(&'a str, &'a str)],
    /// Texts the bundle must contain (`true`) or must not (`false`).
    pub output_texts: &'a [(bool, String)],
}

/// Bundles a fixture one way into a temporary directory, runs the bundle under
/// Node there, and compares its stdout and exit status with `expected`. The
/// error is a readable report of what went wrong. Set
/// `WEFT_KEEP_FAILED_BUNDLES` to keep the bundles of failing checks on disk.
pub fn check_bundle(check: &BundleCheck, expected: &str) -> Result<(), String> {
    let header = format!("── {} [{}] ──", check.fixture, check.variant);
    let temp = tempfile::Builder::new()
        .prefix(&format!("weft-{}-{}-", check.fixture, check.variant))
        .tempdir()
        .map_err(|e| format!("{header}\ncannot create a temporary directory: {e}\n"))?;
    let out_file = temp.path().join(check.out_file);

    for (name, contents) in check.temp_files {
        fs::write(temp.path().join(name), contents)
            .map_err(|e| format!("{header}\ncannot write {name}: {e}\n"))?;
    }

    let mut args: Vec<OsString> = vec!["bundle".into(), check.entry.into(), "-o".into()];
    args.push(out_file.clone().into());
    args.extend(check.weft_args.iter().map(OsString::from));
    let bundled =
        run_weft(&args, check.cwd).map_err(|e| format!("{header}\ncannot run weft: {e}\n"))?;
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
            check.out_file,
            indent(&truncate(&bundled.stderr))
        ));
    }

    let bundle = fs::read_to_string(&out_file)
        .map_err(|e| format!("{header}\ncannot read {}: {e}\n", out_file.display()))?;
    let wrong: Vec<String> = check
        .output_texts
        .iter()
        .filter(|(present, text)| bundle.contains(text.as_str()) != *present)
        .map(|(present, text)| {
            let what = if *present { "lacks" } else { "contains" };
            format!("the bundle {what} {text:?}")
        })
        .collect();
    if !wrong.is_empty() {
        return Err(format!("{header}\n{}\n", wrong.join("\n")));
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
            kept.join(check.out_file).display()
        );
    }
    Err(report)
}

/// Fails the test with every failing check's report, if there are any.
pub fn report_failures(fixture: &str, checked: usize, failures: Vec<String>) {
    if failures.is_empty() {
        return;
    }
    let mut report = format!(
        "fixture `{fixture}`: {} of {checked} format(s) failed\n",
        failures.len()
    );
    for failure in failures {
        report.push('\n');
        report.push_str(&failure);
    }
    panic!("{report}");
}

pub fn truncate(text: &str) -> String {
    if text.len() <= STDERR_LIMIT {
        return text.to_string();
    }
    let mut end = STDERR_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more bytes)", &text[..end], text.len() - end)
}

pub fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A line diff of two outputs (longest common subsequence), with every line
/// shown: program outputs are short. Control characters, trailing spaces and
/// a missing final newline are made visible.
pub fn line_diff(expected: &str, actual: &str) -> String {
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
