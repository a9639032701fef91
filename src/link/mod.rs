//! The link stage: from a graph of modules to a plan for output. Every
//! import is bound to the symbol that finally exports it, every top-level
//! name of the chunk gets a final, conflict-free name, and the modules that
//! run lazily get initializers.

mod bindings;
mod rename;
mod shake;

use rustc_hash::FxHashMap;

use swc_atoms::Atom;
use swc_ecma_ast::Id;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::graph::{KahnWaves, ModuleGraph, ModuleId, Resolution};
use crate::load::parse::location;
use crate::options::{BuildOptions, Format};

pub use bindings::{CommonJsRead, ExportTables, Ref, Unresolved};
pub use rename::Names;
pub(crate) use rename::{is_reserved_word, short_name};
pub use shake::Liveness;

/// The plan the emit stage follows.
pub struct Link {
    pub tables: ExportTables,
    /// What each import binding of each module refers to (ids are unique
    /// across the build, so one map serves every module).
    pub import_refs: FxHashMap<Id, Ref>,
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
    /// What tree shaking keeps.
    pub live: Liveness,
}

impl Link {
    /// The members of `module`'s namespace object, sorted: as tree shaking
    /// resolved them, or resolved now.
    pub fn namespace_members(
        &self,
        graph: &ModuleGraph,
        module: ModuleId,
    ) -> std::borrow::Cow<'_, [(Atom, Ref)]> {
        match self.live.namespace_members.get(module.index()) {
            Some(Some(members)) => std::borrow::Cow::Borrowed(members),
            _ => std::borrow::Cow::Owned(self.tables.namespace_members(graph, module)),
        }
    }
}

pub fn link(graph: &ModuleGraph, options: &BuildOptions) -> Result<Link, Diagnostics> {
    let kahn = KahnWaves::compute(graph);
    let async_init = async_initializers(graph, &kahn);
    let async_eval = async_evaluation(graph, &kahn);
    let wrapped: Vec<bool> = graph
        .wrapped
        .iter()
        .zip(&async_eval)
        .map(|(w, a)| *w || *a)
        .collect();
    // Naming needs only which modules are wrapped, and tree shaking's
    // tables of declarations only the graph: each is made on a thread of
    // its own while imports are bound, which keeps both cores of a small
    // machine busy.
    std::thread::scope(|scope| {
        let naming = scope.spawn(|| Names::assign(graph, &wrapped));
        let declaring = options
            .tree_shaking
            .then(|| scope.spawn(|| shake::Declarations::new(graph)));
        let tables = ExportTables::new(graph);
        let mut diagnostics = Diagnostics::default();
        let mut import_refs = FxHashMap::default();

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
                    // CommonJS exports are read when used; no name is missing.
                    if graph.module(*target).kind == crate::graph::ModuleKind::CommonJs {
                        continue;
                    }
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

        for module in &graph.modules {
            if let (Some(span), true) = (module.top_level_await, graph.required[module.id.index()])
            {
                diagnostics.push(
                    Diagnostic::error(
                        "a module that uses top-level await cannot be loaded with require()",
                    )
                    .at(location(&module.path, &module.file, span))
                    .with_note(
                        "require() runs a module synchronously, so Node refuses an ES module graph that awaits (ERR_REQUIRE_ASYNC_MODULE)",
                    )
                    .with_hint("load it with `await import()` instead"),
                );
            }
        }
        if options.format != Format::Esm {
            for module in &graph.modules {
                if let (Some(span), false) = (module.top_level_await, graph.lazy[module.id.index()])
                {
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
        diagnostics.into_result(())?;

        let mut names = naming.join().expect("the naming thread panicked");
        let declarations =
            declaring.map(|d| d.join().expect("the thread for declarations panicked"));
        let live = match declarations {
            Some(declarations) => {
                let iife_global = options.format == Format::Iife && options.global_name.is_some();
                shake::shake(
                    graph,
                    &tables,
                    &import_refs,
                    declarations,
                    &wrapped,
                    options.format != Format::Iife || iife_global,
                    iife_global,
                )
            }
            None => Liveness::everything(graph),
        };
        if options.minify_identifiers {
            names.shorten(graph, &import_refs, &live, options.keep_names);
        }
        Ok(Link {
            tables,
            import_refs,
            names,
            async_init,
            async_eval,
            live,
        })
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
fn async_evaluation(graph: &ModuleGraph, kahn: &KahnWaves) -> Vec<bool> {
    let mut is_async: Vec<bool> = graph
        .modules
        .iter()
        .map(|m| !graph.lazy[m.id.index()] && m.top_level_await.is_some())
        .collect();
    if is_async.contains(&true) {
        propagate_to_importers(graph, kahn, &mut is_async, |m| !graph.lazy[m.index()]);
    }
    is_async
}

/// A lazy module's initializer is async when the module, or a lazy module
/// it imports statically, uses top-level await.
fn async_initializers(graph: &ModuleGraph, kahn: &KahnWaves) -> Vec<bool> {
    let mut is_async: Vec<bool> = graph
        .modules
        .iter()
        .map(|m| graph.lazy[m.id.index()] && m.top_level_await.is_some())
        .collect();
    if is_async.contains(&true) {
        propagate_to_importers(graph, kahn, &mut is_async, |m| graph.lazy[m.index()]);
    }
    is_async
}

/// Spreads a fact from modules to their importers: `fact[m]` becomes true
/// when `eligible(m)` and a static dependency of `m` has it. In Kahn's waves
/// every dependency is settled before its importers, so one pass settles
/// them; modules on cycles, which Kahn cannot drain, are settled by
/// repeating until nothing changes.
fn propagate_to_importers(
    graph: &ModuleGraph,
    kahn: &KahnWaves,
    fact: &mut [bool],
    eligible: impl Fn(ModuleId) -> bool,
) {
    let settle = |m: ModuleId, fact: &mut [bool]| {
        let gains =
            !fact[m.index()] && eligible(m) && graph.static_deps(m).any(|d| fact[d.index()]);
        if gains {
            fact[m.index()] = true;
        }
        gains
    };
    for wave in &kahn.waves {
        for &m in wave {
            settle(m, fact);
        }
    }
    let mut changed = true;
    while changed {
        changed = false;
        for &m in &kahn.undrained {
            changed |= settle(m, fact);
        }
    }
}
