//! Renaming: every top-level name of the chunk gets a final name that is
//! unique in the chunk, never shadows a global the code reads, and never
//! captures a name a nested scope declares (the analysis lists both as the
//! module's reserved names). Names are given in execution order, so the
//! same graph always gets the same names.

use std::collections::{HashMap, HashSet};

use swc_atoms::Atom;
use swc_ecma_ast::Id;

use crate::graph::{identifier_of, ModuleGraph, ModuleKind, Resolution};

/// Names the emitted runtime uses, and globals that output code relies on.
const ALWAYS_RESERVED: &[&str] = &[
    "__esm",
    "__ns",
    "__commonJS",
    "__default",
    "__createRequire",
    "__require",
    "__fileURLToPath",
    "__pathDirname",
    "__import",
    "__export",
    "undefined",
    "NaN",
    "Infinity",
    "arguments",
    "eval",
    "require",
    "module",
    "exports",
    "__filename",
    "__dirname",
    "globalThis",
    "Object",
    "Promise",
    "Symbol",
];

/// The final names of a chunk.
pub struct Names {
    pub symbols: HashMap<Id, Atom>,
    /// Per module: the binding of its namespace object, if one is built.
    pub namespaces: Vec<Atom>,
    /// Per module that does not run inline: the binding of its lazy
    /// initializer (`require_<stem>` for CommonJS), or of the promise of its
    /// asynchronous evaluation.
    pub inits: Vec<Option<Atom>>,
    /// Per ES module: the binding of what `require()` of it returns when
    /// that is not its namespace (it has a default export, so Node adds
    /// `__esModule`).
    pub required_namespaces: Vec<Atom>,
    /// Per external specifier: the binding of its namespace.
    pub externals: Vec<(Atom, Atom)>,
    /// Every name given out or reserved, for [`Names::unused`].
    taken: HashSet<Atom>,
}

impl Names {
    /// `wrapped[m]`: module `m` does not run inline and needs a binding in
    /// `inits`.
    pub fn assign(graph: &ModuleGraph, wrapped: &[bool]) -> Names {
        let mut taken: HashSet<Atom> = ALWAYS_RESERVED.iter().map(|s| Atom::from(*s)).collect();
        for m in &graph.modules {
            taken.extend(m.reserved.iter().cloned());
        }
        let mut fresh = Fresh {
            taken,
            suffixes: HashMap::new(),
        };

        let mut symbols = HashMap::new();
        for m in &graph.modules {
            for id in &m.symbols {
                symbols.insert(id.clone(), fresh.name(&id.0));
            }
        }

        let mut externals: Vec<(Atom, Atom)> = Vec::new();
        for m in &graph.modules {
            for r in &m.records {
                if r.resolution == Resolution::External
                    && r.kind.is_static()
                    && !externals.iter().any(|(s, _)| *s == r.specifier)
                {
                    let name =
                        fresh.name(&format!("import_{}", identifier_of(&r.specifier)).into());
                    externals.push((r.specifier.clone(), name));
                }
            }
        }

        let stems: Vec<String> = graph
            .modules
            .iter()
            .map(|m| {
                identifier_of(
                    &m.path
                        .file_stem()
                        .map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
                )
            })
            .collect();
        let namespaces = stems
            .iter()
            .map(|stem| fresh.name(&format!("{stem}_exports").into()))
            .collect();
        let inits = graph
            .modules
            .iter()
            .zip(&stems)
            .map(|(m, stem)| {
                let prefix = match m.kind {
                    ModuleKind::CommonJs => "require",
                    ModuleKind::Esm => "init",
                };
                wrapped[m.id.index()].then(|| fresh.name(&format!("{prefix}_{stem}").into()))
            })
            .collect();
        let required_namespaces = graph
            .modules
            .iter()
            .zip(&stems)
            .map(|(m, stem)| {
                if graph.required[m.id.index()] && m.kind == ModuleKind::Esm {
                    fresh.name(&format!("{stem}_module").into())
                } else {
                    Atom::default()
                }
            })
            .collect();

        Names {
            symbols,
            namespaces,
            inits,
            required_namespaces,
            externals,
            taken: fresh.taken,
        }
    }

    /// Names nothing in the chunk uses, one per base name, for bindings the
    /// chunk's assembly adds.
    pub fn unused(&self, bases: &[Atom]) -> Vec<Atom> {
        if bases.is_empty() {
            // Spare the copy of every name in the chunk.
            return Vec::new();
        }
        let mut fresh = Fresh {
            taken: self.taken.clone(),
            suffixes: HashMap::new(),
        };
        bases.iter().map(|base| fresh.name(base)).collect()
    }

    pub fn external(&self, specifier: &Atom) -> &Atom {
        &self
            .externals
            .iter()
            .find(|(s, _)| s == specifier)
            .expect("every external specifier is named")
            .1
    }
}

struct Fresh {
    taken: HashSet<Atom>,
    /// The last suffix tried for a base name, so that a name declared in
    /// many modules does not rescan the suffixes from the start.
    suffixes: HashMap<Atom, u32>,
}

impl Fresh {
    fn name(&mut self, base: &Atom) -> Atom {
        if self.taken.insert(base.clone()) {
            return base.clone();
        }
        let suffix = self.suffixes.entry(base.clone()).or_insert(0);
        loop {
            *suffix += 1;
            let candidate: Atom = format!("{base}${suffix}").into();
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}
