//! Minification of one module's code with `swc_ecma_minifier`, after the
//! module is rewritten for the chunk.
//!
//! Top-level names belong to the chunk: the renamer gave them their final
//! (with `--minify-identifiers`, shortest) names, and other modules refer to
//! them. So the compressor keeps every top-level binding, and the mangler
//! renames only the bindings of nested scopes; names the module reads from
//! the rest of the chunk are free identifiers to it, which it never takes.

use swc_atoms::Atom;
use swc_common::sync::Lrc;
use swc_common::{Mark, SourceMap, SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_minifier::optimize;
use swc_ecma_minifier::option::{
    CompressOptions, ExtraOptions, MangleOptions, MinifyOptions, PureGetterOption,
};

use crate::graph::Module;
use crate::load::declared;

/// What to do to each module.
pub struct Minify {
    pub syntax: bool,
    pub identifiers: bool,
    pub keep_names: bool,
    pub target: EsVersion,
}

impl Minify {
    pub fn any(&self) -> bool {
        self.syntax || self.identifiers
    }

    /// Minifies `program`, a piece of `module`'s rewritten code whose
    /// top-level bindings are named `top_level`. Must run inside
    /// `GLOBALS.set` with the build's globals.
    pub fn run(
        &self,
        program: Program,
        module: &Module,
        cm: &Lrc<SourceMap>,
        top_level: Vec<Atom>,
    ) -> Program {
        let options = MinifyOptions {
            compress: self.syntax.then(|| CompressOptions {
                ecma: self.target,
                // Reading a property may run a getter.
                pure_getters: PureGetterOption::Bool(false),
                // One pass: on ten copies of three.js a second pass saves
                // 0.08% of the size for 5% more build time.
                passes: 1,
                keep_fnames: self.keep_names,
                keep_classnames: self.keep_names,
                // What is kept of the compressor earns its time. On ten
                // copies of three.js the passes turned off here cost 24% of
                // the minified build's CPU time (2,222 ms against 1,697) and
                // saved 0.46% of its size. Each saved at most 0.19%; most
                // nothing at all (three.js is written tersely, as most
                // libraries are). Dead branches of `process.env.NODE_ENV`
                // and other defines are folded by weft itself, before this.
                // On: `join_vars` (1.0%), `const_to_let` (0.6%), `bools`
                // (0.4%), `sequences` (0.3%), `if_return` (0.1%).
                arrows: false,
                collapse_vars: false,
                comparisons: false,
                computed_props: false,
                conditionals: false,
                dead_code: false,
                directives: false,
                evaluate: false,
                hoist_props: false,
                inline: 0,
                loops: false,
                negate_iife: false,
                pristine_globals: false,
                props: false,
                reduce_fns: false,
                side_effects: false,
                switches: false,
                typeofs: false,
                unused: false,
                ..Default::default()
            }),
            mangle: self.identifiers.then(|| MangleOptions {
                top_level: Some(false),
                reserved: top_level,
                keep_fn_names: self.keep_names,
                keep_class_names: self.keep_names,
                // Names are as short either way. Ordered by the characters'
                // frequency in each module, they gzip worse across a chunk
                // of many modules (1,976,978 bytes against 1,949,670 on ten
                // copies of three.js), and the count costs 5% of the build.
                disable_char_freq: true,
                ..Default::default()
            }),
            ..Default::default()
        };
        let extra = ExtraOptions {
            unresolved_mark: module.unresolved.outer(),
            top_level_mark: module.top_level.outer(),
            mangle_name_cache: None,
        };
        let mut module_ast = match program {
            Program::Module(m) => m,
            Program::Script(script) => {
                return Program::Script(self.run_function_body(script, cm, &options, &extra))
            }
        };
        // Other modules read and call this module's bindings, which the
        // minifier cannot see: exported, they stay as they are written, with
        // every assignment to them. The export goes again afterwards.
        let declared: Vec<Ident> = module_ast
            .body
            .iter()
            .filter_map(|item| item.as_stmt())
            .flat_map(declared)
            .map(|id| Ident::new(id.0, DUMMY_SP, id.1))
            .collect();
        if !declared.is_empty() {
            module_ast
                .body
                .push(ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(
                    NamedExport {
                        span: DUMMY_SP,
                        specifiers: declared
                            .into_iter()
                            .map(|ident| {
                                ExportSpecifier::Named(ExportNamedSpecifier {
                                    span: DUMMY_SP,
                                    orig: ModuleExportName::Ident(ident),
                                    exported: None,
                                    is_type_only: false,
                                })
                            })
                            .collect(),
                        src: None,
                        type_only: false,
                        with: None,
                    },
                )));
        }
        let mut program = optimize(
            Program::Module(module_ast),
            cm.clone(),
            None,
            None,
            &options,
            &extra,
        );
        if let Program::Module(m) = &mut program {
            m.body.retain(|item| {
                !matches!(
                    item,
                    ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { src: None, .. }))
                )
            });
        }
        program
    }

    /// A CommonJS module's code is the body of a function in sloppy mode:
    /// it is minified as one, so that its top-level names are local (they
    /// may be renamed and dropped) and an assignment to an undeclared name
    /// stays one to a global.
    fn run_function_body(
        &self,
        script: Script,
        cm: &Lrc<SourceMap>,
        options: &MinifyOptions,
        extra: &ExtraOptions,
    ) -> Script {
        let holder = Ident::new(
            "__weft_body".into(),
            DUMMY_SP,
            SyntaxContext::empty().apply_mark(extra.unresolved_mark),
        );
        let function = Function {
            this_param: None,
            params: Vec::new(),
            decorators: Vec::new(),
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty().apply_mark(Mark::fresh(extra.top_level_mark)),
            body: Some(FunctionBody {
                span: DUMMY_SP,
                stmts: script.body,
            }),
            is_generator: false,
            is_async: false,
            type_params: None,
            return_type: None,
        };
        let call = Expr::Call(CallExpr {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            callee: Callee::Expr(Box::new(Expr::Ident(holder))),
            args: vec![ExprOrSpread {
                spread: None,
                expr: Box::new(Expr::Fn(FnExpr {
                    ident: None,
                    function: Box::new(function),
                })),
            }],
            type_args: None,
        });
        let wrapped = Program::Script(Script {
            span: DUMMY_SP,
            body: vec![Stmt::Expr(ExprStmt {
                span: DUMMY_SP,
                expr: Box::new(call),
            })],
            shebang: None,
        });
        let Program::Script(mut out) = optimize(wrapped, cm.clone(), None, None, options, extra)
        else {
            unreachable!("a script stays a script")
        };
        let body = match out.body.pop() {
            Some(Stmt::Expr(ExprStmt { expr, .. })) => match *expr {
                Expr::Call(CallExpr { mut args, .. }) if args.len() == 1 => {
                    match *args.remove(0).expr {
                        Expr::Fn(f) => f.function.body.map(|b| b.stmts),
                        Expr::Arrow(a) => Some(match *a.body {
                            ArrowFunctionBody::FunctionBody(b) => b.stmts,
                            ArrowFunctionBody::Expr(e) => vec![Stmt::Return(ReturnStmt {
                                span: DUMMY_SP,
                                arg: Some(e),
                            })],
                        }),
                        _ => None,
                    }
                }
                _ => None,
            },
            _ => None,
        };
        Script {
            body: body.expect("the minifier keeps the function that holds the module"),
            ..out
        }
    }
}
