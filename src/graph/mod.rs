//! The module graph: every loaded module, indexed by a typed id, in
//! ECMAScript execution order, plus the Kahn scheduler that finds cycles.
//!
//! Ids handed out during discovery depend on which worker won a race; the
//! graph renumbers modules in execution order so that everything after
//! loading is deterministic.

mod exec_order;
mod kahn;

use std::path::PathBuf;

use swc_atoms::Atom;
use swc_common::sync::Lrc;
use swc_common::{SourceFile, SourceMap, Span, SyntaxContext};
use swc_ecma_ast::{Id, Module as Ast};

pub use exec_order::ExecOrder;
pub use kahn::{cycles, cycles_in, KahnWaves};

/// A module's index in the graph. After [`ModuleGraph::new`] the ids are in
/// execution order: a module's id is its position in the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleId(pub u32);

impl ModuleId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How an import record reaches its module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// `import … from 'x'` or `import 'x'`.
    Import,
    /// `export … from 'x'` or `export * from 'x'`.
    ReExport,
    /// `import('x')` with a string literal.
    Dynamic,
    /// `require('x')` with a string literal, where `require` is Node's.
    Require,
}

impl ImportKind {
    /// Static records decide evaluation order; dynamic ones do not.
    pub fn is_static(self) -> bool {
        matches!(self, ImportKind::Import | ImportKind::ReExport)
    }
}

/// What a specifier resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    Module(ModuleId),
    /// Left as an import in the output (`--external`, Node built-ins).
    External,
}

/// One `import`/`export from`/`import()` of a module, in source order.
#[derive(Clone, Debug)]
pub struct ImportRecord {
    pub specifier: Atom,
    pub kind: ImportKind,
    /// The span of the specifier's string literal, for diagnostics and for
    /// finding the `import()` call again when rewriting.
    pub span: Span,
    pub resolution: Resolution,
    /// A `require()` inside a `try` block: if it cannot be resolved, it is
    /// left to run (and fail, and be caught) at run time, as code that
    /// probes for optional packages expects.
    pub optional: bool,
}

/// Which export of the imported module an import binding names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Imported {
    Name(Atom),
    /// `import * as ns` / `export * as ns`.
    Namespace,
}

/// `import { imported as local } from records[record]`.
#[derive(Clone, Debug)]
pub struct ImportBinding {
    pub local: Id,
    pub record: usize,
    pub imported: Imported,
    /// Where the binding is written, for "no export named" diagnostics.
    pub span: Span,
}

/// `export { imported as exported } from records[record]`.
#[derive(Clone, Debug)]
pub struct IndirectExport {
    pub exported: Atom,
    pub record: usize,
    pub imported: Imported,
    pub span: Span,
}

/// Which module system a module is written for, decided as Node decides it
/// (file extension, the nearest package.json's `type`, then syntax).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleKind {
    Esm,
    /// Runs inside a function of `(exports, module)` the first time it is
    /// required; its `module.exports` is what importers see.
    CommonJs,
}

/// How an ES module's `import x from 'cjs'` reads a CommonJS module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interop {
    /// Node's rule, for files Node itself loads as ES modules (`.mjs`, or
    /// `"type": "module"`): `default` is `module.exports`.
    Node,
    /// The rule of code transpiled for bundlers: `default` is
    /// `exports.default` when the module sets `__esModule`.
    Babel,
}

/// The exports a CommonJS module's code shows statically, found the way
/// Node's cjs-module-lexer finds them: these are the names an ES module can
/// import from it by name, and what `export * from` it re-exports.
#[derive(Clone, Debug, Default)]
pub struct CommonJsExports {
    /// `exports.x =`, `module.exports.x =`, `Object.defineProperty(exports,
    /// 'x', …)`, the keys of `module.exports = { … }`, in source order.
    pub names: Vec<Atom>,
    /// Records whose exports are re-exported: `module.exports = require('x')`
    /// and the `__exportStar(require('x'), exports)` of transpilers.
    pub reexports: Vec<usize>,
}

/// A module's export entries, as the specification splits them.
#[derive(Clone, Debug, Default)]
pub struct Exports {
    /// `export { local as exported }` and exported declarations. The local
    /// may itself be an import binding, which makes it indirect.
    pub local: Vec<(Atom, Id)>,
    pub indirect: Vec<IndirectExport>,
    /// Records of `export * from`.
    pub star: Vec<usize>,
    /// For CommonJS modules: what its code exports.
    pub commonjs: CommonJsExports,
}

/// A loaded module: its source, its transformed AST and what analysis
/// learned about it.
pub struct Module {
    pub id: ModuleId,
    pub path: PathBuf,
    pub kind: ModuleKind,
    /// How this module's imports of CommonJS modules are read.
    pub interop: Interop,
    /// False when the module's package.json says it has no side effects
    /// (`"sideEffects": false`, or a list of files that leaves it out).
    pub side_effects: bool,
    /// The module's own source map and file; the file holds the source text,
    /// read once and shared.
    pub cm: Lrc<SourceMap>,
    pub file: Lrc<SourceFile>,
    /// Imports and exports removed; in an ES module, top-level `this` is
    /// already `undefined`. A CommonJS module's body is its function's body.
    pub ast: Ast,
    pub records: Vec<ImportRecord>,
    pub imports: Vec<ImportBinding>,
    pub exports: Exports,
    /// Top-level bindings the module declares (not its imports), in source
    /// order. These are the names the renamer deconflicts.
    pub symbols: Vec<Id>,
    /// Every other identifier name the module mentions: globals it reads and
    /// names declared in nested scopes. Top-level names must avoid them.
    pub reserved: Vec<Atom>,
    /// The first top-level `await`, if any.
    pub top_level_await: Option<Span>,
    /// The syntax context of identifiers that refer to globals (no binding
    /// in the module), such as Node's `require`.
    pub unresolved: SyntaxContext,
    /// What tree shaking knows of each top-level statement of an ES module,
    /// indexed like `ast.body`. Empty for a CommonJS module, which is kept
    /// whole.
    pub parts: Vec<Part>,
    /// Functions annotated `/* @__NO_SIDE_EFFECTS__ */`: calls to them are
    /// pure.
    pub pure_functions: Vec<Id>,
    /// How often each top-level symbol and import binding is written, for
    /// giving the most used names the shortest ones when minifying.
    pub use_counts: Vec<(Id, u32)>,
    /// Top-level bindings whose function or class takes its `name` from
    /// them, which `--keep-names` does not shorten.
    pub named_bindings: Vec<Id>,
    /// The module's legal comments (`/*! … */`, `@license`, `@preserve`),
    /// as written.
    pub legal_comments: Vec<String>,
    /// The source map the file refers to, read when the build makes one.
    pub input_map: Option<Box<crate::load::InputMap>>,
    /// The syntax context of the module's top-level bindings.
    pub top_level: SyntaxContext,
}

/// One top-level statement of an ES module, as tree shaking sees it.
#[derive(Clone, Debug, Default)]
pub struct Part {
    /// Top-level bindings the statement declares. A statement that only
    /// completes a declaration (the `name` fix-up of an anonymous default
    /// export) declares the binding it completes, so that it is kept
    /// exactly when the binding is.
    pub declares: Vec<Id>,
    /// Top-level bindings and import bindings the statement refers to.
    pub uses: Vec<Id>,
    /// `ns.name` reads of import bindings: when the binding is a namespace
    /// import, only that export is used.
    pub member_uses: Vec<(Id, Atom)>,
    pub effects: Effects,
    /// The `import()` and `require()` records of calls in the statement.
    pub records: Vec<usize>,
}

/// Whether running a statement can be observed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Effects {
    /// No: it only declares (or computes values nothing else sees).
    #[default]
    None,
    /// Yes, or it cannot be told.
    Always,
    /// Only if one of these functions (a local binding or an import) is not
    /// annotated `/* @__NO_SIDE_EFFECTS__ */`; the statement calls them.
    UnlessCalls(Vec<Id>),
}

/// All modules of a build, indexed by [`ModuleId`], in execution order.
pub struct ModuleGraph {
    pub modules: Vec<Module>,
    /// The entry points, in the order given.
    pub entries: Vec<ModuleId>,
    /// Modules that are not reached from the entries by static imports:
    /// they run only when an `import()` or a `require()` reaches them.
    /// Indexed by [`ModuleId`].
    pub lazy: Vec<bool>,
    /// Modules that run inside an initializer rather than inline: every
    /// CommonJS module (`__commonJS`), and every ES module that is lazy or
    /// required (`__esm`). An initializer runs once, at the first call; an
    /// eager module that has one calls it at its place in the order.
    /// Indexed by [`ModuleId`].
    pub wrapped: Vec<bool>,
    /// Modules some `require()` reaches, directly or through the static
    /// imports of a required ES module. They must evaluate synchronously.
    pub required: Vec<bool>,
}

impl ModuleGraph {
    /// Orders `modules` (indexed by discovery id) for execution and
    /// renumbers them so that ids follow that order.
    pub fn new(modules: Vec<Module>, entries: Vec<ModuleId>) -> ModuleGraph {
        let order = ExecOrder::compute(&modules, &entries);
        let mut new_id = vec![ModuleId(u32::MAX); modules.len()];
        for (position, old) in order.modules.iter().enumerate() {
            new_id[old.index()] = ModuleId(position as u32);
        }
        // Every module is reachable from the entries, so the order has them
        // all; they are moved to their places in the vector they came in.
        assert_eq!(
            order.modules.len(),
            modules.len(),
            "each module is ordered once"
        );
        let mut ordered = modules;
        let mut place = new_id.clone();
        for index in 0..ordered.len() {
            while place[index].index() != index {
                let target = place[index].index();
                ordered.swap(index, target);
                place.swap(index, target);
            }
        }
        for (position, module) in ordered.iter_mut().enumerate() {
            module.id = ModuleId(position as u32);
            for record in &mut module.records {
                if let Resolution::Module(target) = &mut record.resolution {
                    *target = new_id[target.index()];
                }
            }
        }
        let lazy: Vec<bool> = order
            .modules
            .iter()
            .map(|old| order.lazy[old.index()])
            .collect();
        let (wrapped, required) = wrapped_modules(&ordered, &lazy);
        ModuleGraph {
            modules: ordered,
            entries: entries.iter().map(|e| new_id[e.index()]).collect(),
            lazy,
            wrapped,
            required,
        }
    }

    pub fn module(&self, id: ModuleId) -> &Module {
        &self.modules[id.index()]
    }

    /// The modules `id` imports statically, in source order.
    pub fn static_deps(&self, id: ModuleId) -> impl Iterator<Item = ModuleId> + '_ {
        static_deps(&self.modules[id.index()])
    }
}

/// Which modules need an initializer, and which are reached by `require()`
/// (see [`ModuleGraph::wrapped`] and [`ModuleGraph::required`]). A required
/// ES module's static imports are required too: its initializer runs them
/// first, whenever the `require()` comes.
fn wrapped_modules(modules: &[Module], lazy: &[bool]) -> (Vec<bool>, Vec<bool>) {
    let mut required = vec![false; modules.len()];
    let mut pending: Vec<ModuleId> = Vec::new();
    for m in modules {
        for r in &m.records {
            if let (ImportKind::Require, Resolution::Module(t)) = (r.kind, &r.resolution) {
                if !required[t.index()] {
                    required[t.index()] = true;
                    pending.push(*t);
                }
            }
        }
    }
    while let Some(m) = pending.pop() {
        for dep in static_deps(&modules[m.index()]) {
            if !required[dep.index()] {
                required[dep.index()] = true;
                pending.push(dep);
            }
        }
    }
    let wrapped = modules
        .iter()
        .map(|m| m.kind == ModuleKind::CommonJs || lazy[m.id.index()] || required[m.id.index()])
        .collect();
    (wrapped, required)
}

fn static_deps(module: &Module) -> impl Iterator<Item = ModuleId> + '_ {
    module.records.iter().filter_map(|r| match r.resolution {
        Resolution::Module(id) if r.kind.is_static() => Some(id),
        _ => None,
    })
}

/// `text` made into an identifier: other characters become `_`.
pub fn identifier_of(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '$' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}
