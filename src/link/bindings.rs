//! Binding imports to exports: the specification's `ResolveExport` and
//! `GetExportedNames`, over the export entries the analysis recorded.

use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

use swc_atoms::{atom, Atom};
use swc_ecma_ast::Id;

use crate::graph::{
    ImportBinding, Imported, Interop, ModuleGraph, ModuleId, ModuleKind, Resolution,
};

/// What a name finally refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ref {
    /// A top-level binding of some module.
    Symbol(Id),
    /// The namespace object of a module.
    Namespace(ModuleId),
    /// An export of an external module (`None`: its namespace).
    External { specifier: Atom, name: Option<Atom> },
    /// What an ES module reads from a CommonJS module, through the
    /// module's `require_x()`.
    CommonJs {
        module: ModuleId,
        read: CommonJsRead,
    },
}

/// Which part of a CommonJS module's exports an import reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CommonJsRead {
    /// `module.exports` itself: Node's `default`.
    Exports,
    /// The `default` of code transpiled for bundlers: `exports.default`
    /// when the module sets `__esModule`, else `module.exports`.
    TranspiledDefault,
    /// A property of `module.exports`, read when used.
    Member(Atom),
}

/// Why a name did not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    NotFound,
    /// Two `export *` provide the name with different bindings.
    Ambiguous,
    /// The name is re-exported in a circle.
    Circular,
}

/// Per-module lookup tables over the analysis' export entries.
pub struct ExportTables {
    local: Vec<FxHashMap<Atom, Id>>,
    /// Index into the module's `exports.indirect`.
    indirect: Vec<FxHashMap<Atom, usize>>,
    imports: Vec<FxHashMap<Id, usize>>,
    /// Per CommonJS module: the names its code exports statically,
    /// re-exports followed (empty for ES modules). Sorted, so that lookups
    /// are cheap and listings deterministic.
    commonjs: Vec<BTreeSet<Atom>>,
}

impl ExportTables {
    pub fn new(graph: &ModuleGraph) -> ExportTables {
        let mut local = Vec::with_capacity(graph.modules.len());
        let mut indirect = Vec::with_capacity(graph.modules.len());
        let mut imports = Vec::with_capacity(graph.modules.len());
        for m in &graph.modules {
            local.push(m.exports.local.iter().cloned().collect());
            indirect.push(
                m.exports
                    .indirect
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.exported.clone(), i))
                    .collect(),
            );
            imports.push(
                m.imports
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (b.local.clone(), i))
                    .collect(),
            );
        }
        let mut tables = ExportTables {
            local,
            indirect,
            imports,
            commonjs: vec![BTreeSet::new(); graph.modules.len()],
        };
        for m in &graph.modules {
            if m.kind == ModuleKind::CommonJs {
                let mut names = BTreeSet::new();
                tables.commonjs_names(graph, m.id, &mut FxHashSet::default(), &mut names);
                // `default` is always `module.exports`, whatever the code says.
                names.remove(&atom!("default"));
                tables.commonjs[m.id.index()] = names;
            }
        }
        tables
    }

    /// The static exports of CommonJS module `module`, following
    /// `module.exports = require(…)` and `__exportStar(require(…))`.
    fn commonjs_names(
        &self,
        graph: &ModuleGraph,
        module: ModuleId,
        visited: &mut FxHashSet<ModuleId>,
        names: &mut BTreeSet<Atom>,
    ) {
        if !visited.insert(module) {
            return;
        }
        let m = graph.module(module);
        names.extend(m.exports.commonjs.names.iter().cloned());
        for &record in &m.exports.commonjs.reexports {
            let Resolution::Module(target) = m.records[record].resolution else {
                continue;
            };
            if graph.module(target).kind == ModuleKind::CommonJs {
                self.commonjs_names(graph, target, visited, names);
            } else {
                names.extend(self.exported_names(graph, target));
            }
        }
    }

    fn is_commonjs(graph: &ModuleGraph, module: ModuleId) -> bool {
        graph.module(module).kind == ModuleKind::CommonJs
    }

    /// What reading `name` of CommonJS module `module` means for an
    /// importer with `interop`.
    fn commonjs_ref(module: ModuleId, name: &Atom, interop: Interop) -> Ref {
        let read = match (&**name, interop) {
            ("default", Interop::Node) => CommonJsRead::Exports,
            ("default", Interop::Babel) => CommonJsRead::TranspiledDefault,
            _ => CommonJsRead::Member(name.clone()),
        };
        Ref::CommonJs { module, read }
    }

    /// The import binding `local` of `module`, if it is one.
    pub fn import_binding<'g>(
        &self,
        graph: &'g ModuleGraph,
        module: ModuleId,
        local: &Id,
    ) -> Option<&'g ImportBinding> {
        self.imports[module.index()]
            .get(local)
            .map(|&i| &graph.module(module).imports[i])
    }

    /// What an import binding of `module` refers to.
    pub fn resolve_import(
        &self,
        graph: &ModuleGraph,
        module: ModuleId,
        binding: &ImportBinding,
    ) -> Result<Ref, Unresolved> {
        let m = graph.module(module);
        let record = &m.records[binding.record];
        self.resolve_target(
            graph,
            m.interop,
            &record.resolution,
            &record.specifier,
            &binding.imported,
            &mut FxHashSet::default(),
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_target(
        &self,
        graph: &ModuleGraph,
        interop: Interop,
        resolution: &Resolution,
        specifier: &Atom,
        imported: &Imported,
        resolve_set: &mut FxHashSet<(ModuleId, Atom)>,
    ) -> Result<Ref, Unresolved> {
        match (resolution, imported) {
            (Resolution::External, Imported::Namespace) => Ok(Ref::External {
                specifier: specifier.clone(),
                name: None,
            }),
            (Resolution::External, Imported::Name(name)) => Ok(Ref::External {
                specifier: specifier.clone(),
                name: Some(name.clone()),
            }),
            (Resolution::Module(target), Imported::Namespace) => Ok(Ref::Namespace(*target)),
            // A named import from CommonJS reads the property when used,
            // whether or not the code showed it statically.
            (Resolution::Module(target), Imported::Name(name))
                if Self::is_commonjs(graph, *target) =>
            {
                Ok(Self::commonjs_ref(*target, name, interop))
            }
            (Resolution::Module(target), Imported::Name(name)) => {
                self.resolve_export(graph, *target, name, resolve_set)
            }
        }
    }

    /// `ResolveExport(module, name, resolveSet)`.
    pub fn resolve_export(
        &self,
        graph: &ModuleGraph,
        module: ModuleId,
        name: &Atom,
        resolve_set: &mut FxHashSet<(ModuleId, Atom)>,
    ) -> Result<Ref, Unresolved> {
        if !resolve_set.insert((module, name.clone())) {
            return Err(Unresolved::Circular);
        }
        let m = graph.module(module);
        if m.kind == ModuleKind::CommonJs {
            return if *name == atom!("default") || self.commonjs[module.index()].contains(name) {
                Ok(Self::commonjs_ref(module, name, Interop::Node))
            } else {
                Err(Unresolved::NotFound)
            };
        }
        if let Some(local) = self.local[module.index()].get(name) {
            // `import { x } from 'y'; export { x }` is an indirect export.
            return match self.imports[module.index()].get(local) {
                Some(&i) => {
                    let binding = &m.imports[i];
                    let record = &m.records[binding.record];
                    self.resolve_target(
                        graph,
                        m.interop,
                        &record.resolution,
                        &record.specifier,
                        &binding.imported,
                        resolve_set,
                    )
                }
                None => Ok(Ref::Symbol(local.clone())),
            };
        }
        if let Some(&i) = self.indirect[module.index()].get(name) {
            let entry = &m.exports.indirect[i];
            let record = &m.records[entry.record];
            return self.resolve_target(
                graph,
                m.interop,
                &record.resolution,
                &record.specifier,
                &entry.imported,
                resolve_set,
            );
        }
        if *name == atom!("default") {
            return Err(Unresolved::NotFound);
        }
        let mut found: Option<Ref> = None;
        for &star in &m.exports.star {
            let record = &m.records[star];
            let resolution = match &record.resolution {
                // An external module's names are unknown until run time.
                Resolution::External => continue,
                Resolution::Module(target) => {
                    self.resolve_export(graph, *target, name, resolve_set)
                }
            };
            match resolution {
                Err(Unresolved::Ambiguous) => return Err(Unresolved::Ambiguous),
                Err(_) => {}
                Ok(r) => match &found {
                    None => found = Some(r),
                    Some(existing) if *existing != r => return Err(Unresolved::Ambiguous),
                    Some(_) => {}
                },
            }
        }
        found.ok_or(Unresolved::NotFound)
    }

    /// Whether `require()` of ES module `module` gives its namespace with
    /// `__esModule: true` added, as Node does for a module with a default
    /// export (and no `__esModule` export of its own).
    pub fn adds_es_module_flag(&self, graph: &ModuleGraph, module: ModuleId) -> bool {
        let names = self.exported_names(graph, module);
        names.iter().any(|n| n == "default") && !names.iter().any(|n| n == "__esModule")
    }

    /// `GetExportedNames(module)`.
    pub fn exported_names(&self, graph: &ModuleGraph, module: ModuleId) -> Vec<Atom> {
        let mut names = Vec::new();
        let mut seen = FxHashSet::default();
        self.collect_names(
            graph,
            module,
            &mut FxHashSet::default(),
            &mut names,
            &mut seen,
            true,
        );
        names
    }

    fn collect_names(
        &self,
        graph: &ModuleGraph,
        module: ModuleId,
        star_set: &mut FxHashSet<ModuleId>,
        names: &mut Vec<Atom>,
        seen: &mut FxHashSet<Atom>,
        is_root: bool,
    ) {
        if !star_set.insert(module) {
            return;
        }
        let m = graph.module(module);
        if m.kind == ModuleKind::CommonJs {
            if is_root && seen.insert(atom!("default")) {
                names.push(atom!("default"));
            }
            for name in &self.commonjs[module.index()] {
                if seen.insert(name.clone()) {
                    names.push(name.clone());
                }
            }
            return;
        }
        let own = m
            .exports
            .local
            .iter()
            .map(|(name, _)| name)
            .chain(m.exports.indirect.iter().map(|e| &e.exported));
        for name in own {
            if (is_root || *name != atom!("default")) && seen.insert(name.clone()) {
                names.push(name.clone());
            }
        }
        for &star in &m.exports.star {
            if let Resolution::Module(target) = m.records[star].resolution {
                self.collect_names(graph, target, star_set, names, seen, false);
            }
        }
    }

    /// The members of `module`'s namespace object: every exported name that
    /// resolves unambiguously, sorted by UTF-16 code units as the
    /// specification orders them.
    pub fn namespace_members(&self, graph: &ModuleGraph, module: ModuleId) -> Vec<(Atom, Ref)> {
        let mut members: Vec<(Atom, Ref)> = self
            .exported_names(graph, module)
            .into_iter()
            .filter_map(|name| {
                let r = self
                    .resolve_export(graph, module, &name, &mut FxHashSet::default())
                    .ok()?;
                Some((name, r))
            })
            .collect();
        members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        members
    }
}
