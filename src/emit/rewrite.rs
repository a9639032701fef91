//! Rewriting one module for the chunk: references to its top-level symbols
//! take their final names, references to imports become references to what
//! they are bound to, `ns.x` on a namespace import becomes a direct
//! reference, and `import('x')` of a bundled module becomes a promise of its
//! namespace.

use rustc_hash::{FxHashMap, FxHashSet};

use swc_atoms::Atom;
use swc_common::{BytePos, SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_visit::{VisitMut, VisitMutWith};

use crate::graph::{ImportKind, ModuleGraph, ModuleId, ModuleKind, Resolution};
use crate::link::{CommonJsRead, Link, Ref};

pub struct Rewriter<'a> {
    graph: &'a ModuleGraph,
    link: &'a Link,
    /// `import('x')` and `require('x')` records of this module, by the
    /// position of their specifier.
    calls: FxHashMap<BytePos, usize>,
    module: ModuleId,
    /// Modules whose namespace object this module uses as a value.
    pub namespaces: FxHashSet<ModuleId>,
    /// ES modules whose `require()` result this module uses.
    pub required_namespaces: FxHashSet<ModuleId>,
    /// Whether the module still calls Node's `require` itself (a built-in
    /// or external, or a specifier that is not a string literal).
    pub uses_require: bool,
    /// Whether the module reads a transpiled default export (`__default`).
    pub uses_default: bool,
    /// Whether the module reads Node's `__filename` or `__dirname`.
    pub uses_filename: bool,
    /// Whether `require.main` is the entry's `module` object, `__main`:
    /// the entry is a CommonJS module, which Node makes the main module.
    main_is_entry: bool,
    /// Whether the module reads `require.main`, made `__main`.
    pub uses_main: bool,
    /// The syntax contexts of the module's top-level bindings and imports,
    /// the only names that are renamed or bound elsewhere: the top level's,
    /// and one of its own for each synthesized binding. Names of nested
    /// scopes are passed over without a lookup.
    bound: Vec<SyntaxContext>,
    top_level: SyntaxContext,
    unresolved: SyntaxContext,
}

impl<'a> Rewriter<'a> {
    pub fn new(graph: &'a ModuleGraph, link: &'a Link, module: ModuleId) -> Rewriter<'a> {
        let calls = graph
            .module(module)
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.kind, ImportKind::Dynamic | ImportKind::Require))
            .map(|(i, r)| (r.span.lo, i))
            .collect();
        let m = graph.module(module);
        let bound = crate::load::binding_contexts(
            m.top_level,
            m.symbols.iter().chain(m.imports.iter().map(|b| &b.local)),
        );
        Rewriter {
            graph,
            link,
            calls,
            module,
            namespaces: FxHashSet::default(),
            required_namespaces: FxHashSet::default(),
            uses_require: false,
            uses_default: false,
            uses_filename: false,
            main_is_entry: graph.module(graph.entries[0]).kind == ModuleKind::CommonJs,
            uses_main: false,
            bound,
            top_level: m.top_level,
            unresolved: m.unresolved,
        }
    }

    /// Whether `e` is `require.main`, with Node's `require`.
    fn is_require_main(&self, e: &Expr) -> bool {
        let Expr::Member(MemberExpr { obj, prop, .. }) = e else {
            return false;
        };
        matches!(&**obj, Expr::Ident(i)
            if &*i.sym == "require" && i.ctxt == self.unresolved)
            && matches!(prop, MemberProp::Ident(name) if &*name.sym == "main")
    }

    /// A name of the chunk outside this module. To the module it is a free
    /// name, which the minifier neither renames nor lets a local take.
    fn ident(&self, sym: Atom) -> Ident {
        Ident::new(sym, DUMMY_SP, self.unresolved)
    }

    /// `init_x()` or `require_x()`: runs wrapped module `target` if it has
    /// not run; for a CommonJS module, its value is `module.exports`.
    fn init_call(&self, target: ModuleId) -> Expr {
        let init = self.link.names.inits[target.index()]
            .clone()
            .expect("wrapped modules have initializers");
        call(Expr::Ident(self.ident(init)), vec![])
    }

    /// What `require('x')` of a bundled module gives: a CommonJS module's
    /// `module.exports`, or an ES module's namespace once it has run (with
    /// `__esModule` when it has a default export, as Node gives it).
    fn require_call(&mut self, record: usize) -> Option<Expr> {
        let Resolution::Module(target) = self.graph.module(self.module).records[record].resolution
        else {
            // Left to `__require`, which the identifier becomes.
            return None;
        };
        if self.graph.module(target).kind == ModuleKind::CommonJs {
            return Some(self.init_call(target));
        }
        let module_exports = self
            .link
            .tables
            .resolve_export(
                self.graph,
                target,
                &"module.exports".into(),
                &mut Default::default(),
            )
            .is_ok();
        let value = if module_exports {
            // `export { x as "module.exports" }`: what `require` returns,
            // read through the namespace (which CommonJS code can reach).
            self.namespaces.insert(target);
            let ns = Expr::Ident(self.ident(self.link.names.namespaces[target.index()].clone()));
            member(ns, &"module.exports".into())
        } else if self.link.tables.adds_es_module_flag(self.graph, target) {
            self.required_namespaces.insert(target);
            Expr::Ident(self.ident(self.link.names.required_namespaces[target.index()].clone()))
        } else {
            self.namespaces.insert(target);
            Expr::Ident(self.ident(self.link.names.namespaces[target.index()].clone()))
        };
        Some(sequence(self.init_call(target), value))
    }

    fn ref_expr(&mut self, r: &Ref) -> Expr {
        match r {
            Ref::Symbol(id) => Expr::Ident(self.ident(self.link.names.symbols[id].clone())),
            Ref::Namespace(target) => {
                self.namespaces.insert(*target);
                Expr::Ident(self.ident(self.link.names.namespaces[target.index()].clone()))
            }
            Ref::External { specifier, name } => {
                let object = Expr::Ident(self.ident(self.link.names.external(specifier).clone()));
                match name {
                    None => object,
                    Some(name) => member(object, name),
                }
            }
            Ref::CommonJs { module, read } => {
                let exports = self.init_call(*module);
                match read {
                    CommonJsRead::Exports => exports,
                    CommonJsRead::TranspiledDefault => {
                        self.uses_default = true;
                        call(Expr::Ident(self.ident("__default".into())), vec![exports])
                    }
                    CommonJsRead::Member(name) => member(exports, name),
                }
            }
        }
    }

    /// `ns.name` where `ns` is bound to a bundled module's namespace.
    fn namespace_member(&mut self, target: ModuleId, name: &Atom) -> Expr {
        if self.graph.module(target).kind == ModuleKind::CommonJs {
            let read = if &**name == "default" {
                CommonJsRead::Exports
            } else {
                CommonJsRead::Member(name.clone())
            };
            return self.ref_expr(&Ref::CommonJs {
                module: target,
                read,
            });
        }
        match self
            .link
            .tables
            .resolve_export(self.graph, target, name, &mut Default::default())
        {
            Ok(r) => self.ref_expr(&r),
            // A namespace has no such property: reading it gives undefined.
            Err(_) => void_zero(),
        }
    }

    fn dynamic_import(&mut self, record: usize) -> Option<Expr> {
        let Resolution::Module(target) = self.graph.module(self.module).records[record].resolution
        else {
            return None;
        };
        self.namespaces.insert(target);
        let ns = Expr::Ident(self.ident(self.link.names.namespaces[target.index()].clone()));
        let resolved = call(
            member(Expr::Ident(self.ident("Promise".into())), &"resolve".into()),
            vec![],
        );
        let value = match &self.link.names.inits[target.index()] {
            None => arrow(ns),
            // Evaluated asynchronously: wait for its promise.
            Some(init) if self.link.async_eval[target.index()] => {
                let started = call(
                    member(Expr::Ident(self.ident("Promise".into())), &"resolve".into()),
                    vec![Expr::Ident(self.ident(init.clone()))],
                );
                return Some(call(member(started, &"then".into()), vec![arrow(ns)]));
            }
            Some(init) if self.link.async_init[target.index()] => {
                let started = call(
                    member(resolved, &"then".into()),
                    vec![arrow(call(Expr::Ident(self.ident(init.clone())), vec![]))],
                );
                return Some(call(member(started, &"then".into()), vec![arrow(ns)]));
            }
            // A lazy ES module, or a CommonJS module (whose namespace reads
            // `require_x()`): run it first.
            Some(_) => arrow(sequence(self.init_call(target), ns)),
        };
        Some(call(member(resolved, &"then".into()), vec![value]))
    }

    /// What the import binding `i` is bound to, if it is one.
    fn import_ref(&self, i: &Ident) -> Option<&'a Ref> {
        if !self.bound.contains(&i.ctxt) {
            return None;
        }
        self.link.import_refs.get(&i.to_id())
    }

    /// The final name of the top-level binding `i`, if it is one.
    fn symbol_name(&self, i: &Ident) -> Option<&'a Atom> {
        if !self.bound.contains(&i.ctxt) {
            return None;
        }
        self.link.names.symbols.get(&i.to_id())
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        if self.main_is_entry && self.is_require_main(e) {
            *e = Expr::Ident(self.ident("__main".into()));
            self.uses_main = true;
            return;
        }
        match e {
            Expr::Ident(i) => {
                if let Some(r) = self.import_ref(i) {
                    *e = self.ref_expr(r);
                    return;
                }
            }
            Expr::Member(MemberExpr { obj, prop, .. }) => {
                if let Expr::Ident(i) = &**obj {
                    if let Some(Ref::Namespace(target)) = self.import_ref(i) {
                        if let Some(name) = crate::load::prop_name(prop) {
                            *e = self.namespace_member(*target, &name);
                            return;
                        }
                    }
                }
            }
            Expr::Call(CallExpr { callee, args, .. }) => {
                let is_call = match callee {
                    Callee::Import(_) => Some(ImportKind::Dynamic),
                    Callee::Expr(c) => match &**c {
                        Expr::Ident(i) if &*i.sym == "require" => Some(ImportKind::Require),
                        _ => None,
                    },
                    Callee::Super(_) => None,
                };
                let specifier = match args.first().map(|a| &*a.expr) {
                    Some(Expr::Lit(Lit::Str(s))) => Some(s.span.lo),
                    _ => None,
                };
                if let (Some(kind), Some(position)) = (is_call, specifier) {
                    let record = self
                        .calls
                        .get(&position)
                        .copied()
                        .filter(|&r| self.graph.module(self.module).records[r].kind == kind);
                    if let Some(record) = record {
                        let replacement = match kind {
                            ImportKind::Require => self.require_call(record),
                            _ => self.dynamic_import(record),
                        };
                        if let Some(replacement) = replacement {
                            *e = replacement;
                            return;
                        }
                    }
                }
            }
            _ => {}
        }
        e.visit_mut_children_with(self);
    }

    fn visit_mut_callee(&mut self, callee: &mut Callee) {
        // `f()` where `f` is an export of an external module or a property
        // of a CommonJS module's exports becomes `(0, import_x.f)()`, so
        // that the object is not passed as `this`.
        if let Callee::Expr(expr) = callee {
            if let Expr::Ident(i) = &**expr {
                let unbound = self.import_ref(i).filter(|r| {
                    matches!(
                        r,
                        Ref::External { name: Some(_), .. }
                            | Ref::CommonJs {
                                read: CommonJsRead::Member(_) | CommonJsRead::TranspiledDefault,
                                ..
                            }
                    )
                });
                if let Some(r) = unbound {
                    let target = self.ref_expr(r);
                    **expr = sequence(num(0.0), target);
                    return;
                }
            }
        }
        callee.visit_mut_children_with(self);
    }

    fn visit_mut_ident(&mut self, i: &mut Ident) {
        if let Some(name) = self.symbol_name(i) {
            // Final names are unique in the chunk, so every top-level
            // binding can share the top-level context, as the minifier
            // expects of the bindings it must keep.
            i.sym = name.clone();
            i.ctxt = self.top_level;
        } else if i.ctxt == self.unresolved {
            match &*i.sym {
                // Node's `require`: the chunk's `__require`.
                "require" => {
                    i.sym = "__require".into();
                    self.uses_require = true;
                }
                "__filename" | "__dirname" => self.uses_filename = true,
                _ => {}
            }
        }
    }

    fn visit_mut_prop(&mut self, p: &mut Prop) {
        if let Prop::Shorthand(i) = p {
            let renamed = self.symbol_name(i).is_some_and(|n| *n != i.sym);
            if renamed || self.import_ref(i).is_some() {
                let key = PropName::Ident(IdentName::new(i.sym.clone(), i.span));
                let mut value = Expr::Ident(i.clone());
                value.visit_mut_with(self);
                *p = Prop::KeyValue(KeyValueProp {
                    key,
                    value: Box::new(value),
                });
                return;
            }
        }
        p.visit_mut_children_with(self);
    }

    fn visit_mut_object_pat_prop(&mut self, p: &mut ObjectPatProp) {
        if let ObjectPatProp::Assign(AssignPatProp { key, value, .. }) = p {
            let renamed = self.symbol_name(&key.id).is_some_and(|n| *n != key.id.sym);
            if renamed {
                let prop_key = PropName::Ident(IdentName::new(key.id.sym.clone(), key.id.span));
                let mut binding = Pat::Ident(key.clone());
                if let Some(default) = value.take() {
                    binding = Pat::Assign(AssignPat {
                        span: DUMMY_SP,
                        left: Box::new(binding),
                        right: default,
                    });
                }
                *p = ObjectPatProp::KeyValue(KeyValuePatProp {
                    key: prop_key,
                    value: Box::new(binding),
                });
            }
        }
        p.visit_mut_children_with(self);
    }
}

fn num(value: f64) -> Expr {
    Expr::Lit(Lit::Num(Number {
        span: DUMMY_SP,
        value,
        raw: None,
    }))
}

fn void_zero() -> Expr {
    Expr::Unary(UnaryExpr {
        span: DUMMY_SP,
        op: UnaryOp::Void,
        arg: Box::new(num(0.0)),
    })
}

/// `object.name`, or `object["name"]` when the name is not an identifier.
fn member(object: Expr, name: &Atom) -> Expr {
    let prop = if is_identifier_name(name) {
        MemberProp::Ident(IdentName::new(name.clone(), DUMMY_SP))
    } else {
        MemberProp::Computed(ComputedPropName {
            span: DUMMY_SP,
            expr: Box::new(Expr::Lit(Lit::Str(name.clone().into()))),
        })
    };
    Expr::Member(MemberExpr {
        span: DUMMY_SP,
        obj: Box::new(object),
        prop,
    })
}

/// `(first, then)`.
fn sequence(first: Expr, then: Expr) -> Expr {
    Expr::Paren(ParenExpr {
        span: DUMMY_SP,
        expr: Box::new(Expr::Seq(SeqExpr {
            span: DUMMY_SP,
            exprs: vec![Box::new(first), Box::new(then)],
        })),
    })
}

fn call(callee: Expr, args: Vec<Expr>) -> Expr {
    Expr::Call(CallExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        callee: Callee::Expr(Box::new(callee)),
        args: args.into_iter().map(|a| Box::new(a).into()).collect(),
        type_args: None,
    })
}

fn arrow(body: Expr) -> Expr {
    Expr::Arrow(ArrowExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        params: vec![],
        body: Box::new(ArrowFunctionBody::Expr(Box::new(body))),
        is_async: false,
        is_generator: false,
        type_params: None,
        return_type: None,
    })
}

/// Whether `name` can be written as `a.name` / `{ name: … }`.
pub fn is_identifier_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c == '$' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c == '$' || c.is_alphanumeric())
}
