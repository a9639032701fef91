//! The pre-scan in the loader: its edges are speculative. A module reached
//! only through a pre-scan hit the parser does not confirm is not bundled,
//! and neither its resolution failures nor its syntax errors are errors;
//! an import the parser finds that the pre-scan missed is still bundled, and
//! counted. And on every file of the npm fixtures, the pre-scan finds exactly
//! the imports the parser finds.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::{node_stdout as run_node, write_file as write};
use swc_common::sync::Lrc;
use swc_common::{FileName, SourceMap};
use swc_ecma_ast::{CallExpr, Callee, EsVersion, ExportAll, Expr, ImportDecl, Lit, NamedExport};
use swc_ecma_parser::{parse_file_as_program, EsSyntax, Syntax, TsSyntax};
use swc_ecma_visit::{Visit, VisitWith};
use weft::scan::{prescan, Dialect, ScanKind};
use weft::{BuildOptions, Format, Platform};

fn options(dir: &Path, entry: &str, prescan: bool) -> BuildOptions {
    let mut options = BuildOptions::new(dir.join(entry), dir.join("out.mjs"));
    options.cwd = dir.to_path_buf();
    options.platform = Platform::Node;
    options.format = Format::Esm;
    options.prescan = prescan;
    options
}

/// Modules behind dead branches, shadowed `require`s and strings that only
/// look like imports to the pre-scan: the bundle is the same with and without
/// it, runs as the source does, and the modules the parser never confirmed
/// (one missing, one with a syntax error) are neither bundled nor errors.
#[test]
fn unconfirmed_prescan_hits_are_dropped_without_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    write(
        dir,
        "main.mjs",
        r#"import { createRequire } from "node:module";
import { live } from "./live.mjs";
if (process.env.NODE_ENV === "production") {
  await import("./broken.mjs");
}
function load(require) {
  return require("./missing.cjs");
}
const production = process.env.NODE_ENV === "production";
const loaded = load((name) => `stub for ${name}`);
console.log(live, loaded, production);
"#,
    );
    write(dir, "live.mjs", "export const live = 'live';\n");
    write(dir, "broken.mjs", "export const = ;\n");

    let expected = run_node(dir, "main.mjs");
    let options = |prescan| {
        let mut options = options(dir, "main.mjs", prescan);
        options.define = vec![("process.env.NODE_ENV".into(), "\"development\"".into())];
        options
    };
    for prescan in [true, false] {
        let output = weft::build(&options(prescan))
            .unwrap_or_else(|d| panic!("prescan={prescan}: {}", d.render(dir)));
        let inputs: Vec<String> = output
            .inputs
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(inputs, ["live.mjs", "main.mjs"], "prescan={prescan}");
        assert_eq!(
            output.timing.prescan_misses,
            prescan.then_some(0),
            "prescan={prescan}"
        );
        assert_eq!(run_node(dir, "out.mjs"), expected, "prescan={prescan}");
    }
    // The pre-scan did load the module behind the dead branch, then dropped
    // it.
    let output = weft::build(&options(true)).unwrap();
    assert_eq!(output.timing.speculative, 1);
}

/// The automatic JSX runtime's import is added by the transform, not
/// written: in a `.jsx` file the pre-scan predicts it, in a `.js` file with
/// JSX it cannot, and the parser's late find is resolved, bundled and
/// counted as a miss.
#[test]
fn imports_the_prescan_misses_are_resolved_late_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let runtime =
        "export function jsx(type, props) { return `<${type}>${props.children}</${type}>`; }\n\
                   export const jsxs = jsx;\nexport const Fragment = 'fragment';\n";
    // A stand-in for React's runtime, the default import source.
    write(
        dir,
        "node_modules/react/package.json",
        r#"{"name":"react","type":"module","exports":{"./jsx-runtime":"./jsx-runtime.js"}}"#,
    );
    write(dir, "node_modules/react/jsx-runtime.js", runtime);
    write(dir, "package.json", r#"{"type":"module","private":true}"#);
    write(
        dir,
        "main.js",
        "import { b } from './b.jsx';\nconsole.log(<p>{b}</p>);\n",
    );
    write(dir, "b.jsx", "export const b = <i>It's b</i>;\n");

    let output =
        weft::build(&options(dir, "main.js", true)).unwrap_or_else(|d| panic!("{}", d.render(dir)));
    // main.js's runtime import is the one miss; b.jsx's was predicted.
    assert_eq!(output.timing.prescan_misses, Some(1));
    assert_eq!(output.timing.modules, 3);
    assert_eq!(run_node(dir, "out.mjs"), "<p><i>It's b</i></p>\n");
}

/// The import list as the parser sees it: every `import`/`export … from`
/// that is not type-only, and every `import('x')`/`require('x')` with a
/// string (or expression-free template) argument, wherever it appears.
#[derive(Default)]
struct ParsedImports(Vec<(String, ScanKind)>);

impl Visit for ParsedImports {
    fn visit_import_decl(&mut self, n: &ImportDecl) {
        if !n.type_only {
            self.0
                .push((n.src.value.to_string_lossy().into_owned(), ScanKind::Import));
        }
    }
    fn visit_export_all(&mut self, n: &ExportAll) {
        if !n.type_only {
            self.0.push((
                n.src.value.to_string_lossy().into_owned(),
                ScanKind::ReExport,
            ));
        }
    }
    fn visit_named_export(&mut self, n: &NamedExport) {
        if let (Some(src), false) = (&n.src, n.type_only) {
            self.0
                .push((src.value.to_string_lossy().into_owned(), ScanKind::ReExport));
        }
    }
    fn visit_call_expr(&mut self, n: &CallExpr) {
        let kind = match &n.callee {
            Callee::Import(_) => Some(ScanKind::Dynamic),
            Callee::Expr(e) => {
                matches!(&**e, Expr::Ident(i) if &*i.sym == "require").then_some(ScanKind::Require)
            }
            Callee::Super(_) => None,
        };
        if let (Some(kind), Some(first)) = (kind, n.args.first()) {
            if n.args.len() <= 2 {
                match &*first.expr {
                    Expr::Lit(Lit::Str(s)) => {
                        self.0.push((s.value.to_string_lossy().into_owned(), kind))
                    }
                    Expr::Tpl(t) if t.exprs.is_empty() => {
                        self.0.push((t.quasis[0].raw.to_string(), kind))
                    }
                    _ => {}
                }
            }
        }
        n.visit_children_with(self);
    }
}

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            source_files(&path, out);
        } else if kind.is_file()
            && !is_declaration_file(&path)
            && matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx")
            )
        {
            out.push(path);
        }
    }
}

/// `.d.ts`, `.d.mts`, `.d.cts`: types only, never bundled.
fn is_declaration_file(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// What the parser and the pre-scan find in one file, sorted, when they
/// differ; `None` when they agree or the file does not parse.
fn compare(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let dialect = Dialect::from_path(path);
    let syntax = if dialect.typescript {
        Syntax::Typescript(TsSyntax {
            tsx: dialect.jsx,
            decorators: true,
            ..Default::default()
        })
    } else {
        Syntax::Es(EsSyntax {
            jsx: true,
            ..Default::default()
        })
    };
    let cm: Lrc<SourceMap> = Default::default();
    let file = cm.new_source_file(Lrc::new(FileName::Real(path.to_path_buf())), text.clone());
    let program =
        parse_file_as_program(&file, syntax, EsVersion::latest(), None, &mut vec![]).ok()?;
    let mut parsed = ParsedImports::default();
    program.visit_with(&mut parsed);
    let mut want = parsed.0;
    let mut got: Vec<(String, ScanKind)> = prescan(text.as_bytes(), dialect)
        .imports
        .into_iter()
        .map(|i| (i.specifier.into_owned(), i.kind))
        .collect();
    want.sort_by(|a, b| a.0.cmp(&b.0));
    got.sort_by(|a, b| a.0.cmp(&b.0));
    (want != got).then(|| {
        format!(
            "{}\n  parser:   {want:?}\n  pre-scan: {got:?}",
            path.display()
        )
    })
}

/// Every JavaScript and TypeScript file of the npm fixtures (23 packages and
/// their dependencies, and three.js): about 11,000 files and 96 MB.
#[test]
fn prescan_finds_what_the_parser_finds_on_the_npm_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = Vec::new();
    for fixture in ["ecosystem", "three"] {
        let dir = root.join(fixture);
        if let Err(message) = support::install_npm_packages(&dir) {
            panic!("{message}");
        }
        source_files(&dir.join("node_modules"), &mut files);
    }
    files.sort();
    assert!(files.len() > 5000, "only {} files found", files.len());

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads);
    let mismatches: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().filter_map(|p| compare(p)).collect::<Vec<_>>())
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a comparing thread panicked"))
            .collect()
    });
    assert!(
        mismatches.is_empty(),
        "{} of {} files differ:\n{}",
        mismatches.len(),
        files.len(),
        mismatches
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
