//! Parsing with swc, by file extension, and the transforms every module goes
//! through before analysis: scope resolution (hygiene marks), TypeScript
//! stripping and JSX lowering.

use std::path::Path;

use swc_common::comments::SingleThreadedComments;
use swc_common::sync::Lrc;
use swc_common::{FileName, Mark, SourceFile, SourceMap, Span, Spanned, DUMMY_SP};
use swc_ecma_ast::{EsVersion, Expr, ExprStmt, Module, ModuleItem, Program, Stmt};
use swc_ecma_parser::{parse_file_as_expr, parse_file_as_module, EsSyntax, Syntax, TsSyntax};
use swc_ecma_transforms_base::resolver;
use swc_ecma_transforms_react::{react, Options as JsxOptions, Runtime};
use swc_ecma_transforms_typescript::{tsx, typescript, Config as TsConfig, TsxConfig};

use crate::diagnostics::{Diagnostic, Location};

/// How JSX is lowered for one file, from the nearest `tsconfig.json`.
/// A `/** @jsx h */` pragma in the file itself overrides it (swc reads it).
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

/// A parsed and transformed module, with the marks its identifiers carry.
pub struct Parsed {
    pub ast: Module,
    /// The module's own source map: one file, so parsing never contends on
    /// a shared one.
    pub cm: Lrc<SourceMap>,
    pub file: Lrc<SourceFile>,
    pub unresolved_mark: Mark,
    pub top_level_mark: Mark,
}

/// Parses `source` (already read once) as the kind its extension says.
/// Must run inside `GLOBALS.set`.
pub fn parse(
    path: &Path,
    kind: SourceKind,
    source: String,
    jsx: &JsxSettings,
) -> Result<Parsed, Vec<Diagnostic>> {
    let cm: Lrc<SourceMap> = Default::default();
    let file = cm.new_source_file(Lrc::new(FileName::Real(path.to_path_buf())), source);
    let comments = SingleThreadedComments::default();
    let mut recovered = Vec::new();

    let parsed = if kind == SourceKind::Json {
        parse_file_as_expr(
            &file,
            Syntax::Es(Default::default()),
            EsVersion::latest(),
            None,
            &mut recovered,
        )
        .map(json_module)
    } else {
        parse_file_as_module(
            &file,
            kind.syntax(),
            EsVersion::latest(),
            Some(&comments),
            &mut recovered,
        )
    };

    let mut errors: Vec<Diagnostic> = recovered
        .into_iter()
        .map(|e| syntax_error(path, &file, e.span(), &e.kind().msg()))
        .collect();
    let ast = match parsed {
        Ok(ast) => ast,
        Err(e) => {
            errors.insert(0, syntax_error(path, &file, e.span(), &e.kind().msg()));
            return Err(errors);
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }

    let unresolved_mark = Mark::new();
    let top_level_mark = Mark::new();
    let is_ts = matches!(kind, SourceKind::TypeScript | SourceKind::Tsx);
    let mut program = Program::Module(ast);
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
    if kind != SourceKind::Json {
        program.mutate(react(
            cm.clone(),
            Some(&comments),
            jsx_options(jsx),
            top_level_mark,
            unresolved_mark,
        ));
    }

    let Program::Module(ast) = program else {
        unreachable!("a module stays a module through the transforms")
    };
    Ok(Parsed {
        ast,
        cm,
        file,
        unresolved_mark,
        top_level_mark,
    })
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

/// A JSON file becomes a module whose default export is its value. The
/// analysis turns the `export default` into a binding like any other.
fn json_module(expr: Box<Expr>) -> Module {
    use swc_ecma_ast::{ExportDefaultExpr, ModuleDecl};
    Module {
        span: DUMMY_SP,
        body: vec![ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(
            ExportDefaultExpr {
                span: DUMMY_SP,
                expr,
            },
        ))],
        shebang: None,
    }
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

/// An expression statement, for code the analysis synthesizes.
pub fn expr_stmt(expr: Expr) -> Stmt {
    Stmt::Expr(ExprStmt {
        span: DUMMY_SP,
        expr: Box::new(expr),
    })
}
