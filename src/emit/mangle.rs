//! Shorter names for a module's local bindings, after the module is
//! rewritten for the chunk.
//!
//! The load resolved every identifier: a binding and its references share a
//! syntax context, one per scope. What is left is to give each local binding
//! a short name that no other binding visible at its references has.
//! Bindings are placed in a tree of scopes and named from the outside in
//! ([`Scopes::names`]), never with a name the module reads from outside
//! (globals, the chunk's top-level names) or a reserved word.
//!
//! The tree is the module's functions, arrows, constructors, static blocks,
//! blocks, catch clauses and switch bodies, which the resolver marks with
//! their scope's context, and `for` statements and function and class
//! expressions, which it does not. A binding whose context is a node's
//! lives in that node; any other is placed where it is declared, a `var` or
//! function declaration at its function at least. Every binding is then
//! lifted to the innermost node that holds all its occurrences, so a
//! binding's place always holds all of its uses.
//!
//! A module that calls `eval` or uses `with` can read any name at run time:
//! [`mangle`] gives up on it, and the caller falls back to renaming with the
//! scope analysis of `swc_ecma_minifier`.

use rustc_hash::{FxHashMap, FxHashSet};
use swc_atoms::Atom;
use swc_common::SyntaxContext;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitMut, VisitMutWith, VisitWith};

use crate::link::{is_reserved_word, short_name};

/// Renames the local bindings of `program`. `top_level` and `unresolved`
/// are the contexts of the module's top-level bindings and of its globals;
/// in a module (not a CommonJS function body) top-level bindings belong to
/// the chunk and keep their names. `reserved`: names no binding may take.
/// Returns false, and changes nothing, when the module reads names at run
/// time (`eval`, `with`).
pub fn mangle(
    program: &mut Program,
    top_level: SyntaxContext,
    unresolved: SyntaxContext,
    reserved: &[Atom],
) -> bool {
    let mut scopes = Scopes::new(program.is_module().then_some(top_level), unresolved);
    if let Program::Script(script) = program {
        scopes.script_top_level = Some(top_level);
        scopes.sloppy = !script.body.first().is_some_and(|s| s.is_use_strict());
    }
    program.visit_with(&mut scopes);
    if scopes.dynamic {
        return false;
    }
    for name in reserved {
        scopes.reserve(name);
    }
    let names = scopes.names();
    if names.is_empty() {
        return true;
    }
    program.visit_mut_with(&mut Rename {
        names: &names,
        keep: scopes.keep,
        unresolved,
    });
    true
}

/// A node of the scope tree.
struct Node {
    parent: u32,
    depth: u32,
    /// The context the resolver marked the node's scope with.
    ctxt: SyntaxContext,
    /// A function, arrow or constructor (or the program): where `var`s live.
    function: bool,
    /// The cases of a `switch`.
    switch: bool,
}

/// What is known of one identifier (a name and context).
struct Binding {
    /// The innermost node that holds every occurrence.
    node: u32,
    declared: bool,
    /// The node of the last occurrence recorded in `Scopes::occurrences`.
    last: u32,
}

struct Scopes {
    nodes: Vec<Node>,
    /// The path from the root to the node being walked.
    path: Vec<u32>,
    index: FxHashMap<Id, u32>,
    bindings: Vec<Binding>,
    /// Where bindings occur: (binding, node), without repeats in a row.
    occurrences: Vec<(u32, u32)>,
    /// Names the module reads from outside its local scopes (and names
    /// no binding may take), each with a number.
    reserved: FxHashMap<Atom, u32>,
    /// Where those names occur: (number, node), without repeats in a row.
    reserved_at: Vec<(u32, u32)>,
    reserved_last: Vec<u32>,
    /// Names declared by a `case` of a `switch` directly, and by a function
    /// declared in a block of sloppy code: see [`Scopes::names`].
    unsure: FxHashSet<Atom>,
    /// The context of a CommonJS module's top-level bindings.
    script_top_level: Option<SyntaxContext>,
    /// Code that is not strict (a CommonJS module without "use strict").
    sloppy: bool,
    /// The context whose identifiers keep their names besides globals': the
    /// top level of an ES module.
    keep: Option<SyntaxContext>,
    unresolved: SyntaxContext,
    /// Whether the declarations being walked are `var`s.
    in_var: bool,
    /// `eval` or `with` seen.
    dynamic: bool,
}

impl Scopes {
    fn new(keep: Option<SyntaxContext>, unresolved: SyntaxContext) -> Self {
        Scopes {
            nodes: vec![Node {
                parent: 0,
                depth: 0,
                ctxt: SyntaxContext::empty(),
                function: true,
                switch: false,
            }],
            path: vec![0],
            index: FxHashMap::default(),
            bindings: Vec::new(),
            occurrences: Vec::new(),
            reserved: FxHashMap::default(),
            reserved_at: Vec::new(),
            reserved_last: Vec::new(),
            unsure: FxHashSet::default(),
            script_top_level: None,
            sloppy: false,
            keep,
            unresolved,
            in_var: false,
            dynamic: false,
        }
    }

    fn current(&self) -> u32 {
        *self.path.last().expect("the root is always on the path")
    }

    fn enter(&mut self, ctxt: SyntaxContext, function: bool) {
        let parent = self.current();
        self.nodes.push(Node {
            parent,
            depth: self.nodes[parent as usize].depth + 1,
            ctxt,
            function,
            switch: false,
        });
        self.path.push(self.nodes.len() as u32 - 1);
    }

    fn leave(&mut self) {
        self.path.pop();
    }

    fn within(&mut self, ctxt: SyntaxContext, function: bool, walk: impl FnOnce(&mut Self)) {
        self.enter(ctxt, function);
        walk(self);
        self.leave();
    }

    /// Whether `ident` keeps its name: a global, a top-level name of an ES
    /// module, `arguments` (which a sloppy `var arguments` redeclares), and
    /// the names a CommonJS module's function gives it, which its own
    /// `var exports` redeclares.
    fn kept(&self, ident: &Ident) -> bool {
        let ctxt = ident.ctxt;
        ctxt == SyntaxContext::empty()
            || ctxt == self.unresolved
            || Some(ctxt) == self.keep
            || ident.sym == "arguments"
            || (Some(ctxt) == self.script_top_level
                && (ident.sym == "exports" || ident.sym == "module"))
    }

    /// Numbers `name` as one no binding may take.
    fn reserve(&mut self, name: &Atom) -> u32 {
        if let Some(&number) = self.reserved.get(name) {
            return number;
        }
        let number = self.reserved.len() as u32;
        self.reserved.insert(name.clone(), number);
        self.reserved_last.push(u32::MAX);
        number
    }

    /// Whether `node` is `ancestor` or inside it.
    fn is_within(&self, mut node: u32, ancestor: u32) -> bool {
        let depth = self.nodes[ancestor as usize].depth;
        while self.nodes[node as usize].depth > depth {
            node = self.nodes[node as usize].parent;
        }
        node == ancestor
    }

    fn lowest_common(&self, mut a: u32, mut b: u32) -> u32 {
        while a != b {
            let (da, db) = (self.nodes[a as usize].depth, self.nodes[b as usize].depth);
            if da >= db {
                a = self.nodes[a as usize].parent;
            }
            if db >= da {
                b = self.nodes[b as usize].parent;
            }
        }
        a
    }

    /// Records an occurrence of `ident` in `node`.
    fn occurs(&mut self, ident: &Ident, node: u32) -> Option<u32> {
        if self.kept(ident) {
            let number = self.reserve(&ident.sym);
            if self.reserved_last[number as usize] != node {
                self.reserved_last[number as usize] = node;
                self.reserved_at.push((number, node));
            }
            return None;
        }
        let next = self.bindings.len() as u32;
        let at = *self.index.entry(ident.to_id()).or_insert(next);
        if at == next {
            self.bindings.push(Binding {
                node,
                declared: false,
                last: node,
            });
            self.occurrences.push((at, node));
        } else if self.bindings[at as usize].last != node {
            self.bindings[at as usize].last = node;
            self.occurrences.push((at, node));
            if self.bindings[at as usize].node != node {
                let lowest = self.lowest_common(self.bindings[at as usize].node, node);
                self.bindings[at as usize].node = lowest;
            }
        }
        Some(at)
    }

    /// Records that `ident` is declared here. `hoisted`: by `var` or a
    /// function declaration, which belong to the function around them.
    fn declare(&mut self, ident: &Ident, hoisted: bool) {
        let marked = self
            .path
            .iter()
            .rev()
            .find(|&&n| self.nodes[n as usize].ctxt == ident.ctxt)
            .copied();
        let node = marked.unwrap_or_else(|| {
            if hoisted {
                *self
                    .path
                    .iter()
                    .rev()
                    .find(|&&n| self.nodes[n as usize].function)
                    .expect("the root is a function")
            } else {
                self.current()
            }
        });
        if self.nodes[self.current() as usize].switch {
            self.unsure.insert(ident.sym.clone());
        }
        if let Some(at) = self.occurs(ident, node) {
            self.bindings[at as usize].declared = true;
        }
    }

    fn declare_pat(&mut self, pat: &Pat, hoisted: bool) {
        match pat {
            Pat::Ident(b) => self.declare(&b.id, hoisted),
            Pat::Array(a) => {
                for elem in a.elems.iter().flatten() {
                    self.declare_pat(elem, hoisted);
                }
            }
            Pat::Rest(r) => self.declare_pat(&r.arg, hoisted),
            Pat::Object(o) => {
                for prop in &o.props {
                    match prop {
                        ObjectPatProp::KeyValue(kv) => self.declare_pat(&kv.value, hoisted),
                        ObjectPatProp::Assign(a) => self.declare(&a.key.id, hoisted),
                        ObjectPatProp::Rest(r) => self.declare_pat(&r.arg, hoisted),
                    }
                }
            }
            Pat::Assign(a) => self.declare_pat(&a.left, hoisted),
            Pat::Expr(_) | Pat::Invalid(_) => {}
        }
    }

    /// Leaves the names of bindings as they are where the resolver's contexts
    /// may not say what a name means at run time, so that it means the same:
    /// - a binding whose scope holds a use of its name that the resolver
    ///   took for another binding's or a global (it resolves the cases of a
    ///   `switch` one by one, so `case 0: f(); case 1: function f() {}`
    ///   reads `f` as a global);
    /// - every binding of a name declared directly in a `case`, since a use
    ///   in an earlier case may have been taken for an outer binding;
    /// - in sloppy code, every binding of the name of a function declared
    ///   in a block, which also assigns a `var` of that name around it.
    fn keep_unsure_names(&mut self) {
        if self.bindings.is_empty() {
            return;
        }
        let mut kept: Vec<u32> = Vec::new();
        let mut colliding: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for (id, &at) in &self.index {
            if !self.bindings[at as usize].declared {
                continue;
            }
            if self.unsure.contains(&id.0) {
                kept.push(at);
            } else if let Some(&number) = self.reserved.get(&id.0) {
                colliding.entry(number).or_default().push(at);
            }
        }
        if !colliding.is_empty() {
            for &(number, node) in &self.reserved_at {
                if let Some(bindings) = colliding.get(&number) {
                    for &at in bindings {
                        if self.is_within(node, self.bindings[at as usize].node) {
                            kept.push(at);
                        }
                    }
                }
            }
        }
        for at in kept {
            self.bindings[at as usize].declared = false;
        }
    }

    /// The new name of each declared local binding, by its identifier.
    ///
    /// Scopes are named from the outside in. A binding takes the first name
    /// that no other binding of its node has and that no binding of a node
    /// around it has when that binding occurs inside this node: so each
    /// function's parameters are `a`, `b`, `c`… unless it reads a name from
    /// around it, and an inner binding may take the name of an outer one that
    /// it does not hide from any of that one's uses.
    fn names(&mut self) -> FxHashMap<Id, Atom> {
        self.keep_unsure_names();
        // Undeclared identifiers of local contexts (made by a transform, or
        // read from a scope this walk does not see) keep their names.
        let undeclared: Vec<Atom> = self
            .index
            .iter()
            .filter(|(_, &at)| !self.bindings[at as usize].declared)
            .map(|(id, _)| id.0.clone())
            .collect();
        for name in &undeclared {
            self.reserve(name);
        }
        // Each node's bindings, in order of first occurrence.
        let mut per_node: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
        for (at, binding) in self.bindings.iter().enumerate() {
            if binding.declared {
                per_node[binding.node as usize].push(at as u32);
            }
        }
        // For each node, the bindings of nodes around it that occur in it.
        let mut around: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
        let mut marked: FxHashSet<(u32, u32)> = FxHashSet::default();
        for &(at, mut node) in &self.occurrences {
            let binding = &self.bindings[at as usize];
            if !binding.declared {
                continue;
            }
            while node != binding.node && marked.insert((node, at)) {
                around[node as usize].push(at);
                node = self.nodes[node as usize].parent;
            }
        }
        // Names are indexes into `allowed`, the short names in order less the
        // reserved words and the names the module reads from outside.
        let mut allowed: Vec<Atom> = Vec::new();
        let mut counter = 0usize;
        let mut name_of = vec![u32::MAX; self.bindings.len()];
        let mut taken: Vec<bool> = Vec::new();
        // Nodes come after their parents.
        for node in 0..self.nodes.len() {
            if per_node[node].is_empty() {
                continue;
            }
            taken.clear();
            for &outer in &around[node] {
                let k = name_of[outer as usize] as usize;
                if taken.len() <= k {
                    taken.resize(k + 1, false);
                }
                taken[k] = true;
            }
            let mut k = 0usize;
            for &at in &per_node[node] {
                while taken.get(k).copied().unwrap_or(false) {
                    k += 1;
                }
                while allowed.len() <= k {
                    let candidate = short_name(counter);
                    counter += 1;
                    if is_reserved_word(&candidate) {
                        continue;
                    }
                    let candidate = Atom::from(candidate);
                    if !self.reserved.contains_key(&candidate) {
                        allowed.push(candidate);
                    }
                }
                name_of[at as usize] = k as u32;
                k += 1;
            }
        }
        let mut names = FxHashMap::default();
        names.reserve(self.index.len());
        for (id, &at) in &self.index {
            let k = name_of[at as usize];
            if k != u32::MAX {
                names.insert(id.clone(), allowed[k as usize].clone());
            }
        }
        names
    }
}

impl Visit for Scopes {
    fn visit_ident(&mut self, ident: &Ident) {
        if ident.sym == "eval" {
            self.dynamic = true;
        }
        self.occurs(ident, self.current());
    }

    fn visit_with_stmt(&mut self, _: &WithStmt) {
        self.dynamic = true;
    }

    // Labels are names of their own kind, left as they are.
    fn visit_labeled_stmt(&mut self, s: &LabeledStmt) {
        s.body.visit_with(self);
    }
    fn visit_break_stmt(&mut self, _: &BreakStmt) {}
    fn visit_continue_stmt(&mut self, _: &ContinueStmt) {}

    fn visit_function(&mut self, f: &Function) {
        self.within(f.ctxt, true, |s| {
            f.decorators.visit_with(s);
            for param in &f.params {
                s.declare_pat(&param.pat, false);
            }
            f.params.visit_with(s);
            f.body.visit_with(s);
        });
    }

    fn visit_arrow_expr(&mut self, a: &ArrowExpr) {
        self.within(a.ctxt, true, |s| {
            for param in &a.params {
                s.declare_pat(param, false);
            }
            a.params.visit_with(s);
            a.body.visit_with(s);
        });
    }

    fn visit_constructor(&mut self, c: &Constructor) {
        c.key.visit_with(self);
        self.within(c.ctxt, true, |s| {
            for param in &c.params {
                if let ParamOrTsParamProp::Param(p) = param {
                    s.declare_pat(&p.pat, false);
                }
            }
            c.params.visit_with(s);
            c.body.visit_with(s);
        });
    }

    fn visit_block_stmt(&mut self, b: &BlockStmt) {
        self.within(b.ctxt, false, |s| b.stmts.visit_with(s));
    }

    fn visit_catch_clause(&mut self, c: &CatchClause) {
        // The parameter lives in the body's scope.
        self.within(c.body.ctxt, false, |s| {
            if let Some(param) = &c.param {
                s.declare_pat(param, false);
            }
            c.param.visit_with(s);
            c.body.stmts.visit_with(s);
        });
    }

    fn visit_static_block(&mut self, b: &StaticBlock) {
        // Its `var`s are its own.
        self.within(b.body.ctxt, true, |s| b.body.stmts.visit_with(s));
    }

    fn visit_switch_stmt(&mut self, s: &SwitchStmt) {
        s.discriminant.visit_with(self);
        self.enter(s.body_ctxt, false);
        let node = self.current() as usize;
        self.nodes[node].switch = true;
        s.cases.visit_with(self);
        self.leave();
    }

    fn visit_var_decl(&mut self, v: &VarDecl) {
        let outer = self.in_var;
        self.in_var = v.kind == VarDeclKind::Var;
        v.decls.visit_with(self);
        self.in_var = outer;
    }

    fn visit_var_declarator(&mut self, d: &VarDeclarator) {
        self.declare_pat(&d.name, self.in_var);
        d.visit_children_with(self);
    }

    fn visit_using_decl(&mut self, u: &UsingDecl) {
        let outer = self.in_var;
        self.in_var = false;
        u.decls.visit_with(self);
        self.in_var = outer;
    }

    fn visit_fn_decl(&mut self, f: &FnDecl) {
        if self.sloppy && !self.nodes[self.current() as usize].function {
            self.unsure.insert(f.ident.sym.clone());
        }
        self.declare(&f.ident, true);
        f.visit_children_with(self);
    }

    fn visit_class_decl(&mut self, c: &ClassDecl) {
        self.declare(&c.ident, false);
        c.visit_children_with(self);
    }

    // The name of a function or class expression, and the `let`s of a
    // `for` head, live in a scope around the rest: a node without a
    // context of its own.
    fn visit_fn_expr(&mut self, f: &FnExpr) {
        self.within(SyntaxContext::empty(), false, |s| {
            if let Some(ident) = &f.ident {
                s.declare(ident, false);
            }
            f.visit_children_with(s);
        });
    }

    fn visit_class_expr(&mut self, c: &ClassExpr) {
        self.within(SyntaxContext::empty(), false, |s| {
            if let Some(ident) = &c.ident {
                s.declare(ident, false);
            }
            c.visit_children_with(s);
        });
    }

    fn visit_for_stmt(&mut self, f: &ForStmt) {
        self.within(SyntaxContext::empty(), false, |s| f.visit_children_with(s));
    }

    fn visit_for_in_stmt(&mut self, f: &ForInStmt) {
        self.within(SyntaxContext::empty(), false, |s| f.visit_children_with(s));
    }

    fn visit_for_of_stmt(&mut self, f: &ForOfStmt) {
        self.within(SyntaxContext::empty(), false, |s| f.visit_children_with(s));
    }
}

/// Gives identifiers their new names; a shorthand property or pattern
/// whose name changes is written out with its key.
struct Rename<'a> {
    names: &'a FxHashMap<Id, Atom>,
    keep: Option<SyntaxContext>,
    unresolved: SyntaxContext,
}

impl Rename<'_> {
    fn new_name(&self, ident: &Ident) -> Option<&Atom> {
        if ident.ctxt == SyntaxContext::empty()
            || ident.ctxt == self.unresolved
            || Some(ident.ctxt) == self.keep
        {
            return None;
        }
        self.names.get(&(ident.sym.clone(), ident.ctxt))
    }
}

impl VisitMut for Rename<'_> {
    fn visit_mut_ident(&mut self, ident: &mut Ident) {
        if let Some(name) = self.new_name(ident) {
            ident.sym = name.clone();
        }
    }

    fn visit_mut_labeled_stmt(&mut self, s: &mut LabeledStmt) {
        s.body.visit_mut_with(self);
    }
    fn visit_mut_break_stmt(&mut self, _: &mut BreakStmt) {}
    fn visit_mut_continue_stmt(&mut self, _: &mut ContinueStmt) {}

    fn visit_mut_prop(&mut self, prop: &mut Prop) {
        if let Prop::Shorthand(ident) = prop {
            if let Some(name) = self.new_name(ident) {
                // `__proto__: x` would set the prototype; `__proto__` as a
                // shorthand makes a property.
                let key = if ident.sym == "__proto__" {
                    PropName::Computed(ComputedPropName {
                        span: ident.span,
                        expr: Box::new(Expr::Lit(Lit::Str(Str {
                            span: ident.span,
                            value: "__proto__".into(),
                            raw: None,
                        }))),
                    })
                } else {
                    PropName::Ident(IdentName::new(ident.sym.clone(), ident.span))
                };
                let mut value = ident.clone();
                value.sym = name.clone();
                *prop = Prop::KeyValue(KeyValueProp {
                    key,
                    value: Box::new(Expr::Ident(value)),
                });
            }
            return;
        }
        prop.visit_mut_children_with(self);
    }

    fn visit_mut_object_pat_prop(&mut self, prop: &mut ObjectPatProp) {
        if let ObjectPatProp::Assign(assign) = prop {
            if self.new_name(&assign.key.id).is_some() {
                let key = PropName::Ident(IdentName::new(
                    assign.key.id.sym.clone(),
                    assign.key.id.span,
                ));
                let mut binding = assign.key.clone();
                binding.visit_mut_with(self);
                let mut value = Box::new(Pat::Ident(binding));
                if let Some(mut default) = assign.value.take() {
                    default.visit_mut_with(self);
                    value = Box::new(Pat::Assign(AssignPat {
                        span: assign.span,
                        left: value,
                        right: default,
                    }));
                }
                // Written out, and every name in it renamed once.
                *prop = ObjectPatProp::KeyValue(KeyValuePatProp { key, value });
                return;
            }
        }
        prop.visit_mut_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::testing::printed;

    /// `src` as an ES module (or a script), mangled and printed minified.
    fn mangled(src: &str, module: bool) -> String {
        printed(src, module, |program, unresolved, top_level| {
            mangle(program, top_level, unresolved, &[])
        })
        .unwrap_or_else(|| "(not mangled)".to_string())
    }

    #[test]
    fn locals_get_short_names_top_level_keeps_its_own() {
        assert_eq!(
            mangled("function outer(first, second) { let total = first + second; return total * total }", true),
            "function outer(a,b){let c=a+b;return c*c;}"
        );
    }

    #[test]
    fn inner_names_never_hide_an_outer_one_they_read() {
        assert_eq!(
            mangled(
                "function f(x) { function g(y) { return x + y } function h(z) { return z } return g(x) + h(x) }",
                true
            ),
            "function f(a){function b(b){return a+b;}function c(a){return a;}return b(a)+c(a);}"
        );
    }

    #[test]
    fn globals_and_top_level_names_are_not_taken() {
        // `a` is read from outside: no local may be called `a`.
        assert_eq!(
            mangled(
                "const b = 1; function f(long) { return a + b + long }",
                true
            ),
            "const b=1;function f(c){return a+b+c;}"
        );
    }

    #[test]
    fn vars_in_sibling_blocks_do_not_merge() {
        // Both `var`s live in the function: they must keep two names.
        assert_eq!(
            mangled(
                "function f() { { var one = 1; g(one) } { var two; g(two) } }",
                true
            ),
            "function f(){{var a=1;g(a);}{var b;g(b);}}"
        );
    }

    #[test]
    fn shorthand_properties_and_patterns_are_written_out() {
        assert_eq!(
            mangled(
                "function f(value) { const { key, other = 2 } = value; return { key, other } }",
                true
            ),
            "function f(a){const{key:b,other:c=2}=a;return{key:b,other:c};}"
        );
        // `x` takes the name `a`, which is not `a`'s any more: each name is
        // renamed once, the default's too.
        assert_eq!(
            mangled("var { x, y = a } = o; var a = 1; f(x, y, a);", false),
            "var{x:a,y:b=c}=o;var c=1;f(a,b,c);"
        );
    }

    #[test]
    fn catch_parameters_and_for_heads() {
        assert_eq!(
            mangled("function f(list) { for (let item of list) g(item); try {} catch (error) { g(error) } }", true),
            "function f(a){for(let b of a)g(b);try{}catch(a){g(a);}}"
        );
    }

    #[test]
    fn named_function_expressions_keep_their_name_inside() {
        assert_eq!(
            mangled(
                "const f = function again(n) { return n ? again(n - 1) : 0 };",
                true
            ),
            "const f=function a(b){return b?a(b-1):0;};"
        );
    }

    #[test]
    fn a_script_renames_its_top_level() {
        assert_eq!(
            mangled(
                "var counter = 0; function bump() { counter++ } exports.bump = bump;",
                false
            ),
            "var a=0;function b(){a++;}exports.bump=b;"
        );
    }

    #[test]
    fn a_name_the_resolver_may_have_misread_is_kept() {
        // The resolver reads `helper` in the first case as a global.
        assert_eq!(
            mangled(
                "function pick(x) { switch (x) { case 0: return helper(); case 1: function helper() { return 1 } } }",
                true
            ),
            "function pick(a){switch(a){case 0:return helper();case 1:function helper(){return 1;}}}"
        );
        // In sloppy code a function declared in a block also assigns a
        // `var` of its name, whatever the `let` around it is called.
        assert_eq!(
            mangled(
                "function t(long) { let g = 0; { function g() {} } return [g, long] }",
                false
            ),
            "function a(a){let g=0;{function g(){}}return[g,a];}"
        );
    }

    #[test]
    fn names_that_redeclare_what_the_function_gives_are_kept() {
        assert_eq!(
            mangled("var exports; var module = module; function f() { var arguments; return arguments.length } exports.f = f;", false),
            "var exports;var module=module;function a(){var arguments;return arguments.length;}exports.f=a;"
        );
    }

    #[test]
    fn a_shorthand_proto_stays_a_property() {
        assert_eq!(
            mangled(
                "function make() { const __proto__ = {}; return { __proto__ } }",
                true
            ),
            "function make(){const a={};return{[\"__proto__\"]:a};}"
        );
    }

    #[test]
    fn eval_and_with_stop_renaming() {
        assert_eq!(
            mangled("function f(x) { return eval('x') }", true),
            "(not mangled)"
        );
        assert_eq!(
            mangled("function f(o, x) { with (o) return x }", false),
            "(not mangled)"
        );
    }
}
