//! Parsing with swc, by file extension, and the transforms every module goes
//! through before analysis: scope resolution (hygiene marks), TypeScript
//! stripping and JSX lowering.

use std::path::Path;

use oxc_resolver::ModuleType;
use swc_common::comments::{CommentKind, SingleThreadedComments};
use swc_common::sync::Lrc;
use swc_common::{BytePos, FileName, Mark, SourceFile, SourceMap, Span, Spanned, DUMMY_SP};
use swc_ecma_ast::{
    AssignExpr, AssignOp, AssignTarget, ComputedPropName, EsVersion, Expr, ExprStmt, Ident, Lit,
    MemberExpr, MemberProp, Module, ModuleItem, Program, PropName, Script, SimpleAssignTarget,
    Stmt,
};
use swc_ecma_parser::{
    parse_file_as_commonjs, parse_file_as_expr, parse_file_as_module, parse_file_as_program,
    EsSyntax, Syntax, TsSyntax,
};
use swc_ecma_transforms_base::resolver;
use swc_ecma_transforms_react::{react, Options as JsxOptions, Runtime};
use swc_ecma_transforms_typescript::{tsx, typescript, Config as TsConfig, TsxConfig};
use swc_ecma_visit::{VisitMut, VisitMutWith};

use super::nesting;
use crate::diagnostics::{Diagnostic, Location};
use crate::graph::ModuleKind;

/// How JSX is lowered for one file, from the nearest `tsconfig.json`.
/// Comments in the file itself (`/** @jsxRuntime classic */`, and in the
/// classic runtime `/** @jsx h */`, `/** @jsxFrag F */`) override it; swc
/// reads them.
#[derive(Clone, Debug, Default)]
pub struct JsxSettings {
    pub classic: bool,
    pub factory: Option<String>,
    pub fragment: Option<String>,
    pub import_source: Option<String>,
}

/// What kind of source a file is, decided by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    JavaScript,
    TypeScript,
    Tsx,
    Json,
}

impl SourceKind {
    pub fn of(path: &Path) -> SourceKind {
        match path.extension().and_then(|e| e.to_str()) {
            Some("ts" | "mts" | "cts") => SourceKind::TypeScript,
            Some("tsx") => SourceKind::Tsx,
            Some("json") => SourceKind::Json,
            _ => SourceKind::JavaScript,
        }
    }

    fn syntax(self) -> Syntax {
        match self {
            SourceKind::TypeScript => Syntax::Typescript(TsSyntax {
                decorators: true,
                ..Default::default()
            }),
            SourceKind::Tsx => Syntax::Typescript(TsSyntax {
                tsx: true,
                decorators: true,
                ..Default::default()
            }),
            SourceKind::JavaScript | SourceKind::Json => Syntax::Es(EsSyntax {
                jsx: true,
                decorators: true,
                import_attributes: true,
                explicit_resource_management: true,
                ..Default::default()
            }),
        }
    }
}

/// How a file is parsed: which goal symbol, as Node would load it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Goal {
    Module,
    /// A CommonJS module: a function body, in sloppy mode.
    CommonJs,
    /// A `.js` file no `type` field governs: an ES module if it has module
    /// syntax, CommonJS otherwise.
    Detect,
}

/// A parsed and transformed module, with the marks its identifiers carry.
pub struct Parsed {
    /// A CommonJS module's statements are kept as module items too.
    pub ast: Module,
    pub kind: ModuleKind,
    /// The module's own source map: one file, so parsing never contends on
    /// a shared one.
    pub cm: Lrc<SourceMap>,
    pub file: Lrc<SourceFile>,
    pub unresolved_mark: Mark,
    pub top_level_mark: Mark,
    /// The source's comments, for the annotations tree shaking reads.
    pub comments: SingleThreadedComments,
    /// What parsing worked around.
    pub warnings: Vec<Diagnostic>,
}

/// Parses `source` (already read once) as the kind its extension says, as
/// an ES module or a CommonJS module as Node would load it (`module_type`:
/// what the nearest package.json's `type` makes of the file).
/// Must run inside `GLOBALS.set`.
pub fn parse(
    path: &Path,
    kind: SourceKind,
    source: String,
    jsx: &JsxSettings,
    module_type: Option<ModuleType>,
) -> Result<Parsed, Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let cm: Lrc<SourceMap> = Default::default();
    let file = cm.new_source_file(Lrc::new(FileName::Real(path.to_path_buf())), source);
    let comments = SingleThreadedComments::default();
    // The parser recurses as deep as the source nests: a source that could
    // take it past its stack is refused unparsed.
    let dialect = nesting::Dialect {
        typescript: matches!(kind, SourceKind::TypeScript | SourceKind::Tsx),
        jsx: matches!(kind, SourceKind::Tsx | SourceKind::JavaScript),
    };
    if let Some(at) = nesting::too_deep_to_parse(&file.src, dialect) {
        return Err(vec![Diagnostic::error(nesting::TOO_DEEP_TO_PARSE)
            .at(Location::from_offsets(path, &file.src, at, at + 1))
            .with_hint(nesting::HINT)]);
    }

    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let goal = match (kind, extension) {
        (SourceKind::Json, _) => Goal::CommonJs,
        (_, "cjs" | "cts") => Goal::CommonJs,
        (_, "mjs" | "mts") => Goal::Module,
        (SourceKind::TypeScript | SourceKind::Tsx, _) => Goal::Module,
        _ => match module_type {
            Some(ModuleType::Module) => Goal::Module,
            Some(ModuleType::CommonJs) => Goal::CommonJs,
            _ => Goal::Detect,
        },
    };

    let syntax_errors = |errors: Vec<swc_ecma_parser::error::Error>| -> Vec<Diagnostic> {
        errors
            .into_iter()
            .map(|e| syntax_error(path, &file, e.span(), &e.kind().msg()))
            .collect()
    };
    let parse_module = || -> Result<Program, Vec<Diagnostic>> {
        let mut recovered = Vec::new();
        let parsed = parse_file_as_module(
            &file,
            kind.syntax(),
            EsVersion::latest(),
            Some(&comments),
            &mut recovered,
        );
        finish(parsed.map(Program::Module), recovered, &syntax_errors)
    };
    let parse_commonjs = || -> Result<Program, Vec<Diagnostic>> {
        let mut recovered = Vec::new();
        let parsed = parse_file_as_commonjs(
            &file,
            kind.syntax(),
            EsVersion::latest(),
            Some(&comments),
            &mut recovered,
        );
        finish(parsed.map(Program::Script), recovered, &syntax_errors)
    };

    let (program, module_kind) = if kind == SourceKind::Json {
        let mut recovered = Vec::new();
        let parsed = parse_file_as_expr(
            &file,
            Syntax::Es(Default::default()),
            EsVersion::latest(),
            None,
            &mut recovered,
        );
        let program = finish(parsed.map(json_module), recovered, &syntax_errors)?;
        (program, ModuleKind::CommonJs)
    } else {
        match goal {
            Goal::Module => (parse_module()?, ModuleKind::Esm),
            Goal::CommonJs => (parse_commonjs()?, ModuleKind::CommonJs),
            Goal::Detect => {
                // Only a file that mentions `import` or `export` can have
                // import or export declarations: it is parsed once for
                // either goal, and a script is CommonJS as it stands. The
                // rest is parsed as CommonJS. A file that only parses as a
                // module (a top-level await, say) is one, as Node's
                // detection has it; one that only parses as a function body
                // (a top-level `return`) is CommonJS.
                let text = file.src.as_str();
                let module_first = text.contains("import") || text.contains("export");
                let program = if module_first {
                    let mut recovered = Vec::new();
                    let parsed = parse_file_as_program(
                        &file,
                        kind.syntax(),
                        EsVersion::latest(),
                        Some(&comments),
                        &mut recovered,
                    );
                    finish(parsed, recovered, &syntax_errors)
                } else {
                    Err(Vec::new())
                };
                match program {
                    Ok(Program::Module(m)) => (Program::Module(m), ModuleKind::Esm),
                    Ok(script) => (script, ModuleKind::CommonJs),
                    Err(first) => match parse_commonjs() {
                        Ok(program) => (program, ModuleKind::CommonJs),
                        Err(errors) => match parse_module() {
                            Ok(program) => (program, ModuleKind::Esm),
                            // Report what the first parse found.
                            Err(_) if first.is_empty() => return Err(errors),
                            Err(_) => return Err(first),
                        },
                    },
                }
            }
        }
    };
    // Every pass from here on recurses: a module nested too deep for them
    // stops here.
    if let Some(too_deep) = nesting::check(&program, file.src.len()) {
        nesting::dismantle(program);
        let location = location(path, &file, too_deep.span.shrink_to_lo());
        return Err(vec![Diagnostic::error(too_deep.message())
            .at(location)
            .with_hint(
                "split the expression or the nesting into smaller parts",
            )]);
    }
    let mut program = program;

    let unresolved_mark = Mark::new();
    let top_level_mark = Mark::new();
    let is_ts = matches!(kind, SourceKind::TypeScript | SourceKind::Tsx);
    program.mutate(resolver(unresolved_mark, top_level_mark, is_ts));

    let ts_config = TsConfig {
        no_empty_export: true,
        native_class_properties: true,
        ..Default::default()
    };
    match kind {
        SourceKind::TypeScript => {
            program.mutate(typescript(ts_config, unresolved_mark, top_level_mark));
        }
        SourceKind::Tsx => {
            let tsx_config = TsxConfig {
                pragma: jsx.factory.clone().map(Into::into),
                pragma_frag: jsx.fragment.clone().map(Into::into),
            };
            program.mutate(tsx(
                cm.clone(),
                ts_config,
                tsx_config,
                &comments,
                unresolved_mark,
                top_level_mark,
            ));
        }
        SourceKind::JavaScript | SourceKind::Json => {}
    }
    if may_have_jsx(kind, file.src.as_str()) {
        let ignored = (!jsx.classic)
            .then(|| ignored_jsx_pragma(&comments, program.span().lo))
            .flatten();
        if let Some((at, len)) = ignored {
            let start = (at - file.start_pos).0 as usize;
            warnings.push(
                Diagnostic::warning(
                    "the JSX factory cannot be set when using the automatic JSX runtime; \
                     this pragma is ignored",
                )
                .at(Location::from_offsets(path, &file.src, start, start + len))
                .with_hint(
                    "add `/** @jsxRuntime classic */`, or set \"jsx\": \"react\" in tsconfig.json",
                ),
            );
        }
        program.mutate(react(
            cm.clone(),
            Some(&comments),
            jsx_options(jsx),
            top_level_mark,
            unresolved_mark,
        ));
    }

    let ast = match program {
        Program::Module(ast) => ast,
        Program::Script(Script {
            span,
            body,
            shebang,
        }) => Module {
            span,
            body: body.into_iter().map(ModuleItem::Stmt).collect(),
            shebang,
        },
    };
    Ok(Parsed {
        ast,
        kind: module_kind,
        cm,
        file,
        unresolved_mark,
        top_level_mark,
        comments,
        warnings,
    })
}

/// The source's legal comments, as written, in source order: block comments
/// that start with `!` or mention `@license` or `@preserve`, and line
/// comments that start with `!` or mention them.
pub fn legal_comments(comments: &SingleThreadedComments) -> Vec<String> {
    let (leading, trailing) = comments.borrow_all();
    let mut found: Vec<(swc_common::BytePos, String)> = leading
        .values()
        .chain(trailing.values())
        .flatten()
        .filter(|c| {
            c.text.starts_with('!') || c.text.contains("@license") || c.text.contains("@preserve")
        })
        .map(|c| {
            let text = match c.kind {
                CommentKind::Block => format!("/*{}*/", c.text),
                CommentKind::Line => format!("//{}", c.text),
            };
            (c.span.lo, text)
        })
        .collect();
    found.sort();
    found.dedup_by(|a, b| a.1 == b.1);
    found.into_iter().map(|(_, text)| text).collect()
}

/// Whether the JSX transform has anything to do. `.ts` and JSON have no
/// JSX; in JavaScript every element or fragment has a closing tag (`</`)
/// or closes itself (`/>`), so a file with neither has none, and the pass
/// over its tree is skipped.
fn may_have_jsx(kind: SourceKind, text: &str) -> bool {
    match kind {
        SourceKind::Tsx => true,
        SourceKind::TypeScript | SourceKind::Json => false,
        SourceKind::JavaScript => text.contains("</") || text.contains("/>"),
    }
}

/// Where a `@jsx` or `@jsxFrag` pragma is, with its length, when the
/// comments before the first token set one and do not switch the file to the
/// classic runtime: the automatic runtime has no factory to set. Reads the
/// comments as the JSX transform does: block comments, a pragma at the start
/// of one of their lines.
fn ignored_jsx_pragma(
    comments: &SingleThreadedComments,
    start: BytePos,
) -> Option<(BytePos, usize)> {
    let mut classic = false;
    let mut pragma = None;
    comments.with_leading(start, |leading| {
        for comment in leading.iter().filter(|c| c.kind == CommentKind::Block) {
            for line in comment.text.lines() {
                let line = line.trim().trim_start_matches('*').trim_start();
                let mut words = line.split_whitespace();
                while let Some(word) = words.next() {
                    let value = words.next();
                    match (word, value) {
                        ("@jsxRuntime", Some(runtime)) => classic = runtime == "classic",
                        ("@jsxImportSource", Some(_)) => classic = false,
                        ("@jsx" | "@jsxFrag", Some(_)) if pragma.is_none() => {
                            // The comment's text starts after its `/*`.
                            let offset = word.as_ptr() as usize - comment.text.as_ptr() as usize;
                            pragma =
                                Some((comment.span.lo + BytePos(2 + offset as u32), word.len()));
                        }
                        _ => {}
                    }
                    if !word.starts_with("@jsx") {
                        break;
                    }
                }
            }
        }
    });
    pragma.filter(|_| !classic)
}

fn jsx_options(jsx: &JsxSettings) -> JsxOptions {
    JsxOptions {
        runtime: Some(if jsx.classic {
            Runtime::Classic
        } else {
            Runtime::Automatic
        }),
        import_source: jsx.import_source.clone().map(Into::into),
        pragma: jsx.factory.clone().map(Into::into),
        pragma_frag: jsx.fragment.clone().map(Into::into),
        ..Default::default()
    }
}

/// Turns a parse result and the errors the parser recovered from into the
/// program or every error, first the fatal one.
fn finish(
    parsed: Result<Program, swc_ecma_parser::error::Error>,
    recovered: Vec<swc_ecma_parser::error::Error>,
    syntax_errors: &dyn Fn(Vec<swc_ecma_parser::error::Error>) -> Vec<Diagnostic>,
) -> Result<Program, Vec<Diagnostic>> {
    let mut errors = syntax_errors(recovered);
    match parsed {
        Ok(program) if errors.is_empty() => Ok(program),
        Ok(program) => {
            // It may be deeper than freeing it can recurse.
            nesting::dismantle(program);
            Err(errors)
        }
        Err(e) => {
            errors.insert(0, syntax_errors(vec![e]).remove(0));
            Err(errors)
        }
    }
}

/// A JSON file is what Node makes of it: a CommonJS module whose
/// `module.exports` is the value. (`import` of it gives that value as the
/// default export.)
fn json_module(mut expr: Box<Expr>) -> Program {
    expr.visit_mut_with(&mut JsonProtoKeys);
    let unbound = |name: &str| Box::new(Expr::Ident(Ident::new_no_ctxt(name.into(), DUMMY_SP)));
    let target = MemberExpr {
        span: DUMMY_SP,
        obj: unbound("module"),
        prop: MemberProp::Ident(swc_ecma_ast::IdentName::new("exports".into(), DUMMY_SP)),
    };
    Program::Script(Script {
        span: DUMMY_SP,
        body: vec![expr_stmt(Expr::Assign(AssignExpr {
            span: DUMMY_SP,
            op: AssignOp::Assign,
            left: AssignTarget::Simple(SimpleAssignTarget::Member(target)),
            right: expr,
        }))],
        shebang: None,
    })
}

fn syntax_error(path: &Path, file: &SourceFile, span: Span, message: &str) -> Diagnostic {
    Diagnostic::error(message.to_string()).at(location(path, file, span))
}

/// The location of `span` in `file`.
pub fn location(path: &Path, file: &SourceFile, span: Span) -> Location {
    let start = span.lo.0.saturating_sub(file.start_pos.0) as usize;
    let end = span.hi.0.saturating_sub(file.start_pos.0) as usize;
    Location::from_offsets(path, &file.src, start, end)
}

/// `"__proto__": …` in JSON is an own property; in an object literal it
/// would set the prototype, unless the key is computed.
struct JsonProtoKeys;

impl VisitMut for JsonProtoKeys {
    fn visit_mut_prop_name(&mut self, key: &mut PropName) {
        if let PropName::Str(s) = key {
            if s.value.as_atom().is_some_and(|a| &**a == "__proto__") {
                *key = PropName::Computed(ComputedPropName {
                    span: s.span,
                    expr: Box::new(Expr::Lit(Lit::Str(s.clone()))),
                });
            }
        }
    }
}

/// The expression a `--define` value stands for: JSON, or an identifier or
/// dotted path (validated by the options).
pub fn define_value(text: &str) -> Expr {
    let cm: Lrc<SourceMap> = Default::default();
    let file = cm.new_source_file(Lrc::new(FileName::Anon), format!("({text})"));
    let mut recovered = Vec::new();
    match parse_file_as_expr(
        &file,
        Syntax::Es(Default::default()),
        EsVersion::latest(),
        None,
        &mut recovered,
    ) {
        Ok(expr) => match *expr {
            Expr::Paren(p) => *p.expr,
            other => other,
        },
        Err(_) => Expr::Ident(Ident::new_no_ctxt("undefined".into(), DUMMY_SP)),
    }
}

/// An expression statement, for code the analysis synthesizes.
pub fn expr_stmt(expr: Expr) -> Stmt {
    Stmt::Expr(ExprStmt {
        span: DUMMY_SP,
        expr: Box::new(expr),
    })
}
