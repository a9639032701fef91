//! The link stage: from a graph of modules to a plan for output. Every
//! import is bound to the symbol that finally exports it, every top-level
//! name of the chunk gets a final, conflict-free name, and the modules that
//! run lazily get initializers.

mod bindings;
mod rename;

use std::collections::HashMap;

use swc_ecma_ast::Id;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::graph::{ImportKind, ModuleGraph, ModuleId, Resolution};
use crate::load::parse::location;
use crate::options::{BuildOptions, Format};

pub use bindings::{ExportTables, Ref, Unresolved};
pub use rename::{identifier_of, Names};

/// The plan the emit stage follows.
pub struct Link {
    pub tables: ExportTables,
    /// What each import binding of each module refers to (ids are unique
    /// across the build, so one map serves every module).
    pub import_refs: HashMap<Id, Ref>,
    pub names: Names,
    /// Lazily run modules whose initializer is async (they or a lazy
    /// dependency use top-level await). Indexed by module.
    pub async_init: Vec<bool>,
    /// Eagerly run modules whose evaluation is asynchronous: they use
    /// top-level await or import a module that is. As the specification
    /// evaluates them, each starts once its asynchronous dependencies have
    /// finished, while modules that do not depend on them run on. Indexed
    /// by module.
    pub async_eval: Vec<bool>,
}

pub fn link(graph: &ModuleGraph, options: &BuildOptions) -> Result<Link, Diagnostics> {
    let tables = ExportTables::new(graph);
    let mut diagnostics = Diagnostics::default();
    let mut import_refs = HashMap::new();

    for module in &graph.modules {
        for binding in &module.imports {
            match tables.resolve_import(graph, module.id, binding) {
                Ok(r) => {
                    import_refs.insert(binding.local.clone(), r);
                }
                Err(why) => diagnostics.push(missing_export(
                    graph,
                    module.id,
                    binding.record,
                    &binding.imported,
                    binding.span,
                    why,
                )),
            }
        }
        // Named re-exports must resolve too, as Node checks them at link time.
        for entry in &module.exports.indirect {
            if let (Resolution::Module(target), crate::graph::Imported::Name(name)) =
                (&module.records[entry.record].resolution, &entry.imported)
            {
                if let Err(why) =
                    tables.resolve_export(graph, *target, name, &mut Default::default())
                {
                    diagnostics.push(missing_export(
                        graph,
                        module.id,
                        entry.record,
                        &entry.imported,
                        entry.span,
                        why,
                    ));
                }
            }
        }
    }

    if options.format != Format::Esm {
        for module in &graph.modules {
            if let (Some(span), false) = (module.top_level_await, graph.lazy[module.id.index()]) {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "top-level await is not available in the \"{}\" output format",
                        options.format.name()
                    ))
                    .at(location(&module.path, &module.file, span))
                    .with_hint("use --format esm, or move the await into an async function"),
                );
            }
        }
    }
    if diagnostics.has_errors() {
        return diagnostics.into_result(()).map(|_| unreachable!());
    }

    let async_init = async_initializers(graph);
    let async_eval = async_evaluation(graph);
    let wrapped: Vec<bool> = graph.lazy.iter().zip(&async_eval).map(|(l, a)| *l || *a).collect();
    let names = Names::assign(graph, &wrapped);
    Ok(Link {
        tables,
        import_refs,
        names,
        async_init,
        async_eval,
    })
}

fn missing_export(
    graph: &ModuleGraph,
    importer: ModuleId,
    record: usize,
    imported: &crate::graph::Imported,
    span: swc_common::Span,
    why: Unresolved,
) -> Diagnostic {
    let m = graph.module(importer);
    let crate::graph::Imported::Name(name) = imported else {
        unreachable!("namespace imports always resolve")
    };
    let exporter = match &m.records[record].resolution {
        Resolution::Module(target) => graph.module(*target).path.display().to_string(),
        Resolution::External => m.records[record].specifier.to_string(),
    };
    let message = match why {
        Unresolved::NotFound => format!("no export named \"{name}\" in \"{exporter}\""),
        Unresolved::Ambiguous => format!("the export \"{name}\" of \"{exporter}\" is ambiguous"),
        Unresolved::Circular => {
            format!("the export \"{name}\" of \"{exporter}\" is re-exported in a circle")
        }
    };
    let hint = match why {
        Unresolved::Ambiguous => "two `export *` provide this name with different bindings; import it from one of them directly",
        _ => "check the exporting module's exports, or import its default export instead",
    };
    Diagnostic::error(message)
        .at(location(&m.path, &m.file, span))
        .with_note(format!("imported by {}", m.path.display()))
        .with_hint(hint)
}

/// An eager module evaluates asynchronously when it uses top-level await or
/// statically imports an eager module that evaluates asynchronously.
fn async_evaluation(graph: &ModuleGraph) -> Vec<bool> {
    let mut is_async: Vec<bool> = graph
        .modules
        .iter()
        .map(|m| !graph.lazy[m.id.index()] && m.top_level_await.is_some())
        .collect();
    if !is_async.contains(&true) {
        return is_async;
    }
    // Dependencies precede importers in execution order, so each pass but
    // the ones a cycle needs changes nothing.
    let mut changed = true;
    while changed {
        changed = false;
        for m in &graph.modules {
            if is_async[m.id.index()] || graph.lazy[m.id.index()] {
                continue;
            }
            if graph.static_deps(m.id).any(|d| is_async[d.index()]) {
                is_async[m.id.index()] = true;
                changed = true;
            }
        }
    }
    is_async
}

/// A lazy module's initializer is async when the module, or a lazy module
/// it imports statically, uses top-level await. Dependencies come first in
/// execution order, so one pass in that order settles all but cycles, which
/// a second pass settles.
fn async_initializers(graph: &ModuleGraph) -> Vec<bool> {
    let mut is_async: Vec<bool> = graph
        .modules
        .iter()
        .map(|m| graph.lazy[m.id.index()] && m.top_level_await.is_some())
        .collect();
    for _ in 0..2 {
        for m in &graph.modules {
            if !graph.lazy[m.id.index()] {
                continue;
            }
            let dep_async = m.records.iter().any(|r| {
                matches!((r.kind, &r.resolution), (ImportKind::Import | ImportKind::ReExport, Resolution::Module(t)) if graph.lazy[t.index()] && is_async[t.index()])
            });
            if dep_async {
                is_async[m.id.index()] = true;
            }
        }
    }
    is_async
}
