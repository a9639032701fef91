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
        let mut walk = Walk {
            modules,
            visited: vec![false; modules.len()],
            order: Vec::with_capacity(modules.len()),
        };
        for &entry in entries {
            walk.visit(entry);
        }
        let eager = walk.order.len();

        // Modules reached only through `import()` run when it is called;
        // each such root brings the part of its static closure that has not
        // run yet. Roots are taken in the order their importers run.
        let mut next = 0;
        while next < walk.order.len() {
            let importer = &modules[walk.order[next].index()];
            for record in &importer.records {
                if let Resolution::Module(target) = record.resolution {
                    if !record.kind.is_static() {
                        walk.visit(target);
                    }
                }
            }
            next += 1;
        }

        let mut lazy = vec![false; modules.len()];
        for id in &walk.order[eager..] {
            lazy[id.index()] = true;
        }
        ExecOrder {
            modules: walk.order,
            lazy,
        }
    }
}

struct Walk<'a> {
    modules: &'a [Module],
    visited: Vec<bool>,
    order: Vec<ModuleId>,
}

impl Walk<'_> {
    fn visit(&mut self, root: ModuleId) {
        if self.visited[root.index()] {
            return;
        }
        self.visited[root.index()] = true;
        // Each frame is a module and the dependencies it has left to visit.
        let mut stack = vec![(root, static_deps(&self.modules[root.index()]))];
        while let Some((id, deps)) = stack.last_mut() {
            match deps.next() {
                Some(dep) if !self.visited[dep.index()] => {
                    self.visited[dep.index()] = true;
                    stack.push((dep, static_deps(&self.modules[dep.index()])));
                }
                Some(_) => {}
                None => {
                    self.order.push(*id);
                    stack.pop();
                }
            }
        }
    }
}
