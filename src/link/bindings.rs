//! Binding imports to exports: the specification's `ResolveExport` and
//! `GetExportedNames`, over the export entries the analysis recorded.

use std::collections::{HashMap, HashSet};

use swc_atoms::{atom, Atom};
use swc_ecma_ast::Id;

use crate::graph::{ImportBinding, Imported, ModuleGraph, ModuleId, Resolution};

/// What a name finally refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ref {
    /// A top-level binding of some module.
    Symbol(Id),
    /// The namespace object of a module.
    Namespace(ModuleId),
    /// An export of an external module (`None`: its namespace).
    External { specifier: Atom, name: Option<Atom> },
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
    local: Vec<HashMap<Atom, Id>>,
    /// Index into the module's `exports.indirect`.
    indirect: Vec<HashMap<Atom, usize>>,
    imports: Vec<HashMap<Id, usize>>,
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
        ExportTables {
            local,
            indirect,
            imports,
        }
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
        let record = &graph.module(module).records[binding.record];
        self.resolve_target(
            graph,
            &record.resolution,
            &record.specifier,
            &binding.imported,
            &mut HashSet::new(),
        )
    }

    fn resolve_target(
        &self,
        graph: &ModuleGraph,
        resolution: &Resolution,
        specifier: &Atom,
        imported: &Imported,
        resolve_set: &mut HashSet<(ModuleId, Atom)>,
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
        resolve_set: &mut HashSet<(ModuleId, Atom)>,
    ) -> Result<Ref, Unresolved> {
        if !resolve_set.insert((module, name.clone())) {
            return Err(Unresolved::Circular);
        }
        let m = graph.module(module);
        if let Some(local) = self.local[module.index()].get(name) {
            // `import { x } from 'y'; export { x }` is an indirect export.
            return match self.imports[module.index()].get(local) {
                Some(&i) => {
                    let binding = &m.imports[i];
                    let record = &m.records[binding.record];
                    self.resolve_target(
                        graph,
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

    /// `GetExportedNames(module)`.
    pub fn exported_names(&self, graph: &ModuleGraph, module: ModuleId) -> Vec<Atom> {
        let mut names = Vec::new();
        let mut seen = HashSet::new();
        self.collect_names(
            graph,
            module,
            &mut HashSet::new(),
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
        star_set: &mut HashSet<ModuleId>,
        names: &mut Vec<Atom>,
        seen: &mut HashSet<Atom>,
        is_root: bool,
    ) {
        if !star_set.insert(module) {
            return;
        }
        let m = graph.module(module);
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
                    .resolve_export(graph, module, &name, &mut HashSet::new())
                    .ok()?;
                Some((name, r))
            })
            .collect();
        members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        members
    }
}
