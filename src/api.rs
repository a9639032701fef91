//! `weft api`: the JSON protocol the JavaScript API speaks to the binary.
//!
//! One request, one response, one process. The request is a single JSON
//! object of build options on standard input, named as esbuild names them
//! (`entryPoints`, `outfile`, `minify`, …); the response is a single JSON
//! object on standard output:
//!
//! ```json
//! { "errors": [ { "text": "could not resolve \"./missing.js\"",
//!                 "location": { "file": "src/main.ts", "line": 3, "column": 19,
//!                               "length": 14, "lineText": "import { a } from \"./missing.js\";" },
//!                 "notes": [], "hint": "check the path; …" } ],
//!   "warnings": [],
//!   "outputFiles": [ { "path": "/abs/dist/app.js", "text": "…" } ],
//!   "metafile": "{\"inputs\": …}" }
//! ```
//!
//! A build that fails is still a successful exchange: its errors are in the
//! response and the exit code is 0. Only a request that cannot be read (not
//! JSON, not an object, an unknown option, a value of the wrong type) exits
//! with 2, and even then the response is printed, its `errors` saying why.
//!
//! The binary always builds in memory and writes the files itself when the
//! request says `write: true` (the default), because an esbuild-style
//! `metafile: true` asks for the metafile in the response, not on disk.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{json, Map, Value};
use weft::diagnostics::{display_path, Severity};
use weft::options::Named;
use weft::{
    BuildOptions, Diagnostic, Diagnostics, LogLevel, OutputFile, OutputKind, OutputTarget,
    SourceMaps,
};

/// What a request asks for: the build, and the two esbuild options whose
/// meaning differs from `BuildOptions`' fields of the same purpose.
#[derive(Debug)]
struct Request {
    options: BuildOptions,
    /// Return the metafile in the response (it is never written to disk).
    metafile: bool,
    /// Write the output files; when false they come back in the response.
    write: bool,
}

/// The options a request may carry; anything else is an error, so that a
/// misspelt option does not silently do nothing.
const KNOWN_OPTIONS: &[&str] = &[
    "absWorkingDir",
    "banner",
    "bundle",
    "conditions",
    "define",
    "entryPoints",
    "external",
    "footer",
    "format",
    "globalName",
    "keepNames",
    "legalComments",
    "logLevel",
    "metafile",
    "minify",
    "minifyIdentifiers",
    "minifySyntax",
    "minifyWhitespace",
    "outdir",
    "outfile",
    "platform",
    "sourcemap",
    "sourcesContent",
    "target",
    "threads",
    "treeShaking",
    "write",
];

/// Reads a request from stdin, runs it, prints the response on stdout.
pub fn run() -> ExitCode {
    let mut input = String::new();
    let request = match std::io::stdin().read_to_string(&mut input) {
        Ok(_) => parse_request(&input),
        Err(e) => Err(vec![format!("could not read the request from stdin: {e}")]),
    };
    let request = match request {
        Ok(request) => request,
        Err(problems) => {
            let diagnostics = Diagnostics(problems.into_iter().map(Diagnostic::error).collect());
            let cwd = std::env::current_dir().unwrap_or_default();
            eprint!("{}", diagnostics.render(&cwd));
            super::print_out(&response(&diagnostics, &[], None, false, &cwd).to_string());
            return ExitCode::from(2);
        }
    };
    super::print_out(&run_request(&request).to_string());
    ExitCode::SUCCESS
}

/// Builds, writes when asked, reports on stderr as `logLevel` says, and
/// returns the response.
fn run_request(request: &Request) -> Value {
    let mut options = request.options.clone();
    options.write = false;
    // A place for the metafile that no output can have: the build returns
    // it as one more output file, which is taken out again below.
    if request.metafile {
        options.metafile = Some(options.cwd.join("\0metafile"));
    }
    let cwd = options.cwd.clone();
    let (files, metafile, problems) = match weft::build_before_exit(&options) {
        Ok(output) => {
            let warnings = output.warnings;
            let (meta, files): (Vec<OutputFile>, Vec<OutputFile>) = output
                .files
                .into_iter()
                .partition(|file| file.kind == OutputKind::Metafile);
            let metafile = meta.into_iter().next().map(|file| file.contents);
            let written = if request.write {
                weft::emit::write::write_all(&files, &output.inputs, &cwd)
            } else {
                Ok(())
            };
            match written {
                Ok(()) => {
                    if request.write && options.log_level >= LogLevel::Info {
                        super::report_written(&files, &cwd);
                    }
                    (files, metafile, warnings)
                }
                Err(mut problems) => {
                    problems.extend(warnings);
                    (Vec::new(), None, problems)
                }
            }
        }
        Err(problems) => (Vec::new(), None, problems),
    };
    eprint!("{}", problems.render_at(options.log_level, &cwd));
    response(&problems, &files, metafile, !request.write, &cwd)
}

/// The response object; `with_text` puts each file's contents in it.
fn response(
    problems: &Diagnostics,
    files: &[OutputFile],
    metafile: Option<String>,
    with_text: bool,
    cwd: &Path,
) -> Value {
    let messages = |severity: Severity| -> Vec<Value> {
        problems
            .0
            .iter()
            .filter(|d| d.severity == severity)
            .map(|d| message(d, cwd))
            .collect()
    };
    let output_files: Vec<Value> = files
        .iter()
        .map(|file| {
            let mut entry = Map::new();
            entry.insert("path".into(), file.path.to_string_lossy().into());
            if with_text {
                entry.insert("text".into(), file.contents.as_str().into());
            }
            Value::Object(entry)
        })
        .collect();
    json!({
        "errors": messages(Severity::Error),
        "warnings": messages(Severity::Warning),
        "outputFiles": output_files,
        "metafile": metafile,
    })
}

/// One diagnostic. `line` and `column` are 1-based and the column counts
/// characters, as in the `file:line:col` the CLI prints.
fn message(diagnostic: &Diagnostic, cwd: &Path) -> Value {
    let location = diagnostic.location.as_ref().map(|loc| {
        json!({
            "file": display_path(&loc.path, cwd),
            "line": loc.line,
            "column": loc.column,
            "length": loc.length,
            "lineText": loc.line_text,
        })
    });
    let notes: Vec<Value> = diagnostic
        .notes
        .iter()
        .map(|note| json!({ "text": note, "location": null }))
        .collect();
    json!({
        "text": diagnostic.message,
        "location": location,
        "notes": notes,
        "hint": diagnostic.hint,
    })
}

/// The request in `text`, or every problem found in it.
fn parse_request(text: &str) -> Result<Request, Vec<String>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| vec![format!("the request is not valid JSON: {e}")])?;
    let Value::Object(fields) = value else {
        return Err(vec![
            "the request must be a JSON object of build options".to_string()
        ]);
    };
    let mut reader = Reader::default();
    let mut options = BuildOptions::new(PathBuf::new(), PathBuf::new());
    options.entries.clear();
    let mut request_metafile = false;
    let mut write = true;
    let (mut outfile, mut outdir) = (None, None);
    let (mut minify, mut whitespace, mut syntax, mut identifiers) = (false, false, false, false);
    // `null` means "not given", as `undefined` does in JavaScript.
    for (key, value) in fields.iter().filter(|(_, v)| !v.is_null()) {
        let r = &mut reader;
        match key.as_str() {
            "absWorkingDir" => {
                if let Some(dir) = r.string(key, value).map(PathBuf::from) {
                    if dir.is_absolute() {
                        options.cwd = dir;
                    } else {
                        r.problem(format!(
                            "absWorkingDir must be an absolute path, not {dir:?}"
                        ));
                    }
                }
            }
            "banner" => options.banner = r.js_text(key, value),
            "footer" => options.footer = r.js_text(key, value),
            "bundle" => {
                if r.bool(key, value) == Some(false) {
                    r.problem("bundle: false is not supported: weft always bundles".into());
                }
            }
            "conditions" => options.conditions = r.strings(key, value),
            "define" => options.define = r.define(key, value),
            "entryPoints" => {
                options.entries = r
                    .strings(key, value)
                    .into_iter()
                    .map(PathBuf::from)
                    .collect()
            }
            "external" => options.external = r.strings(key, value),
            "format" => options.format = r.choice(key, value, options.format),
            "globalName" => options.global_name = r.string(key, value),
            "keepNames" => options.keep_names = r.bool(key, value).unwrap_or(false),
            "legalComments" => {
                options.legal_comments = r.choice(key, value, options.legal_comments)
            }
            "logLevel" => options.log_level = r.choice(key, value, options.log_level),
            "metafile" => request_metafile = r.bool(key, value).unwrap_or(false),
            "minify" => minify = r.bool(key, value).unwrap_or(false),
            "minifyWhitespace" => whitespace = r.bool(key, value).unwrap_or(false),
            "minifySyntax" => syntax = r.bool(key, value).unwrap_or(false),
            "minifyIdentifiers" => identifiers = r.bool(key, value).unwrap_or(false),
            "outdir" => outdir = r.string(key, value).map(PathBuf::from),
            "outfile" => outfile = r.string(key, value).map(PathBuf::from),
            "platform" => options.platform = r.choice(key, value, options.platform),
            "sourcemap" => options.source_maps = r.source_maps(key, value),
            "sourcesContent" => options.sources_content = r.bool(key, value).unwrap_or(true),
            "target" => options.target = r.choice(key, value, options.target),
            "threads" => options.threads = r.threads(key, value),
            "treeShaking" => options.tree_shaking = r.bool(key, value).unwrap_or(true),
            "write" => write = r.bool(key, value).unwrap_or(true),
            _ => r.problem(format!(
                "unknown option {key:?}; the options are: {}",
                KNOWN_OPTIONS.join(", ")
            )),
        }
    }
    options.minify_whitespace = minify || whitespace;
    options.minify_syntax = minify || syntax;
    options.minify_identifiers = minify || identifiers;
    match (outfile, outdir) {
        (Some(file), None) => options.output = OutputTarget::File(file),
        (None, Some(dir)) => options.output = OutputTarget::Dir(dir),
        (Some(_), Some(_)) => reader.problem("give outfile or outdir, not both".into()),
        (None, None) => reader.problem(
            "no output given: set outfile (one entry point) or outdir (one file per entry point)"
                .into(),
        ),
    }
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    Ok(Request {
        options,
        metafile: request_metafile,
        write,
    })
}

/// Reads typed values out of the request, collecting a problem for each
/// value of the wrong type so that one response lists them all.
#[derive(Default)]
struct Reader {
    problems: Vec<String>,
}

impl Reader {
    fn problem(&mut self, text: String) {
        self.problems.push(text);
    }

    fn expected(&mut self, key: &str, what: &str, value: &Value) {
        self.problem(format!("{key} must be {what}, not {value}"));
    }

    fn bool(&mut self, key: &str, value: &Value) -> Option<bool> {
        let b = value.as_bool();
        if b.is_none() {
            self.expected(key, "true or false", value);
        }
        b
    }

    fn string(&mut self, key: &str, value: &Value) -> Option<String> {
        let s = value.as_str().map(str::to_string);
        if s.is_none() {
            self.expected(key, "a string", value);
        }
        s
    }

    fn strings(&mut self, key: &str, value: &Value) -> Vec<String> {
        let strings: Option<Vec<String>> = value.as_array().and_then(|items| {
            items
                .iter()
                .map(|item| item.as_str().map(str::to_string))
                .collect()
        });
        strings.unwrap_or_else(|| {
            self.expected(key, "an array of strings", value);
            Vec::new()
        })
    }

    fn choice<T: Named>(&mut self, key: &str, value: &Value, or: T) -> T {
        match value.as_str().and_then(T::from_name) {
            Some(choice) => choice,
            None => {
                let names: Vec<String> = T::NAMES.iter().map(|(n, _)| format!("{n:?}")).collect();
                self.expected(key, &format!("one of {}", names.join(", ")), value);
                or
            }
        }
    }

    /// esbuild's `{ js: "…" }` form of `banner` and `footer`.
    fn js_text(&mut self, key: &str, value: &Value) -> Option<String> {
        match value.as_object() {
            Some(fields) if fields.keys().all(|k| k == "js") => match fields.get("js") {
                None | Some(Value::Null) => None,
                Some(js) => self.string(&format!("{key}.js"), js),
            },
            _ => {
                self.expected(key, "an object { js: \"text\" }", value);
                None
            }
        }
    }

    /// `{ "process.env.NODE_ENV": "\"production\"" }`: each value is the
    /// JSON or identifier that replaces the key, as a string.
    fn define(&mut self, key: &str, value: &Value) -> Vec<(String, String)> {
        let Some(fields) = value.as_object() else {
            self.expected(key, "an object of strings", value);
            return Vec::new();
        };
        let mut defines = Vec::new();
        for (name, replacement) in fields {
            if let Some(text) = self.string(&format!("{key}[{name:?}]"), replacement) {
                defines.push((name.clone(), text));
            }
        }
        defines
    }

    /// `true` (a linked map), `false`, or `"linked"`, `"inline"`, `"external"`.
    fn source_maps(&mut self, key: &str, value: &Value) -> SourceMaps {
        match value {
            Value::Bool(true) => SourceMaps::Linked,
            Value::Bool(false) => SourceMaps::None,
            _ => self.choice(key, value, SourceMaps::None),
        }
    }

    fn threads(&mut self, key: &str, value: &Value) -> Option<usize> {
        let n = value
            .as_u64()
            .filter(|n| (1..=1024).contains(n))
            .map(|n| n as usize);
        if n.is_none() {
            self.expected(key, "a whole number from 1 to 1024", value);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft::{Format, LegalComments, Platform, Target};

    fn problems(text: &str) -> Vec<String> {
        parse_request(text).expect_err("the request is refused")
    }

    #[test]
    fn reads_esbuild_options() {
        let request = parse_request(
            r#"{
                "entryPoints": ["src/main.ts"], "outfile": "dist/app.js", "bundle": true,
                "format": "iife", "globalName": "App", "platform": "node",
                "external": ["react"], "conditions": ["development"],
                "define": { "DEBUG": "false" }, "minify": true, "keepNames": true,
                "sourcemap": "inline", "sourcesContent": false, "legalComments": "none",
                "target": "es2020", "treeShaking": false, "banner": { "js": "/* b */" },
                "footer": { "js": "// f" }, "metafile": true, "write": false,
                "logLevel": "silent", "absWorkingDir": "/work/app", "threads": 2,
                "outdir": null
            }"#,
        )
        .unwrap();
        let o = &request.options;
        assert_eq!(o.entries, [PathBuf::from("src/main.ts")]);
        assert_eq!(o.output, OutputTarget::File("dist/app.js".into()));
        assert_eq!(o.format, Format::Iife);
        assert_eq!(o.global_name.as_deref(), Some("App"));
        assert_eq!(o.platform, Platform::Node);
        assert_eq!(o.external, ["react"]);
        assert_eq!(o.conditions, ["development"]);
        assert_eq!(o.define, [("DEBUG".to_string(), "false".to_string())]);
        assert!(o.minify_whitespace && o.minify_syntax && o.minify_identifiers && o.keep_names);
        assert_eq!(o.source_maps, SourceMaps::Inline);
        assert!(!o.sources_content);
        assert_eq!(o.legal_comments, LegalComments::None);
        assert_eq!(o.target, Target::Es2020);
        assert!(!o.tree_shaking);
        assert_eq!(o.banner.as_deref(), Some("/* b */"));
        assert_eq!(o.footer.as_deref(), Some("// f"));
        assert_eq!(o.log_level, LogLevel::Silent);
        assert_eq!(o.cwd, PathBuf::from("/work/app"));
        assert_eq!(o.threads, Some(2));
        assert!(request.metafile && !request.write);
    }

    #[test]
    fn defaults_are_esbuilds() {
        let request = parse_request(r#"{ "entryPoints": ["a.js"], "outdir": "out" }"#).unwrap();
        let o = &request.options;
        assert_eq!(o.output, OutputTarget::Dir("out".into()));
        assert_eq!(o.source_maps, SourceMaps::None);
        assert_eq!(o.log_level, LogLevel::Warn);
        assert!(o.tree_shaking && o.sources_content && !o.minify_syntax);
        assert!(request.write && !request.metafile);
    }

    #[test]
    fn every_problem_is_reported() {
        let found = problems(
            r#"{ "entryPoints": "a.js", "minfy": true, "format": "umd",
                 "banner": "/* b */", "sourcemap": "both", "bundle": false }"#,
        );
        let expected = [
            "entryPoints must be an array of strings",
            "unknown option \"minfy\"",
            "format must be one of \"esm\", \"cjs\", \"iife\", not \"umd\"",
            "banner must be an object",
            "sourcemap must be one of",
            "bundle: false is not supported",
            "no output given",
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for start in expected {
            assert!(
                found.iter().any(|problem| problem.starts_with(start)),
                "no problem starts with {start:?}: {found:#?}"
            );
        }
    }

    #[test]
    fn malformed_requests_are_refused() {
        assert!(problems("{ entryPoints")[0].starts_with("the request is not valid JSON"));
        assert!(problems("[]")[0].contains("must be a JSON object"));
        assert!(
            problems(r#"{"entryPoints":["a"],"outfile":"o","outdir":"d"}"#)[0].contains("not both")
        );
        assert!(
            problems(r#"{"entryPoints":["a"],"outfile":"o","absWorkingDir":"rel"}"#)[0]
                .contains("absolute")
        );
    }
}
