//! `BuildOptions`: the single description of a build. The CLI, the Rust API
//! and the JavaScript API all produce one, so a flag added here works
//! everywhere. Options are validated once, at the edge, by [`BuildOptions::validate`].

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// An option whose values are chosen by name, on the command line and in
/// the JSON protocol alike: one table, so the two never disagree.
pub trait Named: Copy + PartialEq + Send + Sync + 'static {
    /// Every value's name. A value listed again goes by an alias too (the
    /// first name is its own).
    const NAMES: &'static [(&'static str, Self)];

    fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, value)| value)
    }
}

/// The module format of the output chunk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// ES module: `import`/`export` at the top level, top-level await allowed.
    #[default]
    Esm,
    /// CommonJS: the entry's exports are assigned to `module.exports`.
    Cjs,
    /// An immediately invoked function; `global_name` names its exports.
    Iife,
}

impl Named for Format {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("esm", Format::Esm),
        ("cjs", Format::Cjs),
        ("iife", Format::Iife),
    ];
}

impl Format {
    pub fn name(self) -> &'static str {
        Format::NAMES
            .iter()
            .find(|(_, format)| *format == self)
            .map(|&(name, _)| name)
            .expect("every format has a name")
    }
}

/// The platform the bundle runs on. It selects the package.json condition
/// names and main fields, and whether Node built-ins are external.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Platform {
    #[default]
    Browser,
    Node,
    Neutral,
}

impl Named for Platform {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("browser", Platform::Browser),
        ("node", Platform::Node),
        ("neutral", Platform::Neutral),
    ];
}

/// The language version the output may use. weft does not lower the
/// source's syntax; the target bounds what weft itself writes (its runtime
/// helpers, and what the minifier produces).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    Es2020,
    Es2022,
    #[default]
    EsNext,
}

impl Named for Target {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("es2020", Target::Es2020),
        ("es2022", Target::Es2022),
        ("esnext", Target::EsNext),
    ];
}

/// Where the legal comments of the bundled files go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LegalComments {
    /// Left out.
    None,
    /// Each file's before its code.
    Inline,
    /// All of them at the end of the bundle, each once.
    #[default]
    Eof,
    /// In `<bundle>.LEGAL.txt` next to the bundle, each once.
    External,
}

impl Named for LegalComments {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("none", LegalComments::None),
        ("inline", LegalComments::Inline),
        ("eof", LegalComments::Eof),
        ("external", LegalComments::External),
    ];
}

/// Whether and how the bundle gets a source map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SourceMaps {
    #[default]
    None,
    /// `<bundle>.map`, named by a `//# sourceMappingURL` comment.
    Linked,
    /// In the bundle, as a `data:` URL.
    Inline,
    /// `<bundle>.map`, with no comment in the bundle.
    External,
}

/// The kinds of map a build can ask for by name (`None` is asked by
/// leaving the option out).
impl Named for SourceMaps {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("linked", SourceMaps::Linked),
        ("inline", SourceMaps::Inline),
        ("external", SourceMaps::External),
    ];
}

/// Where the output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputTarget {
    /// One output file; allowed with exactly one entry point.
    File(PathBuf),
    /// One file per entry point: `DIR/<entry file stem>.js`.
    Dir(PathBuf),
}

/// How much a build reports besides errors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Silent,
    Error,
    #[default]
    Warn,
    Info,
}

/// `warn` as the CLI documents it, `warning` as esbuild names it.
impl Named for LogLevel {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("silent", LogLevel::Silent),
        ("error", LogLevel::Error),
        ("warn", LogLevel::Warn),
        ("warning", LogLevel::Warn),
        ("info", LogLevel::Info),
    ];
}

/// Everything a build needs to know.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Entry points, in the order they are evaluated.
    pub entries: Vec<PathBuf>,
    pub output: OutputTarget,
    pub format: Format,
    /// The global variable an `iife` bundle assigns its exports to.
    pub global_name: Option<String>,
    pub platform: Platform,
    /// Specifiers left as imports: package names (with their subpaths),
    /// prefixes ending in `/*` (subpaths only), or paths starting with `./`,
    /// `../` or `/` (matched against the resolved file).
    pub external: Vec<String>,
    /// Extra package.json condition names, tried after the platform's.
    pub conditions: Vec<String>,
    /// `KEY=VALUE` substitutions: a global name or dotted path (`DEBUG`,
    /// `process.env.NODE_ENV`) and the JSON or identifier that replaces it.
    pub define: Vec<(String, String)>,
    /// Worker threads for loading and emitting; `None` means available cores.
    pub threads: Option<usize>,
    /// Text put at the top of every output file (after nothing: the first
    /// line), and at the end.
    pub banner: Option<String>,
    pub footer: Option<String>,
    /// Where to write a JSON description of the inputs and outputs, in
    /// esbuild's metafile shape.
    pub metafile: Option<PathBuf>,
    /// Find each module's imports with the structural pre-scan before
    /// parsing it, so its dependencies load while it parses. Off, discovery
    /// waits for each parse.
    pub prescan: bool,
    /// Leave out the modules and top-level statements the program cannot
    /// observe. Off, every module reached is kept whole.
    pub tree_shaking: bool,
    /// Minification, in esbuild's three parts: no whitespace or comments;
    /// shorter equivalent syntax; short names for bindings.
    pub minify_whitespace: bool,
    pub minify_syntax: bool,
    pub minify_identifiers: bool,
    /// With `minify_identifiers`: functions and classes keep the names
    /// their `name` property reports.
    pub keep_names: bool,
    pub target: Target,
    pub legal_comments: LegalComments,
    pub source_maps: SourceMaps,
    /// Whether source maps carry the original sources (`sourcesContent`).
    pub sources_content: bool,
    pub log_level: LogLevel,
    /// Relative entry and output paths are taken from here, and diagnostics
    /// name files relative to it.
    pub cwd: PathBuf,
    /// When false, the build returns its output without touching the disk.
    pub write: bool,
}

impl BuildOptions {
    /// Options for bundling `entry` into `outfile` with every other setting
    /// at its default.
    pub fn new(entry: impl Into<PathBuf>, outfile: impl Into<PathBuf>) -> Self {
        BuildOptions {
            entries: vec![entry.into()],
            output: OutputTarget::File(outfile.into()),
            format: Format::default(),
            global_name: None,
            platform: Platform::default(),
            external: Vec::new(),
            conditions: Vec::new(),
            define: Vec::new(),
            threads: None,
            banner: None,
            footer: None,
            metafile: None,
            prescan: true,
            tree_shaking: true,
            minify_whitespace: false,
            minify_syntax: false,
            minify_identifiers: false,
            keep_names: false,
            target: Target::default(),
            legal_comments: LegalComments::default(),
            source_maps: SourceMaps::default(),
            sources_content: true,
            log_level: LogLevel::default(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            write: true,
        }
    }

    /// The number of worker threads this build uses.
    pub fn thread_count(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1)
    }

    /// `path` made absolute against `cwd`.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.cwd.join(path)
        }
    }

    /// The output file of each entry point, in entry order.
    pub fn output_paths(&self) -> Vec<PathBuf> {
        match &self.output {
            OutputTarget::File(file) => vec![self.absolute(file)],
            OutputTarget::Dir(dir) => self
                .entries
                .iter()
                .map(|entry| {
                    let stem = entry
                        .file_stem()
                        .map_or_else(|| "out".to_string(), |s| s.to_string_lossy().into_owned());
                    self.absolute(dir).join(format!("{stem}.js"))
                })
                .collect(),
        }
    }

    /// The substitutions in effect: `define` plus, for browser builds that
    /// do not set it, `process.env.NODE_ENV` as `"development"`, as esbuild
    /// does (issue "production output" makes it `"production"` with
    /// `--minify`). Node builds read the real environment.
    pub fn defines(&self) -> Vec<(String, String)> {
        let mut defines = self.define.clone();
        let sets_node_env = defines.iter().any(|(k, _)| k == "process.env.NODE_ENV");
        if self.platform == Platform::Browser && !sets_node_env {
            defines.push(("process.env.NODE_ENV".into(), "\"development\"".into()));
        }
        defines
    }

    /// Checks what can be checked before any file is read.
    pub fn validate(&self) -> Result<(), Diagnostics> {
        let mut problems = Diagnostics::default();
        if self.entries.is_empty() {
            problems.push(Diagnostic::error("no entry points given"));
        }
        if let OutputTarget::File(file) = &self.output {
            if self.entries.len() > 1 {
                problems.push(
                    Diagnostic::error(format!(
                        "--outfile takes a single entry point, but {} were given",
                        self.entries.len()
                    ))
                    .with_hint("use --outdir DIR to write one file per entry point"),
                );
            }
            if self.absolute(file).is_dir() {
                problems.push(Diagnostic::error(format!(
                    "output path is a directory: {}",
                    file.display()
                )));
            }
        }
        if let OutputTarget::Dir(dir) = &self.output {
            let dir = self.absolute(dir);
            if dir.exists() && !dir.is_dir() {
                problems.push(Diagnostic::error(format!(
                    "output directory is a file: {}",
                    dir.display()
                )));
            }
            for out in self.output_paths() {
                if out.is_dir() {
                    problems.push(Diagnostic::error(format!(
                        "output path is a directory: {}",
                        out.display()
                    )));
                }
            }
        }
        if let Some(name) = &self.global_name {
            if !name.split('.').all(is_identifier) {
                problems.push(Diagnostic::error(format!(
                    "--global-name must be an identifier or a dotted path of identifiers, not {name:?}"
                )));
            }
        }
        for (key, value) in &self.define {
            if !key.split('.').all(is_identifier) {
                problems.push(Diagnostic::error(format!(
                    "--define key must be an identifier or a dotted path, not {key:?}"
                )));
            }
            if serde_json::from_str::<serde_json::Value>(value).is_err()
                && !value.split('.').all(is_identifier)
            {
                problems.push(
                    Diagnostic::error(format!(
                        "--define {key}: the value {value:?} is neither JSON nor an identifier"
                    ))
                    .with_hint(format!(
                        "quote strings as JSON, e.g. --define {key}='\"text\"'"
                    )),
                );
            }
        }
        problems.into_result(())
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c == '$' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_alphanumeric())
}
