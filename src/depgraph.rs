//! The dependency graph `weft graph` shows: found with the pre-scan and the
//! resolver alone, without parsing, so it is ready long before a bundle
//! would be. It lists every module reachable from the entries once, in the
//! order a breadth-first walk from the entries meets them (the same for any
//! number of threads), with each import and where it leads.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostics::{display_path, Diagnostics};
use crate::graph::{cycles_in, ModuleId};
use crate::load::{scan_graph, Target};
use crate::options::BuildOptions;
use crate::scan::ScanKind;

/// The modules reachable from the entries, entries first.
#[derive(Clone, Debug)]
pub struct DependencyGraph {
    pub modules: Vec<GraphModule>,
    /// Paths in diagnostics and output are shown relative to this.
    cwd: PathBuf,
}

#[derive(Clone, Debug)]
pub struct GraphModule {
    pub path: PathBuf,
    pub imports: Vec<GraphImport>,
}

#[derive(Clone, Debug)]
pub struct GraphImport {
    pub specifier: String,
    pub kind: ScanKind,
    pub resolved: Resolved,
}

/// Where an import leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// The index of the module in [`DependencyGraph::modules`].
    Module(usize),
    /// Left to the runtime (`--external`, Node built-ins).
    External,
    /// Not found; why.
    Unresolved(String),
}

/// Builds the dependency graph of `options.entries`.
pub fn dependency_graph(options: &BuildOptions) -> Result<DependencyGraph, Diagnostics> {
    options.validate()?;
    let scanned = scan_graph(options)?;
    // Renumber in breadth-first order from the entries, which does not
    // depend on which worker found a module first.
    let mut order: Vec<ModuleId> = Vec::new();
    let mut position = vec![usize::MAX; scanned.modules.len()];
    for &entry in &scanned.entries {
        if position[entry.index()] == usize::MAX {
            position[entry.index()] = order.len();
            order.push(entry);
        }
    }
    let mut next = 0;
    while next < order.len() {
        for import in &scanned.modules[order[next].index()].imports {
            if let Target::Module(id) = import.target {
                if position[id.index()] == usize::MAX {
                    position[id.index()] = order.len();
                    order.push(id);
                }
            }
        }
        next += 1;
    }
    let modules = order
        .iter()
        .map(|id| {
            let module = &scanned.modules[id.index()];
            GraphModule {
                path: module.path.clone(),
                imports: module
                    .imports
                    .iter()
                    .map(|i| GraphImport {
                        specifier: i.specifier.clone(),
                        kind: i.kind,
                        resolved: match &i.target {
                            Target::Module(id) => Resolved::Module(position[id.index()]),
                            Target::External => Resolved::External,
                            Target::Unresolved(why) => Resolved::Unresolved(why.clone()),
                        },
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(DependencyGraph {
        modules,
        cwd: options.cwd.clone(),
    })
}

fn kind_name(kind: ScanKind) -> &'static str {
    match kind {
        ScanKind::Import => "import",
        ScanKind::ReExport => "export-from",
        ScanKind::Dynamic => "dynamic-import",
        ScanKind::Require => "require",
    }
}

impl DependencyGraph {
    fn show(&self, path: &Path) -> String {
        display_path(path, &self.cwd)
    }

    /// Each cycle of static imports (`import`, `export … from`), as module
    /// indices in ascending order; found with Kahn's algorithm.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let edges = self.modules.iter().enumerate().flat_map(|(from, m)| {
            m.imports.iter().filter_map(move |i| match i.resolved {
                Resolved::Module(to) if matches!(i.kind, ScanKind::Import | ScanKind::ReExport) => {
                    Some((from, to))
                }
                _ => None,
            })
        });
        cycles_in(self.modules.len(), edges)
    }

    /// One module per line, its imports indented under it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for module in &self.modules {
            let _ = writeln!(out, "{}", self.show(&module.path));
            for import in &module.imports {
                let target = match &import.resolved {
                    Resolved::Module(index) => self.show(&self.modules[*index].path),
                    Resolved::External => "(external)".to_string(),
                    Resolved::Unresolved(_) => "(unresolved)".to_string(),
                };
                let _ = writeln!(
                    out,
                    "  {} {:?} -> {target}",
                    kind_name(import.kind),
                    import.specifier
                );
            }
        }
        out
    }

    /// `{"modules": [{"path", "imports": [{"specifier", "kind", "resolved"}]}]}`;
    /// `resolved` is a module's path, or null with `"external": true` or an
    /// `"error"`.
    pub fn to_json(&self) -> String {
        let modules: Vec<serde_json::Value> = self
            .modules
            .iter()
            .map(|module| {
                let imports: Vec<serde_json::Value> = module
                    .imports
                    .iter()
                    .map(|import| {
                        let mut entry = serde_json::json!({
                            "specifier": import.specifier,
                            "kind": kind_name(import.kind),
                            "resolved": null,
                        });
                        match &import.resolved {
                            Resolved::Module(index) => {
                                entry["resolved"] = self.show(&self.modules[*index].path).into()
                            }
                            Resolved::External => entry["external"] = true.into(),
                            Resolved::Unresolved(why) => entry["error"] = why.as_str().into(),
                        }
                        entry
                    })
                    .collect();
                serde_json::json!({ "path": self.show(&module.path), "imports": imports })
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&serde_json::json!({ "modules": modules }))
            .expect("a JSON value serializes");
        out.push('\n');
        out
    }

    /// A Graphviz digraph: one node per module, one edge per resolved
    /// import, dashed for `import()` and `require()`.
    pub fn to_dot(&self) -> String {
        let quote = |s: &str| serde_json::Value::from(s).to_string();
        let mut out = String::from("digraph modules {\n  node [shape=box];\n");
        for (index, module) in self.modules.iter().enumerate() {
            let _ = writeln!(
                out,
                "  m{index} [label={}];",
                quote(&self.show(&module.path))
            );
        }
        for (from, module) in self.modules.iter().enumerate() {
            for import in &module.imports {
                if let Resolved::Module(to) = import.resolved {
                    let style = match import.kind {
                        ScanKind::Import | ScanKind::ReExport => "",
                        ScanKind::Dynamic | ScanKind::Require => " [style=dashed]",
                    };
                    let _ = writeln!(out, "  m{from} -> m{to}{style};");
                }
            }
        }
        out.push_str("}\n");
        out
    }

    /// The cycles, one per paragraph, each module on its own line.
    pub fn cycles_text(&self, cycles: &[Vec<usize>]) -> String {
        let mut out = String::new();
        for (n, cycle) in cycles.iter().enumerate() {
            let _ = writeln!(out, "cycle {} ({} modules):", n + 1, cycle.len());
            for &index in cycle {
                let _ = writeln!(out, "  {}", self.show(&self.modules[index].path));
            }
        }
        out
    }
}
