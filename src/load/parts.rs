//! What tree shaking needs to know of each top-level statement of an ES
//! module: the bindings it declares and uses, the `import()`/`require()`
//! calls it makes, and whether running it can be observed.
//!
//! A statement is free of effects when it only declares functions, classes
//! whose evaluation runs no code, and variables initialized with such
//! values: literals, functions, bound names, reads of well-known globals,
//! and calls annotated `/* @__PURE__ */`. Anything else is kept.

use rustc_hash::{FxHashMap, FxHashSet};

use swc_atoms::Atom;
use swc_common::comments::{CommentKind, Comments, SingleThreadedComments};
use swc_common::{BytePos, SyntaxContext};
use swc_ecma_ast::*;
use swc_ecma_utils::find_pat_ids;
use swc_ecma_visit::{Visit, VisitWith};

use crate::graph::{Effects, ImportRecord, Part};

use super::analyze::import_call;

/// Which identifiers are top-level bindings, and how to read the source's
/// annotations.
pub struct Context<'a> {
    pub top_level: SyntaxContext,
    pub unresolved: SyntaxContext,
    /// Bindings the analysis made (`export default` of an expression).
    pub synthesized: &'a FxHashSet<Id>,
    pub import_locals: &'a FxHashSet<Id>,
    /// The syntax contexts of all of the above: an identifier with another
    /// is a global or a name of a nested scope, known without a lookup.
    pub bound: &'a [SyntaxContext],
    pub comments: &'a SingleThreadedComments,
    pub records: &'a [ImportRecord],
}

impl Context<'_> {
    fn is_binding(&self, id: &Id) -> bool {
        id.1 == self.top_level || self.synthesized.contains(id) || self.import_locals.contains(id)
    }
}

/// The parts of a normalized module body, one per statement.
pub fn parts(body: &[ModuleItem], cx: &Context) -> Vec<Part> {
    let calls: FxHashMap<BytePos, usize> = cx
        .records
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.kind.is_static())
        .map(|(i, r)| (r.span.lo, i))
        .collect();
    let mut eval = false;
    let mut parts: Vec<Part> = body
        .iter()
        .map(|item| {
            let ModuleItem::Stmt(stmt) = item else {
                // Declarations are gone after analysis; keep anything else.
                return Part {
                    effects: Effects::Always,
                    ..Part::default()
                };
            };
            let mut uses = Uses {
                cx,
                calls: &calls,
                seen: FxHashSet::default(),
                uses: Vec::new(),
                member_uses: Vec::new(),
                records: Vec::new(),
                eval: false,
            };
            stmt.visit_with(&mut uses);
            eval |= uses.eval;
            let (declares, effects) = match name_fixup(stmt, cx) {
                Some(binding) => (vec![binding], Effects::None),
                None => (declared(stmt), effects_of(stmt, cx)),
            };
            Part {
                declares,
                uses: uses.uses,
                member_uses: uses.member_uses,
                effects,
                records: uses.records,
            }
        })
        .collect();
    // Direct `eval` can read any binding by name: everything stays.
    if eval {
        for part in &mut parts {
            part.effects = Effects::Always;
        }
    }
    parts
}

/// Functions the source annotates `/* @__NO_SIDE_EFFECTS__ */`: a function
/// declaration, or a variable initialized with a function, with the comment
/// before the declaration, its `export`, or the function itself. Must run
/// before the analysis removes `export` keywords.
pub fn pure_functions(body: &[ModuleItem], comments: &SingleThreadedComments) -> Vec<Id> {
    let annotated = |pos: BytePos| has_annotation(comments, pos, "NO_SIDE_EFFECTS");
    let mut found = Vec::new();
    // `outer`: the comment stands before the whole declaration.
    let mut decl = |decl: &Decl, outer: bool| match decl {
        Decl::Fn(f) if outer || annotated(f.function.span.lo) => found.push(f.ident.to_id()),
        Decl::Var(v) => {
            for d in &v.decls {
                let (Pat::Ident(name), Some(init)) = (&d.name, &d.init) else {
                    continue;
                };
                let function = match &**init {
                    Expr::Fn(f) => Some(f.function.span.lo),
                    Expr::Arrow(a) => Some(a.span.lo),
                    _ => None,
                };
                if let Some(lo) = function {
                    if outer || annotated(v.span.lo) || annotated(lo) {
                        found.push(name.to_id());
                    }
                }
            }
        }
        _ => {}
    };
    let mut defaults = Vec::new();
    for item in body {
        match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => decl(d, false),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => {
                decl(&e.decl, annotated(e.span.lo))
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(ExportDefaultDecl {
                span,
                decl:
                    DefaultDecl::Fn(FnExpr {
                        ident: Some(ident),
                        function,
                    }),
            })) if annotated(span.lo) || annotated(function.span.lo) => {
                defaults.push(ident.to_id())
            }
            _ => {}
        }
    }
    found.extend(defaults);
    found
}

/// Top-level bindings whose value's `name` property is the binding's own
/// name: declared functions and classes, and variables initialized with an
/// anonymous function, arrow or class. `--keep-names` keeps them.
pub fn named_bindings(body: &[ModuleItem]) -> Vec<Id> {
    let mut found = Vec::new();
    for item in body {
        let Some(stmt) = item.as_stmt() else { continue };
        match stmt {
            Stmt::Decl(Decl::Fn(f)) => found.push(f.ident.to_id()),
            Stmt::Decl(Decl::Class(c)) => found.push(c.ident.to_id()),
            Stmt::Decl(Decl::Var(v)) => {
                for d in &v.decls {
                    let (Pat::Ident(name), Some(init)) = (&d.name, &d.init) else {
                        continue;
                    };
                    let anonymous = match &**init {
                        Expr::Fn(f) => f.ident.is_none(),
                        Expr::Class(c) => c.ident.is_none(),
                        Expr::Arrow(_) => true,
                        _ => false,
                    };
                    if anonymous {
                        found.push(name.to_id());
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether the call or `new` at `pos` is annotated `/* @__PURE__ */`: by a
/// comment in the source, or by the TypeScript transform, which marks the
/// function that builds an enum of constant members with `PURE_SP`.
fn is_pure(comments: &SingleThreadedComments, pos: BytePos) -> bool {
    pos.is_pure() || has_annotation(comments, pos, "PURE")
}

/// Whether a block comment just before `pos` says `#__FLAG__` or `@__FLAG__`.
fn has_annotation(comments: &SingleThreadedComments, pos: BytePos, flag: &str) -> bool {
    let Some(leading) = comments.get_leading(pos) else {
        return false;
    };
    leading.iter().any(|c| {
        c.kind == CommentKind::Block
            && c.text.lines().any(|line| {
                let line = line.trim_start_matches(['*', ' ', '\t']).trim();
                (line.starts_with("#__") || line.starts_with("@__"))
                    && line.ends_with("__")
                    && line.len() == flag.len() + 5
                    && &line[3..line.len() - 2] == flag
            })
    })
}

/// The top-level bindings a top-level statement declares.
fn declared(stmt: &Stmt) -> Vec<Id> {
    match stmt {
        Stmt::Decl(Decl::Fn(f)) => vec![f.ident.to_id()],
        Stmt::Decl(Decl::Class(c)) => vec![c.ident.to_id()],
        Stmt::Decl(Decl::Var(v)) => find_pat_ids(&v.decls),
        Stmt::Decl(Decl::Using(u)) => find_pat_ids(&u.decls),
        // `var` in a nested block of the top level is a top-level binding.
        _ => VarNames::of(stmt),
    }
}

/// The bindings of the `var` declarations nested in blocks of a top-level
/// statement.
struct VarNames(Vec<Id>);

impl VarNames {
    fn of(stmt: &Stmt) -> Vec<Id> {
        let mut names = VarNames(Vec::new());
        stmt.visit_with(&mut names);
        names.0
    }
}

impl Visit for VarNames {
    fn visit_var_decl(&mut self, v: &VarDecl) {
        if v.kind == VarDeclKind::Var {
            for d in &v.decls {
                self.0.extend(find_pat_ids::<_, Id>(&d.name));
            }
        }
    }
    fn visit_function(&mut self, _: &Function) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_class(&mut self, _: &Class) {}
}

/// `Object.defineProperty(binding, "name", …)` of a binding the analysis
/// made: it completes that binding's declaration.
fn name_fixup(stmt: &Stmt, cx: &Context) -> Option<Id> {
    let Stmt::Expr(ExprStmt { expr, .. }) = stmt else {
        return None;
    };
    let Expr::Call(call) = &**expr else {
        return None;
    };
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    let Expr::Member(MemberExpr {
        obj,
        prop: MemberProp::Ident(method),
        ..
    }) = &**callee
    else {
        return None;
    };
    let is_define = matches!(&**obj, Expr::Ident(o) if o.ctxt == cx.unresolved && &*o.sym == "Object")
        && &*method.sym == "defineProperty";
    match call.args.as_slice() {
        [target, name, _] if is_define => match (&*target.expr, &*name.expr) {
            (Expr::Ident(binding), Expr::Lit(Lit::Str(s)))
                if s.value.as_atom().is_some_and(|a| &**a == "name") =>
            {
                let id = binding.to_id();
                (cx.synthesized.contains(&id) || id.1 == cx.top_level).then_some(id)
            }
            _ => None,
        },
        _ => None,
    }
}

struct Uses<'a> {
    cx: &'a Context<'a>,
    calls: &'a FxHashMap<BytePos, usize>,
    seen: FxHashSet<Id>,
    uses: Vec<Id>,
    member_uses: Vec<(Id, Atom)>,
    records: Vec<usize>,
    eval: bool,
}

impl Visit for Uses<'_> {
    fn visit_expr(&mut self, e: &Expr) {
        if let Expr::Member(MemberExpr { obj, prop, .. }) = e {
            if let Expr::Ident(object) = &**obj {
                if self.cx.bound.contains(&object.ctxt) {
                    let id = object.to_id();
                    if self.cx.import_locals.contains(&id) {
                        if let Some(name) = super::analyze::prop_name(prop) {
                            self.member_uses.push((id, name));
                            return;
                        }
                    }
                }
            }
        }
        e.visit_children_with(self);
    }

    fn visit_ident(&mut self, ident: &Ident) {
        if !self.cx.bound.contains(&ident.ctxt) {
            return;
        }
        let id = ident.to_id();
        if self.cx.is_binding(&id) && !self.seen.contains(&id) {
            self.seen.insert(id.clone());
            self.uses.push(id);
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        call.visit_children_with(self);
        if let Some((_, src)) = import_call(call, self.cx.unresolved) {
            if let Some(&record) = self.calls.get(&src.span.lo) {
                self.records.push(record);
            }
        }
        if let Callee::Expr(callee) = &call.callee {
            if matches!(&**callee, Expr::Ident(i) if i.ctxt == self.cx.unresolved && &*i.sym == "eval")
            {
                self.eval = true;
            }
        }
    }
}

fn effects_of(stmt: &Stmt, cx: &Context) -> Effects {
    let mut purity = Purity {
        cx,
        calls: Vec::new(),
    };
    if !purity.stmt(stmt) {
        Effects::Always
    } else if purity.calls.is_empty() {
        Effects::None
    } else {
        Effects::UnlessCalls(purity.calls)
    }
}

struct Purity<'a> {
    cx: &'a Context<'a>,
    /// Bound functions called: the statement is pure only if they are.
    calls: Vec<Id>,
}

impl Purity<'_> {
    fn stmt(&mut self, stmt: &Stmt) -> bool {
        match stmt {
            Stmt::Empty(_) => true,
            Stmt::Decl(Decl::Fn(_)) => true,
            Stmt::Decl(Decl::Class(c)) => self.class(&c.class),
            Stmt::Decl(Decl::Var(v)) => v.decls.iter().all(|d| {
                matches!(d.name, Pat::Ident(_)) && d.init.as_ref().is_none_or(|e| self.expr(e))
            }),
            Stmt::Expr(e) => self.expr(&e.expr),
            _ => false,
        }
    }

    fn exprs<'e>(&mut self, mut exprs: impl Iterator<Item = &'e Expr>) -> bool {
        exprs.all(|e| self.expr(e))
    }

    fn args(&mut self, args: &[ExprOrSpread]) -> bool {
        args.iter()
            .all(|a| a.spread.is_none() && self.expr(&a.expr))
    }

    fn expr(&mut self, e: &Expr) -> bool {
        match e {
            Expr::Lit(_) | Expr::Fn(_) | Expr::Arrow(_) | Expr::MetaProp(_) | Expr::This(_) => true,
            Expr::Ident(i) => i.ctxt != self.cx.unresolved || is_known_global(&i.sym),
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Class(c) => self.class(&c.class),
            Expr::Array(a) => a
                .elems
                .iter()
                .flatten()
                .all(|e| e.spread.is_none() && self.expr(&e.expr)),
            Expr::Object(o) => o.props.iter().all(|p| match p {
                PropOrSpread::Spread(_) => false,
                PropOrSpread::Prop(p) => match &**p {
                    Prop::Shorthand(i) => i.ctxt != self.cx.unresolved || is_known_global(&i.sym),
                    Prop::KeyValue(kv) => self.key(&kv.key) && self.expr(&kv.value),
                    Prop::Method(m) => self.key(&m.key),
                    Prop::Getter(g) => self.key(&g.key),
                    Prop::Setter(s) => self.key(&s.key),
                    Prop::Assign(_) => false,
                },
            }),
            // Substitutions of objects would call their `toString`.
            Expr::Tpl(t) => t.exprs.iter().all(|e| matches!(&**e, Expr::Lit(_))),
            Expr::Unary(u) => match u.op {
                UnaryOp::TypeOf if matches!(&*u.arg, Expr::Ident(_)) => true,
                UnaryOp::TypeOf | UnaryOp::Void | UnaryOp::Bang => self.expr(&u.arg),
                UnaryOp::Minus | UnaryOp::Plus | UnaryOp::Tilde => {
                    matches!(&*u.arg, Expr::Lit(Lit::Num(_) | Lit::BigInt(_)))
                }
                UnaryOp::Delete => false,
            },
            Expr::Bin(b) => match b.op {
                BinaryOp::LogicalAnd
                | BinaryOp::LogicalOr
                | BinaryOp::NullishCoalescing
                | BinaryOp::EqEqEq
                | BinaryOp::NotEqEq => self.expr(&b.left) && self.expr(&b.right),
                BinaryOp::In | BinaryOp::InstanceOf => false,
                // Other operators convert objects to primitives, which can
                // run code; on literals they cannot.
                _ => matches!(&*b.left, Expr::Lit(_)) && matches!(&*b.right, Expr::Lit(_)),
            },
            Expr::Cond(c) => self.expr(&c.test) && self.expr(&c.cons) && self.expr(&c.alt),
            Expr::Seq(s) => self.exprs(s.exprs.iter().map(|e| &**e)),
            Expr::Member(m) => self.global_member(m, 2),
            Expr::Call(call) => {
                let Callee::Expr(callee) = &call.callee else {
                    return false;
                };
                if is_pure(self.cx.comments, call.span.lo) {
                    return self.args(&call.args);
                }
                match &**callee {
                    Expr::Ident(f) if f.ctxt != self.cx.unresolved => {
                        self.calls.push(f.to_id());
                        self.args(&call.args)
                    }
                    _ => false,
                }
            }
            Expr::New(new) => {
                is_pure(self.cx.comments, new.span.lo)
                    && new.args.as_deref().is_none_or(|args| self.args(args))
            }
            _ => false,
        }
    }

    /// `Math.max`, `Symbol.iterator`, `Object.prototype.hasOwnProperty`: a
    /// property of a well-known global, `depth` levels deep at most.
    fn global_member(&mut self, m: &MemberExpr, depth: u32) -> bool {
        if depth == 0 || !matches!(m.prop, MemberProp::Ident(_)) {
            return false;
        }
        match &*m.obj {
            Expr::Ident(i) => i.ctxt == self.cx.unresolved && is_known_global(&i.sym),
            Expr::Member(inner) => self.global_member(inner, depth - 1),
            _ => false,
        }
    }

    fn key(&mut self, key: &PropName) -> bool {
        match key {
            PropName::Computed(c) => self.expr(&c.expr),
            _ => true,
        }
    }

    fn class(&mut self, class: &Class) -> bool {
        if !class.decorators.is_empty() {
            return false;
        }
        if let Some(base) = &class.super_class {
            if !self.expr(base) {
                return false;
            }
        }
        class.body.iter().all(|member| match member {
            ClassMember::Constructor(_)
            | ClassMember::Empty(_)
            | ClassMember::TsIndexSignature(_) => true,
            ClassMember::Method(m) => m.function.decorators.is_empty() && self.key(&m.key),
            ClassMember::PrivateMethod(m) => m.function.decorators.is_empty(),
            ClassMember::ClassProp(p) => {
                p.decorators.is_empty()
                    && self.key(&p.key)
                    && (!p.is_static || p.value.as_deref().is_none_or(|v| self.expr(v)))
            }
            ClassMember::PrivateProp(p) => {
                p.decorators.is_empty()
                    && (!p.is_static || p.value.as_deref().is_none_or(|v| self.expr(v)))
            }
            ClassMember::AutoAccessor(a) => {
                a.decorators.is_empty()
                    && match &a.key {
                        Key::Public(k) => self.key(k),
                        Key::Private(_) => true,
                    }
                    && (!a.is_static || a.value.as_deref().is_none_or(|v| self.expr(v)))
            }
            ClassMember::StaticBlock(_) => false,
        })
    }
}

/// Globals every JavaScript environment has, whose reading cannot throw.
fn is_known_global(name: &Atom) -> bool {
    KNOWN_GLOBALS.binary_search(&&**name).is_ok()
}

/// Sorted, for the binary search.
const KNOWN_GLOBALS: &[&str] = &[
    "AggregateError",
    "Array",
    "ArrayBuffer",
    "BigInt",
    "BigInt64Array",
    "BigUint64Array",
    "Boolean",
    "DataView",
    "Date",
    "Error",
    "EvalError",
    "FinalizationRegistry",
    "Float32Array",
    "Float64Array",
    "Function",
    "Infinity",
    "Int16Array",
    "Int32Array",
    "Int8Array",
    "Intl",
    "JSON",
    "Map",
    "Math",
    "NaN",
    "Number",
    "Object",
    "Promise",
    "Proxy",
    "RangeError",
    "ReferenceError",
    "Reflect",
    "RegExp",
    "Set",
    "String",
    "Symbol",
    "SyntaxError",
    "TypeError",
    "URIError",
    "Uint16Array",
    "Uint32Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "WeakMap",
    "WeakRef",
    "WeakSet",
    "console",
    "decodeURI",
    "decodeURIComponent",
    "encodeURI",
    "encodeURIComponent",
    "globalThis",
    "isFinite",
    "isNaN",
    "parseFloat",
    "parseInt",
    "undefined",
];

#[cfg(test)]
mod tests {
    #[test]
    fn known_globals_are_sorted() {
        let mut sorted = super::KNOWN_GLOBALS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, super::KNOWN_GLOBALS);
    }
}
