//! Early errors the parser lets through: what Node refuses to load, weft
//! refuses to bundle, with the place.
//!
//! swc's parser checks the grammar and most of the specification's early
//! errors, but not those that need scopes or a second look at a literal:
//! * a name declared twice in one scope with `let`, `const`, `class`,
//!   `import` or (in an ES module's top level and in blocks) `function`, or
//!   both lexically and with `var` or as a parameter or catch parameter;
//! * a parameter name twice, where that is an error (strict code, arrows,
//!   methods, parameter lists with defaults, patterns or a rest);
//! * a name exported twice;
//! * a private name (`#x`) that no enclosing class declares, or that a
//!   class declares twice (a getter and a setter pair aside);
//! * `__proto__` twice in one object literal;
//! * a regular expression whose pattern or flags are invalid.
//!
//! And for a sloppy-mode CommonJS module bound for `--format esm` output,
//! whose code must then run as strict module code: what strict mode or the
//! module goal forbid (`with`, legacy octal literals and escapes, `delete`
//! of a plain name, `eval` or `arguments` as names, the words strict mode
//! reserves, `await` as a name, duplicate parameters, a function
//! declaration as the body of an `if`). The other formats keep such a
//! module sloppy, so the error says to use one of them.
//!
//! TypeScript's own checker covers its files' scopes (and its declaration
//! merging is not JavaScript's scoping), so of a TypeScript module only the
//! literals and names are checked. Decorators are refused in both, as weft
//! does not compile them yet, and printed as they are they would not run.

use rustc_hash::{FxHashMap, FxHashSet};
use swc_atoms::Atom;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_utils::find_pat_ids;
use swc_ecma_visit::{Visit, VisitWith};

/// One early error: where, what, and for the strict-output ones a hint.
pub struct EarlyError {
    pub span: Span,
    pub message: String,
    pub hint: Option<&'static str>,
}

/// The early errors of a JavaScript module. `module` is whether it is an ES
/// module (strict, its top-level functions lexical); `strict_output` is
/// whether its code will be printed into strict module code (a CommonJS
/// module in `--format esm` output).
pub fn check(ast: &Module, module: bool, strict_output: bool) -> Vec<EarlyError> {
    run(ast, module, strict_output, true)
}

/// The early errors of a TypeScript module that its own checker does not
/// find either: those of literals and names, and decorators; not those of
/// scopes, which declaration merging makes TypeScript's own.
pub fn check_typescript(ast: &Module, module: bool, strict_output: bool) -> Vec<EarlyError> {
    run(ast, module, strict_output, true)
}

fn run(ast: &Module, module: bool, strict_output: bool, scoped: bool) -> Vec<EarlyError> {
    let strict = module || has_use_strict(ast.body.iter().filter_map(ModuleItem::as_stmt));
    let mut checker = Checker {
        scoped,
        errors: Vec::new(),
        scopes: vec![root_scope(module)],
        strict: vec![strict],
        strict_output: strict_output && !module,
        module,
        classes: Vec::new(),
        derived: Vec::new(),
        exported: FxHashMap::default(),
        local_exports: Vec::new(),
    };
    ast.visit_with(&mut checker);
    checker.check_local_exports();
    checker.errors
}

/// Where an import's `with` (or `assert`) is followed by something other
/// than `{`: swc's parser asserts there instead of reporting an error, so
/// the source is looked at first. Only a `with` after the string of an
/// `import … from` or `export … from` (or `import '…'`) counts.
pub fn attributes_without_brace(text: &str) -> Option<usize> {
    for keyword in ["with", "assert"] {
        for (at, _) in text.match_indices(keyword) {
            let before = text[..at].trim_end();
            let after = text[at + keyword.len()..].trim_start();
            let Some(quote) = before.chars().last().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let Some(open) = before[..before.len() - 1].rfind(quote) else {
                continue;
            };
            let head = before[..open].trim_end();
            let after_specifier = head.ends_with("from") || head.ends_with("import");
            if after_specifier && !after.starts_with('{') {
                return Some(at);
            }
        }
    }
    None
}

/// The HTML-like opening comments (`<!--`) of a CommonJS module bound for
/// `--format esm` output, which the printer writes as they are and module
/// code does not parse. (A `-->` comment is printed as a `//` one.)
pub fn html_comments(
    comments: &swc_common::comments::SingleThreadedComments,
    file: &swc_common::SourceFile,
) -> Vec<EarlyError> {
    let (leading, trailing) = comments.borrow_all();
    let mut spans: Vec<Span> = leading
        .values()
        .chain(trailing.values())
        .flatten()
        .map(|comment| comment.span)
        .filter(|span| {
            // The lexer starts the comment's span within its opening.
            let at = span.lo.0.saturating_sub(file.start_pos.0) as usize;
            let around = file
                .src
                .get(at.saturating_sub(4)..(at + 4).min(file.src.len()));
            around.is_some_and(|text| text.contains("<!--"))
        })
        .collect();
    spans.sort_by_key(|span| span.lo);
    spans.dedup();
    spans
        .into_iter()
        .map(|span| EarlyError {
            span,
            message: "an HTML-like comment cannot be bundled into --format esm output: ES modules have no such comments".into(),
            hint: Some(STRICT_OUTPUT_HINT),
        })
        .collect()
}

fn decorator_error(decorator: &Decorator) -> EarlyError {
    EarlyError {
        span: decorator.span,
        message: "decorators are not supported yet".into(),
        hint: Some(
            "compile them first (TypeScript's experimentalDecorators, or Babel), or leave them out",
        ),
    }
}

const STRICT_OUTPUT_HINT: &str =
    "use --format cjs or --format iife, which keep CommonJS modules in sloppy mode";

/// Names strict mode reserves.
const STRICT_RESERVED: &[&str] = &[
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
    "yield",
];

/// What declared a lexical name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lexical {
    /// A plain function declaration in a block: sloppy code may repeat it.
    Function,
    /// A simple catch parameter: a `var` of its name is allowed.
    CatchParam,
    Other,
}

#[derive(Default)]
struct Scope {
    lexical: FxHashMap<Atom, Lexical>,
    /// Names declared with `var` in this scope or a block inside it, and
    /// parameters: a lexical declaration of one of them is an error.
    vars: FxHashSet<Atom>,
    /// A `var` goes no further out than a function's scope.
    function: bool,
    /// Of a function's scope: whether `await` may stand in it (an async
    /// function, an ES module's top level).
    awaits: bool,
    /// Of a function's scope: whether `super(…)` may stand in it (a
    /// derived class's constructor, and arrows inside one).
    super_calls: bool,
    /// Of a function's scope: whether `super.x` may stand in it (a method,
    /// a constructor, a field's initializer, a static block, and arrows
    /// inside them).
    super_props: bool,
}

impl Scope {
    fn function() -> Scope {
        Scope {
            function: true,
            ..Scope::default()
        }
    }

    fn async_function(awaits: bool) -> Scope {
        Scope {
            awaits,
            ..Scope::function()
        }
    }
}

/// The private names one class body declares.
type ClassNames = FxHashSet<Atom>;

struct Checker {
    /// Whether names are checked against their scopes (and exports and
    /// private names against each other).
    scoped: bool,
    errors: Vec<EarlyError>,
    scopes: Vec<Scope>,
    /// Whether the code at each level of functions and classes is strict.
    strict: Vec<bool>,
    strict_output: bool,
    module: bool,
    classes: Vec<ClassNames>,
    /// Whether each enclosing class extends another.
    derived: Vec<bool>,
    /// Each exported name, once.
    exported: FxHashMap<Atom, Span>,
    /// The local names `export { … }` exports, which the module must
    /// declare.
    local_exports: Vec<Ident>,
}

impl Checker {
    fn error(&mut self, span: Span, message: String) {
        self.errors.push(EarlyError {
            span,
            message,
            hint: None,
        });
    }

    fn is_strict(&self) -> bool {
        *self
            .strict
            .last()
            .expect("the module's level is never popped")
    }

    /// A construct strict mode forbids: an error in strict code (where the
    /// parser let it through), and in sloppy code bound for strict output.
    fn sloppy_only(&mut self, span: Span, what: &str) {
        if self.is_strict() {
            self.error(span, format!("{what} is not allowed in strict mode"));
        } else if self.strict_output {
            self.errors.push(EarlyError {
                span,
                message: format!(
                    "{what} cannot be bundled into --format esm output: this CommonJS module runs in sloppy mode, and an ES module is strict"
                ),
                hint: Some(STRICT_OUTPUT_HINT),
            });
        }
    }

    fn scope(&mut self) -> &mut Scope {
        self.scopes
            .last_mut()
            .expect("the module's scope is never popped")
    }

    fn in_scope(&mut self, scope: Scope, visit: impl FnOnce(&mut Self)) {
        self.scopes.push(scope);
        visit(self);
        self.scopes.pop();
    }

    fn declare_lexical(&mut self, name: &Ident, kind: Lexical) {
        self.check_binding_name(name);
        if !self.scoped {
            return;
        }
        let sloppy = !self.is_strict();
        let scope = self.scopes.last_mut().expect("a scope");
        let earlier = scope.lexical.get(&name.sym).copied();
        let clash = match earlier {
            Some(Lexical::Function) => !(sloppy && kind == Lexical::Function && !scope.function),
            Some(_) => true,
            None => scope.vars.contains(&name.sym),
        };
        if clash {
            self.error(
                name.span,
                format!("Identifier '{}' has already been declared", name.sym),
            );
        } else {
            scope.lexical.insert(name.sym.clone(), kind);
        }
    }

    fn declare_var(&mut self, name: &Ident) {
        self.check_binding_name(name);
        if !self.scoped {
            return;
        }
        let mut clash = false;
        for scope in self.scopes.iter_mut().rev() {
            match scope.lexical.get(&name.sym) {
                Some(Lexical::CatchParam) | None => {}
                Some(_) => clash = true,
            }
            scope.vars.insert(name.sym.clone());
            if scope.function {
                break;
            }
        }
        if clash {
            self.error(
                name.span,
                format!("Identifier '{}' has already been declared", name.sym),
            );
        }
    }

    fn declare_pattern(&mut self, pat: &Pat, kind: VarDeclKind) {
        for name in find_pat_ids::<_, Ident>(pat) {
            match kind {
                VarDeclKind::Var => self.declare_var(&name),
                VarDeclKind::Let | VarDeclKind::Const => {
                    self.declare_lexical(&name, Lexical::Other)
                }
            }
        }
    }

    /// What strict mode and the module goal forbid of a declared name.
    fn check_binding_name(&mut self, name: &Ident) {
        if matches!(&*name.sym, "eval" | "arguments") {
            self.sloppy_only(name.span, &format!("declaring '{}'", name.sym));
        }
    }

    /// Parameters: their names, where repeating one is an error, and the
    /// names each pattern declares, into the function's scope.
    fn declare_params<'a>(&mut self, params: impl Iterator<Item = &'a Pat>, always_unique: bool) {
        let params: Vec<&Pat> = params.collect();
        let simple = params.iter().all(|p| matches!(p, Pat::Ident(_)));
        let unique = always_unique || !simple || self.is_strict();
        let mut seen = FxHashSet::default();
        for pat in params {
            for name in find_pat_ids::<_, Ident>(pat) {
                self.check_binding_name(&name);
                if !seen.insert(name.sym.clone()) && self.scoped {
                    if unique {
                        self.error(
                            name.span,
                            "Duplicate parameter name not allowed in this context".into(),
                        );
                    } else {
                        self.sloppy_only(name.span, "a repeated parameter name");
                    }
                }
                self.scope().vars.insert(name.sym.clone());
            }
        }
    }

    /// Declares the function-scoped and block-scoped names of `stmts`.
    fn visit_body(&mut self, stmts: &[Stmt]) {
        let strict = self.is_strict() || has_use_strict(stmts.iter());
        self.strict.push(strict);
        stmts.visit_with(self);
        self.strict.pop();
    }

    fn export_name(&mut self, name: &Atom, span: Span) {
        if self.scoped && self.exported.insert(name.clone(), span).is_some() {
            self.error(span, format!("Duplicate export of '{name}'"));
        }
    }

    /// The scope of the innermost function (or the module's).
    fn function_scope(&self) -> &Scope {
        self.scopes
            .iter()
            .rev()
            .find(|scope| scope.function)
            .expect("the module's scope is a function's")
    }

    /// An `await` where no async function or module's top level holds it.
    fn check_await(&mut self, span: Span) {
        if !self.function_scope().awaits {
            self.error(
                span,
                "await is only valid in async functions and at the top level of an ES module (a namespace's body is a function)".into(),
            );
        }
    }

    /// `export { x }` of a name the module does not declare.
    fn check_local_exports(&mut self) {
        if !self.scoped {
            return;
        }
        let top = &self.scopes[0];
        let undeclared: Vec<Ident> = self
            .local_exports
            .iter()
            .filter(|name| !top.lexical.contains_key(&name.sym) && !top.vars.contains(&name.sym))
            .cloned()
            .collect();
        for name in undeclared {
            self.error(
                name.span,
                format!("Export '{}' is not defined in module", name.sym),
            );
        }
    }

    fn check_private_name(&mut self, name: &PrivateName) {
        if self.scoped && !self.classes.iter().any(|class| class.contains(&name.name)) {
            self.error(
                name.span,
                format!(
                    "Private field '#{}' must be declared in an enclosing class",
                    name.name
                ),
            );
        }
    }
}

fn has_use_strict<'a>(stmts: impl Iterator<Item = &'a Stmt>) -> bool {
    for stmt in stmts {
        let Stmt::Expr(ExprStmt { expr, .. }) = stmt else {
            return false;
        };
        let Expr::Lit(Lit::Str(s)) = &**expr else {
            return false;
        };
        if s.raw
            .as_deref()
            .is_some_and(|raw| &raw[1..raw.len() - 1] == "use strict")
        {
            return true;
        }
    }
    false
}

fn export_name_of(name: &ModuleExportName) -> Atom {
    match name {
        ModuleExportName::Ident(ident) => ident.sym.clone(),
        ModuleExportName::Str(s) => s.value.to_atom_lossy().into_owned(),
    }
}

/// The module's own scope. A CommonJS module's body is a function's whose
/// parameters are Node's wrapper's: a lexical declaration of one is an
/// error, as in Node.
fn root_scope(module: bool) -> Scope {
    let mut scope = Scope::async_function(module);
    if !module {
        for name in ["exports", "require", "module", "__filename", "__dirname"] {
            scope.vars.insert(name.into());
        }
    }
    scope
}

/// The private names a class body declares; repeating one (but for a
/// getter and a setter of the same staticness) is an error.
fn class_names(class: &Class, errors: &mut Vec<EarlyError>) -> ClassNames {
    // For each name: (is static, getter, setter).
    let mut found: FxHashMap<Atom, (bool, bool, bool)> = FxHashMap::default();
    for member in &class.body {
        let (key, is_static, kind) = match member {
            ClassMember::PrivateMethod(m) => (&m.key, m.is_static, Some(m.kind)),
            ClassMember::PrivateProp(p) => (&p.key, p.is_static, None),
            ClassMember::AutoAccessor(AutoAccessor {
                key: Key::Private(key),
                is_static,
                ..
            }) => (key, *is_static, None),
            _ => continue,
        };
        let getter = kind == Some(MethodKind::Getter);
        let setter = kind == Some(MethodKind::Setter);
        match found.get_mut(&key.name) {
            None => {
                found.insert(key.name.clone(), (is_static, getter, setter));
            }
            Some(earlier) => {
                let pairs = earlier.0 == is_static
                    && ((getter && !earlier.1 && earlier.2) || (setter && earlier.1 && !earlier.2));
                if pairs {
                    earlier.1 |= getter;
                    earlier.2 |= setter;
                } else {
                    errors.push(EarlyError {
                        span: key.span,
                        message: format!("Identifier '#{}' has already been declared", key.name),
                        hint: None,
                    });
                }
            }
        }
    }
    found.into_keys().collect()
}

impl Visit for Checker {
    fn visit_module_item(&mut self, item: &ModuleItem) {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(import)) => {
                for specifier in &import.specifiers {
                    self.declare_lexical(specifier.local(), Lexical::Other);
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(export)) => {
                let names: Vec<Ident> = match &export.decl {
                    Decl::Class(c) => vec![c.ident.clone()],
                    Decl::Fn(f) => vec![f.ident.clone()],
                    Decl::Var(v) => v.decls.iter().flat_map(|d| find_pat_ids(&d.name)).collect(),
                    Decl::Using(u) => u.decls.iter().flat_map(|d| find_pat_ids(&d.name)).collect(),
                    _ => Vec::new(),
                };
                for name in names {
                    self.export_name(&name.sym, name.span);
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(named)) => {
                if named.src.is_none() {
                    for specifier in &named.specifiers {
                        if let ExportSpecifier::Named(ExportNamedSpecifier {
                            orig: ModuleExportName::Ident(name),
                            ..
                        }) = specifier
                        {
                            self.local_exports.push(name.clone());
                        }
                    }
                }
                for specifier in &named.specifiers {
                    let (name, span) = match specifier {
                        ExportSpecifier::Named(s) => {
                            let exported = s.exported.as_ref().unwrap_or(&s.orig);
                            (export_name_of(exported), exported.span())
                        }
                        ExportSpecifier::Namespace(s) => (export_name_of(&s.name), s.name.span()),
                        ExportSpecifier::Default(s) => (s.exported.sym.clone(), s.exported.span),
                    };
                    self.export_name(&name, span);
                }
            }
            ModuleItem::ModuleDecl(
                ModuleDecl::ExportDefaultDecl(ExportDefaultDecl { span, .. })
                | ModuleDecl::ExportDefaultExpr(ExportDefaultExpr { span, .. }),
            ) => self.export_name(&"default".into(), *span),
            _ => {}
        }
        item.visit_children_with(self);
    }

    fn visit_var_decl(&mut self, decl: &VarDecl) {
        for d in &decl.decls {
            self.declare_pattern(&d.name, decl.kind);
        }
        decl.visit_children_with(self);
    }

    fn visit_using_decl(&mut self, decl: &UsingDecl) {
        for d in &decl.decls {
            self.declare_pattern(&d.name, VarDeclKind::Const);
        }
        decl.visit_children_with(self);
    }

    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        let scope = self.scopes.last().expect("a scope");
        // In a function's body (and a CommonJS module's, which is one) a
        // function declaration is a `var`; in blocks and at an ES module's
        // top level it is lexical.
        let top_level_of_module = self.module && self.scopes.len() == 1;
        if scope.function && !top_level_of_module {
            self.declare_var(&decl.ident);
        } else {
            let plain = !decl.function.is_async && !decl.function.is_generator;
            let kind = if plain {
                Lexical::Function
            } else {
                Lexical::Other
            };
            self.declare_lexical(&decl.ident, kind);
        }
        decl.visit_children_with(self);
    }

    fn visit_class_decl(&mut self, decl: &ClassDecl) {
        self.declare_lexical(&decl.ident, Lexical::Other);
        decl.visit_children_with(self);
    }

    fn visit_function(&mut self, function: &Function) {
        self.in_scope(Scope::async_function(function.is_async), |this| {
            let strict = this.is_strict()
                || function
                    .body
                    .as_ref()
                    .is_some_and(|b| has_use_strict(b.stmts.iter()));
            this.strict.push(strict);
            this.declare_params(function.params.iter().map(|p| &p.pat), false);
            function.decorators.visit_with(this);
            function.params.visit_with(this);
            if let Some(body) = &function.body {
                this.visit_body(&body.stmts);
            }
            this.strict.pop();
        });
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        let outer = self.function_scope();
        let scope = Scope {
            super_calls: outer.super_calls,
            super_props: outer.super_props,
            ..Scope::async_function(arrow.is_async)
        };
        self.in_scope(scope, |this| {
            this.declare_params(arrow.params.iter(), true);
            arrow.params.visit_with(this);
            match &*arrow.body {
                ArrowFunctionBody::FunctionBody(body) => this.visit_body(&body.stmts),
                ArrowFunctionBody::Expr(expr) => expr.visit_with(this),
            }
        });
    }

    fn visit_constructor(&mut self, constructor: &Constructor) {
        let scope = Scope {
            super_calls: self.derived.last().copied().unwrap_or(false),
            super_props: true,
            ..Scope::function()
        };
        self.in_scope(scope, |this| {
            let params = constructor.params.iter().filter_map(|p| match p {
                ParamOrTsParamProp::Param(p) => Some(&p.pat),
                ParamOrTsParamProp::TsParamProp(_) => None,
            });
            this.declare_params(params, true);
            constructor.params.visit_with(this);
            if let Some(body) = &constructor.body {
                this.visit_body(&body.stmts);
            }
        });
    }

    fn visit_class_method(&mut self, method: &ClassMethod) {
        method.key.visit_with(self);
        self.visit_method_function(&method.function);
    }

    fn visit_private_method(&mut self, method: &PrivateMethod) {
        method.key.visit_with(self);
        self.visit_method_function(&method.function);
    }

    fn visit_method_prop(&mut self, method: &MethodProp) {
        method.key.visit_with(self);
        self.visit_method_function(&method.function);
    }

    fn visit_static_block(&mut self, block: &StaticBlock) {
        let scope = Scope {
            super_props: true,
            ..Scope::function()
        };
        self.in_scope(scope, |this| this.visit_body(&block.body.stmts));
    }

    fn visit_class_prop(&mut self, prop: &ClassProp) {
        prop.key.visit_with(self);
        self.visit_initializer(prop.value.as_deref());
    }

    fn visit_private_prop(&mut self, prop: &PrivateProp) {
        prop.key.visit_with(self);
        self.visit_initializer(prop.value.as_deref());
    }

    fn visit_super_prop_expr(&mut self, expr: &SuperPropExpr) {
        if !self.function_scope().super_props {
            self.error(
                expr.obj.span,
                "'super' keyword unexpected here: super.x is only valid in methods, constructors and class fields".into(),
            );
        }
        expr.visit_children_with(self);
    }

    fn visit_class(&mut self, class: &Class) {
        class.decorators.visit_with(self);
        class.super_class.visit_with(self);
        let mut errors = Vec::new();
        let names = class_names(class, &mut errors);
        if self.scoped {
            self.errors.append(&mut errors);
        }
        self.classes.push(names);
        self.derived.push(class.super_class.is_some());
        self.strict.push(true);
        class.body.visit_with(self);
        self.strict.pop();
        self.derived.pop();
        self.classes.pop();
    }

    fn visit_decorator(&mut self, decorator: &Decorator) {
        self.errors.push(decorator_error(decorator));
    }

    fn visit_private_name(&mut self, name: &PrivateName) {
        self.check_private_name(name);
    }

    fn visit_block_stmt(&mut self, block: &BlockStmt) {
        self.in_scope(Scope::default(), |this| block.stmts.visit_with(this));
    }

    fn visit_switch_stmt(&mut self, switch: &SwitchStmt) {
        switch.discriminant.visit_with(self);
        self.in_scope(Scope::default(), |this| switch.cases.visit_with(this));
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause) {
        self.in_scope(Scope::default(), |this| {
            if let Some(param) = &clause.param {
                let kind = match param {
                    Pat::Ident(_) => Lexical::CatchParam,
                    _ => Lexical::Other,
                };
                for name in find_pat_ids::<_, Ident>(param) {
                    this.declare_lexical(&name, kind);
                }
                param.visit_with(this);
            }
            clause.body.stmts.visit_with(this);
        });
    }

    fn visit_for_stmt(&mut self, stmt: &ForStmt) {
        self.in_scope(Scope::default(), |this| stmt.visit_children_with(this));
    }

    fn visit_for_in_stmt(&mut self, stmt: &ForInStmt) {
        self.in_scope(Scope::default(), |this| stmt.visit_children_with(this));
    }

    fn visit_for_of_stmt(&mut self, stmt: &ForOfStmt) {
        if stmt.is_await {
            self.check_await(stmt.span);
        }
        self.in_scope(Scope::default(), |this| stmt.visit_children_with(this));
    }

    fn visit_object_lit(&mut self, object: &ObjectLit) {
        let mut proto: Option<Span> = None;
        for prop in &object.props {
            let PropOrSpread::Prop(prop) = prop else {
                continue;
            };
            let Prop::KeyValue(KeyValueProp { key, .. }) = &**prop else {
                continue;
            };
            let is_proto = match key {
                PropName::Ident(name) => name.sym == "__proto__",
                PropName::Str(s) => s.value == *"__proto__",
                _ => false,
            };
            if is_proto {
                if proto.is_some() {
                    self.error(
                        key.span(),
                        "Duplicate __proto__ fields are not allowed in object literals".into(),
                    );
                }
                proto = Some(key.span());
            }
        }
        object.visit_children_with(self);
    }

    fn visit_regex(&mut self, regex: &Regex) {
        if let Some(why) = invalid_regex(&regex.exp, &regex.flags) {
            self.error(
                regex.span,
                format!(
                    "Invalid regular expression: /{}/{}: {why}",
                    regex.exp, regex.flags
                ),
            );
        }
    }

    // What only sloppy mode allows, for modules bound for strict output.

    fn visit_with_stmt(&mut self, stmt: &WithStmt) {
        self.sloppy_only(stmt.span, "a with statement");
        stmt.visit_children_with(self);
    }

    fn visit_number(&mut self, number: &Number) {
        let raw = number.raw.as_deref().unwrap_or("").as_bytes();
        if raw.len() > 1 && raw[0] == b'0' && raw[1].is_ascii_digit() {
            self.sloppy_only(number.span, "a legacy octal literal");
        }
    }

    fn visit_str(&mut self, s: &Str) {
        if s.raw.as_deref().is_some_and(has_octal_escape) {
            self.sloppy_only(s.span, "an octal escape sequence");
        }
    }

    fn visit_unary_expr(&mut self, expr: &UnaryExpr) {
        if expr.op == UnaryOp::Delete {
            let mut arg = &*expr.arg;
            while let Expr::Paren(inner) = arg {
                arg = &inner.expr;
            }
            if let Expr::Ident(name) = arg {
                self.sloppy_only(name.span, "deleting a plain name");
            }
        }
        expr.visit_children_with(self);
    }

    fn visit_simple_assign_target(&mut self, target: &SimpleAssignTarget) {
        if let SimpleAssignTarget::Ident(name) = target {
            if matches!(&*name.sym, "eval" | "arguments") {
                self.sloppy_only(name.span, &format!("assigning to '{}'", name.sym));
            }
        }
        target.visit_children_with(self);
    }

    fn visit_update_expr(&mut self, expr: &UpdateExpr) {
        if let Expr::Ident(name) = &*expr.arg {
            if matches!(&*name.sym, "eval" | "arguments") {
                self.sloppy_only(name.span, &format!("assigning to '{}'", name.sym));
            }
        }
        expr.visit_children_with(self);
    }

    fn visit_ident(&mut self, name: &Ident) {
        if STRICT_RESERVED.contains(&&*name.sym) || &*name.sym == "await" {
            self.sloppy_only(name.span, &format!("'{}' as a name", name.sym));
        }
    }

    // The parser allows `await` only where it may stand; one anywhere else
    // came from a transform: TypeScript lowers a namespace's body, where
    // swc's parser takes `await` as the module's, into a plain function.

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Super(sup) = &call.callee {
            if !self.function_scope().super_calls {
                self.error(
                    sup.span,
                    "'super' keyword unexpected here: super(…) is only valid in the constructor of a class that extends another".into(),
                );
            }
        }
        call.visit_children_with(self);
    }

    // An expression swc could not read where a transform needed one (a
    // JSX pragma that is not a name, `/** @jsxFrag delete F */`) is left
    // in the tree as an invalid one, and would be printed as `<invalid>`.
    fn visit_invalid(&mut self, invalid: &Invalid) {
        self.error(
            invalid.span,
            "this could not be read as an expression (is a JSX pragma or factory not a name?)"
                .into(),
        );
    }

    fn visit_await_expr(&mut self, expr: &AwaitExpr) {
        self.check_await(expr.span);
        expr.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, stmt: &IfStmt) {
        for body in std::iter::once(&*stmt.cons).chain(stmt.alt.as_deref()) {
            if let Stmt::Decl(Decl::Fn(f)) = body {
                self.sloppy_only(f.ident.span, "a function declared as the body of an if");
            }
        }
        stmt.visit_children_with(self);
    }
}

impl Checker {
    /// A class field's initializer, which runs as a method would.
    fn visit_initializer(&mut self, value: Option<&Expr>) {
        let scope = Scope {
            super_props: true,
            ..Scope::function()
        };
        self.in_scope(scope, |this| {
            if let Some(value) = value {
                value.visit_with(this);
            }
        });
    }

    /// A method's function: its parameters are always unique.
    fn visit_method_function(&mut self, function: &Function) {
        let scope = Scope {
            super_props: true,
            ..Scope::async_function(function.is_async)
        };
        self.in_scope(scope, |this| {
            this.declare_params(function.params.iter().map(|p| &p.pat), true);
            function.decorators.visit_with(this);
            function.params.visit_with(this);
            if let Some(body) = &function.body {
                this.visit_body(&body.stmts);
            }
        });
    }
}

/// Whether a string literal's source text has an octal escape (`\1`, `\00`)
/// or `\8`/`\9`, which strict mode forbids. `\0` alone is allowed.
fn has_octal_escape(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            match bytes.get(i + 1) {
                Some(b'1'..=b'9') => return true,
                Some(b'0') if bytes.get(i + 2).is_some_and(u8::is_ascii_digit) => return true,
                _ => {}
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Why a regular expression literal is invalid, if it is. Patterns with
/// flags the checker does not know are not checked.
fn invalid_regex(pattern: &str, flags: &str) -> Option<String> {
    let mut seen = FxHashSet::default();
    for flag in flags.chars() {
        if !"dgimsuvy".contains(flag) {
            return Some(format!("invalid flag '{flag}'"));
        }
        if !seen.insert(flag) {
            return Some(format!("duplicate flag '{flag}'"));
        }
    }
    if flags.contains('u') && flags.contains('v') {
        return Some("the flags 'u' and 'v' cannot be used together".into());
    }
    // regress knows the syntax of every flag but `v`'s set notation: of
    // such a pattern, the property names are checked.
    if flags.contains('v') {
        if let Some(why) = v_flag_class_syntax(pattern) {
            return Some(why);
        }
        // Outside its classes a `v` pattern reads as a `u` one.
        let known: String = flags.chars().filter(|c| "ims".contains(*c)).collect();
        let outside = v_flag_outside_classes(pattern);
        if let Err(e) = regress::Regex::with_flags(&outside, format!("{known}u").as_str()) {
            return Some(e.text);
        }
        return v_flag_properties(pattern).find_map(|property| {
            let alone = format!("\\p{{{property}}}");
            regress::Regex::with_flags(&alone, "u")
                .err()
                .map(|e| e.text)
        });
    }
    let known: String = flags.chars().filter(|c| "imsu".contains(*c)).collect();
    match regress::Regex::with_flags(pattern, known.as_str()) {
        Ok(_) => None,
        Err(e) => Some(e.text),
    }
}

/// What a `v`-flag pattern's classes may not hold unescaped: the syntax
/// characters `( ) { } / |`, and the doubled punctuators the flag reserves
/// (`&&` and `--` are its operators).
fn v_flag_class_syntax(pattern: &str) -> Option<String> {
    const RESERVED_DOUBLES: &str = "!#$%*+,.:;<=>?@^`~";
    let chars: Vec<char> = pattern.chars().collect();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            // `\p{…}`, `\P{…}` and `\q{…}` take their braces with them.
            if matches!(chars.get(i + 1), Some('p' | 'P' | 'q')) && chars.get(i + 2) == Some(&'{') {
                i += 3;
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
            } else {
                i += 1;
            }
        } else if c == '[' {
            depth += 1;
        } else if c == ']' {
            depth = depth.saturating_sub(1);
        } else if depth > 0 {
            if "(){}/|".contains(c) {
                return Some(format!("invalid character '{c}' in a character class"));
            }
            if RESERVED_DOUBLES.contains(c) && chars.get(i + 1) == Some(&c) {
                return Some(format!("invalid '{c}{c}' in a character class"));
            }
            // A single `-` joins two characters, never a class.
            let single = c == '-' && chars.get(i + 1) != Some(&'-') && chars[i - 1] != '-';
            if single && (chars.get(i + 1) == Some(&'[') || chars[i - 1] == ']') {
                return Some("invalid character class".into());
            }
            // A range of two plain characters: `a-z`, not `--`.
            let plain = |c: Option<&char>| c.filter(|c| !"\\[]-".contains(**c)).copied();
            if c == '-' && chars.get(i + 1) != Some(&'-') && (i == 0 || chars[i - 1] != '-') {
                if let (Some(from), Some(to)) = (
                    plain(i.checked_sub(1).map(|at| &chars[at])),
                    plain(chars.get(i + 1)),
                ) {
                    if from > to {
                        return Some("range out of order in character class".into());
                    }
                }
            }
        }
        i += 1;
    }
    None
}

/// The properties of strings, which only the `v` flag knows.
const OF_STRINGS: &[&str] = &[
    "Basic_Emoji",
    "Emoji_Keycap_Sequence",
    "RGI_Emoji",
    "RGI_Emoji_Flag_Sequence",
    "RGI_Emoji_Modifier_Sequence",
    "RGI_Emoji_Tag_Sequence",
    "RGI_Emoji_ZWJ_Sequence",
];

/// A `v`-flag pattern with each outermost class, and each property of
/// strings, replaced by `[a]`.
fn v_flag_outside_classes(pattern: &str) -> String {
    let mut pattern = pattern.to_string();
    for property in OF_STRINGS {
        pattern = pattern.replace(&format!("\\p{{{property}}}"), "[a]");
    }
    let mut out = String::with_capacity(pattern.len());
    let mut depth = 0usize;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next();
                if depth == 0 {
                    out.push(c);
                    out.extend(next);
                }
            }
            '[' => {
                if depth == 0 {
                    out.push_str("[a]");
                }
                depth += 1;
            }
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The Unicode properties a `v`-flag pattern names (`\p{…}`, `\P{…}`),
/// but for the properties of strings only that flag knows.
fn v_flag_properties(pattern: &str) -> impl Iterator<Item = &str> {
    pattern
        .match_indices("\\p{")
        .chain(pattern.match_indices("\\P{"))
        .filter(move |&(at, _)| !pattern[..at].ends_with('\\'))
        .filter_map(move |(at, _)| {
            let rest = &pattern[at + 3..];
            rest.find('}').map(|end| &rest[..end])
        })
        .filter(|property| !OF_STRINGS.contains(property))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_attributes_must_open_with_a_brace() {
        let text = "import data from './d.json' with ({ type: 'json' });";
        assert_eq!(attributes_without_brace(text), Some(28));
        assert_eq!(
            attributes_without_brace("import d from './d.json' with { type: 'json' };"),
            None
        );
        assert_eq!(attributes_without_brace("'use strict'\nwith (o) {}"), None);
        assert_eq!(
            attributes_without_brace("const s = 'with'; f(s, 'a' )"),
            None
        );
    }

    #[test]
    fn octal_escapes_are_told_from_other_escapes() {
        assert!(has_octal_escape(r#""\101""#));
        assert!(has_octal_escape(r#""\8""#));
        assert!(has_octal_escape(r#""\00""#));
        assert!(!has_octal_escape(r#""\0""#));
        assert!(!has_octal_escape(r#""\\101""#));
        assert!(!has_octal_escape(r#""\x41\n""#));
    }

    #[test]
    fn regular_expressions_are_checked_as_javascript_reads_them() {
        assert!(invalid_regex("(", "").is_some());
        assert!(invalid_regex("a", "gg").is_some());
        assert!(invalid_regex("a", "x").is_some());
        assert!(invalid_regex(r"\u{zz}", "u").is_some());
        // Annex B syntax outside unicode mode.
        for valid in [
            r"{",
            r"]",
            r"a{1",
            r"\1",
            r"\c",
            r"[\d-z]",
            r"(?<n>a)\k<n>",
            r"\p{L}",
        ] {
            assert_eq!(invalid_regex(valid, ""), None, "/{valid}/");
        }
        assert_eq!(invalid_regex(r"\p{L}+", "u"), None);
        assert_eq!(invalid_regex(r"[\p{L}--[a-z]]", "v"), None);
        assert_eq!(invalid_regex(r"\p{RGI_Emoji}", "v"), None);
        assert!(invalid_regex(r"[\p{undefined}--[a-z]]", "v").is_some());
        assert!(invalid_regex(r"[\&p{L}--[a-z]]", "v").is_some());
        assert!(invalid_regex(r"[a!!b]", "v").is_some());
        assert!(invalid_regex(r"[\p{L}--[a-Object]]", "v").is_some());
        assert!(invalid_regex(r"z&p{undefined}--[a-[\]]", "v").is_some());
        assert!(invalid_regex(r"[a-[b]]", "v").is_some());
        assert_eq!(invalid_regex(r"^[\p{L}--[a-z]]+(x|y){2}$", "v"), None);
        assert_eq!(invalid_regex(r"[\p{L}&&\p{Lu}\q{abc|d}\{\}]", "v"), None);
    }
}
