//! The oracle: runs weft on a case in a fresh folder and says whether what
//! it did is a finding. weft runs as a child process, so an abort or a
//! stack overflow is an exit status here, and a hang is a kill after
//! [`WEFT_LIMIT`].
//!
//! A finding is: a signal; an exit code other than 0 and 1 (2 only for a
//! usage error); a panic, an internal error or a Rust backtrace note on
//! stderr; a hang; a zero exit with no bundle, with an output file
//! `node --check` rejects or a source map or metafile that is not JSON, or
//! with a file outside `out/` changed; an exit 1 that created or changed
//! anything, or that has no `error:` line. For a regression fixture, also
//! a zero exit on JavaScript node refuses. An output node cannot parse for
//! lack of stack is not a finding: that is node's resource limit, not its
//! verdict on the syntax.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::flags;
use crate::program::{Case, OUTFILE};
use crate::support::{self, Output};
use crate::syntax;

/// How long one build may take before it counts as a hang.
pub const WEFT_LIMIT: Duration = Duration::from_secs(20);

/// How long `node --check` may take.
const NODE_LIMIT: Duration = Duration::from_secs(20);

/// Lines of stderr that mean weft crashed, whatever its exit status.
const CRASH_MARKERS: &[&str] = &[
    "panicked",
    "has overflowed its stack",
    "fatal runtime error",
    "internal error",
    "RUST_BACKTRACE",
];

/// How much of a stderr goes into a finding.
const DETAIL_LIMIT: usize = 6000;

#[derive(Clone, Debug)]
pub struct Finding {
    /// What went wrong, in a few words.
    pub kind: String,
    /// The line that tells one finding of the kind from another, with the
    /// folder's path and thread numbers taken out.
    pub key: String,
    /// weft's stderr, and node's where node judged.
    pub detail: String,
}

impl Finding {
    fn new(kind: impl Into<String>, key: impl Into<String>, detail: impl Into<String>) -> Finding {
        let mut detail = detail.into();
        if detail.len() > DETAIL_LIMIT {
            let mut end = DETAIL_LIMIT;
            while !detail.is_char_boundary(end) {
                end -= 1;
            }
            detail.truncate(end);
            detail.push_str("\n[…]");
        }
        Finding {
            kind: kind.into(),
            key: key.into(),
            detail,
        }
    }

    /// What findings are told apart by: two with one signature are taken
    /// to be one bug.
    pub fn signature(&self) -> String {
        format!("{}: {}", self.kind, self.key)
    }
}

/// Every file and folder under a program's folder (not `node_modules`),
/// with each file's contents.
type Snapshot = BTreeMap<PathBuf, Option<Vec<u8>>>;

/// Runs weft on the case and judges what it did.
pub fn judge(case: &Case) -> Option<Finding> {
    judge_build(case, false)
}

/// [`judge`], and a successful build must also be of inputs node accepts:
/// what node refuses to load, weft refuses. Only for regression fixtures,
/// whose every file is loaded; a mutated seed may have files weft never
/// reads.
pub fn judge_fixture(case: &Case) -> Option<Finding> {
    judge_build(case, true)
}

fn judge_build(case: &Case, check_inputs: bool) -> Option<Finding> {
    let temp = tempfile::Builder::new()
        .prefix("weft-fuzz-")
        .tempdir()
        .expect("a temporary folder can be made");
    let dir = temp.path();
    case.program.write(dir).expect("the program can be written");
    let before = snapshot(dir);
    let out = run_weft(case, dir);
    let after = snapshot(dir);
    let stderr = out.stderr.replace(&dir.display().to_string(), "<dir>");
    if out.timed_out {
        return Some(Finding::new(
            "hang",
            format!("no exit within {WEFT_LIMIT:?}"),
            stderr,
        ));
    }
    if let Some(crash) = crash(&out, &stderr) {
        return Some(crash);
    }
    match out.status.and_then(|status| status.code()) {
        Some(0) => judge_success(case, dir, &before, &after, &stderr).or_else(|| {
            check_inputs
                .then(|| check_inputs_accepted(case, dir, &stderr))
                .flatten()
        }),
        Some(1) => judge_failure(&before, &after, &stderr),
        Some(2) if stderr.contains("Usage:") => None,
        code => Some(Finding::new("exit code", format!("{code:?}"), stderr)),
    }
}

fn run_weft(case: &Case, dir: &Path) -> Output {
    let mut weft = Command::new(env!("CARGO_BIN_EXE_weft"));
    weft.arg("bundle")
        .arg(&case.program.entry)
        .args(["-o", OUTFILE])
        .args(&case.flags)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE");
    support::run(&mut weft, WEFT_LIMIT).expect("the weft binary can be started")
}

/// A signal, or a crash weft reported itself (a caught panic).
fn crash(out: &Output, stderr: &str) -> Option<Finding> {
    let signal = out.status.and_then(|status| status.signal());
    let marker = stderr
        .lines()
        .find(|line| CRASH_MARKERS.iter().any(|m| line.contains(m)));
    let kind = match (signal, marker) {
        (None, None) => return None,
        (Some(signal), _) => format!("signal {signal} ({})", signal_name(signal)),
        (None, Some(line)) if line.contains("internal error") => "internal error".to_string(),
        (None, Some(_)) => "panic".to_string(),
    };
    let key = marker
        .or_else(|| stderr.lines().find(|line| !line.trim().is_empty()))
        .map_or_else(|| "(no stderr)".to_string(), normalise_rust_line);
    Some(Finding::new(kind, key, stderr))
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        _ => "signal",
    }
}

/// A stderr line with what differs between two crashes in one place taken
/// out: a panic is known by its location alone; a stack overflow by the
/// thread's name, without numbers, since no location is printed.
fn normalise_rust_line(line: &str) -> String {
    let line = line.trim();
    if let Some((_, location)) = line.split_once("panicked at ") {
        return format!("panicked at {}", shorten_registry_path(location));
    }
    let Some(rest) = line.strip_prefix("thread '") else {
        return line.to_string();
    };
    let Some((name, rest)) = rest.split_once('\'') else {
        return line.to_string();
    };
    let name: String = name.chars().filter(|c| !c.is_ascii_digit()).collect();
    let rest = match rest.strip_prefix(" (").and_then(|r| r.split_once(')')) {
        Some((id, after)) if id.chars().all(|c| c.is_ascii_digit()) => after,
        _ => rest,
    };
    format!("thread '{name}'{rest}")
}

/// A path into cargo's registry from the crate's folder on: the same
/// panic of a dependency has the same key on every machine.
fn shorten_registry_path(text: &str) -> String {
    let Some(at) = text.find("/registry/src/") else {
        return text.to_string();
    };
    let start = text[..at].rfind(' ').map_or(0, |i| i + 1);
    let index = &text[at + "/registry/src/".len()..];
    let crate_path = index.split_once('/').map_or(index, |(_, path)| path);
    format!("{}{crate_path}", &text[..start])
}

fn judge_success(
    case: &Case,
    dir: &Path,
    before: &Snapshot,
    after: &Snapshot,
    stderr: &str,
) -> Option<Finding> {
    if let Some(path) = first_difference(before, after, |path| !path.starts_with("out")) {
        let key = format!("a successful build changed {}", path.display());
        return Some(Finding::new("changed an input", key, stderr));
    }
    if !dir.join(OUTFILE).is_file() {
        return Some(Finding::new(
            "no output",
            format!("exit 0 without {OUTFILE}"),
            stderr,
        ));
    }
    let written = after.iter().filter(|(path, contents)| {
        path.starts_with("out") && contents.is_some() && before.get(*path) != Some(*contents)
    });
    for (path, contents) in written {
        let contents = contents.as_deref().unwrap_or_default();
        let finding = match path.extension().and_then(|e| e.to_str()) {
            Some("js") => check_script(case, dir, path, stderr),
            Some("map" | "json") => check_json(path, contents, stderr),
            _ => None,
        };
        if finding.is_some() {
            return finding;
        }
    }
    None
}

/// `node --check` on an output file, under the extension that makes node
/// read it in the output's format.
fn check_script(case: &Case, dir: &Path, path: &Path, stderr: &str) -> Option<Finding> {
    let extension = if flags::format(&case.flags) == "esm" {
        "mjs"
    } else {
        "cjs"
    };
    let checked = Path::new(".node-check")
        .join(path)
        .with_extension(extension);
    let copy = dir.join(&checked);
    fs::create_dir_all(copy.parent().expect("a file has a parent")).expect("can make a folder");
    fs::copy(dir.join(path), &copy).expect("an output file can be copied");
    if syntax::surely_accepted(&copy, extension == "mjs", NODE_LIMIT) {
        return None;
    }
    let node_error = node_check(dir, &checked)?;
    if is_stack_limit(&node_error) {
        // Nested deeper than node's own parser can go: node's resource
        // limit, not a verdict on the syntax.
        return None;
    }
    let rejected_input = rejected_input(case, dir);
    let kind = if rejected_input.is_some() {
        "output node rejects, from input node rejects too"
    } else {
        "output node rejects"
    };
    let mut detail = format!(
        "node --check {}:\n{node_error}\nweft stderr:\n{stderr}",
        path.display()
    );
    if let Some((input, error)) = rejected_input {
        detail.push_str(&format!(
            "\nnode --check {} (an input):\n{error}",
            input.display()
        ));
    }
    Some(Finding::new(kind, node_error_key(&node_error), detail))
}

fn is_stack_limit(node_error: &str) -> bool {
    node_error.contains("RangeError: Maximum call stack size exceeded")
}

/// A finding if node refuses a JavaScript input of a successful build.
fn check_inputs_accepted(case: &Case, dir: &Path, stderr: &str) -> Option<Finding> {
    let (input, error) = rejected_input(case, dir)?;
    let detail = format!(
        "node --check {}:\n{error}\nweft stderr:\n{stderr}",
        input.display()
    );
    Some(Finding::new(
        "accepted input node rejects",
        node_error_key(&error),
        detail,
    ))
}

/// The first JavaScript input node refuses, with node's message.
fn rejected_input(case: &Case, dir: &Path) -> Option<(PathBuf, String)> {
    let scripts = case.program.files.keys().filter(|path| {
        matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("js" | "mjs" | "cjs")
        ) && !path.starts_with("out")
    });
    scripts
        .filter_map(|path| node_check(dir, path).map(|error| (path.clone(), error)))
        .next()
}

/// node's stderr if `node --check` rejects the file `rel` of `dir`.
fn node_check(dir: &Path, rel: &Path) -> Option<String> {
    let mut node = Command::new("node");
    node.arg("--check")
        .arg(rel)
        .current_dir(dir)
        .env_remove("NODE_OPTIONS");
    let out = support::run(&mut node, NODE_LIMIT).expect("node can be started");
    (!out.success()).then(|| {
        let error = out
            .stderr
            .trim()
            .replace(&dir.display().to_string(), "<dir>");
        format!("{error}\n({})", out.describe_status())
    })
}

/// node's error line, with the quoted token or the regular expression it
/// names taken out.
fn node_error_key(error: &str) -> String {
    let is_error_line = |line: &&str| {
        line.split_once(": ").is_some_and(|(name, _)| {
            name.ends_with("Error") && name.chars().all(|c| c.is_ascii_alphabetic())
        })
    };
    let line = error
        .lines()
        .find(is_error_line)
        .unwrap_or("(no error line)");
    const REGEXP: &str = "Invalid regular expression: ";
    if let Some((before, regexp)) = line.split_once(REGEXP) {
        let reason = regexp.rsplit_once(": ").map_or("", |(_, reason)| reason);
        return format!("{before}{REGEXP}/…/: {reason}");
    }
    let mut key = String::new();
    let mut quoted = false;
    for c in line.chars() {
        if c == '\'' {
            quoted = !quoted;
            key.push(c);
            if quoted {
                key.push('…');
            }
        } else if !quoted {
            key.push(c);
        }
    }
    key
}

fn check_json(path: &Path, contents: &[u8], stderr: &str) -> Option<Finding> {
    let error = serde_json::from_slice::<serde_json::Value>(contents).err()?;
    let key = format!("{} is not JSON", path.display());
    Some(Finding::new(
        "bad JSON output",
        key,
        format!("{error}\nweft stderr:\n{stderr}"),
    ))
}

fn judge_failure(before: &Snapshot, after: &Snapshot, stderr: &str) -> Option<Finding> {
    if let Some(path) = first_difference(before, after, |_| true) {
        let key = format!("a failed build changed {}", path.display());
        return Some(Finding::new("wrote on failure", key, stderr));
    }
    if !stderr.contains("error:") {
        return Some(Finding::new(
            "no error line",
            "exit 1 without `error:`",
            stderr,
        ));
    }
    None
}

/// The first path, among those `relevant` keeps, that differs between two
/// snapshots.
fn first_difference(
    before: &Snapshot,
    after: &Snapshot,
    relevant: impl Fn(&Path) -> bool,
) -> Option<PathBuf> {
    let paths = before
        .keys()
        .chain(after.keys())
        .filter(|path| relevant(path));
    paths
        .into_iter()
        .find(|path| before.get(*path) != after.get(*path))
        .cloned()
}

fn snapshot(dir: &Path) -> Snapshot {
    let mut files = Snapshot::new();
    walk(dir, dir, &mut files);
    files
}

fn walk(root: &Path, dir: &Path, files: &mut Snapshot) {
    let entries = fs::read_dir(dir).expect("the program's folder can be read");
    for entry in entries.map(|entry| entry.expect("a folder entry can be read")) {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .expect("under the root")
            .to_path_buf();
        let kind = entry.file_type().expect("a file type can be read");
        if rel == Path::new("node_modules") || rel == Path::new(".node-check") {
            continue;
        }
        if kind.is_dir() {
            files.insert(rel, None);
            walk(root, &path, files);
        } else if kind.is_file() {
            files.insert(rel, Some(fs::read(&path).expect("a file can be read")));
        } else {
            files.insert(rel, None);
        }
    }
}
