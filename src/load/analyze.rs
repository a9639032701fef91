//! Analysis of one transformed module: its import records, import bindings,
//! export entries, top-level symbols and the names it must not be given
//! (globals it reads, names its nested scopes declare).
//!
//! The analysis also normalizes the AST for linking: import declarations and
//! `export` keywords are removed (the records and bindings say what they
//! said), `export default` gets a named binding, and top-level `this` becomes
//! `undefined`, as it is in an ES module.

use rustc_hash::{FxHashMap, FxHashSet};

use swc_atoms::{atom, Atom};
use swc_common::{Mark, Span, SyntaxContext, DUMMY_SP};
use swc_ecma_ast::*;
use swc_ecma_utils::find_pat_ids;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use swc_common::comments::SingleThreadedComments;

use crate::graph::{
    CommonJsExports, Exports, ImportBinding, ImportKind, ImportRecord, Imported, IndirectExport,
    ModuleKind, Part, Resolution,
};

use super::parse::expr_stmt;
use super::parts;

/// What the analysis learns; records are unresolved until the worker
/// resolves them.
pub struct Analysis {
    pub records: Vec<ImportRecord>,
    pub imports: Vec<ImportBinding>,
    pub exports: Exports,
    pub symbols: Vec<Id>,
    pub reserved: Vec<Atom>,
    pub top_level_await: Option<Span>,
    pub parts: Vec<Part>,
    pub pure_functions: Vec<Id>,
    pub use_counts: Vec<(Id, u32)>,
    pub named_bindings: Vec<Id>,
}

/// Analyzes and normalizes `ast`. `stem` names the synthesized binding of
/// `export default <expression>`; `defines` are the `--define`
/// substitutions that may apply. Must run inside `GLOBALS.set`.
pub fn analyze(
    ast: &mut Module,
    kind: ModuleKind,
    stem: &str,
    top_level_mark: Mark,
    unresolved_mark: Mark,
    defines: &[&Define],
    comments: &SingleThreadedComments,
) -> Analysis {
    let top_level = SyntaxContext::empty().apply_mark(top_level_mark);
    let unresolved = SyntaxContext::empty().apply_mark(unresolved_mark);
    if !defines.is_empty() {
        ast.visit_mut_with(&mut Substitute {
            defines,
            unresolved,
        });
    }
    if kind == ModuleKind::CommonJs {
        return analyze_commonjs(ast, unresolved);
    }
    let pure_functions = parts::pure_functions(&ast.body, comments);
    let mut a = Analyzer {
        records: Vec::new(),
        imports: Vec::new(),
        exports: Exports::default(),
        synthesized: Vec::new(),
        stem,
        unresolved,
    };
    let mut body = Vec::with_capacity(ast.body.len());
    let mut hoisted_fixups = Vec::new();
    for item in std::mem::take(&mut ast.body) {
        match item {
            ModuleItem::ModuleDecl(decl) => a.module_decl(decl, &mut body, &mut hoisted_fixups),
            ModuleItem::Stmt(stmt) => body.push(ModuleItem::Stmt(stmt)),
        }
    }
    // Function declarations are hoisted, so their name fix-ups go first.
    ast.body = hoisted_fixups
        .into_iter()
        .map(ModuleItem::Stmt)
        .chain(body)
        .collect();

    let mut top = TopLevel {
        esm: true,
        unresolved,
        this_depth: 0,
        await_depth: 0,
        top_level_await: None,
        records: &mut a.records,
        try_depth: 0,
    };
    ast.visit_mut_with(&mut top);
    let top_level_await = top.top_level_await;

    let import_locals: FxHashSet<Id> = a.imports.iter().map(|b| b.local.clone()).collect();
    let synthesized: FxHashSet<Id> = a.synthesized.iter().cloned().collect();
    let bound = binding_contexts(top_level, synthesized.iter().chain(&import_locals));
    let mut names = Names {
        top_level,
        synthesized: &synthesized,
        import_locals: &import_locals,
        bound: &bound,
        seen: FxHashSet::default(),
        symbols: Vec::new(),
        reserved: FxHashSet::default(),
        counts: FxHashMap::default(),
    };
    ast.visit_with(&mut names);
    let symbols = names.symbols;
    let mut use_counts: Vec<(Id, u32)> = names.counts.into_iter().collect();
    use_counts.sort_unstable();
    let mut reserved: Vec<Atom> = names.reserved.into_iter().collect();
    reserved.sort();
    let parts = parts::parts(
        &ast.body,
        &parts::Context {
            top_level,
            unresolved,
            synthesized: &synthesized,
            import_locals: &import_locals,
            bound: &bound,
            comments,
            records: &a.records,
        },
    );

    Analysis {
        records: a.records,
        imports: a.imports,
        exports: a.exports,
        symbols,
        reserved,
        top_level_await,
        named_bindings: parts::named_bindings(&ast.body),
        parts,
        pure_functions,
        use_counts,
    }
}

struct Analyzer<'a> {
    records: Vec<ImportRecord>,
    imports: Vec<ImportBinding>,
    exports: Exports,
    /// Bindings the analysis creates (for `export default`), which no
    /// identifier of the source can capture: each has a fresh mark.
    synthesized: Vec<Id>,
    stem: &'a str,
    unresolved: SyntaxContext,
}

impl Analyzer<'_> {
    fn record(&mut self, src: &Str, kind: ImportKind) -> usize {
        self.records.push(ImportRecord {
            specifier: str_atom(src),
            kind,
            span: src.span,
            // Until the worker resolves the specifier.
            resolution: Resolution::External,
            optional: false,
        });
        self.records.len() - 1
    }

    fn module_decl(
        &mut self,
        decl: ModuleDecl,
        body: &mut Vec<ModuleItem>,
        hoisted: &mut Vec<Stmt>,
    ) {
        match decl {
            ModuleDecl::Import(import) => {
                if import.type_only {
                    return;
                }
                let record = self.record(&import.src, ImportKind::Import);
                for spec in import.specifiers {
                    let (local, imported, span) = match spec {
                        ImportSpecifier::Named(n) if n.is_type_only => continue,
                        ImportSpecifier::Named(n) => {
                            let name = n
                                .imported
                                .as_ref()
                                .map_or_else(|| n.local.sym.clone(), |i| i.atom().into_owned());
                            (n.local, Imported::Name(name), n.span)
                        }
                        ImportSpecifier::Default(d) => {
                            (d.local, Imported::Name(atom!("default")), d.span)
                        }
                        ImportSpecifier::Namespace(n) => (n.local, Imported::Namespace, n.span),
                    };
                    self.imports.push(ImportBinding {
                        local: local.to_id(),
                        record,
                        imported,
                        span,
                    });
                }
            }
            ModuleDecl::ExportDecl(ExportDecl { decl, .. }) => {
                match &decl {
                    Decl::Fn(f) => self
                        .exports
                        .local
                        .push((f.ident.sym.clone(), f.ident.to_id())),
                    Decl::Class(c) => self
                        .exports
                        .local
                        .push((c.ident.sym.clone(), c.ident.to_id())),
                    Decl::Var(v) => {
                        for id in find_pat_ids::<_, Id>(&v.decls) {
                            self.exports.local.push((id.0.clone(), id));
                        }
                    }
                    // TypeScript declarations are gone after stripping.
                    _ => {}
                }
                body.push(ModuleItem::Stmt(Stmt::Decl(decl)));
            }
            ModuleDecl::ExportNamed(named) => {
                if named.type_only {
                    return;
                }
                match &named.src {
                    Some(src) => {
                        let record = self.record(src, ImportKind::ReExport);
                        for spec in named.specifiers {
                            let (exported, imported, span) = match spec {
                                ExportSpecifier::Named(n) if n.is_type_only => continue,
                                ExportSpecifier::Named(n) => {
                                    let orig = n.orig.atom().into_owned();
                                    let exported = n
                                        .exported
                                        .as_ref()
                                        .map_or_else(|| orig.clone(), |e| e.atom().into_owned());
                                    (exported, Imported::Name(orig), n.span)
                                }
                                ExportSpecifier::Namespace(n) => {
                                    (n.name.atom().into_owned(), Imported::Namespace, n.span)
                                }
                                ExportSpecifier::Default(d) => (
                                    d.exported.sym.clone(),
                                    Imported::Name(atom!("default")),
                                    d.exported.span,
                                ),
                            };
                            self.exports.indirect.push(IndirectExport {
                                exported,
                                record,
                                imported,
                                span,
                            });
                        }
                    }
                    None => {
                        for spec in named.specifiers {
                            if let ExportSpecifier::Named(n) = spec {
                                if n.is_type_only {
                                    continue;
                                }
                                let ModuleExportName::Ident(orig) = &n.orig else {
                                    continue;
                                };
                                let exported = n
                                    .exported
                                    .as_ref()
                                    .map_or_else(|| orig.sym.clone(), |e| e.atom().into_owned());
                                self.exports.local.push((exported, orig.to_id()));
                            }
                        }
                    }
                }
            }
            ModuleDecl::ExportAll(all) => {
                if all.type_only {
                    return;
                }
                let record = self.record(&all.src, ImportKind::ReExport);
                self.exports.star.push(record);
            }
            ModuleDecl::ExportDefaultDecl(default) => match default.decl {
                DefaultDecl::Fn(FnExpr { ident, function }) => {
                    let named = ident.is_some();
                    let ident = ident.unwrap_or_else(|| self.default_binding());
                    self.exports.local.push((atom!("default"), ident.to_id()));
                    if !named {
                        hoisted.push(self.name_default(&ident));
                    }
                    body.push(ModuleItem::Stmt(Stmt::Decl(Decl::Fn(FnDecl {
                        ident,
                        declare: false,
                        function,
                    }))));
                }
                DefaultDecl::Class(ClassExpr { ident, class }) => {
                    let named = ident.is_some();
                    let needs_name = !named && !has_static_name(&class);
                    let ident = ident.unwrap_or_else(|| self.default_binding());
                    self.exports.local.push((atom!("default"), ident.to_id()));
                    body.push(ModuleItem::Stmt(Stmt::Decl(Decl::Class(ClassDecl {
                        ident: ident.clone(),
                        declare: false,
                        class,
                    }))));
                    if needs_name {
                        body.push(ModuleItem::Stmt(self.name_default(&ident)));
                    }
                }
                DefaultDecl::TsInterfaceDecl(_) => {}
            },
            ModuleDecl::ExportDefaultExpr(ExportDefaultExpr { expr, .. }) => {
                let ident = self.default_binding();
                let anonymous = is_anonymous_function_definition(&expr);
                self.exports.local.push((atom!("default"), ident.to_id()));
                body.push(ModuleItem::Stmt(Stmt::Decl(Decl::Var(Box::new(VarDecl {
                    span: DUMMY_SP,
                    ctxt: SyntaxContext::empty(),
                    kind: VarDeclKind::Const,
                    declare: false,
                    decls: vec![VarDeclarator {
                        span: DUMMY_SP,
                        name: Pat::Ident(ident.clone().into()),
                        init: Some(expr),
                        definite: false,
                    }],
                })))));
                if anonymous {
                    body.push(ModuleItem::Stmt(self.name_default(&ident)));
                }
            }
            // `import x = require()` and `export =` are rewritten by the
            // TypeScript transform before analysis.
            ModuleDecl::TsImportEquals(_)
            | ModuleDecl::TsExportAssignment(_)
            | ModuleDecl::TsNamespaceExport(_) => {}
        }
    }

    /// The binding of an anonymous default export, named after the file.
    fn default_binding(&mut self) -> Ident {
        let ctxt = SyntaxContext::empty().apply_mark(Mark::new());
        let ident = Ident::new(format!("{}_default", self.stem).into(), DUMMY_SP, ctxt);
        self.synthesized.push(ident.to_id());
        ident
    }

    /// `Object.defineProperty(binding, "name", { value: "default" })`: an
    /// anonymous default export is named "default", whatever the binding
    /// it gets in the bundle is called.
    fn name_default(&self, binding: &Ident) -> Stmt {
        let object = Ident::new(atom!("Object"), DUMMY_SP, self.unresolved);
        let descriptor = ObjectLit {
            span: DUMMY_SP,
            props: vec![PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp {
                key: PropName::Ident(IdentName::new(atom!("value"), DUMMY_SP)),
                value: Box::new(Expr::Lit(Lit::Str(atom!("default").into()))),
            })))],
        };
        expr_stmt(Expr::Call(CallExpr {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            callee: Callee::Expr(Box::new(Expr::Member(MemberExpr {
                span: DUMMY_SP,
                obj: Box::new(Expr::Ident(object)),
                prop: MemberProp::Ident(IdentName::new(atom!("defineProperty"), DUMMY_SP)),
            }))),
            args: vec![
                Box::new(Expr::Ident(binding.clone())).into(),
                Box::new(Expr::Lit(Lit::Str(atom!("name").into()))).into(),
                Box::new(Expr::Object(descriptor)).into(),
            ],
            type_args: None,
        }))
    }
}

pub fn str_atom(s: &Str) -> Atom {
    s.value.to_atom_lossy().into_owned()
}

/// The syntax contexts of a module's top-level bindings and imports: its
/// top level's, and one of its own for each binding the analysis made. An
/// identifier with any other is a global or a name of a nested scope, and
/// is never renamed or bound to another module.
pub fn binding_contexts<'i>(
    top_level: SyntaxContext,
    bindings: impl IntoIterator<Item = &'i Id>,
) -> Vec<SyntaxContext> {
    let mut contexts = vec![top_level];
    for (_, ctxt) in bindings {
        if !contexts.contains(ctxt) {
            contexts.push(*ctxt);
        }
    }
    contexts
}

/// Whether a class defines its own static `name`, which a fix-up must not
/// overwrite.
fn has_static_name(class: &Class) -> bool {
    class.body.iter().any(|member| {
        let (is_static, key) = match member {
            ClassMember::Method(m) => (m.is_static, &m.key),
            ClassMember::ClassProp(p) => (p.is_static, &p.key),
            _ => return false,
        };
        is_static
            && match key {
                PropName::Ident(i) => &*i.sym == "name",
                PropName::Str(s) => s.value.as_atom().is_some_and(|a| &**a == "name"),
                _ => false,
            }
    })
}

/// `IsAnonymousFunctionDefinition`: such an expression takes its name from
/// the binding it initializes, which for `export default` is "default".
fn is_anonymous_function_definition(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(p) => is_anonymous_function_definition(&p.expr),
        Expr::Fn(f) => f.ident.is_none(),
        Expr::Class(c) => c.ident.is_none() && !has_static_name(&c.class),
        Expr::Arrow(_) => true,
        _ => false,
    }
}

/// Records `import('x')` and `require('x')` calls; in an ES module, also
/// finds top-level `await`, replaces top-level `this` with `undefined`, and
/// folds `typeof` of `require`, `module`, `exports`, `__filename` and
/// `__dirname` to "undefined", which they are in an ES module under Node
/// (the bundle may run where they are defined).
struct TopLevel<'a> {
    esm: bool,
    unresolved: SyntaxContext,
    /// Depth of scopes that bind their own `this`.
    this_depth: u32,
    /// Depth of function scopes (arrows included), where `await` is local.
    await_depth: u32,
    top_level_await: Option<Span>,
    records: &'a mut Vec<ImportRecord>,
    /// Depth of `try` blocks (not their `catch` or `finally`).
    try_depth: u32,
}

impl VisitMut for TopLevel<'_> {
    fn visit_mut_try_stmt(&mut self, t: &mut TryStmt) {
        self.try_depth += 1;
        t.block.visit_mut_with(self);
        self.try_depth -= 1;
        t.handler.visit_mut_with(self);
        t.finalizer.visit_mut_with(self);
    }

    fn visit_mut_function(&mut self, f: &mut Function) {
        self.this_depth += 1;
        self.await_depth += 1;
        f.visit_mut_children_with(self);
        self.this_depth -= 1;
        self.await_depth -= 1;
    }

    fn visit_mut_arrow_expr(&mut self, f: &mut ArrowExpr) {
        self.await_depth += 1;
        f.visit_mut_children_with(self);
        self.await_depth -= 1;
    }

    fn visit_mut_class(&mut self, c: &mut Class) {
        self.this_depth += 1;
        self.await_depth += 1;
        c.visit_mut_children_with(self);
        self.this_depth -= 1;
        self.await_depth -= 1;
    }

    fn visit_mut_getter_prop(&mut self, p: &mut GetterProp) {
        self.this_depth += 1;
        self.await_depth += 1;
        p.visit_mut_children_with(self);
        self.this_depth -= 1;
        self.await_depth -= 1;
    }

    fn visit_mut_setter_prop(&mut self, p: &mut SetterProp) {
        self.this_depth += 1;
        self.await_depth += 1;
        p.visit_mut_children_with(self);
        self.this_depth -= 1;
        self.await_depth -= 1;
    }

    fn visit_mut_expr(&mut self, e: &mut Expr) {
        match e {
            Expr::Unary(UnaryExpr {
                op: UnaryOp::TypeOf,
                arg,
                span,
            }) if self.esm
                && matches!(&**arg, Expr::Ident(i) if i.ctxt == self.unresolved
                    && matches!(&*i.sym, "require" | "module" | "exports" | "__filename" | "__dirname")) =>
            {
                *e = Expr::Lit(Lit::Str(Str {
                    span: *span,
                    value: atom!("undefined").into(),
                    raw: None,
                }));
            }
            Expr::This(this) if self.esm && self.this_depth == 0 => {
                *e = Expr::Unary(UnaryExpr {
                    span: this.span,
                    op: UnaryOp::Void,
                    arg: Box::new(Expr::Lit(Lit::Num(Number {
                        span: DUMMY_SP,
                        value: 0.0,
                        raw: None,
                    }))),
                });
            }
            Expr::Await(a)
                if self.esm && self.await_depth == 0 && self.top_level_await.is_none() =>
            {
                self.top_level_await = Some(a.span);
                e.visit_mut_children_with(self);
            }
            _ => e.visit_mut_children_with(self),
        }
    }

    fn visit_mut_for_of_stmt(&mut self, s: &mut ForOfStmt) {
        if s.is_await && self.await_depth == 0 && self.top_level_await.is_none() {
            self.top_level_await = Some(s.span);
        }
        s.visit_mut_children_with(self);
    }

    fn visit_mut_call_expr(&mut self, call: &mut CallExpr) {
        call.visit_mut_children_with(self);
        if let Some((kind, src)) = import_call(call, self.unresolved) {
            self.records.push(ImportRecord {
                specifier: str_atom(src),
                kind,
                span: src.span,
                resolution: Resolution::External,
                optional: kind == ImportKind::Require && self.try_depth > 0,
            });
        }
    }
}

/// `import('x')` or `require('x')` (Node's `require`, not a local binding)
/// with a string literal: the kind of record it makes and its specifier.
pub fn import_call(call: &CallExpr, unresolved: SyntaxContext) -> Option<(ImportKind, &Str)> {
    let kind = match &call.callee {
        Callee::Import(_) => ImportKind::Dynamic,
        Callee::Expr(callee) => match &**callee {
            Expr::Ident(i) if i.ctxt == unresolved && &*i.sym == "require" => ImportKind::Require,
            _ => return None,
        },
        Callee::Super(_) => return None,
    };
    if kind == ImportKind::Require && call.args.len() != 1 {
        return None;
    }
    match call.args.first() {
        Some(ExprOrSpread { spread: None, expr }) => match &**expr {
            Expr::Lit(Lit::Str(src)) => Some((kind, src)),
            _ => None,
        },
        _ => None,
    }
}

/// A CommonJS module keeps its body as it is: its records are its
/// `require('x')` and `import('x')` calls, its exports what its code shows
/// statically. Its top-level names are local to its function, so it has no
/// symbols of the chunk's; every name it mentions is reserved instead, so
/// that no chunk-level name the function refers to is shadowed.
fn analyze_commonjs(ast: &mut Module, unresolved: SyntaxContext) -> Analysis {
    let mut records = Vec::new();
    ast.visit_mut_with(&mut TopLevel {
        esm: false,
        unresolved,
        this_depth: 0,
        await_depth: 0,
        top_level_await: None,
        records: &mut records,
        try_depth: 0,
    });
    let mut detect = CommonJsDetector {
        unresolved,
        records: &records,
        exports: CommonJsExports::default(),
        seen: FxHashSet::default(),
        required: FxHashMap::default(),
    };
    ast.visit_with(&mut detect);
    let exports = detect.exports;
    let mut names = AllNames(FxHashSet::default());
    ast.visit_with(&mut names);
    let mut reserved: Vec<Atom> = names.0.into_iter().collect();
    reserved.sort();
    Analysis {
        records,
        imports: Vec::new(),
        exports: Exports {
            commonjs: exports,
            ..Exports::default()
        },
        symbols: Vec::new(),
        reserved,
        top_level_await: None,
        parts: Vec::new(),
        pure_functions: Vec::new(),
        use_counts: Vec::new(),
        named_bindings: Vec::new(),
    }
}

struct AllNames(FxHashSet<Atom>);

impl Visit for AllNames {
    fn visit_ident(&mut self, ident: &Ident) {
        if !self.0.contains(&ident.sym) {
            self.0.insert(ident.sym.clone());
        }
    }
}

/// Finds the exports of a CommonJS module the way Node's cjs-module-lexer
/// does: assignments to `exports.x` and `module.exports.x`,
/// `Object.defineProperty(exports, "x", …)`, the keys of an object literal
/// assigned to `module.exports`, and re-exports of a required module.
struct CommonJsDetector<'a> {
    unresolved: SyntaxContext,
    records: &'a [ImportRecord],
    exports: CommonJsExports,
    seen: FxHashSet<Atom>,
    /// `var x = require('y')`: the record each such binding holds.
    required: FxHashMap<Id, usize>,
}

impl CommonJsDetector<'_> {
    fn is_free(&self, e: &Expr, name: &str) -> bool {
        matches!(e, Expr::Ident(i) if i.ctxt == self.unresolved && &*i.sym == name)
    }

    /// `exports` or `module.exports`.
    fn is_exports(&self, e: &Expr) -> bool {
        match e {
            Expr::Member(m) => {
                self.is_free(&m.obj, "module") && prop_name(&m.prop).as_deref() == Some("exports")
            }
            _ => self.is_free(e, "exports"),
        }
    }

    fn name(&mut self, name: Atom) {
        if self.seen.insert(name.clone()) {
            self.exports.names.push(name);
        }
    }

    /// The record of `require('x')`, if `e` is one.
    fn required_record(&self, e: &Expr) -> Option<usize> {
        let Expr::Call(call) = e else { return None };
        let (ImportKind::Require, src) = import_call(call, self.unresolved)? else {
            return None;
        };
        self.records.iter().position(|r| r.span == src.span)
    }
}

/// The property `obj.name` or `obj["name"]` reads, when it is static.
pub fn prop_name(prop: &MemberProp) -> Option<Atom> {
    match prop {
        MemberProp::Ident(i) => Some(i.sym.clone()),
        MemberProp::Computed(ComputedPropName { expr, .. }) => match &**expr {
            Expr::Lit(Lit::Str(s)) => Some(str_atom(s)),
            _ => None,
        },
        MemberProp::PrivateName(_) => None,
    }
}

impl Visit for CommonJsDetector<'_> {
    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        d.visit_children_with(self);
        if let (Pat::Ident(name), Some(init)) = (&d.name, &d.init) {
            if let Some(record) = self.required_record(init) {
                self.required.insert(name.to_id(), record);
            }
        }
    }

    fn visit_assign_expr(&mut self, a: &AssignExpr) {
        a.visit_children_with(self);
        let AssignTarget::Simple(SimpleAssignTarget::Member(target)) = &a.left else {
            return;
        };
        if self.is_exports(&target.obj) {
            if let Some(name) = prop_name(&target.prop) {
                self.name(name);
            }
            return;
        }
        let whole = self.is_free(&target.obj, "module")
            && prop_name(&target.prop).as_deref() == Some("exports");
        if !whole {
            return;
        }
        match &*a.right {
            Expr::Object(object) => {
                for prop in &object.props {
                    let key = match prop {
                        PropOrSpread::Prop(p) => match &**p {
                            Prop::Shorthand(i) => Some(i.sym.clone()),
                            Prop::KeyValue(kv) => prop_key(&kv.key),
                            Prop::Method(m) => prop_key(&m.key),
                            Prop::Getter(g) => prop_key(&g.key),
                            _ => None,
                        },
                        PropOrSpread::Spread(_) => None,
                    };
                    if let Some(key) = key {
                        self.name(key);
                    }
                }
            }
            right => {
                if let Some(record) = self.required_record(right) {
                    self.exports.reexports.push(record);
                }
            }
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        call.visit_children_with(self);
        let Callee::Expr(callee) = &call.callee else {
            return;
        };
        let args: Vec<&Expr> = call.args.iter().map(|a| &*a.expr).collect();
        match &**callee {
            // Object.defineProperty(exports, "x", …)
            Expr::Member(m)
                if self.is_free(&m.obj, "Object")
                    && prop_name(&m.prop).as_deref() == Some("defineProperty") =>
            {
                if let [target, Expr::Lit(Lit::Str(name)), ..] = args.as_slice() {
                    if self.is_exports(target) {
                        self.name(str_atom(name));
                    }
                }
            }
            // Object.keys(x).forEach(function (k) { … exports[k] = x[k] … }),
            // where `var x = require("y")`: how Babel and Rollup re-export.
            Expr::Member(m) if prop_name(&m.prop).as_deref() == Some("forEach") => {
                let Expr::Call(keys) = &*m.obj else { return };
                let Callee::Expr(keys_callee) = &keys.callee else {
                    return;
                };
                let is_object_keys = matches!(&**keys_callee, Expr::Member(k)
                    if self.is_free(&k.obj, "Object") && prop_name(&k.prop).as_deref() == Some("keys"));
                if let (true, Some(arg)) = (is_object_keys, keys.args.first()) {
                    if let Expr::Ident(source) = &*arg.expr {
                        if let Some(&record) = self.required.get(&source.to_id()) {
                            self.exports.reexports.push(record);
                        }
                    }
                }
            }
            // __exportStar(require("x"), exports), __export(require("x")),
            // tslib.__exportStar(…)
            callee => {
                let helper = match callee {
                    Expr::Ident(i) => Some(i.sym.clone()),
                    Expr::Member(m) => prop_name(&m.prop),
                    _ => None,
                };
                if matches!(helper.as_deref(), Some("__exportStar" | "__export")) {
                    if let Some(record) = args.first().and_then(|a| self.required_record(a)) {
                        self.exports.reexports.push(record);
                    }
                }
            }
        }
    }
}

fn prop_key(key: &PropName) -> Option<Atom> {
    match key {
        PropName::Ident(i) => Some(i.sym.clone()),
        PropName::Str(s) => Some(str_atom(s)),
        _ => None,
    }
}

/// Replaces every `import.meta` with an empty object, for output that is
/// not an ES module, where it would not parse; returns where each was.
pub fn empty_import_meta(ast: &mut Module) -> Vec<Span> {
    struct Replace(Vec<Span>);
    impl VisitMut for Replace {
        fn visit_mut_expr(&mut self, e: &mut Expr) {
            if let Expr::MetaProp(MetaPropExpr {
                span,
                kind: MetaPropKind::ImportMeta,
            }) = e
            {
                self.0.push(*span);
                *e = Expr::Object(ObjectLit {
                    span: *span,
                    props: Vec::new(),
                });
            } else {
                e.visit_mut_children_with(self);
            }
        }
    }
    let mut replace = Replace(Vec::new());
    ast.visit_mut_with(&mut replace);
    replace.0
}

/// One `--define`: a global name or dotted path and its replacement.
pub struct Define {
    pub path: Vec<Atom>,
    pub value: Expr,
}

/// Replaces defined globals, then folds `if` and `?:` whose test became a
/// comparison of two literals, so that `process.env.NODE_ENV === "production"`
/// keeps only the branch that runs (and only that branch's requires).
struct Substitute<'a> {
    defines: &'a [&'a Define],
    unresolved: SyntaxContext,
}

impl Substitute<'_> {
    /// Whether `e` reads the dotted `path` rooted in a global.
    fn reads(&self, e: &Expr, path: &[Atom]) -> bool {
        match (e, path) {
            (Expr::Ident(i), [root]) => i.sym == *root && i.ctxt == self.unresolved,
            (
                Expr::Member(MemberExpr {
                    obj,
                    prop: MemberProp::Ident(name),
                    ..
                }),
                [base @ .., last],
            ) => name.sym == *last && self.reads(obj, base),
            _ => false,
        }
    }
}

impl VisitMut for Substitute<'_> {
    fn visit_mut_expr(&mut self, e: &mut Expr) {
        if matches!(e, Expr::Ident(_) | Expr::Member(_)) {
            if let Some(define) = self.defines.iter().find(|d| self.reads(e, &d.path)) {
                *e = define.value.clone();
                return;
            }
        }
        e.visit_mut_children_with(self);
        if let Expr::Cond(cond) = e {
            if let Some(test) = literal_truth(&cond.test) {
                let chosen = if test { &mut cond.cons } else { &mut cond.alt };
                *e = std::mem::replace(&mut **chosen, Expr::Invalid(Invalid { span: DUMMY_SP }));
            }
        }
    }

    fn visit_mut_stmt(&mut self, s: &mut Stmt) {
        s.visit_mut_children_with(self);
        if let Stmt::If(stmt) = s {
            if let Some(test) = literal_truth(&stmt.test) {
                let empty = Stmt::Empty(EmptyStmt { span: DUMMY_SP });
                *s = if test {
                    std::mem::replace(&mut *stmt.cons, empty)
                } else {
                    stmt.alt
                        .take()
                        .map_or(Stmt::Empty(EmptyStmt { span: DUMMY_SP }), |alt| *alt)
                };
            }
        }
    }
}

/// The truth of `a === b`, `a !== b`, `a == b`, `a != b` on two string,
/// boolean or number literals.
fn literal_truth(e: &Expr) -> Option<bool> {
    let Expr::Bin(BinExpr {
        op, left, right, ..
    }) = e
    else {
        return None;
    };
    let equal = match (&**left, &**right) {
        (Expr::Lit(Lit::Str(a)), Expr::Lit(Lit::Str(b))) => a.value == b.value,
        (Expr::Lit(Lit::Bool(a)), Expr::Lit(Lit::Bool(b))) => a.value == b.value,
        (Expr::Lit(Lit::Num(a)), Expr::Lit(Lit::Num(b))) => a.value == b.value,
        _ => return None,
    };
    match op {
        BinaryOp::EqEqEq | BinaryOp::EqEq => Some(equal),
        BinaryOp::NotEqEq | BinaryOp::NotEq => Some(!equal),
        _ => None,
    }
}

/// Sorts every identifier into a top-level symbol of this module or a
/// reserved name (a global, or a name of a nested scope).
struct Names<'a> {
    top_level: SyntaxContext,
    synthesized: &'a FxHashSet<Id>,
    import_locals: &'a FxHashSet<Id>,
    /// The syntax contexts of the three kinds of binding above.
    bound: &'a [SyntaxContext],
    seen: FxHashSet<Id>,
    symbols: Vec<Id>,
    reserved: FxHashSet<Atom>,
    /// How often each top-level symbol and import binding is written.
    counts: FxHashMap<Id, u32>,
}

impl Visit for Names<'_> {
    fn visit_ident(&mut self, ident: &Ident) {
        if !self.bound.contains(&ident.ctxt) {
            // A global or a name of a nested scope.
            if !self.reserved.contains(&ident.sym) {
                self.reserved.insert(ident.sym.clone());
            }
            return;
        }
        let id = ident.to_id();
        if ident.ctxt == self.top_level
            || self.synthesized.contains(&id)
            || self.import_locals.contains(&id)
        {
            *self.counts.entry(id.clone()).or_default() += 1;
        }
        if ident.ctxt == self.top_level || self.synthesized.contains(&id) {
            if !self.import_locals.contains(&id) && self.seen.insert(id.clone()) {
                self.symbols.push(id);
            }
        } else if !self.import_locals.contains(&id) && !self.seen.contains(&id) {
            self.reserved.insert(ident.sym.clone());
        }
    }
}
