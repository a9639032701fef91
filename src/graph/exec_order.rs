//! ECMAScript evaluation order: a depth-first post-order over each module's
//! static import records in source order, entries in the order given. This
//! is how Node evaluates a module graph, cycles included (a module already
//! on the stack is skipped, so the importer of a cycle runs last).

use super::{static_deps, Module, ModuleId, Resolution};

/// Modules in the order they run, and which of them run only when reached
/// through `import()`.
pub struct ExecOrder {
    pub modules: Vec<ModuleId>,
    /// Indexed by the ids the order was computed over.
    pub lazy: Vec<bool>,
}

impl ExecOrder {
    /// Iterative, O(modules + records): a chain of any length cannot
    /// overflow the stack.
    pub fn compute(modules: &[Module], entries: &[ModuleId]) -> ExecOrder {
        ExecOrder::over(
            modules.len(),
            entries,
            |id| static_deps(&modules[id.index()]),
            |id| {
                modules[id.index()]
                    .records
                    .iter()
                    .filter_map(|r| match r.resolution {
                        Resolution::Module(target) if !r.kind.is_static() => Some(target),
                        _ => None,
                    })
            },
        )
    }

    /// The order over `count` modules whose static and dynamic imports the
    /// two functions list in source order.
    fn over<S, D>(
        count: usize,
        entries: &[ModuleId],
        static_deps: impl Fn(ModuleId) -> S,
        dynamic_deps: impl Fn(ModuleId) -> D,
    ) -> ExecOrder
    where
        S: Iterator<Item = ModuleId>,
        D: Iterator<Item = ModuleId>,
    {
        let mut visited = vec![false; count];
        let mut order = Vec::with_capacity(count);
        let mut visit = |root: ModuleId, order: &mut Vec<ModuleId>| {
            if visited[root.index()] {
                return;
            }
            visited[root.index()] = true;
            // Each frame is a module and the dependencies it has left to visit.
            let mut stack = vec![(root, static_deps(root))];
            while let Some((id, deps)) = stack.last_mut() {
                match deps.next() {
                    Some(dep) if !visited[dep.index()] => {
                        visited[dep.index()] = true;
                        stack.push((dep, static_deps(dep)));
                    }
                    Some(_) => {}
                    None => {
                        order.push(*id);
                        stack.pop();
                    }
                }
            }
        };
        for &entry in entries {
            visit(entry, &mut order);
        }
        let eager = order.len();

        // Modules reached only through `import()` run when it is called;
        // each such root brings the part of its static closure that has not
        // run yet. Roots are taken in the order their importers run.
        let mut next = 0;
        while next < order.len() {
            for target in dynamic_deps(order[next]) {
                visit(target, &mut order);
            }
            next += 1;
        }

        let mut lazy = vec![false; count];
        for id in &order[eager..] {
            lazy[id.index()] = true;
        }
        ExecOrder {
            modules: order,
            lazy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Orders a graph given as adjacency lists of static imports.
    fn order(graph: &[Vec<u32>], dynamic: &[Vec<u32>], entries: &[u32]) -> (Vec<u32>, Vec<bool>) {
        let entries: Vec<ModuleId> = entries.iter().map(|&e| ModuleId(e)).collect();
        let result = ExecOrder::over(
            graph.len(),
            &entries,
            |id| graph[id.index()].iter().map(|&d| ModuleId(d)),
            |id| {
                dynamic
                    .get(id.index())
                    .into_iter()
                    .flatten()
                    .map(|&d| ModuleId(d))
            },
        );
        (result.modules.iter().map(|m| m.0).collect(), result.lazy)
    }

    #[test]
    fn siblings_run_in_source_order_after_their_dependencies() {
        // 0 imports 1 then 2; 1 imports 3. Kahn could put 2 before 3.
        let (order, _) = order(&[vec![1, 2], vec![3], vec![], vec![]], &[], &[0]);
        assert_eq!(order, vec![3, 1, 2, 0]);
    }

    #[test]
    fn a_cycle_runs_the_module_reached_second_first() {
        // 0 imports 1, 1 imports 2, 2 imports 1 (a cycle): Node runs 2, 1, 0.
        let (order, _) = order(&[vec![1], vec![2], vec![1]], &[], &[0]);
        assert_eq!(order, vec![2, 1, 0]);
    }

    #[test]
    fn modules_reached_only_by_import_are_lazy() {
        // 0 imports 1 statically and 2 dynamically; 2 imports 1 and 3.
        let (order, lazy) = order(&[vec![1], vec![], vec![1, 3], vec![]], &[vec![2]], &[0]);
        assert_eq!(order, vec![1, 0, 3, 2]);
        assert_eq!(lazy, vec![false, false, true, true]);
    }

    #[test]
    fn a_chain_of_fifty_thousand_modules_does_not_overflow_the_stack() {
        let n = 50_000u32;
        let graph: Vec<Vec<u32>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let (order, _) = order(&graph, &[], &[0]);
        assert_eq!(order.len(), n as usize);
        assert_eq!(order[0], n - 1);
        assert_eq!(order[n as usize - 1], 0);
    }
}
