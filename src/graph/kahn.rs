//! Kahn's algorithm over the static import graph. It releases modules in
//! waves, each wave's dependencies all in earlier waves, so a pass that needs
//! its dependencies' results can run one wave at a time, a wave in parallel.
//! The nodes it cannot drain are exactly those on or behind a cycle; their
//! strongly connected components of more than one module (or one that imports
//! itself) are the cycles.

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{ModuleGraph, ModuleId};

/// Waves of modules whose static dependencies are all in earlier waves, and
/// the modules left over because they sit on or depend on a cycle.
pub struct KahnWaves {
    pub waves: Vec<Vec<ModuleId>>,
    pub undrained: Vec<ModuleId>,
}

fn import_graph(graph: &ModuleGraph) -> DiGraph<ModuleId, ()> {
    let mut g = DiGraph::with_capacity(graph.modules.len(), 0);
    for module in &graph.modules {
        g.add_node(module.id);
    }
    for module in &graph.modules {
        for dep in graph.static_deps(module.id) {
            // Edge from the dependency to its importer: a module is released
            // once everything it imports is done.
            g.add_edge(
                NodeIndex::new(dep.index()),
                NodeIndex::new(module.id.index()),
                (),
            );
        }
    }
    g
}

impl KahnWaves {
    pub fn compute(graph: &ModuleGraph) -> KahnWaves {
        let g = import_graph(graph);
        let mut indegree: Vec<usize> = g
            .node_indices()
            .map(|n| g.neighbors_directed(n, petgraph::Incoming).count())
            .collect();
        let mut wave: Vec<NodeIndex> = g
            .node_indices()
            .filter(|n| indegree[n.index()] == 0)
            .collect();
        let mut waves = Vec::new();
        let mut drained = vec![false; indegree.len()];
        while !wave.is_empty() {
            let mut next = Vec::new();
            for &n in &wave {
                drained[n.index()] = true;
                for m in g.neighbors_directed(n, petgraph::Outgoing) {
                    indegree[m.index()] -= 1;
                    if indegree[m.index()] == 0 {
                        next.push(m);
                    }
                }
            }
            let mut ids: Vec<ModuleId> = wave.iter().map(|n| g[*n]).collect();
            ids.sort();
            waves.push(ids);
            next.sort();
            next.dedup();
            wave = next;
        }
        let undrained = g
            .node_indices()
            .filter(|n| !drained[n.index()])
            .map(|n| g[n])
            .collect();
        KahnWaves { waves, undrained }
    }
}

/// Every import cycle: the modules Kahn's algorithm cannot drain, split into
/// strongly connected components. Each cycle is listed in execution order.
pub fn cycles(graph: &ModuleGraph) -> Vec<Vec<ModuleId>> {
    let kahn = KahnWaves::compute(graph);
    if kahn.undrained.is_empty() {
        return Vec::new();
    }
    let g = import_graph(graph);
    let stuck: std::collections::HashSet<ModuleId> = kahn.undrained.iter().copied().collect();
    let sub = g.filter_map(|_, id| stuck.contains(id).then_some(*id), |_, _| Some(()));
    let mut found: Vec<Vec<ModuleId>> = tarjan_scc(&sub)
        .into_iter()
        .filter(|scc| scc.len() > 1 || sub.contains_edge(scc[0], scc[0]))
        .map(|scc| {
            let mut ids: Vec<ModuleId> = scc.iter().map(|n| sub[*n]).collect();
            ids.sort();
            ids
        })
        .collect();
    found.sort();
    found
}
