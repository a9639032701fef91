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

impl KahnWaves {
    pub fn compute(graph: &ModuleGraph) -> KahnWaves {
        let (waves, undrained) = drain(&import_graph(graph));
        let ids = |nodes: Vec<usize>| nodes.into_iter().map(|n| ModuleId(n as u32)).collect();
        KahnWaves {
            waves: waves.into_iter().map(ids).collect(),
            undrained: ids(undrained),
        }
    }
}

/// Every import cycle: the modules Kahn's algorithm cannot drain, split into
/// strongly connected components. Each cycle is listed in execution order.
pub fn cycles(graph: &ModuleGraph) -> Vec<Vec<ModuleId>> {
    cycles_of(&import_graph(graph))
        .into_iter()
        .map(|cycle| cycle.into_iter().map(|n| ModuleId(n as u32)).collect())
        .collect()
}

/// The cycles of a graph of `count` nodes whose `edges` go from importer to
/// imported, each as its sorted node indices, sorted.
pub fn cycles_in(count: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    let mut g = DiGraph::with_capacity(count, 0);
    for _ in 0..count {
        g.add_node(());
    }
    for (importer, imported) in edges {
        g.add_edge(NodeIndex::new(imported), NodeIndex::new(importer), ());
    }
    cycles_of(&g)
}

/// The static import graph with an edge from each dependency to its
/// importer: a module is released once everything it imports is done.
fn import_graph(graph: &ModuleGraph) -> DiGraph<(), ()> {
    let mut g = DiGraph::with_capacity(graph.modules.len(), 0);
    for _ in &graph.modules {
        g.add_node(());
    }
    for module in &graph.modules {
        for dep in graph.static_deps(module.id) {
            g.add_edge(
                NodeIndex::new(dep.index()),
                NodeIndex::new(module.id.index()),
                (),
            );
        }
    }
    g
}

/// Kahn's algorithm on a graph whose edges go from dependency to dependent:
/// the waves of node indices, each sorted, and the nodes left undrained.
fn drain(g: &DiGraph<(), ()>) -> (Vec<Vec<usize>>, Vec<usize>) {
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
        let mut nodes: Vec<usize> = wave.iter().map(|n| n.index()).collect();
        nodes.sort_unstable();
        waves.push(nodes);
        next.sort();
        next.dedup();
        wave = next;
    }
    let undrained = (0..drained.len()).filter(|&n| !drained[n]).collect();
    (waves, undrained)
}

fn cycles_of(g: &DiGraph<(), ()>) -> Vec<Vec<usize>> {
    let (_, undrained) = drain(g);
    if undrained.is_empty() {
        return Vec::new();
    }
    let mut stuck = vec![false; g.node_count()];
    for &n in &undrained {
        stuck[n] = true;
    }
    // Keep every node so that indices stay those of `g`; the drained ones
    // have no edges left and form no cycle.
    let sub = g.filter_map(
        |_, _| Some(()),
        |e, _| {
            let (a, b) = g.edge_endpoints(e)?;
            (stuck[a.index()] && stuck[b.index()]).then_some(())
        },
    );
    let mut found: Vec<Vec<usize>> = tarjan_scc(&sub)
        .into_iter()
        .filter(|scc| scc.len() > 1 || sub.contains_edge(scc[0], scc[0]))
        .map(|scc| {
            let mut nodes: Vec<usize> = scc.iter().map(|n| n.index()).collect();
            nodes.sort_unstable();
            nodes
        })
        .collect();
    found.sort();
    found
}
