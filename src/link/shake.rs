//! Tree shaking: which modules run and which of their top-level statements
//! the chunk keeps.
//!
//! A module runs when something that runs imports it, unless its package
//! says it has no side effects; then it runs only when a binding of its is
//! used. In a module that runs, every statement with effects is kept, and
//! with it every declaration a kept statement refers to, in this module or,
//! through its imports, in another. The entry's exports are used (they are
//! the chunk's API), and so is every export of a module whose namespace
//! object is used. CommonJS modules, and ES modules that run inside an
//! initializer, are kept whole.

use rustc_hash::{FxHashMap, FxHashSet};

use swc_atoms::Atom;
use swc_ecma_ast::Id;

use crate::graph::{Effects, ImportKind, ModuleGraph, ModuleId, ModuleKind, Resolution};

use super::bindings::{ExportTables, Ref};

/// What the chunk keeps.
pub struct Liveness {
    /// Per module: whether it runs (and is in the chunk at all).
    pub modules: Vec<bool>,
    /// Per module, per top-level statement: whether it is kept.
    pub parts: Vec<Vec<bool>>,
    /// Per module: the members of its namespace object, for the modules
    /// whose every export tree shaking found used (and the entry's when
    /// its exports are the chunk's), resolved once for both tree shaking
    /// and the emit stage.
    pub namespace_members: Vec<Option<Vec<(Atom, Ref)>>>,
}

impl Liveness {
    /// Everything kept (`--tree-shaking=false`).
    pub fn everything(graph: &ModuleGraph) -> Liveness {
        Liveness {
            modules: vec![true; graph.modules.len()],
            parts: graph
                .modules
                .iter()
                .map(|m| vec![true; m.ast.body.len()])
                .collect(),
            namespace_members: Vec::new(),
        }
    }

    pub fn module(&self, m: ModuleId) -> bool {
        self.modules[m.index()]
    }

    /// Whether statement `index` of module `m` is kept.
    pub fn part(&self, m: ModuleId, index: usize) -> bool {
        self.parts[m.index()].get(index).copied().unwrap_or(true)
    }
}

/// Who declares what, across the chunk: what tree shaking follows
/// references with. It needs only the graph, so it is made beside the
/// binding of imports.
pub struct Declarations {
    /// The module declaring each top-level binding.
    owner: FxHashMap<Id, ModuleId>,
    /// Per module: the statements declaring each of its bindings.
    declarers: Vec<FxHashMap<Id, Vec<usize>>>,
    pure_functions: FxHashSet<Id>,
}

impl Declarations {
    pub fn new(graph: &ModuleGraph) -> Declarations {
        let mut owner = FxHashMap::default();
        let mut declarers = Vec::with_capacity(graph.modules.len());
        let mut pure_functions = FxHashSet::default();
        for m in &graph.modules {
            for id in &m.symbols {
                owner.insert(id.clone(), m.id);
            }
            let mut table: FxHashMap<Id, Vec<usize>> = FxHashMap::default();
            for (index, part) in m.parts.iter().enumerate() {
                for id in &part.declares {
                    table.entry(id.clone()).or_default().push(index);
                }
            }
            declarers.push(table);
            pure_functions.extend(m.pure_functions.iter().cloned());
        }
        Declarations {
            owner,
            declarers,
            pure_functions,
        }
    }
}

/// `exports_used`: whether the entry's exports are the chunk's API (every
/// format but an iife without a global name); `namespace_used`: whether the
/// entry's namespace object itself is.
pub fn shake(
    graph: &ModuleGraph,
    tables: &ExportTables,
    import_refs: &FxHashMap<Id, Ref>,
    declarations: Declarations,
    wrapped: &[bool],
    exports_used: bool,
    namespace_used: bool,
) -> Liveness {
    let Declarations {
        owner,
        declarers,
        pure_functions,
    } = declarations;
    let mut shaker = Shaker {
        graph,
        tables,
        import_refs,
        wrapped,
        owner,
        declarers,
        pure_functions,
        live: Liveness {
            modules: vec![false; graph.modules.len()],
            parts: graph
                .modules
                .iter()
                .map(|m| vec![false; m.parts.len()])
                .collect(),
            namespace_members: vec![None; graph.modules.len()],
        },
        namespaces: vec![false; graph.modules.len()],
        queue: Vec::new(),
    };
    for &entry in &graph.entries {
        shaker.run(entry);
        if namespace_used {
            shaker.use_namespace(entry);
        } else if exports_used {
            let members = tables.namespace_members(graph, entry);
            for (_, r) in &members {
                shaker.use_ref(r);
            }
            shaker.live.namespace_members[entry.index()] = Some(members);
        }
        shaker.drain();
    }
    shaker.live
}

struct Shaker<'a> {
    graph: &'a ModuleGraph,
    tables: &'a ExportTables,
    import_refs: &'a FxHashMap<Id, Ref>,
    wrapped: &'a [bool],
    /// The module declaring each top-level binding.
    owner: FxHashMap<Id, ModuleId>,
    /// Per module: the statements declaring each of its bindings.
    declarers: Vec<FxHashMap<Id, Vec<usize>>>,
    pure_functions: FxHashSet<Id>,
    live: Liveness,
    /// Modules whose every export is used.
    namespaces: Vec<bool>,
    /// Kept statements whose references are still to follow.
    queue: Vec<(ModuleId, usize)>,
}

impl Shaker<'_> {
    /// Module `m` runs: its statements with effects are kept, and what it
    /// imports runs.
    fn run(&mut self, m: ModuleId) {
        if self.live.modules[m.index()] {
            return;
        }
        self.live.modules[m.index()] = true;
        let module = self.graph.module(m);
        let whole = module.kind == ModuleKind::CommonJs || self.wrapped[m.index()];
        for index in 0..module.parts.len() {
            if whole || self.has_effects(m, index) {
                self.keep(m, index);
            }
        }
        for record in &module.records {
            let Resolution::Module(target) = record.resolution else {
                continue;
            };
            match record.kind {
                ImportKind::Import | ImportKind::ReExport => {
                    if self.graph.module(target).side_effects {
                        self.run(target);
                    }
                }
                // A CommonJS module's calls are kept with it; an ES
                // module's are followed from the statements that make them.
                ImportKind::Dynamic | ImportKind::Require => {
                    if module.kind == ModuleKind::CommonJs {
                        self.run(target);
                        self.use_namespace(target);
                    }
                }
            }
        }
    }

    fn has_effects(&self, m: ModuleId, index: usize) -> bool {
        match &self.graph.module(m).parts[index].effects {
            Effects::None => false,
            Effects::Always => true,
            Effects::UnlessCalls(callees) => callees.iter().any(|f| {
                let target = match self.import_refs.get(f) {
                    Some(Ref::Symbol(id)) => id,
                    Some(_) => return true,
                    None => f,
                };
                !self.pure_functions.contains(target)
            }),
        }
    }

    fn keep(&mut self, m: ModuleId, index: usize) {
        keep(&mut self.live, &mut self.queue, m, index);
    }

    /// Follows the references of kept statements until none is new.
    fn drain(&mut self) {
        while let Some((m, index)) = self.queue.pop() {
            let part = &self.graph.module(m).parts[index];
            for id in &part.uses {
                if let Some(r) = self.import_refs.get(id) {
                    self.use_ref(r);
                } else {
                    self.use_symbol(m, id);
                }
            }
            for (id, name) in &part.member_uses {
                match self.import_refs.get(id) {
                    Some(Ref::Namespace(t)) if self.graph.module(*t).kind == ModuleKind::Esm => {
                        // What the rewriter makes of `ns.name`: the export
                        // itself, or `undefined` when there is none.
                        self.run(*t);
                        if let Ok(r) = self.tables.resolve_export(
                            self.graph,
                            *t,
                            name,
                            &mut Default::default(),
                        ) {
                            self.use_ref(&r);
                        }
                    }
                    Some(r) => self.use_ref(r),
                    None => {}
                }
            }
            for &record in &part.records {
                if let Resolution::Module(target) = self.graph.module(m).records[record].resolution
                {
                    self.run(target);
                    self.use_namespace(target);
                }
            }
        }
    }

    fn use_symbol(&mut self, m: ModuleId, id: &Id) {
        self.run(m);
        if let Some(statements) = self.declarers[m.index()].get(id) {
            for &index in statements {
                keep(&mut self.live, &mut self.queue, m, index);
            }
        }
    }

    fn use_ref(&mut self, r: &Ref) {
        match r {
            Ref::Symbol(id) => {
                if let Some(&m) = self.owner.get(id) {
                    self.use_symbol(m, id);
                }
            }
            Ref::Namespace(t) => self.use_namespace(*t),
            Ref::CommonJs { module, .. } => self.run(*module),
            Ref::External { .. } => {}
        }
    }

    /// Every export of `m` is used: its namespace object is.
    fn use_namespace(&mut self, m: ModuleId) {
        self.run(m);
        if self.namespaces[m.index()] || self.graph.module(m).kind == ModuleKind::CommonJs {
            return;
        }
        self.namespaces[m.index()] = true;
        let members = self.tables.namespace_members(self.graph, m);
        for (_, r) in &members {
            self.use_ref(r);
        }
        self.live.namespace_members[m.index()] = Some(members);
    }
}

/// Keeps statement `index` of `m`, queueing its references when it is new.
fn keep(live: &mut Liveness, queue: &mut Vec<(ModuleId, usize)>, m: ModuleId, index: usize) {
    let slot = &mut live.parts[m.index()][index];
    if !*slot {
        *slot = true;
        queue.push((m, index));
    }
}
