//! Minification of one module's code, after the module is rewritten for
//! the chunk: shorter syntax by weft's own pass ([`super::syntax`]), shorter
//! local names by weft's own ([`super::mangle`]), or by `swc_ecma_minifier`'s
//! mangler where names must be kept (`--keep-names`) or can be read at run
//! time (`eval`, `with`).
//!
//! Top-level names belong to the chunk: the renamer gave them their final
//! (with `--minify-identifiers`, shortest) names, and other modules refer to
//! them. So the mangler renames only the bindings of nested scopes; names
//! the module reads from the rest of the chunk are free identifiers to it,
//! which it never takes.

use swc_atoms::Atom;
use swc_common::sync::Lrc;
use swc_common::{Mark, SourceMap, SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_minifier::optimize;
use swc_ecma_minifier::option::{ExtraOptions, MangleOptions, MinifyOptions};

use super::{mangle, syntax};
use crate::graph::Module;

/// What to do to each module.
pub struct Minify {
    pub syntax: bool,
    pub identifiers: bool,
    pub keep_names: bool,
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
        mut program: Program,
        module: &Module,
        cm: &Lrc<SourceMap>,
        top_level: Vec<Atom>,
    ) -> Program {
        if self.syntax {
            syntax::shorten(&mut program, module.unresolved);
        }
        if !self.identifiers {
            return program;
        }
        if !self.keep_names {
            let mut reserved = top_level;
            if program.is_script() {
                // The names the CommonJS wrapper gives the body.
                reserved.extend(["exports", "module", "require"].map(Atom::from));
            }
            if mangle::mangle(&mut program, module.top_level, module.unresolved, &reserved) {
                return program;
            }
            return self.run_swc(program, module, cm, reserved);
        }
        self.run_swc(program, module, cm, top_level)
    }

    /// Shortens local names with `swc_ecma_minifier`'s mangler, which keeps
    /// the names of functions and classes when asked to, and leaves a
    /// scope that calls `eval` as it is.
    fn run_swc(
        &self,
        program: Program,
        module: &Module,
        cm: &Lrc<SourceMap>,
        top_level: Vec<Atom>,
    ) -> Program {
        let options = MinifyOptions {
            mangle: Some(MangleOptions {
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
        match program {
            Program::Module(_) => optimize(program, cm.clone(), None, None, &options, &extra),
            Program::Script(script) => {
                Program::Script(self.run_function_body(script, cm, &options, &extra))
            }
        }
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
