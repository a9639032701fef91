//! Diagnostics are values: every stage collects them and the caller decides
//! how to show them. `render` prints the `file:line:col` form with a code
//! frame that the CLI writes to stderr.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file. Line and column are 1-based; the column counts
/// characters, not bytes, so it matches what an editor shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    /// The text of the line, for the code frame.
    pub line_text: String,
    /// How many characters the frame underlines (at least one).
    pub length: u32,
}

impl Location {
    /// The location of the byte range `start..end` of `source`.
    pub fn from_offsets(path: &Path, source: &str, start: usize, end: usize) -> Location {
        let start = floor_char_boundary(source, start.min(source.len()));
        let end = floor_char_boundary(source, end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].bytes().filter(|&b| b == b'\n').count() as u32 + 1;
        let column = source[line_start..start].chars().count() as u32 + 1;
        let length = source[start..end.min(line_end)].chars().count().max(1) as u32;
        Location {
            path: path.to_path_buf(),
            line,
            column,
            line_text: source[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
            length,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem found by a build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// What the user can do about it.
    pub hint: Option<String>,
    /// Further facts, such as the other file involved.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hint: None,
            notes: Vec::new(),
        }
    }

    /// A problem the build works around: it still succeeds.
    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// A panic caught while `doing` something to `subject` (a module's or
    /// an entry's path): a bug in weft, reported as an error so that the
    /// build stops cleanly and writes nothing.
    pub fn internal(doing: &str, subject: &str, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        Diagnostic::error(format!("internal error while {doing} {subject}: {message}"))
            .with_hint("this is a bug in weft; please report it with the file that triggers it")
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// The diagnostic as text, paths shown relative to `cwd` where possible.
    pub fn render(&self, cwd: &Path) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{label}: {}", self.message);
        if let Some(loc) = &self.location {
            let gutter = loc.line.to_string().len();
            let pad = " ".repeat(gutter);
            let _ = writeln!(
                out,
                "{pad}--> {}:{}:{}",
                display_path(&loc.path, cwd),
                loc.line,
                loc.column
            );
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{} | {}", loc.line, loc.line_text);
            let lead: String = loc
                .line_text
                .chars()
                .take(loc.column as usize - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(loc.length as usize));
        }
        for note in &self.notes {
            let _ = writeln!(out, "  = note: {note}");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        out
    }
}

/// `path` relative to `cwd` when it lies below it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd).unwrap_or(path).display().to_string()
}

/// All the diagnostics of a build, in a deterministic order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Sorts by file, line and column, so that the order never depends on
    /// which worker finished first.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.location
                    .as_ref()
                    .map(|l| (l.path.clone(), l.line, l.column))
            };
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
        });
        self.0.dedup();
    }

    /// `Ok(value)` when there are no errors, else the sorted diagnostics.
    pub fn into_result<T>(mut self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            self.sort();
            Err(self)
        } else {
            Ok(value)
        }
    }

    pub fn render(&self, cwd: &Path) -> String {
        self.render_at(crate::options::LogLevel::Info, cwd)
    }

    /// What `level` shows, rendered: errors from `error` on, warnings from
    /// `warn` on, and how many of each.
    pub fn render_at(&self, level: crate::options::LogLevel, cwd: &Path) -> String {
        use crate::options::LogLevel;
        let shown = |severity: Severity| match severity {
            Severity::Error => level >= LogLevel::Error,
            Severity::Warning => level >= LogLevel::Warn,
        };
        let mut out = String::new();
        let (mut errors, mut warnings) = (0, 0);
        for d in self.0.iter().filter(|d| shown(d.severity)) {
            out.push_str(&d.render(cwd));
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
        }
        let counts: Vec<String> = [(errors, "error"), (warnings, "warning")]
            .into_iter()
            .filter(|&(n, _)| n > 0)
            .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
            .collect();
        if !counts.is_empty() {
            let _ = writeln!(out, "{}", counts.join(" and "));
        }
        out
    }

    /// The warnings alone, sorted.
    pub fn warnings(mut self) -> Diagnostics {
        self.0.retain(|d| d.severity == Severity::Warning);
        self.sort();
        self
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Path::new("")))
    }
}

impl std::error::Error for Diagnostics {}
